"""Faceted search over recommendations, shared by the search page, the API and the exports.

``RecommendationFilter`` reads the query string (so the page, the API schema and a shared link
mean the same thing; ``selected_facets`` and ``filter_data`` read its facet parameters however
they were written); ``facets()`` counts, for the filtered set, how many recommendations each
value of each facet would keep, in two grouped queries whatever the number of rows
(docs/decisions/0010); ``cached_facets()`` keeps them for the current generation of content
(docs/decisions/0012).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core import pagecache
from rightsmonitor.core.facets import Facet, FacetValue, many_to_many_counts
from rightsmonitor.core.filtering import BoundedFilterSet
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
from rightsmonitor.recommendations.themes import theme_label

FACET_LIMIT = 30  # values listed per facet, most frequent first
# How the search's parameters repeat: several values as repeated keys, as one comma-separated
# value (both are read; links are written with repeated keys), or one value.
REPEATED = ("mechanism", "position")
LISTED = ("body", "theme", "affected", "sdg", "country")
SINGLE = ("year", "status", "linked", "type")


class RecommendationFilter(BoundedFilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Words"),
        help_text=_('Every word must occur; "quoted words" as a phrase.'),
    )
    # distinct=False: a recommendation has one body and one position, so these filters cannot
    # repeat a row, and DISTINCT over every column makes each count sort the whole set.
    mechanism = django_filters.MultipleChoiceFilter(
        field_name="body__mechanism",
        choices=Mechanism.choices,
        label=_("Mechanism"),
        distinct=False,
    )
    body = django_filters.CharFilter(method="filter_body", label=_("Body"))
    theme = django_filters.CharFilter(method="filter_theme", label=_("Theme"))
    affected = django_filters.CharFilter(method="filter_affected", label=_("Affected persons"))
    position = django_filters.MultipleChoiceFilter(
        choices=Position.choices, label=_("Position"), distinct=False
    )
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
        # ``pk IN (the ids the value's rows name)``: read from the value's index, where a
        # correlated EXISTS would be tried for every recommendation.
        return queryset.filter(pk__in=through.objects.filter(**lookup).values("recommendation_id"))

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


def selected_facets(query: QueryDict) -> dict[str, Sequence[str]]:
    """{parameter: chosen values} of the facet parameters, however they were written."""
    chosen: dict[str, Sequence[str]] = {}
    for name in REPEATED:
        values = [value for value in query.getlist(name) if value]
        if values:
            chosen[name] = list(dict.fromkeys(values))
    for name in LISTED:
        values = [v.strip() for value in query.getlist(name) for v in value.split(",")]
        if any(values):
            chosen[name] = list(dict.fromkeys(value for value in values if value))
    for name in SINGLE:
        value = query.get(name, "")
        if value:
            chosen[name] = [value]
    return chosen


def filter_data(query: QueryDict) -> QueryDict:
    """The query string as ``RecommendationFilter`` reads it: listed values comma-joined."""
    data = query.copy()
    chosen = selected_facets(query)
    for name in LISTED:
        values = chosen.get(name)
        if values:
            data.setlist(name, [",".join(values)])
    return data


def newest_first(queryset: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """Newest document first; undated ones last on every database (PostgreSQL would sort NULL
    first)."""
    return queryset.order_by(F("document_date").desc(nulls_last=True), "symbol", "paragraph", "pk")


class DateYear(ExtractYear):
    """The year of a date. On SQLite it is read from the stored text (YYYY-MM-DD): there
    ``ExtractYear`` calls a Python function for every row."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 1, 4) AS integer)", params


def facets(
    queryset: QuerySet[Recommendation], selected: Mapping[str, Sequence[str]], *, user: Any
) -> list[Facet]:
    """Counts of each facet's values within ``queryset`` (the filtered recommendations); the
    status facet counts only links to plans ``user`` may see.

    Two grouped queries whatever the filters, besides the names of what they count: one over
    the recommendations' own columns (mechanism, body, position, year, type: read from the
    ``recommendation_facets`` index, and within the filtered query itself, whose filters keep
    one row per recommendation), and one statement for the other tables (themes, affected
    persons, SDG targets, countries, visible links), in which the filtered ids are found once.
    Without a filter every table is grouped whole.
    """
    filtered = bool(queryset.query.where)

    def chosen(name: str, value: str) -> bool:
        return value in selected.get(name, ())

    def ranked(counts: Mapping[Any, int], limit: int | None = None) -> list[tuple[Any, int]]:
        # Most frequent first; ties in a stable order (by value).
        order = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        return order[:limit] if limit else order

    statuses = linked_statuses(user=user)
    if filtered:
        own = _own_counts(queryset, filtered=True)
        many, linked_here = _many_counts(queryset, filtered=True, user=user)
    else:
        # The same for every reader and language: counted once per generation of content.
        own, many = pagecache.cached(EVERYTHING_KEY, lambda: _counts_of_everything(queryset))
        linked_here = set(statuses)
    bodies = Body.objects.in_bulk(list(own["body"]))
    themes = Theme.objects.in_bulk([*many["theme"], *many["affected"]])
    targets = SdgTarget.objects.in_bulk(list(many["sdg"]))
    by_mechanism: dict[str, int] = {}
    by_code: dict[str, int] = {}
    for pk, n in own["body"].items():
        body = bodies[pk]
        by_mechanism[body.mechanism] = by_mechanism.get(body.mechanism, 0) + n
        by_code[body.code] = by_code.get(body.code, 0) + n

    result: list[Facet] = []
    mechanisms: dict[str, str] = {value: str(label) for value, label in Mechanism.choices}
    result.append(
        Facet(
            "mechanism",
            str(_("Mechanism")),
            [
                FacetValue(value, mechanisms.get(value, ""), n, chosen("mechanism", value))
                for value, n in ranked(by_mechanism)
                if value
            ],
        )
    )
    result.append(
        Facet(
            "body",
            str(_("Body")),
            [
                FacetValue(code, code, n, chosen("body", code))
                for code, n in ranked(by_code, FACET_LIMIT)
            ],
        )
    )
    for name, label in (("theme", _("Theme")), ("affected", _("Affected persons"))):
        values = []
        for pk, n in ranked(many[name], FACET_LIMIT):
            if pk in themes:
                key = themes[pk].key
                values.append(FacetValue(key, theme_label(themes[pk]), n, chosen(name, key)))
        result.append(Facet(name, str(label), values))
    positions: dict[str, str] = {value: str(label) for value, label in Position.choices}
    result.append(
        Facet(
            "position",
            str(_("Position")),
            [
                FacetValue(value, positions.get(value, ""), n, chosen("position", value))
                for value, n in ranked(own["position"])
            ],
        )
    )
    result.append(
        Facet(
            "sdg",
            str(_("SDG target")),
            [
                FacetValue(targets[pk].code, str(targets[pk]), n, chosen("sdg", targets[pk].code))
                for pk, n in ranked(many["sdg"], FACET_LIMIT)
                if pk in targets
            ],
        )
    )
    result.append(
        Facet(
            "country",
            str(_("Country concerned")),
            [
                FacetValue(code, _country(code), n, chosen("country", code))
                for code, n in ranked(many["country"], FACET_LIMIT)
                if code
            ],
        )
    )
    newest_years = sorted(own["year"].items(), reverse=True)[:FACET_LIMIT]
    result.append(
        Facet(
            "year",
            str(_("Year")),
            [
                FacetValue(str(year), str(year), n, chosen("year", str(year)))
                for year, n in newest_years
            ],
        )
    )
    types = [
        FacetValue(value, value, n, chosen("type", value))
        for value, n in ranked(own["type"], FACET_LIMIT)
    ]
    if len(types) > 1 or selected.get("type"):
        # One type for every row (the usual case) tells nobody anything.
        result.append(Facet("type", str(_("Type")), types))
    total = sum(own["total"].values())
    result.append(_status_facet(statuses, linked_here, selected, total=total))
    return [facet for facet in result if facet.values]


EVERYTHING_KEY = "recommendation-facets:everything"


def facets_key(
    queryset: QuerySet[Recommendation], selected: Mapping[str, Sequence[str]], *, user: Any
) -> str:
    """What the facets of ``queryset`` depend on besides the content: the filtered query as the
    database reads it (analysed words, the values the filters kept, the ids of a chosen
    status), the chosen values, the language of the labels and the audience, i.e. which
    plans' links count (a draft plan's for staff only: ``visible_links``)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    audience = visible_links(user).order_by().values("pk").query.sql_with_params()
    chosen = sorted((name, sorted(values)) for name, values in selected.items())
    return repr(("recommendation-facets", get_language(), sql, params, chosen, audience))


def cached_facets(
    queryset: QuerySet[Recommendation], selected: Mapping[str, Sequence[str]], *, user: Any
) -> list[Facet]:
    """``facets``, computed once per generation of content for the same filters, language and
    audience (docs/decisions/0012)."""
    key = facets_key(queryset, selected, user=user)
    return pagecache.cached(key, lambda: facets(queryset, selected, user=user))


def _counts_of_everything(
    queryset: QuerySet[Recommendation],
) -> tuple[dict[str, dict[Any, int]], dict[str, dict[Any, int]]]:
    many, _linked = _many_counts(queryset, filtered=False, user=None)
    return _own_counts(queryset, filtered=False), many


def _own_counts(queryset: QuerySet[Recommendation], *, filtered: bool) -> dict[str, dict[Any, int]]:
    """{"body"|"position"|"type"|"year": {value: count}, "total": {None: count}}."""
    own: dict[str, dict[Any, int]] = {
        name: {} for name in ("body", "position", "type", "year", "total")
    }
    columns = ("body_id", "position", "annotation_type")
    day_rows: list[Any] = []
    if filtered:
        # One pass over the filtered rows.
        grouped: Any = queryset.order_by().values(*columns, year=DateYear("document_date"))
        rows = list(grouped.annotate(n=Count("*")))
    else:
        # Everything: the own columns grouped as their index is read, without sorting, and
        # the dates (a few thousand) from theirs. Grouping by the year would sort every row.
        rows = list(queryset.order_by().values(*columns).annotate(n=Count("*")))
        day_rows = list(
            queryset.order_by()
            .filter(document_date__isnull=False)
            .values("document_date")
            .annotate(n=Count("*"))
        )
    for row in rows:
        own["total"][None] = own["total"].get(None, 0) + row["n"]
        for name, key in (
            ("body", row["body_id"]),
            ("position", row["position"]),
            ("type", row["annotation_type"]),
            ("year", row.get("year")),
        ):
            if key not in (None, ""):
                own[name][key] = own[name].get(key, 0) + row["n"]
    for row in day_rows:
        year = row["document_date"].year
        own["year"][year] = own["year"].get(year, 0) + row["n"]
    return own


# The facets read from other tables: (facet, table's model, the column counted).
MANY_FACETS: tuple[tuple[str, Any, str], ...] = (
    ("theme", Recommendation.themes.through, "theme_id"),
    ("affected", Recommendation.affected_persons.through, "theme_id"),
    ("sdg", Recommendation.sdg_targets.through, "sdgtarget_id"),
    ("country", RecommendationCountry, "country"),
)


def _many_counts(
    queryset: QuerySet[Recommendation], *, filtered: bool, user: Any
) -> tuple[dict[str, dict[Any, int]], set[int]]:
    """({facet: {value: count}} of ``MANY_FACETS`` within ``queryset``, and the ids in it linked
    to an action ``user`` may see (only when ``filtered``)), in one statement.

    The grouped counts are joined by UNION ALL; with filters, the filtered ids are a common
    table expression that both databases materialise once, as it is read more than once (a
    subquery per count would run the filters, e.g. a word search, again for each).
    """
    params: list[Any] = []
    if filtered:
        ids_sql, ids_params = queryset.order_by().values("pk").query.sql_with_params()
        prefix = f"WITH filtered_ids (id) AS ({ids_sql}) "
        params += ids_params
    else:
        prefix = ""
    parts = many_to_many_counts(
        MANY_FACETS, ids="filtered_ids", owner="recommendation", filtered=filtered
    )
    if filtered:
        links_sql, links_params = (
            visible_links(user).order_by().values("recommendation_id").query.sql_with_params()
        )
        parts.append(
            "SELECT 'linked', CAST(filtered_ids.id AS text), 1 FROM filtered_ids "  # noqa: S608
            f"WHERE filtered_ids.id IN ({links_sql})"
        )
        params += links_params
    counts: dict[str, dict[Any, int]] = {name: {} for name, _model, _column in MANY_FACETS}
    linked: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(prefix + " UNION ALL ".join(parts), params)
        for facet, value, n in cursor.fetchall():
            if facet == "linked":
                linked.add(int(value))
            elif value is not None:
                counts[facet][value if facet == "country" else int(value)] = n
    return counts, linked


def _country(code: str) -> str:
    return plan_country_name(code) if len(code) == 3 and code.isupper() else code


def _status_facet(
    statuses: Mapping[int, str],
    linked_here: set[int],
    selected: Mapping[str, Sequence[str]],
    *,
    total: int,
) -> Facet:
    """The derived statuses of the ``total`` recommendations counted, of which
    ``linked_here`` have a visible link (their status in ``statuses``)."""
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
        labels = {t.pk: theme_label(t) for t in Theme.objects.all()}
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
