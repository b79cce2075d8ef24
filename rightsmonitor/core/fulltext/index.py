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

from rightsmonitor.core.fulltext.analysis import index_terms
from rightsmonitor.core.fulltext.ranking import Searching

BATCH = 500


class FullTextIndex(Searching):
    """One side table of analysed text keyed by the primary key of the rows it indexes; its
    searching and ranking are in ``Searching`` (``ranking.py``)."""

    def __init__(self, table: str) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
            raise ValueError(f"Not a table name: {table!r}")
        self.table = table

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
