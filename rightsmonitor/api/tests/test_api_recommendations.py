"""API v1 for recommendations through real HTTP: the content and its filters, links to actions
of visible plans only, linking, unlinking and rejecting with history rows, suggestions, the
permission matrix, query counts and the schema."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from rightsmonitor.accounts.models import User
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.plans.tests.factories import ActionFactory, build_plan
from rightsmonitor.recommendations import actions, suggestions
from rightsmonitor.recommendations.importers.engine import save_records
from rightsmonitor.recommendations.importers.records import Record
from rightsmonitor.recommendations.models import (
    Recommendation,
    RecommendationLink,
    SuggestionDecision,
)
from rightsmonitor.reporting.actions import set_assessed_status

pytestmark = pytest.mark.django_db

RECOMMENDATIONS = "/api/v1/recommendations/"
FOR_ACTION = "/api/v1/recommendation-suggestions/"
JSON = "application/json"


def record(text: str, source_id: str, **fields: Any) -> Record:
    """A UPR recommendation concerning Kazakhstan unless ``fields`` say otherwise."""
    defaults: dict[str, Any] = {
        "body": "UPR",
        "source": "uhri",
        "language": "en",
        "countries": ["KAZ"],
        "document_date": datetime.date(2020, 3, 1),
    }
    return Record(text=text, source_id=source_id, **{**defaults, **fields})


def save(*records: Record) -> list[Recommendation]:
    save_records(records)
    by_source_id = {r.source_id: r for r in Recommendation.objects.all()}
    return [by_source_id[r.source_id] for r in records]


def url(recommendation: Recommendation, suffix: str = "") -> str:
    return f"{RECOMMENDATIONS}{recommendation.pk}/{suffix}"


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.fixture
def world(coordinator: User) -> SimpleNamespace:
    """A public plan "kz" (1.1 on domestic violence, 1.2 on torture, 1.3 on the press), a draft
    plan with an action on domestic violence, and three recommendations: a UPR one on domestic
    violence, a CEDAW one on women's shelters, a UPR one on torture from another cycle."""
    plan = build_plan(code="kz", sections=1, actions_per_section=3)
    a11, a12, a13 = (plan.actions.get(number=n) for n in ("1.1", "1.2", "1.3"))
    for action, title in (
        (a11, "Adopt a law criminalising domestic violence"),
        (a12, "Investigate every allegation of torture in detention"),
        (a13, "Protect journalists and the freedom of the press"),
    ):
        action.title_en = title
        action.save()
    draft = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    draft_action = draft.actions.get()
    draft_action.title_en = "Shelters for victims of domestic violence"
    draft_action.save()
    violence, shelters, torture = save(
        record(
            "Criminalise domestic violence and prosecute its perpetrators",
            "upr-1",
            paragraph="136.1",
            symbol="A/HRC/44/10",
            cycle="3",
            session="34",
            recommending_states=["Norway", "Chile"],
            position="supported",
            action_category=5,
            themes=["Domestic violence"],
            affected_persons=["Women and girls"],
            sdg_targets=[("5.2", "Eliminate all forms of violence against women")],
            countries=["KAZ", "AAA"],
        ),
        record(
            "Open shelters for women victims of violence in every region",
            "cedaw-1",
            body="CEDAW",
            symbol="CEDAW/C/KAZ/CO/5",
            themes=["Women's rights"],
            affected_persons=["Women and girls"],
            document_date=datetime.date(2019, 11, 12),
        ),
        record(
            "Investigate all allegations of torture and ill-treatment in detention",
            "upr-2",
            symbol="A/HRC/29/6",
            cycle="2",
            themes=["Torture"],
            document_date=datetime.date(2015, 1, 5),
        ),
    )
    return SimpleNamespace(
        plan=plan,
        draft=draft,
        a11=a11,
        a12=a12,
        a13=a13,
        draft_action=draft_action,
        violence=violence,
        shelters=shelters,
        torture=torture,
        coordinator=coordinator,
    )


# Reading -------------------------------------------------------------------------------------


def test_detail_shape_for_the_public(world: SimpleNamespace) -> None:
    actions.link_action(world.violence, world.a11, by=world.coordinator, note="The law of 2024.")
    response = Client().get(url(world.violence))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["url"].startswith("http://testserver/")
    assert data["url"].endswith(world.violence.get_absolute_url())
    assert {key: value for key, value in data.items() if key != "url"} == {
        "id": world.violence.pk,
        "text": "Criminalise domestic violence and prosecute its perpetrators",
        "annotation_type": "",
        "language": "en",
        "paragraph": "136.1",
        "symbol": "A/HRC/44/10",
        "session": "34",
        "cycle": "3",
        "document_date": "2020-03-01",
        "recommending_states": ["Norway", "Chile"],
        "position": "supported",
        "action_category": 5,
        "mechanism": "upr",
        "body": {
            "code": "UPR",
            "name": {
                "en": "Universal Periodic Review",
                "ru": "Универсальный периодический обзор",
                "kk": "Әмбебап мерзімді шолу",
            },
        },
        "themes": [
            {
                "key": "domestic-violence",
                # UN theme names are translated from the catalogue when the file gives only English.
                "name": {
                    "en": "Domestic violence",
                    "ru": "Бытовое насилие",
                    "kk": "Тұрмыстық зорлық-зомбылық",
                },
            }
        ],
        "affected_persons": [
            {"key": "women-and-girls", "name": {"en": "Women and girls", "ru": "", "kk": ""}}
        ],
        "sdg_targets": ["5.2"],
        "countries": ["AAA", "KAZ"],
        "source": "uhri",
        "source_id": "upr-1",
        "status": "not_started",
        "links": [
            {"action": world.a11.pk, "number": "1.1", "plan": "kz", "note": "The law of 2024."}
        ],
    }
    assert Client().get(f"{RECOMMENDATIONS}999999/").status_code == 404


def test_list_order_and_derived_status(world: SimpleNamespace) -> None:
    actions.link_action(world.violence, world.a11, by=world.coordinator)
    actions.link_action(world.torture, world.a12, by=world.coordinator)
    actions.link_action(world.torture, world.a13, by=world.coordinator)
    set_assessed_status(world.a11, "completed", by=world.coordinator, reason="Law adopted.")
    set_assessed_status(world.a12, "in_progress", by=world.coordinator, reason="Started.")

    data = Client().get(RECOMMENDATIONS).json()
    assert data["count"] == 3
    # Newest document first.
    assert [(item["id"], item["status"]) for item in data["results"]] == [
        (world.violence.pk, "implemented"),
        (world.shelters.pk, "not_covered"),
        (world.torture.pk, "in_progress"),
    ]
    assert [link["number"] for link in data["results"][2]["links"]] == ["1.2", "1.3"]


def test_links_to_draft_plans_are_for_staff_only(
    world: SimpleNamespace, ngo_member: User, focal_point_mia: User, administrator: User
) -> None:
    actions.link_action(world.violence, world.a11, by=world.coordinator)
    actions.link_action(world.violence, world.draft_action, by=world.coordinator)

    def numbers(client: Client, path: str) -> list[tuple[str, str]]:
        response = client.get(path)
        assert response.status_code == 200, response.content
        data = response.json()
        links = data if isinstance(data, list) else data["links"]
        return [(link["plan"], link["number"]) for link in links]

    for user in (None, ngo_member, focal_point_mia):
        client = client_for(user)
        assert numbers(client, url(world.violence)) == [("kz", "1.1")]
        assert numbers(client, url(world.violence, "links/")) == [("kz", "1.1")]
        listed = client.get(RECOMMENDATIONS).json()["results"]
        assert [link["plan"] for item in listed for link in item["links"]] == ["kz"]
    for user in (world.coordinator, administrator):
        client = client_for(user)
        both = [("draft", "1.1"), ("kz", "1.1")]
        assert numbers(client, url(world.violence)) == both
        assert numbers(client, url(world.violence, "links/")) == both


def test_filters(world: SimpleNamespace) -> None:
    actions.link_action(world.violence, world.a11, by=world.coordinator)
    client = Client()

    def found(**params: Any) -> set[int]:
        return ids(client.get(RECOMMENDATIONS, params))

    assert found() == {world.violence.pk, world.shelters.pk, world.torture.pk}
    assert found(mechanism="upr") == {world.violence.pk, world.torture.pk}
    assert found(mechanism="treaty_body") == {world.shelters.pk}
    assert found(mechanism=["upr", "treaty_body"]) == found()
    assert found(body="CEDAW") == {world.shelters.pk}
    assert found(theme="torture") == {world.torture.pk}
    assert found(affected="women-and-girls") == {world.violence.pk, world.shelters.pk}
    assert found(linked="false") == {world.shelters.pk, world.torture.pk}
    assert found(linked="true") == {world.violence.pk}
    assert found(plan="kz") == {world.violence.pk}
    assert found(action=world.a11.pk) == {world.violence.pk}
    assert found(status="not_covered") == {world.shelters.pk, world.torture.pk}
    assert found(q="torture") == {world.torture.pk}
    assert found(q="violence") == {world.violence.pk, world.shelters.pk}
    assert found(q="shelters violence") == {world.shelters.pk}
    assert found(q='"domestic violence"') == {world.violence.pk}
    assert found(cycle="2") == {world.torture.pk}
    assert found(year=2019) == {world.shelters.pk}
    assert found(sdg="5.2") == {world.violence.pk}
    assert found(country="AAA") == {world.violence.pk}
    assert found(position="supported") == {world.violence.pk}

    bad = client.get(RECOMMENDATIONS, {"mechanism": "nope", "year": "x"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"mechanism", "year"}


# Linking and unlinking -----------------------------------------------------------------------


def test_link_and_unlink_with_history(world: SimpleNamespace) -> None:
    staff = client_for(world.coordinator)
    links = url(world.violence, "links/")

    created = staff.post(links, {"action": world.a11.pk, "note": "First."}, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json() == {
        "action": world.a11.pk,
        "number": "1.1",
        "plan": "kz",
        "note": "First.",
    }
    again = staff.post(links, {"action": world.a11.pk, "note": "Better."}, content_type=JSON)
    assert again.status_code == 200
    assert again.json()["note"] == "Better."
    assert Client().get(links).json() == [again.json()]
    assert Client().get(url(world.violence)).json()["status"] == "not_started"

    gone = staff.delete(url(world.violence, f"links/{world.a11.pk}/"))
    assert gone.status_code == 204
    assert not RecommendationLink.objects.exists()
    assert staff.delete(url(world.violence, f"links/{world.a11.pk}/")).status_code == 404
    assert Client().get(url(world.violence)).json()["status"] == "not_covered"

    history = RecommendationLink.history.order_by("history_date", "history_id")
    assert [(row.history_type, row.note, row.history_user) for row in history] == [
        ("+", "First.", world.coordinator),
        ("~", "Better.", world.coordinator),
        ("-", "Better.", world.coordinator),
    ]


def test_bad_link_requests_are_field_errors(world: SimpleNamespace) -> None:
    staff = client_for(world.coordinator)
    links = url(world.violence, "links/")

    response = staff.post(links, {"action": 999999}, content_type=JSON)
    assert response.status_code == 400
    assert set(response.json()) == {"action"}
    response = staff.post(links, {"action": "x", "method": "guess"}, content_type=JSON)
    assert response.status_code == 400
    assert set(response.json()) == {"action", "method"}
    assert set(staff.post(links, {}, content_type=JSON).json()) == {"action"}
    assert (
        staff.post(f"{RECOMMENDATIONS}999999/links/", {"action": world.a11.pk}).status_code == 404
    )
    assert not RecommendationLink.objects.exists()


def test_staff_cannot_link_actions_they_may_not_see(
    world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The action is looked up among ``access.linkable_actions``: outside it is a field error."""
    from rightsmonitor.recommendations import access

    monkeypatch.setattr(
        access, "linkable_actions", lambda user: Action.objects.filter(plan__code="kz")
    )
    staff = client_for(world.coordinator)
    response = staff.post(
        url(world.violence, "links/"), {"action": world.draft_action.pk}, content_type=JSON
    )
    assert response.status_code == 400
    assert set(response.json()) == {"action"}
    assert not RecommendationLink.objects.exists()


def test_only_coordinators_and_administrators_change_links(
    world: SimpleNamespace, ngo_member: User, focal_point_mia: User, administrator: User
) -> None:
    links = url(world.violence, "links/")
    unlink = url(world.violence, f"links/{world.a11.pk}/")
    body = {"action": world.a11.pk, "note": ""}
    for client in (Client(), client_for(ngo_member), client_for(focal_point_mia)):
        assert client.post(links, body, content_type=JSON).status_code == 403
        # Refused before the input is read: no hint whether the action exists.
        assert client.post(links, {"action": 999999}, content_type=JSON).status_code == 403
    assert not RecommendationLink.objects.exists()

    admin = client_for(administrator)
    assert admin.post(links, body, content_type=JSON).status_code == 201
    for client in (Client(), client_for(ngo_member), client_for(focal_point_mia)):
        assert client.delete(unlink).status_code == 403
    assert RecommendationLink.objects.count() == 1
    assert admin.delete(unlink).status_code == 204
    # Recommendations themselves are not written over the API.
    assert admin.post(RECOMMENDATIONS, {"text": "x"}, content_type=JSON).status_code == 405
    assert admin.delete(url(world.violence)).status_code == 405
    assert admin.get(unlink).status_code == 405


# Suggestions ---------------------------------------------------------------------------------


def test_suggested_actions(world: SimpleNamespace) -> None:
    staff = client_for(world.coordinator)
    response = staff.get(url(world.torture, "suggestions/"))
    assert response.status_code == 200, response.content
    found = response.json()
    assert found[0] == {
        "action": world.a12.pk,
        "number": "1.2",
        "title": {
            "en": "Investigate every allegation of torture in detention",
            "ru": "",
            "kk": "",
        },
        "plan": "kz",
        "score": found[0]["score"],
        "method": "fulltext",
    }
    assert found[0]["score"] > 0
    assert len(found) <= suggestions.LIMIT

    # The draft plan's action matches the domestic violence recommendations; only from there
    # when asked for that plan.
    shelters = staff.get(url(world.shelters, "suggestions/"), {"plan": "draft"}).json()
    assert [(item["plan"], item["action"]) for item in shelters] == [
        ("draft", world.draft_action.pk)
    ]
    explicit = staff.get(url(world.torture, "suggestions/"), {"method": "fulltext"})
    assert explicit.json() == found


def test_suggestion_parameters_are_checked(
    world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = client_for(world.coordinator)
    suggested = url(world.torture, "suggestions/")
    response = staff.get(suggested, {"method": "guess", "plan": "nope"})
    assert response.status_code == 400
    assert set(response.json()) == {"method", "plan"}

    monkeypatch.setattr(suggestions, "methods", lambda: [suggestions.FULLTEXT])
    response = staff.get(suggested, {"method": "embedding"})
    assert response.status_code == 400
    assert response.json() == {"method": ["This method is not available on this server."]}
    assert staff.get(f"{RECOMMENDATIONS}999999/suggestions/").status_code == 404


def test_suggestions_are_for_staff(
    world: SimpleNamespace, ngo_member: User, focal_point_mia: User, administrator: User
) -> None:
    suggested = url(world.torture, "suggestions/")
    reject = url(world.torture, f"suggestions/{world.a12.pk}/reject/")
    for client in (Client(), client_for(ngo_member), client_for(focal_point_mia)):
        assert client.get(suggested).status_code == 403
        assert client.post(reject, {}, content_type=JSON).status_code == 403
        assert client.get(FOR_ACTION, {"action": world.a12.pk}).status_code == 403
    assert not SuggestionDecision.objects.exists()
    admin = client_for(administrator)
    assert admin.get(suggested).status_code == 200
    assert admin.get(FOR_ACTION, {"action": world.a12.pk}).status_code == 200


def test_reject_and_accept_suggestions(world: SimpleNamespace) -> None:
    staff = client_for(world.coordinator)
    suggested = url(world.torture, "suggestions/")
    assert world.a12.pk in {item["action"] for item in staff.get(suggested).json()}

    reject = url(world.torture, f"suggestions/{world.a12.pk}/reject/")
    response = staff.post(reject, {"method": "fulltext"}, content_type=JSON)
    assert response.status_code == 200, response.content
    data = response.json()
    assert {key: data[key] for key in ("recommendation", "action", "decision", "method")} == {
        "recommendation": world.torture.pk,
        "action": world.a12.pk,
        "decision": "rejected",
        "method": "fulltext",
    }
    assert world.a12.pk not in {item["action"] for item in staff.get(suggested).json()}
    decision = SuggestionDecision.objects.get()
    assert [
        (row.history_type, row.decision, row.history_user) for row in decision.history.all()
    ] == [("+", "rejected", world.coordinator)]

    # Accepting: a link that names the method; the decision is recorded as accepted.
    accepted = staff.post(
        url(world.violence, "links/"),
        {"action": world.a11.pk, "method": "fulltext"},
        content_type=JSON,
    )
    assert accepted.status_code == 201
    assert SuggestionDecision.objects.get(recommendation=world.violence).decision == "accepted"
    assert world.a11.pk not in {
        item["action"] for item in staff.get(url(world.violence, "suggestions/")).json()
    }

    # A linked action cannot be rejected; unknown actions are not found.
    linked = staff.post(url(world.violence, f"suggestions/{world.a11.pk}/reject/"), {})
    assert linked.status_code == 400
    assert list(linked.json()) == ["non_field_errors"]
    assert staff.post(url(world.torture, "suggestions/999999/reject/"), {}).status_code == 404
    bad_method = staff.post(reject, {"method": "guess"}, content_type=JSON)
    assert bad_method.status_code == 400
    assert set(bad_method.json()) == {"method"}


def test_recommendations_suggested_for_an_action(world: SimpleNamespace) -> None:
    # A recommendation about another country is suggested only when none concerns the plan's.
    (elsewhere,) = save(
        record("Prevent torture in prisons and places of detention", "uzb-1", countries=["UZB"])
    )
    staff = client_for(world.coordinator)
    response = staff.get(FOR_ACTION, {"action": world.a12.pk})
    assert response.status_code == 200, response.content
    found = response.json()
    assert found[0]["recommendation"] == world.torture.pk
    assert elsewhere.pk not in {item["recommendation"] for item in found}
    assert {key: found[0][key] for key in ("body", "symbol", "paragraph", "text", "method")} == {
        "body": "UPR",
        "symbol": "A/HRC/29/6",
        "paragraph": "",
        "text": "Investigate all allegations of torture and ill-treatment in detention",
        "method": "fulltext",
    }
    assert found[0]["url"].endswith(world.torture.get_absolute_url())

    actions.link_action(world.torture, world.a12, by=world.coordinator)
    left = {
        item["recommendation"] for item in staff.get(FOR_ACTION, {"action": world.a12.pk}).json()
    }
    assert world.torture.pk not in left

    assert set(staff.get(FOR_ACTION).json()) == {"action"}
    assert set(staff.get(FOR_ACTION, {"action": 999999}).json()) == {"action"}
    assert staff.get(FOR_ACTION, {"action": "x"}).status_code == 400


# Query counts and schema ---------------------------------------------------------------------


def test_list_query_count_does_not_grow(
    world: SimpleNamespace,
    ngo_member: User,
    administrator: User,
    django_assert_max_num_queries: Any,
) -> None:
    clients = [Client(), client_for(ngo_member), client_for(world.coordinator)]
    actions.link_action(world.violence, world.a11, by=world.coordinator)
    actions.link_action(world.violence, world.draft_action, by=world.coordinator)
    set_assessed_status(world.a11, "in_progress", by=world.coordinator, reason="Started.")
    # Session, user; count, page with bodies; themes, affected persons, SDG targets,
    # countries, visible links with their actions and plans; linked actions, their statuses.
    for client in clients:
        with django_assert_max_num_queries(11):
            assert client.get(RECOMMENDATIONS).json()["count"] == 3
        with django_assert_max_num_queries(11):
            assert client.get(url(world.violence)).status_code == 200

    more = save(
        *(
            record(
                f"Recommendation number {n} on torture",
                f"bulk-{n}",
                body="CEDAW" if n % 2 else "CAT",
                themes=[f"Theme {n % 5}"],
                affected_persons=["Women and girls"],
                sdg_targets=[(f"16.{n % 3 + 1}", "")],
                countries=["KAZ", "UZB"],
            )
            for n in range(37)
        )
    )
    extra = [ActionFactory(section=world.a11.section, plan=world.plan) for _ in range(5)]
    for n, recommendation in enumerate(more):
        actions.link_action(recommendation, extra[n % 5], by=world.coordinator, note=str(n))
        actions.link_action(recommendation, world.draft_action, by=world.coordinator)
    for client in clients:
        with django_assert_max_num_queries(11):
            response = client.get(RECOMMENDATIONS)
        assert response.json()["count"] == 40
        with django_assert_max_num_queries(11):
            assert client.get(RECOMMENDATIONS, {"mechanism": "treaty_body"}).status_code == 200


def test_schema_documents_the_recommendation_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/v1/recommendations/",
        "/api/v1/recommendations/{id}/",
        "/api/v1/recommendations/{id}/links/",
        "/api/v1/recommendations/{id}/links/{action_id}/",
        "/api/v1/recommendations/{id}/suggestions/",
        "/api/v1/recommendations/{id}/suggestions/{action_id}/reject/",
        "/api/v1/recommendation-suggestions/",
    } <= set(paths)
    listing = {p["name"] for p in paths["/api/v1/recommendations/"]["get"]["parameters"]}
    assert {
        "q",
        "mechanism",
        "body",
        "theme",
        "affected",
        "position",
        "sdg",
        "country",
        "year",
        "cycle",
        "symbol",
        "linked",
        "status",
        "action",
        "plan",
        "limit",
        "offset",
    } <= listing
    assert set(paths["/api/v1/recommendations/{id}/links/"]) == {"get", "post"}
    assert set(paths["/api/v1/recommendations/{id}/links/{action_id}/"]) == {"delete"}
    suggested = paths["/api/v1/recommendations/{id}/suggestions/"]["get"]
    assert {p["name"] for p in suggested["parameters"]} == {"id", "method", "plan"}
    assert {"200", "400", "403", "404"} <= set(suggested["responses"])
    post = paths["/api/v1/recommendations/{id}/links/"]["post"]
    assert {"201", "400", "403"} <= set(post["responses"])
    for_action = paths["/api/v1/recommendation-suggestions/"]["get"]
    assert [p["name"] for p in for_action["parameters"]] == ["action"]
    assert for_action["parameters"][0]["required"] is True
