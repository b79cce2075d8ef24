"""Reporting periods: calendar-aligned, generated ahead of time, idempotent; the command."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import PlanFactory
from rightsmonitor.reporting.actions import ensure_periods, period_bounds
from rightsmonitor.reporting.models import Frequency, ReportingPeriod
from rightsmonitor.reporting.tests.factories import ReportingScheduleFactory

pytestmark = pytest.mark.django_db
d = datetime.date
ALMATY = datetime.timezone(datetime.timedelta(hours=5))


def rows(periods: Any) -> list[tuple[datetime.date, ...]]:
    return [(p.start, p.end, p.submission_deadline, p.review_deadline) for p in periods]


@pytest.mark.parametrize(
    ("day", "frequency", "bounds"),
    [
        (d(2022, 4, 28), Frequency.ANNUAL, (d(2022, 1, 1), d(2022, 12, 31))),
        (d(2022, 4, 28), Frequency.HALF_YEARLY, (d(2022, 1, 1), d(2022, 6, 30))),
        (d(2022, 7, 1), Frequency.HALF_YEARLY, (d(2022, 7, 1), d(2022, 12, 31))),
        (d(2022, 4, 28), Frequency.QUARTERLY, (d(2022, 4, 1), d(2022, 6, 30))),
        (d(2022, 12, 31), Frequency.QUARTERLY, (d(2022, 10, 1), d(2022, 12, 31))),
        (d(2024, 2, 10), Frequency.MONTHLY, (d(2024, 2, 1), d(2024, 2, 29))),
        (d(2023, 12, 5), Frequency.MONTHLY, (d(2023, 12, 1), d(2023, 12, 31))),
    ],
)
def test_period_bounds(
    day: datetime.date, frequency: str, bounds: tuple[datetime.date, datetime.date]
) -> None:
    assert period_bounds(day, frequency) == bounds


def test_annual_periods_agencies_by_10_january_review_by_25_january() -> None:
    plan = PlanFactory(period_start=d(2022, 4, 28), period_end=d(2023, 12, 31))
    ReportingScheduleFactory(
        plan=plan, frequency=Frequency.ANNUAL, submission_days=10, review_days=25
    )
    created = ensure_periods(plan, until=d(2023, 6, 30))
    assert rows(created) == [
        # The first period begins with the plan.
        (d(2022, 4, 28), d(2022, 12, 31), d(2023, 1, 10), d(2023, 1, 25)),
        (d(2023, 1, 1), d(2023, 12, 31), d(2024, 1, 10), d(2024, 1, 25)),
    ]
    assert rows(ReportingPeriod.objects.filter(plan=plan)) == rows(created)
    assert str(created[0]) == "28.04.2022–31.12.2022"


def test_a_plan_without_a_schedule_is_reported_on_annually() -> None:
    plan = PlanFactory(period_start=d(2022, 4, 28), period_end=d(2023, 12, 31))
    assert rows(ensure_periods(plan, until=d(2022, 5, 1))) == [
        (d(2022, 4, 28), d(2022, 12, 31), d(2023, 1, 10), d(2023, 1, 25)),
    ]


def test_ensure_periods_is_idempotent_and_respects_the_plans_end() -> None:
    plan = PlanFactory(period_start=d(2022, 4, 28), period_end=d(2023, 12, 31))
    assert len(ensure_periods(plan, until=d(2022, 12, 31))) == 1
    assert len(ensure_periods(plan, until=d(2030, 1, 1))) == 1  # only 2023 was missing
    assert ensure_periods(plan, until=d(2030, 1, 1)) == []
    assert ensure_periods(plan, until=d(2022, 12, 31)) == []
    assert [p.end for p in ReportingPeriod.objects.filter(plan=plan)] == [
        d(2022, 12, 31),
        d(2023, 12, 31),
    ]


def test_a_plan_ending_mid_period_has_that_period_in_full() -> None:
    plan = PlanFactory(period_start=d(2022, 1, 1), period_end=d(2022, 8, 15))
    ReportingScheduleFactory(plan=plan, frequency=Frequency.QUARTERLY)
    assert [p.end for p in ensure_periods(plan, until=d(2025, 1, 1))] == [
        d(2022, 3, 31),
        d(2022, 6, 30),
        d(2022, 9, 30),
    ]


def test_quarterly_periods() -> None:
    plan = PlanFactory(period_start=d(2022, 4, 28), period_end=d(2023, 12, 31))
    ReportingScheduleFactory(
        plan=plan, frequency=Frequency.QUARTERLY, submission_days=15, review_days=30
    )
    assert rows(ensure_periods(plan, until=d(2023, 1, 1))) == [
        (d(2022, 4, 28), d(2022, 6, 30), d(2022, 7, 15), d(2022, 7, 30)),
        (d(2022, 7, 1), d(2022, 9, 30), d(2022, 10, 15), d(2022, 10, 30)),
        (d(2022, 10, 1), d(2022, 12, 31), d(2023, 1, 15), d(2023, 1, 30)),
        (d(2023, 1, 1), d(2023, 3, 31), d(2023, 4, 15), d(2023, 4, 30)),
    ]


def test_half_yearly_periods() -> None:
    plan = PlanFactory(period_start=d(2022, 4, 28), period_end=d(2023, 12, 31))
    ReportingScheduleFactory(
        plan=plan, frequency=Frequency.HALF_YEARLY, submission_days=10, review_days=25
    )
    assert rows(ensure_periods(plan, until=d(2030, 1, 1))) == [
        (d(2022, 4, 28), d(2022, 6, 30), d(2022, 7, 10), d(2022, 7, 25)),
        (d(2022, 7, 1), d(2022, 12, 31), d(2023, 1, 10), d(2023, 1, 25)),
        (d(2023, 1, 1), d(2023, 6, 30), d(2023, 7, 10), d(2023, 7, 25)),
        (d(2023, 7, 1), d(2023, 12, 31), d(2024, 1, 10), d(2024, 1, 25)),
    ]


def test_monthly_periods() -> None:
    plan = PlanFactory(period_start=d(2023, 11, 15), period_end=d(2024, 12, 31))
    ReportingScheduleFactory(
        plan=plan, frequency=Frequency.MONTHLY, submission_days=5, review_days=12
    )
    assert rows(ensure_periods(plan, until=d(2024, 2, 1))) == [
        (d(2023, 11, 15), d(2023, 11, 30), d(2023, 12, 5), d(2023, 12, 12)),
        (d(2023, 12, 1), d(2023, 12, 31), d(2024, 1, 5), d(2024, 1, 12)),
        (d(2024, 1, 1), d(2024, 1, 31), d(2024, 2, 5), d(2024, 2, 12)),
        (d(2024, 2, 1), d(2024, 2, 29), d(2024, 3, 5), d(2024, 3, 12)),
    ]


def test_a_change_of_frequency_never_overlaps_existing_periods() -> None:
    plan = PlanFactory(period_start=d(2022, 4, 28), period_end=d(2023, 12, 31))
    schedule = ReportingScheduleFactory(plan=plan, frequency=Frequency.ANNUAL)
    ensure_periods(plan, until=d(2022, 12, 31))
    schedule.frequency = Frequency.QUARTERLY
    schedule.save()
    assert [(p.start, p.end) for p in ensure_periods(plan, until=d(2023, 5, 1))] == [
        (d(2023, 1, 1), d(2023, 3, 31)),
        (d(2023, 4, 1), d(2023, 6, 30)),
    ]


def test_a_plan_without_dates_starts_with_the_current_period() -> None:
    plan = PlanFactory(period_start=None, period_end=None)
    with time_machine.travel(datetime.datetime(2024, 3, 15, 12, tzinfo=ALMATY), tick=False):
        created = ensure_periods(plan, until=d(2025, 3, 15))
    assert [(p.start, p.end) for p in created] == [
        (d(2024, 1, 1), d(2024, 12, 31)),
        (d(2025, 1, 1), d(2025, 12, 31)),
    ]


def test_nothing_before_the_plan_starts() -> None:
    plan = PlanFactory(period_start=d(2026, 1, 1), period_end=d(2030, 12, 31))
    assert ensure_periods(plan, until=d(2025, 12, 31)) == []


# The command -----------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(datetime.datetime(2022, 6, 1, 9, tzinfo=ALMATY), tick=False):
        call_command("ensure_periods", *args, stdout=out)
    return out.getvalue()


def test_the_command_covers_plans_in_force_and_is_idempotent() -> None:
    in_force = PlanFactory(code="kz-2022", period_start=d(2022, 4, 28), period_end=d(2024, 12, 31))
    ReportingScheduleFactory(plan=in_force, frequency=Frequency.HALF_YEARLY)
    draft = PlanFactory(code="kz-2025", status=Plan.Status.DRAFT)

    # 1 June 2022 + 400 days = 6 July 2023.
    assert run().splitlines() == [
        "kz-2022: created 28.04.2022–30.06.2022 (agencies by 10.07.2022, review by 25.07.2022)",
        "kz-2022: created 01.07.2022–31.12.2022 (agencies by 10.01.2023, review by 25.01.2023)",
        "kz-2022: created 01.01.2023–30.06.2023 (agencies by 10.07.2023, review by 25.07.2023)",
        "kz-2022: created 01.07.2023–31.12.2023 (agencies by 10.01.2024, review by 25.01.2024)",
        "Created 4 period(s) for 1 plan(s), up to 06.07.2023.",
    ]
    assert run() == "Created 0 period(s) for 1 plan(s), up to 06.07.2023.\n"
    assert not ReportingPeriod.objects.filter(plan=draft).exists()


def test_the_command_for_one_plan_and_a_shorter_horizon() -> None:
    PlanFactory(code="kz-2022", period_start=d(2022, 4, 28), period_end=d(2024, 12, 31))
    draft = PlanFactory(code="kz-2025", status=Plan.Status.DRAFT, period_start=d(2022, 1, 1))
    assert run("--plan", "kz-2025", "--ahead-days", "0").splitlines() == [
        "kz-2025: created 01.01.2022–31.12.2022 (agencies by 10.01.2023, review by 25.01.2023)",
        "Created 1 period(s) for 1 plan(s), up to 01.06.2022.",
    ]
    assert ReportingPeriod.objects.get().plan == draft


def test_the_command_refuses_bad_input() -> None:
    with pytest.raises(CommandError, match="No plan with the code 'nope'"):
        run("--plan", "nope")
    with pytest.raises(CommandError, match="negative"):
        run("--ahead-days", "-1")
