"""Shadow ratings: who rates, concurrent edits, and the two ratings side by side on the action
page, the plan's ratings page and in the annual assessment (web, DOCX, XLSX)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from rightsmonitor.accounts.tests.factories import CivilSocietyFactory
from rightsmonitor.assessments.actions import create_assessment
from rightsmonitor.assessments.content import build_snapshot
from rightsmonitor.assessments.renderers.docx import render_docx
from rightsmonitor.assessments.renderers.xlsx import render_xlsx
from rightsmonitor.conftest import client_for
from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.participation import actions
from rightsmonitor.participation.models import ParticipationEvent, ShadowRating
from rightsmonitor.reporting.actions import set_assessed_status


def _rate(world, member, status="in_progress", action=None):  # type: ignore[no-untyped-def]
    return actions.save_rating(
        action=action or world.action,
        period=world.period,
        status=status,
        evidence="Courts still refuse the new procedure.",
        evidence_url="https://ngo.example/report",
        by=member,
    )


def test_a_member_rates_an_action_through_the_form(reporting_world, member) -> None:  # type: ignore[no-untyped-def]
    world = reporting_world
    url = reverse("participation:rate_action", args=[world.action.pk])
    client = client_for(member)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "period": world.period.pk,
            "status": "partially_completed",
            "evidence": "Half the regions apply it.",
            "evidence_url": "https://ngo.example/monitoring",
        },
    )
    assert response.status_code == 302
    rating = ShadowRating.objects.get()
    assert (rating.organisation, rating.status, rating.author) == (
        member.organisation,
        "partially_completed",
        member,
    )
    assert rating.history.count() == 1 and rating.history.first().history_user == member
    assert ParticipationEvent.objects.filter(kind="rating_saved").count() == 1


def test_form_errors_are_summarised(reporting_world, member) -> None:  # type: ignore[no-untyped-def]
    url = reverse("participation:rate_action", args=[reporting_world.action.pk])
    response = client_for(member).post(url, {"period": reporting_world.period.pk, "status": ""})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert 'href="#id_status"' in response.content.decode()


def test_only_approved_members_rate(
    reporting_world, ngo_member, coordinator, focal_point_mia
) -> None:  # type: ignore[no-untyped-def]
    url = reverse("participation:rate_action", args=[reporting_world.action.pk])
    for user in (
        ngo_member,
        coordinator,
        focal_point_mia,
    ):  # ngo_member's organisation: not approved
        assert client_for(user).get(url).status_code == 403
        with pytest.raises(PermissionDenied):
            _rate(reporting_world, user)


def test_a_period_is_rated_once_and_edited_with_a_version_check(reporting_world, member) -> None:  # type: ignore[no-untyped-def]
    world = reporting_world
    colleague = CivilSocietyFactory(email="colleague@example.org", organisation=member.organisation)
    rating = _rate(world, member)
    edit = reverse("participation:rating_edit", args=[rating.pk])
    stale_version = rating.version
    actions.save_rating(
        action=world.action,
        period=world.period,
        status="completed",
        evidence="Adopted after all.",
        by=colleague,
        expected_version=stale_version,
    )
    response = client_for(member).post(
        edit,
        {"status": "not_completed", "evidence": "Mine", "version": stale_version},
    )
    assert response.status_code == 409
    assert "Adopted after all." in response.content.decode()
    rating.refresh_from_db()
    assert rating.status == "completed" and rating.version == stale_version + 1
    with pytest.raises(ConcurrentEditError):
        actions.save_rating(
            action=world.action,
            period=world.period,
            status="not_started",
            evidence="x",
            by=member,
            expected_version=stale_version,
        )
    # The new-rating form for a period already rated points to the existing rating.
    response = client_for(member).post(
        reverse("participation:rate_action", args=[world.action.pk]),
        {"period": world.period.pk, "status": "in_progress", "evidence": "x"},
    )
    assert response.status_code == 409
    assert edit in response.content.decode()
    assert ShadowRating.objects.count() == 1
    # Another organisation's rating is not editable.
    stranger = CivilSocietyFactory(email="stranger@example.org")
    assert client_for(stranger).get(edit).status_code == 403


def test_future_periods_and_other_plans_are_refused(reporting_world, member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        actions.save_rating(
            action=reporting_world.action,
            period=reporting_world.period,
            status="bogus",
            evidence="x",
            by=member,
        )


def test_ratings_side_by_side_on_the_action_page(  # type: ignore[no-untyped-def]
    reporting_world, member, other_member, coordinator
) -> None:
    world = reporting_world
    set_assessed_status(world.action, "completed", by=coordinator)
    _rate(world, member, "in_progress")
    _rate(world, other_member, "completed")
    html = client_for(None).get(world.action.get_absolute_url()).content.decode()
    panel = html[html.index('id="civil-society-ratings"') :]
    assert "Official (coordinator)" in panel
    assert member.organisation.name in panel and "Legal Aid Centre" in panel
    assert panel.count("Differs from the official status") == 1
    assert panel.count("Same as the official status") == 1
    evidence = client_for(None).get(reverse("participation:action_ratings", args=[world.action.pk]))
    assert "Courts still refuse the new procedure." in evidence.content.decode()
    assert 'rel="nofollow noopener ugc"' in evidence.content.decode()


def test_plan_ratings_page_has_constant_queries(  # type: ignore[no-untyped-def]
    reporting_world, member, other_member, coordinator, django_assert_max_num_queries
) -> None:
    world = reporting_world
    url = reverse("participation:plan_ratings", args=[world.plan.code])
    _rate(world, member, "in_progress")
    with django_assert_max_num_queries(10) as few:
        assert client_for(None).get(url).status_code == 200
    _rate(world, other_member, "not_started")
    _rate(world, member, "completed", action=world.gpo_led_action)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_for(None).get(url)
    html = response.content.decode()
    assert html.count("<tr") == 3  # the header and two actions
    assert "not rated" in html
    # A withdrawn approval hides the organisation's ratings.
    other_member.organisation.accreditation.delete()
    assert "Legal Aid Centre" not in client_for(None).get(url).content.decode()


def test_my_ratings_lists_the_organisations_ratings(  # type: ignore[no-untyped-def]
    reporting_world, member, django_assert_max_num_queries
) -> None:
    world = reporting_world
    _rate(world, member)
    client = client_for(member)
    client.get(reverse("participation:my_ratings"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("participation:my_ratings"))
    _rate(world, member, action=world.gpo_led_action)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("participation:my_ratings"))
    assert response.content.decode().count(reverse("participation:rating_edit", args=[1])[:-7]) >= 2


@pytest.fixture
def rated_assessment(reporting_world, member, other_member, coordinator):  # type: ignore[no-untyped-def]
    world = reporting_world
    set_assessed_status(world.action, "completed", by=coordinator)
    _rate(world, member, "partially_completed")
    _rate(world, other_member, "completed")
    return create_assessment(world.plan, period=world.period, by=coordinator)


def test_the_assessment_shows_the_ratings_in_every_format(
    rated_assessment, coordinator, member
) -> None:  # type: ignore[no-untyped-def]
    snapshot = build_snapshot(rated_assessment)
    block = next(b for b in snapshot["blocks"] if b["key"] == "civil_society_ratings")
    assert block["data"]["differing"] == 1
    (row,) = block["data"]["actions"]
    assert row["official"] == "completed" and row["differs"] is True

    page = client_for(coordinator).get(rated_assessment.get_absolute_url()).content.decode()
    section = page[page.index('id="block-civil_society_ratings"') :]
    assert "Civil society ratings" in section and "Differs from the official status" in section
    assert "Legal Aid Centre" in section

    document = Document(io.BytesIO(render_docx(snapshot, language="en", draft=True)))
    texts = [cell.text for table in document.tables for r in table.rows for cell in r.cells]
    assert "≠ Differs" in texts and "Partially completed" in texts

    workbook = load_workbook(io.BytesIO(render_xlsx(snapshot, language="en", draft=True)))
    sheet = next(ws for ws in workbook.worksheets if ws.title.startswith("Civil society"))
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "≠ Differs" in values and "Legal Aid Centre" in values


def test_the_block_is_left_out_without_ratings(reporting_world, coordinator) -> None:  # type: ignore[no-untyped-def]
    assessment = create_assessment(
        reporting_world.plan, period=reporting_world.period, by=coordinator
    )
    keys = [b["key"] for b in build_snapshot(assessment)["blocks"]]
    assert "civil_society_ratings" not in keys
