"""What is due and what is overdue: the questions reminders, work queues and the API ask.

Words used here:

- An action is **closed** when the coordinator assessed it completed or no longer relevant
  (``ActionMonitoring.assessed_status``) or took it off monitoring. A closed action has
  nothing due and is never overdue. Only plans in force are monitored.
- A **due item** is one thing one responsible agency must do by a date: meet an action's
  deadline (``kind == "action_deadline"``) or send its report for a reporting period
  (``kind == "report"``). An item is **overdue** when its date is before the given day.
- A one-off action (``recurrence == "none"``) has one deadline, its ``due_date``, per
  responsible agency; it is met only when the action is accepted as completed.
- A recurring action falls due once per occurrence within the plan's period: "annually, by
  25 January" on 25 January of every year; quarterly, half-yearly and monthly actions at the
  end of each such calendar period, or ``recurrence_day`` days after it ("by the 5th of the
  following month"); continuous actions never. An occurrence is met when the agency's report,
  or the lead agency's consolidated report, for the occurrence's reporting period is accepted.
  The occurrence's period is the last reporting period that ended on or before it (the
  25 January deadline is about the year ended on 31 December), else the one containing it.
- A report is due at its period's submission deadline from each responsible agency until the
  agency's report is submitted, resubmitted or accepted (or the lead's consolidated report is
  accepted, which settles the co-executors' contributions too).

Everything is read in a fixed number of queries, whatever the number of actions, agencies or
periods, and grouped in Python. Nothing here writes: reporting periods must exist already
(``actions.ensure_periods``).
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch, Q
from django.utils.translation import pgettext_lazy

from rightsmonitor.plans.deadlines import Recurrence
from rightsmonitor.plans.models import Action, ActionAgency, ActionQuerySet, Agency, Plan
from rightsmonitor.reporting.actions import period_bounds
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    ImplementationStatus,
    ProgressReport,
    ReportingPeriod,
)
from rightsmonitor.reporting.workflow import ReportState

MONITORED_PLAN_STATUSES = (Plan.Status.IN_FORCE,)
CLOSED_STATUSES = (ImplementationStatus.COMPLETED, ImplementationStatus.NO_LONGER_RELEVANT)
# Once a report is in one of these states the agency has done its part for the period.
SENT_STATES = frozenset({ReportState.SUBMITTED, ReportState.RESUBMITTED, ReportState.ACCEPTED})
# Recurrences that fall due at the end of calendar periods (same values as Frequency).
PERIODIC = frozenset(
    {Recurrence.ANNUAL, Recurrence.HALF_YEARLY, Recurrence.QUARTERLY, Recurrence.MONTHLY}
)


class DueKind(StrEnum):
    ACTION_DEADLINE = "action_deadline"
    REPORT = "report"


@dataclass(frozen=True)
class DueItem:
    """One thing one agency must do by a date."""

    kind: DueKind
    action: Action  # with ``plan`` and ``assignments`` (and their agencies) loaded
    agency: Agency
    due: date
    period: ReportingPeriod | None  # None for a one-off action deadline
    overdue: bool
    days_left: int  # negative when overdue
    report: ProgressReport | None = None  # the agency's report for the period, if started

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


# Actions -------------------------------------------------------------------------------------


def with_monitoring(actions: ActionQuerySet) -> ActionQuerySet:
    """``actions`` with each one's monitoring row (the coordinator's verdict, for a status
    badge) in the same query. A function here rather than a method of ``ActionQuerySet``: the
    relation is this app's, and ``plans`` knows nothing of reporting."""
    return actions.select_related("monitoring")


def monitored_actions(*, plan: Plan | None = None, agency: Agency | None = None) -> ActionQuerySet:
    """Actions of plans in force that are on monitoring and not closed."""
    actions = Action.objects.filter(plan__status__in=MONITORED_PLAN_STATUSES).filter(
        Q(monitoring__isnull=True)
        | (Q(monitoring__on_monitoring=True) & ~Q(monitoring__assessed_status__in=CLOSED_STATUSES))
    )
    if plan is not None:
        actions = actions.filter(plan=plan)
    if agency is not None:
        actions = actions.filter(assignments__agency=agency)
    return actions


def overdue_actions(*, on: date) -> ActionQuerySet:
    """Monitored actions with a deadline before ``on`` that has not been met.

    One-off actions: the due date has passed (they are met only by being closed). Recurring
    actions: an occurrence before ``on`` whose period's report is not accepted.
    """
    recurring = monitored_actions().filter(recurrence__in=PERIODIC)
    missed = _collect(
        recurring, on=on, until=on - timedelta(days=1), kinds={DueKind.ACTION_DEADLINE}
    )
    late_recurring = {item.action.pk for item in missed}
    one_off = Q(recurrence=Recurrence.NONE, due_date__lt=on)
    return monitored_actions().filter(one_off | Q(pk__in=late_recurring)).with_related()


# Status: the one definition every page, file and figure uses --------------------------------

# An action the coordinator never gave a verdict has no monitoring row (accepting a report no
# longer makes one unless the coordinator chooses a status on the same form). It is "not yet
# assessed", never "not started": nobody said it had not started.
NOT_ASSESSED = "not_assessed"
NOT_ASSESSED_LABEL = pgettext_lazy("implementation status", "Not yet assessed")
# The statuses in the order every table, chart and file shows them.
STATUSES: tuple[str, ...] = (*ImplementationStatus.values, NOT_ASSESSED)


def status_of_monitoring(monitoring: ActionMonitoring | None) -> str:
    """The status key of an action whose monitoring row (or None) is ``monitoring``."""
    return monitoring.assessed_status if monitoring is not None else NOT_ASSESSED


def status_of(action: Action) -> str:
    """The action's status key: its assessed status, or ``NOT_ASSESSED``.

    Load the action through ``with_monitoring`` so this costs no query.
    """
    monitoring: ActionMonitoring | None
    try:
        monitoring = action.monitoring
    except ObjectDoesNotExist:
        monitoring = None
    return status_of_monitoring(monitoring)


def status_label(key: str) -> str:
    """The name of a status key in the active language."""
    if key == NOT_ASSESSED:
        return str(NOT_ASSESSED_LABEL)
    return str(ImplementationStatus(key).label)


def has_status(key: str, action_path: str = "") -> Q:
    """The condition "the action at ``action_path`` (a lookup path, "" for actions themselves)
    has status ``key``", for filters and for ``Count(..., filter=...)``."""
    prefix = f"{action_path}__" if action_path else ""
    if key == NOT_ASSESSED:
        return Q(**{f"{prefix}monitoring__isnull": True})
    return Q(**{f"{prefix}monitoring__assessed_status": key})


def count_by_status(counted: str, action_path: str = "") -> dict[str, Count]:
    """One ``Count`` of ``counted`` per status, named ``status_<key>``, for annotate/aggregate."""
    return {
        f"status_{key}": Count(counted, filter=has_status(key, action_path)) for key in STATUSES
    }


def status_counts(actions: Plan | ActionQuerySet) -> dict[str, int]:
    """How many of the plan's actions (or of ``actions``) are in each status, in the order of
    ``STATUSES``, zeros included (one query)."""
    queryset = Action.objects.filter(plan=actions) if isinstance(actions, Plan) else actions
    counts = queryset.order_by().aggregate(**count_by_status("pk"))
    return {key: int(counts[f"status_{key}"] or 0) for key in STATUSES}


# Due items -----------------------------------------------------------------------------------


def due_items(
    *, on: date, horizon_days: int, agency: Agency | None = None, plan: Plan | None = None
) -> list[DueItem]:
    """Everything not yet done that falls due by ``on + horizon_days``, overdue items included.

    Sorted by date, then in plan order: action, deadline before report, agency as listed.
    """
    return _collect(
        monitored_actions(plan=plan, agency=agency),
        on=on,
        until=on + timedelta(days=horizon_days),
        agency=agency,
    )


def recurring_deadline_items(*, on: date, horizon_days: int, plan: Plan) -> list[DueItem]:
    """The action deadlines that ``due_items`` finds for the plan's recurring actions, without
    report items: what a plan's overview adds to its one-off deadlines, which the database
    can count and page by itself (four queries)."""
    return _collect(
        monitored_actions(plan=plan).filter(recurrence__in=PERIODIC),
        on=on,
        until=on + timedelta(days=horizon_days),
        kinds={DueKind.ACTION_DEADLINE},
    )


def overdue_reports(*, on: date) -> list[DueItem]:
    """Reports not sent although the submission deadline passed, started or not.

    The started ones are those of ``ProgressReport.objects.overdue_on(on)`` (for monitored
    actions); the others are (action, agency, period) triples with no report at all.
    """
    return _collect(
        monitored_actions(), on=on, until=on - timedelta(days=1), kinds={DueKind.REPORT}
    )


def _collect(
    actions: ActionQuerySet,
    *,
    on: date,
    until: date,
    agency: Agency | None = None,
    kinds: Collection[DueKind] = frozenset(DueKind),
) -> list[DueItem]:
    """The due items of ``actions`` up to ``until``, in four queries."""
    action_list = list(
        actions.select_related("plan").prefetch_related(
            Prefetch(
                "assignments",
                queryset=ActionAgency.objects.select_related("agency").order_by("order", "pk"),
            )
        )
    )
    if not action_list:
        return []
    periods: dict[int, list[ReportingPeriod]] = defaultdict(list)
    plan_ids = {action.plan_id for action in action_list}
    for period in ReportingPeriod.objects.filter(plan__in=plan_ids).order_by("plan_id", "end"):
        periods[period.plan_id].append(period)
    ledger = _Ledger(on=on, until=until, reports=_reports(actions, agency))
    keyed: list[tuple[tuple[date, int, bool, int], DueItem]] = []
    for position, action in enumerate(action_list):
        assignments = [
            assignment
            for assignment in action.assignments.all()
            if agency is None or assignment.agency_id == agency.pk
        ]
        found: list[DueItem] = []
        if DueKind.ACTION_DEADLINE in kinds:
            found += ledger.deadline_items(action, assignments, periods[action.plan_id])
        if DueKind.REPORT in kinds:
            found += ledger.report_items(action, assignments, periods[action.plan_id])
        rank = {assignment.agency_id: n for n, assignment in enumerate(assignments)}
        keyed += (
            ((item.due, position, item.kind == DueKind.REPORT, rank[item.agency.pk]), item)
            for item in found
        )
    keyed.sort(key=lambda pair: pair[0])
    return [item for _key, item in keyed]


def _reports(
    actions: ActionQuerySet, agency: Agency | None
) -> dict[tuple[int, int, int], ProgressReport]:
    """The reports on ``actions`` by (action, agency, period): the agency's and the leads'."""
    reports = ProgressReport.objects.filter(action__in=actions.values("pk")).order_by()
    if agency is not None:
        reports = reports.filter(Q(agency=agency) | Q(kind=ProgressReport.Kind.CONSOLIDATED))
    return {(r.action_id, r.agency_id, r.period_id): r for r in reports}


class _Ledger:
    """Turns loaded actions, periods and reports into due items for one day."""

    def __init__(
        self, *, on: date, until: date, reports: dict[tuple[int, int, int], ProgressReport]
    ) -> None:
        self.on = on
        self.until = until
        self.reports = reports

    def _item(
        self,
        kind: DueKind,
        action: Action,
        assignment: ActionAgency,
        due: date,
        period: ReportingPeriod | None,
    ) -> DueItem:
        report = None
        if period is not None:
            report = self.reports.get((action.pk, assignment.agency_id, period.pk))
            if report is not None:  # spare callers a query for what is already loaded
                report.action, report.agency, report.period = action, assignment.agency, period
        return DueItem(
            kind=kind,
            action=action,
            agency=assignment.agency,
            due=due,
            period=period,
            overdue=due < self.on,
            days_left=(due - self.on).days,
            report=report,
        )

    def _state(self, action: Action, agency_id: int | None, period: ReportingPeriod) -> str:
        if agency_id is None:
            return ""
        report = self.reports.get((action.pk, agency_id, period.pk))
        return report.state if report is not None else ""

    def _lead_accepted(self, action: Action, period: ReportingPeriod) -> bool:
        lead = action.lead
        lead_id = lead.agency_id if lead is not None else None
        return self._state(action, lead_id, period) == ReportState.ACCEPTED

    def deadline_items(
        self, action: Action, assignments: list[ActionAgency], periods: list[ReportingPeriod]
    ) -> list[DueItem]:
        if action.recurrence == Recurrence.NONE:
            due = action.due_date
            if due is None or due > self.until:
                return []
            return [self._item(DueKind.ACTION_DEADLINE, action, a, due, None) for a in assignments]
        plan = action.plan
        first = plan.period_start or (periods[0].start if periods else self.on)
        last = min(plan.period_end or self.until, self.until)
        items = []
        for due in recurring_due_dates(action, first=first, last=last):
            period = period_of(periods, due)
            lead_accepted = period is not None and self._lead_accepted(action, period)
            for assignment in assignments:
                if period is not None and (
                    lead_accepted
                    or self._state(action, assignment.agency_id, period) == ReportState.ACCEPTED
                ):
                    continue
                items.append(self._item(DueKind.ACTION_DEADLINE, action, assignment, due, period))
        return items

    def report_items(
        self, action: Action, assignments: list[ActionAgency], periods: list[ReportingPeriod]
    ) -> list[DueItem]:
        items = []
        for period in periods:
            due = period.submission_deadline
            if due > self.until or self._lead_accepted(action, period):
                continue
            for assignment in assignments:
                if self._state(action, assignment.agency_id, period) in SENT_STATES:
                    continue
                items.append(self._item(DueKind.REPORT, action, assignment, due, period))
        return items


# Recurring deadlines -------------------------------------------------------------------------


def recurring_due_dates(action: Action, *, first: date, last: date) -> list[date]:
    """The dates a recurring action falls due from ``first`` to ``last``, both included.

    Annual with a date ("annually, by 25 January"): that date every year (29 February falls
    back to the 28th). Otherwise the end of every calendar year, half-year, quarter or month,
    plus ``recurrence_day`` days when set ("by the 5th day of the following month").
    Continuous and one-off actions have no recurring dates.
    """
    if first > last or action.recurrence not in PERIODIC:
        return []
    month = action.recurrence_month
    if action.recurrence == Recurrence.ANNUAL and month is not None:
        if not 1 <= month <= 12:
            return []
        dates = []
        for year in range(first.year, last.year + 1):
            last_day = calendar.monthrange(year, month)[1]
            due = date(year, month, min(action.recurrence_day or last_day, last_day))
            if first <= due <= last:
                dates.append(due)
        return dates
    offset = timedelta(days=action.recurrence_day or 0)
    dates = []
    _start, end = period_bounds(first - offset, action.recurrence)
    while end + offset <= last:
        if end + offset >= first:
            dates.append(end + offset)
        _start, end = period_bounds(end + timedelta(days=1), action.recurrence)
    return dates


def period_of(periods: list[ReportingPeriod], due: date) -> ReportingPeriod | None:
    """The reporting period a deadline belongs to (``periods`` sorted by end).

    The last period that ended on or before the deadline; if none has, the one containing it.
    """
    index = bisect_right([period.end for period in periods], due)
    if index:
        return periods[index - 1]
    return next((p for p in periods if p.start <= due <= p.end), None)
