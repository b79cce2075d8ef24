"""The figures of a plan's public dashboard, each read in a fixed number of queries.

Words used here:

- **Assessed status**: the coordinator's verdict on an action (``ActionMonitoring``). An action
  the coordinator never assessed is counted apart, as "not yet assessed", as everywhere else
  (``reporting.queries.status_counts``, the one definition).
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

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, overload
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from rightsmonitor.assessments.access import assessments_for_user
from rightsmonitor.assessments.models import AssessmentQuerySet
from rightsmonitor.core import pagecache
from rightsmonitor.plans.deadlines import Recurrence
from rightsmonitor.plans.models import (
    Action,
    ActionAgency,
    ActionQuerySet,
    Agency,
    Plan,
    Section,
)
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.models import (
    ProgressReport,
    ProgressReportQuerySet,
    ReportTransition,
)
from rightsmonitor.reporting.queries import (
    NOT_ASSESSED,  # noqa: F401 - the dashboard's tests and views name it from here
    STATUSES,
    count_by_status,
    monitored_actions,
    recurring_deadline_items,
    status_counts,
    status_label,
)
from rightsmonitor.reporting.workflow import ReportState

UPCOMING_DAYS = 90
LATEST = 5
# Overdue and upcoming deadlines are listed this many to a page.
DEADLINES_PER_PAGE = 20


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
    counts = status_counts(plan)
    total = sum(counts.values())
    return [
        StatusShare(key, status_label(key), count, 100 * count / total if total else 0.0)
        for key, count in counts.items()
    ]


def sections_by_status(plan: Plan) -> list[Section]:
    """Every section of the plan in order, empty ones included, each with ``action_count``,
    its ``status_<key>`` counts and ``status_counts``: (label, count) of each status it has
    actions in, in the order of ``STATUSES`` (one query)."""
    sections: list[Section] = list(
        plan.sections.order_by("order", "pk").annotate(
            action_count=Count("actions"), **count_by_status("actions", action_path="actions")
        )
    )
    for section in sections:
        counts = _counts_of(section)
        section.status_counts = [  # type: ignore[attr-defined]
            (status_label(key), count) for key, count in counts.items() if count
        ]
    return sections


def status_by_section(plan: Plan) -> list[StatusRow]:
    """Every section of the plan in order, empty ones included, its actions by status (one query).

    Each row links to the section on the plan page, opened there when the plan is long."""
    plan_url = plan.get_absolute_url()
    return [
        StatusRow(
            label=f"{section.number}. {section.title}",
            chart_label=_("Section %(number)s") % {"number": section.number},
            url=f"{plan_url}?{urlencode({'section': section.number})}#section-{section.pk}",
            counts=_counts_of(section),
        )
        for section in sections_by_status(plan)
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
        .annotate(**count_by_status("assignments", action_path="assignments__action"))
        .order_by("abbreviation")
    )
    rows = [
        StatusRow(
            label=f"{agency.short_name} ({agency.name})" if agency.name else agency.short_name,
            chart_label=agency.short_name,
            url=agency.get_absolute_url(),
            counts=_counts_of(agency),
        )
        for agency in agencies
    ]
    without_lead = _counts_of(
        Action.objects.filter(plan=plan)
        .exclude(assignments__role=ActionAgency.Role.LEAD)
        .aggregate(**count_by_status("pk", action_path=""))
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


class DeadlineList:
    """Deadlines of a plan in order, read a page at a time: one-off deadlines from the database
    (counted there, and read only as far as the page asked for), merged with the recurring
    ones (computed in Python, few). ``Paginator`` counts and slices it as it would a queryset.
    """

    def __init__(
        self,
        one_off: ActionQuerySet,
        recurring: list[Deadline],
        *,
        on: date,
        overdue: bool,
        section_order: dict[int, int],
    ) -> None:
        self._one_off = one_off
        self._recurring = recurring
        self._on = on
        self._overdue = overdue
        self._section_order = section_order
        self._count: int | None = None

    def _key(self, deadline: Deadline) -> tuple[int, date, int, int, int]:
        action = deadline.action
        # The longest overdue first, else the soonest; then in plan order.
        days = -deadline.days if self._overdue else deadline.days
        section = self._section_order.get(action.section_id, 0)
        return (days, deadline.due, section, action.order, action.pk)

    def count(self) -> int:
        if self._count is None:
            self._count = self._one_off.count() + len(self._recurring)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Deadline]:
        """Every deadline of the list (all of them read: for tests and small plans)."""
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> Deadline: ...

    @overload
    def __getitem__(self, index: slice) -> list[Deadline]: ...

    def __getitem__(self, index: int | slice) -> Deadline | list[Deadline]:
        """The deadlines at ``index``: one-off ones are read from the database only as far
        as the slice (or the position) reaches."""
        if isinstance(index, int):
            return self[index : index + 1][0] if index >= 0 else self[:][index]
        stop = self.count() if index.stop is None or index.stop < 0 else index.stop
        one_off = []
        for action in self._one_off[:stop]:
            due = action.due_date
            assert due is not None  # the queryset has only actions with a due date
            one_off.append(Deadline(action, due, abs((due - self._on).days)))
        return sorted(one_off + self._recurring, key=self._key)[index]


@dataclass(frozen=True)
class Deadlines:
    overdue: DeadlineList  # the longest overdue first
    upcoming: DeadlineList  # the soonest first


def deadlines(plan: Plan, *, on: date, horizon_days: int = UPCOMING_DAYS) -> Deadlines:
    """Action deadlines missed before ``on``, and those from ``on`` to ``on + horizon_days``.

    Reporting's due items are per responsible agency; here each action's deadline counts
    once, and an action is overdue once, with its oldest missed deadline. One-off deadlines
    are counted and paged by the database; recurring ones are those of
    ``reporting.queries.recurring_deadline_items``. Each list is read a page at a time, so a
    plan of thousands of actions costs the same as a small one.
    """
    # As ``due_items``: deadlines of monitored actions, one per responsible agency (none
    # without an agency).
    one_off = (
        monitored_actions(plan=plan)
        .filter(recurrence=Recurrence.NONE, due_date__isnull=False)
        .filter(Exists(ActionAgency.objects.filter(action=OuterRef("pk"))))
        .with_agencies()
    )
    until = on + timedelta(days=horizon_days)
    # Recurring deadlines are worked out from every report of the plan's recurring actions:
    # once a day and generation of content, not on every request.
    recurring_overdue, recurring_upcoming = pagecache.cached(
        f"dashboard-recurring-deadlines:{plan.pk}:{on.isoformat()}:{horizon_days}",
        lambda: _recurring_deadlines(plan, on=on, horizon_days=horizon_days),
    )
    section_order = dict(plan.sections.values_list("pk", "order"))
    plan_order = ("section__order", "order", "pk")
    return Deadlines(
        overdue=DeadlineList(
            one_off.filter(due_date__lt=on).order_by("due_date", *plan_order),
            recurring_overdue,
            on=on,
            overdue=True,
            section_order=section_order,
        ),
        upcoming=DeadlineList(
            one_off.filter(due_date__gte=on, due_date__lte=until).order_by("due_date", *plan_order),
            recurring_upcoming,
            on=on,
            overdue=False,
            section_order=section_order,
        ),
    )


def _recurring_deadlines(
    plan: Plan, *, on: date, horizon_days: int
) -> tuple[list[Deadline], list[Deadline]]:
    """The recurring actions' deadlines: each action's oldest missed one, and those to come."""
    oldest_missed: dict[int, Deadline] = {}
    upcoming: dict[tuple[int, date], Deadline] = {}
    for item in recurring_deadline_items(on=on, horizon_days=horizon_days, plan=plan):
        if item.overdue:
            # Items come sorted by date: the first one of an action is its oldest.
            oldest_missed.setdefault(
                item.action.pk, Deadline(item.action, item.due, item.days_overdue)
            )
        else:
            upcoming.setdefault(
                (item.action.pk, item.due), Deadline(item.action, item.due, item.days_left)
            )
    return list(oldest_missed.values()), list(upcoming.values())


def _latest_accepted(accepted: ProgressReportQuerySet, limit: int) -> list[int]:
    """The ids of the ``limit`` reports of ``accepted`` accepted last."""
    acceptances = ReportTransition.objects.filter(
        to_state=ReportState.ACCEPTED, report__in=accepted.values("pk")
    )
    chosen: list[int] = []
    # The newest acceptance rows, a report's latest first; a report accepted again (after
    # being reopened) has several rows, so read more than ``limit`` of them.
    rows = list(
        acceptances.order_by("-at", "-report__period__end", "-report_id").values_list(
            "report_id", flat=True
        )[: limit * 4]
    )
    for report_id in rows:
        if report_id not in chosen:
            chosen.append(report_id)
    if len(chosen) < limit and len(rows) == limit * 4:  # rare: many re-acceptances
        chosen = list(
            acceptances.values("report_id")
            .annotate(last=Max("at"))
            .order_by("-last", "-report__period__end", "-report_id")
            .values_list("report_id", flat=True)[:limit]
        )
    chosen = chosen[:limit]
    if len(chosen) < limit:
        chosen += (
            accepted.exclude(Exists(acceptances.filter(report=OuterRef("pk"))))
            .order_by("-period__end", "-pk")
            .values_list("pk", flat=True)[: limit - len(chosen)]
        )
    return chosen


def latest_reports(user: Any, plan: Plan, *, limit: int = LATEST) -> ProgressReportQuerySet:
    """The plan's accepted consolidated reports ``user`` may see, the last accepted first.

    The acceptance time is that of the report's "accepted" transition row; a report without
    one (saved directly, as fixtures do) comes after the others. The ``limit`` reports are
    chosen from the newest acceptance rows first, so a plan with thousands of accepted reports
    costs no more than one with five (three queries).
    """
    accepted = reports_for_user(user).filter(
        action__plan=plan, kind=ProgressReport.Kind.CONSOLIDATED, state=ReportState.ACCEPTED
    )
    # Choosing sorts every acceptance of the plan's reports: once a generation of content,
    # for each audience (the key is the query, which holds who may see what).
    key = pagecache.query_key(accepted.values("pk"))
    if key is None:  # the user may see no report at all
        return ProgressReport.objects.none()
    chosen = pagecache.cached(
        f"latest-reports:{limit}:{key}", lambda: _latest_accepted(accepted, limit)
    )
    return (
        ProgressReport.objects.filter(pk__in=chosen)
        .annotate(
            accepted_at=Max("transitions__at", filter=Q(transitions__to_state=ReportState.ACCEPTED))
        )
        # The day as the site's users live it, for pages that write dates out.
        .annotate(accepted_on=TruncDate("accepted_at", tzinfo=timezone.get_current_timezone()))
        .select_related("action__plan", "agency", "period")
        .order_by(F("accepted_at").desc(nulls_last=True), "-period__end", "-pk")
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
