"""The site-wide search: actions, accepted reports, recommendations, indicators and assessments
by words (phrases in quotes) and facets, every choice in the address so that a link shares it.

It reads ``portal.search``'s documents, which hold public content only; the page works
without JavaScript and in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from rightsmonitor.core.facets import (
    Chosen,
    CountedPaginator,
    Facet,
    FacetGroup,
    FacetValue,
    redirect_without_blanks,
)
from rightsmonitor.core.fulltext import Query, highlight
from rightsmonitor.portal.models import SearchDocument
from rightsmonitor.portal.search import (
    SiteSearchFilter,
    cached_correction,
    cached_facets,
    cached_page_ids,
    counted_total,
    snippet,
)

PAGE_SIZE = 20
# Several values as repeated keys (or, for the listed ones, comma-separated), or one value.
REPEATED = ("kind", "status", "mechanism")
LISTED = ("agency", "theme", "affected")
SINGLE = ("plan", "section", "year")
FACET_ORDER = (
    "kind",
    "plan",
    "section",
    "agency",
    "status",
    "theme",
    "affected",
    "mechanism",
    "year",
)


def _selected(query: QueryDict) -> dict[str, list[str]]:
    """{parameter: chosen values} of the facet parameters, however they were written."""
    chosen: dict[str, list[str]] = {}
    for name in (*REPEATED, *LISTED):
        values = query.getlist(name)
        if name in LISTED:
            values = [v for value in values for v in value.split(",")]
        kept = list(dict.fromkeys(value.strip() for value in values if value.strip()))
        if kept:
            chosen[name] = kept
    for name in SINGLE:
        value = query.get(name, "").strip()
        if value:
            chosen[name] = [value]
    return chosen


def _filter_data(query: QueryDict, selected: Mapping[str, Sequence[str]]) -> QueryDict:
    """The query string as ``SiteSearchFilter`` reads it: listed values comma-joined."""
    data = query.copy()
    for name in LISTED:
        if selected.get(name):
            data.setlist(name, [",".join(selected[name])])
    return data


def _query_without(query: QueryDict, name: str, value: str | None = None) -> str:
    """The query string with one value (or every value) of ``name`` removed, and no page."""
    data = query.copy()
    data.pop("page", None)
    kept = [v for v in _selected(query).get(name, []) if value is not None and v != value]
    if kept and name not in SINGLE:
        data.setlist(name, kept)
    else:
        data.pop(name, None)
    if name == "plan":  # a section belongs to its plan
        data.pop("section", None)
    return data.urlencode()


def _facet_groups(
    found: Sequence[Facet], selected: Mapping[str, Sequence[str]]
) -> list[FacetGroup]:
    by_name = {facet.name: facet for facet in found}
    groups = []
    for name in FACET_ORDER:
        facet = by_name.get(name)
        values = list(facet.values) if facet else []
        shown = {value.value for value in values}
        for value in selected.get(name, []):
            if value not in shown:  # chosen but matching nothing: still shown, to untick
                values.append(FacetValue(value, value, 0, True))
        if values:
            label = facet.label if facet else str(SiteSearchFilter.base_filters[name].label)
            groups.append(FacetGroup(name, label, values, single=name in SINGLE))
    return groups


def _chosen(query: QueryDict, groups: Sequence[FacetGroup]) -> list[Chosen]:
    """The chosen words and values, in words, each with the address of the search without it."""
    chosen = []
    text = query.get("q", "").strip()
    if text:
        label = str(SiteSearchFilter.base_filters["q"].label)
        chosen.append(Chosen(label, text, _query_without(query, "q")))
    for group in groups:
        for value in group.values:
            if value.selected:
                remove = _query_without(query, group.name, value.value)
                chosen.append(Chosen(group.label, value.label, remove))
    return chosen


@dataclass
class Result:
    document: SearchDocument
    title: list[tuple[str, bool]]
    summary: list[tuple[str, bool]]


def _query_with(query: QueryDict, **values: str) -> str:
    """The query string with these parameters set, on its first page, corrected by default."""
    data = query.copy()
    for name in ("page", "literal"):
        data.pop(name, None)
    for name, value in values.items():
        data[name] = value
    return data.urlencode()


def _listing(
    request: HttpRequest,
    found: QuerySet[SearchDocument],
    selected: dict[str, list[str]],
    refilter: Callable[[str], QuerySet[SearchDocument]],
) -> dict[str, Any]:
    """The page of results of the documents ``found``, the facets, and the chosen filters;
    when the words find nothing, the corrected words' results (``refilter``) instead."""
    text = request.GET.get("q", "")
    searched = Query.parse(text)
    counted = cached_facets(found, selected)
    suggestion, corrected = None, False
    if searched and not counted_total(counted):
        # Every word must occur, so one that matches nothing leaves nothing: suggest the
        # nearest indexed words, and show what they find unless the words as typed are asked.
        suggestion = cached_correction(text)
        if suggestion and not request.GET.get("literal"):
            found_instead = refilter(suggestion.text)
            counted_instead = cached_facets(found_instead, selected)
            if counted_total(counted_instead):
                found, counted, corrected = found_instead, counted_instead, True
                searched = Query.parse(suggestion.text)
    # The page's ids first (ranked or newest first), then just their rows: sorting every
    # match moves ids and the sort's columns only, never the documents' texts.
    paginator = CountedPaginator(found, PAGE_SIZE, count=counted_total(counted))
    number = paginator.get_page(request.GET.get("page")).number  # the rows are not read
    start = (number - 1) * PAGE_SIZE
    ranked = cached_page_ids(found, searched, start, start + PAGE_SIZE)
    by_pk = SearchDocument.objects.select_related("plan").in_bulk([pk for pk, _ in ranked])
    shown = []
    for pk, rank in ranked:
        if pk in by_pk:
            document = by_pk[pk]
            if rank is not None:
                document.search_rank = rank  # type: ignore[attr-defined]
            shown.append(document)
    stems = searched.highlight_stems()
    groups = _facet_groups(counted, selected)
    return {
        "page": Page(shown, number, paginator),
        "results": [
            Result(
                document,
                highlight(document.title or document.label, stems),
                snippet(document.summary, stems),
            )
            for document in shown
        ],
        "facets": groups,
        "chosen": _chosen(request.GET, groups),
        "searched": bool(request.GET),
        "suggestion": suggestion,
        "corrected": corrected,
        "suggestion_query": _query_with(request.GET, q=suggestion.text) if suggestion else "",
        "literal_query": _query_with(request.GET, literal="1"),
    }


@require_safe
def site_search(request: HttpRequest) -> HttpResponse:
    """Everything public by words and facets; every choice is in the address, to share."""
    if redirect_to := redirect_without_blanks(request, "portal:search"):
        return redirect_to
    selected = _selected(request.GET)
    filterset = SiteSearchFilter(
        _filter_data(request.GET, selected), queryset=SearchDocument.objects.all()
    )

    def refilter(text: str) -> QuerySet[SearchDocument]:
        data = _filter_data(request.GET, selected)
        data["q"] = text
        return SiteSearchFilter(data, queryset=SearchDocument.objects.all()).qs

    context = {
        "filter": filterset,
        # The results and the facets: the same for every reader (every document is public),
        # read only when the template's shared fragment that shows them is not in the cache.
        "listing": SimpleLazyObject(lambda: _listing(request, filterset.qs, selected, refilter)),
    }
    return render(request, "portal/search.html", context)
