"""An index's vocabulary and the plain text it is made of: the same suggestion on SQLite
(trigram table) and PostgreSQL (pg_trgm), counts that follow writes and deletes, a lookup
through the index, and rich text read as plain text."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rightsmonitor.core.fulltext import (
    FullTextIndex,
    create_index_table,
    create_vocabulary,
    drop_index_table,
    drop_vocabulary,
    index_terms,
    plain_text,
)
from rightsmonitor.core.fulltext.vocabulary import kept, language_of, trigrams

pytestmark = pytest.mark.django_db
TABLE = "test_vocabulary_index"


@pytest.fixture
def index():
    create_index_table(connection, TABLE)
    create_vocabulary(connection, TABLE)
    yield FullTextIndex(TABLE, vocabulary=True)
    drop_vocabulary(connection, TABLE)
    drop_index_table(connection, TABLE)


def _words(index: FullTextIndex) -> dict[str, tuple[str, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stem, word, language, documents FROM {index.table}_words")
        return {stem: (word, language, n) for stem, word, language, n in cursor.fetchall()}


def _counted(texts: dict[int, str]) -> dict[str, int]:
    """What the counts must be: documents holding each kept stem."""
    counts: Counter[str] = Counter()
    for text in texts.values():
        counts.update({term for term in index_terms(text) if kept(term)})
    return dict(counts)


def test_similarity_is_pg_trgms():
    assert trigrams("torure") == {"  t", " to", "tor", "oru", "rur", "ure", "re "}
    shared = trigrams("torure") & trigrams("torture")
    assert len(shared) / len(trigrams("torure") | trigrams("torture")) == 0.5
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT similarity('torure', 'torture'), similarity('пытак', 'пыток')")
            assert [round(value, 4) for value in cursor.fetchone()] == [0.5, 0.3333]
    assert [language_of(w) for w in ("torture", "пытки", "қорғау")] == ["en", "ru", "kk"]


def test_counts_follow_writes_replacements_and_deletes(index):
    texts = {
        1: "Prevent torture in places of detention",
        2: "Torture victims receive redress; tortured detainees",
        3: "Расследование пыток и жестокого обращения",
        4: "Пытки запрещены",
        5: "Covid-19 measures in 2020",
    }
    index.update((pk, "a", text) for pk, text in texts.items())
    words = _words(index)
    assert {stem: n for stem, (_w, _l, n) in words.items()} == _counted(texts)
    # The shortest form whose own stem it is; "пытк" (from пытки, and from пыток without its
    # fleeting vowel) shows "пытки"; numbers and two-letter words are not words to suggest.
    assert words["tortur"][:2] == ("torture", "en")
    assert words["пытк"][:2] == ("пытки", "ru")
    assert "2020" not in words and "19" not in words

    texts[2] = "Redress for victims"
    texts[4] = "Пыток не было"
    index.update([(2, "b", texts[2]), (4, "b", texts[4])])
    index.delete([3])
    del texts[3]
    words = _words(index)
    assert {stem: n for stem, (_w, _l, n) in words.items()} == _counted(texts)
    assert "жесток" not in words  # no document holds it any more: gone


def test_a_misspelt_word_is_corrected_to_the_nearest_and_commonest(index):
    index.update(
        [
            (1, "a", "Torture is prohibited"),
            (2, "a", "Torture victims"),
            (3, "a", "Texture of the report"),
            (4, "a", "Расследование пыток"),
            (5, "a", "Пытки запрещены"),
        ]
    )
    vocabulary = index.vocabulary
    assert vocabulary is not None
    nearest = vocabulary.nearest("torure")
    assert nearest[0].word == "torture" and nearest[0].similarity == pytest.approx(0.5)
    correction = vocabulary.correct('Torure "victims of TORURE" prohibited')
    assert correction is not None
    assert correction.text == 'Torture "victims of TORTURE" prohibited'
    assert correction.replaced == (("Torure", "Torture"), ("TORURE", "TORTURE"))
    assert vocabulary.correct("torture victims") is None  # every word is known
    assert vocabulary.correct("zqxwv") is None  # nothing near
    russian = vocabulary.correct("пытак")
    assert russian is not None and russian.text in {"пытки", "пыток"}
    assert vocabulary.nearest("пытак")[0].word in {"пытки", "пыток"}
    assert not [c for c in vocabulary.nearest("пытак") if c.word.isascii()]  # same script


def test_a_lookup_reads_the_vocabulary_through_its_index(index):
    index.update((pk, "a", f"word{pk} torture" if pk % 2 else "Torture") for pk in range(1, 50))
    vocabulary = index.vocabulary
    assert vocabulary is not None
    with CaptureQueriesContext(connection) as queries:
        vocabulary.correct("torure")
    assert len(queries) == 2  # is the stem known; the nearest word
    sql = queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {'QUERY PLAN ' if connection.vendor == 'sqlite' else ''}{sql}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        assert "USING PRIMARY KEY" in plan or "USING INDEX" in plan
        assert f"SCAN {TABLE}_words" not in plan and "SCAN w" not in plan
    else:
        # A small table may be read whole; with sequential scans off the trigram index is used.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert f"{TABLE}_words_trgm" in plan


@pytest.mark.parametrize(
    ("source", "plain"),
    [
        (
            "<p>Tor<b>ture</b> &amp; ill&nbsp;treatment</p><p>Next</p>",
            "Torture & ill treatment Next",
        ),
        ("<script>alert(1)</script>&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"),
        ("Line one\n\n   line two", "Line one line two"),
        ("a < b and c > d; AT&T", "a < b and c > d; AT&T"),
        ("<ul><li>one</li><li>two</li></ul><br/>three", "one two three"),
        ("<p>unclosed <!-- note --> end", "unclosed end"),
    ],
)
def test_rich_text_is_read_as_plain_text(source: str, plain: str) -> None:
    assert plain_text(source) == plain


def test_a_vocabulary_added_to_a_filled_index_counts_what_it_holds():
    # As a migration adds it: the counts at once, the words once documents are written again.
    create_index_table(connection, TABLE)
    try:
        texts = {1: "Torture victims", 2: "Tortured detainees", 3: "Пытки запрещены"}
        FullTextIndex(TABLE).update((pk, "a", text) for pk, text in texts.items())
        create_vocabulary(connection, TABLE)
        index = FullTextIndex(TABLE, vocabulary=True)
        words = _words(index)
        assert {stem: n for stem, (_w, _l, n) in words.items()} == _counted(texts)
        assert words["tortur"][0] == ""  # not known yet: never suggested
        assert index.vocabulary is not None and not index.vocabulary.nearest("torure")
        index.update((pk, "b", text) for pk, text in texts.items())
        words = _words(index)
        assert {stem: n for stem, (_w, _l, n) in words.items()} == _counted(texts)
        assert words["tortur"][0] == "torture"
        assert index.vocabulary.nearest("torure")[0].word == "torture"
    finally:
        drop_vocabulary(connection, TABLE)
        drop_index_table(connection, TABLE)
