"""API v1: published comments (sanitised) and shadow ratings, in a constant number of queries."""

from __future__ import annotations

import pytest

from rightsmonitor.conftest import client_for
from rightsmonitor.participation import actions
from rightsmonitor.participation.tests.test_xss import PAYLOADS, assert_inert
from rightsmonitor.reporting.actions import set_assessed_status


@pytest.fixture(autouse=True)
def _no_rate_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARTICIPATION_COMMENTS_PER_HOUR = 10_000


def test_comments_are_published_ones_and_sanitised(reporting_world, member, coordinator) -> None:  # type: ignore[no-untyped-def]
    world = reporting_world
    pending = actions.post_comment(
        body="pending", visibility="public", action=world.action, by=member
    )
    actions.post_comment(body="private", visibility="coordinator", action=world.action, by=member)
    for payload in PAYLOADS:
        comment = actions.post_comment(
            body=payload, visibility="public", action=world.action, by=member
        )
        actions.moderate(comment, "publish", by=coordinator)
    actions.reply(comment, body="<b onclick=x>answer</b>", by=coordinator)
    response = client_for(None).get("/api/v1/comments/", {"limit": 500})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == len(PAYLOADS) + 1
    assert {r["body_text"] for r in results}.isdisjoint({"pending", "private"})
    for result in results:
        assert "body" not in result  # never the text as submitted
        assert_inert(f'<div class="comment-body">{result["body_html"]}</div>')
    answer = results[-1]
    assert answer["parent"] == comment.pk and answer["answered_by"] == str(coordinator)
    assert answer["body_html"] == "<p>answer</p>"
    assert client_for(None).get(f"/api/v1/comments/{pending.pk}/").status_code == 404
    filtered = client_for(None).get(
        "/api/v1/comments/", {"plan": world.plan.code, "parent": comment.pk}
    )
    assert filtered.json()["count"] == 1


def test_comment_list_has_constant_queries(
    reporting_world, member, coordinator, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    world = reporting_world

    def add(n: int) -> None:
        for i in range(n):
            c = actions.post_comment(
                body=f"c{i}", visibility="public", action=world.action, by=member
            )
            actions.moderate(c, "publish", by=coordinator)
            actions.reply(c, body="a", by=coordinator)

    add(1)
    with django_assert_max_num_queries(6) as few:
        client_for(None).get("/api/v1/comments/")
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client_for(None).get("/api/v1/comments/").json()["count"] == 22


def test_shadow_ratings_with_the_official_status(  # type: ignore[no-untyped-def]
    reporting_world, member, other_member, coordinator, django_assert_max_num_queries
) -> None:
    world = reporting_world
    set_assessed_status(world.action, "completed", by=coordinator)
    for user, status in ((member, "in_progress"), (other_member, "completed")):
        actions.save_rating(
            action=world.action, period=world.period, status=status, evidence="e", by=user
        )
    with django_assert_max_num_queries(4) as few:
        response = client_for(None).get("/api/v1/shadow-ratings/", {"plan": world.plan.code})
    rows = {r["organisation"]: r for r in response.json()["results"]}
    assert rows[member.organisation.name]["differs"] is True
    assert rows["Legal Aid Centre"]["differs"] is False
    assert rows["Legal Aid Centre"]["official_status"] == "completed"
    actions.save_rating(
        action=world.gpo_led_action,
        period=world.period,
        status="not_started",
        evidence="e",
        by=member,
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client_for(None).get("/api/v1/shadow-ratings/").json()["count"] == 3
