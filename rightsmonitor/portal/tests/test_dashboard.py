"""The public plan dashboard: its figures against counts made here, drafts hidden, deadlines
on a frozen day, what is published, languages, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rightsmonitor.accounts.models import User
from rightsmonitor.assessments.models import Assessment, AssessmentState
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.deadlines import Recurrence
from rightsmonitor.plans.models import Action, ActionAgency, Plan
from rightsmonitor.plans.tests.factories import AgencyFactory, build_plan
from rightsmonitor.portal.dashboard import NOT_ASSESSED, STATUSES
from rightsmonitor.reporting.models import (
    ImplementationStatus,
    ProgressReport,
    ReportTransition,
)
from rightsmonitor.reporting.tests.factories import (
    ActionMonitoringFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
)
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db

S = ImplementationStatus
# 25 January 2023: build_plan's actions, due 31 December 2022, are then 25 days late.
DAY = dt.date(2023, 1, 25)


def frozen(day: dt.date) -> time_machine.travel:
    """Freeze time at 09:00 on ``day`` in the site's time zone."""
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_default_timezone()), tick=False
    )


def url(plan: Plan, language: str = "") -> str:
    path = reverse("portal:dashboard", args=[plan.code])
    return f"/{language}{path}" if language else path


def assessed_plan() -> Plan:
    """Two sections of three actions (MIA leads, GPO co-executes), verdicts on four of them,
    and one action led by another agency and one without a lead."""
    plan = build_plan(code="kz", sections=2, actions_per_section=3)
    actions = {action.number: action for action in plan.actions.all()}
    for number, status in {
        "1.1": S.COMPLETED,
        "1.2": S.IN_PROGRESS,
        "2.1": S.COMPLETED,
        "2.3": S.NOT_COMPLETED,
    }.items():
        ActionMonitoringFactory(action=actions[number], assessed_status=status)
    ActionAgency.objects.filter(action=actions["2.2"], role=ActionAgency.Role.LEAD).update(
        agency=AgencyFactory(abbreviation="MJ", name_en="Ministry of Justice")
    )
    ActionAgency.objects.filter(action=actions["1.3"], role=ActionAgency.Role.LEAD).delete()
    return plan


def status_of(action: Action) -> str:
    monitoring = getattr(action, "monitoring", None)
    return monitoring.assessed_status if monitoring else NOT_ASSESSED


def test_figures_equal_counts_made_independently(client: Client) -> None:
    plan = assessed_plan()
    build_plan(code="other")  # another plan's actions are not counted
    with frozen(DAY):
        response = client.get(url(plan))
    assert response.status_code == 200
    actions = list(plan.actions.select_related("monitoring", "section"))

    overall = Counter(status_of(action) for action in actions)
    shares = {
        share.key: (share.count, share.share) for share in response.context["figures"]["shares"]
    }
    assert shares == {key: (overall[key], 100 * overall[key] / 6) for key in STATUSES}
    assert response.context["figures"]["total"] == 6

    by_section = {row.label: row.counts for row in response.context["figures"]["by_section"]}
    for section in plan.sections.all():
        expected = Counter(status_of(a) for a in actions if a.section_id == section.pk)
        assert by_section[f"{section.number}. {section.title}"] == {
            key: expected[key] for key in STATUSES
        }

    leads: dict[str, Counter[str]] = {}
    for action in actions:
        lead = action.assignments.filter(role=ActionAgency.Role.LEAD).first()
        key = lead.agency.abbreviation if lead else "No lead agency"
        leads.setdefault(key, Counter())[status_of(action)] += 1
    by_lead = {row.chart_label: row.counts for row in response.context["figures"]["by_lead_agency"]}
    assert by_lead == {
        name: {key: counts[key] for key in STATUSES} for name, counts in leads.items()
    }
    assert [row.chart_label for row in response.context["figures"]["by_lead_agency"]] == [
        "MIA",
        "MJ",
        "No lead agency",
    ]

    html = response.content.decode()
    # Each chart drawn twice, for wide and for narrow screens (core.charts.responsive_stacked_bars).
    assert html.count('<div class="chart-pair">') == 3
    assert html.count('class="chart chart--wide"') == html.count('class="chart chart--narrow"') == 3
    assert html.count("<table") == 3 + 1  # the three charts' tables, and the overdue list
    assert "Not yet assessed" in html
    assert 'href="/agencies/MJ/"' in html


def test_empty_plan_shows_no_figures(client: Client) -> None:
    plan = build_plan(code="empty", sections=1, actions_per_section=0)
    response = client.get(url(plan))
    assert response.status_code == 200
    assert response.context["figures"]["total"] == 0
    assert all(share.share == 0 for share in response.context["figures"]["shares"])
    assert "No action is overdue." in response.content.decode()


@pytest.mark.parametrize(
    ("user", "status"),
    [("public", 404), ("ngo_member", 404), ("focal_point_mia", 404), ("coordinator", 200)],
)
def test_draft_plan_is_for_staff_only(user: str, status: int, request) -> None:  # type: ignore[no-untyped-def]
    draft = build_plan(code="draft", status=Plan.Status.DRAFT)
    assert client_for(request.getfixturevalue(user)).get(url(draft)).status_code == status


def test_unknown_plan_is_404(client: Client) -> None:
    assert client.get("/plans/nothing/dashboard/").status_code == 404


def test_overdue_and_upcoming_deadlines_on_a_frozen_day(client: Client) -> None:
    plan = assessed_plan()  # 1.1 and 2.1 completed: closed, never overdue
    actions = {action.number: action for action in plan.actions.all()}
    Action.objects.filter(pk=actions["1.2"].pk).update(due_date=dt.date(2023, 3, 1))
    Action.objects.filter(pk=actions["2.3"].pk).update(due_date=dt.date(2023, 6, 30))
    # Quarterly without any report: every quarter's end in the plan's period is a deadline.
    Action.objects.filter(pk=actions["2.2"].pk).update(
        deadline_text="quarterly", due_date=None, recurrence=Recurrence.QUARTERLY
    )
    with frozen(DAY):
        response = client.get(url(plan))
    deadlines = response.context["deadlines"]
    overdue = [(d.action.number, d.due, d.days) for d in deadlines.overdue]
    # One row per action (not per responsible agency), the longest overdue first.
    assert overdue == [
        ("2.2", dt.date(2022, 6, 30), (DAY - dt.date(2022, 6, 30)).days),
        ("1.3", dt.date(2022, 12, 31), 25),
    ]
    upcoming = [(d.action.number, d.due, d.days) for d in deadlines.upcoming]
    assert upcoming == [("1.2", dt.date(2023, 3, 1), 35), ("2.2", dt.date(2023, 3, 31), 65)]
    assert [d.lead.abbreviation if d.lead else None for d in deadlines.overdue] == ["MJ", None]

    html = response.content.decode()
    assert 'datetime="2023-01-25"' in html  # the "as of" line
    assert f'href="{actions["2.2"].get_absolute_url()}"' in html
    assert '<td class="num">209</td>' in html


def test_plan_no_longer_in_force_has_no_deadlines(client: Client) -> None:
    plan = build_plan(code="done", status=Plan.Status.COMPLETED)
    with frozen(DAY):
        response = client.get(url(plan))
    assert list(response.context["deadlines"].overdue) == []
    assert "Deadlines are followed only while a plan is in force" in response.content.decode()


def test_latest_accepted_reports_and_published_assessments(client: Client) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=3)
    first, second, third = plan.actions.all()
    period = ReportingPeriodFactory(plan=plan)
    mia = AgencyFactory(abbreviation="MIA")
    accepted = ProgressReportFactory(
        action=first, agency=mia, period=period, state=ReportState.ACCEPTED
    )
    ProgressReportFactory(action=second, agency=mia, period=period, state=ReportState.SUBMITTED)
    ProgressReportFactory(
        action=third,
        agency=mia,
        period=period,
        state=ReportState.ACCEPTED,
        kind=ProgressReport.Kind.CONTRIBUTION,
    )
    published = Assessment.objects.create(
        plan=plan,
        period=period,
        start=period.start,
        end=period.end,
        state=AssessmentState.PUBLISHED,
        snapshot={},
        published_at=timezone.now(),
    )
    draft = Assessment.objects.create(
        plan=plan, start=period.start, end=period.end, edition=2, state=AssessmentState.DRAFT
    )
    response = client.get(url(plan))
    assert list(response.context["reports"]) == [accepted]
    assert list(response.context["assessments"]) == [published]
    html = response.content.decode()
    assert f'href="{first.get_absolute_url()}#progress-reports"' in html
    assert f'href="{published.get_absolute_url()}"' in html
    assert f'href="{draft.get_absolute_url()}"' not in html


def test_latest_reports_are_the_last_accepted_five(coordinator: User) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=7)
    mia = AgencyFactory(abbreviation="MIA")
    for year, action in zip(range(2016, 2023), plan.actions.all(), strict=True):
        period = ReportingPeriodFactory(
            plan=plan, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
        )
        ProgressReportFactory(action=action, agency=mia, period=period, state=ReportState.ACCEPTED)
    # Only the 2016 report has its acceptance row: it comes first, dated; then the latest periods.
    oldest = ProgressReport.objects.get(period__end__year=2016)
    with frozen(dt.date(2023, 2, 3)):
        ReportTransition.objects.create(
            report=oldest, name="accept", from_state=ReportState.SUBMITTED, to_state=oldest.state
        )
    response = client_for(coordinator).get(url(plan))
    assert [r.period.end.year for r in response.context["reports"]] == [
        2016,
        2022,
        2021,
        2020,
        2019,
    ]
    html = response.content.decode()
    assert '<time datetime="2023-02-03T09:00:00' in html
    assert ">3 February 2023</time>" in html


@pytest.mark.parametrize(("language", "word"), [("ru", "Планы"), ("kk", "Жоспарлар")])
def test_translated_interface(client: Client, language: str, word: str) -> None:
    plan = assessed_plan()
    with frozen(DAY):
        response = client.get(url(plan, language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert word in html
    assert f'href="/{language}/plans/kz/actions/1.3/"' in html


def test_russian_dates_and_numbers(client: Client) -> None:
    plan = assessed_plan()
    with frozen(DAY):
        html = client.get(url(plan, "ru")).content.decode()
    assert "25 января 2023 г." in html  # DATE_FORMAT of the Russian locale
    assert "33,3&nbsp;%" in html  # two of six actions completed, with a decimal comma


def _grow(plan: Plan) -> None:
    """Verdicts, reports and an assessment, so that every figure has something to read."""
    period = ReportingPeriodFactory(plan=plan)
    mia = AgencyFactory(abbreviation="MIA")
    for n, action in enumerate(plan.actions.all()):
        ActionMonitoringFactory(action=action, assessed_status=STATUSES[n % 6])
        ProgressReportFactory(action=action, agency=mia, period=period, state=ReportState.ACCEPTED)
    Assessment.objects.create(
        plan=plan,
        start=period.start,
        end=period.end,
        state=AssessmentState.PUBLISHED,
        snapshot={},
    )


# Session and user (signed in), unread notifications (the menu), the plan; the counts by
# status for the plan, per section, per lead agency and without a lead; the recurring
# deadlines (actions, their agencies, periods, reports), the sections' order, and for overdue
# and upcoming one-off deadlines a count, a page of actions and their agencies; the latest
# reports (newest acceptances, reports never accepted through the workflow, the five); the
# latest assessments.
QUERIES = 20


@pytest.mark.parametrize("role", ["public", "coordinator"])
def test_query_count_does_not_grow(django_assert_max_num_queries, request, role: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(request.getfixturevalue(role))
    small = build_plan(code="small", sections=1, actions_per_section=5)
    _grow(small)
    with frozen(DAY), django_assert_max_num_queries(QUERIES):
        assert client.get(url(small)).status_code == 200
    big = build_plan(code="big", sections=5, actions_per_section=10)
    _grow(big)
    with frozen(DAY), django_assert_max_num_queries(QUERIES):
        assert client.get(url(big)).status_code == 200


def test_plan_page_links_to_its_dashboard(client: Client) -> None:
    plan = build_plan(code="kz")
    assert f'href="{url(plan)}"' in client.get(plan.get_absolute_url()).content.decode()
