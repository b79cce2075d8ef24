"""Faceted search over recommendations, shared by the search page, the API and the exports.

``RecommendationFilter`` reads the query string (so the page, the API schema and a shared link
mean the same thing); ``facets()`` counts, for the filtered set, how many recommendations each
value of each facet would keep. Every count is one grouped query, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.fulltext import Query
from rightsmonitor.plans.access import plans_for_user
from rightsmonitor.plans.models import Action, Theme
from rightsmonitor.plans.models import country_name as plan_country_name
from rightsmonitor.recommendations.models import (
    Body,
    Mechanism,
    Position,
    Recommendation,
    RecommendationCountry,
    RecommendationLink,
    SdgTarget,
)
from rightsmonitor.recommendations.search import RECOMMENDATION_INDEX
from rightsmonitor.recommendations.status import (
    RecommendationStatus,
    linked_statuses,
    visible_links,
)

FACET_LIMIT = 30  # values listed per facet, most frequent first


class RecommendationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Words"),
        help_text=_('Every word must occur; "quoted words" as a phrase.'),
    )
    mechanism = django_filters.MultipleChoiceFilter(
        field_name="body__mechanism", choices=Mechanism.choices, label=_("Mechanism")
    )
    body = django_filters.CharFilter(method="filter_body", label=_("Body"))
    theme = django_filters.CharFilter(method="filter_theme", label=_("Theme"))
    affected = django_filters.CharFilter(method="filter_affected", label=_("Affected persons"))
    position = django_filters.MultipleChoiceFilter(choices=Position.choices, label=_("Position"))
    sdg = django_filters.CharFilter(method="filter_sdg", label=_("SDG target"))
    country = django_filters.CharFilter(method="filter_country", label=_("Country concerned"))
    type = django_filters.CharFilter(field_name="annotation_type", label=_("Type"))
    year = django_filters.NumberFilter(field_name="document_date__year", label=_("Year"))
    cycle = django_filters.CharFilter(field_name="cycle", label=_("UPR cycle"))
    symbol = django_filters.CharFilter(field_name="symbol", label=_("Document symbol"))
    linked = django_filters.BooleanFilter(method="filter_linked", label=_("Linked to an action"))
    status = django_filters.ChoiceFilter(
        method="filter_status", choices=RecommendationStatus.choices, label=_("Status")
    )
    action = django_filters.NumberFilter(method="filter_action", label=_("Linked to action (id)"))
    plan = django_filters.CharFilter(method="filter_plan", label=_("Linked to plan (code)"))

    class Meta:
        model = Recommendation
        fields: list[str] = []

    @property
    def user(self) -> Any:
        return getattr(self.request, "user", None) or AnonymousUser()

    def _links(self) -> QuerySet[Any]:
        return visible_links(self.user)

    def filter_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        query = Query.parse(value)
        if not query:
            return queryset
        return queryset.filter(RECOMMENDATION_INDEX.filter_q(query))

    def _through(self, queryset: QuerySet[Any], through: Any, **lookup: Any) -> QuerySet[Any]:
        return queryset.filter(
            Exists(through.objects.filter(recommendation_id=OuterRef("pk"), **lookup))
        )

    def filter_body(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(body__code__in=_values(value))

    def filter_theme(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        for key in _values(value):
            queryset = self._through(queryset, Recommendation.themes.through, theme__key=key)
        return queryset

    def filter_affected(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        for key in _values(value):
            queryset = self._through(
                queryset, Recommendation.affected_persons.through, theme__key=key
            )
        return queryset

    def filter_sdg(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        for code in _values(value):
            queryset = self._through(
                queryset, Recommendation.sdg_targets.through, sdgtarget__code=code
            )
        return queryset

    def filter_country(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return self._through(queryset, RecommendationCountry, country__in=_values(value))

    def filter_linked(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        linked = Exists(self._links().filter(recommendation_id=OuterRef("pk")))
        return queryset.filter(linked if value else ~linked)

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if not value:
            return queryset
        if value == RecommendationStatus.NOT_COVERED:
            return self.filter_linked(queryset, name, False)
        # Only linked recommendations have another status, and they are few: derive theirs.
        ids = [pk for pk, status in linked_statuses(user=self.user).items() if status == value]
        return queryset.filter(pk__in=ids)

    def filter_action(self, queryset: QuerySet[Any], name: str, value: int | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(
            Exists(self._links().filter(recommendation_id=OuterRef("pk"), action_id=value))
        )

    def filter_plan(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(
            Exists(self._links().filter(recommendation_id=OuterRef("pk"), action__plan__code=value))
        )


def _values(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str  # the query parameter
    label: str
    values: list[FacetValue]


def facets(
    queryset: QuerySet[Recommendation], selected: dict[str, Sequence[str]], *, user: Any
) -> list[Facet]:
    """Counts of each facet's values within ``queryset`` (the filtered recommendations); the
    status facet counts only links to plans ``user`` may see."""
    ids = queryset.order_by().values("pk")

    def chosen(name: str, value: str) -> bool:
        return value in selected.get(name, ())

    def grouped(rows: Any, key: str, label: Any, name: str) -> list[FacetValue]:
        return [
            FacetValue(str(row[key]), str(label(row)), row["n"], chosen(name, str(row[key])))
            for row in rows
            if row[key] not in (None, "")
        ]

    result: list[Facet] = []
    mechanisms: dict[str, str] = {value: str(label) for value, label in Mechanism.choices}
    rows: Any = (
        Recommendation.objects.filter(pk__in=ids)
        .values("body__mechanism")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    result.append(
        Facet(
            "mechanism",
            str(_("Mechanism")),
            grouped(
                rows,
                "body__mechanism",
                lambda r: mechanisms.get(r["body__mechanism"], ""),
                "mechanism",
            ),
        )
    )
    bodies = (
        Body.objects.filter(recommendations__in=ids)
        .annotate(n=Count("recommendations"))
        .order_by("-n", "code")[:FACET_LIMIT]
    )
    result.append(
        Facet(
            "body",
            str(_("Body")),
            [FacetValue(b.code, b.code, b.n, chosen("body", b.code)) for b in bodies],
        )
    )
    for name, label, through in (
        ("theme", _("Theme"), Recommendation.themes.through),
        ("affected", _("Affected persons"), Recommendation.affected_persons.through),
    ):
        counts = (
            through.objects.filter(recommendation_id__in=ids)
            .values("theme_id")
            .annotate(n=Count("pk"))
            .order_by("-n")[:FACET_LIMIT]
        )
        counted = {row["theme_id"]: row["n"] for row in counts}
        themes = Theme.objects.in_bulk(list(counted))
        result.append(
            Facet(
                name,
                str(label),
                [
                    FacetValue(themes[pk].key, str(themes[pk]), n, chosen(name, themes[pk].key))
                    for pk, n in counted.items()
                    if pk in themes
                ],
            )
        )
    positions: dict[str, str] = {value: str(label) for value, label in Position.choices}
    rows = (
        Recommendation.objects.filter(pk__in=ids)
        .values("position")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    result.append(
        Facet(
            "position",
            str(_("Position")),
            grouped(rows, "position", lambda r: positions.get(r["position"], ""), "position"),
        )
    )
    sdg_counts = (
        Recommendation.sdg_targets.through.objects.filter(recommendation_id__in=ids)
        .values("sdgtarget_id")
        .annotate(n=Count("pk"))
        .order_by("-n")[:FACET_LIMIT]
    )
    counted = {row["sdgtarget_id"]: row["n"] for row in sdg_counts}
    targets = SdgTarget.objects.in_bulk(list(counted))
    result.append(
        Facet(
            "sdg",
            str(_("SDG target")),
            [
                FacetValue(targets[pk].code, str(targets[pk]), n, chosen("sdg", targets[pk].code))
                for pk, n in counted.items()
                if pk in targets
            ],
        )
    )
    rows = (
        RecommendationCountry.objects.filter(recommendation_id__in=ids)
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n")[:FACET_LIMIT]
    )
    result.append(
        Facet(
            "country",
            str(_("Country concerned")),
            grouped(rows, "country", lambda r: _country(r["country"]), "country"),
        )
    )
    rows = (
        Recommendation.objects.filter(pk__in=ids, document_date__isnull=False)
        .annotate(year=ExtractYear("document_date"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")[:FACET_LIMIT]
    )
    result.append(Facet("year", str(_("Year")), grouped(rows, "year", lambda r: r["year"], "year")))
    rows = (
        Recommendation.objects.filter(pk__in=ids)
        .values("annotation_type")
        .annotate(n=Count("pk"))
        .order_by("-n")[:FACET_LIMIT]
    )
    types = grouped(rows, "annotation_type", lambda r: r["annotation_type"], "type")
    if len(types) > 1 or selected.get("type"):
        # One type for every row (the usual case) tells nobody anything.
        result.append(Facet("type", str(_("Type")), types))
    result.append(_status_facet(queryset, selected, user=user))
    return [facet for facet in result if facet.values]


def _country(code: str) -> str:
    return plan_country_name(code) if len(code) == 3 and code.isupper() else code


def _status_facet(
    queryset: QuerySet[Recommendation], selected: dict[str, Sequence[str]], *, user: Any
) -> Facet:
    total = queryset.count()
    statuses = linked_statuses(user=user)
    linked_here = set(queryset.filter(pk__in=list(statuses)).values_list("pk", flat=True))
    counts: dict[str, int] = {RecommendationStatus.NOT_COVERED: total - len(linked_here)}
    for pk in linked_here:
        counts[statuses[pk]] = counts.get(statuses[pk], 0) + 1
    values = [
        FacetValue(value, str(label), counts[value], value in selected.get("status", ()))
        for value, label in RecommendationStatus.choices
        if counts.get(value)
    ]
    return Facet("status", str(_("Status")), values)


def coverage_by(
    queryset: QuerySet[Recommendation], dimension: str, *, user: Any
) -> list[tuple[str, int, int]]:
    """(label, recommendations, of which linked to a plan ``user`` may see) per mechanism,
    theme, affected group or position."""
    linked = Q(links__action__plan__in=plans_for_user(user))
    if dimension == "mechanism":
        labels: dict[Any, str] = {value: str(label) for value, label in Mechanism.choices}
        rows = queryset.values(key=F("body__mechanism"))
    elif dimension == "position":
        labels = {value: str(label) for value, label in Position.choices}
        rows = queryset.values(key=F("position"))
    elif dimension in {"theme", "affected"}:
        field = "themes" if dimension == "theme" else "affected_persons"
        rows = queryset.values(key=F(field))
        labels = {t.pk: str(t) for t in Theme.objects.all()}
    else:
        raise ValueError(dimension)
    counted = rows.annotate(
        total=Count("pk", distinct=True), covered=Count("pk", filter=linked, distinct=True)
    ).order_by("-total")
    return [
        (labels.get(row["key"], str(row["key"])), row["total"], row["covered"])
        for row in counted
        if row["key"] is not None
    ]


def linked_for_action(user: Any, action: Action) -> list[tuple[RecommendationLink, str, str]]:
    """(link, derived status, its label) of the recommendations linked to ``action`` that
    ``user`` may see, newest first: for the action page and its recommendations block (three queries)."""
    links = list(
        visible_links(user)
        .filter(action=action)
        .select_related("recommendation__body")
        .order_by(F("recommendation__document_date").desc(nulls_last=True), "recommendation_id")
    )
    statuses = linked_statuses([link.recommendation_id for link in links], user=user)
    labels = dict(RecommendationStatus.choices)
    linked = []
    for link in links:
        status = statuses.get(link.recommendation_id, RecommendationStatus.NOT_COVERED)
        linked.append((link, status, str(labels[status])))
    return linked
