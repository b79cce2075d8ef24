"""The index's storage: a side table of analysed text keyed by the primary key of the rows it
indexes. SQLite keeps the stems in an FTS5 table, PostgreSQL in a ``tsvector`` column under the
``simple`` configuration with a GIN index; both hold the same tokens (``analysis.index_terms``).

Each row carries a ``stamp`` that lets the owner re-index only what changed
(``FullTextIndex.sync``). The table is created by a migration calling ``create_index_table``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from rightsmonitor.core.fulltext.analysis import index_forms
from rightsmonitor.core.fulltext.ranking import Searching
from rightsmonitor.core.fulltext.vocabulary import Vocabulary

BATCH = 500


class FullTextIndex(Searching):
    """One side table of analysed text keyed by the primary key of the rows it indexes; its
    searching and ranking are in ``Searching`` (``ranking.py``)."""

    def __init__(self, table: str, *, vocabulary: bool = False) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
            raise ValueError(f"Not a table name: {table!r}")
        self.table = table
        # Its words, for spelling suggestions; the tables come from ``create_vocabulary``.
        self.vocabulary = Vocabulary(table) if vocabulary else None

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
        forms = [index_forms(text) for _pk, _stamp, text in batch]
        rows = [
            (pk, stamp, " ".join(term for term, _word in found))
            for (pk, stamp, _text), found in zip(batch, forms, strict=True)
        ]
        replaced = self._terms([pk for pk, _stamp, _body in rows]) if self.vocabulary else []
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
        if self.vocabulary:
            self.vocabulary.change(added=forms, removed=replaced)
        return len(rows)

    def _terms(self, ids: Sequence[int]) -> list[list[str]]:
        """The indexed stems of each of ``ids`` that is in the index."""
        found: list[list[str]] = []
        with connection.cursor() as cursor:
            for start in range(0, len(ids), BATCH):
                chunk = list(ids[start : start + BATCH])
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"SELECT tsvector_to_array(vec) FROM {self.table} WHERE id = ANY(%s)",
                        [chunk],
                    )
                    found += [list(terms) for (terms,) in cursor.fetchall()]
                else:
                    marks = ",".join(["%s"] * len(chunk))
                    cursor.execute(f"SELECT body FROM {self.table} WHERE rowid IN ({marks})", chunk)
                    found += [body.split() for (body,) in cursor.fetchall()]
        return found

    def _delete_sqlite(self, cursor: object, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({marks})", chunk)  # type: ignore[attr-defined]

    def delete(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        if self.vocabulary:
            self.vocabulary.change(added=[], removed=self._terms(ids))
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


def create_vocabulary(connection_: BaseDatabaseWrapper, table: str) -> None:
    """Give the index ``table`` its vocabulary (call from a migration; ``pg_trgm`` on
    PostgreSQL), counting the stems it already holds."""
    vocabulary = Vocabulary(FullTextIndex(table).table)
    vocabulary.create(connection_)
    vocabulary.fill(connection_, table)


def drop_vocabulary(connection_: BaseDatabaseWrapper, table: str) -> None:
    Vocabulary(FullTextIndex(table).table).drop(connection_)
