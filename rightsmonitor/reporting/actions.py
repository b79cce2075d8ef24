"""Every change to reporting goes through these functions.

Each runs in one transaction, checks permissions through ``reporting.access`` and the workflow
table, saves, writes its immutable audit row, and queues notifications to run on commit.
Pages, the API and commands call these; nothing else saves reporting objects.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from rightsmonitor.core.locking import claim_version
from rightsmonitor.plans.models import Action, ActionAgency, Agency, Plan
from rightsmonitor.reporting import access
from rightsmonitor.reporting.evidence import sniff_upload
from rightsmonitor.reporting.models import (
    ActionMonitoring,
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
from rightsmonitor.reporting.workflow import ReportState, find_transition

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
    if not access.can_review(by):
        raise PermissionDenied
    if review_days < submission_days:
        raise ValidationError(
            {"review_days": _("The coordinator's deadline cannot come before the agencies'.")}
        )
    schedule, _created = ReportingSchedule.objects.update_or_create(
        plan=plan,
        defaults={
            "frequency": frequency,
            "submission_days": submission_days,
            "review_days": review_days,
        },
    )
    return schedule


@transaction.atomic
def ensure_periods(plan: Plan, *, until: date) -> list[ReportingPeriod]:
    """Create the plan's reporting periods up to the one containing ``until``; idempotent.

    Periods are calendar-aligned (years, half-years, quarters, months) and start with the one
    containing the plan's start. Existing periods are left as they are.
    """
    schedule = ReportingSchedule.objects.filter(plan=plan).first() or ReportingSchedule(plan=plan)
    first_day = plan.period_start or until
    start, end = period_bounds(first_day, schedule.frequency)
    existing = set(plan.reporting_periods.values_list("end", flat=True))
    created = []
    while start <= until and (plan.period_end is None or start <= plan.period_end):
        if end not in existing:
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


def _notify(users: Any, kind: str, text: str, url: str) -> None:
    """Queue in-app notifications to be written once the transaction commits."""
    recipients = [user for user in users if user is not None]

    def write() -> None:
        Notification.objects.bulk_create(
            Notification(user=user, kind=kind, text=text, url=url) for user in recipients
        )

    transaction.on_commit(write)


def report_url(report: ProgressReport) -> str:
    return reverse("reporting:report", args=[report.pk])


@transaction.atomic
def start_report(
    action: Action, agency: Agency, period: ReportingPeriod, *, by: Any
) -> ProgressReport:
    """Open the agency's draft report on an action for a period (or return the existing one)."""
    if period.plan_id != action.plan_id:
        raise ValidationError(_("The period belongs to another plan."))
    assignment = ActionAgency.objects.filter(action=action, agency=agency).first()
    if assignment is None:
        raise ValidationError(_("This agency is not responsible for the action."))
    if not (access.can_report_on(by, action) and by.agency_id == agency.pk):
        raise PermissionDenied
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
    """Change a draft; a stale ``expected_version`` raises ConcurrentEditError, nothing is lost."""
    if not access.can_edit_report(by, report):
        raise PermissionDenied
    unknown = set(fields) - REPORT_FIELDS
    if unknown:
        raise ValueError(f"not report fields: {sorted(unknown)}")
    claim_version(report, expected_version)
    for name, value in fields.items():
        setattr(report, name, value)
    report.author = by
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def take_transition(
    report: ProgressReport, name: str, *, by: Any, comment: str = ""
) -> ProgressReport:
    """Move a report through the workflow and write the audit row."""
    report = ProgressReport.objects.select_for_update().select_related("agency").get(pk=report.pk)
    settings_row = getattr(report.agency, "reporting_settings", None)
    sign_off_required = settings_row.sign_off_required if settings_row else False
    transition = find_transition(
        name,
        report.state,
        sign_off_required=sign_off_required,
        times_returned=report.times_returned,
    )
    if transition is None:
        raise ValidationError(
            _("“%(name)s” is not possible for a report that is %(state)s.")
            % {"name": name, "state": report.get_state_display()},
            code="invalid_transition",
        )
    if not access.can_take(by, report, transition):
        raise PermissionDenied
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise ValidationError({"comment": _("Say what needs to change.")}, code="comment_required")
    from_state = report.state
    report.state = transition.target
    if transition.target == ReportState.RETURNED:
        report.times_returned += 1
    report.version += 1
    report.save(update_fields=["state", "times_returned", "version", "updated_at"])
    ReportTransition.objects.create(
        report=report,
        name=transition.name,
        from_state=from_state,
        to_state=report.state,
        actor=by,
        comment=comment,
    )
    _notify_transition(report, transition.target)
    return report


def _notify_transition(report: ProgressReport, state: str) -> None:
    url = report_url(report)
    label = f"{report.action.number} ({report.agency.abbreviation})"
    if state == ReportState.RETURNED:
        authors = report.agency.users.filter(is_active=True, role="focal_point")
        _notify(
            authors,
            Notification.Kind.RETURNED,
            _("Report %(label)s was returned for revision.") % {"label": label},
            url,
        )
    elif state == ReportState.ACCEPTED:
        authors = report.agency.users.filter(is_active=True, role="focal_point")
        _notify(
            authors,
            Notification.Kind.ACCEPTED,
            _("Report %(label)s was accepted.") % {"label": label},
            url,
        )


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
    if not access.can_edit_report(by, report):
        raise PermissionDenied
    kind = sniff_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    evidence = Evidence(
        report=report,
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
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def add_evidence_link(
    report: ProgressReport, url: str, *, by: Any, description: str = ""
) -> Evidence:
    if not access.can_edit_report(by, report):
        raise PermissionDenied
    evidence = Evidence(
        report=report, url=url.strip(), description=description.strip(), added_by=by
    )
    evidence.full_clean(exclude=["storage_key"])
    evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, by: Any) -> None:
    if not access.can_edit_report(by, evidence.report):
        raise PermissionDenied
    name = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# The coordinator's verdict on an action ------------------------------------------------------


def _monitoring(action: Action) -> ActionMonitoring:
    monitoring, _created = ActionMonitoring.objects.select_for_update().get_or_create(action=action)
    return monitoring


def _record_change(
    action: Action, field: str, old: Any, new: Any, *, by: Any, reason: str = ""
) -> None:
    MonitoringChange.objects.create(
        action=action, field=field, old_value=str(old), new_value=str(new), reason=reason, actor=by
    )


@transaction.atomic
def set_assessed_status(
    action: Action, status: str, *, by: Any, reason: str = ""
) -> ActionMonitoring:
    if not access.can_set_monitoring(by):
        raise PermissionDenied
    if status not in ImplementationStatus.values:
        raise ValidationError({"assessed_status": _("Choose a status from the list.")})
    monitoring = _monitoring(action)
    if monitoring.assessed_status != status:
        _record_change(
            action, "assessed_status", monitoring.assessed_status, status, by=by, reason=reason
        )
        monitoring.assessed_status = status
        monitoring.version += 1
        monitoring.save()
    return monitoring


@transaction.atomic
def take_off_monitoring(action: Action, *, reason: str, by: Any) -> ActionMonitoring:
    if not access.can_set_monitoring(by):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for taking the action off monitoring.")}
        )
    monitoring = _monitoring(action)
    if not monitoring.on_monitoring:
        raise ValidationError(_("The action is already off monitoring."))
    _record_change(action, "on_monitoring", True, False, by=by, reason=reason.strip())
    monitoring.on_monitoring = False
    monitoring.off_monitoring_reason = reason.strip()
    monitoring.version += 1
    monitoring.save()
    return monitoring


@transaction.atomic
def put_back_on_monitoring(action: Action, *, reason: str = "", by: Any) -> ActionMonitoring:
    if not access.can_set_monitoring(by):
        raise PermissionDenied
    monitoring = _monitoring(action)
    if monitoring.on_monitoring:
        raise ValidationError(_("The action is already on monitoring."))
    _record_change(action, "on_monitoring", False, True, by=by, reason=reason.strip())
    monitoring.on_monitoring = True
    monitoring.off_monitoring_reason = ""
    monitoring.version += 1
    monitoring.save()
    return monitoring
