"""Save the records of a recommendations file: match, create or update, in one transaction.

Records are saved in batches of ``BATCH``: each batch costs a fixed number of queries, and
nothing is held in memory beyond it, so the peak memory is the same for a file of a thousand
rows and for the whole UHRI. A record is matched to an existing recommendation by (source, id at
the source), else by document symbol plus normalised text; a matched one whose content is the
same is left alone (counted unchanged), a different one is updated in place.

The whole file is one transaction: a file that breaks half way (a JSON cut off, a damaged
workbook) leaves the database as it was. Rows that cannot be read are not imported and are
written, with the reason, to the rejected-rows CSV.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, TypeVar

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rightsmonitor.core.pagecache import content_changed
from rightsmonitor.plans.models import Theme
from rightsmonitor.recommendations.bodies import known_body
from rightsmonitor.recommendations.importers.readers import Item, Progress, reader_for
from rightsmonitor.recommendations.importers.records import Record, RowRejected
from rightsmonitor.recommendations.models import (
    Body,
    ImportRun,
    Mechanism,
    Recommendation,
    RecommendationCountry,
    SdgTarget,
)
from rightsmonitor.recommendations.search import RECOMMENDATION_INDEX, index_text
from rightsmonitor.recommendations.themes import catalogue_names

BATCH = 1000
T = TypeVar("T")
FIELDS = [
    "body_id",
    "text",
    "annotation_type",
    "language",
    "paragraph",
    "symbol",
    "session",
    "cycle",
    "document_date",
    "recommending_states",
    "position",
    "action_category",
    "text_key",
    "content_hash",
]


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "notes": self.notes,
        }


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def check_file(
    path: str | Path, format: str, *, options: Mapping[str, Any] | None = None
) -> list[str]:
    """Refuse (``TableError``) a file that is not what ``format`` says; return notes."""
    reader = reader_for(format, path, options=options)
    reader.check()
    return reader.notes


def import_recommendations(
    path: str | Path,
    format: str,
    *,
    options: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    rejected_to: IO[str] | None = None,
    run: ImportRun | None = None,
) -> ImportSummary:
    """Import a file; ``TableError`` if the file is refused (then nothing is written)."""
    reader = reader_for(format, path, options=options, progress=progress)
    reader.check()
    summary = ImportSummary(notes=list(reader.notes))
    rejected = RejectedRows(rejected_to)
    with transaction.atomic():
        saver = Saver(summary, rejected, run)
        for batch in batched(reader.items(), BATCH):
            saver.save(batch)
    summary.notes = list(dict.fromkeys(summary.notes + reader.notes))
    return summary


def save_records(records: Iterable[Record], *, run: ImportRun | None = None) -> ImportSummary:
    """Save records made in code (the demo, tests) the way an import saves a file's rows."""
    summary = ImportSummary()
    items = (Item(str(number), record, None) for number, record in enumerate(records, start=1))
    with transaction.atomic():
        saver = Saver(summary, RejectedRows(None), run)
        for batch in batched(items, BATCH):
            saver.save(batch)
    return summary


class RejectedRows:
    """The rejected rows as CSV: where, which column, why, then the row's own values."""

    def __init__(self, stream: IO[str] | None) -> None:
        self.writer = csv.writer(stream) if stream is not None else None
        self.columns: list[str] | None = None

    def add(self, item: Item, reason: RowRejected) -> None:
        if self.writer is None:
            return
        if self.columns is None:
            self.columns = list(item.raw)
            self.writer.writerow([_("Row"), _("Column"), _("Reason"), *self.columns])
        values = [_escape(item.raw.get(name, "")) for name in self.columns]
        self.writer.writerow([item.location, reason.column, reason.reason, *values])


def _escape(text: str) -> str:
    # A spreadsheet must not run a cell of the rejected list as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


class Saver:
    def __init__(self, summary: ImportSummary, rejected: RejectedRows, run: ImportRun | None):
        self.summary = summary
        self.rejected = rejected
        self.run = run
        self.bodies = {body.code.casefold(): body for body in Body.objects.all()}
        self.themes: dict[tuple[str, str], int] = {}
        for theme in Theme.objects.all():
            for name in (theme.name_en, theme.name_ru, theme.name_kk, theme.key):
                if name:
                    self.themes.setdefault((theme.kind, name.casefold()), theme.pk)
        self.theme_keys = set(Theme.objects.values_list("key", flat=True))
        self.sdgs = dict(SdgTarget.objects.values_list("code", "pk"))

    def save(self, items: Sequence[Item]) -> None:
        content_changed()  # bulk writes send no signal; once per transaction whatever the batches
        records: list[tuple[Item, Record]] = []
        for item in items:
            if item.record is None:
                self._reject(item, item.rejected or RowRejected(_("Unreadable row.")))
            else:
                records.append((item, item.record))
        if not records:
            return
        candidates = self._match([record for _item, record in records])
        to_create: list[tuple[Recommendation, Record]] = []
        to_update: list[tuple[Recommendation, Record]] = []
        batch_keys: dict[str, tuple[str, str]] = {}
        claimed: set[int] = set()
        for item, record in records:
            # A row is the same as an earlier row of the batch by its id or, without an id,
            # by its symbol and text.
            if record.source_id:
                key = f"i\x00{record.source}\x00{record.source_id}"
            else:
                key = f"t\x00{record.source}\x00{record.symbol}\x00{record.text_key}"
            content_hash = record.content_hash()
            if key in batch_keys:
                location, earlier_hash = batch_keys[key]
                if earlier_hash == content_hash:
                    self.summary.unchanged += 1
                else:
                    self._reject(item, _duplicate(location))
                continue
            batch_keys[key] = (item.location, content_hash)
            # Each existing recommendation answers one row: two rows with other ids and the
            # same text are two recommendations.
            existing = next(
                (rec for rec in candidates.get(id(record), []) if rec.pk not in claimed), None
            )
            if existing is None:
                to_create.append((self._new(record, content_hash), record))
                continue
            claimed.add(existing.pk)
            if self.run is not None and existing.import_run_id == self.run.pk:
                # Written by this run already, from an earlier batch: the same row again.
                if existing.content_hash != content_hash:
                    self._reject(item, _duplicate(""))
                else:
                    self.summary.unchanged += 1
            elif existing.content_hash == content_hash:
                self.summary.unchanged += 1
            else:
                self._fill(existing, record, content_hash)
                to_update.append((existing, record))
        self._write(to_create, to_update)

    def _reject(self, item: Item, reason: RowRejected) -> None:
        self.summary.rejected += 1
        self.rejected.add(item, reason)

    def _match(self, records: Sequence[Record]) -> dict[int, list[Recommendation]]:
        """Existing recommendations that may be each record (by ``id(record)``), best first.

        By (source, id at the source); else by document symbol and normalised text; else,
        with neither id nor symbol, by the text among recommendations from the same source.
        The text never matches a recommendation that has another id at the same source:
        that is another recommendation with the same words.
        """
        found: dict[int, list[Recommendation]] = {}
        by_source: dict[tuple[str, str], list[Record]] = {}
        for record in records:
            if record.source_id:
                by_source.setdefault((record.source, record.source_id), []).append(record)
        for source in {source for source, _id in by_source}:
            ids = [source_id for s, source_id in by_source if s == source]
            for existing in Recommendation.objects.filter(source=source, source_id__in=ids):
                for record in by_source[(source, existing.source_id)]:
                    found[id(record)] = [existing]
        rest = [record for record in records if id(record) not in found]
        with_symbol = [record for record in rest if record.symbol]
        if with_symbol:
            # Only those that _may_be() accepts (so that a thousand annotations with the same
            # words do not each fetch all the others).
            eligible = Q()
            if all(record.source_id for record in with_symbol):
                sources = {record.source for record in with_symbol}
                eligible = Q(source_id="") | ~Q(source__in=sources)
            by_text: dict[tuple[str, str], list[Recommendation]] = {}
            for existing in Recommendation.objects.filter(
                eligible,
                symbol__in={record.symbol for record in with_symbol},
                text_key__in={record.text_key for record in with_symbol},
            ).order_by("pk"):
                by_text.setdefault((existing.symbol, existing.text_key), []).append(existing)
            for record in with_symbol:
                matches = by_text.get((record.symbol, record.text_key), [])
                found[id(record)] = [rec for rec in matches if _may_be(rec, record)]
        bare = [record for record in rest if not record.symbol and not record.source_id]
        if bare:
            by_text = {}
            for existing in Recommendation.objects.filter(
                symbol="",
                source__in={record.source for record in bare},
                text_key__in={record.text_key for record in bare},
            ).order_by("pk"):
                by_text.setdefault((existing.source, existing.text_key), []).append(existing)
            for record in bare:
                found[id(record)] = by_text.get((record.source, record.text_key), [])
        return found

    def _new(self, record: Record, content_hash: str) -> Recommendation:
        recommendation = Recommendation(source=record.source, source_id=record.source_id)
        self._fill(recommendation, record, content_hash)
        return recommendation

    def _fill(self, recommendation: Recommendation, record: Record, content_hash: str) -> None:
        recommendation.body_id = self._body(record)
        recommendation.text = record.text
        recommendation.annotation_type = record.annotation_type
        recommendation.language = record.language
        recommendation.paragraph = record.paragraph[:32]
        recommendation.symbol = record.symbol[:128]
        recommendation.session = record.session[:128]
        recommendation.cycle = record.cycle[:32]
        recommendation.document_date = record.document_date
        recommendation.recommending_states = record.recommending_states
        recommendation.position = record.position
        recommendation.action_category = record.action_category
        recommendation.text_key = record.text_key
        recommendation.content_hash = content_hash
        recommendation.import_run = self.run
        recommendation.updated_at = timezone.now()
        if not recommendation.source_id and record.source_id:
            recommendation.source, recommendation.source_id = record.source, record.source_id

    def _body(self, record: Record) -> int:
        code = record.body[:128]
        body = self.bodies.get(code.casefold())
        if body is None:
            known = known_body(code)
            body = Body.objects.create(
                code=code,
                mechanism=record.mechanism or known.mechanism,
                name_en=known.name_en or code,
                name_ru=known.name_ru,
                name_kk=known.name_kk,
            )
            self.bodies[code.casefold()] = body
        return body.pk

    def _theme(self, kind: str, name: str) -> int:
        name = name[:255]  # as stored, so that the next import finds it
        pk = self.themes.get((kind, name.casefold()))
        if pk is None:
            base = slugify(name, allow_unicode=True)[:56] or "theme"
            key, number = base, 1
            while key in self.theme_keys:
                number += 1
                key = f"{base}-{number}"
            # Named in every language at once when the UN's name is in the catalogue.
            names = {"name_en": name, **catalogue_names(name)}
            pk = Theme.objects.create(key=key, kind=kind, **names).pk
            self.theme_keys.add(key)
            self.themes[(kind, name.casefold())] = pk
        return pk

    def _sdg(self, code: str, title: str) -> int:
        pk = self.sdgs.get(code)
        if pk is None:
            pk = SdgTarget.objects.create(code=code, title=title).pk
            self.sdgs[code] = pk
        return pk

    def _write(
        self,
        to_create: list[tuple[Recommendation, Record]],
        to_update: list[tuple[Recommendation, Record]],
    ) -> None:
        if to_create:
            Recommendation.objects.bulk_create([rec for rec, _record in to_create])
            self.summary.created += len(to_create)
        if to_update:
            Recommendation.objects.bulk_update(
                [rec for rec, _record in to_update],
                [*FIELDS, "import_run", "source", "source_id", "updated_at"],
            )
            ids = [rec.pk for rec, _record in to_update]
            Recommendation.objects.filter(pk__in=ids).update(version=F("version") + 1)
            self._clear_relations(ids)
            self.summary.updated += len(to_update)
        written = to_create + to_update
        self._relate(written)
        RECOMMENDATION_INDEX.update(
            (rec.pk, rec.content_hash, index_text(rec)) for rec, _record in written
        )

    def _clear_relations(self, ids: Sequence[int]) -> None:
        for through in (
            Recommendation.themes.through,
            Recommendation.affected_persons.through,
            Recommendation.sdg_targets.through,
        ):
            through.objects.filter(recommendation_id__in=ids).delete()
        RecommendationCountry.objects.filter(recommendation_id__in=ids).delete()

    def _relate(self, written: Sequence[tuple[Recommendation, Record]]) -> None:
        themes, groups, sdgs, countries = [], [], [], []
        theme_through = Recommendation.themes.through
        group_through = Recommendation.affected_persons.through
        sdg_through = Recommendation.sdg_targets.through
        for rec, record in written:
            for theme_id in dict.fromkeys(self._theme(Theme.Kind.RIGHT, n) for n in record.themes):
                themes.append(theme_through(recommendation_id=rec.pk, theme_id=theme_id))
            for theme_id in dict.fromkeys(
                self._theme(Theme.Kind.GROUP, n) for n in record.affected_persons
            ):
                groups.append(group_through(recommendation_id=rec.pk, theme_id=theme_id))
            for sdg_id in dict.fromkeys(self._sdg(c, t) for c, t in record.sdg_targets):
                sdgs.append(sdg_through(recommendation_id=rec.pk, sdgtarget_id=sdg_id))
            for country in dict.fromkeys(c for c in record.countries if c):
                countries.append(RecommendationCountry(recommendation_id=rec.pk, country=country))
        theme_through.objects.bulk_create(themes)
        group_through.objects.bulk_create(groups)
        sdg_through.objects.bulk_create(sdgs)
        RecommendationCountry.objects.bulk_create(countries)


def _may_be(existing: Recommendation, record: Record) -> bool:
    """Whether ``existing``, found by its text, may be the recommendation ``record`` is."""
    return not existing.source_id or not record.source_id or existing.source != record.source


def _duplicate(location: str) -> RowRejected:
    if location:
        return RowRejected(
            _("The same recommendation (same id) as row %(row)s, with other content.")
            % {"row": location}
        )
    return RowRejected(
        _("The same recommendation (same id) as an earlier row, with other content.")
    )


__all__ = ["ImportSummary", "Mechanism", "check_file", "import_recommendations", "save_records"]
