"""The pieces every faceted search page shares: counted values, the sidebar's groups, the
chosen filters in words, the clean-up of a submitted form's query string, and a paginator
that takes its count from the facets.

The recommendations search and the site-wide search count their own facets; both hand the
result to ``templates/portal/search/facets.html`` as ``FacetGroup``s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: the query parameter's value, its words, how many rows it keeps."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """The counted values of one facet; ``name`` is its query parameter."""

    name: str
    label: str
    values: list[FacetValue]


@dataclass
class FacetGroup:
    """A facet as the sidebar shows it: checkboxes, or radio buttons with "any" first."""

    name: str
    label: str
    values: list[FacetValue]
    single: bool

    @property
    def nothing_chosen(self) -> bool:
        return not any(value.selected for value in self.values)


@dataclass(frozen=True)
class Chosen:
    """One chosen filter value, with the address of the same search without it."""

    label: str
    value: str
    remove_query: str


def has_blank_values(query: QueryDict) -> bool:
    """Whether any parameter is empty (a submitted form sends every field)."""
    return any(value == "" for _name, values in query.lists() for value in values)


def redirect_without_blanks(request: HttpRequest, url_name: str) -> HttpResponse | None:
    """A redirect to the same search without its empty parameters, so that the address a
    submitted form leads to is the short one to share; None when there are none."""
    if not has_blank_values(request.GET):
        return None
    query = without_blanks(request.GET)
    return redirect(f"{reverse(url_name)}{'?' if query else ''}{query}")


def without_blanks(query: QueryDict) -> str:
    """The query string without empty parameters (a submitted form sends every field)."""
    clean = QueryDict(mutable=True)
    for name, values in query.lists():
        kept = [value for value in values if value != ""]
        if kept:
            clean.setlist(name, kept)
    return clean.urlencode()


class CountedPaginator(Paginator[Any]):
    """A paginator told how many rows there are (a search's facets counted them already), so
    that the filters are not run once more for the count."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def many_to_many_counts(
    facets: Iterable[tuple[str, Any, str]], *, ids: str, owner: str, filtered: bool
) -> list[str]:
    """One ``SELECT '<facet>', value, COUNT(*) ... GROUP BY value`` per many-to-many facet
    (name, through model, value column), to be joined by ``UNION ALL``: over the rows whose
    ``owner`` field is in the common table expression ``ids`` (a column ``id``), or over the
    whole table when nothing is ``filtered``. Names come from the models only.

    From the ids to each table's (owner, value) index: SQLite's planner, without statistics,
    would rather read a whole table in value order, and CROSS JOIN keeps the order written
    there (PostgreSQL has statistics, and no ON clause after CROSS JOIN)."""
    quote = connection.ops.quote_name
    join = f"{ids} CROSS JOIN" if connection.vendor == "sqlite" else f"{ids} JOIN"
    parts = []
    for name, model, column in facets:
        table = quote(model._meta.db_table)
        counted = f"t.{quote(column)}"
        owned_by = f"t.{quote(model._meta.get_field(owner).column)}"
        source = f"{join} {table} t ON {ids}.id = {owned_by}" if filtered else f"{table} t"
        parts.append(
            f"SELECT '{name}', CAST({counted} AS text), COUNT(*) FROM {source} "  # noqa: S608
            f"GROUP BY {counted}"
        )
    return parts
