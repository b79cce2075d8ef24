"""Writing the site search's documents: ``index_objects(kind, ids)`` builds the documents of
those objects, compares each one's stamp (a hash of everything copied) with the stored one and
writes only what differs, dropping the documents of objects that are gone or no longer public.
``refresh()`` compares every document (``manage.py rebuild_search_index``, the demo loader).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from rightsmonitor.core.pagecache import content_changed
from rightsmonitor.portal.models import SearchDocument
from rightsmonitor.portal.search.documents import BUILDERS, SEARCH_INDEX, SOURCES, Document

BATCH = 1000
# The document's own columns written on each refresh (besides the many-to-many sets).
COLUMNS = [
    "plan_id",
    "section_id",
    "status",
    "mechanism",
    "date",
    "year",
    "label",
    *(f"title_{code}" for code in ("en", "ru", "kk")),
    *(f"summary_{code}" for code in ("en", "ru", "kk")),
    "route",
    "route_args",
    "anchor",
    "stamp",
]


@dataclass
class RefreshSummary:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def add(self, other: RefreshSummary) -> None:
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.unchanged += other.unchanged


def _fill(document: SearchDocument, built: Document) -> None:
    document.plan_id = built.plan_id
    document.section_id = built.section_id
    document.status = built.status
    document.mechanism = built.mechanism
    document.date = built.date
    document.year = built.date.year if built.date else None
    document.label = built.label
    for code in ("en", "ru", "kk"):
        setattr(document, f"title_{code}", built.titles.get(code, ""))
        setattr(document, f"summary_{code}", built.summaries.get(code, ""))
    document.route = built.route
    document.route_args = list(built.route_args)
    document.anchor = built.anchor
    document.stamp = built.stamp


def _relate(written: Sequence[tuple[SearchDocument, Document]]) -> None:
    """Replace the agencies, themes and affected persons of the written documents."""
    ids = [document.pk for document, _built in written]
    relations: tuple[tuple[Any, str, str], ...] = (
        (SearchDocument.agencies.through, "agency_id", "agency_ids"),
        (SearchDocument.themes.through, "theme_id", "theme_ids"),
        (SearchDocument.affected_persons.through, "theme_id", "affected_ids"),
    )
    for through, column, attribute in relations:
        through.objects.filter(searchdocument_id__in=ids).delete()
        through.objects.bulk_create(
            [
                through(searchdocument_id=document.pk, **{column: value})
                for document, built in written
                for value in getattr(built, attribute)
            ]
        )


def _index_batch(kind: str, ids: Sequence[int]) -> RefreshSummary:
    summary = RefreshSummary()
    built = {document.object_id: document for document in BUILDERS[kind](ids)}
    existing = {d.object_id: d for d in SearchDocument.objects.filter(kind=kind, object_id__in=ids)}
    gone = [document.pk for pk, document in existing.items() if pk not in built]
    to_create: list[tuple[SearchDocument, Document]] = []
    to_update: list[tuple[SearchDocument, Document]] = []
    for object_id, document in built.items():
        stored = existing.get(object_id)
        if stored is not None and stored.stamp == document.stamp:
            summary.unchanged += 1
            continue
        row = stored or SearchDocument(kind=kind, object_id=object_id)
        _fill(row, document)
        (to_update if stored else to_create).append((row, document))
    if gone:
        SearchDocument.objects.filter(pk__in=gone).delete()
        SEARCH_INDEX.delete(gone)
    if to_create:
        SearchDocument.objects.bulk_create([row for row, _built in to_create])
    if to_update:
        SearchDocument.objects.bulk_update([row for row, _built in to_update], COLUMNS)
    written = to_create + to_update
    if written:
        _relate(written)
        SEARCH_INDEX.update((row.pk, row.stamp, built.text) for row, built in written)
    summary.created, summary.updated, summary.deleted = len(to_create), len(to_update), len(gone)
    if gone or written:
        content_changed()  # bulk writes send no signal; cached search pages are stale now
    return summary


def index_objects(kind: str, ids: Iterable[int]) -> RefreshSummary:
    """Bring the documents of these objects of ``kind`` up to date; only changed ones are
    written, and those of objects gone or no longer public are dropped."""
    if kind not in BUILDERS:
        raise ValueError(f"Not a kind of search document: {kind!r}")
    wanted = sorted(set(ids))
    summary = RefreshSummary()
    with transaction.atomic():
        for start in range(0, len(wanted), BATCH):
            summary.add(_index_batch(kind, wanted[start : start + BATCH]))
    return summary


def refresh(
    kinds: Iterable[str] | None = None, *, force: bool = False
) -> dict[str, RefreshSummary]:
    """Compare every document of ``kinds`` (all by default) with its object; ``force`` rewrites
    them all (after a change to the text analysis)."""
    result = {}
    for kind in kinds or BUILDERS:
        if force:
            SearchDocument.objects.filter(kind=kind).update(stamp="")
        ids = set(SOURCES[kind]._default_manager.values_list("pk", flat=True))
        ids |= set(SearchDocument.objects.filter(kind=kind).values_list("object_id", flat=True))
        result[kind] = index_objects(kind, ids)
    return result
