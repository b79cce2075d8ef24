"""The site search's facet counts are computed once per generation of content
(docs/decisions/0012): a second search with the same filters reads them from the cache, also
for signed-in readers, whose pages are never cached; a change that commits is counted at once.

Real commits (``transaction=True``): the index and the generation move on when a change
commits, as in production.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rightsmonitor.accounts.models import User
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.actions import update_action
from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.portal import search
from rightsmonitor.portal.models import SearchDocument

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]
URL = "/search/"
Kind = SearchDocument.Kind


@pytest.fixture
def plan() -> Plan:
    plan = build_plan(code="kz", sections=1, actions_per_section=3)
    Action.objects.filter(plan=plan).update(title_en="Visit places of detention")
    first = plan.actions.order_by("order").first()
    assert first is not None
    Action.objects.filter(pk=first.pk).update(title_en="Prevent torture in detention")
    search.refresh()  # updates send no signals: index what they wrote
    return plan


def kinds(client: Client, **params: str) -> tuple[dict[str, int], int, list[str]]:
    """The kind facet's counts, the number of results, and the statements the page ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    groups = {group.name: group for group in response.context["listing"]["facets"]}
    counts = {value.value: value.count for value in groups["kind"].values}
    return counts, response.context["listing"]["page"].paginator.count, [q["sql"] for q in queries]


def facet_statements(statements: list[str]) -> int:
    return sum("UNION ALL" in sql for sql in statements)


def test_facets_come_from_the_cache_until_a_change_commits(
    plan: Plan, coordinator: User, client: Client
) -> None:
    staff = client_for(coordinator)  # a signed-in reader: the page itself is never cached
    counts, found, statements = kinds(staff, q="torture")
    assert (counts, found) == ({Kind.ACTION: 1}, 1)
    assert facet_statements(statements) == 1

    counts, found, statements = kinds(staff, q="Torture")  # the same words, analysed
    assert (counts, found) == ({Kind.ACTION: 1}, 1)
    assert facet_statements(statements) == 0
    # Another page of the same search, anonymously: a new page, the same counts.
    assert kinds(client, q="torture", page="2")[0:2] == ({Kind.ACTION: 1}, 1)
    assert facet_statements(kinds(client, q="torture", page="3")[2]) == 0

    second = plan.actions.order_by("order")[1]
    update_action(second, {"title_en": "Torture victims' rehabilitation"}, by=coordinator)
    counts, found, statements = kinds(staff, q="torture")
    assert (counts, found) == ({Kind.ACTION: 2}, 2)
    assert facet_statements(statements) == 1


def test_other_filters_and_languages_are_counted_apart(plan: Plan, client: Client) -> None:
    assert kinds(client)[0:2] == ({Kind.ACTION: 3}, 3)
    assert kinds(client, q="torture")[0:2] == ({Kind.ACTION: 1}, 1)
    assert kinds(client, q="torture", kind=Kind.REPORT)[0:2] == ({Kind.REPORT: 0}, 0)
    assert kinds(client, q="detention")[0:2] == ({Kind.ACTION: 3}, 3)
    english = client.get(URL, {"plan": "kz"})
    russian = client.get("/ru/search/", {"plan": "kz"})
    labels = {g.name: g.label for g in english.context["listing"]["facets"]}
    russian_labels = {g.name: g.label for g in russian.context["listing"]["facets"]}
    assert labels["kind"] != russian_labels["kind"]  # each language's own labels
