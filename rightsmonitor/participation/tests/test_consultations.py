"""Public consultation on a draft plan: open period, comments per action, responses, summary."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.participation import actions
from rightsmonitor.participation.models import Consultation
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def draft_plan() -> Plan:
    return build_plan(
        code="draft-2026", status=Plan.Status.DRAFT, sections=1, actions_per_section=2
    )


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_a_consultation_from_draft_to_summary(draft_plan, coordinator, member) -> None:  # type: ignore[no-untyped-def]
    staff = client_for(coordinator)
    response = staff.post(
        reverse("participation:consultation_new", args=[draft_plan.code]),
        {
            "title": "Draft plan 2026–2028",
            "description": "Comment on every action.",
            "opens_on": "2026-03-01",
            "closes_on": "2026-03-31",
        },
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    detail = reverse("participation:consultation", args=[consultation.pk])
    assert client_for(None).get(detail).status_code == 404  # in preparation
    assert (
        staff.post(
            reverse("participation:consultation_step", args=[consultation.pk, "open"])
        ).status_code
        == 302
    )
    # The draft plan's actions are public through the consultation, and take comments.
    page = client_for(None).get(detail)
    assert page.status_code == 200 and "taking comments now" in page.content.decode()
    action = draft_plan.actions.order_by("order").first()
    thread = reverse("participation:consultation_action", args=[consultation.pk, action.pk])
    response = client_for(member).post(thread, {"body": "Add a deadline.", "visibility": "public"})
    assert response.status_code == 302
    comment = consultation.comments.get()
    actions.moderate(comment, "publish", by=coordinator)
    response = staff.post(
        reverse("participation:reply", args=[comment.pk]), {"body": "Agreed: Q4 2026."}
    )
    assert response.status_code == 302
    summary = client_for(None).get(
        reverse("participation:consultation_summary", args=[consultation.pk, "csv"])
    )
    assert summary.status_code == 200
    (row,) = csv.DictReader(io.StringIO(b"".join(summary.streaming_content).decode("utf-8-sig")))
    assert row["action"] == action.number
    assert row["comment"] == "Add a deadline." and row["response"] == "Agreed: Q4 2026."
    assert row["organisation"] == member.organisation.name
    xlsx = client_for(None).get(
        reverse("participation:consultation_summary", args=[consultation.pk, "xlsx"])
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        client_for(None)
        .get(reverse("participation:consultation_summary", args=[consultation.pk, "pdf"]))
        .status_code
        == 404
    )
    # Closed: no more comments, the record stays public.
    actions.consultation_step(consultation, "close", by=coordinator)
    refused = client_for(member).post(thread, {"body": "Late.", "visibility": "public"})
    assert refused.status_code == 403
    assert "Add a deadline." in client_for(None).get(thread).content.decode()
    with pytest.raises(ValidationError):
        actions.consultation_step(consultation, "open", by=coordinator)


@time_machine.travel(date(2026, 4, 10), tick=False)
def test_comments_only_within_the_dates(draft_plan, coordinator, member) -> None:  # type: ignore[no-untyped-def]
    consultation = actions.create_consultation(
        draft_plan,
        title="T",
        opens_on=date(2026, 3, 1),
        closes_on=date(2026, 3, 31),
        by=coordinator,
    )
    actions.consultation_step(consultation, "open", by=coordinator)
    with pytest.raises(ValidationError):
        actions.post_comment(
            body="x",
            visibility="public",
            action=draft_plan.actions.first(),
            consultation=consultation,
            by=member,
        )


def test_dates_in_order(draft_plan, coordinator) -> None:  # type: ignore[no-untyped-def]
    response = client_for(coordinator).post(
        reverse("participation:consultation_new", args=[draft_plan.code]),
        {"title": "T", "opens_on": "2026-03-31", "closes_on": "2026-03-01"},
    )
    assert response.status_code == 400
    assert "cannot close before it opens" in response.content.decode()


def test_consultation_pages_have_constant_queries(  # type: ignore[no-untyped-def]
    draft_plan, coordinator, django_assert_max_num_queries
) -> None:
    client = client_for(None)
    for n in range(2):
        c = actions.create_consultation(
            draft_plan,
            title=f"C{n}",
            opens_on=date(2026, 3, 1),
            closes_on=date(2026, 3, 31),
            by=coordinator,
        )
        actions.consultation_step(c, "open", by=coordinator)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("participation:consultations"))
        client.get(reverse("participation:consultation", args=[c.pk]))
    for n in range(5):
        c = actions.create_consultation(
            draft_plan,
            title=f"D{n}",
            opens_on=date(2026, 3, 1),
            closes_on=date(2026, 3, 31),
            by=coordinator,
        )
        actions.consultation_step(c, "open", by=coordinator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("participation:consultations"))
        client.get(reverse("participation:consultation", args=[c.pk]))


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_consultation_comments_stay_out_of_the_action_thread(coordinator, member) -> None:  # type: ignore[no-untyped-def]
    plan = build_plan(code="in-force", sections=1, actions_per_section=1)
    action = plan.actions.get()
    consultation = actions.create_consultation(
        plan,
        title="Amendment",
        opens_on=date(2026, 3, 1),
        closes_on=date(2026, 3, 31),
        by=coordinator,
    )
    actions.consultation_step(consultation, "open", by=coordinator)
    comment = actions.post_comment(
        body="On the amendment",
        visibility="public",
        action=action,
        consultation=consultation,
        by=member,
    )
    actions.moderate(comment, "publish", by=coordinator)
    thread = client_for(None).get(reverse("participation:action_comments", args=[action.pk]))
    assert "On the amendment" not in thread.content.decode()
    assert (
        "0 public comments on this action"
        in client_for(None).get(action.get_absolute_url()).content.decode()
    )
