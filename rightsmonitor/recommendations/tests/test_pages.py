"""Recommendation pages through the front door: who sees what, the facets and the words of the
search, highlighting, linking and answering suggestions, the action's block, the coverage page
and constant query counts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.recommendations.models import (
    Mechanism,
    RecommendationLink,
    SuggestionDecision,
)
from rightsmonitor.recommendations.tests.factories import (
    RecommendationWorld,
    make_recommendations,
    recommendation_world,
)
from rightsmonitor.reporting.models import ImplementationStatus
from rightsmonitor.reporting.tests.factories import ActionMonitoringFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("recommendations:search")
COVERAGE = reverse("recommendations:coverage")


@pytest.fixture
def world() -> RecommendationWorld:
    return recommendation_world(code="kz")


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's main text without tags, spaces collapsed."""
    html = response.content.decode()
    html = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def found(response) -> set[str]:  # type: ignore[no-untyped-def]
    """The document symbols of the results listed on a search page."""
    html = response.content.decode()
    results = html[html.index('class="results-list"') :] if "results-list" in html else ""
    return set(re.findall(r"<h3><a href=\"[^\"]+\">\w+ · ([^,<]+)", results))


def detail_url(recommendation) -> str:  # type: ignore[no-untyped-def]
    return reverse("recommendations:detail", args=[recommendation.pk])


def _answering_action(world: RecommendationWorld) -> Action:
    """Action 2.1 rewritten to answer the torture recommendation (for the suggestions)."""
    action = world.actions[2]
    Action.objects.filter(pk=action.pk).update(
        title_en="Investigate every allegation of torture and ill-treatment in detention"
    )
    action.refresh_from_db()
    return action


# Who sees what -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["public", "ngo_member", "focal_point_mia", "coordinator"])
def test_pages_render_for_every_role(role: str, world: RecommendationWorld, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(role)
    client = client_for(user)
    manager = role == "coordinator"

    search = client.get(SEARCH)
    assert search.status_code == 200
    assert found(search) == {
        "CAT/C/KAZ/CO/4",
        "A/HRC/44/10",
        "CEDAW/C/KAZ/CO/5",
        "CCPR/C/KAZ/CO/3",
    }
    assert ("Import recommendations" in text_of(search)) is manager
    assert f'<a href="{SEARCH}">Recommendations</a>' in search.content.decode()  # the menu

    detail = client.get(detail_url(world.upr))
    assert detail.status_code == 200
    text = text_of(detail)
    assert "Guarantee the safety of journalists" in text
    assert "Norway, Canada" in text and "Supported" in text and "Media law" in text
    assert "1.2. Draft a law" in text
    assert ("Link an action" in text) is manager
    assert ("Suggested actions" in text) is manager

    assert client.get(COVERAGE).status_code == 200
    action_page = client.get(
        reverse("recommendations:action_recommendations", args=[world.actions[0].pk])
    )
    assert action_page.status_code == 200
    assert "CAT/C/KAZ/CO/4" in text_of(action_page)
    assert ("Suggested recommendations" in text_of(action_page)) is manager


def test_links_to_actions_of_draft_plans_are_hidden_from_the_public(
    world: RecommendationWorld, coordinator
) -> None:
    draft = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    RecommendationLink.objects.create(recommendation=world.women, action=draft.actions.get())

    public_text = text_of(Client().get(detail_url(world.women)))
    assert "No action of the plans is linked" in public_text
    assert "draft" not in public_text
    assert "draft" in text_of(client_for(coordinator).get(detail_url(world.women)))
    assert (
        Client()
        .get(reverse("recommendations:action_recommendations", args=[draft.actions.get().pk]))
        .status_code
        == 404
    )


def test_unknown_recommendation_is_404(client: Client) -> None:
    assert client.get(reverse("recommendations:detail", args=[999999])).status_code == 404


# The search -----------------------------------------------------------------------------------------


def test_facets_filter_by_mechanism_theme_status_and_linked(
    client: Client, world: RecommendationWorld
) -> None:
    torture_theme = world.torture.themes.get().key
    ActionMonitoringFactory(action=world.actions[1], assessed_status=ImplementationStatus.COMPLETED)

    assert found(client.get(SEARCH, {"mechanism": "upr"})) == {"A/HRC/44/10"}
    assert found(client.get(SEARCH, {"mechanism": ["upr", "treaty_body"]})) == {
        "A/HRC/44/10",
        "CAT/C/KAZ/CO/4",
        "CEDAW/C/KAZ/CO/5",
        "CCPR/C/KAZ/CO/3",
    }
    assert found(client.get(SEARCH, {"theme": torture_theme})) == {
        "CAT/C/KAZ/CO/4",
        "CCPR/C/KAZ/CO/3",
    }
    assert found(client.get(SEARCH, {"status": "implemented"})) == {"A/HRC/44/10"}
    assert found(client.get(SEARCH, {"status": "not_started"})) == {"CAT/C/KAZ/CO/4"}
    assert found(client.get(SEARCH, {"linked": "false"})) == {
        "CEDAW/C/KAZ/CO/5",
        "CCPR/C/KAZ/CO/3",
    }
    assert found(client.get(SEARCH, {"body": "CEDAW,CCPR"})) == {
        "CEDAW/C/KAZ/CO/5",
        "CCPR/C/KAZ/CO/3",
    }
    # Several values of a listed facet, as checkboxes send them, mean the same.
    assert found(client.get(SEARCH, {"body": ["CEDAW", "CCPR"]})) == {
        "CEDAW/C/KAZ/CO/5",
        "CCPR/C/KAZ/CO/3",
    }


def test_facets_show_counts_and_the_chosen_values_ticked(
    client: Client, world: RecommendationWorld
) -> None:
    response = client.get(SEARCH, {"mechanism": "treaty_body"})
    html = response.content.decode()
    text = text_of(response)

    assert "3 recommendations" in text
    assert "Treaty body (3)" in text
    assert "CAT (1)" in text and "CEDAW (1)" in text
    assert re.search(r'name="mechanism" value="treaty_body" id="[^"]+" checked', html)
    assert "Linked to an action" in text and "Yes (1)" in text and "No (2)" in text
    for legend in ("Mechanism", "Body", "Theme", "Affected persons", "Year", "Status"):
        assert f"<legend>{legend}</legend>" in html
    # The chosen value is listed with a link that removes it.
    assert f'href="{SEARCH}"' in html and "Mechanism: Treaty body" in text


@pytest.mark.django_db
def test_the_type_facet_shows_only_when_the_rows_differ(client: Client) -> None:
    make_recommendations(2, symbol="CAT/C/KAZ/CO/4", annotation_type="Recommendation")
    assert 'name="type"' not in client.get(SEARCH).content.decode()
    make_recommendations(1, symbol="CAT/C/KAZ/CO/3", annotation_type="Concerns/Observations")
    page = client.get(SEARCH).content.decode()
    assert 'name="type"' in page
    assert found(client.get(SEARCH, {"type": "Concerns/Observations"})) == {"CAT/C/KAZ/CO/3"}


def test_a_chosen_value_matching_nothing_stays_listed_to_untick(
    client: Client, world: RecommendationWorld
) -> None:
    response = client.get(SEARCH, {"body": "NOBODY"})
    assert found(response) == set()
    assert re.search(r'name="body" value="NOBODY" id="[^"]+" checked', response.content.decode())


def test_blank_parameters_of_a_submitted_form_are_dropped(
    client: Client, world: RecommendationWorld
) -> None:
    response = client.get(SEARCH, {"q": "", "mechanism": "upr", "year": "", "linked": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{SEARCH}?mechanism=upr"


def test_invalid_filters_are_left_out_with_a_message(
    client: Client, world: RecommendationWorld
) -> None:
    response = client.get(SEARCH, {"year": "soon", "status": "bogus"})
    assert response.status_code == 200
    assert len(found(response)) == 4
    assert "Some filters were not understood" in text_of(response)


def test_words_are_found_by_their_stem(client: Client, world: RecommendationWorld) -> None:
    assert found(client.get(SEARCH, {"q": "tortured"})) == {"CAT/C/KAZ/CO/4"}
    assert found(client.get(SEARCH, {"q": "journalist defenders"})) == {"A/HRC/44/10"}
    # Russian: «пытками» and «пытках»/«пытки» share the stem «пытк».
    assert found(client.get(SEARCH, {"q": "пытками"})) == {"CCPR/C/KAZ/CO/3"}
    assert found(client.get(SEARCH, {"q": "nothing-like-this"})) == set()


def test_a_quoted_phrase_must_occur_as_written(client: Client, world: RecommendationWorld) -> None:
    assert found(client.get(SEARCH, {"q": '"domestic violence"'})) == {"CEDAW/C/KAZ/CO/5"}
    assert found(client.get(SEARCH, {"q": '"violence domestic"'})) == set()


def test_searched_words_are_highlighted(client: Client, world: RecommendationWorld) -> None:
    html = client.get(SEARCH, {"q": "tortured detention"}).content.decode()
    assert "<mark>torture</mark>" in html
    assert "<mark>detention</mark>" in html
    html = client.get(SEARCH, {"q": "пытками"}).content.decode()
    assert "<mark>пытках</mark>" in html and "<mark>пытки</mark>" in html


def test_results_show_status_and_linked_actions(client: Client, world: RecommendationWorld) -> None:
    text = text_of(client.get(SEARCH, {"mechanism": "upr"}))
    assert "UPR · A/HRC/44/10, para. 138.12" in text
    assert "1 March 2020 · Supported · Freedom of opinion and expression" in text
    assert "Not started" in text and "1 linked action" in text


def test_results_are_paginated_newest_first(client: Client, world: RecommendationWorld) -> None:
    make_recommendations(30, symbol="CAT/C/KAZ/CO/3", document_date=date(2015, 1, 1))
    first = client.get(SEARCH)
    assert "34 recommendations" in text_of(first)
    assert "Page 1 of 2" in text_of(first)
    assert "CCPR/C/KAZ/CO/3" in found(first)  # 2022, the newest
    second = client.get(SEARCH, {"page": 2})
    assert found(second) == {"CAT/C/KAZ/CO/3"}


def test_search_links_to_the_exports_with_its_query(
    client: Client, world: RecommendationWorld
) -> None:
    html = client.get(SEARCH, {"mechanism": "upr", "page": "1"}).content.decode()
    assert f'{reverse("recommendations:followup", args=["xlsx"])}?mechanism=upr"' in html
    assert f'{reverse("recommendations:followup", args=["docx"])}?mechanism=upr"' in html


def _search_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "torture", "mechanism": "treaty_body"})
    assert response.status_code == 200
    return len(queries)


def _add_linked(count: int, plan: Plan) -> None:
    actions = list(plan.actions.all())
    for index, recommendation in enumerate(
        make_recommendations(count, themes=["Torture", f"Theme {count}"])
    ):
        if index % 2 == 0:
            RecommendationLink.objects.create(
                recommendation=recommendation, action=actions[index % len(actions)]
            )


@pytest.mark.parametrize("role", ["public", "coordinator"])
def test_search_reads_in_a_constant_number_of_queries(
    role: str, world: RecommendationWorld, request
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(request.getfixturevalue(role))
    _add_linked(5, world.plan)
    _search_queries(client)  # warm-up: the session, the content types
    few = _search_queries(client)
    _add_linked(55, world.plan)
    assert _search_queries(client) == few


# Linking, unlinking and suggestions ------------------------------------------------------------


def test_coordinator_links_an_action_chosen_in_the_list(
    coordinator_client: Client, world: RecommendationWorld, coordinator
) -> None:
    action = world.actions[3]
    response = coordinator_client.post(
        reverse("recommendations:link", args=[world.women.pk]),
        {"action": action.pk, "note": "The law on domestic violence"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(world.women)}#links"
    link = RecommendationLink.objects.get(recommendation=world.women)
    assert (link.action, link.note, link.created_by) == (
        action,
        "The law on domestic violence",
        coordinator,
    )
    assert link.history.get().history_user == coordinator
    page = coordinator_client.get(response["Location"])
    assert "Action 2.2 is linked to the recommendation." in text_of(page)
    assert "The law on domestic violence" in text_of(page)


def test_coordinator_links_an_action_by_its_number(
    coordinator_client: Client, world: RecommendationWorld
) -> None:
    response = coordinator_client.post(
        reverse("recommendations:link", args=[world.women.pk]), {"number": "2.1"}
    )
    assert response.status_code == 302
    assert RecommendationLink.objects.get(recommendation=world.women).action == world.actions[2]


def test_an_unknown_or_ambiguous_number_is_a_form_error(
    coordinator_client: Client, world: RecommendationWorld
) -> None:
    url = reverse("recommendations:link", args=[world.women.pk])
    response = coordinator_client.post(url, {"number": "9.9"})
    assert response.status_code == 400
    assert "No action has the number 9.9." in text_of(response)

    build_plan(code="other", sections=1, actions_per_section=1)  # another 1.1
    response = coordinator_client.post(url, {"number": "1.1"})
    assert response.status_code == 400
    assert "Several plans have an action numbered 1.1" in text_of(response)

    response = coordinator_client.post(url, {})
    assert response.status_code == 400
    assert "Choose an action in the list or type its number." in text_of(response)
    assert not RecommendationLink.objects.filter(recommendation=world.women).exists()


def test_coordinator_removes_a_link(
    coordinator_client: Client, world: RecommendationWorld, coordinator
) -> None:
    link = RecommendationLink.objects.get(recommendation=world.torture)
    page = coordinator_client.get(detail_url(world.torture)).content.decode()
    assert 'data-confirm="Remove the link to action 1.1?"' in page

    response = coordinator_client.post(
        reverse("recommendations:unlink", args=[world.torture.pk, link.pk])
    )

    assert response.status_code == 302
    assert not RecommendationLink.objects.filter(pk=link.pk).exists()
    deleted = RecommendationLink.history.filter(id=link.pk, history_type="-").get()
    assert deleted.history_user == coordinator
    assert "The link to action 1.1 was removed." in text_of(
        coordinator_client.get(response["Location"])
    )


def test_coordinator_accepts_a_suggested_action(
    coordinator_client: Client, world: RecommendationWorld, coordinator
) -> None:
    action = _answering_action(world)
    page = coordinator_client.get(detail_url(world.torture))
    html = page.content.decode()
    accept_url = reverse("recommendations:accept", args=[world.torture.pk, action.pk])
    assert accept_url in html
    assert "No. 1" in text_of(page)

    response = coordinator_client.post(
        accept_url, {"method": "fulltext", "next": detail_url(world.torture)}
    )

    assert response.status_code == 302
    link = RecommendationLink.objects.get(recommendation=world.torture, action=action)
    assert link.history.get().history_user == coordinator
    decision = SuggestionDecision.objects.get(recommendation=world.torture, action=action)
    assert (decision.decision, decision.method) == ("accepted", "fulltext")
    assert decision.history.get().history_user == coordinator
    # Linked now: no longer suggested.
    assert accept_url not in coordinator_client.get(detail_url(world.torture)).content.decode()


def test_coordinator_rejects_a_suggested_action(
    coordinator_client: Client, world: RecommendationWorld, coordinator
) -> None:
    action = _answering_action(world)
    reject_url = reverse("recommendations:reject", args=[world.torture.pk, action.pk])
    assert reject_url in coordinator_client.get(detail_url(world.torture)).content.decode()

    response = coordinator_client.post(reject_url, {"method": "fulltext"})

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(world.torture)}#suggestions"
    decision = SuggestionDecision.objects.get(recommendation=world.torture, action=action)
    assert decision.decision == "rejected"
    assert decision.history.get().history_user == coordinator
    assert not RecommendationLink.objects.filter(
        recommendation=world.torture, action=action
    ).exists()
    page = coordinator_client.get(response["Location"])
    assert reject_url not in page.content.decode()
    assert "will not be suggested for this recommendation again" in text_of(page)


def test_rejecting_a_linked_action_is_refused_with_a_message(
    coordinator_client: Client, world: RecommendationWorld
) -> None:
    action = world.actions[0]  # linked to the torture recommendation
    response = coordinator_client.post(
        reverse("recommendations:reject", args=[world.torture.pk, action.pk]), follow=True
    )
    assert "remove the link instead" in text_of(response)
    assert not SuggestionDecision.objects.exists()


def test_a_foreign_next_address_is_ignored(
    coordinator_client: Client, world: RecommendationWorld
) -> None:
    action = _answering_action(world)
    response = coordinator_client.post(
        reverse("recommendations:accept", args=[world.torture.pk, action.pk]),
        {"next": "https://evil.example.org/"},
    )
    assert response["Location"] == f"{detail_url(world.torture)}#links"


@pytest.mark.parametrize("role", ["public", "ngo_member", "focal_point_mia"])
def test_others_may_not_post(role: str, world: RecommendationWorld, request) -> None:  # type: ignore[no-untyped-def]
    client = client_for(request.getfixturevalue(role))
    link = RecommendationLink.objects.get(recommendation=world.torture)
    expected = 302 if role == "public" else 403
    urls = [
        (reverse("recommendations:link", args=[world.women.pk]), {"action": world.actions[3].pk}),
        (reverse("recommendations:unlink", args=[world.torture.pk, link.pk]), {}),
        (reverse("recommendations:accept", args=[world.women.pk, world.actions[3].pk]), {}),
        (reverse("recommendations:reject", args=[world.women.pk, world.actions[3].pk]), {}),
    ]
    for url, data in urls:
        response = client.post(url, data)
        assert response.status_code == expected, url
        if role == "public":
            assert response["Location"].startswith(reverse("accounts:login"))
        assert client.get(url).status_code == (302 if role == "public" else 405)
    assert RecommendationLink.objects.count() == 2
    assert not SuggestionDecision.objects.exists()


def test_detail_reads_in_a_constant_number_of_queries(
    coordinator_client: Client, world: RecommendationWorld
) -> None:
    _answering_action(world)  # so that there is a suggestion to show
    other = build_plan(code="other", sections=2, actions_per_section=3)
    url = detail_url(world.torture)
    coordinator_client.get(url)  # warm-up: the session, the actions' index

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(url)
        assert response.status_code == 200
        assert "No. 1" in text_of(response)
        return len(queries)

    few = count()
    for action in other.actions.all():
        RecommendationLink.objects.create(recommendation=world.torture, action=action)
    assert count() == few


# The recommendations of an action ---------------------------------------------------------------


def test_action_block_lists_linked_and_suggested_recommendations(
    coordinator_client: Client, world: RecommendationWorld
) -> None:
    url = reverse("recommendations:action_recommendations", args=[world.actions[0].pk])
    # Action 1.1 answers the torture recommendation: the other on torture, in Russian, is not
    # suggested (no word in common); give the action words of the CEDAW one.
    Action.objects.filter(pk=world.actions[0].pk).update(
        title_en="Draft a law on domestic violence against women"
    )

    page = coordinator_client.get(url)
    text = text_of(page)
    assert f"CAT · CAT/C/KAZ/CO/4, para. {world.torture.paragraph}" in text
    assert "Suggested recommendations" in text and "CEDAW/C/KAZ/CO/5" in text
    accept = reverse("recommendations:accept", args=[world.women.pk, world.actions[0].pk])
    assert accept in page.content.decode()

    # Loaded by htmx into the action page: the block alone, its forms going back there.
    block = coordinator_client.get(url, headers={"HX-Request": "true"})
    html = block.content.decode()
    assert html.lstrip().startswith('<section id="action-recommendations"')
    action_page = world.actions[0].get_absolute_url()
    assert f'name="next" value="{action_page}"' in html

    response = coordinator_client.post(accept, {"method": "fulltext", "next": action_page})
    assert response["Location"] == action_page
    assert RecommendationLink.objects.filter(
        recommendation=world.women, action=world.actions[0]
    ).exists()


def test_the_action_page_lists_its_recommendations_without_javascript(
    client: Client, coordinator_client: Client, world: RecommendationWorld
) -> None:
    action = world.actions[0]
    page = client.get(action.get_absolute_url())
    text = text_of(page)
    assert "Recommendations this action answers" in text
    assert f"CAT · CAT/C/KAZ/CO/4, para. {world.torture.paragraph}" in text
    assert "hx-get" not in page.content.decode()  # nothing to suggest to the public

    # Coordinators get the suggestions loaded by htmx, or on their own page without it.
    html = coordinator_client.get(action.get_absolute_url()).content.decode()
    url = reverse("recommendations:action_recommendations", args=[action.pk])
    assert f'hx-get="{url}?part=suggestions"' in html and 'hx-trigger="load"' in html
    assert f'<a href="{url}#suggested-recommendations">' in html
    part = coordinator_client.get(url, {"part": "suggestions"}, headers={"HX-Request": "true"})
    assert part.content.decode().startswith('<div id="action-recommendation-suggestions">')
    assert client.get(url, {"part": "suggestions"}).status_code == 403


# Coverage -----------------------------------------------------------------------------------------


def test_coverage_lists_gaps_both_ways_and_tables(
    client: Client, world: RecommendationWorld
) -> None:
    response = client.get(COVERAGE)
    html = response.content.decode()
    text = text_of(response)

    assert "2 recommendations are linked to no action" in text
    assert f'href="{SEARCH}?linked=false"' in html
    assert "CEDAW/C/KAZ/CO/5, 22" in text and "CCPR/C/KAZ/CO/3, 19" in text
    assert "2 actions answer no recommendation." in text
    assert "2.1. Draft a law" in text and "2.2. Draft a law" in text
    for caption in (
        "Coverage by mechanism",
        "Coverage by theme",
        "Coverage by affected persons",
        "Coverage by the State",
    ):
        assert caption in text
    assert "Treaty body 3 1 33 %" in text
    assert "Universal Periodic Review 1 1 100 %" in text
    assert "Not covered by the plan 2" in text and "Not started 2" in text
    assert html.count('scope="col"') >= 12 and 'scope="row"' in html


def test_coverage_of_one_plan(client: Client, world: RecommendationWorld) -> None:
    other = build_plan(code="other", sections=1, actions_per_section=1)
    RecommendationLink.objects.create(recommendation=world.women, action=other.actions.get())

    text = text_of(client.get(COVERAGE, {"plan": "other"}))
    assert "3 recommendations are linked to no action of plan other" in text
    assert "0 actions answer no recommendation." in text
    assert "Treaty body 3 1 33 %" in text  # CEDAW only, for this plan

    everything = text_of(client.get(COVERAGE))
    assert "1 recommendation is linked to no action" in everything

    assert "That plan was not found" in text_of(client.get(COVERAGE, {"plan": "nope"}))


def test_coverage_reads_in_a_constant_number_of_queries(
    client: Client, world: RecommendationWorld
) -> None:
    client.get(COVERAGE)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(COVERAGE).status_code == 200
        return len(queries)

    _add_linked(4, world.plan)
    few = count()
    _add_linked(40, world.plan)
    assert count() == few


def test_mechanism_labels_come_from_the_choices(client: Client, world: RecommendationWorld) -> None:
    make_recommendations(1, body="WGAD", mechanism=Mechanism.SPECIAL_PROCEDURE)
    assert "Special procedure (1)" in text_of(client.get(SEARCH))
