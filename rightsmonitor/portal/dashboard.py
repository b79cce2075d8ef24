"""The figures of a plan's public dashboard, each read in a fixed number of queries.

Words used here:

- **Assessed status**: the coordinator's verdict on an action (``ActionMonitoring``). An action
  the coordinator never assessed is counted apart, as "not yet assessed": the dashboard says
  what is known (the assessment document, which states its method, counts it as not started).
- **Lead agency**: the action's assignment with the lead role; actions without one are counted
  in a row of their own.
- **Overdue** and **upcoming** deadlines are those ``reporting.queries.due_items`` finds: the
  deadlines of monitored actions of a plan in force, each occurrence of a recurring action on
  its own, met only when closed (one-off) or when the period's report is accepted (recurring).
  An action is listed as overdue once, with its oldest missed deadline.
- **Latest reports and assessments**: accepted consolidated reports and published assessments
  of the plan that the user may see (the reporting and assessment apps' access helpers).

Counts are made by the database (one aggregate or annotated query per figure), so a plan of
5,000 actions costs the same number of queries as one of 5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from rightsmonitor.assessments.access import assessments_for_user
from rightsmonitor.assessments.models import AssessmentQuerySet
from rightsmonitor.plans.models import Action, ActionAgency, Agency, Plan
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.models import (
    ImplementationStatus,
    ProgressReport,
    ProgressReportQuerySet,
)
from rightsmonitor.reporting.queries import DueKind, due_items
from rightsmonitor.reporting.workflow import ReportState

NOT_ASSESSED = "not_assessed"
# The assessment's order and colours first, so the same status looks the same everywhere.
STATUSES: tuple[str, ...] = (*ImplementationStatus.values, NOT_ASSESSED)
NOT_ASSESSED_LABEL = pgettext_lazy("implementation status", "Not yet assessed")
UPCOMING_DAYS = 90
LATEST = 5


def status_label(key: str) -> str:
    if key == NOT_ASSESSED:
        return str(NOT_ASSESSED_LABEL)
    return str(ImplementationStatus(key).label)


def _has_status(key: str, action_path: str) -> Q:
    """The condition "the action at ``action_path`` has assessed status ``key``"."""
    prefix = f"{action_path}__" if action_path else ""
    if key == NOT_ASSESSED:
        return Q(**{f"{prefix}monitoring__isnull": True})
    return Q(**{f"{prefix}monitoring__assessed_status": key})


def _count_by_status(counted: str, action_path: str) -> dict[str, Count]:
    """One ``Count`` of ``counted`` per status, named ``status_<key>``, for annotate/aggregate."""
    return {
        f"status_{key}": Count(counted, filter=_has_status(key, action_path)) for key in STATUSES
    }


def _counts_of(values: Any) -> dict[str, int]:
    """The ``status_<key>`` counts of an annotated row (or an aggregate dict), by status key."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return {key: int(get(f"status_{key}") or 0) for key in STATUSES}


@dataclass(frozen=True)
class StatusShare:
    key: str
    label: str
    count: int
    share: float  # per cent of the plan's actions, 0 when the plan has none


@dataclass(frozen=True)
class StatusRow:
    """Actions of one section or one lead agency, counted by assessed status."""

    label: str  # for the table: "1. Gender equality", "MIA (Ministry of Internal Affairs)"
    chart_label: str  # short enough for the chart: "Section 1", "MIA"
    url: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[int]:
        """The counts in the order of ``STATUSES``, for a table row."""
        return [self.counts[key] for key in STATUSES]


def status_shares(plan: Plan) -> list[StatusShare]:
    """The plan's actions by assessed status, with each status's share (one query)."""
    counts = _counts_of(
        Action.objects.filter(plan=plan).aggregate(**_count_by_status("pk", action_path=""))
    )
    total = sum(counts.values())
    return [
        StatusShare(key, status_label(key), count, 100 * count / total if total else 0.0)
        for key, count in counts.items()
    ]


def status_by_section(plan: Plan) -> list[StatusRow]:
    """Every section of the plan in order, empty ones included, its actions by status (one query)."""
    sections = plan.sections.order_by("order", "pk").annotate(
        **_count_by_status("actions", action_path="actions")
    )
    return [
        StatusRow(
            label=f"{section.number}. {section.title}",
            chart_label=_("Section %(number)s") % {"number": section.number},
            url=f"{plan.get_absolute_url()}#section-{section.pk}",
            counts=_counts_of(section),
        )
        for section in sections
    ]


def status_by_lead_agency(plan: Plan) -> list[StatusRow]:
    """The agencies that lead actions of the plan, by abbreviation, their actions by status.

    Actions without a lead agency come last, in a row of their own (two queries).
    """
    # The filter comes before the annotation, so only the plan's lead assignments are counted.
    agencies = (
        Agency.objects.filter(
            assignments__action__plan=plan, assignments__role=ActionAgency.Role.LEAD
        )
        .annotate(**_count_by_status("assignments", action_path="assignments__action"))
        .order_by("abbreviation")
    )
    rows = [
        StatusRow(
            label=f"{agency.abbreviation} ({agency.name})" if agency.name else agency.abbreviation,
            chart_label=agency.abbreviation,
            url=agency.get_absolute_url(),
            counts=_counts_of(agency),
        )
        for agency in agencies
    ]
    without_lead = _counts_of(
        Action.objects.filter(plan=plan)
        .exclude(assignments__role=ActionAgency.Role.LEAD)
        .aggregate(**_count_by_status("pk", action_path=""))
    )
    if any(without_lead.values()):
        label = _("No lead agency")
        rows.append(StatusRow(label=label, chart_label=label, url="", counts=without_lead))
    return rows


@dataclass(frozen=True)
class Deadline:
    """One deadline of one action: missed (``days`` late) or coming (``days`` left)."""

    action: Action  # with ``plan`` and ``assignments`` (and their agencies) loaded
    due: date
    days: int

    @property
    def lead(self) -> Agency | None:
        assignment = self.action.lead
        return assignment.agency if assignment is not None else None


@dataclass(frozen=True)
class Deadlines:
    overdue: list[Deadline]  # the longest overdue first
    upcoming: list[Deadline]  # the soonest first


def deadlines(plan: Plan, *, on: date, horizon_days: int = UPCOMING_DAYS) -> Deadlines:
    """Action deadlines missed before ``on``, and those from ``on`` to ``on + horizon_days``.

    Reporting's due items are per responsible agency; here each action's deadline counts
    once (four queries, see ``reporting.queries``).
    """
    oldest_missed: dict[int, Deadline] = {}
    upcoming: dict[tuple[int, date], Deadline] = {}
    for item in due_items(on=on, horizon_days=horizon_days, plan=plan):
        if item.kind != DueKind.ACTION_DEADLINE:
            continue
        if item.overdue:
            # Items come sorted by date: the first one of an action is its oldest.
            oldest_missed.setdefault(
                item.action.pk, Deadline(item.action, item.due, item.days_overdue)
            )
        else:
            upcoming.setdefault(
                (item.action.pk, item.due), Deadline(item.action, item.due, item.days_left)
            )
    overdue = sorted(oldest_missed.values(), key=lambda d: -d.days)  # stable: plan order kept
    return Deadlines(overdue=overdue, upcoming=list(upcoming.values()))


def latest_reports(user: Any, plan: Plan, *, limit: int = LATEST) -> ProgressReportQuerySet:
    """The plan's accepted consolidated reports ``user`` may see, the last accepted first.

    The acceptance time is that of the report's "accepted" transition row; a report without
    one (saved directly, as fixtures do) comes after the others (one query).
    """
    return (
        reports_for_user(user)
        .filter(
            action__plan=plan,
            kind=ProgressReport.Kind.CONSOLIDATED,
            state=ReportState.ACCEPTED,
        )
        .annotate(
            accepted_at=Max("transitions__at", filter=Q(transitions__to_state=ReportState.ACCEPTED))
        )
        # The day as the site's users live it, for pages that write dates out.
        .annotate(accepted_on=TruncDate("accepted_at", tzinfo=timezone.get_current_timezone()))
        .select_related("action__plan", "agency", "period")
        .order_by(F("accepted_at").desc(nulls_last=True), "-period__end", "-pk")[:limit]
    )


def latest_assessments(user: Any, plan: Plan, *, limit: int = LATEST) -> AssessmentQuerySet:
    """The plan's published assessments ``user`` may see, the last published first (one query)."""
    return (
        assessments_for_user(user)
        .published()
        .filter(plan=plan)
        .annotate(published_on=TruncDate("published_at", tzinfo=timezone.get_current_timezone()))
        .order_by(F("published_at").desc(nulls_last=True), "-end", "-edition")[:limit]
    )
