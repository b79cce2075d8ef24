"""Only the coordinators assigned to a case's area read it, and every read is logged."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.feedback import access, actions
from rightsmonitor.feedback.models import AccessLog, AreaAssignment, Case

from .conftest import PDF_BYTES

MESSAGE = "The police refused to register my complaint."


@pytest.fixture
def case(submit) -> Case:  # type: ignore[no-untyped-def]
    return submit(
        contact=actions.Contact(email="me@example.org"),
        attachment=SimpleUploadedFile("proof.pdf", PDF_BYTES, "application/pdf"),
    ).case


READ_PAGES = ("feedback:case", "feedback:case_contact", "feedback:case_file")


@pytest.mark.parametrize("name", READ_PAGES)
def test_only_the_assigned_coordinator_reads(  # type: ignore[no-untyped-def]
    name, case, assigned, other_coordinator, administrator, focal_point_mia, ngo_member
) -> None:
    url = reverse(name, args=[case.pk])
    statuses = {
        "public": client_for(None).get(url).status_code,
        "ngo_member": client_for(ngo_member).get(url).status_code,
        "focal_point": client_for(focal_point_mia).get(url).status_code,
        "unassigned coordinator": client_for(other_coordinator).get(url).status_code,
        "administrator": client_for(administrator).get(url).status_code,
    }
    assert statuses == {
        "public": 302,  # to the login page
        "ngo_member": 403,
        "focal_point": 404,  # sees only cases referred to them: this one does not exist for them
        "unassigned coordinator": 404,
        "administrator": 404,  # manages assignments, reads nothing unless assigned
    }
    assert not AccessLog.objects.filter(kind__in=AccessLog.READS).exists()
    response = client_for(assigned).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (row,) = AccessLog.objects.filter(kind__in=AccessLog.READS)
    assert (row.user, row.case, row.reference) == (assigned, case, case.reference)
    expected_kind = {
        "feedback:case": AccessLog.Kind.READ_CONTENT,
        "feedback:case_contact": AccessLog.Kind.READ_CONTACT,
        "feedback:case_file": AccessLog.Kind.READ_FILE,
    }[name]
    assert row.kind == expected_kind


def test_case_page_shows_the_message_and_contact_page_the_details(case, assigned) -> None:  # type: ignore[no-untyped-def]
    client = client_for(assigned)
    page = client.get(reverse("feedback:case", args=[case.pk])).content.decode()
    assert MESSAGE in page and "me@example.org" not in page  # contact details on demand only
    contact = client.get(reverse("feedback:case_contact", args=[case.pk])).content.decode()
    assert "me@example.org" in contact
    download = client.get(reverse("feedback:case_file", args=[case.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert 'filename="proof.pdf"' in download["Content-Disposition"]
    assert AccessLog.objects.filter(case=case).count() == 3


def test_a_plan_assignment_covers_its_sections_and_general_covers_no_plan(  # type: ignore[no-untyped-def]
    submit, other_coordinator, section
) -> None:
    in_section = submit().case
    general = submit(plan=None, section=None).case
    assert not access.cases_for_user(other_coordinator).exists()
    AreaAssignment.objects.create(user=other_coordinator, plan=section.plan)
    assert list(access.cases_for_user(other_coordinator)) == [in_section]
    AreaAssignment.objects.create(user=other_coordinator)
    assert set(access.cases_for_user(other_coordinator)) == {in_section, general}


def test_another_section_is_not_readable(submit, assigned, plan) -> None:  # type: ignore[no-untyped-def]
    elsewhere = submit(section=plan.sections.order_by("order").last()).case
    with pytest.raises(PermissionDenied):
        actions.read_content(elsewhere, by=assigned)
    assert not AccessLog.objects.exists()


def test_an_assigned_user_who_is_no_longer_staff_reads_nothing(case, assigned) -> None:  # type: ignore[no-untyped-def]
    assigned.role = "civil_society"
    assigned.save()
    assert not access.can_read_case(assigned, case)
    assert client_for(assigned).get(reverse("feedback:case", args=[case.pk])).status_code == 403


def test_writes_are_refused_to_the_unassigned(case, other_coordinator, administrator) -> None:  # type: ignore[no-untyped-def]
    for user in (other_coordinator, administrator):
        client = client_for(user)
        assert (
            client.post(
                reverse("feedback:case_answer", args=[case.pk]), {"answer": "x"}
            ).status_code
            == 404
        )
        assert (
            client.post(reverse("feedback:case_transition", args=[case.pk, "close"])).status_code
            == 404
        )
    case.refresh_from_db()
    assert case.status == "new" and case.answer == ""


def test_cases_are_not_in_the_api_or_the_admin(case, administrator) -> None:  # type: ignore[no-untyped-def]
    client = client_for(administrator)
    assert client.get("/api/v1/").status_code == 200
    assert "feedback" not in client.get("/api/v1/").content.decode()
    assert client.get("/admin/feedback/case/").status_code == 404
