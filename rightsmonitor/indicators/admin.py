"""The administrators' tools for the indicator framework: rights, attributes, indicators and
their metadata, dimensions and their values (a new ground of disaggregation, another country's
areas), SDG indicators, baselines and targets. Observations change only through the data-entry
pages and imports (``actions.py``), so they are read-only here.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from rightsmonitor.indicators.models import (
    Attribute,
    Dimension,
    DimensionValue,
    Indicator,
    Observation,
    Right,
    SdgIndicator,
    Target,
)
from rightsmonitor.reporting.admin import ReadOnlyAdmin


class DimensionValueInline(admin.TabularInline):
    model = DimensionValue
    extra = 1
    fields = ["code", "name_en", "name_ru", "name_kk", "aliases", "valid_from", "valid_to", "order"]


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "column_name", "order"]
    search_fields = ["code", "name_en", "name_ru", "name_kk"]
    inlines = [DimensionValueInline]


class AttributeInline(admin.TabularInline):
    model = Attribute
    extra = 1


@admin.register(Right)
class RightAdmin(admin.ModelAdmin):
    list_display = ["key", "title_en", "ohchr_table", "order"]
    inlines = [AttributeInline]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    max_num = 2  # one baseline, one target


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title_en", "kind", "unit", "agency", "is_public"]
    list_filter = ["kind", "is_public", "attribute__right", "agency"]
    search_fields = ["code", "title_en", "title_ru", "title_kk"]
    filter_horizontal = ["dimensions", "sdg_indicators", "actions"]
    autocomplete_fields = ["attribute"]
    inlines = [TargetInline]


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["key", "title_en", "right"]
    search_fields = ["key", "title_en", "title_ru", "title_kk"]


@admin.register(SdgIndicator)
class SdgIndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en"]
    search_fields = ["code", "title_en"]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = [
        "indicator",
        "period_start",
        "period_end",
        "area",
        "breakdown_key",
        "value",
        "state",
    ]
    list_filter = ["state", "indicator"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)
