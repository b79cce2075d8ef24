"""API v1 through real HTTP: content, visibility of drafts, filters, schema, query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan

pytestmark = pytest.mark.django_db


def test_plan_list_and_detail(client: Client) -> None:
    plan = build_plan(code="kz-2022", title_ru="План действий")
    data = client.get("/api/v1/plans/").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["code"] == "kz-2022"
    assert item["title"]["ru"] == "План действий"
    assert item["adopting_instrument"]["number"] == plan.adopting_instrument.number
    detail = client.get("/api/v1/plans/kz-2022/").json()
    assert detail["country"] == "KAZ"


def test_draft_plans_hidden_from_public_but_not_from_coordinator(
    client: Client, coordinator
) -> None:
    build_plan(code="draft-plan", status=Plan.Status.DRAFT)
    assert client.get("/api/v1/plans/").json()["count"] == 0
    assert client.get("/api/v1/plans/draft-plan/").status_code == 404
    assert client.get("/api/v1/actions/").json()["count"] == 0
    staff = client_for(coordinator)
    assert staff.get("/api/v1/plans/").json()["count"] == 1
    assert staff.get("/api/v1/actions/").json()["count"] == 6


def test_action_shape_and_filters(client: Client) -> None:
    build_plan(code="p1", sections=2, actions_per_section=2)
    build_plan(code="p2", sections=1, actions_per_section=1)
    response = client.get("/api/v1/actions/", {"plan": "p1", "section": "2"})
    results = response.json()["results"]
    assert [a["number"] for a in results] == ["2.1", "2.2"]
    action = results[0]
    assert action["agencies"] == [
        {"agency": "MIA", "role": "lead", "as_agreed": False},
        {"agency": "GPO", "role": "co_executor", "as_agreed": True},
    ]
    assert action["deadline"]["text"] == "December 2022"
    assert action["deadline"]["due_date"] == "2022-12-31"
    assert action["url"].startswith("http://testserver/plans/p1/actions/2.1/")
    assert client.get("/api/v1/actions/", {"agency": "GPO"}).json()["count"] == 5
    assert client.get("/api/v1/actions/", {"due_before": "2022-01-01"}).json()["count"] == 0


def test_invalid_filter_value_is_a_field_error(client: Client) -> None:
    response = client.get("/api/v1/actions/", {"due_before": "not-a-date"})
    assert response.status_code == 400
    assert "due_before" in response.json()


def test_agencies_sections_instruments(client: Client) -> None:
    build_plan(code="p1")
    assert {a["abbreviation"] for a in client.get("/api/v1/agencies/").json()["results"]} == {
        "MIA",
        "GPO",
    }
    assert client.get("/api/v1/agencies/MIA/").json()["name"]["en"] == "Agency MIA"
    assert client.get("/api/v1/sections/", {"plan": "p1"}).json()["count"] == 2
    assert client.get("/api/v1/instruments/").json()["count"] == 1


def test_schema_and_docs(client: Client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/actions/" in paths
    parameters = {p["name"] for p in paths["/api/v1/actions/"]["get"]["parameters"]}
    assert {"plan", "agency", "due_before", "limit", "offset"} <= parameters
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_the_schema_says_which_fields_may_be_null(client: Client) -> None:
    """Every optional link is declared nullable, as the answers have it (schemathesis)."""
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    components = schema.json()["components"]["schemas"]

    def nullable(component: str, field: str) -> bool:
        declared = components[component]["properties"][field]
        return bool(declared.get("nullable")) or any(
            option.get("nullable") for option in declared.get("allOf", declared.get("oneOf", []))
        )

    for component, field in [
        ("Agency", "parent"),
        ("Plan", "superseded_by"),
        ("Plan", "coordinator"),
        ("Plan", "adopting_instrument"),
        ("Plan", "parent_instrument"),
        ("Comment", "organisation"),
    ]:
        assert nullable(component, field), (component, field)


def test_api_is_read_only(client: Client, coordinator) -> None:
    build_plan(code="p1")
    staff = client_for(coordinator)
    assert staff.post("/api/v1/plans/", {"code": "x"}).status_code in (403, 405)
    assert client.delete("/api/v1/plans/p1/").status_code in (403, 405)


@pytest.mark.parametrize(
    "url", ["/api/v1/plans/", "/api/v1/actions/", "/api/v1/sections/", "/api/v1/agencies/"]
)
def test_list_query_count_does_not_grow(
    client: Client, django_assert_max_num_queries, url: str
) -> None:
    build_plan(code="small", sections=2, actions_per_section=5)
    with django_assert_max_num_queries(8):
        client.get(url)
    build_plan(code="large", sections=10, actions_per_section=30)
    # Count, page, and one query per prefetched relation: the same bound for 10 and 310 actions.
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
