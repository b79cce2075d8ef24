"""The site-wide search: what it finds (each kind, in each language, phrases), what it never
finds (drafts), its facets, its links, its query count, and how the index stays fresh.

``world`` builds a public plan (actions, an accepted report, a published assessment), a draft
plan, recommendations, indicators and unpublished material, then indexes everything through
the real command.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rightsmonitor.assessments.models import Assessment, AssessmentState
from rightsmonitor.indicators.models import Attribute, Indicator, Right
from rightsmonitor.plans.actions import update_action, update_plan
from rightsmonitor.plans.models import Action, Plan, Theme
from rightsmonitor.plans.tests.factories import ActionFactory, ThemeFactory, build_plan
from rightsmonitor.portal import search
from rightsmonitor.portal.models import SearchDocument
from rightsmonitor.recommendations.models import Recommendation
from rightsmonitor.recommendations.tests.factories import make_recommendations
from rightsmonitor.reporting.models import ImplementationStatus, ProgressReport
from rightsmonitor.reporting.tests.factories import (
    ActionMonitoringFactory,
    ProgressReportFactory,
)
from rightsmonitor.reporting.workflow import ReportState

Kind = SearchDocument.Kind
URL = "/search/"


@dataclass
class World:
    plan: Plan
    draft_plan: Plan
    prevent: Action  # 1.1: torture, detainees; completed
    journalists: Action  # 1.2
    report: ProgressReport  # accepted, on 1.2: Istanbul Protocol
    recommendation: Recommendation  # CAT, torture
    russian: Recommendation  # CCPR, in Russian
    indicator: Indicator  # public: complaints
    assessment: Assessment  # published: ombudsman
    torture: Theme
    detainees: Theme


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:  # type: ignore[no-untyped-def]
    # Saves are indexed on commit (the receivers); the recommendations, saved in bulk as an
    # import saves them, by the rebuild command.
    with django_capture_on_commit_callbacks(execute=True):
        built = _build_world()
    call_command("rebuild_search_index", stdout=StringIO())
    return built


def _build_world() -> World:
    torture = ThemeFactory(key="torture", name_en="Freedom from torture", name_ru="Запрет пыток")
    detainees = ThemeFactory(key="detainees", kind=Theme.Kind.GROUP, name_en="Detainees")
    plan = build_plan(sections=2, actions_per_section=2, code="kz-hr", title_en="Rights plan")
    prevent, journalists, *_rest = plan.actions.order_by("section__order", "order")
    Action.objects.filter(pk=prevent.pk).update(
        title_en="Prevent torture in places of detention",
        title_ru="Предотвращать пытки в местах лишения свободы",
        title_kk="Бас бостандығынан айыру орындарында азаптауды болдырмау",
        description_en="Independent visits to every pre-trial detention centre.",
    )
    prevent.refresh_from_db()
    prevent.themes.add(torture, detainees)
    ActionMonitoringFactory(action=prevent, assessed_status=ImplementationStatus.COMPLETED)
    Action.objects.filter(pk=journalists.pk).update(
        title_en="Protect journalists from attacks", due_date=datetime.date(2023, 6, 30)
    )
    journalists.refresh_from_db()
    draft_plan = build_plan(sections=1, actions_per_section=1, status=Plan.Status.DRAFT)
    Action.objects.filter(plan=draft_plan).update(title_en="Clandestine torture register")
    mia = prevent.assignments.get(role="lead").agency
    report = ProgressReportFactory(
        action=journalists,
        agency=mia,
        state=ReportState.ACCEPTED,
        narrative="Trained 300 judges on the Istanbul Protocol.",
        proposed_status=ImplementationStatus.IN_PROGRESS,
    )
    ProgressReportFactory(
        action=prevent, agency=mia, state=ReportState.SUBMITTED, narrative="Unfinished zebra notes."
    )
    (recommendation,) = make_recommendations(1)
    (russian,) = make_recommendations(
        1,
        text="Расследовать все сообщения о пытках и наказать виновных.",
        body="CCPR",
        language="ru",
        symbol="CCPR/C/KAZ/CO/3",
        document_date=datetime.date(2022, 8, 5),
        affected_persons=[],
    )
    right = Right.objects.create(key="torture", title_en="Freedom from torture", theme=torture)
    attribute = Attribute.objects.create(right=right, key="complaints", title_en="Complaints")
    indicator = Indicator.objects.create(
        code="TORT-P1",
        attribute=attribute,
        kind=Indicator.Kind.PROCESS,
        title_en="Complaints of ill-treatment registered",
        title_ru="Зарегистрированные жалобы на жестокое обращение",
        definition_en="Complaints of torture and ill-treatment registered by prosecutors.",
        unit="NUMBER",
        agency=mia,
    )
    Indicator.objects.create(
        code="HIDE-1",
        attribute=attribute,
        kind=Indicator.Kind.OUTCOME,
        title_en="Quokka statistics",
        unit="NUMBER",
        is_public=False,
    )
    assessment = Assessment.objects.create(
        plan=plan,
        start=datetime.date(2022, 1, 1),
        end=datetime.date(2022, 12, 31),
        state=AssessmentState.PUBLISHED,
        snapshot={},
        conclusions_en="The ombudsman mandate was widened.",
    )
    Assessment.objects.create(
        plan=plan,
        start=datetime.date(2022, 1, 1),
        end=datetime.date(2022, 12, 31),
        edition=2,
        conclusions_en="Unpublished walrus verdict.",
    )
    return World(
        plan,
        draft_plan,
        prevent,
        journalists,
        report,
        recommendation,
        russian,
        indicator,
        assessment,
        torture,
        detainees,
    )


def found(client: Client, **params: object) -> list[tuple[str, int]]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [(r.document.kind, r.document.object_id) for r in response.context["listing"]["results"]]


def facet(response, name: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    groups = {group.name: group for group in response.context["listing"]["facets"]}
    return {value.value: value.count for value in groups[name].values} if name in groups else {}


# Finding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "kind", "attribute"),
    [
        ("pre-trial centre", Kind.ACTION, "prevent"),
        ("Istanbul", Kind.REPORT, "report"),
        ("allegation promptly", Kind.RECOMMENDATION, "recommendation"),
        ("ill-treatment registered", Kind.INDICATOR, "indicator"),
        ("ombudsman", Kind.ASSESSMENT, "assessment"),
    ],
)
def test_each_kind_is_found_by_an_english_word(
    world: World, client: Client, words, kind, attribute
):
    assert (kind, getattr(world, attribute).pk) in found(client, q=words)


def test_russian_words_are_stemmed(
    world: World, client: Client, coordinator, django_capture_on_commit_callbacks
) -> None:
    # "пытками" finds "пытки" and "пытках" (Snowball's stem пытк).
    results = found(client, q="пытками")
    assert (Kind.ACTION, world.prevent.pk) in results
    assert (Kind.RECOMMENDATION, world.russian.pk) in results
    assert (Kind.INDICATOR, world.indicator.pk) in found(client, q="жалобы")
    # "пыток" keeps its vowel under Snowball; it is indexed without it too (core.fulltext).
    with django_capture_on_commit_callbacks(execute=True):
        update_action(world.journalists, {"title_ru": "Расследование пыток"}, by=coordinator)
    assert (Kind.ACTION, world.journalists.pk) in found(client, q="пытки")
    assert "<mark>пыток</mark>" in client.get("/ru/search/", {"q": "пытка"}).content.decode()


def test_best_matches_come_first_when_words_are_searched(
    world: World, client: Client, coordinator, django_capture_on_commit_callbacks
) -> None:
    """Without words the newest come first; with words, those that match best."""
    with django_capture_on_commit_callbacks(execute=True):
        update_action(
            world.journalists,
            {"title_en": "Torture: torture prevention, torture victims, torture reports"},
            by=coordinator,
        )
    results = found(client, q="torture")
    assert len(results) > 2
    assert results[0] == (Kind.ACTION, world.journalists.pk)
    response = client.get(URL, {"q": "torture"})
    ranks = [r.document.search_rank for r in response.context["listing"]["results"]]
    assert ranks == sorted(ranks, reverse=True)


def test_kazakh_and_russian_texts_are_found_from_any_interface_language(
    world: World, client: Client
) -> None:
    assert (Kind.ACTION, world.prevent.pk) in found(client, q="азаптауды")
    response = client.get("/ru/search/", {"q": "азаптауды"})
    assert response.status_code == 200
    (result,) = response.context["listing"]["results"]
    # Shown in the reader's language, the searched word marked where it occurs.
    assert result.document.title.startswith("Предотвращать")
    kazakh = client.get("/kk/search/", {"q": "азаптауды"}).content.decode()
    assert "<mark>азаптауды</mark>" in kazakh


def test_phrases_keep_their_words_together(world: World, client: Client) -> None:
    assert (Kind.ACTION, world.prevent.pk) in found(client, q='"places of detention"')
    assert (Kind.ACTION, world.prevent.pk) not in found(client, q='"detention places"')
    # Outside quotes every word must occur, in any order.
    assert (Kind.ACTION, world.prevent.pk) in found(client, q="detention places")


def test_matched_words_are_highlighted_and_results_link_to_their_pages(
    world: World, client: Client
) -> None:
    html = client.get(URL, {"q": "torture"}).content.decode()
    assert "Prevent <mark>torture</mark> in places of detention" in html
    assert reverse("portal:action", args=["kz-hr", world.prevent.number]) in html
    assert world.recommendation.get_absolute_url() in html
    html = client.get(URL, {"q": "Istanbul"}).content.decode()
    assert (
        f"{reverse('portal:action', args=['kz-hr', world.journalists.number])}#report-{world.report.pk}"
        in html
    )
    assert "<mark>Istanbul</mark>" in html
    assert (
        client.get(reverse("portal:action", args=["kz-hr", world.journalists.number])).status_code
        == 200
    )


def test_drafts_and_unpublished_content_are_never_found(world: World, client: Client) -> None:
    for words in ("clandestine", "zebra", "walrus", "quokka"):
        assert found(client, q=words) == [], words
    assert not SearchDocument.objects.filter(plan=world.draft_plan).exists()


# Facets ------------------------------------------------------------------------------------


def test_facets_count_and_filter(world: World, client: Client) -> None:
    response = client.get(URL, {"q": "torture"})
    kinds = facet(response, "kind")
    assert kinds == {Kind.ACTION: 1, Kind.RECOMMENDATION: 1, Kind.INDICATOR: 1}
    assert facet(response, "theme")["torture"] == 2  # the action and the indicator's right
    assert facet(response, "affected")["detainees"] == 1
    assert facet(response, "plan") == {"kz-hr": 1}
    assert facet(response, "status")[ImplementationStatus.COMPLETED] == 1
    assert facet(response, "mechanism") == {"treaty_body": 1}
    assert "section" not in {
        g.name for g in response.context["listing"]["facets"]
    }  # only within a plan

    for params, expected in [
        ({"kind": Kind.INDICATOR}, [(Kind.INDICATOR, world.indicator.pk)]),
        ({"mechanism": "treaty_body"}, [(Kind.RECOMMENDATION, world.recommendation.pk)]),
        ({"affected": "detainees"}, [(Kind.ACTION, world.prevent.pk)]),
        ({"status": ImplementationStatus.COMPLETED}, [(Kind.ACTION, world.prevent.pk)]),
        ({"agency": "GPO"}, [(Kind.ACTION, world.prevent.pk)]),
        ({"year": "2021"}, [(Kind.RECOMMENDATION, world.recommendation.pk)]),
    ]:
        assert found(client, q="torture", **params) == expected, params

    response = client.get(URL, {"plan": "kz-hr"})
    sections = facet(response, "section")
    assert sum(sections.values()) == 5  # four actions and the report; not the assessment
    section = world.journalists.section_id
    assert set(found(client, plan="kz-hr", section=section)) == {
        (Kind.ACTION, a.pk) for a in world.plan.actions.filter(section_id=section)
    } | {(Kind.REPORT, world.report.pk)}
    assert facet(response, "year") == {"2023": 1, "2022": 5}
    assert facet(response, "agency") == {"MIA": 5, "GPO": 4}
    # Several themes: each must hold.
    assert found(client, theme=["torture"], affected="detainees") == [
        (Kind.ACTION, world.prevent.pk)
    ]
    assert len(found(client, kind=[Kind.ACTION, Kind.REPORT], plan="kz-hr")) == 5


def test_a_shared_address_gives_the_same_page(world: World, client: Client) -> None:
    # A submitted form sends empty fields: the address is cleaned to what was chosen.
    response = client.get(URL, {"q": "torture", "kind": Kind.ACTION, "plan": "", "year": ""})
    assert response.status_code == 302
    shared = response.url
    assert parse_qs(urlsplit(shared).query) == {"q": ["torture"], "kind": [Kind.ACTION]}
    again = client.get(shared)
    assert [r.document.object_id for r in again.context["listing"]["results"]] == [world.prevent.pk]
    html = again.content.decode()
    assert 'name="kind" value="action" id="facet-kind-1" checked' in html
    assert 'value="torture"' in html
    chosen = {item.value: item.remove_query for item in again.context["listing"]["chosen"]}
    assert chosen == {"torture": "kind=action", "Plan action": "q=torture"}
    assert client.get(URL, {"year": "soon"}).context["filter"].form.errors


def test_the_query_count_does_not_grow_with_the_results(world: World, client: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"q": "torture", "plan": "kz-hr"}).status_code == 200
        return len(queries)

    before = count()
    for number in range(10):
        action = ActionFactory(
            section=world.prevent.section, plan=world.plan, number=f"7.{number}", title_en="Torture"
        )
        action.themes.add(world.torture, world.detainees)
    search.refresh([Kind.ACTION])
    assert count() == before
    # One statement counting every facet (the count of results is the kinds' sum), the names
    # of the plans, sections (a plan is chosen), agencies and themes counted, the ids of the
    # page (ranked), then their rows with their plans.
    assert before == 7


# Freshness ---------------------------------------------------------------------------------


def test_editing_an_action_reindexes_it_alone(
    world: World, client: Client, coordinator, django_capture_on_commit_callbacks
) -> None:
    stamps = dict(SearchDocument.objects.values_list("pk", "stamp"))
    times = dict(SearchDocument.objects.values_list("pk", "indexed_at"))
    with django_capture_on_commit_callbacks(execute=True):
        update_action(
            world.prevent, {"title_en": "Prevent cruelty in penitentiaries"}, by=coordinator
        )
    document = SearchDocument.objects.get(kind=Kind.ACTION, object_id=world.prevent.pk)
    assert document.stamp != stamps[document.pk]
    assert found(client, q="penitentiaries") == [(Kind.ACTION, world.prevent.pk)]
    assert (Kind.ACTION, world.prevent.pk) not in found(client, q="torture places")
    changed = {
        pk
        for pk, at in SearchDocument.objects.values_list("pk", "indexed_at")
        if at != times[pk] or stamps[pk] != SearchDocument.objects.get(pk=pk).stamp
    }
    # The report and the recommendation copy the action's title or status: re-read, unchanged.
    assert changed == {document.pk}


def test_a_plan_withdrawn_to_draft_leaves_the_index(
    world: World, client: Client, coordinator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        update_plan(world.plan, {"status": Plan.Status.DRAFT}, by=coordinator)
    assert not SearchDocument.objects.filter(plan=world.plan).exists()
    assert found(client, q="Istanbul") == []
    assert (Kind.RECOMMENDATION, world.recommendation.pk) in found(client, q="torture")


def test_the_rebuild_command_writes_only_what_changed(world: World) -> None:
    summary = search.refresh()
    assert sum(s.created + s.updated + s.deleted for s in summary.values()) == 0
    Recommendation.objects.filter(pk=world.recommendation.pk).delete()
    summary = search.refresh([Kind.RECOMMENDATION])
    assert summary[Kind.RECOMMENDATION].deleted == 1
    assert summary[Kind.RECOMMENDATION].unchanged == 1
    forced = search.refresh([Kind.INDICATOR], force=True)
    assert forced[Kind.INDICATOR].updated == 1


def test_an_empty_search_page_shows_everything_public(world: World, client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert (
        response.context["listing"]["page"].paginator.count == SearchDocument.objects.count() == 9
    )
    assert b'role="status"' in response.content
