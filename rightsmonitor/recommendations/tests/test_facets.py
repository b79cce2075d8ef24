"""The search's facet counts (``queries.facets``) against a count of the rows one by one, for
the public and for staff (links to actions of draft plans count for staff only), with and
without filters, and the search page's query count without filters."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.plans.access import plans_for_user
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.recommendations.models import Mechanism, Position, Recommendation
from rightsmonitor.recommendations.models import RecommendationLink as Link
from rightsmonitor.recommendations.queries import (
    RecommendationFilter,
    facets,
    filter_data,
    selected_facets,
)
from rightsmonitor.recommendations.status import derive_status
from rightsmonitor.recommendations.tests.factories import (
    RecommendationWorld,
    make_recommendations,
    recommendation_world,
)
from rightsmonitor.reporting.models import ActionMonitoring, ImplementationStatus

pytestmark = pytest.mark.django_db

SEARCH = reverse("recommendations:search")
QUERIES = [
    "",
    "mechanism=treaty_body",
    "mechanism=upr&mechanism=treaty_body",
    "body=CAT,CEDAW",
    "theme=t-torture",
    "affected=g-women",
    "sdg=16.3",
    "country=KAZ",
    "country=FRA,KAZ",
    "year=2021",
    "position=supported",
    "type=Concerns/Observations",
    "q=torture",
    "q=torture&country=KAZ",
    "linked=true",
    "linked=false",
    "status=not_covered",
    "status=not_started",
    "status=implemented",
    "body=NOBODY",
]


class Request:
    def __init__(self, user: Any) -> None:
        self.user = user


@pytest.fixture
def world(coordinator: Any) -> RecommendationWorld:
    """The usual four, twelve more of varied bodies, themes, countries and dates (one undated,
    two of another type), and links to a plan in force and to a draft plan."""
    world = recommendation_world(code="kz")
    bodies = [
        ("CAT", Mechanism.TREATY_BODY),
        ("UPR", Mechanism.UPR),
        ("CEDAW", Mechanism.TREATY_BODY),
    ]
    for n in range(12):
        body, mechanism = bodies[n % 3]
        make_recommendations(
            1,
            body=body,
            mechanism=mechanism,
            symbol=f"{body}/C/X/{n}",
            document_date=None if n == 5 else date(2018 + n % 4, 1 + n % 12, 1),
            position=Position.SUPPORTED if mechanism == Mechanism.UPR else Position.NO_RESPONSE,
            annotation_type="Concerns/Observations" if n in (3, 4) else "Recommendation",
            themes=["Torture"] if n % 2 else ["Torture", "Gender equality"],
            affected_persons=["Women"] if n % 4 == 0 else [],
            sdg_targets=[("16.3", "Rule of law")] if n % 3 else [],
            countries=["KAZ", "FRA"] if n % 5 == 0 else ["FRA"],
        )
    from rightsmonitor.plans.models import Theme

    Theme.objects.filter(name_en="Torture").update(key="t-torture")
    Theme.objects.filter(name_en="Women").update(key="g-women")
    draft = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=2)
    draft_actions = list(draft.actions.all())
    recommendations = list(Recommendation.objects.order_by("pk"))
    Link.objects.create(recommendation=world.women, action=draft_actions[0])
    Link.objects.create(recommendation=world.torture, action=draft_actions[1])
    Link.objects.create(recommendation=recommendations[6], action=world.actions[2])
    Link.objects.create(recommendation=recommendations[7], action=world.actions[2])
    Link.objects.create(recommendation=recommendations[7], action=world.actions[3])
    ActionMonitoring.objects.create(
        action=world.actions[2], assessed_status=ImplementationStatus.COMPLETED
    )
    ActionMonitoring.objects.create(
        action=world.actions[3], assessed_status=ImplementationStatus.IN_PROGRESS
    )
    return world


def counted_one_by_one(queryset: Any, user: Any) -> dict[str, Counter[str]]:
    """Each facet's counts, reading each recommendation and its links in Python."""
    visible = set(plans_for_user(user).values_list("pk", flat=True))
    assessed = dict(ActionMonitoring.objects.values_list("action_id", "assessed_status"))
    counts: dict[str, Counter[str]] = {}

    def add(name: str, value: Any) -> None:
        if value not in (None, ""):
            counts.setdefault(name, Counter())[str(value)] += 1

    for rec in queryset.select_related("body"):
        add("mechanism", rec.body.mechanism)
        add("body", rec.body.code)
        add("position", rec.position)
        add("year", rec.document_date.year if rec.document_date else None)
        add("type", rec.annotation_type)
        for theme in rec.themes.all():
            add("theme", theme.key)
        for theme in rec.affected_persons.all():
            add("affected", theme.key)
        for target in rec.sdg_targets.all():
            add("sdg", target.code)
        for country in rec.countries.all():
            add("country", country.country)
        links = [
            link for link in rec.links.select_related("action") if link.action.plan_id in visible
        ]
        add(
            "status",
            derive_status(
                assessed.get(link.action_id, ImplementationStatus.NOT_STARTED) for link in links
            ),
        )
    if len(counts.get("type", {})) < 2:
        counts.pop("type", None)
    return counts


def counted_by_facets(query: str, user: Any) -> tuple[dict[str, Counter[str]], Any]:
    data = QueryDict(query)
    filterset = RecommendationFilter(
        filter_data(data), queryset=Recommendation.objects.all(), request=Request(user)
    )
    found = facets(filterset.qs, selected_facets(data), user=user)
    counts = {
        facet.name: Counter({value.value: value.count for value in facet.values if value.count})
        for facet in found
    }
    if "type" in counts and "type" in data and len(counts["type"]) < 2:
        counts.pop("type")  # shown because it is chosen, not because the rows differ
    return {name: values for name, values in counts.items() if values}, filterset.qs


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("role", ["public", "coordinator"])
def test_facet_counts_are_those_of_the_rows(
    query: str, role: str, world: RecommendationWorld, request: Any
) -> None:
    user = AnonymousUser() if role == "public" else request.getfixturevalue(role)
    by_facets, queryset = counted_by_facets(query, user)
    assert by_facets == counted_one_by_one(queryset, user)


def test_links_to_draft_plans_change_the_status_counts_for_staff_only(
    world: RecommendationWorld, coordinator: Any
) -> None:
    for query in ("", "country=KAZ"):  # every table whole, and within filtered ids
        public, _qs = counted_by_facets(query, AnonymousUser())
        staff, _qs = counted_by_facets(query, coordinator)
        # The CEDAW recommendation is linked to a draft plan's action only.
        assert staff["status"]["not_started"] == public["status"]["not_started"] + 1
        assert staff["status"]["not_covered"] == public["status"]["not_covered"] - 1


def test_linking_and_assessing_change_the_counts_at_once(
    world: RecommendationWorld, coordinator: Any
) -> None:
    from rightsmonitor.recommendations import actions
    from rightsmonitor.reporting.actions import set_assessed_status

    def statuses(query: str) -> Counter[str]:
        return counted_by_facets(query, AnonymousUser())[0]["status"]

    before = {query: statuses(query) for query in ("", "country=KAZ")}
    actions.link_action(world.russian, world.actions[2], by=coordinator)  # completed
    for query, counts in before.items():
        assert statuses(query)["implemented"] == counts["implemented"] + 1
        assert statuses(query)["not_covered"] == counts["not_covered"] - 1
    # Action 2.1 answers three recommendations, one of them about Kazakhstan.
    set_assessed_status(world.actions[2], ImplementationStatus.IN_PROGRESS, by=coordinator)
    for query, more in (("", 3), ("country=KAZ", 1)):
        assert statuses(query)["in_progress"] == before[query].get("in_progress", 0) + more
    link = Link.objects.get(recommendation=world.russian, action=world.actions[2])
    actions.unlink_action(link, by=coordinator)
    set_assessed_status(world.actions[2], ImplementationStatus.COMPLETED, by=coordinator)
    assert {query: statuses(query) for query in before} == before


def _queries(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SEARCH, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"theme": "t-torture"}, {"q": "torture", "year": "2021"}])
def test_search_reads_in_a_constant_number_of_queries_with_any_filter(
    params: dict[str, str], world: RecommendationWorld, coordinator: Any
) -> None:
    client = client_for(coordinator)
    _queries(client, params)  # warm-up: the session, the content types
    few = _queries(client, params)
    for index, recommendation in enumerate(
        make_recommendations(40, themes=["Torture", "Other"], document_date=date(2021, 5, 1))
    ):
        if index % 3 == 0:
            Link.objects.create(recommendation=recommendation, action=world.actions[index % 4])
    assert _queries(client, params) == few
