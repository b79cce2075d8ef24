"""Coordinator-side reporting pages: the review dashboard, an action's timeline and monitoring
verdict, a plan's reporting schedule and an agency's reporting settings.

Every view asks ``reporting.access`` first: anonymous users go to the login page, users
without the right get 403, unknown objects 404. Forms validate, the functions in
``reporting.actions`` write, and the view redirects. Counts on the dashboard are aggregated in
the database (``Count(filter=Q(...))`` per agency and per section), so its query count does
not grow with the number of reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rightsmonitor.accounts.models import User
from rightsmonitor.core.forms import add_action_errors
from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.core.workflow import StrOrPromise
from rightsmonitor.plans.models import Action, Agency, Plan, Section
from rightsmonitor.reporting.access import (
    can_review,
    can_set_monitoring,
    can_view_action_timeline,
    reports_for_user,
    sign_off_required,
)
from rightsmonitor.reporting.actions import (
    ensure_periods,
    put_back_on_monitoring,
    set_assessed_status,
    set_schedule,
    take_off_monitoring,
    update_agency_settings,
)
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    AgencyReportingSettings,
    ImplementationStatus,
    MonitoringChange,
    ProgressReport,
    ProgressReportQuerySet,
    ReportingSchedule,
    ReportTransition,
)
from rightsmonitor.reporting.queries import (
    NOT_ASSESSED,
    DueItem,
    DueKind,
    due_items,
    status_label,
)
from rightsmonitor.reporting.review_forms import (
    AgencySettingsForm,
    AssessedStatusForm,
    MonitoringOperationForm,
    PutBackOnMonitoringForm,
    ReviewFilter,
    ReviewScope,
    ScheduleForm,
    ScheduleOperationForm,
    TakeOffMonitoringForm,
)
from rightsmonitor.reporting.workflow import AWAITING_REVIEW, ReportState

PAGE_SIZE = 50
GENERATE_AHEAD = timedelta(days=365)

# Small helpers ---------------------------------------------------------------------------------


def _require_reviewer(request: HttpRequest) -> None:
    if not can_review(request.user):
        raise PermissionDenied


def _url_with(request: HttpRequest, **params: Any) -> str:
    """This page's address with some query parameters replaced (None removes one)."""
    query: QueryDict = request.GET.copy()
    for name, value in params.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


@dataclass(frozen=True)
class Pager:
    """One page of a list, with the links to its neighbours that keep the filters."""

    page: Page[Any]
    previous_url: str = ""
    next_url: str = ""


def _paginate(request: HttpRequest, items: Sequence[Any] | QuerySet[Any], param: str) -> Pager:
    paginator: Paginator[Any] = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get(param))
    return Pager(
        page,
        _url_with(request, **{param: page.previous_page_number()}) if page.has_previous() else "",
        _url_with(request, **{param: page.next_page_number()}) if page.has_next() else "",
    )


def _state_labels() -> dict[str, str]:
    return {str(value): str(label) for value, label in ReportState.choices}


# Dashboard -------------------------------------------------------------------------------------

REPORT_COUNTS = {
    "awaiting": Q(state__in=AWAITING_REVIEW),
    "returned": Q(state=ReportState.RETURNED),
    "accepted": Q(state=ReportState.ACCEPTED),
}


@dataclass
class CountRow:
    """The dashboard's counts for one agency or one section (None: the totals)."""

    subject: Agency | Section | None = None
    filter_url: str = ""
    awaiting: int = 0
    overdue_reports: int = 0
    overdue_actions: int = 0
    returned: int = 0
    accepted: int = 0

    NAMES = ("awaiting", "overdue_reports", "overdue_actions", "returned", "accepted")

    def add(self, name: str, count: int) -> None:
        setattr(self, name, getattr(self, name) + count)


@dataclass
class CountTable:
    rows: list[CountRow] = field(default_factory=list)
    total: CountRow = field(default_factory=CountRow)


def _in_scope(item: DueItem, scope: ReviewScope) -> bool:
    """The filters ``due_items`` does not apply itself (it takes the plan and the agency)."""
    if not item.overdue:
        return False
    if scope.section is not None and item.action.section_id != scope.section.pk:
        return False
    if scope.period is not None and (item.period is None or item.period.pk != scope.period.pk):
        return False
    if scope.state:
        # A state asks about reports: action deadlines and reports not started have none.
        return item.report is not None and item.report.state == scope.state
    return True


def overdue_items(scope: ReviewScope, today: date) -> list[DueItem]:
    """Overdue reports (started or not) and missed action deadlines within the filters."""
    items = due_items(on=today, horizon_days=0, agency=scope.agency, plan=scope.plan)
    return [item for item in items if _in_scope(item, scope)]


def _count_table(
    request: HttpRequest,
    param: str,
    subjects: Mapping[int, Agency | Section],
    report_counts: Iterable[Mapping[str, Any]],
    key: str,
    overdue: Iterable[tuple[int, str]],
) -> CountTable:
    """Rows from the database's per-group counts plus the overdue items, ``(group, name)``."""
    rows: dict[int, CountRow] = {}

    def row(pk: int) -> CountRow:
        if pk not in rows:
            subject = subjects[pk]
            value = subject.abbreviation if isinstance(subject, Agency) else subject.pk
            url = _url_with(request, **{param: value, "page": None, "overdue_page": None})
            rows[pk] = CountRow(subject, url)
        return rows[pk]

    for group in report_counts:
        for name in REPORT_COUNTS:
            row(group[key]).add(name, group[name])
    for pk, name in overdue:
        row(pk).add(name, 1)
    table = CountTable(rows=list(rows.values()))
    for item in table.rows:
        for name in CountRow.NAMES:
            table.total.add(name, getattr(item, name))
    return table


def _overdue_name(item: DueItem) -> str:
    return "overdue_reports" if item.kind == DueKind.REPORT else "overdue_actions"


def _dashboard_counts(
    request: HttpRequest, reports: ProgressReportQuerySet, overdue: list[DueItem]
) -> tuple[CountTable, CountTable]:
    """Counts per agency and per section: four queries, whatever the number of reports."""
    counts = {name: Count("pk", filter=condition) for name, condition in REPORT_COUNTS.items()}
    per_agency = list(reports.order_by().values("agency").annotate(**counts))
    per_section = list(reports.order_by().values("action__section").annotate(**counts))
    agencies = Agency.objects.in_bulk(
        {group["agency"] for group in per_agency} | {item.agency.pk for item in overdue}
    )
    sections = Section.objects.select_related("plan").in_bulk(
        {group["action__section"] for group in per_section}
        | {item.action.section_id for item in overdue}
    )
    by_agency = _count_table(
        request,
        "agency",
        agencies,
        per_agency,
        "agency",
        ((item.agency.pk, _overdue_name(item)) for item in overdue),
    )
    by_section = _count_table(
        request,
        "section",
        sections,
        per_section,
        "action__section",
        ((item.action.section_id, _overdue_name(item)) for item in overdue),
    )
    by_agency.rows.sort(key=lambda row: agencies[_pk(row)].abbreviation)
    by_section.rows.sort(
        key=lambda row: (sections[_pk(row)].plan.code, sections[_pk(row)].order, _pk(row))
    )
    return by_agency, by_section


def _pk(row: CountRow) -> int:
    assert row.subject is not None
    return int(row.subject.pk)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    today = timezone.localdate()
    filterset = ReviewFilter(request.GET or None, queryset=ProgressReport.objects.all())
    reports: ProgressReportQuerySet = filterset.qs
    overdue = overdue_items(filterset.scope, today)
    by_agency, by_section = _dashboard_counts(request, reports, overdue)
    awaiting = (
        reports.awaiting_review()
        .with_related()
        .order_by("period__submission_deadline", "updated_at", "pk")
    )
    context = {
        "filter": filterset,
        "today": today,
        "by_agency": by_agency,
        "by_section": by_section,
        "awaiting": _paginate(request, awaiting, "page"),
        "overdue": _paginate(request, overdue, "overdue_page"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "reporting/review/includes/dashboard_results.html", context)
    return render(request, "reporting/review/dashboard.html", context)


# Timeline --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One row of an action's timeline: a report started, a workflow step or a verdict."""

    CREATED = "created"
    TRANSITION = "transition"
    MONITORING = "monitoring"

    at: datetime
    kind: str
    title: str
    actor: User | None
    report: ProgressReport | None = None
    old: str = ""
    new: str = ""
    comment: str = ""
    sort_key: tuple[Any, ...] = ()


_KIND_RANK = {TimelineEntry.CREATED: 0, TimelineEntry.TRANSITION: 1, TimelineEntry.MONITORING: 2}
_MONITORING_FIELDS: dict[str, StrOrPromise] = {
    MonitoringChange.Field.ASSESSED_STATUS: gettext_lazy("Assessed status changed"),
    MonitoringChange.Field.ON_MONITORING: gettext_lazy("Monitoring changed"),
}


def _monitoring_value(field_name: str, value: str) -> str:
    if field_name == MonitoringChange.Field.ON_MONITORING:
        return _("on monitoring") if value == "True" else _("off monitoring")
    if not value:  # the first verdict: before it the action was not assessed
        return status_label(NOT_ASSESSED)
    labels = {str(v): str(label) for v, label in ImplementationStatus.choices}
    return labels.get(value, value)


def _entry(kind: str, at: datetime, pk: int, **fields: Any) -> TimelineEntry:
    return TimelineEntry(at=at, kind=kind, sort_key=(at, _KIND_RANK[kind], pk), **fields)


def action_timeline_entries(user: Any, action: Action) -> list[TimelineEntry]:
    """Every report (that ``user`` may see) started, every workflow step and every verdict.

    Newest first; three queries whatever the length.
    """
    labels = _state_labels()
    reports = reports_for_user(user).filter(action=action).for_timeline().order_by()
    entries: list[TimelineEntry] = []
    visible: dict[int, ProgressReport] = {}
    for report in reports:
        visible[report.pk] = report
        entries.append(
            _entry(
                TimelineEntry.CREATED,
                report.created_at,
                report.pk,
                title=_("Report started"),
                actor=report.author,
                report=report,
            )
        )
    transitions = ReportTransition.objects.filter(report_id__in=list(visible)).select_related(
        "actor"
    )
    for step in transitions:
        entries.append(
            _entry(
                TimelineEntry.TRANSITION,
                step.at,
                step.pk,
                title=labels.get(step.to_state, step.to_state),
                actor=step.actor,
                report=visible[step.report_id],
                old=labels.get(step.from_state, step.from_state),
                new=labels.get(step.to_state, step.to_state),
                comment=step.comment,
            )
        )
    changes = MonitoringChange.objects.filter(action=action).select_related("actor")
    for change in changes:
        entries.append(
            _entry(
                TimelineEntry.MONITORING,
                change.at,
                change.pk,
                title=str(_MONITORING_FIELDS.get(change.field, change.field)),
                actor=change.actor,
                old=_monitoring_value(change.field, change.old_value),
                new=_monitoring_value(change.field, change.new_value),
                comment=change.reason,
            )
        )
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries


def _monitoring_of(action: Action) -> ActionMonitoring | None:
    return ActionMonitoring.objects.filter(action=action).first()


@login_required
def action_timeline(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.with_related(), pk=action_pk)
    if not can_view_action_timeline(request.user, action):
        raise PermissionDenied
    context = {
        "action": action,
        "plan": action.plan,
        "monitoring": _monitoring_of(action),
        "entries": action_timeline_entries(request.user, action),
        "is_reviewer": can_review(request.user),
    }
    return render(request, "reporting/review/action_timeline.html", context)


# Monitoring verdict ----------------------------------------------------------------------------


@dataclass
class MonitoringForms:
    status: AssessedStatusForm
    take_off: TakeOffMonitoringForm
    put_back: PutBackOnMonitoringForm

    @classmethod
    def unbound(cls, monitoring: ActionMonitoring | None) -> MonitoringForms:
        # Without a row, the actions create one at version 1 before comparing.
        version = monitoring.version if monitoring else 1
        status = monitoring.assessed_status if monitoring else ImplementationStatus.NOT_STARTED
        return cls(
            AssessedStatusForm(
                prefix="status", initial={"assessed_status": status, "version": version}
            ),
            TakeOffMonitoringForm(prefix="off", initial={"version": version}),
            PutBackOnMonitoringForm(prefix="back", initial={"version": version}),
        )


def _apply_monitoring(request: HttpRequest, action: Action, operation: str, form: BaseForm) -> str:
    """Run the chosen action function; the success message to show."""
    data = form.cleaned_data
    version = data["version"]
    if operation == MonitoringOperationForm.STATUS:
        set_assessed_status(
            action,
            data["assessed_status"],
            by=request.user,
            reason=data["reason"],
            expected_version=version,
        )
        return _("The assessed status was saved.")
    if operation == MonitoringOperationForm.TAKE_OFF:
        take_off_monitoring(
            action, reason=data["reason"], by=request.user, expected_version=version
        )
        return _("The action was taken off monitoring.")
    put_back_on_monitoring(action, reason=data["reason"], by=request.user, expected_version=version)
    return _("The action is back on monitoring.")


@login_required
def action_monitoring(request: HttpRequest, action_pk: int) -> HttpResponse:
    if not can_set_monitoring(request.user):
        raise PermissionDenied
    action = get_object_or_404(Action.objects.with_related(), pk=action_pk)
    monitoring = _monitoring_of(action)
    forms = MonitoringForms.unbound(monitoring)
    on_monitoring = monitoring is None or monitoring.on_monitoring
    # The page offers "take off" or "put back" by the current state, or the one just sent.
    switch = MonitoringOperationForm.TAKE_OFF if on_monitoring else MonitoringOperationForm.PUT_BACK
    status = 200
    if request.method == "POST":
        chosen = MonitoringOperationForm(request.POST)
        if not chosen.is_valid():
            raise BadRequest("operation must be status, take_off or put_back")
        operation = chosen.cleaned_data["operation"]
        if operation != MonitoringOperationForm.STATUS:
            switch = operation
        form_classes = {
            MonitoringOperationForm.STATUS: ("status", AssessedStatusForm, "status"),
            MonitoringOperationForm.TAKE_OFF: ("take_off", TakeOffMonitoringForm, "off"),
            MonitoringOperationForm.PUT_BACK: ("put_back", PutBackOnMonitoringForm, "back"),
        }
        attribute, form_class, prefix = form_classes[operation]
        form = form_class(request.POST, prefix=prefix)
        setattr(forms, attribute, form)
        if form.is_valid():
            try:
                message = _apply_monitoring(request, action, operation, form)
            except ConcurrentEditError:
                form.add_error(None, ConcurrentEditError.message)
                status = 409
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("reporting:action_monitoring", action.pk)
    reports = (
        ProgressReport.objects.filter(action=action)
        .for_monitoring_page()
        .order_by("-period__end", "kind", "agency__abbreviation")
    )
    context = {
        "action": action,
        "plan": action.plan,
        "monitoring": monitoring,
        "forms": forms,
        "switch": switch,
        "reports": reports,
        "latest_proposal": next(
            (r for r in reports if r.kind == ProgressReport.Kind.CONSOLIDATED), None
        ),
    }
    return render(request, "reporting/review/action_monitoring.html", context, status=status)


# Reporting schedule ----------------------------------------------------------------------------


@login_required
def plan_schedule(request: HttpRequest, code: str) -> HttpResponse:
    _require_reviewer(request)
    plan = get_object_or_404(Plan.objects.with_related(), code=code)
    schedule = ReportingSchedule.objects.filter(plan=plan).first()
    form = ScheduleForm(instance=schedule or ReportingSchedule(plan=plan))
    if request.method == "POST":
        chosen = ScheduleOperationForm(request.POST)
        if not chosen.is_valid():
            raise BadRequest("operation must be save or generate")
        if chosen.cleaned_data["operation"] == ScheduleOperationForm.GENERATE:
            until = timezone.localdate() + GENERATE_AHEAD
            created = ensure_periods(plan, until=until)
            if created:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d reporting period was created.",
                        "%(count)d reporting periods were created.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
            else:
                messages.info(
                    request,
                    _("Every period up to %(date)s already exists.")
                    % {"date": date_format(until, "SHORT_DATE_FORMAT")},
                )
            return redirect("reporting:plan_schedule", plan.code)
        form = ScheduleForm(request.POST, instance=ReportingSchedule(plan=plan))
        if form.is_valid():
            try:
                set_schedule(plan, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The reporting schedule was saved."))
                return redirect("reporting:plan_schedule", plan.code)
    periods = plan.reporting_periods.annotate(
        report_count=Count("reports"),
        awaiting_count=Count("reports", filter=Q(reports__state__in=AWAITING_REVIEW)),
        accepted_count=Count("reports", filter=Q(reports__state=ReportState.ACCEPTED)),
    ).order_by("-end")
    dashboard_url = reverse("reporting:dashboard")
    context = {
        "plan": plan,
        "form": form,
        "schedule": schedule,
        "periods": periods,
        "dashboard_url": dashboard_url,
        "generate_until": timezone.localdate() + GENERATE_AHEAD,
    }
    return render(request, "reporting/review/plan_schedule.html", context)


# Agency settings -------------------------------------------------------------------------------


@login_required
def agency_settings(request: HttpRequest, agency_pk: int) -> HttpResponse:
    _require_reviewer(request)
    agency = get_object_or_404(Agency, pk=agency_pk)
    current = (
        AgencyReportingSettings.objects.filter(agency=agency)
        .select_related("validating_authority")
        .first()
    )
    initial = {
        "sign_off_required": sign_off_required(agency.pk),
        "ready_step": current.ready_step if current else False,
        "validating_authority": current.validating_authority_id if current else None,
    }
    form = AgencySettingsForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_agency_settings(
                agency,
                sign_off_required=form.cleaned_data["sign_off_required"],
                validating_authority=form.cleaned_data["validating_authority"],
                by=request.user,
                ready_step=form.cleaned_data["ready_step"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The agency's reporting settings were saved."))
            return redirect("reporting:agency_settings", agency.pk)
    context = {
        "agency": agency,
        "form": form,
        "current": current,
        "has_candidates": form.candidates.exists(),
    }
    return render(request, "reporting/review/agency_settings.html", context)
