"""The public action page shows the coordinator's verdict and the accepted reports.

Everyone (anonymous visitors included) sees the assessed status, whether the action was taken
off monitoring and why, and for each accepted consolidated report its period and narrative.
Drafts and reports under review stay private. The plan page loads each action's monitoring
row with the actions, so its query count does not grow with the number of actions.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Action, Agency, Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.reporting import actions
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    AgencyReportingSettings,
    ImplementationStatus,
    ProgressReport,
    ReportingPeriod,
)
from rightsmonitor.reporting.tests.factories import EvidenceLinkFactory

pytestmark = pytest.mark.django_db
OFF_REASON = "Completed: the law was adopted on 5 May 2023."
ACCEPTED_TEXT = "The draft law was approved by the Government and sent to Parliament."
DRAFT_TEXT = "Internal note: still waiting for the Ministry of Justice."


@pytest.fixture
def plan() -> Plan:
    plan = build_plan(code="kz", sections=1, actions_per_section=2)
    actions.ensure_periods(plan, until=datetime.date(2023, 12, 31))
    return plan


@pytest.fixture
def action(plan: Plan) -> Action:
    return plan.actions.get(number="1.1")


@pytest.fixture
def mia_author(focal_point_mia: User) -> User:
    # build_plan's agencies send reports without sign-off.
    AgencyReportingSettings.objects.filter(agency=focal_point_mia.agency).delete()
    return focal_point_mia


def report_for(
    action: Action,
    period: ReportingPeriod,
    author: User,
    narrative: str,
    steps: list[str],
    by: dict[str, User],
) -> ProgressReport:
    report = actions.start_report(action, author.agency, period, by=author)
    report = actions.save_report(
        report,
        {"narrative": narrative, "proposed_status": ImplementationStatus.COMPLETED},
        by=author,
        expected_version=report.version,
    )
    for name in steps:
        report = actions.take_transition(report, name, by=by[name])
    return report


def test_status_not_assessed_yet(client: Client, action: Action) -> None:
    html = client.get(action.get_absolute_url()).content.decode()
    assert '<span class="badge badge-not_assessed">Not yet assessed</span>' in html
    assert "Not started" not in html
    assert "On monitoring" in html
    assert "Accepted progress reports" not in html


def test_assessed_status_and_off_monitoring_reason_are_public(
    client: Client, action: Action, coordinator: User
) -> None:
    actions.set_assessed_status(action, ImplementationStatus.COMPLETED, by=coordinator)
    actions.take_off_monitoring(action, reason=OFF_REASON, by=coordinator)
    html = client.get(action.get_absolute_url()).content.decode()
    assert '<span class="badge badge-completed">Completed</span>' in html
    assert "Off monitoring" in html
    assert OFF_REASON in html
    # Staff links are for staff only.
    assert "/reporting/actions/" not in html
    staff_html = client_for(coordinator).get(action.get_absolute_url()).content.decode()
    assert f"/reporting/actions/{action.pk}/monitoring/" in staff_html

    actions.put_back_on_monitoring(action, by=coordinator)
    html = client.get(action.get_absolute_url()).content.decode()
    assert OFF_REASON not in html
    assert "On monitoring" in html


def test_accepted_consolidated_reports_are_public_drafts_are_not(
    client: Client, plan: Plan, action: Action, mia_author: User, coordinator: User
) -> None:
    first, second = ReportingPeriod.objects.filter(plan=plan).order_by("end")[:2]
    by = {"submit": mia_author, "accept": coordinator}
    report_for(action, first, mia_author, ACCEPTED_TEXT, ["submit", "accept"], by)
    report_for(action, second, mia_author, DRAFT_TEXT, ["submit"], by)
    gpo_author = FocalPointFactory(
        email="focal.gpo@example.org", agency=Agency.objects.get(abbreviation="GPO")
    )
    report_for(action, first, gpo_author, "A contribution.", [], by)

    for viewer in (None, coordinator, mia_author):
        html = client_for(viewer).get(action.get_absolute_url()).content.decode()
        assert "Accepted progress reports" in html
        assert ACCEPTED_TEXT in html
        assert DRAFT_TEXT not in html
        assert "A contribution." not in html
        assert '<time datetime="2022-12-31">31 December 2022</time>' in html
    # Accepting without a verdict left the status as it was: the agency's proposal is shown as
    # what it reported, not as the official status.
    assert not ActionMonitoring.objects.filter(action=action).exists()
    assert "Not yet assessed</span>" in client.get(action.get_absolute_url()).content.decode()


def test_draft_plan_stays_hidden(client: Client, coordinator: User) -> None:
    plan = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    action = plan.actions.get()
    actions.take_off_monitoring(action, reason=OFF_REASON, by=coordinator)
    assert client.get(action.get_absolute_url()).status_code == 404


def test_action_page_query_count(
    client: Client, action: Action, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    actions.take_off_monitoring(action, reason=OFF_REASON, by=coordinator)
    with django_assert_max_num_queries(10):
        assert client.get(action.get_absolute_url()).status_code == 200


def test_action_page_query_count_does_not_grow_with_reports(
    client: Client, plan: Plan, action: Action, mia_author: User, coordinator: User
) -> None:
    """Each accepted report's evidence comes in one prefetch for all of them."""
    first, second = ReportingPeriod.objects.filter(plan=plan).order_by("end")[:2]
    by = {"submit": mia_author, "accept": coordinator}
    one = report_for(action, first, mia_author, ACCEPTED_TEXT, ["submit", "accept"], by)
    EvidenceLinkFactory(report=one, url="https://adilet.example.org/doc/1")
    with CaptureQueriesContext(connection) as few:
        assert client.get(action.get_absolute_url()).status_code == 200
    two = report_for(action, second, mia_author, "Second year.", ["submit", "accept"], by)
    EvidenceLinkFactory.create_batch(3, report=two)
    with CaptureQueriesContext(connection) as many:
        html = client.get(action.get_absolute_url()).content.decode()
    assert len(many) == len(few)
    assert "https://adilet.example.org/doc/1" in html  # public evidence of accepted reports
    assert html.count('rel="noopener noreferrer"') >= 4


def _assess_every_action(plan: Plan, coordinator: User) -> None:
    statuses = ImplementationStatus.values
    ActionMonitoring.objects.bulk_create(
        ActionMonitoring(
            action=action,
            assessed_status=statuses[n % len(statuses)],
            on_monitoring=n % 3 != 0,
            off_monitoring_reason="" if n % 3 else "Done.",
        )
        for n, action in enumerate(plan.actions.all())
    )


def test_plan_page_query_count_does_not_grow_with_monitoring(
    client: Client, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    small = build_plan(code="small", sections=2, actions_per_section=5)
    _assess_every_action(small, coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(small.get_absolute_url()).status_code == 200
    big = build_plan(code="big", sections=10, actions_per_section=30)
    _assess_every_action(big, coordinator)
    with django_assert_max_num_queries(12) as captured:
        response = client.get(big.get_absolute_url())
    assert response.status_code == 200
    assert len(captured.captured_queries) <= 12
    # Each action's monitoring row came with the page's queries: reading it costs none. A plan
    # this long shows one section at a time (test_long_pages.py): the first, of 30 actions.
    with django_assert_max_num_queries(0):
        loaded = [
            getattr(action, "monitoring", None)
            for action in response.context["listing"]["page"].object_list
        ]
    assert len(loaded) == 30
    assert sum(1 for monitoring in loaded if monitoring and not monitoring.on_monitoring) == 10
