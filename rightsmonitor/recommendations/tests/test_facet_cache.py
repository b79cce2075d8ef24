"""The recommendations search's facet counts are computed once per generation of content
(docs/decisions/0012), apart for each audience (a draft plan's links count for staff only) and
language, and are exact again as soon as a link, an assessment or an import commits.

Real commits (``transaction=True``): the generation moves on when a change commits, as in
production.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rightsmonitor.accounts.models import User
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.recommendations import actions
from rightsmonitor.recommendations.models import RecommendationLink
from rightsmonitor.recommendations.tests.factories import (
    RecommendationWorld,
    make_recommendations,
    recommendation_world,
)
from rightsmonitor.reporting.actions import set_assessed_status
from rightsmonitor.reporting.models import ImplementationStatus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]
SEARCH = reverse("recommendations:search")


@pytest.fixture
def world() -> RecommendationWorld:
    world = recommendation_world(code="kz")
    draft = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    # The CEDAW recommendation answers a draft plan's action: "not started" for staff only.
    RecommendationLink.objects.create(recommendation=world.women, action=draft.actions.get())
    return world


def read(client: Client, **params: str) -> tuple[dict[str, dict[str, int]], int, int]:
    """{facet: {value: count}}, the number of results, and how many times the facets'
    statement over the many-to-many tables ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    counts = {
        group.name: {value.value: value.count for value in group.values}
        for group in response.context["listing"]["facets"]
    }
    statements = sum("UNION ALL" in query["sql"] for query in queries)
    return counts, response.context["listing"]["page"].paginator.count, statements


def test_counts_are_cached_per_audience_and_exact_after_a_change(
    world: RecommendationWorld, coordinator: User, client: Client
) -> None:
    staff = client_for(coordinator)
    public_counts, public_total, _ = read(client, mechanism="treaty_body")
    staff_counts, staff_total, statements = read(staff, mechanism="treaty_body")
    assert public_total == staff_total == 3  # CAT, CEDAW, CCPR
    assert public_counts["status"] == {"not_covered": 2, "not_started": 1}
    assert staff_counts["status"] == {"not_covered": 1, "not_started": 2}
    assert statements == 1  # not the public's counts: another audience

    again, total, statements = read(staff, mechanism="treaty_body")
    assert (again, total, statements) == (staff_counts, 3, 0)

    # Action 2.1 is completed; linking the Russian recommendation to it implements it.
    set_assessed_status(world.actions[2], ImplementationStatus.COMPLETED, by=coordinator)
    actions.link_action(world.russian, world.actions[2], by=coordinator)
    counts, _total, statements = read(staff, mechanism="treaty_body")
    assert counts["status"] == {"not_started": 2, "implemented": 1}
    assert statements == 1
    assert read(client, mechanism="treaty_body", page="1")[0]["status"] == {
        "not_covered": 1,
        "not_started": 1,
        "implemented": 1,
    }


def test_the_whole_index_is_counted_once_for_every_reader_until_an_import(
    world: RecommendationWorld, coordinator: User, client: Client
) -> None:
    staff = client_for(coordinator)
    counts, total, statements = read(staff)
    assert (total, statements) == (4, 1)
    assert counts["mechanism"] == {"treaty_body": 3, "upr": 1}
    # Another audience and another language: their own labels and statuses, the same counts
    # of the whole index, which depend on neither.
    public, public_total, statements = read(client)
    assert (public_total, statements) == (4, 0)
    assert public["mechanism"] == counts["mechanism"]
    assert public["status"]["not_covered"] == counts["status"]["not_covered"] + 1
    russian = client.get("/ru" + SEARCH, {"page": "1"})
    labels = {group.name: group.label for group in response_facets(russian)}
    assert labels["mechanism"] != "Mechanism"

    make_recommendations(2, body="UPR", mechanism="upr")  # an import commits
    counts, total, statements = read(staff)
    assert (total, statements) == (6, 1)
    assert counts["mechanism"] == {"treaty_body": 3, "upr": 3}


def response_facets(response: Any) -> Any:
    assert response.status_code == 200
    return response.context["listing"]["facets"]


def sorted_ids(client: Client, **params: str) -> tuple[list[int], int]:
    """The ids of the page of results, and how many queries sorted the filtered set by date."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    sorts = sum(
        'ORDER BY "recommendations_recommendation"."document_date" DESC' in q["sql"]
        for q in queries
    )
    return [result.recommendation.pk for result in response.context["listing"]["results"]], sorts


def test_a_page_of_results_is_sorted_once_a_generation(
    world: RecommendationWorld, coordinator: User
) -> None:
    staff = client_for(coordinator)
    first, sorts = sorted_ids(staff, mechanism="upr")
    assert sorts == 1
    assert sorted_ids(staff, mechanism="upr") == (first, 0)
    assert sorted_ids(staff, mechanism="upr", page="1")[1] == 0  # the same query
    make_recommendations(2, body="UPR", mechanism="upr")  # an import commits
    again, sorts = sorted_ids(staff, mechanism="upr")
    assert sorts == 1
    assert len(again) == len(first) + 2
