"""Every change to reporting goes through these functions.

Each runs in one transaction, checks permissions through ``reporting.access`` and the workflow
table, saves, writes its immutable audit row, and queues notifications to run on commit.
Pages, the API and commands call these; nothing else saves reporting objects.

Errors callers handle:

- ``PermissionDenied``: the user may not do this to this object (a 403 or 404 for pages).
- ``ValidationError``: the user may, but not now or not with this input; the message says why
  (codes: ``invalid_transition``, ``not_editable``, ``comment_required``, ``off_monitoring``,
  and the evidence codes of ``reporting.evidence``).
- ``ConcurrentEditError``: someone else changed the object since the caller loaded it (the
  ``expected_version`` the caller passes). Nothing was changed; reload and apply again.

Functions that take a report lock its row and work on a fresh copy; on success the caller's
instance is updated to match (so ``report.state`` is current), on failure it is left alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rightsmonitor.accounts.models import Role, User
from rightsmonitor.core.locking import ConcurrentEditError, claim_version
from rightsmonitor.plans.actions import record_actor
from rightsmonitor.plans.models import Action, ActionAgency, Agency, Plan
from rightsmonitor.reporting import access, mails, notices
from rightsmonitor.reporting.evidence import sniff_upload
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    AgencyReportingSettings,
    Evidence,
    Frequency,
    ImplementationStatus,
    MonitoringChange,
    Notification,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
    ReportTransition,
)
from rightsmonitor.reporting.workflow import EDITABLE_STATES, ReportState, find_transition

REPORT_FIELDS = frozenset(
    {"narrative", "proposed_status", "document_type", "document_number", "document_date"}
)
MONTHS_PER_PERIOD = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.ANNUAL: 12,
}


# Reporting periods ---------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return day.replace(year=day.year + month_index // 12, month=month_index % 12 + 1, day=1)


def period_bounds(day: date, frequency: str) -> tuple[date, date]:
    """The calendar-aligned period of ``frequency`` that contains ``day``."""
    months = MONTHS_PER_PERIOD[Frequency(frequency)]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return start, _add_months(start, months) - timedelta(days=1)


@transaction.atomic
def set_schedule(
    plan: Plan, *, frequency: str, submission_days: int, review_days: int, by: Any
) -> ReportingSchedule:
    """Set how often the plan is reported on. Existing periods keep their dates."""
    if not access.can_review(by):
        raise PermissionDenied
    schedule = ReportingSchedule.objects.filter(plan=plan).first() or ReportingSchedule(plan=plan)
    schedule.frequency = frequency
    schedule.submission_days = submission_days
    schedule.review_days = review_days
    if review_days < submission_days:
        raise ValidationError(
            {"review_days": _("The coordinator's deadline cannot come before the agencies'.")}
        )
    schedule.full_clean()
    record_actor(schedule, by)
    schedule.save()
    return schedule


@transaction.atomic
def update_agency_settings(
    agency: Agency,
    *,
    sign_off_required: bool,
    validating_authority: User | None,
    by: Any,
    ready_step: bool | None = None,
) -> AgencyReportingSettings:
    """Name the agency's validating authority and turn its sign-off step on or off.

    ``ready_step``: whether reports are marked ready before sign-off (None: left as it is).

    The history row of ``AgencyReportingSettings`` records who changed it and when.
    """
    if not access.can_review(by):
        raise PermissionDenied
    if validating_authority is not None and not (
        validating_authority.is_active
        and validating_authority.role == Role.FOCAL_POINT
        and validating_authority.agency_id == agency.pk
    ):
        raise ValidationError(
            {"validating_authority": _("Choose an active focal point of this agency.")}
        )
    row = AgencyReportingSettings.objects.select_for_update().filter(
        agency=agency
    ).first() or AgencyReportingSettings(agency=agency)
    row.sign_off_required = sign_off_required
    if ready_step is not None:
        row.ready_step = ready_step
    row.validating_authority = validating_authority
    row.full_clean()  # the model refuses sign-off without a validating authority
    record_actor(row, by)
    row.save()
    return row


@transaction.atomic
def ensure_periods(plan: Plan, *, until: date) -> list[ReportingPeriod]:
    """Create the plan's reporting periods up to the one containing ``until``; idempotent.

    Periods are calendar-aligned (years, half-years, quarters, months) of the plan's schedule
    (annual, 10 and 25 days, if it has none). The first is the one containing the plan's start
    (today if the plan has no start) and begins on the plan's start; none begins after the
    plan's end. A period that would overlap an existing one is skipped, so existing periods
    are never changed, and a change of frequency takes effect after the last existing period.
    Returns the periods created, oldest first.
    """
    # Serialise concurrent runs on the plan row (SQLite serialises all writers anyway).
    list(Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True))
    schedule = ReportingSchedule.objects.filter(plan=plan).first() or ReportingSchedule(plan=plan)
    first_day = plan.period_start or timezone.localdate()
    existing = list(plan.reporting_periods.values_list("start", "end"))
    start, end = period_bounds(first_day, schedule.frequency)
    created = []
    while start <= until and (plan.period_end is None or start <= plan.period_end):
        if plan.period_start and start < plan.period_start:
            start = plan.period_start
        if not any(
            start <= other_end and other_start <= end for other_start, other_end in existing
        ):
            period = ReportingPeriod(
                plan=plan,
                start=start,
                end=end,
                submission_deadline=end + timedelta(days=schedule.submission_days),
                review_deadline=end + timedelta(days=schedule.review_days),
            )
            period.full_clean()
            period.save()
            created.append(period)
        start, end = period_bounds(end + timedelta(days=1), schedule.frequency)
    return created


# Reports -------------------------------------------------------------------------------------


def _notify(
    users: Iterable[Any], event: str, params: Mapping[str, Any], url: str, *, kind: str = ""
) -> None:
    """Queue in-app notices of ``event`` to be written once the transaction commits.

    Their e-mails go out then too (``reporting.mails``), to those who want them at once; the
    others' wait for the daily digest.
    """
    recipients = list({user.pk: user for user in users if user is not None}.values())

    def write() -> None:
        notices = Notification.objects.bulk_create(
            Notification(user=user, kind=kind or event, event=event, params=dict(params), url=url)
            for user in recipients
        )
        mails.send_notice_mails(notices)

    if recipients:
        transaction.on_commit(write)


def report_url(report: ProgressReport) -> str:
    return reverse("reporting:report", args=[report.pk])


def _locked(report: ProgressReport) -> ProgressReport:
    """A fresh copy of the report, its row locked until the transaction ends."""
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("agency", "action", "period")
        .get(pk=report.pk)
    )


def _copy_into(target: ProgressReport, source: ProgressReport) -> None:
    """Make the caller's instance show what was saved."""
    for field in ProgressReport._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _editable(report: ProgressReport, by: Any) -> ProgressReport:
    """The locked report if ``by`` may change its text and files now.

    Someone who is not an author of the agency gets PermissionDenied; an author whose report
    has left the editable states gets a ValidationError that says so.
    """
    current = _locked(report)
    if not access.is_author(by, current):
        raise PermissionDenied
    if current.state not in EDITABLE_STATES:
        raise ValidationError(
            _(
                "This report is “%(state)s” and can no longer be changed. It can be changed "
                "again if the coordinator returns it."
            )
            % {"state": current.get_state_display()},
            code="not_editable",
        )
    return current


@transaction.atomic
def start_report(
    action: Action, agency: Agency, period: ReportingPeriod, *, by: Any
) -> ProgressReport:
    """Open the agency's draft report on an action for a period (or return the existing one).

    The lead agency writes the consolidated report, a co-executor a contribution. Only a focal
    point of ``agency`` may start it.
    """
    if not access.can_report_on(by, action) or by.agency_id != agency.pk:
        raise PermissionDenied
    if period.plan_id != action.plan_id:
        raise ValidationError(_("The period belongs to another plan."), code="wrong_plan")
    assignment = ActionAgency.objects.filter(action=action, agency=agency).first()
    if assignment is None:
        raise ValidationError(
            _("This agency is not responsible for the action."), code="not_responsible"
        )
    if ActionMonitoring.objects.filter(action=action, on_monitoring=False).exists():
        raise ValidationError(
            _("The action has been taken off monitoring: no more reports are due on it."),
            code="off_monitoring",
        )
    kind = (
        ProgressReport.Kind.CONSOLIDATED
        if assignment.role == ActionAgency.Role.LEAD
        else ProgressReport.Kind.CONTRIBUTION
    )
    report, _created = ProgressReport.objects.get_or_create(
        action=action, agency=agency, period=period, defaults={"kind": kind, "author": by}
    )
    return report


@transaction.atomic
def save_report(
    report: ProgressReport, fields: Mapping[str, Any], *, by: Any, expected_version: int | None
) -> ProgressReport:
    """Change a draft's text: a focal point of the report's agency, while draft or returned.

    ``expected_version`` is the version the editor loaded (None: the version of ``report`` as
    passed). If someone saved or moved the report since, ConcurrentEditError is raised and
    nothing changes, so neither edit is lost: the caller shows both.
    """
    unknown = set(fields) - REPORT_FIELDS
    if unknown:
        raise ValueError(f"not report fields: {sorted(unknown)}")
    current = _editable(report, by)
    claim_version(current, report.version if expected_version is None else expected_version)
    for name, value in fields.items():
        setattr(current, name, value)
    current.author = by
    current.full_clean()
    # claim_version has already written the new version.
    current.save(update_fields=[*fields, "author", "updated_at"])
    _copy_into(report, current)
    return current


@transaction.atomic
def take_transition(
    report: ProgressReport,
    name: str,
    *,
    by: Any,
    comment: str = "",
    expected_version: int | None = None,
    assessed_status: str | None = None,
) -> ProgressReport:
    """Move a report through the workflow and write the audit row.

    Refusals, in this order: PermissionDenied if ``by`` may not see the report;
    ConcurrentEditError if ``expected_version`` is given and the report has changed since
    (so two coordinators pressing "accept" and "return" at once cannot both win, and nobody
    accepts a text they have not seen); ValidationError ``invalid_transition`` if ``name`` is
    not possible from the report's state; PermissionDenied if ``by`` is not the transition's
    actor; ValidationError ``comment_required`` without a required comment.

    Accepting leaves the action's assessed status as it is: the verdict is the coordinator's,
    not the agency's. Only when the coordinator chooses one on the same form
    (``assessed_status``, when accepting a consolidated report) is it set, with its audit row;
    otherwise ``set_assessed_status`` sets it later. A status given with any other step, or not
    one of ``ImplementationStatus``, is a ValidationError on ``assessed_status``.
    """
    current = _locked(report)
    if not access.can_view_report(by, current):
        raise PermissionDenied
    if expected_version is not None and expected_version != current.version:
        raise ConcurrentEditError(ConcurrentEditError.message)
    transition = find_transition(
        name,
        current.state,
        sign_off_required=access.sign_off_required(current.agency_id),
        times_returned=current.times_returned,
        ready_step=access.uses_ready_step(current.agency_id),
    )
    if transition is None:
        raise ValidationError(
            _("“%(name)s” is not possible for a report that is “%(state)s”.")
            % {"name": name, "state": current.get_state_display()},
            code="invalid_transition",
        )
    if not access.can_take(by, current, transition):
        raise PermissionDenied
    if assessed_status is not None:
        _check_verdict(current, transition.target, assessed_status)
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise ValidationError({"comment": _("Say what needs to change.")}, code="comment_required")
    from_state = current.state
    current.state = transition.target
    if transition.target == ReportState.RETURNED:
        current.times_returned += 1
    current.version += 1
    current.save(update_fields=["state", "times_returned", "version", "updated_at"])
    step = ReportTransition.objects.create(
        report=current,
        name=transition.name,
        from_state=from_state,
        to_state=current.state,
        actor=by,
        comment=comment,
    )
    if assessed_status is not None:  # the coordinator's verdict, chosen when accepting
        _change_assessed_status(
            current.action,
            assessed_status,
            by=by,
            reason=_("Accepted report %(period)s") % {"period": current.period},
        )
    _notify_transition(current, step)
    _copy_into(report, current)
    return current


def _check_verdict(report: ProgressReport, target: str, status: str) -> None:
    """Refuse an official status sent with a step that cannot set one, or not a status."""
    if target != ReportState.ACCEPTED or report.kind != ProgressReport.Kind.CONSOLIDATED:
        raise ValidationError(
            {
                "assessed_status": _(
                    "The official status can be set only when accepting a consolidated report."
                )
            },
            code="no_verdict_here",
        )
    if status not in ImplementationStatus.values:
        raise ValidationError({"assessed_status": _("Choose a status from the list.")})


def _focal_points(agency: Agency, *, but: Any = None) -> Iterable[User]:
    """The agency's active focal points (leaving out ``but``, who acted)."""
    users = User.objects.filter(agency=agency, is_active=True, role=Role.FOCAL_POINT)
    return users.exclude(pk=but.pk) if but is not None else users


def _actor_name(user: Any) -> str:
    return str(user.get_full_name() or user.email) if user is not None else ""


def handoff_params(report: ProgressReport, *, by: Any, comment: str = "") -> dict[str, Any]:
    """The facts a hand-off notice is written from (see ``reporting.notices``)."""
    return {
        "report": report.pk,
        "action": report.action.number,
        **notices.agency_params(report.agency),
        "period": str(report.period),
        "actor": _actor_name(by),
        "comment": comment,
    }


def _verdict(report: ProgressReport, step: ReportTransition) -> str:
    """The assessed status the coordinator set with this acceptance, if any."""
    change = (
        MonitoringChange.objects.filter(
            action_id=report.action_id,
            field=MonitoringChange.Field.ASSESSED_STATUS,
            actor=step.actor,
            at__gte=step.at - timedelta(seconds=5),  # written in the same transaction
        )
        .order_by("-at", "-pk")
        .first()
    )
    return change.new_value if change is not None else ""


def _notify_transition(report: ProgressReport, step: ReportTransition) -> None:
    """Tell the people who must act next (or whose report moved) at each hand-off."""
    url = report_url(report)
    params = handoff_params(report, by=step.actor, comment=step.comment)
    state = step.to_state
    agency_settings = AgencyReportingSettings.objects.filter(agency_id=report.agency_id).first()
    if state == ReportState.READY:
        validator = agency_settings.validating_authority if agency_settings else None
        _notify([validator], notices.READY, params, url)
    elif state == ReportState.SIGNED_OFF:
        _notify(_focal_points(report.agency, but=step.actor), notices.SIGNED_OFF, params, url)
    elif step.name == "send_back":
        author = report.author if report.author_id else None
        _notify([author], notices.SENT_BACK, params, url)
    elif state == ReportState.RETURNED:
        _notify(_focal_points(report.agency), notices.RETURNED, params, url)
    elif state == ReportState.ACCEPTED:
        params["verdict"] = _verdict(report, step)
        _notify(_focal_points(report.agency), notices.ACCEPTED, params, url)
    elif state in (ReportState.SUBMITTED, ReportState.RESUBMITTED):
        coordinators = User.objects.filter(is_active=True, role=Role.COORDINATOR)
        event = notices.SUBMITTED if state == ReportState.SUBMITTED else notices.RESUBMITTED
        _notify(coordinators, event, params, url, kind=Notification.Kind.SUBMITTED)


@transaction.atomic
def assign_report(report: ProgressReport, assignee: User | None, *, by: Any) -> ProgressReport:
    """Hand the report to a colleague (a focal point of its agency), or to nobody.

    The new assignee hears of it (in the app and by e-mail), unless they assigned themselves.
    """
    current = _locked(report)
    if not access.can_assign(by, current):
        raise PermissionDenied
    if assignee is not None and not (
        assignee.is_active
        and assignee.role == Role.FOCAL_POINT
        and assignee.agency_id == current.agency_id
    ):
        raise ValidationError(
            {"assignee": _("Choose an active focal point of the report's agency.")},
            code="not_a_colleague",
        )
    if current.assignee_id == (assignee.pk if assignee else None):
        _copy_into(report, current)
        return current
    current.assignee = assignee
    current.version += 1
    current.save(update_fields=["assignee", "version", "updated_at"])
    if assignee is not None and assignee.pk != getattr(by, "pk", None):
        _notify([assignee], notices.ASSIGNED, handoff_params(current, by=by), report_url(current))
    _copy_into(report, current)
    return current


# Evidence ------------------------------------------------------------------------------------


@transaction.atomic
def add_evidence_file(
    report: ProgressReport, upload: UploadedFile, *, by: Any, description: str = ""
) -> Evidence:
    """Attach a file after checking its size and that its content matches its extension.

    Nothing is written until the upload has passed the checks; if saving the row then fails,
    the file is removed, so a refused or failed upload leaves nothing on disk. (A rollback of an
    enclosing transaction after this returns is the one case left: ``prune_evidence_files``
    removes such files.)
    """
    current = _editable(report, by)
    kind = sniff_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    evidence = Evidence(
        report=current,
        storage_key=secrets.token_hex(16),
        extension=kind.extension,
        original_name=PurePath(upload.name or "file").name[:255],
        content_type=kind.content_type,
        size=upload.size or 0,
        description=description.strip(),
        added_by=by,
    )
    evidence.file.save("upload", upload, save=False)
    try:
        evidence.full_clean()
        evidence.save()
    except BaseException:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def add_evidence_link(
    report: ProgressReport, url: str, *, by: Any, description: str = ""
) -> Evidence:
    current = _editable(report, by)
    if not url.strip():
        raise ValidationError({"url": _("Give the address of the page or document.")})
    evidence = Evidence(
        report=current, url=url.strip(), description=description.strip(), added_by=by
    )
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, by: Any) -> None:
    """Remove a file or link; the file leaves the disk once the transaction commits."""
    _editable(evidence.report, by)
    name = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# The coordinator's verdict on an action ------------------------------------------------------


def _monitoring(action: Action, expected_version: int | None = None) -> ActionMonitoring:
    """The action's monitoring row, locked; created with its defaults (version 1) if missing."""
    monitoring, _created = ActionMonitoring.objects.select_for_update().get_or_create(action=action)
    if expected_version is not None and expected_version != monitoring.version:
        raise ConcurrentEditError(ConcurrentEditError.message)
    return monitoring


def _record_change(
    action: Action, field: str, old: Any, new: Any, *, by: Any, reason: str = ""
) -> None:
    MonitoringChange.objects.create(
        action=action, field=field, old_value=str(old), new_value=str(new), reason=reason, actor=by
    )


def _change_assessed_status(
    action: Action,
    status: str,
    *,
    by: Any,
    reason: str,
    expected_version: int | None = None,
) -> ActionMonitoring:
    """Set the assessed status with its audit row (none if it does not change).

    The first verdict is always recorded, with no old value, even when it is the row's default
    ("not started"): until then the action was not assessed at all.
    """
    first = not ActionMonitoring.objects.filter(action=action).exists()
    monitoring = _monitoring(action, expected_version)
    if first or monitoring.assessed_status != status:
        _record_change(
            action,
            MonitoringChange.Field.ASSESSED_STATUS,
            "" if first else monitoring.assessed_status,
            status,
            by=by,
            reason=reason,
        )
        monitoring.assessed_status = status
        monitoring.version += 1
        monitoring.save()
    return monitoring


@transaction.atomic
def set_assessed_status(
    action: Action,
    status: str,
    *,
    by: Any,
    reason: str = "",
    expected_version: int | None = None,
) -> ActionMonitoring:
    if not access.can_set_monitoring(by):
        raise PermissionDenied
    if status not in ImplementationStatus.values:
        raise ValidationError({"assessed_status": _("Choose a status from the list.")})
    return _change_assessed_status(
        action, status, by=by, reason=reason.strip(), expected_version=expected_version
    )


@transaction.atomic
def take_off_monitoring(
    action: Action, *, reason: str, by: Any, expected_version: int | None = None
) -> ActionMonitoring:
    if not access.can_set_monitoring(by):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for taking the action off monitoring.")}
        )
    monitoring = _monitoring(action, expected_version)
    if not monitoring.on_monitoring:
        raise ValidationError(_("The action is already off monitoring."), code="already_off")
    _record_change(
        action, MonitoringChange.Field.ON_MONITORING, True, False, by=by, reason=reason.strip()
    )
    monitoring.on_monitoring = False
    monitoring.off_monitoring_reason = reason.strip()
    monitoring.version += 1
    monitoring.save()
    return monitoring


@transaction.atomic
def put_back_on_monitoring(
    action: Action, *, reason: str = "", by: Any, expected_version: int | None = None
) -> ActionMonitoring:
    if not access.can_set_monitoring(by):
        raise PermissionDenied
    monitoring = _monitoring(action, expected_version)
    if monitoring.on_monitoring:
        raise ValidationError(_("The action is already on monitoring."), code="already_on")
    _record_change(
        action, MonitoringChange.Field.ON_MONITORING, False, True, by=by, reason=reason.strip()
    )
    monitoring.on_monitoring = True
    monitoring.off_monitoring_reason = ""
    monitoring.version += 1
    monitoring.save()
    return monitoring


def mark_notifications_read(user: Any, *, up_to: int | None = None) -> int:
    """Mark the reader's own unread notices read; those newer than ``up_to`` stay unread.

    ``up_to`` is the newest notice the page showed, so what arrived after the page was drawn
    is not marked unseen. Returns how many were marked.
    """
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    return unread.update(read_at=timezone.now())
