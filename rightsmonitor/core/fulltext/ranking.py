"""Query building and ranking: what a user's words become, which indexed rows they match and
how well, on SQLite (FTS5: ``MATCH``, bm25) and on PostgreSQL (``tsquery``; ranking by the sum of
the matched terms' inverse document frequencies, see ``Searching.rank_any``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from rightsmonitor.core.fulltext.analysis import analyse

PHRASE = re.compile(r'"([^"]*)"')


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


class Searching:
    """The reading half of a ``FullTextIndex``: the rows of its side table ``table`` that match a
    ``Query``, and how well."""

    table: str

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
