"""Verdicts stay the coordinator's: accepting a report keeps the action's official status
unless the coordinator chooses one on the same form (page and API)."""

from __future__ import annotations

import json

from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.reporting import actions
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    ImplementationStatus,
    MonitoringChange,
    ProgressReport,
)
from rightsmonitor.reporting.queries import NOT_ASSESSED, status_counts, status_of
from rightsmonitor.reporting.tests.factories import ReportingWorld
from rightsmonitor.reporting.workflow import ReportState as S

JSON = "application/json"


def submitted(
    world: ReportingWorld, proposed: str = ImplementationStatus.COMPLETED
) -> ProgressReport:
    report = world.start()
    actions.save_report(
        report, {"proposed_status": proposed}, by=world.focal_point_mia, expected_version=None
    )
    return world.walk(report, S.SUBMITTED)


def verdicts(world: ReportingWorld) -> list[tuple[str, str, str]]:
    return [
        (change.old_value, change.new_value, change.reason)
        for change in MonitoringChange.objects.filter(
            action=world.action, field=MonitoringChange.Field.ASSESSED_STATUS
        )
    ]


def accept_on_page(world: ReportingWorld, report: ProgressReport, status: str) -> object:
    url = reverse("reporting:report_transition", args=[report.pk, "accept"])
    return client_for(world.coordinator).post(
        url,
        {
            "accept-comment": "",
            "accept-version": report.version,
            "accept-assessed_status": status,
            "confirmed": "yes",
        },
    )


def test_accepting_without_a_verdict_keeps_the_status(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = submitted(world)
    actions.take_transition(report, "accept", by=world.coordinator)  # as bulk accept does
    assert report.state == S.ACCEPTED
    assert not ActionMonitoring.objects.filter(action=world.action).exists()
    assert verdicts(world) == []
    assert status_counts(world.plan)[NOT_ASSESSED] == world.plan.actions.count()


def test_accepting_keeps_an_earlier_verdict(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    actions.set_assessed_status(
        world.action, ImplementationStatus.IN_PROGRESS, by=world.coordinator
    )
    report = submitted(world, proposed=ImplementationStatus.COMPLETED)
    actions.take_transition(report, "accept", by=world.coordinator)
    monitoring = ActionMonitoring.objects.get(action=world.action)
    assert monitoring.assessed_status == ImplementationStatus.IN_PROGRESS
    assert verdicts(world) == [("", "in_progress", "")]


def test_the_accept_form_offers_keep_and_suggests_the_proposal(
    reporting_world: ReportingWorld,
) -> None:
    world = reporting_world
    report = submitted(world, proposed=ImplementationStatus.PARTIALLY_COMPLETED)
    page = client_for(world.coordinator).get(reverse("reporting:report", args=[report.pk]))
    html = page.content.decode()
    assert "Official status" in html
    assert '<option value="" selected>Keep as it is (current: Not yet assessed)</option>' in html
    assert "Partially completed (proposed by the agency)" in html
    # Only the coordinator's accept form has it, and only for a consolidated report.
    author_page = client_for(world.focal_point_mia).get(
        reverse("reporting:report", args=[report.pk])
    )
    assert "Official status" not in author_page.content.decode()


def test_keep_on_the_page_accepts_without_a_verdict(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = submitted(world)
    response = accept_on_page(world, report, "")
    assert response.status_code == 302  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert report.state == S.ACCEPTED
    assert verdicts(world) == []
    timeline = client_for(world.coordinator).get(
        reverse("reporting:action_timeline", args=[world.action.pk])
    )
    assert "Assessed status changed" not in timeline.content.decode()


def test_a_verdict_chosen_on_the_page_is_set_with_its_row(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = submitted(world, proposed=ImplementationStatus.COMPLETED)
    response = accept_on_page(world, report, ImplementationStatus.PARTIALLY_COMPLETED)
    assert response.status_code == 302  # type: ignore[attr-defined]
    world.action.refresh_from_db()
    assert status_of(world.action) == ImplementationStatus.PARTIALLY_COMPLETED
    (row,) = verdicts(world)
    assert row[:2] == ("", "partially_completed")
    assert row[2].startswith("Accepted report")
    timeline = client_for(world.coordinator).get(
        reverse("reporting:action_timeline", args=[world.action.pk])
    )
    assert "Not yet assessed → Partially completed" in timeline.content.decode()


def test_a_bad_status_on_the_page_accepts_nothing(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = submitted(world)
    response = accept_on_page(world, report, "finished")
    assert response.status_code == 400  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert report.state == S.SUBMITTED
    assert verdicts(world) == []


def test_the_api_takes_the_same_optional_field(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = submitted(world)
    staff = client_for(world.coordinator)
    url = f"/api/v1/reports/{report.pk}/transitions/"

    bad = staff.post(url, {"name": "accept", "assessed_status": "finished"}, content_type=JSON)
    assert bad.status_code == 400
    assert "assessed_status" in bad.json()
    report.refresh_from_db()
    assert report.state == S.SUBMITTED

    good = staff.post(url, {"name": "accept", "assessed_status": "completed"}, content_type=JSON)
    assert good.status_code == 200
    assert good.json()["state"] == "accepted"
    assert ActionMonitoring.objects.get(action=world.action).assessed_status == "completed"
    monitoring = json.loads(staff.get(f"/api/v1/monitoring/{world.action.pk}/").content)
    assert monitoring["assessed_status"] == "completed"


def test_a_verdict_goes_only_with_accepting_a_consolidated_report(
    reporting_world: ReportingWorld,
) -> None:
    world = reporting_world
    report = world.start()
    mia = client_for(world.validator_mia)
    response = mia.post(
        f"/api/v1/reports/{report.pk}/transitions/",
        {"name": "sign_off", "assessed_status": "completed"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "assessed_status" in response.json()
    report.refresh_from_db()
    assert report.state == S.DRAFT

    contribution = world.walk(world.start(agency=world.gpo), S.SUBMITTED)
    assert contribution.kind == ProgressReport.Kind.CONTRIBUTION
    refused = client_for(world.coordinator).post(
        f"/api/v1/reports/{contribution.pk}/transitions/",
        {"name": "accept", "assessed_status": "completed"},
        content_type=JSON,
    )
    assert refused.status_code == 400
    assert not ActionMonitoring.objects.exists()
