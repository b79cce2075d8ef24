"""API v1 for reporting through real HTTP: visibility per role, writes through the actions,
stale edits, the workflow, evidence files on disk, monitoring, schema and query counts."""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Action, ActionAgency, Agency, Plan
from rightsmonitor.plans.tests.factories import ActionAgencyFactory, ActionFactory, build_plan
from rightsmonitor.reporting import actions
from rightsmonitor.reporting.models import (
    AgencyReportingSettings,
    Evidence,
    MonitoringChange,
    ProgressReport,
    ReportingPeriod,
    ReportTransition,
)

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
JSON = "application/json"
# A minimal but real PDF: header, catalog, empty page tree, trailer.
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


def report_url(report: ProgressReport, suffix: str = "") -> str:
    return f"{REPORTS}{report.pk}/{suffix}"


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(focal_point_mia: User, coordinator: User) -> SimpleNamespace:
    """One public plan (1.1 and 1.2 led by MIA with GPO co-executing, 1.9 led by GPO alone),
    one draft plan, MIA's deputy head who signs off MIA's reports; GPO skips sign-off."""
    plan = build_plan(code="kz", sections=1, actions_per_section=2)
    mia = Agency.objects.get(abbreviation="MIA")
    gpo = Agency.objects.get(abbreviation="GPO")
    gpo_led = ActionFactory(section=plan.sections.get(), plan=plan, number="1.9", order=9)
    ActionAgencyFactory(action=gpo_led, agency=gpo, role=ActionAgency.Role.LEAD)
    (period,) = actions.ensure_periods(plan, until=datetime.date(2022, 12, 31))
    draft_plan = build_plan(code="draft", sections=1, actions_per_section=1, status="draft")
    (draft_period,) = actions.ensure_periods(draft_plan, until=datetime.date(2022, 12, 31))

    deputy = FocalPointFactory(email="deputy.mia@example.org", agency=mia)
    focal_point_gpo = FocalPointFactory(email="focal.gpo@example.org", agency=gpo)
    AgencyReportingSettings.objects.create(
        agency=mia, sign_off_required=True, validating_authority=deputy
    )
    a11, a12 = plan.actions.get(number="1.1"), plan.actions.get(number="1.2")
    return SimpleNamespace(
        plan=plan,
        draft_plan=draft_plan,
        period=period,
        draft_period=draft_period,
        mia=mia,
        gpo=gpo,
        a11=a11,
        a12=a12,
        gpo_led=gpo_led,
        deputy=deputy,
        focal_point_mia=focal_point_mia,
        focal_point_gpo=focal_point_gpo,
        coordinator=coordinator,
    )


def start(
    world: SimpleNamespace,
    action: Action,
    agency: Agency,
    *,
    period: ReportingPeriod | None = None,
) -> ProgressReport:
    author = world.focal_point_mia if agency == world.mia else world.focal_point_gpo
    return actions.start_report(action, agency, period or world.period, by=author)


def accept(world: SimpleNamespace, report: ProgressReport) -> ProgressReport:
    """Through the workflow as the right people: sign-off for MIA, none for GPO."""
    author = world.focal_point_mia if report.agency == world.mia else world.focal_point_gpo
    if report.agency == world.mia:
        report = actions.take_transition(report, "sign_off", by=world.deputy)
    report = actions.take_transition(report, "submit", by=author)
    return actions.take_transition(report, "accept", by=world.coordinator)


# Reading -------------------------------------------------------------------------------------


def test_visibility_per_role(world: SimpleNamespace, ngo_member: User) -> None:
    mia_draft = start(world, world.a11, world.mia)
    gpo_contribution = start(world, world.a11, world.gpo)  # on an action MIA leads
    gpo_own = start(world, world.gpo_led, world.gpo)  # on an action GPO leads alone
    accepted = accept(world, start(world, world.a12, world.gpo))
    accepted_in_draft_plan = accept(
        world,
        start(world, world.draft_plan.actions.get(), world.gpo, period=world.draft_period),
    )
    everything = {
        mia_draft.pk,
        gpo_contribution.pk,
        gpo_own.pk,
        accepted.pk,
        accepted_in_draft_plan.pk,
    }

    assert ids(client_for(world.coordinator).get(REPORTS)) == everything
    # The lead sees co-executors' contributions to the actions it leads (in any plan), not
    # GPO's report on an action GPO leads alone.
    mia_sees = {mia_draft.pk, gpo_contribution.pk, accepted.pk, accepted_in_draft_plan.pk}
    assert ids(client_for(world.focal_point_mia).get(REPORTS)) == mia_sees
    assert ids(client_for(world.deputy).get(REPORTS)) == mia_sees
    # The co-executor does not see the lead's draft.
    assert ids(client_for(world.focal_point_gpo).get(REPORTS)) == {
        gpo_contribution.pk,
        gpo_own.pk,
        accepted.pk,
        accepted_in_draft_plan.pk,
    }
    assert ids(client_for(ngo_member).get(REPORTS)) == {accepted.pk}
    assert ids(Client().get(REPORTS)) == {accepted.pk}

    mia = client_for(world.focal_point_mia)
    assert mia.get(report_url(gpo_contribution)).status_code == 200
    assert mia.get(report_url(gpo_own)).status_code == 404
    assert client_for(world.focal_point_gpo).get(report_url(mia_draft)).status_code == 404
    assert Client().get(report_url(mia_draft)).status_code == 404
    assert Client().get(report_url(accepted)).status_code == 200
    assert Client().get(report_url(accepted_in_draft_plan)).status_code == 404


def test_filters(world: SimpleNamespace) -> None:
    mia_11 = start(world, world.a11, world.mia)
    gpo_11 = start(world, world.a11, world.gpo)
    gpo_12 = start(world, world.a12, world.gpo)
    draft_plan_report = start(
        world, world.draft_plan.actions.get(), world.mia, period=world.draft_period
    )
    actions.take_transition(gpo_12, "submit", by=world.focal_point_gpo)
    staff = client_for(world.coordinator)

    assert ids(staff.get(REPORTS, {"plan": "kz"})) == {mia_11.pk, gpo_11.pk, gpo_12.pk}
    assert ids(staff.get(REPORTS, {"action": world.a11.pk})) == {mia_11.pk, gpo_11.pk}
    assert ids(staff.get(REPORTS, {"agency": "GPO"})) == {gpo_11.pk, gpo_12.pk}
    assert ids(staff.get(REPORTS, {"period": world.draft_period.pk})) == {draft_plan_report.pk}
    assert ids(staff.get(REPORTS, {"state": "submitted"})) == {gpo_12.pk}
    assert ids(staff.get(REPORTS, {"kind": "consolidated"})) == {mia_11.pk, draft_plan_report.pk}
    bad = staff.get(REPORTS, {"state": "nonsense"})
    assert bad.status_code == 400
    assert "state" in bad.json()


def test_detail_shape(world: SimpleNamespace, media_root: Path) -> None:
    report = start(world, world.a11, world.mia)
    report = actions.save_report(
        report,
        {"narrative": "Draft law sent to parliament.", "document_number": "12-3"},
        by=world.focal_point_mia,
        expected_version=report.version,
    )
    pdf = actions.add_evidence_file(
        report,
        SimpleUploadedFile("law.pdf", PDF, content_type="application/pdf"),
        by=world.focal_point_mia,
        description="The draft",
    )
    actions.add_evidence_link(report, "https://example.org/law", by=world.focal_point_mia)
    actions.take_transition(report, "sign_off", by=world.deputy, comment="Checked.")

    data = client_for(world.focal_point_mia).get(report_url(report)).json()

    assert data["action"] == {"id": world.a11.pk, "number": "1.1", "plan": "kz"}
    assert data["agency"] == "MIA"
    assert data["period"] == {
        "id": world.period.pk,
        "start": world.period.start.isoformat(),
        "end": "2022-12-31",
        "submission_deadline": "2023-01-10",
    }
    assert data["kind"] == "consolidated"
    assert data["state"] == "signed_off"
    assert data["narrative"] == "Draft law sent to parliament."
    assert data["proposed_status"] == "in_progress"
    assert data["document_number"] == "12-3"
    assert data["document_date"] is None
    assert data["version"] == 3  # created 1, saved 2, signed off 3
    file_item, link_item = data["evidence"]
    assert file_item["kind"] == "file"
    assert file_item["name"] == "law.pdf"
    assert file_item["size"] == len(PDF)
    assert file_item["content_type"] == "application/pdf"
    assert file_item["description"] == "The draft"
    download = reverse("reporting:evidence_download", args=[report.pk, pdf.pk])
    assert file_item["url"] == f"http://testserver{download}"
    assert link_item["kind"] == "link"
    assert link_item["url"] == "https://example.org/law"
    assert data["transitions"] == [
        {
            "name": "sign_off",
            "from": "draft",
            "to": "signed_off",
            "actor": "deputy.mia@example.org",
            "at": data["transitions"][0]["at"],
            "comment": "Checked.",
        }
    ]
    assert data["available_transitions"] == ["submit"]
    # The same report, other people: what each may do now.
    assert client_for(world.deputy).get(report_url(report)).json()["available_transitions"] == [
        "submit"  # the deputy is also a focal point of MIA
    ]
    staff = client_for(world.coordinator).get(report_url(report)).json()
    assert staff["available_transitions"] == []
    assert (
        "available_transitions"
        not in client_for(world.coordinator).get(REPORTS).json()["results"][0]
    )


# Starting and editing ------------------------------------------------------------------------


def test_start_report(world: SimpleNamespace, ngo_member: User) -> None:
    body = {"action": world.a11.pk, "agency": "MIA", "period": world.period.pk}
    response = client_for(world.focal_point_mia).post(REPORTS, body, content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["kind"], data["state"], data["version"]) == ("consolidated", "draft", 1)
    assert data["available_transitions"] == []  # MIA needs its deputy's sign-off first

    gpo = client_for(world.focal_point_gpo)
    response = gpo.post(REPORTS, {**body, "agency": "GPO"}, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["kind"] == "contribution"
    assert response.json()["available_transitions"] == ["submit"]  # GPO skips sign-off

    # Acting for another agency, or not a focal point at all.
    assert gpo.post(REPORTS, body, content_type=JSON).status_code == 403
    assert client_for(world.coordinator).post(REPORTS, body, content_type=JSON).status_code == 403
    assert client_for(ngo_member).post(REPORTS, body, content_type=JSON).status_code == 403
    assert Client().post(REPORTS, body, content_type=JSON).status_code == 403
    assert ProgressReport.objects.count() == 2


def test_start_report_bad_input_is_a_field_error(world: SimpleNamespace) -> None:
    mia = client_for(world.focal_point_mia)
    body = {"action": world.a11.pk, "agency": "MIA", "period": world.period.pk}

    response = mia.post(REPORTS, {**body, "action": 999999, "agency": "NOPE"}, content_type=JSON)
    assert response.status_code == 400
    assert set(response.json()) == {"action", "agency"}
    response = mia.post(REPORTS, {"action": "x"}, content_type=JSON)
    assert response.status_code == 400
    assert set(response.json()) == {"action", "agency", "period"}
    # A draft plan's action is not visible to a focal point, so it is not a valid choice.
    draft_action = world.draft_plan.actions.get()
    response = mia.post(REPORTS, {**body, "action": draft_action.pk}, content_type=JSON)
    assert response.status_code == 400
    assert "action" in response.json()
    assert (
        "period"
        in mia.post(REPORTS, {**body, "period": world.draft_period.pk}, content_type=JSON).json()
    )
    # Refused by the action itself: a period of another (public) plan.
    (other_period,) = actions.ensure_periods(
        build_plan(code="other", sections=1, actions_per_section=1),
        until=datetime.date(2022, 12, 31),
    )
    response = mia.post(REPORTS, {**body, "period": other_period.pk}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The period belongs to another plan."]}
    assert ProgressReport.objects.count() == 0


def test_patch_with_version(world: SimpleNamespace) -> None:
    report = start(world, world.a11, world.mia)
    mia = client_for(world.focal_point_mia)
    change = {
        "narrative": "Done in part.",
        "proposed_status": "partially_completed",
        "document_type": "Order",
        "document_number": "45",
        "document_date": "2022-11-30",
    }

    missing = mia.patch(report_url(report), change, content_type=JSON)
    assert missing.status_code == 400
    assert "version" in missing.json()

    response = mia.patch(report_url(report), {**change, "version": 1}, content_type=JSON)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 2
    assert {key: data[key] for key in change} == change
    report.refresh_from_db()
    assert report.narrative == "Done in part."

    # Field errors, from the serializer and from the model.
    response = mia.patch(
        report_url(report), {"proposed_status": "finished", "version": 2}, content_type=JSON
    )
    assert response.status_code == 400
    assert "proposed_status" in response.json()
    response = mia.patch(report_url(report), {"state": "accepted", "version": 2}, content_type=JSON)
    assert response.status_code == 400
    assert "state" in response.json()
    report.refresh_from_db()
    assert (report.state, report.version) == ("draft", 2)


def test_stale_patch_is_refused_with_the_stored_version(world: SimpleNamespace) -> None:
    report = start(world, world.a11, world.mia)
    first, second = client_for(world.focal_point_mia), client_for(world.deputy)
    assert (
        first.patch(
            report_url(report), {"narrative": "First.", "version": 1}, content_type=JSON
        ).status_code
        == 200
    )

    response = second.patch(
        report_url(report), {"narrative": "Second.", "version": 1}, content_type=JSON
    )

    assert response.status_code == 409
    body = response.json()
    assert "someone else changed" in body["detail"].lower()
    assert body["current"]["narrative"] == "First."
    assert body["current"]["version"] == 2
    assert body["current"]["id"] == report.pk
    report.refresh_from_db()
    assert (report.narrative, report.version) == ("First.", 2)


def test_patch_refused_when_not_editable(world: SimpleNamespace) -> None:
    mia_report = start(world, world.a11, world.mia)
    contribution = start(world, world.a11, world.gpo)
    mia = client_for(world.focal_point_mia)
    change = {"narrative": "x", "version": 1}

    # The lead reads the co-executor's contribution but does not write it.
    assert mia.patch(report_url(contribution), change, content_type=JSON).status_code == 403
    # Other agencies do not even see the draft.
    gpo = client_for(world.focal_point_gpo)
    assert gpo.patch(report_url(mia_report), change, content_type=JSON).status_code == 404
    assert Client().patch(report_url(mia_report), change, content_type=JSON).status_code == 403
    # The author may edit, but not now: the action says why (400, not 403).
    actions.take_transition(contribution, "submit", by=world.focal_point_gpo)
    response = gpo.patch(report_url(contribution), {**change, "version": 2}, content_type=JSON)
    assert response.status_code == 400
    assert "can no longer be changed" in response.json()["non_field_errors"][0]
    staff = client_for(world.coordinator)
    assert staff.patch(report_url(mia_report), change, content_type=JSON).status_code == 403


# Workflow ------------------------------------------------------------------------------------


def transition(client: Client, report: ProgressReport, name: str, **extra: object) -> Any:
    return client.post(
        report_url(report, "transitions/"), {"name": name, **extra}, content_type=JSON
    )


def test_transitions_right_and_wrong_actor(world: SimpleNamespace) -> None:
    report = start(world, world.a11, world.mia)
    mia, deputy = client_for(world.focal_point_mia), client_for(world.deputy)
    staff = client_for(world.coordinator)

    assert transition(mia, report, "sign_off").status_code == 403  # not the validator
    assert transition(staff, report, "sign_off").status_code == 403
    assert transition(Client(), report, "sign_off").status_code == 403
    assert transition(client_for(world.focal_point_gpo), report, "sign_off").status_code == 404
    response = transition(deputy, report, "sign_off")
    assert response.status_code == 200
    assert response.json()["state"] == "signed_off"
    assert transition(staff, report, "submit").status_code == 403  # not the author
    assert transition(mia, report, "submit").json()["state"] == "submitted"
    assert transition(mia, report, "accept").status_code == 403  # not the coordinator
    assert ReportTransition.objects.filter(report=report).count() == 2


def test_the_ready_step_through_the_api(world: SimpleNamespace) -> None:
    """With the agency's ready step the validator signs off only ready reports."""
    AgencyReportingSettings.objects.filter(agency=world.mia).update(ready_step=True)
    report = start(world, world.a11, world.mia)
    mia, deputy = client_for(world.focal_point_mia), client_for(world.deputy)
    assert transition(deputy, report, "sign_off").status_code == 400  # not ready yet
    detail = mia.get(report_url(report)).json()
    assert "mark_ready" in detail["available_transitions"]
    assert transition(mia, report, "mark_ready").json()["state"] == "ready"
    no_comment = transition(deputy, report, "send_back")
    assert no_comment.status_code == 400 and "comment" in no_comment.json()
    back = transition(deputy, report, "send_back", comment="Add the figures.")
    assert back.json()["state"] == "draft"
    transition(mia, report, "mark_ready")
    assert transition(mia, report, "take_back").json()["state"] == "draft"
    transition(mia, report, "mark_ready")
    assert transition(deputy, report, "sign_off").json()["state"] == "signed_off"


def test_transition_errors_are_field_errors(world: SimpleNamespace) -> None:
    report = start(world, world.gpo_led, world.gpo)
    gpo, staff = client_for(world.focal_point_gpo), client_for(world.coordinator)

    unknown = transition(gpo, report, "publish")
    assert unknown.status_code == 400
    assert "name" in unknown.json()
    impossible = transition(staff, report, "accept")  # still a draft
    assert impossible.status_code == 400
    (message,) = impossible.json()["name"]
    assert message.startswith("“accept” is not possible")

    assert transition(gpo, report, "submit").status_code == 200
    no_comment = transition(staff, report, "return", comment="  ")
    assert no_comment.status_code == 400
    assert no_comment.json() == {"comment": ["Say what needs to change."]}

    stale = transition(staff, report, "return", comment="Add the order.", version=1)
    assert stale.status_code == 409
    assert stale.json()["current"]["state"] == "submitted"
    report.refresh_from_db()
    assert (report.state, report.times_returned) == ("submitted", 0)


def report_version(report: ProgressReport) -> int:
    report.refresh_from_db()
    return report.version


def test_full_journey_over_the_api(world: SimpleNamespace) -> None:
    mia, deputy = client_for(world.focal_point_mia), client_for(world.deputy)
    staff = client_for(world.coordinator)

    def step(client: Client, name: str, expected_state: str, **extra: object) -> dict[str, Any]:
        response = transition(client, report, name, **extra)
        assert response.status_code == 200, response.content
        assert response.json()["state"] == expected_state
        return response.json()

    created = mia.post(
        REPORTS,
        {"action": world.a11.pk, "agency": "MIA", "period": world.period.pk},
        content_type=JSON,
    ).json()
    report = ProgressReport.objects.get(pk=created["id"])
    patched = mia.patch(
        report_url(report), {"narrative": "Draft law written.", "version": 1}, content_type=JSON
    ).json()
    assert patched["version"] == 2
    assert deputy.get(report_url(report)).json()["available_transitions"] == ["sign_off"]
    step(deputy, "sign_off", "signed_off")
    assert mia.get(report_url(report)).json()["available_transitions"] == ["submit"]
    step(mia, "submit", "submitted")
    assert staff.get(report_url(report)).json()["available_transitions"] == ["return", "accept"]
    step(staff, "return", "returned", comment="Attach the order.")
    assert (
        mia.patch(
            report_url(report),
            {"document_type": "Order", "version": report_version(report)},
            content_type=JSON,
        ).status_code
        == 200
    )
    step(deputy, "sign_off", "signed_off")  # MIA's reports are signed off every time
    assert mia.get(report_url(report)).json()["available_transitions"] == ["resubmit"]
    step(mia, "resubmit", "resubmitted")
    final = step(staff, "accept", "accepted")

    assert [
        (t["name"], t["from"], t["to"], t["actor"], t["comment"]) for t in final["transitions"]
    ] == [
        ("sign_off", "draft", "signed_off", "deputy.mia@example.org", ""),
        ("submit", "signed_off", "submitted", "focal.mia@example.org", ""),
        ("return", "submitted", "returned", "coordinator@example.org", "Attach the order."),
        ("sign_off", "returned", "signed_off", "deputy.mia@example.org", ""),
        ("resubmit", "signed_off", "resubmitted", "focal.mia@example.org", ""),
        ("accept", "resubmitted", "accepted", "coordinator@example.org", ""),
    ]
    assert ReportTransition.objects.filter(report=report).count() == 6
    assert final["available_transitions"] == []
    # Accepted on a public plan: everyone may read it now.
    assert Client().get(report_url(report)).json()["narrative"] == "Draft law written."


# Evidence ------------------------------------------------------------------------------------


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_evidence_upload_of_a_real_pdf_and_a_link(world: SimpleNamespace, media_root: Path) -> None:
    report = start(world, world.a11, world.mia)
    mia = client_for(world.focal_point_mia)

    response = mia.post(
        report_url(report, "evidence/"),
        {"file": SimpleUploadedFile("order.pdf", PDF), "description": "Signed order"},
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["kind"], data["name"], data["size"]) == ("file", "order.pdf", len(PDF))
    assert data["content_type"] == "application/pdf"
    evidence = Evidence.objects.get(pk=data["id"])
    assert data["url"].endswith(
        reverse("reporting:evidence_download", args=[report.pk, evidence.pk])
    )
    (stored,) = files_under(media_root)
    assert stored.read_bytes() == PDF

    link = mia.post(
        report_url(report, "evidence/"),
        {"url": "https://example.org/order", "description": "Published"},
        content_type=JSON,
    )
    assert link.status_code == 201
    assert (link.json()["kind"], link.json()["url"]) == ("link", "https://example.org/order")
    assert len(client_for(world.coordinator).get(report_url(report)).json()["evidence"]) == 2


def test_forged_or_too_large_upload_is_refused_and_leaves_nothing(
    world: SimpleNamespace, media_root: Path, settings: Any
) -> None:
    report = start(world, world.a11, world.mia)
    mia = client_for(world.focal_point_mia)
    url = report_url(report, "evidence/")

    forged = mia.post(
        url, {"file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all")}
    )
    assert forged.status_code == 400
    assert forged.json() == {
        "file": ["“report.pdf” is not a real PDF file: its content does not match its name."]
    }

    settings.EVIDENCE_MAX_BYTES = 10
    too_large = mia.post(url, {"file": SimpleUploadedFile("order.pdf", PDF)})
    assert too_large.status_code == 400
    assert too_large.json()["file"][0].startswith("The file is larger than")

    not_a_link = mia.post(url, {"url": "not a link"}, content_type=JSON)
    assert not_a_link.status_code == 400
    assert "url" in not_a_link.json()
    nothing = mia.post(url, {"description": "?"}, content_type=JSON)
    assert nothing.status_code == 400
    assert "non_field_errors" in nothing.json()

    assert files_under(media_root) == []
    assert not Evidence.objects.exists()


def test_evidence_only_by_the_author_while_editable(
    world: SimpleNamespace, media_root: Path
) -> None:
    report = start(world, world.gpo_led, world.gpo)
    body = {"url": "https://example.org/x"}
    url = report_url(report, "evidence/")
    assert Client().post(url, body, content_type=JSON).status_code == 403
    assert client_for(world.coordinator).post(url, body, content_type=JSON).status_code == 403
    assert client_for(world.focal_point_mia).post(url, body, content_type=JSON).status_code == 404
    actions.take_transition(report, "submit", by=world.focal_point_gpo)
    gpo = client_for(world.focal_point_gpo)
    assert gpo.post(url, body, content_type=JSON).status_code == 400  # not editable now
    assert gpo.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 400
    assert files_under(media_root) == []
    assert not Evidence.objects.exists()


# Query counts --------------------------------------------------------------------------------


def test_report_list_query_count_does_not_grow(
    world: SimpleNamespace, django_assert_max_num_queries: Any, media_root: Path
) -> None:
    def add_reports(plan: Plan) -> None:
        (period,) = actions.ensure_periods(plan, until=datetime.date(2022, 12, 31))
        for action in plan.actions.all():
            for agency in (world.mia, world.gpo):
                report = start(world, action, agency, period=period)
                actions.add_evidence_link(
                    report,
                    "https://example.org/e",
                    by=world.focal_point_mia if agency == world.mia else world.focal_point_gpo,
                )
                if agency == world.mia:
                    actions.take_transition(report, "sign_off", by=world.deputy)

    clients = [
        client_for(world.coordinator),
        client_for(world.focal_point_mia),
        client_for(world.deputy),
        Client(),
    ]
    add_reports(build_plan(code="small", sections=1, actions_per_section=2))
    accept(world, start(world, world.a11, world.gpo))  # one report anyone may read
    assert ProgressReport.objects.count() == 5
    # Session, user, (for focal points: the agencies they validate), count, page, evidence,
    # transitions with their actors.
    for client in clients:
        with django_assert_max_num_queries(7):
            assert client.get(REPORTS).status_code == 200

    add_reports(build_plan(code="large", sections=5, actions_per_section=5))
    assert ProgressReport.objects.count() == 55
    for client in clients:
        with django_assert_max_num_queries(7):
            response = client.get(REPORTS)
        assert response.status_code == 200
    assert response.json()["count"] == 1  # the anonymous client, last


# Periods and monitoring ----------------------------------------------------------------------


def test_periods(world: SimpleNamespace, django_assert_max_num_queries: Any) -> None:
    public = Client().get("/api/v1/periods/", {"plan": "kz"}).json()
    assert public["results"] == [
        {
            "id": world.period.pk,
            "plan": "kz",
            "start": world.period.start.isoformat(),
            "end": "2022-12-31",
            "submission_deadline": "2023-01-10",
            "review_deadline": "2023-01-25",
        }
    ]
    assert Client().get("/api/v1/periods/", {"plan": "draft"}).json()["count"] == 0
    assert Client().get(f"/api/v1/periods/{world.draft_period.pk}/").status_code == 404
    staff = client_for(world.coordinator)
    assert staff.get("/api/v1/periods/").json()["count"] == 2
    with django_assert_max_num_queries(4):
        staff.get("/api/v1/periods/")


def test_monitoring_is_public_for_public_plans(world: SimpleNamespace) -> None:
    data = Client().get("/api/v1/monitoring/", {"plan": "kz"}).json()
    assert [item["number"] for item in data["results"]] == ["1.1", "1.2", "1.9"]
    assert data["results"][0] == {
        "action": world.a11.pk,
        "number": "1.1",
        "plan": "kz",
        "assessed_status": "not_assessed",  # no verdict yet: never "not_started"
        "on_monitoring": True,
        "off_monitoring_reason": "",
        "version": 1,
    }
    assert Client().get("/api/v1/monitoring/").json()["count"] == 3  # no draft plan
    assert client_for(world.coordinator).get("/api/v1/monitoring/").json()["count"] == 4
    draft_action = world.draft_plan.actions.get()
    assert Client().get(f"/api/v1/monitoring/{draft_action.pk}/").status_code == 404
    assert Client().get(f"/api/v1/monitoring/{world.a11.pk}/").json()["number"] == "1.1"


def test_monitoring_changes_by_the_coordinator(world: SimpleNamespace, ngo_member: User) -> None:
    url = f"/api/v1/monitoring/{world.a11.pk}/"
    staff = client_for(world.coordinator)
    change = {"assessed_status": "completed", "on_monitoring": False, "reason": "Law adopted."}

    for client in (Client(), client_for(world.focal_point_mia), client_for(ngo_member)):
        assert client.post(url, change, content_type=JSON).status_code == 403
    assert staff.post("/api/v1/monitoring/999999/", change, content_type=JSON).status_code == 404

    empty = staff.post(url, {}, content_type=JSON)
    assert empty.status_code == 400
    assert "non_field_errors" in empty.json()
    no_reason = staff.post(url, {**change, "reason": ""}, content_type=JSON)
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    assert not MonitoringChange.objects.exists()  # the status change was rolled back too

    response = staff.post(url, change, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "action": world.a11.pk,
        "number": "1.1",
        "plan": "kz",
        "assessed_status": "completed",
        "on_monitoring": False,
        "off_monitoring_reason": "Law adopted.",
        "version": 3,
    }
    stale = staff.post(url, {"assessed_status": "in_progress", "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["current"]["assessed_status"] == "completed"
    assert stale.json()["current"]["version"] == 3
    already = staff.post(url, {"on_monitoring": False, "reason": "Again."}, content_type=JSON)
    assert already.status_code == 400
    assert already.json() == {"on_monitoring": ["The action is already off monitoring."]}
    bad_status = staff.post(url, {"assessed_status": "done"}, content_type=JSON)
    assert bad_status.status_code == 400
    assert "assessed_status" in bad_status.json()

    back = staff.post(url, {"on_monitoring": True, "reason": "Reopened."}, content_type=JSON)
    assert back.status_code == 200
    assert back.json()["on_monitoring"] is True
    assert list(
        MonitoringChange.objects.filter(action=world.a11).values_list("field", "new_value")
    ) == [("assessed_status", "completed"), ("on_monitoring", "False"), ("on_monitoring", "True")]
    assert Client().get(url).json()["on_monitoring"] is True


# Schema --------------------------------------------------------------------------------------


def test_schema_documents_the_reporting_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/v1/reports/",
        "/api/v1/reports/{id}/",
        "/api/v1/reports/{id}/transitions/",
        "/api/v1/reports/{id}/evidence/",
        "/api/v1/periods/",
        "/api/v1/monitoring/",
        "/api/v1/monitoring/{action_id}/",
    } <= set(paths)
    assert set(paths["/api/v1/reports/"]) == {"get", "post"}
    assert set(paths["/api/v1/reports/{id}/"]) == {"get", "patch"}
    parameters = {p["name"] for p in paths["/api/v1/reports/"]["get"]["parameters"]}
    assert {"plan", "action", "agency", "period", "state", "kind", "limit", "offset"} <= parameters
    patch = paths["/api/v1/reports/{id}/"]["patch"]
    assert {"200", "400", "403", "404", "409"} <= set(patch["responses"])
    body_ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema.json()["components"]["schemas"][body_ref.rsplit("/", 1)[-1]]
    assert body["required"] == ["version"]
    evidence = paths["/api/v1/reports/{id}/evidence/"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(evidence)
    assert set(paths["/api/v1/monitoring/{action_id}/"]) == {"get", "post"}


def test_reports_are_not_replaced_or_deleted(world: SimpleNamespace) -> None:
    report = start(world, world.a11, world.mia)
    mia = client_for(world.focal_point_mia)
    assert mia.put(report_url(report), {"version": 1}, content_type=JSON).status_code == 405
    assert mia.delete(report_url(report)).status_code == 405
    assert ProgressReport.objects.filter(pk=report.pk).exists()


@pytest.mark.parametrize("body", ["null", "[]", "5", '"file"'])
def test_evidence_with_a_body_that_is_not_an_object_is_a_clear_400(
    world: SimpleNamespace, body: str
) -> None:
    report = start(world, world.a11, world.mia)
    response = client_for(world.focal_point_mia).post(
        report_url(report, "evidence/"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Evidence.objects.exists()
