"""Coordinator pages: dashboard, action timeline, monitoring verdict, schedule, agency settings.

Through the front door (the Django test client, the real database, the real actions). Dates
are frozen with time_machine: the world's period 28.04.2022–31.12.2022 is due from the
agencies by 10.01.2023, so on 1 February 2023 anything not sent is overdue.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import ActionAgency, Agency
from rightsmonitor.plans.tests.factories import (
    ActionAgencyFactory,
    ActionFactory,
    AgencyFactory,
)
from rightsmonitor.reporting import actions
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    AgencyReportingSettings,
    Frequency,
    ImplementationStatus,
    MonitoringChange,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
)
from rightsmonitor.reporting.tests.factories import ProgressReportFactory, ReportingWorld
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db
S = ReportState
ALMATY = datetime.timezone(datetime.timedelta(hours=5))
AFTER_DEADLINE = datetime.datetime(2023, 2, 1, 10, 0, tzinfo=ALMATY)


@pytest.fixture
def after_deadline() -> Iterator[None]:
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        yield


@pytest.fixture
def mlsp_action(reporting_world: ReportingWorld) -> Any:
    """An action of the world's plan that neither MIA nor GPO is responsible for."""
    world = reporting_world
    action = ActionFactory(section=world.action.section, plan=world.plan, number="1.3", order=3)
    mlsp = AgencyFactory(abbreviation="MLSP")
    ActionAgencyFactory(action=action, agency=mlsp, role=ActionAgency.Role.LEAD)
    return action


def page_urls(world: ReportingWorld, other_action: Any) -> dict[str, str]:
    return {
        "dashboard": reverse("reporting:dashboard"),
        "timeline": reverse("reporting:action_timeline", args=[other_action.pk]),
        "monitoring": reverse("reporting:action_monitoring", args=[world.action.pk]),
        "schedule": reverse("reporting:plan_schedule", args=[world.plan.code]),
        "settings": reverse("reporting:agency_settings", args=[world.mia.pk]),
    }


# Who may open what --------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["dashboard", "timeline", "monitoring", "schedule", "settings"])
@pytest.mark.parametrize(
    ("role", "status"),
    [("coordinator", 200), ("focal_point_mia", 403), ("ngo_member", 403), ("public", 302)],
)
def test_role_checks(
    reporting_world: ReportingWorld, mlsp_action: Any, page: str, role: str, status: int
) -> None:
    url = page_urls(reporting_world, mlsp_action)[page]
    response = client_for(getattr(reporting_world, role)).get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("page", ["monitoring", "schedule", "settings"])
@pytest.mark.parametrize("role", ["focal_point_mia", "ngo_member", "validator_mia"])
def test_others_cannot_post(
    reporting_world: ReportingWorld, mlsp_action: Any, page: str, role: str
) -> None:
    url = page_urls(reporting_world, mlsp_action)[page]
    data = {"operation": "generate", "sign_off_required": "", "validating_authority": ""}
    response = client_for(getattr(reporting_world, role)).post(url, data)
    assert response.status_code == 403
    assert not AgencyReportingSettings.objects.filter(
        agency=reporting_world.mia, sign_off_required=False
    ).exists()


def test_administrator_may_review(reporting_world: ReportingWorld) -> None:
    client = client_for(reporting_world.administrator)
    assert client.get(reverse("reporting:dashboard")).status_code == 200


def test_responsible_focal_points_see_the_timeline(
    reporting_world: ReportingWorld, mlsp_action: Any
) -> None:
    world = reporting_world
    url = reverse("reporting:action_timeline", args=[world.action.pk])
    for user in (world.focal_point_mia, world.validator_mia, world.focal_point_gpo):
        assert client_for(user).get(url).status_code == 200
    # The co-executor does not see the lead's comments before the report is accepted.
    report = world.report_in(S.RETURNED)
    comment = report.transitions.get(name="return").comment
    assert comment in client_for(world.focal_point_mia).get(url).content.decode()
    assert comment not in client_for(world.focal_point_gpo).get(url).content.decode()
    assert client_for(world.ngo_member).get(url).status_code == 403
    unknown = reverse("reporting:action_timeline", args=[999_999])
    assert client_for(world.coordinator).get(unknown).status_code == 404


def test_unknown_objects_are_404(reporting_world: ReportingWorld) -> None:
    client = client_for(reporting_world.coordinator)
    for url in (
        reverse("reporting:action_monitoring", args=[999_999]),
        reverse("reporting:plan_schedule", args=["no-such-plan"]),
        reverse("reporting:agency_settings", args=[999_999]),
    ):
        assert client.get(url).status_code == 404


# Dashboard ----------------------------------------------------------------------------------


@pytest.fixture
def busy_world(reporting_world: ReportingWorld) -> ReportingWorld:
    """MIA's report on 1.1 submitted, GPO's on 1.2 returned, GPO's contribution to 1.1 a draft.

    On 1 February 2023 (``after_deadline``): MIA's contribution to 1.2 was never started, and
    both actions (due 31.12.2022) have missed their deadline, once per responsible agency.
    """
    world = reporting_world
    world.report_in(S.SUBMITTED)
    world.report_in(S.RETURNED, agency=world.gpo, action=world.gpo_led_action)
    world.start(agency=world.gpo, action=world.action)
    return world


def counts(rows: list[Any]) -> dict[str, tuple[int, ...]]:
    def key(row: Any) -> str:
        return getattr(row.subject, "abbreviation", None) or row.subject.number

    return {
        key(row): (
            row.awaiting,
            row.overdue_reports,
            row.overdue_actions,
            row.returned,
            row.accepted,
        )
        for row in rows
    }


def test_dashboard_counts_per_agency_and_section(
    busy_world: ReportingWorld, after_deadline: None
) -> None:
    response = client_for(busy_world.coordinator).get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    #           awaiting, reports overdue, deadlines missed, returned, accepted
    assert counts(response.context["by_agency"].rows) == {
        "GPO": (0, 2, 2, 1, 0),
        "MIA": (1, 1, 2, 0, 0),
    }
    assert counts(response.context["by_section"].rows) == {"1": (1, 3, 4, 1, 0)}
    total = response.context["by_agency"].total
    assert (total.awaiting, total.overdue_reports, total.overdue_actions) == (1, 3, 4)
    awaiting = list(response.context["awaiting"].page.object_list)
    assert [(r.agency.abbreviation, r.action.number) for r in awaiting] == [("MIA", "1.1")]
    overdue = response.context["overdue"].page.object_list
    assert {(i.kind, i.agency.abbreviation, i.action.number) for i in overdue} == {
        ("action_deadline", "MIA", "1.1"),
        ("action_deadline", "GPO", "1.1"),
        ("action_deadline", "GPO", "1.2"),
        ("action_deadline", "MIA", "1.2"),
        ("report", "GPO", "1.2"),  # returned, not resubmitted
        ("report", "GPO", "1.1"),  # a draft contribution
        ("report", "MIA", "1.2"),  # not started
    }
    html = response.content.decode()
    report = ProgressReport.objects.get(agency=busy_world.mia, action=busy_world.action)
    assert reverse("reporting:report", args=[report.pk]) in html
    assert reverse("reporting:agency_settings", args=[busy_world.gpo.pk]) in html
    assert "Not started" in html


def test_dashboard_filters(busy_world: ReportingWorld, after_deadline: None) -> None:
    world = busy_world
    client = client_for(world.coordinator)
    url = reverse("reporting:dashboard")

    by_agency = client.get(url, {"agency": "GPO"}).context
    assert set(counts(by_agency["by_agency"].rows)) == {"GPO"}
    assert not by_agency["awaiting"].page.object_list
    assert {i.agency.abbreviation for i in by_agency["overdue"].page.object_list} == {"GPO"}

    by_state = client.get(url, {"state": S.SUBMITTED}).context
    assert counts(by_state["by_agency"].rows) == {"MIA": (1, 0, 0, 0, 0)}
    assert not by_state["overdue"].page.object_list  # a submitted report is not overdue

    returned = client.get(url, {"state": S.RETURNED}).context
    assert [(i.kind, i.agency.abbreviation) for i in returned["overdue"].page.object_list] == [
        ("report", "GPO")
    ]

    period = client.get(url, {"plan": world.plan.code, "period": world.period.pk}).context
    assert {i.kind for i in period["overdue"].page.object_list} == {"report"}

    section = client.get(url, {"section": world.action.section_id}).context
    assert counts(section["by_section"].rows)["1"] == (1, 3, 4, 1, 0)

    other = ActionFactory(plan=world.plan, number="2.1")
    other_section = client.get(url, {"section": other.section_id}).context
    assert other_section["by_agency"].rows == []
    assert not other_section["overdue"].page.object_list

    # A value that does not exist is shown as an error and filters nothing: no 500.
    bad = client.get(url, {"agency": "NOPE", "state": "lost"})
    assert bad.status_code == 200
    assert bad.context["filter"].form.errors.keys() == {"agency", "state"}
    assert set(counts(bad.context["by_agency"].rows)) == {"GPO", "MIA"}


def test_dashboard_htmx_gets_the_results_only(busy_world: ReportingWorld) -> None:
    client = client_for(busy_world.coordinator)
    response = client.get(reverse("reporting:dashboard"), {"agency": "MIA"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Reports awaiting review" in html
    assert "<html" not in html


def test_dashboard_pages_keep_the_filters(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    for n in range(55):
        action = ActionFactory(section=world.action.section, plan=world.plan, number=f"5.{n}")
        ActionAgencyFactory(action=action, agency=world.mia, role=ActionAgency.Role.LEAD)
        ProgressReportFactory(
            action=action, agency=world.mia, period=world.period, state=S.SUBMITTED
        )
    client = client_for(world.coordinator)
    first = client.get(reverse("reporting:dashboard"), {"agency": "MIA"})
    pager = first.context["awaiting"]
    assert len(pager.page.object_list) == 50
    assert "agency=MIA" in pager.next_url
    second = client.get(pager.next_url)
    assert len(second.context["awaiting"].page.object_list) == 5


def _many_reports(world: ReportingWorld, count: int, start: int) -> None:
    states = [S.DRAFT, S.SUBMITTED, S.RETURNED, S.RESUBMITTED, S.ACCEPTED]
    agencies = [world.mia, world.gpo, AgencyFactory(abbreviation="MLSP")]
    for n in range(start, start + count):
        agency = agencies[n % len(agencies)]
        action = ActionFactory(section=world.action.section, plan=world.plan, number=f"7.{n}")
        ActionAgencyFactory(action=action, agency=agency, role=ActionAgency.Role.LEAD)
        ProgressReportFactory(
            action=action, agency=agency, period=world.period, state=states[n % len(states)]
        )


@pytest.mark.parametrize(
    "query", [{}, {"agency": "MIA"}, {"state": S.SUBMITTED}, {"plan": "x", "section": "1"}]
)
def test_dashboard_query_count_does_not_grow(
    reporting_world: ReportingWorld,
    after_deadline: None,
    django_assert_max_num_queries: Any,
    query: dict[str, str],
) -> None:
    world = reporting_world
    if "plan" in query:
        query = {"plan": world.plan.code, "section": str(world.action.section_id)}
    client = client_for(world.coordinator)
    _many_reports(world, 5, 0)
    # 16 without filters: session and user; report counts per agency and per section; due
    # items (actions, their agencies, periods, reports); the agencies and sections named in
    # the counts; the awaiting-review page (count, rows); the filter form's four lists. Each
    # filter value adds at most one lookup.
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reporting:dashboard"), query).status_code == 200
    _many_reports(world, 45, 5)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reporting:dashboard"), query)
    assert response.status_code == 200
    if not query:
        assert response.context["by_agency"].total.awaiting == 20  # submitted + resubmitted


# Timeline -----------------------------------------------------------------------------------

RETURN_COMMENT = "Give the number of the order that approved the methodology."
OFF_REASON = "Completed: the methodology was approved by order No. 12."


def test_timeline_shows_the_whole_journey_newest_first(
    reporting_world: ReportingWorld, django_assert_max_num_queries: Any
) -> None:
    world = reporting_world
    with time_machine.travel(datetime.datetime(2023, 1, 3, 9, tzinfo=ALMATY), tick=False) as t:
        report = world.start()
        for name in ("sign_off", "submit", "return", "sign_off", "resubmit", "accept"):
            t.shift(datetime.timedelta(hours=1))
            report = world.take(report, name, comment=RETURN_COMMENT if name == "return" else "")
        t.shift(datetime.timedelta(hours=1))
        actions.take_off_monitoring(world.action, reason=OFF_REASON, by=world.coordinator)

    client = client_for(world.coordinator)
    url = reverse("reporting:action_timeline", args=[world.action.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    rows = [
        (entry.kind, entry.old, entry.new, entry.actor.email if entry.actor else None)
        for entry in response.context["entries"]
    ]
    coordinator, author, validator = (
        world.coordinator.email,
        world.focal_point_mia.email,
        world.validator_mia.email,
    )
    assert rows == [
        ("monitoring", "on monitoring", "off monitoring", coordinator),
        # Accepting the consolidated report without a verdict left the assessed status alone.
        ("transition", "Resubmitted", "Accepted", coordinator),
        ("transition", "Signed off by the agency", "Resubmitted", author),
        ("transition", "Returned for revision", "Signed off by the agency", validator),
        ("transition", "Submitted", "Returned for revision", coordinator),
        ("transition", "Signed off by the agency", "Submitted", author),
        ("transition", "Draft", "Signed off by the agency", validator),
        ("created", "", "", author),
    ]
    html = response.content.decode()
    assert html.index(OFF_REASON) < html.index(RETURN_COMMENT)
    assert reverse("reporting:report", args=[report.pk]) in html
    assert "MIA" in html


# Monitoring verdict -------------------------------------------------------------------------


def monitoring_url(world: ReportingWorld) -> str:
    return reverse("reporting:action_monitoring", args=[world.action.pk])


def test_set_status_take_off_and_put_back(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    client = client_for(world.coordinator)
    url = monitoring_url(world)
    page = client.get(url)
    assert page.context["forms"].status["version"].value() == 1
    assert 'name="operation" value="take_off"' in page.content.decode()

    response = client.post(
        url,
        {
            "operation": "status",
            "status-assessed_status": ImplementationStatus.COMPLETED,
            "status-reason": "Order No. 12 adopted.",
            "status-version": "1",
        },
    )
    assert response.status_code == 302
    monitoring = ActionMonitoring.objects.get(action=world.action)
    assert monitoring.assessed_status == ImplementationStatus.COMPLETED
    change = MonitoringChange.objects.get(action=world.action)
    assert (change.field, change.old_value, change.new_value, change.reason) == (
        "assessed_status",
        "",  # the first verdict: the action was not assessed before
        "completed",
        "Order No. 12 adopted.",
    )

    # Taking it off monitoring needs a reason; the action's message shows next to the field.
    refused = client.post(url, {"operation": "take_off", "off-reason": "  ", "off-version": "2"})
    assert refused.status_code == 200
    assert refused.context["forms"].take_off.errors == {
        "reason": ["Give the reason for taking the action off monitoring."]
    }
    assert ActionMonitoring.objects.get(action=world.action).on_monitoring

    taken_off = client.post(
        url, {"operation": "take_off", "off-reason": OFF_REASON, "off-version": "2"}
    )
    assert taken_off.status_code == 302
    monitoring.refresh_from_db()
    assert (monitoring.on_monitoring, monitoring.off_monitoring_reason) == (False, OFF_REASON)
    page = client.get(url).content.decode()
    assert 'name="operation" value="put_back"' in page
    assert OFF_REASON in page

    back = client.post(url, {"operation": "put_back", "back-reason": "", "back-version": "3"})
    assert back.status_code == 302
    monitoring.refresh_from_db()
    assert (monitoring.on_monitoring, monitoring.off_monitoring_reason) == (True, "")
    assert MonitoringChange.objects.filter(action=world.action).count() == 3


def test_stale_monitoring_form_is_refused(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    client = client_for(world.coordinator)
    url = monitoring_url(world)
    loaded = client.get(url).context["forms"].status["version"].value()
    # Someone else assesses the action after our page was loaded.
    actions.set_assessed_status(
        world.action, ImplementationStatus.IN_PROGRESS, by=world.administrator
    )
    response = client.post(
        url,
        {
            "operation": "status",
            "status-assessed_status": ImplementationStatus.COMPLETED,
            "status-version": str(loaded),
        },
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert "In progress" in response.content.decode()  # the other version is shown
    monitoring = ActionMonitoring.objects.get(action=world.action)
    assert monitoring.assessed_status == ImplementationStatus.IN_PROGRESS

    stale_off = client.post(
        url, {"operation": "take_off", "off-reason": OFF_REASON, "off-version": str(loaded)}
    )
    assert stale_off.status_code == 409
    assert ActionMonitoring.objects.get(action=world.action).on_monitoring


def test_monitoring_post_without_operation_is_a_bad_request(
    reporting_world: ReportingWorld,
) -> None:
    client = client_for(reporting_world.coordinator)
    assert client.post(monitoring_url(reporting_world), {"operation": "x"}).status_code == 400
    assert client.post(monitoring_url(reporting_world), {}).status_code == 400


def test_putting_back_an_action_on_monitoring_is_refused(reporting_world: ReportingWorld) -> None:
    client = client_for(reporting_world.coordinator)
    response = client.post(
        monitoring_url(reporting_world),
        {"operation": "put_back", "back-reason": "", "back-version": "1"},
    )
    assert response.status_code == 200
    assert "already on monitoring" in response.content.decode()


# Schedule and periods -----------------------------------------------------------------------


def test_schedule_and_generate_periods(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    client = client_for(world.coordinator)
    url = reverse("reporting:plan_schedule", args=[world.plan.code])
    page = client.get(url)
    assert "10 January 2023" in page.content.decode()  # the existing period's deadline

    refused = client.post(
        url,
        {"operation": "save", "frequency": "quarterly", "submission_days": 30, "review_days": 5},
    )
    assert refused.status_code == 200
    assert "cannot come before" in refused.content.decode()

    saved = client.post(
        url,
        {"operation": "save", "frequency": "quarterly", "submission_days": 15, "review_days": 30},
    )
    assert saved.status_code == 302
    schedule = ReportingSchedule.objects.get(plan=world.plan)
    assert (schedule.frequency, schedule.submission_days, schedule.review_days) == (
        Frequency.QUARTERLY,
        15,
        30,
    )

    with time_machine.travel(datetime.datetime(2023, 1, 15, 9, tzinfo=ALMATY), tick=False):
        generated = client.post(url, {"operation": "generate"}, follow=True)
        assert "4 reporting periods were created." in generated.content.decode()
        again = client.post(url, {"operation": "generate"}, follow=True)
        assert "already exists" in again.content.decode()
    # The plan ends on 31.12.2023: the four quarters of 2023 after the annual period of 2022.
    periods = list(
        ReportingPeriod.objects.filter(plan=world.plan).values_list("end", "submission_deadline")
    )
    assert periods[1:] == [
        (datetime.date(2023, 3, 31), datetime.date(2023, 4, 15)),
        (datetime.date(2023, 6, 30), datetime.date(2023, 7, 15)),
        (datetime.date(2023, 9, 30), datetime.date(2023, 10, 15)),
        (datetime.date(2023, 12, 31), datetime.date(2024, 1, 15)),
    ]
    html = again.content.decode()
    assert "15 July 2023" in html
    assert client.post(url, {"operation": "nothing"}).status_code == 400


def test_schedule_page_query_count(
    reporting_world: ReportingWorld, django_assert_max_num_queries: Any
) -> None:
    world = reporting_world
    client = client_for(world.coordinator)
    url = reverse("reporting:plan_schedule", args=[world.plan.code])
    with django_assert_max_num_queries(10):
        client.get(url)
    actions.set_schedule(
        world.plan,
        frequency=Frequency.MONTHLY,
        submission_days=5,
        review_days=10,
        by=world.coordinator,
    )
    actions.ensure_periods(world.plan, until=datetime.date(2023, 12, 31))
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


# Agency settings ----------------------------------------------------------------------------


def settings_url(agency: Agency) -> str:
    return reverse("reporting:agency_settings", args=[agency.pk])


def test_agency_settings(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    client = client_for(world.coordinator)
    url = settings_url(world.mia)
    FocalPointFactory(email="left@example.org", agency=world.mia, is_active=False)

    page = client.get(url)
    choices = {
        str(value) for value, _label in page.context["form"].fields["validating_authority"].choices
    }
    assert choices == {"", str(world.focal_point_mia.pk), str(world.validator_mia.pk)}
    assert page.context["form"]["sign_off_required"].value() is True

    # Someone from another agency cannot be chosen.
    wrong = client.post(
        url, {"sign_off_required": "on", "validating_authority": world.focal_point_gpo.pk}
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors.keys() == {"validating_authority"}

    # Sign-off without a validating authority is refused (the model says why).
    nobody = client.post(url, {"sign_off_required": "on", "validating_authority": ""})
    assert nobody.status_code == 200
    assert "Name the validating authority" in nobody.content.decode()
    settings_row = AgencyReportingSettings.objects.get(agency=world.mia)
    assert settings_row.validating_authority == world.validator_mia

    off = client.post(url, {"validating_authority": ""})
    assert off.status_code == 302
    settings_row.refresh_from_db()
    assert (settings_row.sign_off_required, settings_row.validating_authority) == (False, None)

    on = client.post(
        url, {"sign_off_required": "on", "validating_authority": world.focal_point_mia.pk}
    )
    assert on.status_code == 302
    settings_row.refresh_from_db()
    assert (settings_row.sign_off_required, settings_row.validating_authority) == (
        True,
        world.focal_point_mia,
    )


def test_agency_without_settings_or_focal_points(reporting_world: ReportingWorld) -> None:
    client = client_for(reporting_world.coordinator)
    agency = AgencyFactory(abbreviation="MLSP")
    page = client.get(settings_url(agency))
    html = page.content.decode()
    assert "Not set up yet" in html
    assert "no active focal point" in html
    assert page.context["form"]["sign_off_required"].value() is False
    saved = client.post(settings_url(agency), {"validating_authority": ""})
    assert saved.status_code == 302
    assert AgencyReportingSettings.objects.get(agency=agency).sign_off_required is False


def test_pages_render_their_headings(reporting_world: ReportingWorld, mlsp_action: Any) -> None:
    client: Client = client_for(reporting_world.coordinator)
    urls = page_urls(reporting_world, mlsp_action)
    expected = {
        "dashboard": "Review dashboard",
        "timeline": "Timeline of action 1.3",
        "monitoring": "Monitoring of action 1.1",
        "schedule": f"Reporting schedule of {reporting_world.plan.code}",
        "settings": "Reporting settings of MIA",
    }
    for page, heading in expected.items():
        html = client.get(urls[page]).content.decode()
        assert f"<h1>{heading}</h1>" in html
        assert "<th>" not in html  # every header cell says what it heads
        assert " style=" not in html
        assert "<script>" not in html
