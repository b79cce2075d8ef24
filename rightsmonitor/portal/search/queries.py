"""Reading the site search: its query string (``SiteSearchFilter``), the facet counts of a
result and the highlighted snippet of each hit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import django_filters
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.facets import Facet, FacetValue
from rightsmonitor.core.fulltext import WORD, Query, highlight, matches
from rightsmonitor.core.translation import fallback_order, translated_names
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


# Searching -------------------------------------------------------------------------------------

STATUS_CHOICES = [
    *ImplementationStatus.choices,
    *(
        (value, label)
        for value, label in RecommendationStatus.choices
        if value not in ImplementationStatus.values
    ),
]


class SiteSearchFilter(django_filters.FilterSet):
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


def facets(
    queryset: QuerySet[SearchDocument], selected: Mapping[str, Sequence[str]]
) -> list[Facet]:
    """How many documents of ``queryset`` each value of each facet keeps: one grouped query
    per facet, whatever the number of documents."""
    ids = queryset.order_by().values("pk")
    documents = SearchDocument.objects.filter(pk__in=ids).order_by()

    def value(name: str, key: Any, label: str, count: int) -> FacetValue:
        return FacetValue(str(key), label, count, str(key) in selected.get(name, ()))

    def by_column(name: str, column: str, labels: Mapping[str, Any]) -> list[FacetValue]:
        rows = documents.exclude(**{column: ""}).values(column).annotate(n=Count("pk"))
        return [
            value(name, row[column], str(labels.get(row[column], row[column])), row["n"])
            for row in rows.order_by("-n", column)
        ]

    def named(name: str, label: str, rows: QuerySet[Any], key: str, text: str) -> Facet:
        """Values named in each language (``<text>_<lang>``), those keeping most first."""
        counted = (
            rows.values(key, *translated_names(text))
            .annotate(n=Count("pk"))
            .order_by("-n", key)[:FACET_LIMIT]
        )
        return Facet(
            name,
            label,
            [value(name, r[key], _translated(r, text) or r[key], r["n"]) for r in counted],
        )

    result = [
        Facet("kind", str(_("Type of content")), by_column("kind", "kind", dict(Kind.choices))),
        named(
            "plan",
            str(_("Plan")),
            documents.filter(plan__isnull=False),
            "plan__code",
            "plan__title",
        ),
    ]
    if selected.get("plan"):  # section numbers mean something within one plan only
        sections = (
            documents.filter(section__isnull=False)
            .values("section_id", "section__number", *translated_names("section__title"))
            .annotate(n=Count("pk"))
            .order_by("section__order", "section_id")
        )
        result.append(
            Facet(
                "section",
                str(_("Section")),
                [
                    value(
                        "section",
                        r["section_id"],
                        f"{r['section__number']}. {_translated(r, 'section__title')}",
                        r["n"],
                    )
                    for r in sections
                ],
            )
        )
    result.append(
        named(
            "agency",
            str(_("Agency")),
            SearchDocument.agencies.through.objects.filter(searchdocument_id__in=ids),
            "agency__abbreviation",
            "agency__name",
        )
    )
    result.append(
        Facet("status", str(_("Status")), by_column("status", "status", dict(STATUS_CHOICES)))
    )
    for name, label, through in (
        ("theme", _("Theme"), SearchDocument.themes.through),
        ("affected", _("Affected persons"), SearchDocument.affected_persons.through),
    ):
        result.append(
            named(
                name,
                str(label),
                through.objects.filter(searchdocument_id__in=ids),
                "theme__key",
                "theme__name",
            )
        )
    result.append(
        Facet(
            "mechanism",
            str(_("Mechanism")),
            by_column("mechanism", "mechanism", dict(Mechanism.choices)),
        )
    )
    years = (
        documents.filter(year__isnull=False)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")[:FACET_LIMIT]
    )
    result.append(
        Facet(
            "year",
            str(_("Year")),
            [value("year", r["year"], str(r["year"]), r["n"]) for r in years],
        )
    )
    return result
