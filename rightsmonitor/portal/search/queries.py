"""Reading the site search: its query string (``SiteSearchFilter``), the facet counts of a
result (one statement, cached per generation of content: ``cached_facets``), the ids of a page
of results, and the highlighted snippet of each hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import django_filters
from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core import pagecache
from rightsmonitor.core.facets import Facet, FacetValue, many_to_many_counts
from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.core.fulltext import WORD, Correction, Query, highlight, matches
from rightsmonitor.core.translation import fallback_order, translated_names
from rightsmonitor.plans.models import Agency, Plan, Section, Theme
from rightsmonitor.portal.models import SearchDocument
from rightsmonitor.portal.search.documents import SEARCH_INDEX, Kind
from rightsmonitor.recommendations.models import Mechanism
from rightsmonitor.recommendations.queries import FACET_LIMIT
from rightsmonitor.recommendations.status import RecommendationStatus
from rightsmonitor.reporting.models import ImplementationStatus

# Reading ---------------------------------------------------------------------------------------

SNIPPET = 320  # characters of a summary shown around its first matched word


def snippet(text: str, stems: set[str], size: int = SNIPPET) -> list[tuple[str, bool]]:
    """A window of ``text`` around the first searched word, cut into highlighted pieces."""
    if not text:
        return []
    start = 0
    if stems and len(text) > size:
        for match in WORD.finditer(text):
            if matches(match.group(0).lower().replace("ё", "е"), stems):
                start = max(0, match.start() - size // 4)
                break
    window = text[start : start + size]
    if start + size < len(text):
        window = re.sub(r"\s+\S*$", "", window) + " …"
    if start:
        window = "… " + re.sub(r"^\S*\s+", "", window)
    return highlight(window, stems)


def correction(text: str) -> Correction | None:
    """The search ``text`` with each word that matches nothing replaced by the nearest word of
    the index ("Did you mean"), or None."""
    vocabulary = SEARCH_INDEX.vocabulary
    assert vocabulary is not None  # the index is made with its vocabulary
    return vocabulary.correct(text)


def cached_correction(text: str) -> Correction | None:
    """``correction``, looked up once per generation of content for the same words."""
    key = repr(("site-search-correction", text))
    return pagecache.cached(key, lambda: (correction(text),))[0]  # a tuple: None is a miss


# Searching -------------------------------------------------------------------------------------

STATUS_CHOICES = [
    *ImplementationStatus.choices,
    *(
        (value, label)
        for value, label in RecommendationStatus.choices
        if value not in ImplementationStatus.values
    ),
]


class SiteSearchFilter(BoundedFilterSet):
    """The search page's query string: the same words, on the page and in a shared link."""

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Words"),
        help_text=_('Every word must occur; "quoted words" as a phrase.'),
    )
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices, label=_("Type of content"))
    plan = django_filters.CharFilter(field_name="plan__code", label=_("Plan"))
    section = django_filters.NumberFilter(field_name="section_id", label=_("Section"))
    agency = django_filters.CharFilter(method="filter_agency", label=_("Agency"))
    status = django_filters.MultipleChoiceFilter(choices=STATUS_CHOICES, label=_("Status"))
    theme = django_filters.CharFilter(method="filter_theme", label=_("Theme"))
    affected = django_filters.CharFilter(method="filter_affected", label=_("Affected persons"))
    mechanism = django_filters.MultipleChoiceFilter(choices=Mechanism.choices, label=_("Mechanism"))
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))

    class Meta:
        model = SearchDocument
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        query = Query.parse(value)
        return queryset.filter(SEARCH_INDEX.filter_q(query)) if query else queryset

    def _each(self, queryset: QuerySet[Any], through: Any, value: str, **lookup: str) -> Any:
        # Every chosen value must hold, as on the recommendations page.
        (column,) = lookup.values()
        for item in _values(value):
            queryset = queryset.filter(
                Exists(through.objects.filter(searchdocument_id=OuterRef("pk"), **{column: item}))
            )
        return queryset

    def filter_agency(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        through = SearchDocument.agencies.through
        return self._each(queryset, through, value, column="agency__abbreviation")

    def filter_theme(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return self._each(queryset, SearchDocument.themes.through, value, column="theme__key")

    def filter_affected(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        through = SearchDocument.affected_persons.through
        return self._each(queryset, through, value, column="theme__key")


def _values(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _translated(row: Mapping[str, Any], prefix: str) -> str:
    """The active language's text of ``<prefix>_<lang>`` columns in a values() row."""
    for code in fallback_order(get_language()):
        if row.get(f"{prefix}_{code}"):
            return str(row[f"{prefix}_{code}"])
    return ""


# Counting --------------------------------------------------------------------------------------

# The facets counted from the document's own columns: (facet, column, whether blank is "").
OWN_FACETS: tuple[tuple[str, str, bool], ...] = (
    ("kind", "kind", True),
    ("plan", "plan_id", False),
    ("section", "section_id", False),
    ("status", "status", True),
    ("mechanism", "mechanism", True),
    ("year", "year", False),
)
# The facets counted from the many-to-many tables: (facet, through model, the column counted).
MANY_FACETS: tuple[tuple[str, Any, str], ...] = (
    ("agency", SearchDocument.agencies.through, "agency_id"),
    ("theme", SearchDocument.themes.through, "theme_id"),
    ("affected", SearchDocument.affected_persons.through, "theme_id"),
)


def facets_key(queryset: QuerySet[SearchDocument], selected: Mapping[str, Sequence[str]]) -> str:
    """What the facets of ``queryset`` depend on besides the content: the filtered query as the
    database reads it (the analysed words, the values the filter kept), the chosen values
    and the language of the labels. Every document is public, so the reader does not count."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    chosen = sorted((name, sorted(values)) for name, values in selected.items())
    return repr(("site-search-facets", get_language(), sql, params, chosen))


def count_values(
    queryset: QuerySet[SearchDocument], *, sections: bool
) -> dict[str, dict[str, int]]:
    """{facet: {value (as text): documents}} within ``queryset``, in one statement.

    The matching documents are found once, with the columns the facets count, in a common
    table expression that both databases materialise; each facet then groups it (or joins it
    to its many-to-many table by that table's (document, value) index), and the grouped
    counts are joined by UNION ALL. Without a filter every table is grouped whole, from its
    indexes. Sections are counted only when asked (``sections``)."""
    quote = connection.ops.quote_name
    filtered = bool(queryset.query.where)
    own = [(name, column, blank) for name, column, blank in OWN_FACETS]
    if not sections:
        own = [facet for facet in own if facet[0] != "section"]
    params: list[Any] = []
    if filtered:
        columns = ["pk", *(column for _name, column, _blank in own)]
        hits_sql, hits_params = queryset.order_by().values(*columns).query.sql_with_params()
        names = ", ".join(["id", *(quote(column) for _name, column, _blank in own)])
        prefix = f"WITH hits ({names}) AS MATERIALIZED ({hits_sql}) "
        params += hits_params
        source = "hits"
    else:
        prefix = ""
        source = quote(SearchDocument._meta.db_table)
    parts: list[str] = []
    for name, column, blank in own:
        counted = quote(column)
        missing = f"{counted} <> ''" if blank else f"{counted} IS NOT NULL"
        # Names from the models only; the values are parameters.
        parts.append(
            f"SELECT '{name}', CAST({counted} AS text), COUNT(*) FROM {source} "  # noqa: S608
            f"WHERE {missing} GROUP BY {counted}"
        )
    parts += many_to_many_counts(MANY_FACETS, ids="hits", owner="searchdocument", filtered=filtered)
    counts: dict[str, dict[str, int]] = {name: {} for name, *_rest in (*own, *MANY_FACETS)}
    with connection.cursor() as cursor:
        cursor.execute(prefix + " UNION ALL ".join(parts), params)
        for facet, value, n in cursor.fetchall():
            if value is not None:
                counts[facet][str(value)] = int(n)
    return counts


def counted_total(found: Sequence[Facet]) -> int:
    """How many documents the facets counted: every document has one kind."""
    return sum(value.count for facet in found if facet.name == "kind" for value in facet.values)


def facets(
    queryset: QuerySet[SearchDocument], selected: Mapping[str, Sequence[str]]
) -> list[Facet]:
    """How many documents of ``queryset`` each value of each facet keeps: one statement for
    the counts (``count_values``), then the names of the plans, sections, agencies and themes
    counted, whatever the number of documents."""
    counts = count_values(queryset, sections=bool(selected.get("plan")))

    def value(name: str, key: Any, label: str, count: int) -> FacetValue:
        return FacetValue(str(key), label, count, str(key) in selected.get(name, ()))

    def by_column(name: str, labels: Mapping[str, Any]) -> Facet:
        ordered = sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
        label = str(SiteSearchFilter.base_filters[name].label)
        return Facet(
            name, label, [value(name, key, str(labels.get(key, key)), n) for key, n in ordered]
        )

    def named(name: str, rows: Mapping[str, Mapping[str, Any]], key: str, text: str) -> Facet:
        """Values named in each language (``<text>_<lang>``), those keeping most first."""
        found = [(rows[pk], n) for pk, n in counts[name].items() if pk in rows]
        found.sort(key=lambda item: (-item[1], item[0][key]))
        label = str(SiteSearchFilter.base_filters[name].label)
        return Facet(
            name,
            label,
            [
                value(name, row[key], _translated(row, text) or row[key], n)
                for row, n in found[:FACET_LIMIT]
            ],
        )

    plans = _names(Plan, counts["plan"], "code", "title")
    agencies = _names(Agency, counts["agency"], "abbreviation", "name")
    themes = _names(Theme, [*counts["theme"], *counts["affected"]], "key", "name")
    result = [by_column("kind", dict(Kind.choices)), named("plan", plans, "code", "title")]
    if "section" in counts:  # section numbers mean something within one plan only
        rows = Section.objects.filter(pk__in=counts["section"]).order_by("order", "pk")
        result.append(
            Facet(
                "section",
                str(_("Section")),
                [
                    value(
                        "section",
                        row["pk"],
                        f"{row['number']}. {_translated(row, 'title')}",
                        counts["section"][str(row["pk"])],
                    )
                    for row in rows.values("pk", "number", *translated_names("title"))
                ],
            )
        )
    result += [
        named("agency", agencies, "abbreviation", "name"),
        by_column("status", dict(STATUS_CHOICES)),
        named("theme", themes, "key", "name"),
        named("affected", themes, "key", "name"),
        by_column("mechanism", dict(Mechanism.choices)),
    ]
    years = sorted(((int(year), n) for year, n in counts["year"].items()), reverse=True)
    result.append(
        Facet(
            "year",
            str(_("Year")),
            [value("year", year, str(year), n) for year, n in years[:FACET_LIMIT]],
        )
    )
    return result


def _names(model: Any, pks: Iterable[str], key: str, text: str) -> dict[str, dict[str, Any]]:
    """{id as text: row of its key and its names in each language} (one query)."""
    rows = model.objects.filter(pk__in=list(pks)).values("pk", key, *translated_names(text))
    return {str(row["pk"]): row for row in rows}


def cached_facets(
    queryset: QuerySet[SearchDocument], selected: Mapping[str, Sequence[str]]
) -> list[Facet]:
    """``facets``, computed once per generation of content for the same filters and language
    (docs/decisions/0012)."""
    return pagecache.cached(facets_key(queryset, selected), lambda: facets(queryset, selected))


# The page of results ---------------------------------------------------------------------------


def cached_page_ids(
    queryset: QuerySet[SearchDocument], query: Query, start: int, stop: int
) -> list[tuple[int, float | None]]:
    """``page_ids``, ranked once per generation of content for the same search and page:
    ranking reads the index entry of every match (70,000 for a common word)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    key = repr(("site-search-page", sql, params, start, stop))
    return pagecache.cached(key, lambda: page_ids(queryset, query, start, stop))


def page_ids(
    queryset: QuerySet[SearchDocument], query: Query, start: int, stop: int
) -> list[tuple[int, float | None]]:
    """(id, rank) of the documents ``start:stop`` of ``queryset``: best match first when words
    were searched (rank), else newest first (rank None); undated documents (indicators) after
    dated ones on every database. Only ids and the sort's columns are read."""
    newest = (F("date").desc(nulls_last=True), "kind", "label", "pk")
    if not query:
        ids = queryset.order_by(*newest).values_list("pk", flat=True)[start:stop]
        return [(pk, None) for pk in ids]
    ranked = SEARCH_INDEX.best_first(queryset, query).order_by("-search_rank", *newest)
    return [(pk, float(rank)) for pk, rank in ranked.values_list("pk", "search_rank")[start:stop]]
