"""Search that forgives: snippets are plain text with highlights whatever markup the source
held, for every kind of document; a misspelt word's page costs the same number of queries
whatever the rows; the vocabulary's counts follow the index. On the demo data ("torure",
"пытак"): ``test_search_fuzzy_demo``.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from rightsmonitor.assessments.models import Assessment, AssessmentState
from rightsmonitor.core.fulltext.vocabulary import kept
from rightsmonitor.indicators.models import Attribute, Indicator, Right
from rightsmonitor.plans.models import Action
from rightsmonitor.plans.tests.factories import ActionFactory, ThemeFactory, build_plan
from rightsmonitor.portal import search
from rightsmonitor.portal.models import SearchDocument
from rightsmonitor.recommendations.tests.factories import make_recommendations
from rightsmonitor.reporting.tests.factories import ProgressReportFactory
from rightsmonitor.reporting.workflow import ReportState

Kind = SearchDocument.Kind
URL = "/search/"
HOSTILE = (
    "<script>alert('zanzibar')</script><p>Zanzibar <b>torture</b> &lt;b&gt;bold&lt;/b&gt;"
    ' <a href="javascript:x()" onclick="y()">link</a></p>\n\n<p>second&nbsp;paragraph</p>'
)
TAG = re.compile(r"<\s*/?\s*([a-zA-Z][\w-]*)")


def results(client: Client, **params: str) -> list[tuple[str, int]]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [(r.document.kind, r.document.object_id) for r in response.context["listing"]["results"]]


def snippet_tags(html: str) -> set[str]:
    """The tags inside the titles and snippets of the results on a page."""
    found: set[str] = set()
    for item in re.findall(r'<li class="search-result.*?</li>', html, re.S):
        for part in re.findall(
            r"<h3>(.*?)</h3>|<p class=\"recommendation-text\">(.*?)</p>", item, re.S
        ):
            for text in part:
                found |= {tag.lower() for tag in TAG.findall(text)}
    return found - {"a"}  # the title's own link


# On a small world ----------------------------------------------------------------------------


@pytest.fixture
def hostile(db, django_capture_on_commit_callbacks) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """One document of each kind whose text is hostile markup; {kind: object id}."""
    with django_capture_on_commit_callbacks(execute=True):
        plan = build_plan(sections=1, actions_per_section=2, code="kz-hr")
        action, other = plan.actions.order_by("order")
        Action.objects.filter(pk=action.pk).update(
            title_en="Zanzibar <i>plan</i>", description_en=HOSTILE
        )
        report = ProgressReportFactory(action=other, state=ReportState.ACCEPTED, narrative=HOSTILE)
        torture = ThemeFactory(key="torture")
        right = Right.objects.create(key="torture", title_en="Freedom from torture", theme=torture)
        attribute = Attribute.objects.create(right=right, key="complaints", title_en="Complaints")
        indicator = Indicator.objects.create(
            code="ZAN-1",
            attribute=attribute,
            kind=Indicator.Kind.PROCESS,
            title_en="Zanzibar complaints",
            definition_en=HOSTILE,
            unit="NUMBER",
        )
        assessment = Assessment.objects.create(
            plan=plan,
            start=datetime.date(2022, 1, 1),
            end=datetime.date(2022, 12, 31),
            state=AssessmentState.PUBLISHED,
            snapshot={},
            conclusions_en=HOSTILE,
        )
    (recommendation,) = make_recommendations(1, text=HOSTILE)
    call_command("rebuild_search_index", stdout=StringIO())
    return {
        Kind.ACTION: action.pk,
        Kind.REPORT: report.pk,
        Kind.RECOMMENDATION: recommendation.pk,
        Kind.INDICATOR: indicator.pk,
        Kind.ASSESSMENT: assessment.pk,
    }


def test_snippets_are_plain_text_with_highlights_for_every_kind(hostile, client: Client) -> None:
    response = client.get(URL, {"q": "zanzibar torture"})
    listing = response.context["listing"]
    assert {(r.document.kind, r.document.object_id) for r in listing["results"]} == set(
        hostile.items()
    )
    html = response.content.decode()
    assert snippet_tags(html) == {"mark"}
    assert "alert(" not in html  # a script's content is not text
    assert "onclick" not in html and "javascript:" not in html
    # The decoded entity is shown as the characters it stands for, escaped once.
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&amp;lt;" not in html
    assert "<mark>Zanzibar</mark>" in html and "<mark>torture</mark>" in html
    for result in listing["results"]:
        text = "".join(piece for piece, _matched in result.summary)
        assert "<p>" not in text and "<script>" not in text and "  " not in text
        assert "second paragraph" in text


def test_a_fuzzy_search_page_costs_the_same_whatever_the_rows(
    hostile, client: Client, django_assert_max_num_queries
) -> None:
    def count() -> int:
        with django_assert_max_num_queries(20) as queries:
            response = client.get(URL, {"q": "zanzibr"})
        assert response.context["listing"]["corrected"]
        return len(queries)

    before = count()
    plan_action = Action.objects.get(pk=hostile[Kind.ACTION])
    for number in range(10):
        ActionFactory(
            section=plan_action.section,
            plan=plan_action.plan,
            number=f"7.{number}",
            title_en=f"Zanzibar torture {number}",
        )
    make_recommendations(5, text="Zanzibar torture again")
    search.refresh()
    assert count() == before
    # The facets of the words as typed (one statement; nothing, so no names read); is each
    # word known; the nearest word; the facets of the corrected words; the names of the plans,
    # agencies and themes counted; the ranked page's ids; its rows.
    assert before == 9


def test_the_vocabulary_counts_what_the_index_holds(
    hostile, coordinator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Action.objects.get(pk=hostile[Kind.ACTION]).delete()
        Indicator.objects.filter(pk=hostile[Kind.INDICATOR]).update(is_public=False)
    search.refresh()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT word, ndoc FROM ts_stat('SELECT vec FROM portal_search_fulltext')"
            )
        else:
            cursor.execute(
                "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, portal_search_fulltext, row)"
            )
            cursor.execute("SELECT term, doc FROM temp.terms")
        indexed = {term: n for term, n in cursor.fetchall() if kept(term)}
        if connection.vendor != "postgresql":
            cursor.execute("DROP TABLE temp.terms")
        cursor.execute("SELECT stem, documents, word FROM portal_search_fulltext_words")
        rows = cursor.fetchall()
    assert {stem: n for stem, n, _word in rows} == indexed
    assert all(word for _stem, _n, word in rows)
    assert Counter(n > 0 for _stem, n, _word in rows)[False] == 0


def test_the_recommendations_search_suggests_the_nearest_word(
    hostile, client: Client, django_assert_max_num_queries
) -> None:
    url = "/recommendations/"

    def count() -> int:
        with django_assert_max_num_queries(25) as queries:
            response = client.get(url, {"q": "Zanzibr", "mechanism": "treaty"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Did you mean <a href=" in html
        assert "q=Zanzibar" in html and "<strong>Zanzibar</strong>" in html
        return len(queries)

    before = count()
    make_recommendations(5, text="Zanzibar is far away")  # indexed as an import indexes them
    assert count() == before
    # The words as typed find nothing; the corrected words find the recommendations.
    assert client.get(url, {"q": "Zanzibar"}).context["listing"]["page"].paginator.count == 6
