"""Full-text indexes in the database, the same behaviour on SQLite (FTS5) and PostgreSQL.

Text is analysed here, in Python, before it reaches the database: split into words, lowered,
stop words dropped and each word stemmed (English Snowball for Latin script, Russian Snowball for
Cyrillic; Kazakh words get the Russian stemmer, which is rough but better than none). The
database then indexes those stems as plain tokens: SQLite with an FTS5 table, PostgreSQL with a
``tsvector`` column under the ``simple`` configuration and a GIN index. So a query finds the same
rows on both, and ranking differs only in its arithmetic (FTS5's bm25; on PostgreSQL the sum of
the matched terms' inverse document frequencies, see ``FullTextIndex.rank_any``).

An index is a side table keyed by the indexed row's primary key, with a ``stamp`` that lets the
owner re-index only what changed (``FullTextIndex.sync``). Its table is created by a migration
calling ``create_index_table``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

WORD = re.compile(r"\w+", re.UNICODE)
PHRASE = re.compile(r'"([^"]*)"')
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
BATCH = 500

# Words too common to tell texts apart. Besides grammar words, the stock phrases of UN
# recommendations and plans ("take measures to ensure", "the State party") are here: they occur
# in nearly every text and would otherwise swamp the ranking.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "shall",
        "may",
        "must",
        "upon",
        "within",
        "without",
        "whether",
        "including",
        "inter",
        "alia",
        "etc",
        "ensure",
        "take",
        "taking",
        "measures",
        "measure",
        "necessary",
        "continue",
        "continued",
        "further",
        "efforts",
        "effective",
        "effectively",
        "steps",
        "step",
        "state",
        "states",
        "party",
        "parties",
        "recommend",
        "recommends",
        "recommended",
        "recommendation",
        "recommendations",
        "committee",
        "urges",
        "encourages",
        "calls",
        "consider",
        "appropriate",
        "adequate",
        "adequately",
        "relevant",
        "particular",
        "particularly",
        "strengthen",
        "strengthening",
        "improve",
        "ensuring",
        "undertake",
        "guarantee",
        "и",
        "в",
        "во",
        "не",
        "что",
        "он",
        "на",
        "я",
        "с",
        "со",
        "как",
        "а",
        "то",
        "все",
        "она",
        "так",
        "его",
        "но",
        "да",
        "ты",
        "к",
        "у",
        "же",
        "вы",
        "за",
        "бы",
        "по",
        "только",
        "ее",
        "мне",
        "было",
        "вот",
        "от",
        "меня",
        "еще",
        "нет",
        "о",
        "из",
        "ему",
        "теперь",
        "когда",
        "даже",
        "ну",
        "вдруг",
        "ли",
        "если",
        "уже",
        "или",
        "ни",
        "быть",
        "был",
        "него",
        "до",
        "вас",
        "нибудь",
        "опять",
        "уж",
        "вам",
        "ведь",
        "там",
        "потом",
        "себя",
        "ничего",
        "ей",
        "может",
        "они",
        "тут",
        "где",
        "есть",
        "надо",
        "ней",
        "для",
        "мы",
        "тебя",
        "их",
        "чем",
        "была",
        "сам",
        "чтоб",
        "без",
        "будто",
        "чего",
        "раз",
        "тоже",
        "себе",
        "под",
        "будет",
        "ж",
        "тогда",
        "кто",
        "этот",
        "того",
        "потому",
        "этого",
        "какой",
        "совсем",
        "ним",
        "здесь",
        "этом",
        "один",
        "почти",
        "мой",
        "тем",
        "чтобы",
        "нее",
        "сейчас",
        "были",
        "куда",
        "зачем",
        "всех",
        "никогда",
        "можно",
        "при",
        "наконец",
        "два",
        "об",
        "другой",
        "хоть",
        "после",
        "над",
        "больше",
        "тот",
        "через",
        "эти",
        "нас",
        "про",
        "всего",
        "них",
        "какая",
        "много",
        "разве",
        "три",
        "эту",
        "моя",
        "впрочем",
        "хорошо",
        "свою",
        "этой",
        "перед",
        "иногда",
        "лучше",
        "чуть",
        "том",
        "нельзя",
        "такой",
        "им",
        "более",
        "всегда",
        "конечно",
        "всю",
        "между",
        "также",
        "том",
        "числе",
        "целях",
        "принять",
        "принимать",
        "меры",
        "мер",
        "обеспечить",
        "обеспечения",
        "обеспечение",
        "продолжить",
        "государству",
        "государство",
        "участнику",
        "участник",
        "рекомендует",
        "рекомендуется",
        "комитет",
        "призывает",
        "необходимые",
        "эффективные",
        "эффективно",
        "усилить",
        "және",
        "мен",
        "да",
        "де",
        "бен",
        "пен",
        "үшін",
        "бойынша",
        "туралы",
        "осы",
        "бұл",
        "ол",
    ]
)


@lru_cache(maxsize=2)
def _stemmer(language: str) -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word, by its script."""
    language = "russian" if CYRILLIC.search(word) else "english"
    return str(_stemmer(language).stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` with stop words and one-letter words dropped."""
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    return [w for w in WORD.findall(text) if len(w) > 1 and w not in STOP_WORDS and w != "_"]


def analyse(text: str) -> list[str]:
    """The stems by which ``text`` is searched (a query), in order."""
    return [stem(word) for word in words(text)]


# Russian nouns take a vowel between their last two consonants where no ending follows
# (пытка, пытки → пыток; ошибка → ошибок; девушка → девушек). Snowball leaves such a word whole,
# so "пытки" (stem "пытк") would not find "пыток". A word with no ending that looks like that is
# also indexed without the vowel; a word that never had one ("урок" → "урк") only gains a token
# nobody searches for.
_CONSONANT = "бвгджзклмнпрстфхцчшщ"
_FLEETING_VOWEL = re.compile(rf"^([а-я]{{2,}}[{_CONSONANT}])[оеё]([{_CONSONANT}])$")


def _without_fleeting_vowel(word: str, stemmed: str) -> str | None:
    if stemmed != word:  # Snowball took an ending off: the vowel is not the last syllable's
        return None
    match = _FLEETING_VOWEL.match(word)
    return match.group(1) + match.group(2) if match else None


def index_terms(text: str) -> list[str]:
    """The stems under which ``text`` is indexed: ``analyse``'s, then the variants without a
    fleeting vowel, after the text so that phrases keep their positions."""
    stems, variants = [], []
    for word in words(text):
        stemmed = stem(word)
        stems.append(stemmed)
        variant = _without_fleeting_vowel(word, stemmed)
        if variant:
            variants.append(variant)
    return stems + variants


def matches(word: str, stems: set[str]) -> bool:
    """Whether one lower-case word of a text is found by a search for ``stems``."""
    stemmed = stem(word)
    return stemmed in stems or _without_fleeting_vowel(word, stemmed) in stems


@dataclass(frozen=True)
class Query:
    """A user's search: loose terms and quoted phrases (each a list of stems)."""

    terms: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, text: str) -> Query:
        phrases = tuple(p for p in (tuple(analyse(m)) for m in PHRASE.findall(text)) if p)
        rest = PHRASE.sub(" ", text)
        seen: dict[str, None] = dict.fromkeys(analyse(rest))
        return cls(terms=tuple(seen), phrases=phrases)

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)

    def highlight_stems(self) -> set[str]:
        return set(self.terms) | {s for phrase in self.phrases for s in phrase}


def _fts5_term(stem_: str) -> str:
    return '"' + stem_.replace('"', "") + '"'


def _ts_term(stem_: str) -> str:
    return "'" + stem_.replace("'", "").replace("\\", "") + "'"


class FullTextIndex:
    """One side table of analysed text keyed by the primary key of the rows it indexes."""

    def __init__(self, table: str) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
            raise ValueError(f"Not a table name: {table!r}")
        self.table = table

    # -- writing ---------------------------------------------------------------------------

    def update(self, documents: Iterable[tuple[int, str, str]]) -> int:
        """Index (id, stamp, text) triples, replacing what the ids had. Returns the count."""
        count = 0
        batch: list[tuple[int, str, str]] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH:
                count += self._write(batch)
                batch = []
        if batch:
            count += self._write(batch)
        return count

    def _write(self, batch: Sequence[tuple[int, str, str]]) -> int:
        rows = [(pk, stamp, " ".join(index_terms(text))) for pk, stamp, text in batch]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.executemany(
                    f"INSERT INTO {self.table} (id, stamp, vec) "
                    "VALUES (%s, %s, to_tsvector('simple', %s)) "
                    "ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp, vec = EXCLUDED.vec",
                    rows,
                )
            else:
                self._delete_sqlite(cursor, [pk for pk, _stamp, _body in rows])
                cursor.executemany(
                    f"INSERT INTO {self.table} (rowid, stamp, body) VALUES (%s, %s, %s)", rows
                )
        return len(rows)

    def _delete_sqlite(self, cursor: object, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({marks})", chunk)  # type: ignore[attr-defined]

    def delete(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DELETE FROM {self.table} WHERE id = ANY(%s)", [list(ids)])
            else:
                self._delete_sqlite(cursor, ids)

    def stamps(self, ids: Sequence[int] | None = None) -> dict[int, str]:
        key = "id" if connection.vendor == "postgresql" else "rowid"
        sql = f"SELECT {key}, stamp FROM {self.table}"
        with connection.cursor() as cursor:
            if ids is None:
                cursor.execute(sql)
                return dict(cursor.fetchall())
            found: dict[int, str] = {}
            for start in range(0, len(ids), BATCH):
                chunk = list(ids[start : start + BATCH])
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"{sql} WHERE {key} IN ({marks})", chunk)
                found.update(cursor.fetchall())
            return found

    def sync(
        self,
        stamps: Mapping[int, str],
        texts: Callable[[Sequence[int]], Iterable[tuple[int, str, str]]],
    ) -> int:
        """Re-index the ids whose stamp differs from the indexed one; drop nothing else.

        ``texts(ids)`` yields (id, stamp, text) for the ids to re-index.
        """
        indexed = self.stamps(list(stamps))
        stale = [pk for pk, stamp in stamps.items() if indexed.get(pk) != stamp]
        return self.update(texts(stale)) if stale else 0

    # -- reading ---------------------------------------------------------------------------

    def _match(self, query: Query, *, any_term: bool) -> tuple[str, list[str]]:
        """The WHERE clause (with its parameters) selecting rows that match ``query``."""
        if connection.vendor == "postgresql":
            parts = [" <-> ".join(_ts_term(s) for s in phrase) for phrase in query.phrases]
            parts += [_ts_term(term) for term in query.terms]
            joined = (" | " if any_term else " & ").join(f"({p})" for p in parts)
            return "vec @@ to_tsquery('simple', %s)", [joined]
        parts = [
            '"' + " ".join(s.replace('"', "") for s in phrase) + '"' for phrase in query.phrases
        ]
        parts += [_fts5_term(term) for term in query.terms]
        return f"{self.table} MATCH %s", [(" OR " if any_term else " AND ").join(parts)]

    def filter_q(self, query: Query, field: str = "pk") -> Q:
        """A ``Q`` keeping the rows whose ``field`` is the id of a document with every term."""
        key = "id" if connection.vendor == "postgresql" else "rowid"
        where, params = self._match(query, any_term=False)
        sql = f"SELECT {key} FROM {self.table} WHERE {where}"
        return Q(**{f"{field}__in": RawSQL(sql, params)})

    def best_first(self, queryset: QuerySet[Any], query: Query) -> QuerySet[Any]:
        """``queryset`` narrowed to the rows matching every term of ``query``, annotated with
        ``search_rank`` (higher is better: FTS5's bm25 turned round, PostgreSQL's ts_rank) for
        ``order_by("-search_rank", ...)``. The index is joined, so the match drives the query
        and each row's rank is read once."""
        table = queryset.model._meta.db_table
        key = "id" if connection.vendor == "postgresql" else "rowid"
        where, params = self._match(query, any_term=False)
        if connection.vendor == "postgresql":
            rank = f"ts_rank({self.table}.vec, to_tsquery('simple', %s))"
        else:
            rank = f"-bm25({self.table})"
        # Table names are checked (__init__) and the query is a bound parameter.
        return queryset.extra(  # noqa: S610
            select={"search_rank": rank},
            select_params=params if connection.vendor == "postgresql" else [],
            tables=[self.table],
            where=[f"{self.table}.{key} = {table}.{queryset.model._meta.pk.column}", where],
            params=params,
        )

    def rank_any(
        self, query: Query, *, limit: int, among: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """Ids of the ``limit`` documents that best match any term, best first, with a score.

        ``among`` restricts the candidates (e.g. the actions of one plan). The score is
        comparable only within one call.
        """
        if not query:
            return []
        if among is not None and not among:
            return []
        if connection.vendor == "postgresql":
            return self._rank_postgresql(query, limit=limit, among=among)
        where, params = self._match(query, any_term=True)
        sql = f"SELECT rowid, bm25({self.table}) AS score FROM {self.table} WHERE {where}"
        if among is not None:
            sql += f" AND rowid IN ({','.join(str(int(pk)) for pk in among)})"
        sql += " ORDER BY score LIMIT %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            # bm25() is negative, lower is better: turn it round so that higher is better.
            return [(int(pk), -float(score)) for pk, score in cursor.fetchall()]

    def _rank_postgresql(
        self, query: Query, *, limit: int, among: Sequence[int] | None
    ) -> list[tuple[int, float]]:
        # ts_rank knows nothing of how rare a word is; weigh each matched term by its inverse
        # document frequency among the candidates' collection instead, like bm25 without length.
        terms = [" <-> ".join(_ts_term(s) for s in p) for p in query.phrases]
        terms += [_ts_term(t) for t in query.terms]
        scope = ""
        scope_params: list[Any] = []
        if among is not None:
            scope = " AND id = ANY(%s)"
            scope_params = [list(among)]
        any_query = " | ".join(f"({t})" for t in terms)
        counts = ", ".join("count(*) FILTER (WHERE vec @@ to_tsquery('simple', %s))" for _ in terms)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {self.table} WHERE TRUE{scope}",
                scope_params,
            )
            total = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT {counts} FROM {self.table} WHERE vec @@ to_tsquery('simple', %s){scope}",
                [*terms, any_query, *scope_params],
            )
            frequencies = cursor.fetchone()
            weights = [
                math.log(1 + (total - df + 0.5) / (df + 0.5)) if df else 0.0 for df in frequencies
            ]
            score = " + ".join(
                "CASE WHEN vec @@ to_tsquery('simple', %s) THEN %s ELSE 0 END" for _ in terms
            )
            score_params: list[Any] = []
            for term, weight in zip(terms, weights, strict=True):
                score_params += [term, weight]
            cursor.execute(
                f"SELECT id, ({score}) AS score FROM {self.table} "
                f"WHERE vec @@ to_tsquery('simple', %s){scope} "
                "ORDER BY score DESC, id LIMIT %s",
                [*score_params, any_query, *scope_params, limit],
            )
            return [(int(pk), float(value)) for pk, value in cursor.fetchall()]


def create_index_table(connection_: BaseDatabaseWrapper, table: str) -> None:
    """Create the side table of a ``FullTextIndex`` (call from a migration)."""
    FullTextIndex(table)  # validates the name
    with connection_.cursor() as cursor:
        if connection_.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {table} (id bigint PRIMARY KEY, stamp text NOT NULL, "
                "vec tsvector NOT NULL)"
            )
            cursor.execute(f"CREATE INDEX {table}_vec ON {table} USING gin (vec)")
        else:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {table} USING fts5(body, stamp UNINDEXED, "
                "tokenize = 'unicode61 remove_diacritics 0')"
            )


def drop_index_table(connection_: BaseDatabaseWrapper, table: str) -> None:
    FullTextIndex(table)
    with connection_.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def highlight(text: str, stems: set[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) pairs, a piece matching when its stem is searched."""
    if not stems:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in WORD.finditer(text):
        word = match.group(0)
        lowered = unicodedata.normalize("NFKC", word).lower().replace("ё", "е")
        if lowered in STOP_WORDS or not matches(lowered, stems):
            continue
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((word, True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces
