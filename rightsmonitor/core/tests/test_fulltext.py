"""The full-text index behaves the same on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import pytest
from django.db import connection

from rightsmonitor.core.fulltext import (
    FullTextIndex,
    Query,
    analyse,
    highlight,
    stop_words,
    words,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    table = "test_fulltext_index"
    from rightsmonitor.core.fulltext import create_index_table, drop_index_table

    create_index_table(connection, table)
    yield FullTextIndex(table)
    drop_index_table(connection, table)


def test_stems_join_word_forms_in_english_and_russian():
    assert analyse("tortured") == analyse("torture")
    assert analyse("trafficking") == analyse("traffick")
    assert analyse("торговли") == analyse("торговля")
    assert analyse("пытки") == analyse("пытками")
    assert words("The State party should ensure") == []  # stock phrases are stop words


def test_stop_words_are_read_from_one_file_a_language():
    # stopwords/en.txt, ru.txt, kk.txt: one word a line, comments dropped.
    assert {"the", "государству", "және"} <= stop_words()
    assert not any("#" in word or not word.strip() or word != word.strip() for word in stop_words())


def test_every_term_must_match_and_phrases_keep_their_order(index):
    index.update(
        [
            (1, "a", "Criminalize domestic violence as a separate offence"),
            (2, "a", "Violence against women in the domestic sphere"),
            (3, "a", "Ensure that torture is prosecuted"),
            (4, "a", "Принять закон о противодействии торговле людьми"),
        ]
    )

    def found(text: str) -> set[int]:
        return _ids(index, Query.parse(text))

    assert found("domestic violence") == {1, 2}
    assert found('"domestic violence"') == {1}
    assert found("tortured") == {3}
    assert found("торговля") == {4}
    assert found("nothing-like-this") == set()


def _ids(index: FullTextIndex, query: Query) -> set[int]:
    where, params = index._match(query, any_term=False)
    key = "id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} FROM {index.table} WHERE {where}", params)
        return {row[0] for row in cursor.fetchall()}


def test_ranking_prefers_rare_matching_words(index):
    index.update(
        [
            (1, "a", "rights of persons with disabilities accessibility"),
            (2, "a", "rights of women"),
            (3, "a", "rights of children"),
            (4, "a", "rights of migrants"),
        ]
    )
    ranked = index.rank_any(Query.parse("accessibility rights"), limit=2)
    assert ranked[0][0] == 1
    assert index.rank_any(Query.parse("accessibility"), limit=5, among=[2, 3]) == []


def test_sync_reindexes_only_changed_stamps(index):
    index.update([(1, "v1", "old text about prisons")])
    written = index.sync({1: "v1"}, lambda ids: [(pk, "v1", "x") for pk in ids])
    assert written == 0
    written = index.sync(
        {1: "v2", 2: "v1"}, lambda ids: [(pk, "v2", "new text about courts") for pk in ids]
    )
    assert written == 2
    assert _ids(index, Query.parse("courts")) == {1, 2}
    assert _ids(index, Query.parse("prisons")) == set()
    index.delete([1])
    assert _ids(index, Query.parse("courts")) == {2}


def test_highlight_marks_words_with_a_searched_stem():
    pieces = highlight("Victims of torture were tortured.", set(analyse("torture")))
    assert [p for p, marked in pieces if marked] == ["torture", "tortured"]
    assert "".join(p for p, _m in pieces) == "Victims of torture were tortured."


def test_russian_words_with_a_fleeting_vowel_are_found_by_their_other_forms(index):
    """ "пыток" (genitive plural of "пытка") is found by "пытки", and highlighted."""
    index.update(
        [
            (1, "a", "Предотвращение пыток и жестокого обращения"),
            (2, "a", "Число ошибок в приговорах"),
            (3, "a", "Урок правам человека"),
        ]
    )
    assert _ids(index, Query.parse("пытки")) == {1}
    assert _ids(index, Query.parse("пытка")) == {1}
    assert _ids(index, Query.parse("ошибки")) == {2}
    assert _ids(index, Query.parse("урока")) == {3}  # a word that had no fleeting vowel
    # The variants come after the text: a phrase still matches its words in order.
    assert _ids(index, Query.parse('"пыток жестокого обращения"')) == {1}
    assert _ids(index, Query.parse('"предотвращение пыток"')) == {1}
    assert _ids(index, Query.parse('"обращения пыток"')) == set()

    pieces = highlight("Предотвращение пыток", set(analyse("пытки")))
    assert [p for p, marked in pieces if marked] == ["пыток"]


def test_threads_stemming_at_once_get_each_their_own_stems() -> None:
    """The production server answers with threads; Snowball's stemmers hold their word, so a
    shared one mixed words up (IndexError under load)."""
    from concurrent.futures import ThreadPoolExecutor

    from rightsmonitor.core.fulltext.analysis import _stemmer

    words_ = ["пытками", "обращениями", "организациями", "responsibilities", "torturing"] * 400

    def stem_all(chunk: list[str]) -> list[str]:
        # Not through stem()'s cache, which would answer most calls without a stemmer.
        return [
            _stemmer("russian" if word[0] > "z" else "english").stemWord(word) for word in chunk
        ]

    expected = stem_all(words_)
    with ThreadPoolExecutor(max_workers=8) as pool:
        for result in pool.map(stem_all, [words_] * 16):
            assert result == expected
