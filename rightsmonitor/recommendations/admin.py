"""The administrators' tools for recommendations: correct a body's mechanism and names, give SDG
targets their titles. Recommendations come from imports and links from the coordinator's pages
(``actions.py``, which keep the search index and history right), so those are read-only here.
"""

from django.contrib import admin

from rightsmonitor.recommendations.models import (
    Body,
    ImportRun,
    Recommendation,
    RecommendationLink,
    SdgTarget,
)
from rightsmonitor.reporting.admin import ReadOnlyAdmin


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["code", "mechanism", "name_en", "name_ru", "name_kk"]
    list_filter = ["mechanism"]
    search_fields = ["code", "name_en", "name_ru", "name_kk"]


@admin.register(SdgTarget)
class SdgTargetAdmin(admin.ModelAdmin):
    list_display = ["code", "title"]
    search_fields = ["code", "title"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["symbol", "paragraph", "body", "position", "document_date", "source"]
    list_filter = ["body__mechanism", "position", "source"]
    search_fields = ["symbol", "source_id"]
    list_select_related = ["body"]


@admin.register(RecommendationLink)
class RecommendationLinkAdmin(ReadOnlyAdmin):
    list_display = ["recommendation", "action", "created_by", "created_at"]
    list_select_related = ["recommendation", "action", "created_by"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "filename",
        "format",
        "status",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "created_at",
    ]
    list_filter = ["format", "status"]
