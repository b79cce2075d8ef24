"""Agency-side reporting pages, through the front door (Django test client, real DB, real files).

The world (``reporting_world``): action 1.1 led by MIA with GPO co-executing, action 1.2 led
by GPO with MIA co-executing, one annual period 28.04.–31.12.2022 (agencies report by
10.01.2023, review by 25.01.2023); MIA's reports need ``validator_mia``'s sign-off, GPO's not.
Time is frozen inside the period unless a test says otherwise.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import ActionAgency, Agency
from rightsmonitor.plans.tests.factories import (
    ActionAgencyFactory,
    ActionFactory,
    PlanFactory,
    SectionFactory,
)
from rightsmonitor.reporting import actions
from rightsmonitor.reporting.models import (
    AgencyReportingSettings,
    Evidence,
    Notification,
    ProgressReport,
    ReportTransition,
)
from rightsmonitor.reporting.tests.factories import (
    PDF,
    NotificationFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    ReportingWorld,
    pdf_upload,
    upload,
)
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db

IN_PERIOD = datetime.datetime(2022, 12, 15, 10, 0, tzinfo=datetime.UTC)
AFTER_SUBMISSION_DEADLINE = datetime.datetime(2023, 1, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _in_the_period() -> Any:
    with time_machine.travel(IN_PERIOD, tick=False):
        yield


@pytest.fixture
def world(reporting_world: ReportingWorld) -> ReportingWorld:
    return reporting_world


# Helpers -------------------------------------------------------------------------------------


def hidden_version(response: Any) -> str:
    match = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert match, "the form carries no version"
    return match.group(1)


def hidden_version_for(response: Any, name: str) -> str:
    match = re.search(rf'name="{name}-version" value="(\d+)"', response.content.decode())
    assert match, f"the {name} form carries no version"
    return match.group(1)


def report_data(response: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "narrative": "The ministry adopted order No. 12.",
        "proposed_status": "in_progress",
        "document_type": "Order",
        "document_number": "12",
        "document_date": "2022-03-03",
        "version": hidden_version(response),
    }
    data.update(overrides)
    return data


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()]


def section_counts(response: Any) -> dict[str, int]:
    return {section.key: section.count for section in response.context["sections"]}


# My tasks ------------------------------------------------------------------------------------


def test_my_tasks_per_role(world: ReportingWorld) -> None:
    url = reverse("reporting:my_tasks")
    assert client_for(world.public).get(url).status_code == 302  # to the login page
    assert client_for(world.ngo_member).get(url).status_code == 403
    response = client_for(world.coordinator).get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:dashboard")
    assert client_for(world.administrator).get(url)["Location"] == reverse("reporting:dashboard")

    response = client_for(world.focal_point_mia).get(url)
    assert response.status_code == 200
    # MIA leads 1.1 and co-executes 1.2: two reports to start for the open period.
    assert section_counts(response) == {
        "returned": 0,
        "drafts": 0,
        "awaiting_sign_off": 0,
        "submitted": 0,
        "accepted": 0,
        "not_started": 2,
    }
    html = response.content.decode()
    titles = ("Returned to you", "Drafts", "Awaiting sign-off", "With the coordinator", "Accepted")
    for title in (*titles, "Not started"):
        assert title in html
    start_1_1 = reverse("reporting:report_start", args=[world.action.pk, world.period.pk])
    assert f'action="{start_1_1}"' in html
    assert "Start report" in html
    assert "(action 1.1, period 28 April 2022–31 December 2022)" in html
    assert world.plan.code in html
    assert "Overdue" not in html


def test_my_tasks_sections_follow_the_workflow(world: ReportingWorld) -> None:
    returned = world.report_in(ReportState.RETURNED)  # MIA on 1.1, via sign-off
    contribution = world.start(world.mia, world.gpo_led_action)  # MIA draft, sign-off needed
    gpo_submitted = world.report_in(ReportState.SUBMITTED, world.gpo, world.gpo_led_action)

    response = client_for(world.focal_point_mia).get(reverse("reporting:my_tasks"))
    assert section_counts(response) == {
        "returned": 1,
        "drafts": 0,
        "awaiting_sign_off": 1,
        "submitted": 0,
        "accepted": 0,
        "not_started": 0,
    }
    html = response.content.decode()
    assert "Add the number of the adopted order." in html  # the coordinator's comment
    assert reverse("reporting:report", args=[returned.pk]) in html
    assert reverse("reporting:report_edit", args=[contribution.pk]) in html
    assert reverse("reporting:report", args=[gpo_submitted.pk]) not in html

    response = client_for(world.focal_point_gpo).get(reverse("reporting:my_tasks"))
    assert section_counts(response) == {
        "returned": 0,
        "drafts": 0,
        "awaiting_sign_off": 0,
        "submitted": 1,
        "accepted": 0,
        "not_started": 1,  # its contribution to 1.1
    }

    # Signed off: the author's move again (submit), so back among the drafts.
    world.take(contribution, "sign_off")
    response = client_for(world.focal_point_mia).get(reverse("reporting:my_tasks"))
    assert section_counts(response)["drafts"] == 1
    assert section_counts(response)["awaiting_sign_off"] == 0


def test_my_tasks_overdue_after_the_submission_deadline(world: ReportingWorld) -> None:
    world.start(world.gpo, world.gpo_led_action)
    with time_machine.travel(AFTER_SUBMISSION_DEADLINE, tick=False):
        response = client_for(world.focal_point_gpo).get(reverse("reporting:my_tasks"))
    assert response.status_code == 200
    tasks = [
        task
        for section in response.context["sections"]
        for group in section.groups
        for task in group.tasks
    ]
    assert len(tasks) == 2
    assert all(task.overdue for task in tasks)
    assert '<span class="badge badge-warn">Overdue</span>' in response.content.decode()


def test_my_tasks_keeps_missing_reports_of_closed_periods(world: ReportingWorld) -> None:
    """After the review deadline the period is closed, but a report never sent is still due."""
    accepted = world.report_in(ReportState.ACCEPTED)  # MIA's report on 1.1: done
    with time_machine.travel(datetime.date(2023, 6, 1), tick=False):
        response = client_for(world.focal_point_mia).get(reverse("reporting:my_tasks"))
    tasks = [
        task
        for section in response.context["sections"]
        for group in section.groups
        for task in group.tasks
    ]
    # Only MIA's contribution to 1.2, never started, overdue, and it can still be started.
    assert [(task.action.number, task.report, task.overdue, task.can_start) for task in tasks] == [
        ("1.2", None, True, True)
    ]
    html = response.content.decode()
    assert reverse("reporting:report", args=[accepted.pk]) not in html
    assert (
        reverse("reporting:report_start", args=[world.gpo_led_action.pk, world.period.pk]) in html
    )


def test_my_tasks_leaves_out_actions_off_monitoring(world: ReportingWorld) -> None:
    actions.take_off_monitoring(world.action, reason="Completed in 2022.", by=world.coordinator)
    response = client_for(world.focal_point_mia).get(reverse("reporting:my_tasks"))
    assert section_counts(response)["not_started"] == 1  # only 1.2


def _plan_for_mia(actions_count: int, mia: Agency, gpo: Agency) -> None:
    """A plan in force led by MIA with reports in every state, for the query count."""
    section = SectionFactory(plan=PlanFactory())
    period = ReportingPeriodFactory(plan=section.plan)
    states = [*ReportState.values, None]
    for index in range(actions_count):
        recurring = {"recurrence": "annual", "recurrence_month": 1, "recurrence_day": 25}
        action = ActionFactory(
            section=section, plan=section.plan, **(recurring if index % 3 else {})
        )
        ActionAgencyFactory(action=action, agency=mia, role=ActionAgency.Role.LEAD)
        ActionAgencyFactory(action=action, agency=gpo, role=ActionAgency.Role.CO_EXECUTOR)
        state = states[index % len(states)]
        if state is not None:
            report = ProgressReportFactory(action=action, agency=mia, period=period, state=state)
            if state == ReportState.RETURNED:
                ReportTransition.objects.create(
                    report=report,
                    name="return",
                    from_state=ReportState.SUBMITTED,
                    to_state=ReportState.RETURNED,
                    comment="More detail, please.",
                )


def test_my_tasks_query_count_does_not_grow(world: ReportingWorld) -> None:
    client = client_for(world.focal_point_mia)
    url = reverse("reporting:my_tasks")

    _plan_for_mia(5, world.mia, world.gpo)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    _plan_for_mia(45, world.mia, world.gpo)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert sum(section.count for section in response.context["sections"]) == 2 + 5 + 45
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_my_tasks_query_budget(world: ReportingWorld, django_assert_max_num_queries: Any) -> None:
    _plan_for_mia(20, world.mia, world.gpo)
    client = client_for(world.focal_point_mia)
    # session, user, validated agencies, periods, assignments, overdue actions (one-off and
    # recurring: 4), reports, sign-off setting; and the nav links in base.html (unread count,
    # role checks).
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reporting:my_tasks")).status_code == 200


# Starting a report ---------------------------------------------------------------------------


def test_start_report_as_the_responsible_agency(world: ReportingWorld) -> None:
    url = reverse("reporting:report_start", args=[world.action.pk, world.period.pk])
    client = client_for(world.focal_point_gpo)
    assert client.get(url).status_code == 405
    response = client.post(url)
    report = ProgressReport.objects.get(agency=world.gpo, action=world.action)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_edit", args=[report.pk])
    assert report.kind == ProgressReport.Kind.CONTRIBUTION
    # Starting again opens the same report.
    assert client.post(url)["Location"] == reverse("reporting:report_edit", args=[report.pk])
    assert ProgressReport.objects.filter(agency=world.gpo).count() == 1


def test_start_report_refused(world: ReportingWorld) -> None:
    mia_only = ActionFactory(section=world.action.section, plan=world.plan, number="1.3")
    ActionAgencyFactory(action=mia_only, agency=world.mia, role=ActionAgency.Role.LEAD)
    url = reverse("reporting:report_start", args=[mia_only.pk, world.period.pk])
    assert client_for(world.focal_point_gpo).post(url).status_code == 403
    assert client_for(world.coordinator).post(url).status_code == 403
    assert client_for(world.ngo_member).post(url).status_code == 403

    other_period = ReportingPeriodFactory(plan=PlanFactory())
    url = reverse("reporting:report_start", args=[world.action.pk, other_period.pk])
    assert client_for(world.focal_point_mia).post(url).status_code == 404
    assert not ProgressReport.objects.exists()


# Journeys ------------------------------------------------------------------------------------


def test_journey_without_sign_off(world: ReportingWorld, media_root: Path) -> None:
    """GPO (no sign-off step): start, write, attach a real PDF, download it, submit."""
    client = client_for(world.focal_point_gpo)
    client.post(reverse("reporting:report_start", args=[world.gpo_led_action.pk, world.period.pk]))
    report = ProgressReport.objects.get(agency=world.gpo, action=world.gpo_led_action)
    assert report.kind == ProgressReport.Kind.CONSOLIDATED

    edit_url = reverse("reporting:report_edit", args=[report.pk])
    form_page = client.get(edit_url)
    assert form_page.status_code == 200
    response = client.post(edit_url, report_data(form_page, proposed_status="completed"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report", args=[report.pk])
    report.refresh_from_db()
    assert report.narrative == "The ministry adopted order No. 12."
    assert report.proposed_status == "completed"
    assert report.author == world.focal_point_gpo

    response = client.post(
        reverse("reporting:evidence_add", args=[report.pk]),
        {"file": pdf_upload("Order No. 12.pdf"), "description": "The signed order"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(report=report)
    assert evidence.original_name == "Order No. 12.pdf"
    assert len(stored_files(media_root)) == 1

    page = client.get(reverse("reporting:report", args=[report.pk]))
    download_url = reverse("reporting:evidence_download", args=[report.pk, evidence.pk])
    html = page.content.decode()
    assert download_url in html
    assert "/media/" not in html
    assert "The signed order" in html

    download = client.get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Order No. 12.pdf" in download["Content-Disposition"]

    # The author's only move is "submit"; its button names the report.
    assert 'Submit<span class="visually-hidden"> (report 1.2, GPO)</span>' in html
    assert "Sign off" not in html
    # Submitting cannot be undone: the first press shows a summary and asks again.
    submit_url = reverse("reporting:report_transition", args=[report.pk, "submit"])
    data = {"submit-version": hidden_version_for(page, "submit")}
    confirm = client.post(submit_url, data)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Submit: report 1.2 (GPO)?" in html
    assert "The report goes from “Draft” to “Submitted”." in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'name="submit-version" value="{data["submit-version"]}"' in html
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT  # nothing happened yet
    response = client.post(submit_url, {**data, "confirmed": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report", args=[report.pk])
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Report 1.2 (GPO) is now “Submitted”." in html
    assert "Draft → Submitted" in html  # the audit trail
    assert world.focal_point_gpo.email in html or str(world.focal_point_gpo) in html
    assert reverse("reporting:report_edit", args=[report.pk]) not in html  # no longer editable
    assert client.get(edit_url).status_code == 403


def test_journey_with_sign_off(world: ReportingWorld) -> None:
    """MIA: the focal point writes, the validating authority signs off, the focal point submits."""
    report = world.start()
    author = client_for(world.focal_point_mia)
    form_page = author.get(reverse("reporting:report_edit", args=[report.pk]))
    author.post(reverse("reporting:report_edit", args=[report.pk]), report_data(form_page))

    page = author.get(reverse("reporting:report", args=[report.pk]))
    html = page.content.decode()
    assert "Your next step" not in html  # the author cannot submit before the sign-off
    assert "“Sign off” is up to the agency&#x27;s validating authority." in html
    refused = author.post(reverse("reporting:report_transition", args=[report.pk, "sign_off"]))
    assert refused.status_code == 403
    refused = author.post(reverse("reporting:report_transition", args=[report.pk, "submit"]))
    assert refused.status_code == 400
    assert "is not possible for a report that is" in refused.content.decode()

    validator = client_for(world.validator_mia)
    page = validator.get(reverse("reporting:report", args=[report.pk]))
    assert 'Sign off<span class="visually-hidden"> (report 1.1, MIA)</span>' in (
        page.content.decode()
    )
    response = validator.post(
        reverse("reporting:report_transition", args=[report.pk, "sign_off"]),
        {
            "sign_off-comment": "Checked.",
            "sign_off-version": hidden_version_for(page, "sign_off"),
            "confirmed": "yes",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SIGNED_OFF

    page = author.get(reverse("reporting:report", args=[report.pk]))
    response = author.post(
        reverse("reporting:report_transition", args=[report.pk, "submit"]),
        {"submit-version": hidden_version_for(page, "submit"), "confirmed": "yes"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    trail = list(report.transitions.values_list("name", "actor__email", "comment"))
    assert trail == [
        ("sign_off", world.validator_mia.email, "Checked."),
        ("submit", world.focal_point_mia.email, ""),
    ]


def test_return_needs_a_comment_and_shows_it(world: ReportingWorld) -> None:
    report = world.report_in(ReportState.SUBMITTED)
    coordinator = client_for(world.coordinator)
    url = reverse("reporting:report_transition", args=[report.pk, "return"])
    page = coordinator.get(reverse("reporting:report", args=[report.pk]))
    assert "Comment (required)" in page.content.decode()
    response = coordinator.post(url, {"return-comment": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say what needs to change." in html
    assert 'aria-describedby="id_return-comment_helptext id_return-comment_error"' in html
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    confirm = coordinator.post(url, {"return-comment": "Give the order's number."})
    assert confirm.status_code == 200
    assert "Give the order&#x27;s number." in confirm.content.decode()  # shown before confirming
    response = coordinator.post(
        url, {"return-comment": "Give the order's number.", "confirmed": "yes"}
    )
    assert response.status_code == 302
    page = client_for(world.focal_point_mia).get(reverse("reporting:report", args=[report.pk]))
    html = page.content.decode()
    assert "Give the order&#x27;s number." in html
    assert reverse("reporting:report_edit", args=[report.pk]) in html


def test_transition_on_a_stale_page_is_refused(world: ReportingWorld) -> None:
    report = world.report_in(ReportState.SUBMITTED)
    coordinator = client_for(world.coordinator)
    page = coordinator.get(reverse("reporting:report", args=[report.pk]))
    seen = hidden_version_for(page, "accept")
    world.take(report, "return")
    world.take(report, "sign_off")
    world.take(report, "resubmit")
    response = coordinator.post(
        reverse("reporting:report_transition", args=[report.pk, "accept"]),
        {"accept-version": seen, "confirmed": "yes"},
    )
    assert response.status_code == 409
    assert "The report changed while you were looking at it." in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.RESUBMITTED


def test_unknown_transition_and_method(world: ReportingWorld) -> None:
    report = world.start()
    client = client_for(world.focal_point_mia)
    assert (
        client.post(reverse("reporting:report_transition", args=[report.pk, "publish"])).status_code
        == 404
    )
    assert (
        client.get(reverse("reporting:report_transition", args=[report.pk, "submit"])).status_code
        == 405
    )


# Evidence ------------------------------------------------------------------------------------


def test_forged_pdf_is_refused_and_leaves_nothing(world: ReportingWorld, media_root: Path) -> None:
    report = world.start()
    response = client_for(world.focal_point_mia).post(
        reverse("reporting:evidence_add", args=[report.pk]),
        {"file": upload("order.pdf", b"MZ\x90\x00 this is a program"), "description": "Order"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“order.pdf” is not a real PDF file: its content does not match its name." in html
    assert 'aria-invalid="true"' in html
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_oversized_file_is_refused(world: ReportingWorld, media_root: Path, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 100
    report = world.start()
    response = client_for(world.focal_point_mia).post(
        reverse("reporting:evidence_add", args=[report.pk]), {"file": pdf_upload()}
    )
    assert response.status_code == 400
    assert "The file is larger than 100" in response.content.decode()
    assert stored_files(media_root) == []


def test_evidence_form_needs_a_file_or_a_link(world: ReportingWorld) -> None:
    report = world.start()
    client = client_for(world.focal_point_mia)
    url = reverse("reporting:evidence_add", args=[report.pk])
    response = client.post(url, {"description": "Nothing attached"})
    assert response.status_code == 400
    assert "Choose a file to attach or give a link." in response.content.decode()
    response = client.post(url, {"url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_link_evidence_opens_in_a_new_tab_and_can_be_removed(world: ReportingWorld) -> None:
    report = world.start()
    client = client_for(world.focal_point_mia)
    response = client.post(
        reverse("reporting:evidence_add", args=[report.pk]),
        {"url": "https://adilet.example.org/order-12", "description": "Published order"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    html = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert (
        '<a href="https://adilet.example.org/order-12" target="_blank" rel="noopener noreferrer">'
        in html
    )
    # A link has nothing to download.
    download = reverse("reporting:evidence_download", args=[report.pk, evidence.pk])
    assert client.get(download).status_code == 404

    remove = reverse("reporting:evidence_remove", args=[report.pk, evidence.pk])
    assert client_for(world.focal_point_gpo).post(remove).status_code == 404
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not Evidence.objects.exists()


def test_removing_a_file_deletes_it_from_disk(
    world: ReportingWorld, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    report = world.start()
    actions.add_evidence_file(report, pdf_upload(), by=world.focal_point_mia)
    evidence = Evidence.objects.get()
    assert len(stored_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        response = client_for(world.focal_point_mia).post(
            reverse("reporting:evidence_remove", args=[report.pk, evidence.pk])
        )
    assert response.status_code == 302
    assert stored_files(media_root) == []


def test_evidence_of_a_submitted_report_cannot_change(world: ReportingWorld) -> None:
    report = world.start(world.gpo, world.gpo_led_action)
    evidence = actions.add_evidence_link(
        report, "https://adilet.example.org/x", by=world.focal_point_gpo
    )
    world.take(report, "submit")
    client = client_for(world.focal_point_gpo)
    add = reverse("reporting:evidence_add", args=[report.pk])
    assert client.post(add, {"url": "https://adilet.example.org/y"}).status_code == 403
    remove = reverse("reporting:evidence_remove", args=[report.pk, evidence.pk])
    assert client.post(remove).status_code == 403
    assert Evidence.objects.count() == 1


# Concurrent edits ----------------------------------------------------------------------------


def test_stale_edit_is_refused_and_shows_the_other_version(world: ReportingWorld) -> None:
    report = world.start()
    url = reverse("reporting:report_edit", args=[report.pk])
    first, second = client_for(world.focal_point_mia), client_for(world.validator_mia)
    first_form, second_form = first.get(url), second.get(url)

    assert first.post(url, report_data(first_form, narrative="First text.")).status_code == 302
    response = second.post(
        url, report_data(second_form, narrative="Second text.", proposed_status="completed")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this report while you were editing it." in html
    assert "The version saved by" in html
    assert str(world.focal_point_mia) in html
    assert "<p>First text.</p>" in html  # theirs, shown
    assert "Second text.</textarea>" in html  # mine, kept
    assert 'value="completed" selected' in html
    report.refresh_from_db()
    assert report.narrative == "First text."

    # Saving again, after seeing the other version, is a deliberate replacement.
    assert hidden_version(response) == str(report.version)
    response = second.post(url, report_data(response, narrative="Merged text."))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narrative == "Merged text."


def test_edit_after_the_report_moved_on_is_a_conflict(world: ReportingWorld) -> None:
    report = world.start()
    url = reverse("reporting:report_edit", args=[report.pk])
    client = client_for(world.focal_point_mia)
    form_page = client.get(url)
    world.take(report, "sign_off")
    # The page is no longer editable: a fresh request is refused outright ...
    assert client.get(url).status_code == 403
    # ... and a form loaded earlier is too.
    response = client.post(url, report_data(form_page, narrative="Late text."))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.narrative == ""


def test_invalid_edit_keeps_the_input(world: ReportingWorld) -> None:
    report = world.start()
    url = reverse("reporting:report_edit", args=[report.pk])
    client = client_for(world.focal_point_mia)
    response = client.post(
        url, report_data(client.get(url), narrative="Kept.", proposed_status="bogus")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kept.</textarea>" in html
    assert 'aria-invalid="true"' in html


# Access --------------------------------------------------------------------------------------


def test_another_agency_cannot_read_or_act_on_a_draft(world: ReportingWorld) -> None:
    report = world.start()
    evidence = actions.add_evidence_file(report, pdf_upload(), by=world.focal_point_mia)
    urls = {
        "get": [
            reverse("reporting:report", args=[report.pk]),
            reverse("reporting:report_edit", args=[report.pk]),
            reverse("reporting:evidence_download", args=[report.pk, evidence.pk]),
        ],
        "post": [
            reverse("reporting:report_edit", args=[report.pk]),
            reverse("reporting:report_transition", args=[report.pk, "submit"]),
            reverse("reporting:report_transition", args=[report.pk, "sign_off"]),
            reverse("reporting:evidence_add", args=[report.pk]),
            reverse("reporting:evidence_remove", args=[report.pk, evidence.pk]),
        ],
    }
    for user in (world.focal_point_gpo, world.ngo_member):
        client = client_for(user)
        for url in urls["get"]:
            assert client.get(url).status_code == 404, url
        for url in urls["post"]:
            assert client.post(url, {"narrative": "x"}).status_code == 404, url
    for url in urls["get"]:
        assert client_for(world.public).get(url).status_code == 302  # to the login page
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert Evidence.objects.count() == 1

    # The coordinator may read the draft and fetch its file, but not write it.
    coordinator = client_for(world.coordinator)
    assert coordinator.get(urls["get"][0]).status_code == 200
    assert coordinator.get(urls["get"][2]).status_code == 200
    assert coordinator.get(urls["get"][1]).status_code == 403


def test_lead_sees_the_contributions_to_consolidate(world: ReportingWorld) -> None:
    contribution = world.start(world.gpo)
    actions.save_report(
        contribution,
        {"narrative": "GPO checked 40 detention facilities."},
        by=world.focal_point_gpo,
        expected_version=contribution.version,
    )
    gpo_file = actions.add_evidence_file(
        contribution, pdf_upload("inspections.pdf"), by=world.focal_point_gpo
    )
    consolidated = world.start(world.mia)

    client = client_for(world.focal_point_mia)
    response = client.get(reverse("reporting:report", args=[consolidated.pk]))
    html = response.content.decode()
    assert "Contributions of the co-executors" in html
    assert "GPO checked 40 detention facilities." in html
    download = reverse("reporting:evidence_download", args=[contribution.pk, gpo_file.pk])
    assert download in html
    assert b"".join(client.get(download).streaming_content) == PDF
    # The lead reads the contribution but cannot act on it.
    page = client.get(reverse("reporting:report", args=[contribution.pk]))
    assert page.status_code == 200
    assert "Your next step" not in page.content.decode()
    edit = reverse("reporting:report_edit", args=[contribution.pk])
    assert client.get(edit).status_code == 403

    # The co-executor does not see the lead's report before it is accepted.
    gpo = client_for(world.focal_point_gpo)
    assert gpo.get(reverse("reporting:report", args=[consolidated.pk])).status_code == 404


def test_lead_sees_co_executors_not_started(world: ReportingWorld) -> None:
    consolidated = world.start(world.mia)
    html = (
        client_for(world.focal_point_mia)
        .get(reverse("reporting:report", args=[consolidated.pk]))
        .content.decode()
    )
    assert "This agency has not started its contribution yet." in html


def test_report_page_query_count(world: ReportingWorld, django_assert_max_num_queries: Any) -> None:
    contribution = world.start(world.gpo)
    for index in range(5):
        actions.add_evidence_link(
            contribution, f"https://adilet.example.org/{index}", by=world.focal_point_gpo
        )
    consolidated = world.report_in(ReportState.RETURNED, world.mia)
    client = client_for(world.focal_point_mia)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reporting:report", args=[consolidated.pk])).status_code == 200


# Notifications -------------------------------------------------------------------------------


def test_notifications_page_and_mark_all_read(world: ReportingWorld) -> None:
    user = world.focal_point_mia
    NotificationFactory(user=user, text="Old and read", read_at=IN_PERIOD)
    NotificationFactory(user=user, text="Report 1.1 (MIA) was returned for revision.", url="/x/")
    NotificationFactory(user=user, text="Newest notice")
    NotificationFactory(user=world.focal_point_gpo, text="Someone else's")
    client = client_for(user)
    url = reverse("reporting:notifications")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 unread notifications." in html
    assert html.index("Newest notice") < html.index("Old and read")  # newest first
    assert "Someone else&#x27;s" not in html
    assert html.count(">Unread</span>") == 2
    assert '<a href="/x/">Report 1.1 (MIA) was returned for revision.</a>' in html

    # A notice that arrives after the page was shown stays unread.
    late = NotificationFactory(user=user, text="Arrived later")
    response = client.post(url, {"up_to": re.search(r'name="up_to" value="(\d+)"', html)[1]})
    assert response.status_code == 302
    assert set(
        Notification.objects.filter(read_at__isnull=True).values_list("text", flat=True)
    ) == {
        "Arrived later",
        "Someone else's",
    }
    assert client.post(url).status_code == 302
    late.refresh_from_db()
    assert late.read_at is not None
    assert Notification.objects.get(user=world.focal_point_gpo).read_at is None
    assert "0 unread notifications." in client.get(url).content.decode()


def test_notifications_are_paginated(
    world: ReportingWorld, django_assert_max_num_queries: Any
) -> None:
    user = world.focal_point_mia
    for index in range(55):
        NotificationFactory(user=user, text=f"Notice number {index}")
    client = client_for(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reporting:notifications"))
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 of 2" in response.content.decode()
    response = client.get(reverse("reporting:notifications"), {"page": 2})
    assert len(response.context["page"].object_list) == 5
    assert client_for(world.public).get(reverse("reporting:notifications")).status_code == 302


def test_notifications_written_by_the_workflow_appear(
    world: ReportingWorld, django_capture_on_commit_callbacks: Any
) -> None:
    report = world.report_in(ReportState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        world.take(report, "return")
    html = client_for(world.focal_point_mia).get(reverse("reporting:notifications")).content
    assert b"was returned for revision" in html


def test_nav_links(world: ReportingWorld, django_assert_num_queries: Any) -> None:
    NotificationFactory(user=world.focal_point_mia)
    NotificationFactory(user=world.focal_point_mia)
    with django_assert_num_queries(1):
        html = render_to_string(
            "reporting/includes/nav_links.html", {"user": world.focal_point_mia}
        )
    assert reverse("reporting:my_tasks") in html
    assert "Notifications (2 unread)" in html
    assert reverse("reporting:dashboard") not in html

    html = render_to_string("reporting/includes/nav_links.html", {"user": world.coordinator})
    assert reverse("reporting:dashboard") in html
    assert reverse("reporting:my_tasks") not in html
    assert ">Notifications<" in html

    with django_assert_num_queries(0):
        html = render_to_string("reporting/includes/nav_links.html", {"user": world.public})
    assert html.strip() == ""


def test_drafts_of_an_agency_without_sign_off(world: ReportingWorld) -> None:
    """An agency that turned the sign-off step off submits its drafts itself."""
    AgencyReportingSettings.objects.filter(agency=world.mia).update(sign_off_required=False)
    world.start()
    response = client_for(world.focal_point_mia).get(reverse("reporting:my_tasks"))
    assert section_counts(response)["drafts"] == 1
