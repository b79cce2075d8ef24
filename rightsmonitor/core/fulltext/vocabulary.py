"""The words of an index, for spelling suggestions ("Did you mean torture?").

A ``FullTextIndex`` made with ``vocabulary=True`` keeps, beside its side table, one row per
indexed stem (``<table>_words``): the stem, a word it came from to show (the shortest, one whose
own stem it is first), the word's language (by its letters) and in how many documents it
occurs. Writing and deleting documents moves those counts (``Vocabulary.change``); a stem no
document holds any more is dropped. Only words of three letters or more, letters only, are
kept: numbers and codes are not misspelt words.

A query word whose stem is not there matches nothing; ``Vocabulary.nearest`` finds the words
nearest to it by trigram similarity, through an index, never reading documents:

- PostgreSQL: ``pg_trgm`` (a GIN ``gin_trgm_ops`` index on the word, the ``%`` operator);
- SQLite: a table of each word's trigrams (``<table>_trigrams``, keyed by trigram, then the
  word's number of trigrams, then the word), whose shared trigrams are counted by SQL.

Both compute pg_trgm's similarity (shared distinct trigrams of the words padded with two
spaces before and one after, over the trigrams of either), so both suggest the same word; ties
go to the word in more documents (docs/decisions/0016).
"""

# Only table names (checked against [a-z_][a-z0-9_]* in __init__) and placeholder lists are put
# into the SQL; every value goes in as a parameter (as in index.py and ranking.py).
# ruff: noqa: S608

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from rightsmonitor.core.fulltext.analysis import WORD, normalise, stem, stop_words

THRESHOLD = 0.3  # pg_trgm's default for "%": lower finds noise, higher misses "пытак"/"пыток"
MIN_LETTERS = 3
MAX_CORRECTED = 6  # words of one query looked up (one query each)
CHUNK = 500
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def kept(term: str) -> bool:
    """Whether a stem has a place in the vocabulary: letters only, three or more."""
    return len(term) >= MIN_LETTERS and term.isalpha()


def language_of(word: str) -> str:
    """The language of a lower-case word by its letters: Kazakh's own, Cyrillic, or English."""
    if KAZAKH_LETTERS.search(word):
        return "kk"
    return "ru" if CYRILLIC.search(word) else "en"


def _same_script(language: str) -> list[str]:
    return ["en"] if language == "en" else ["ru", "kk"]


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one lower-case word."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _rank_of_form(term: str, word: str) -> tuple[bool, int, str]:
    """Which word to show for ``term``: one whose own stem it is, then the shortest."""
    return (stem(word) != term, len(word), word)


def _best(term: str, words: Iterable[str]) -> str:
    return min(words, key=lambda word: _rank_of_form(term, word))


def _better(term: str, current: str | None, candidate: str) -> bool:
    return not current or _rank_of_form(term, candidate) < _rank_of_form(term, current)


@dataclass(frozen=True)
class Candidate:
    word: str
    stem: str
    documents: int
    similarity: float


@dataclass(frozen=True)
class Correction:
    """A query with each word that matches nothing replaced by the nearest indexed word."""

    text: str
    replaced: tuple[tuple[str, str], ...]  # (as typed, suggested)


def _columns(rows: Sequence[tuple[Any, ...]]) -> list[list[Any]]:
    """Rows as one list per column (PostgreSQL's ``unnest`` of arrays)."""
    return [list(column) for column in zip(*rows, strict=True)]


def _marks(values: Sequence[Any]) -> str:
    return ",".join(["%s"] * len(values))


def _chunks(values: Sequence[Any]) -> Iterable[tuple[str, list[Any]]]:
    """(``IN``-like condition, its parameters) for ``values``, in as few statements as each
    database takes: one array on PostgreSQL, lists of ``CHUNK`` placeholders on SQLite."""
    if connection.vendor == "postgresql":
        yield "= ANY(%s)", [list(values)]
        return
    for start in range(0, len(values), CHUNK):
        chunk = list(values[start : start + CHUNK])
        yield f"IN ({_marks(chunk)})", chunk


class Vocabulary:
    """The ``<table>_words`` of the index ``table`` (and, on SQLite, its ``_trigrams``)."""

    def __init__(self, table: str) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
            raise ValueError(f"Not a table name: {table!r}")
        self.words = f"{table}_words"
        self.trigrams = f"{table}_trigrams"

    # Writing -----------------------------------------------------------------------------------

    def change(
        self,
        added: Iterable[Iterable[tuple[str, str]]],
        removed: Iterable[Iterable[str]],
    ) -> None:
        """Count the documents written (each its (stem, word) pairs, ``analysis.index_forms``)
        and those replaced or deleted (each its indexed stems) in the words' counts."""
        delta: Counter[str] = Counter()
        candidates: dict[str, set[str]] = {}
        for document in added:
            pairs = set(document)
            delta.update({term for term, _word in pairs})
            for term, word in pairs:
                candidates.setdefault(term, set()).add(word)
        for terms in removed:
            delta.subtract(set(terms))
        forms = {term: _best(term, words) for term, words in candidates.items() if kept(term)}
        touched = sorted(term for term in delta if (delta[term] or term in forms) and kept(term))
        if not touched:
            return
        with connection.cursor() as cursor:
            existing = self._rows(cursor, touched)
            self._count(cursor, touched, delta, forms, existing)
            self._show(cursor, touched, forms, existing)
            self._drop_unused(cursor, [term for term in touched if delta[term] < 0])

    def _rows(self, cursor: Any, terms: Sequence[str]) -> dict[str, tuple[int, str]]:
        """{stem: (id, word shown)} of the stems already there."""
        found: dict[str, tuple[int, str]] = {}
        for among, params in _chunks(terms):
            cursor.execute(f"SELECT stem, id, word FROM {self.words} WHERE stem {among}", params)
            found.update((term, (pk, word)) for term, pk, word in cursor.fetchall())
        return found

    def _count(
        self,
        cursor: Any,
        terms: Sequence[str],
        delta: Mapping[str, int],
        forms: Mapping[str, str],
        existing: Mapping[str, tuple[int, str]],
    ) -> None:
        # Counts move relative to the stored value: two transactions writing at once (possible
        # on PostgreSQL) each add their own documents.
        new = [
            (term, forms.get(term, ""), language_of(forms.get(term) or term), delta[term])
            for term in terms
            if term not in existing and delta[term] > 0
        ]
        conflict = (
            f"ON CONFLICT (stem) DO UPDATE SET documents = {self.words}.documents "
            "+ excluded.documents"
        )
        moved = [(term, delta[term]) for term in terms if term in existing and delta[term]]
        if connection.vendor == "postgresql":
            # One statement each over arrays: a round trip per word made indexing three times
            # slower.
            if new:
                cursor.execute(
                    f"INSERT INTO {self.words} (stem, word, language, documents) SELECT * FROM "
                    f"unnest(%s::text[], %s::text[], %s::text[], %s::int[]) {conflict}",
                    _columns(new),
                )
            if moved:
                cursor.execute(
                    f"UPDATE {self.words} w SET documents = w.documents + v.delta "
                    "FROM unnest(%s::text[], %s::int[]) AS v(stem, delta) WHERE w.stem = v.stem",
                    _columns(moved),
                )
            return
        if new:
            cursor.executemany(
                f"INSERT INTO {self.words} (stem, word, language, documents) "
                f"VALUES (%s, %s, %s, %s) {conflict}",
                new,
            )
        if moved:
            cursor.executemany(
                f"UPDATE {self.words} SET documents = documents + %s WHERE stem = %s",
                [(n, term) for term, n in moved],
            )
        if new:
            added = self._rows(cursor, [term for term, *_rest in new])
            self._add_trigrams(cursor, [(pk, word) for pk, word in added.values() if word])

    def _show(
        self,
        cursor: Any,
        terms: Sequence[str],
        forms: Mapping[str, str],
        existing: Mapping[str, tuple[int, str]],
    ) -> None:
        """Show a better word for a stem already there (shorter, or its own stem's)."""
        changed = [
            (term, existing[term], forms[term])
            for term in terms
            if term in existing and term in forms and _better(term, existing[term][1], forms[term])
        ]
        if not changed:
            return
        rows = [(word, language_of(word), term) for term, _old, word in changed]
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {self.words} w SET word = v.word, language = v.language FROM "
                "unnest(%s::text[], %s::text[], %s::text[]) AS v(word, language, stem) "
                "WHERE w.stem = v.stem",
                _columns(rows),
            )
        else:
            cursor.executemany(
                f"UPDATE {self.words} SET word = %s, language = %s WHERE stem = %s", rows
            )
            self._remove_trigrams(cursor, [(pk, old) for _term, (pk, old), _word in changed])
            self._add_trigrams(cursor, [(pk, word) for _term, (pk, _old), word in changed])

    def _drop_unused(self, cursor: Any, terms: Sequence[str]) -> None:
        for among, params in _chunks(terms):
            cursor.execute(
                f"SELECT id, word FROM {self.words} WHERE stem {among} AND documents <= 0", params
            )
            unused = cursor.fetchall()
            if not unused:
                continue
            if connection.vendor != "postgresql":
                self._remove_trigrams(cursor, unused)
            for by_id, ids in _chunks([pk for pk, _word in unused]):
                cursor.execute(f"DELETE FROM {self.words} WHERE id {by_id}", ids)

    def _add_trigrams(self, cursor: Any, words: Sequence[tuple[int, str]]) -> None:
        rows = []
        for pk, word in words:
            found = trigrams(word)
            rows += [(trigram, len(found), pk) for trigram in found]
        if rows:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {self.trigrams} (trigram, size, word_id) "
                "VALUES (%s, %s, %s)",
                rows,
            )

    def _remove_trigrams(self, cursor: Any, words: Sequence[tuple[int, str]]) -> None:
        rows = []
        for pk, word in words:
            found = trigrams(word) if word else set()
            rows += [(trigram, len(found), pk) for trigram in found]
        if rows:
            cursor.executemany(
                f"DELETE FROM {self.trigrams} WHERE trigram = %s AND size = %s AND word_id = %s",
                rows,
            )

    # Reading -----------------------------------------------------------------------------------

    def known(self, terms: Iterable[str]) -> set[str]:
        """The stems among ``terms`` that some document holds."""
        wanted = sorted(set(terms))
        found: set[str] = set()
        if not wanted:
            return found
        with connection.cursor() as cursor:
            for among, params in _chunks(wanted):
                cursor.execute(f"SELECT stem FROM {self.words} WHERE stem {among}", params)
                found.update(term for (term,) in cursor.fetchall())
        return found

    def nearest(self, word: str, *, limit: int = 3) -> list[Candidate]:
        """The indexed words nearest to one lower-case ``word`` (similarity at least
        ``THRESHOLD``): most similar first, then those in more documents."""
        languages = _same_script(language_of(word))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT word, stem, documents, similarity(word, %s) AS likeness "
                    f"FROM {self.words} WHERE word %% %s AND language = ANY(%s) "
                    "AND similarity(word, %s) >= %s "
                    "ORDER BY likeness DESC, documents DESC, word LIMIT %s",
                    [word, word, languages, word, THRESHOLD, limit],
                )
            else:
                found = sorted(trigrams(word))
                size = len(found)
                # Only words with between size*t and size/t trigrams can be that similar.
                low, high = math.ceil(size * THRESHOLD), math.floor(size / THRESHOLD)
                likeness = f"COUNT(*) * 1.0 / ({size} + g.size - COUNT(*))"
                cursor.execute(
                    f"SELECT w.word, w.stem, w.documents, {likeness} AS likeness "
                    f"FROM {self.trigrams} g JOIN {self.words} w ON w.id = g.word_id "
                    f"WHERE g.trigram IN ({_marks(found)}) AND g.size BETWEEN %s AND %s "
                    f"AND w.language IN ({_marks(languages)}) "
                    f"GROUP BY g.word_id HAVING {likeness} >= %s "
                    "ORDER BY likeness DESC, w.documents DESC, w.word LIMIT %s",
                    [*found, low, high, *languages, THRESHOLD, limit],
                )
            return [
                Candidate(str(w), str(s), int(n), float(likeness))
                for w, s, n, likeness in cursor.fetchall()
            ]

    def correct(self, text: str) -> Correction | None:
        """``text`` with each word that matches nothing replaced by the nearest indexed word,
        or None when every word matches (or none has a near word)."""
        stops = stop_words()
        spans: list[tuple[int, int, str, str]] = []  # start, end, word, its stem
        for match in WORD.finditer(text):
            word = normalise(match.group(0))
            if word in stops or not word.isalpha() or len(word) < MIN_LETTERS:
                continue
            term = stem(word)
            if kept(term):  # the vocabulary knows only such stems
                spans.append((match.start(), match.end(), word, term))
        if not spans:
            return None
        known = self.known(term for *_rest, term in spans)
        unknown = list(dict.fromkeys(word for *_pos, word, term in spans if term not in known))
        nearest: dict[str, str] = {}
        for word in unknown[:MAX_CORRECTED]:
            candidates = self.nearest(word, limit=1)
            if candidates:
                nearest[word] = candidates[0].word
        if not nearest:
            return None
        pieces, position, replaced = [], 0, []
        for start, end, word, _term in spans:
            if word not in nearest:
                continue
            typed = text[start:end]
            suggested = _like(typed, nearest[word])
            pieces += [text[position:start], suggested]
            position = end
            replaced.append((typed, suggested))
        pieces.append(text[position:])
        return Correction(" ".join("".join(pieces).split()), tuple(replaced))

    # The tables --------------------------------------------------------------------------------

    def create(self, connection_: BaseDatabaseWrapper) -> None:
        with connection_.cursor() as cursor:
            if connection_.vendor == "postgresql":
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(
                    f"CREATE TABLE {self.words} (id bigint GENERATED BY DEFAULT AS IDENTITY "
                    "PRIMARY KEY, stem text NOT NULL UNIQUE, word text NOT NULL, "
                    "language varchar(2) NOT NULL, documents integer NOT NULL)"
                )
                cursor.execute(
                    f"CREATE INDEX {self.words}_trgm ON {self.words} USING gin (word gin_trgm_ops)"
                )
            else:
                cursor.execute(
                    f"CREATE TABLE {self.words} (id integer PRIMARY KEY, stem text NOT NULL "
                    "UNIQUE, word text NOT NULL, language varchar(2) NOT NULL, "
                    "documents integer NOT NULL)"
                )
                cursor.execute(
                    f"CREATE TABLE {self.trigrams} (trigram text NOT NULL, size integer NOT NULL, "
                    "word_id integer NOT NULL, PRIMARY KEY (trigram, size, word_id)) WITHOUT ROWID"
                )

    def fill(self, connection_: BaseDatabaseWrapper, table: str) -> None:
        """Count the stems already in the index ``table`` (a migration adding the vocabulary
        to a filled index). Their words are not known yet: they are shown, and suggested,
        once a document holding them is written again (``rebuild_search_index --force``)."""
        with connection_.cursor() as cursor:
            if connection_.vendor == "postgresql":
                cursor.execute(f"SELECT word, ndoc FROM ts_stat('SELECT vec FROM {table}')")
            else:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE temp.{table}_terms USING fts5vocab(main, {table}, row)"
                )
                cursor.execute(f"SELECT term, doc FROM temp.{table}_terms")
            rows = [
                (term, "", language_of(term), int(count))
                for term, count in cursor.fetchall()
                if kept(term)
            ]
            if connection_.vendor != "postgresql":
                cursor.execute(f"DROP TABLE temp.{table}_terms")
            cursor.executemany(
                f"INSERT INTO {self.words} (stem, word, language, documents) "
                "VALUES (%s, %s, %s, %s)",
                rows,
            )

    def drop(self, connection_: BaseDatabaseWrapper) -> None:
        with connection_.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.trigrams}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.words}")


def _like(typed: str, word: str) -> str:
    """``word`` in the letter case the user typed (Torure → Torture, TORURE → TORTURE)."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
