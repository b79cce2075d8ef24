"""API v1 for human rights indicators: the catalogue and the observations, read-only.

Every read goes through ``indicators.access`` (and ``plans.access`` for the linked actions):
the public sees public indicators and their published observations; a focal point also the
indicators of their agency in every state; coordinators everything. Observations are filtered
by indicator, period, area and breakdown, the breakdown either as its canonical key
(``breakdown=AGE=Y18T34|SEX=F``), as ``dimension=SEX=F,AGE=Y18T34``, or with one parameter
per dimension code (``?SEX=F&AGE=Y18T34``; ``_T`` for the total), as SDMX queries name them.
A list costs the same few queries whatever its length: the breakdown is read from the key.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets

from rightsmonitor.api.fields import TranslatedTextField
from rightsmonitor.api.pagination import SharedListPages
from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.indicators.access import indicators_for_user, observations_for_user
from rightsmonitor.indicators.breakdowns import parse_breakdown_key
from rightsmonitor.indicators.models import (
    AREA,
    TOTAL,
    Attribute,
    Dimension,
    Indicator,
    Observation,
    ObservationState,
    PeriodType,
    Right,
    Target,
    TargetKind,
)
from rightsmonitor.indicators.periods import format_period
from rightsmonitor.indicators.queries import breakdown_filter
from rightsmonitor.plans.access import actions_for_user

# A query parameter that may name a dimension: an SDMX-style upper-case code.
_DIMENSION_PARAMETER = re.compile(r"^[A-Z][A-Z0-9_]*$")

# Filters --------------------------------------------------------------------------------------


class IndicatorFilter(BoundedFilterSet):
    right = django_filters.CharFilter(field_name="attribute__right__key", label=_("Right key"))
    agency = django_filters.CharFilter(
        field_name="agency__abbreviation", label=_("Agency abbreviation")
    )
    plan = django_filters.CharFilter(
        method="filter_plan", label=_("Plan code: indicators linked to the plan's actions")
    )
    sdg = django_filters.CharFilter(
        field_name="sdg_indicators__code", distinct=True, label=_("SDG indicator code")
    )

    class Meta:
        model = Indicator
        fields = ["right", "kind", "agency", "plan", "sdg"]

    def filter_plan(self, queryset: QuerySet[Indicator], name: str, value: str) -> Any:
        user = getattr(self.request, "user", None)
        actions = actions_for_user(user).filter(plan__code=value)
        return queryset.filter(actions__in=actions).distinct()


class ObservationFilter(BoundedFilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code", label=_("Indicator code"))
    year = django_filters.NumberFilter(
        method="filter_year", label=_("Periods within this calendar year")
    )
    period_start = django_filters.DateFilter(
        field_name="period_start",
        lookup_expr="gte",
        label=_("Periods starting on or after this date"),
    )
    period_end = django_filters.DateFilter(
        field_name="period_end",
        lookup_expr="lte",
        label=_("Periods ending on or before this date"),
    )
    period_type = django_filters.ChoiceFilter(choices=PeriodType.choices, label=_("Period type"))
    area = django_filters.CharFilter(field_name="area__code", label=_("Area code (REF_AREA)"))
    breakdown = django_filters.CharFilter(
        method="filter_breakdown",
        label=_("Canonical breakdown key, e.g. AGE=Y18T34|SEX=F; _T for the total"),
    )
    dimension = django_filters.CharFilter(
        method="filter_dimension",
        label=_(
            "Dimension values, e.g. SEX=F,AGE=Y18T34 (other dimensions: any value; _T: total). "
            "A parameter per dimension code (?SEX=F) does the same."
        ),
    )
    state = django_filters.ChoiceFilter(
        choices=ObservationState.choices,
        label=_("State (the public sees published values only)"),
    )

    class Meta:
        model = Observation
        fields = [
            "indicator",
            "year",
            "period_start",
            "period_end",
            "period_type",
            "area",
            "breakdown",
            "dimension",
            "state",
        ]

    def filter_year(self, queryset: QuerySet[Observation], name: str, value: Any) -> Any:
        year = int(value)
        return queryset.filter(period_start__year=year, period_end__year=year)

    def filter_breakdown(self, queryset: QuerySet[Observation], name: str, value: str) -> Any:
        return queryset.filter(breakdown_key="" if value.strip() == TOTAL else value.strip())

    def filter_dimension(self, queryset: QuerySet[Observation], name: str, value: str) -> Any:
        for part in filter(None, (item.strip() for item in value.split(","))):
            dimension, _sep, code = part.partition("=")
            queryset = self._by_dimension(queryset, dimension.strip(), code.strip())
        return queryset

    def _by_dimension(self, queryset: QuerySet[Observation], dimension: str, code: str) -> Any:
        if dimension == AREA:
            return queryset.filter(area__code=code)
        return queryset.filter(breakdown_filter(dimension, code))

    def filter_queryset(self, queryset: QuerySet[Observation]) -> Any:
        """The declared filters, then one parameter per dimension code (``?SEX=F``).

        Upper-case parameters are looked up among the dimensions (one query, only when
        there are some); other unknown parameters are ignored, as for every list.
        """
        queryset = super().filter_queryset(queryset)
        named = {
            key: self.data.get(key)
            for key in self.data
            if _DIMENSION_PARAMETER.match(key) and key not in self.filters
        }
        if named:
            known = set(Dimension.objects.filter(code__in=named).values_list("code", flat=True))
            for dimension in sorted(known):
                queryset = self._by_dimension(queryset, dimension, str(named[dimension]).strip())
        return queryset


# Serializers ----------------------------------------------------------------------------------


class RightSerializer(serializers.ModelSerializer[Right]):
    title = TranslatedTextField()

    class Meta:
        model = Right
        fields = ["key", "title"]


class AttributeSerializer(serializers.ModelSerializer[Attribute]):
    title = TranslatedTextField()

    class Meta:
        model = Attribute
        fields = ["key", "title"]


class TargetSerializer(serializers.ModelSerializer[Target]):
    value = serializers.DecimalField(max_digits=20, decimal_places=6, coerce_to_string=False)

    class Meta:
        model = Target
        fields = ["year", "value", "note"]


def _target(indicator: Indicator, kind: str) -> dict[str, Any] | None:
    """From the prefetched targets: no query per indicator."""
    found = next((t for t in indicator.targets.all() if t.kind == kind), None)
    return TargetSerializer(found).data if found else None


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    right = RightSerializer(source="attribute.right", read_only=True)
    attribute = AttributeSerializer(read_only=True)
    title = TranslatedTextField()
    definition = TranslatedTextField()
    rationale = TranslatedTextField()
    method = TranslatedTextField()
    source = TranslatedTextField()  # type: ignore[assignment]  # the field, not Field.source
    limitations = TranslatedTextField()
    unit_label = TranslatedTextField()
    dimensions: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    sdg_indicators: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    actions = serializers.SerializerMethodField()
    agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="abbreviation", read_only=True
    )
    baseline = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "code",
            "kind",
            "right",
            "attribute",
            "title",
            "definition",
            "rationale",
            "method",
            "source",
            "limitations",
            "unit",
            "unit_label",
            "decimals",
            "periodicity",
            "higher_is_better",
            "ohchr_reference",
            "dimensions",
            "sdg_indicators",
            "actions",
            "agency",
            "baseline",
            "target",
            "url",
        ]

    @extend_schema_field(
        serializers.ListField(
            child=serializers.IntegerField(),
            help_text=_("Ids of the plan actions the indicator measures (see /actions/)."),
        )
    )
    def get_actions(self, indicator: Indicator) -> list[int]:
        """The actions the caller may see, prefetched as ``visible_actions``."""
        return [action.pk for action in getattr(indicator, "visible_actions", [])]

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_baseline(self, indicator: Indicator) -> dict[str, Any] | None:
        return _target(indicator, TargetKind.BASELINE)

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_target(self, indicator: Indicator) -> dict[str, Any] | None:
        return _target(indicator, TargetKind.TARGET)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, indicator: Indicator) -> str:
        request = self.context.get("request")
        path = indicator.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ObservationSerializer(serializers.ModelSerializer[Observation]):
    indicator: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    period = serializers.SerializerMethodField()
    area: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    breakdown = serializers.SerializerMethodField()
    value = serializers.DecimalField(max_digits=20, decimal_places=6, coerce_to_string=False)

    class Meta:
        model = Observation
        fields = [
            "id",
            "indicator",
            "period",
            "period_type",
            "period_start",
            "period_end",
            "area",
            "breakdown",
            "breakdown_key",
            "value",
            "unit",
            "source",
            "note",
            "state",
            "updated_at",
        ]
        read_only_fields = fields

    def get_period(self, observation: Observation) -> str:
        """The SDMX TIME_PERIOD: 2022, 2022-Q1, 2022-03 or 2022-01-01/2022-06-30."""
        return format_period(
            observation.period_type, observation.period_start, observation.period_end
        )

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Dimension code → value code; dimensions left out are at their total.",
            "example": {"AGE": "Y18T34", "SEX": "F"},
        }
    )
    def get_breakdown(self, observation: Observation) -> dict[str, str]:
        return parse_breakdown_key(observation.breakdown_key)


# Views ----------------------------------------------------------------------------------------


@extend_schema(tags=["indicators"])
class IndicatorViewSet(SharedListPages, viewsets.ReadOnlyModelViewSet[Indicator]):
    """Human rights indicators (OHCHR framework) with their metadata, dimensions, SDG
    indicators, linked plan actions, baseline and target. Public ones for everyone; an
    agency's focal point also sees the agency's, coordinators all."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Indicator]:
        user = self.request.user
        return (
            indicators_for_user(user)
            .select_related("attribute__right", "agency")
            .prefetch_related(
                "dimensions",
                "sdg_indicators",
                "targets",
                Prefetch(
                    "actions",
                    queryset=actions_for_user(user).only("pk").order_by("pk"),
                    to_attr="visible_actions",
                ),
            )
            .order_by("attribute__right__order", "attribute__order", "order", "code")
        )


@extend_schema(tags=["indicators"])
class ObservationViewSet(SharedListPages, viewsets.ReadOnlyModelViewSet[Observation]):
    """Observations: one value per indicator, period, area and breakdown. The public sees
    published values of public indicators; an agency's focal point also its indicators'
    values in every state; coordinators all. Besides the filters below, a parameter per
    dimension code selects a value (``?SEX=F&AGE=Y18T34``; ``_T`` for the total)."""

    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter

    def get_queryset(self) -> QuerySet[Observation]:
        visible: QuerySet[Observation] = observations_for_user(self.request.user)
        return visible.select_related("indicator", "area").order_by(
            "indicator__code",
            "period_start",
            "period_end",
            "area__order",
            "area__code",
            "breakdown_key",
            "pk",
        )
