"""What is due and what is overdue (reporting.queries), with frozen time and a real database.

The plan of ``build_plan`` (each action led by MIA, GPO co-executing "as agreed", due
31 December 2022) runs from 28 April 2022 to 31 December 2024 here, reported on once a year:
periods 28.04–31.12.2022, 2023 and 2024, agencies reporting by 10 January, the coordinator
by 25 January.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from rightsmonitor.plans.deadlines import Recurrence
from rightsmonitor.plans.models import Action, Agency, Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.reporting.actions import (
    ensure_periods,
    set_assessed_status,
    take_off_monitoring,
)
from rightsmonitor.reporting.models import (
    ImplementationStatus,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
)
from rightsmonitor.reporting.queries import (
    DueItem,
    DueKind,
    due_items,
    overdue_actions,
    overdue_reports,
    period_of,
    recurring_due_dates,
)
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db

PLAN_END = dt.date(2024, 12, 31)


# Builders, shared with test_reminders.py (until reporting/tests/conftest.py has them) -------


def make_plan(*, periods: bool = True, **fields: Any) -> Plan:
    """``build_plan`` to the end of 2024; with annual reporting periods unless told not to."""
    fields.setdefault("period_end", PLAN_END)
    plan = build_plan(**fields)
    if periods:
        ReportingSchedule.objects.create(plan=plan, submission_days=10, review_days=25)
        ensure_periods(plan, until=plan.period_end or PLAN_END)
    return plan


def agency(abbreviation: str) -> Agency:
    return Agency.objects.get(abbreviation=abbreviation)


def period(plan: Plan, year: int) -> ReportingPeriod:
    return plan.reporting_periods.get(end=dt.date(year, 12, 31))


def make_report(
    action: Action, abbreviation: str, reporting_period: ReportingPeriod, state: str, **fields: Any
) -> ProgressReport:
    """A report in a given state, saved directly (the workflow is tested in test_actions)."""
    kind = (
        ProgressReport.Kind.CONSOLIDATED
        if abbreviation == "MIA"
        else ProgressReport.Kind.CONTRIBUTION
    )
    return ProgressReport.objects.create(
        action=action,
        agency=agency(abbreviation),
        period=reporting_period,
        kind=kind,
        state=state,
        **fields,
    )


def make_annual(action: Action, month: int = 1, day: int = 25) -> Action:
    """Turn an action into "annually, by 25 January"."""
    action.deadline_text = "annually, by 25 January"
    action.recurrence = Recurrence.ANNUAL
    action.recurrence_month, action.recurrence_day = month, day
    action.due_date = None
    action.save()
    return action


def today(day: dt.date) -> time_machine.travel:
    """Freeze time at 09:00 on ``day`` in the site's time zone."""
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_default_timezone()), tick=False
    )


def summary(items: list[DueItem]) -> list[tuple[str, str, str, dt.date, bool]]:
    return [
        (item.kind, item.action.number, item.agency.abbreviation, item.due, item.overdue)
        for item in items
    ]


# Overdue actions -----------------------------------------------------------------------------


def test_one_off_action_is_overdue_the_day_after_its_due_date() -> None:
    plan = make_plan(sections=1, actions_per_section=2)
    assert not overdue_actions(on=dt.date(2022, 12, 31)).exists()
    with today(dt.date(2023, 1, 1)):
        overdue = overdue_actions(on=timezone.localdate())
    assert [action.number for action in overdue] == ["1.1", "1.2"]
    assert all(action.plan == plan for action in overdue)


@pytest.mark.parametrize(
    ("status", "overdue"),
    [
        (ImplementationStatus.COMPLETED, False),
        (ImplementationStatus.NO_LONGER_RELEVANT, False),
        (ImplementationStatus.PARTIALLY_COMPLETED, True),
        (ImplementationStatus.IN_PROGRESS, True),
    ],
)
def test_accepted_as_completed_is_not_overdue(coordinator, status: str, overdue: bool) -> None:
    plan = make_plan(sections=1, actions_per_section=1)
    action = plan.actions.get()
    set_assessed_status(action, status, by=coordinator)
    on = dt.date(2023, 3, 1)
    assert overdue_actions(on=on).filter(pk=action.pk).exists() is overdue
    assert bool(due_items(on=on, horizon_days=0)) is overdue


def test_action_off_monitoring_is_not_overdue_and_has_nothing_due(coordinator) -> None:
    plan = make_plan(sections=1, actions_per_section=2)
    off = plan.actions.get(number="1.1")
    take_off_monitoring(off, reason="Merged into action 1.2.", by=coordinator)
    on = dt.date(2023, 3, 1)
    assert [action.number for action in overdue_actions(on=on)] == ["1.2"]
    assert {item.action.number for item in due_items(on=on, horizon_days=365)} == {"1.2"}


def test_draft_plans_are_not_monitored() -> None:
    make_plan(sections=1, actions_per_section=1, status=Plan.Status.DRAFT)
    assert not overdue_actions(on=dt.date(2023, 3, 1)).exists()
    assert due_items(on=dt.date(2023, 3, 1), horizon_days=365) == []


# Recurring deadlines -------------------------------------------------------------------------


def test_annual_deadline_is_due_every_year_of_the_plan() -> None:
    plan = make_plan(sections=1, actions_per_section=1, period_start=dt.date(2022, 1, 1))
    action = make_annual(plan.actions.get())
    items = [
        item
        for item in due_items(on=dt.date(2021, 12, 1), horizon_days=4 * 365, agency=agency("MIA"))
        if item.kind == DueKind.ACTION_DEADLINE
    ]
    assert [item.due for item in items] == [
        dt.date(2022, 1, 25),
        dt.date(2023, 1, 25),
        dt.date(2024, 1, 25),
    ]
    assert all(item.action == action and not item.overdue for item in items)
    # Each 25 January concerns the year ended on 31 December (the first, none has ended yet).
    assert [item.period for item in items] == [
        period(plan, 2022),
        period(plan, 2022),
        period(plan, 2023),
    ]


def test_annual_deadline_is_overdue_from_26_january_until_its_report_is_accepted() -> None:
    plan = make_plan(sections=1, actions_per_section=1)
    action = make_annual(plan.actions.get())
    assert not overdue_actions(on=dt.date(2023, 1, 25)).exists()
    with today(dt.date(2023, 1, 26)):
        assert list(overdue_actions(on=timezone.localdate())) == [action]
        items = due_items(on=timezone.localdate(), horizon_days=0)
    deadlines = [item for item in items if item.kind == DueKind.ACTION_DEADLINE]
    assert [(i.agency.abbreviation, i.due, i.period, i.days_left) for i in deadlines] == [
        ("MIA", dt.date(2023, 1, 25), period(plan, 2022), -1),
        ("GPO", dt.date(2023, 1, 25), period(plan, 2022), -1),
    ]

    # Submitted is not enough: the coordinator must accept the period's report.
    report = make_report(action, "MIA", period(plan, 2022), ReportState.SUBMITTED)
    assert list(overdue_actions(on=dt.date(2023, 1, 26))) == [action]
    report.state = ReportState.ACCEPTED
    report.save()
    assert not overdue_actions(on=dt.date(2023, 1, 26)).exists()
    # The lead's accepted consolidated report settles the co-executor's deadline too.
    assert due_items(on=dt.date(2023, 1, 26), horizon_days=0) == []
    # The next year's deadline concerns 2023.
    assert not overdue_actions(on=dt.date(2024, 1, 25)).exists()
    late = due_items(on=dt.date(2024, 1, 26), horizon_days=0, agency=agency("MIA"))
    assert [(i.kind, i.due, i.period) for i in late if i.kind == DueKind.ACTION_DEADLINE] == [
        (DueKind.ACTION_DEADLINE, dt.date(2024, 1, 25), period(plan, 2023))
    ]
    assert list(overdue_actions(on=dt.date(2024, 1, 26))) == [action]


def test_recurring_dates_are_period_ends_plus_the_day() -> None:
    quarterly = Action(recurrence=Recurrence.QUARTERLY)
    assert recurring_due_dates(
        quarterly, first=dt.date(2022, 4, 28), last=dt.date(2022, 12, 31)
    ) == [dt.date(2022, 6, 30), dt.date(2022, 9, 30), dt.date(2022, 12, 31)]
    by_the_fifth = Action(recurrence=Recurrence.QUARTERLY, recurrence_day=5)
    assert recurring_due_dates(
        by_the_fifth, first=dt.date(2022, 4, 28), last=dt.date(2023, 1, 5)
    ) == [dt.date(2022, 7, 5), dt.date(2022, 10, 5), dt.date(2023, 1, 5)]
    half_yearly = Action(recurrence=Recurrence.HALF_YEARLY)
    assert recurring_due_dates(
        half_yearly, first=dt.date(2022, 1, 1), last=dt.date(2022, 12, 31)
    ) == [dt.date(2022, 6, 30), dt.date(2022, 12, 31)]
    monthly = Action(recurrence=Recurrence.MONTHLY)
    assert recurring_due_dates(monthly, first=dt.date(2024, 1, 15), last=dt.date(2024, 3, 31)) == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
    ]
    leap_day = Action(recurrence=Recurrence.ANNUAL, recurrence_month=2, recurrence_day=29)
    assert recurring_due_dates(leap_day, first=dt.date(2023, 1, 1), last=dt.date(2024, 12, 31)) == [
        dt.date(2023, 2, 28),
        dt.date(2024, 2, 29),
    ]
    end_of_year = Action(recurrence=Recurrence.ANNUAL)
    assert recurring_due_dates(
        end_of_year, first=dt.date(2022, 4, 28), last=dt.date(2023, 12, 31)
    ) == [dt.date(2022, 12, 31), dt.date(2023, 12, 31)]
    for never in (Recurrence.CONTINUOUS, Recurrence.NONE):
        assert (
            recurring_due_dates(
                Action(recurrence=never), first=dt.date(2022, 1, 1), last=dt.date(2024, 12, 31)
            )
            == []
        )


def test_period_of_a_deadline() -> None:
    plan = make_plan(sections=1, actions_per_section=1)
    periods = list(plan.reporting_periods.order_by("end"))
    assert period_of(periods, dt.date(2022, 6, 1)) == period(plan, 2022)  # none ended yet
    assert period_of(periods, dt.date(2022, 12, 31)) == period(plan, 2022)
    assert period_of(periods, dt.date(2023, 1, 25)) == period(plan, 2022)
    assert period_of(periods, dt.date(2024, 1, 1)) == period(plan, 2023)
    assert period_of([], dt.date(2024, 1, 1)) is None


def test_continuous_actions_have_no_deadline_but_reports_are_due() -> None:
    plan = make_plan(sections=1, actions_per_section=1)
    action = plan.actions.get()
    action.recurrence, action.due_date = Recurrence.CONTINUOUS, None
    action.save()
    items = due_items(on=dt.date(2022, 5, 1), horizon_days=3 * 365)
    assert {item.kind for item in items} == {DueKind.REPORT}
    assert not overdue_actions(on=dt.date(2025, 6, 1)).exists()


# Due items and the horizon -------------------------------------------------------------------


def test_due_items_within_the_horizon() -> None:
    make_plan(sections=1, actions_per_section=1)
    on = dt.date(2022, 12, 1)
    assert due_items(on=on, horizon_days=29) == []
    assert summary(due_items(on=on, horizon_days=30)) == [
        ("action_deadline", "1.1", "MIA", dt.date(2022, 12, 31), False),
        ("action_deadline", "1.1", "GPO", dt.date(2022, 12, 31), False),
    ]
    items = due_items(on=on, horizon_days=40)
    assert summary(items)[2:] == [
        ("report", "1.1", "MIA", dt.date(2023, 1, 10), False),
        ("report", "1.1", "GPO", dt.date(2023, 1, 10), False),
    ]
    assert [item.days_left for item in items] == [30, 30, 40, 40]
    assert items[2].period is not None and items[2].period.end == dt.date(2022, 12, 31)


def test_due_items_include_everything_overdue() -> None:
    make_plan(sections=1, actions_per_section=1)
    items = due_items(on=dt.date(2023, 2, 1), horizon_days=0)
    assert summary(items) == [
        ("action_deadline", "1.1", "MIA", dt.date(2022, 12, 31), True),
        ("action_deadline", "1.1", "GPO", dt.date(2022, 12, 31), True),
        ("report", "1.1", "MIA", dt.date(2023, 1, 10), True),
        ("report", "1.1", "GPO", dt.date(2023, 1, 10), True),
    ]
    assert [item.days_overdue for item in items] == [32, 32, 22, 22]


def test_due_items_of_one_agency_and_one_plan() -> None:
    plan = make_plan(sections=1, actions_per_section=2)
    on = dt.date(2023, 2, 1)
    mine = due_items(on=on, horizon_days=0, agency=agency("GPO"))
    assert {item.agency.abbreviation for item in mine} == {"GPO"}
    assert len(mine) == 4
    assert len(due_items(on=on, horizon_days=0, plan=plan)) == 8
    other = make_plan(sections=1, actions_per_section=1)
    assert len(due_items(on=on, horizon_days=0, plan=other)) == 4
    assert len(due_items(on=on, horizon_days=0)) == 12


@pytest.mark.parametrize(
    ("state", "due"),
    [
        (ReportState.DRAFT, True),
        (ReportState.SIGNED_OFF, True),
        (ReportState.RETURNED, True),
        (ReportState.SUBMITTED, False),
        (ReportState.RESUBMITTED, False),
        (ReportState.ACCEPTED, False),
    ],
)
def test_report_is_due_until_it_is_sent(state: str, due: bool) -> None:
    plan = make_plan(sections=1, actions_per_section=1)
    report = make_report(plan.actions.get(), "GPO", period(plan, 2022), state)
    items = [
        item
        for item in due_items(on=dt.date(2023, 1, 3), horizon_days=7, agency=agency("GPO"))
        if item.kind == DueKind.REPORT
    ]
    assert [item.report for item in items] == ([report] if due else [])


def test_accepted_consolidated_report_settles_the_contributions() -> None:
    plan = make_plan(sections=1, actions_per_section=1)
    make_report(plan.actions.get(), "MIA", period(plan, 2022), ReportState.ACCEPTED)
    items = due_items(on=dt.date(2023, 1, 3), horizon_days=7, agency=agency("GPO"))
    assert [item for item in items if item.kind == DueKind.REPORT] == []


def test_overdue_reports_started_or_not() -> None:
    plan = make_plan(sections=1, actions_per_section=2)
    first, second = plan.actions.order_by("order")
    draft = make_report(first, "MIA", period(plan, 2022), ReportState.DRAFT)
    make_report(first, "GPO", period(plan, 2022), ReportState.SUBMITTED)
    returned = make_report(second, "MIA", period(plan, 2022), ReportState.RETURNED)
    assert overdue_reports(on=dt.date(2023, 1, 10)) == []
    with today(dt.date(2023, 1, 11)):
        items = overdue_reports(on=timezone.localdate())
    assert [(i.action.number, i.agency.abbreviation, i.report) for i in items] == [
        ("1.1", "MIA", draft),
        ("1.2", "MIA", returned),
        ("1.2", "GPO", None),  # never started
    ]
    assert all(i.kind == DueKind.REPORT and i.overdue and i.days_left == -1 for i in items)
    started = {item.report for item in items if item.report is not None}
    assert started == set(ProgressReport.objects.overdue_on(dt.date(2023, 1, 11)))


@pytest.mark.parametrize("actions", [3, 30])
def test_due_items_query_count_does_not_grow(django_assert_num_queries, actions: int) -> None:
    plan = make_plan(sections=1, actions_per_section=actions)
    make_annual(plan.actions.order_by("order").first())  # one recurring action among one-offs
    on = dt.date(2023, 2, 1)
    # Actions, their agencies, the plans' periods, the reports.
    with django_assert_num_queries(4):
        items = due_items(on=on, horizon_days=30)
        for item in items:
            assert item.action.plan.code and item.agency.abbreviation and item.action.lead
    assert len(items) == 4 * actions
    # The same four for the recurring actions, then the actions with agencies and themes.
    with django_assert_num_queries(4 + 3):
        assert len(list(overdue_actions(on=on))) == actions
