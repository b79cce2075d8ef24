"""Search that forgives, on the demo data: "torure" finds what "torture" finds, "пытак" what
"пытки" finds, with "Showing results for" and "Did you mean"; no snippet holds a tag.

The demo is loaded once for the module (a minute), inside a transaction rolled back at its end.
"""

from __future__ import annotations

import pytest
from django.test import Client

from rightsmonitor.portal.models import SearchDocument
from rightsmonitor.portal.tests.test_search_fuzzy import URL, results, snippet_tags

Kind = SearchDocument.Kind


@pytest.fixture
def demo(demo_data, db) -> None:  # type: ignore[no-untyped-def]
    return None


def test_a_misspelt_word_finds_what_the_right_one_finds(demo, client: Client) -> None:
    torture = results(client, q="torture")
    assert torture
    response = client.get(URL, {"q": "torure"})
    listing = response.context["listing"]
    assert listing["corrected"] and listing["suggestion"].text == "torture"
    assert [(r.document.kind, r.document.object_id) for r in listing["results"]] == torture
    count = client.get(URL, {"q": "torture"}).context["listing"]["page"].paginator.count
    assert listing["page"].paginator.count == count
    html = response.content.decode()
    assert "Showing results for <strong>torture</strong>" in html
    assert 'search instead for <a href="/search/?q=torure&amp;literal=1">torure</a>' in html
    assert any(
        "<mark>" in str(r.summary) or any(m for _p, m in r.title) for r in listing["results"]
    )

    # The words as typed: nothing, and the suggestion as a link.
    literal = client.get(URL, {"q": "torure", "literal": "1"})
    assert not literal.context["listing"]["results"]
    assert 'Did you mean <a href="/search/?q=torture"><strong>torture</strong></a>?' in (
        literal.content.decode()
    )


def test_a_misspelt_russian_word_is_corrected(demo, client: Client) -> None:
    response = client.get(URL, {"q": "пытак"})
    listing = response.context["listing"]
    assert listing["corrected"], "пытак matches nothing; пытки/пыток should be suggested"
    corrected = listing["suggestion"].text
    assert corrected in {"пытки", "пыток"}
    assert [(r.document.kind, r.document.object_id) for r in listing["results"]] == results(
        client, q=corrected
    )
    assert any("пыт" in r.document.title_ru.lower() for r in listing["results"])
    # Words that match keep the search as typed, and the others are corrected with them.
    both = client.get(URL, {"q": "расследование пытак"}).context["listing"]
    assert both["suggestion"].text == f"расследование {corrected}"


def test_no_snippet_on_the_demo_holds_a_tag(demo, client: Client) -> None:
    for words in ("torture", "torure", "пытки", "assessment", "ombudsman", "жалоб", "report"):
        html = client.get(URL, {"q": words}).content.decode()
        assert snippet_tags(html) <= {"mark"}, words
    # The demo's published assessment (rich text) is found and shows text, not tags.
    document = SearchDocument.objects.filter(kind=Kind.ASSESSMENT).first()
    if document is not None:
        assert "<" not in document.summary_en and "&lt;" not in document.summary_en
