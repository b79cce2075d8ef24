"""Staff timelines built from django-simple-history tables.

A timeline merges the history tables of several models. One UNION query, ordered by date,
pages through (history_id, date, previous history_id) triples: the window function LAG finds
each row's predecessor, so ``prev_record`` (a query per row) is never needed. Then one query
per table loads the page's rows and their predecessors with their users, and one query per
referenced model turns foreign-key values into names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    F,
    ForeignKey,
    IntegerField,
    Model,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import Lag
from django.http import HttpRequest
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from rightsmonitor.plans.models import Agency

HISTORY_PAGE_SIZE = 50


@dataclass(frozen=True)
class HistorySource:
    rows: QuerySet[Any]
    subject: Callable[[Any, _Names], str]
    parent_fields: frozenset[str] = frozenset()  # the plan or action the page is about
    subject_field: str = ""  # a foreign key the subject names, loaded with the other names


@dataclass
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    date: datetime
    user: Any
    history_type: str
    type_label: str
    subject: str
    reason: str
    changes: list[HistoryChange] = field(default_factory=list)


class _Names:
    """Display names for foreign-key values, loaded with one query per related model."""

    def __init__(self, wanted: dict[type[Model], set[Any]]) -> None:
        self._objects = {
            model: model._default_manager.in_bulk(list(pks)) for model, pks in wanted.items() if pks
        }

    def get(self, model: type[Model], pk: Any) -> str:
        obj = self._objects.get(model, {}).get(pk)
        return str(obj) if obj is not None else _("deleted (#%(pk)s)") % {"pk": pk}


def _reason_label(reason: str | None) -> str:
    known = {
        "created": "",
        "reordered": _("reordered"),
        "due date set": _("due date set"),
        "superseded": _("superseded"),
    }
    return known.get(reason or "", reason or "")


def _shown_fields(record: Any, source: HistorySource) -> list[Any]:
    return [
        f
        for f in record.tracked_fields
        if f.editable and not f.primary_key and f.name not in source.parent_fields
    ]


def _raw_changes(record: Any, prev: Any, source: HistorySource) -> list[tuple[Any, Any, Any]]:
    """(model field, old value, new value) for one history row, in the model's field order."""
    shown = _shown_fields(record, source)
    position = {f.name: index for index, f in enumerate(shown)}
    if record.history_type == "-":
        return []
    if prev is None:
        return [
            (record._meta.get_field(f.name), None, getattr(record, f.attname))
            for f in shown
            if getattr(record, f.attname) not in (None, "", False)
            and getattr(record, f.attname) != f.get_default()
        ]
    delta = record.diff_against(prev, included_fields=list(position))
    changes = sorted(delta.changes, key=lambda change: position[change.field])
    return [(record._meta.get_field(c.field), c.old, c.new) for c in changes]


def _display(model_field: Any, value: Any, names: _Names) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(model_field, ForeignKey):
        return names.get(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(formats.localize(value))


def history_page(
    request: HttpRequest, sources: list[HistorySource]
) -> tuple[Page, list[HistoryEntry]]:
    parts = [
        source.rows.order_by()
        .annotate(
            prev_id=Window(
                Lag("history_id"),
                partition_by=[F("id")],
                order_by=[F("history_date").asc(), F("history_id").asc()],
            ),
            source=Value(index, output_field=IntegerField()),
        )
        .values_list("history_id", "history_date", "prev_id", "source")
        for index, source in enumerate(sources)
    ]
    timeline = (
        parts[0].union(*parts[1:], all=True).order_by("-history_date", "-source", "-history_id")
    )
    page = Paginator(timeline, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[tuple[int, datetime, int | None, int]] = list(page.object_list)

    # One query per table: the page's rows and their predecessors.
    wanted: dict[int, set[int]] = {}
    for history_id, _date, prev_id, index in rows:
        wanted.setdefault(index, set()).update(i for i in (history_id, prev_id) if i is not None)
    records: dict[tuple[int, int], Any] = {}
    for index, ids in wanted.items():
        for record in (
            sources[index]
            .rows.model.objects.filter(history_id__in=ids)
            .select_related("history_user")
        ):
            records[index, record.history_id] = record

    raw: list[tuple[int, Any, list[tuple[Any, Any, Any]]]] = []
    related: dict[type[Model], set[Any]] = {}
    for history_id, _date, prev_id, index in rows:
        record = records[index, history_id]
        prev = records.get((index, prev_id)) if prev_id is not None else None
        changes = _raw_changes(record, prev, sources[index])
        raw.append((index, record, changes))
        for model_field, old, new in changes:
            if isinstance(model_field, ForeignKey):
                keys = related.setdefault(model_field.related_model, set())
                keys.update(value for value in (old, new) if value is not None)
        if sources[index].subject_field:
            subject_field = record._meta.get_field(sources[index].subject_field)
            keys = related.setdefault(subject_field.related_model, set())
            keys.add(getattr(record, subject_field.attname))
    names = _Names(related)

    entries = [
        HistoryEntry(
            date=record.history_date,
            user=record.history_user,
            history_type=record.history_type,
            type_label=record.get_history_type_display(),
            subject=sources[index].subject(record, names),
            reason=_reason_label(record.history_change_reason),
            changes=[
                HistoryChange(
                    field=str(capfirst(model_field.verbose_name)),
                    old=_display(model_field, old, names),
                    new=_display(model_field, new, names),
                )
                for model_field, old, new in changes
            ],
        )
        for index, record, changes in raw
    ]
    return page, entries


def plan_subject(record: Any, names: _Names) -> str:
    return _("Plan")


def section_subject(record: Any, names: _Names) -> str:
    return _("Section %(number)s") % {"number": record.number}


def amendment_subject(record: Any, names: _Names) -> str:
    return _("Amendment of %(date)s") % {"date": formats.date_format(record.date)}


def action_subject(record: Any, names: _Names) -> str:
    return _("Action %(number)s") % {"number": record.number}


def assignment_subject(record: Any, names: _Names) -> str:
    agency = names.get(Agency, record.agency_id)
    return _("Responsible agency: %(agency)s") % {"agency": agency}
