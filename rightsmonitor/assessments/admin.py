"""View-only admin: assessments change through their pages (``actions.py``), never here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rightsmonitor.assessments.models import Assessment, AssessmentFile, GenerationJob
from rightsmonitor.reporting.admin import ReadOnlyAdmin


class FileInline(admin.TabularInline):
    model = AssessmentFile
    extra = 0
    can_delete = False
    readonly_fields = ["format", "language", "file", "size", "from_snapshot", "generated_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "start", "end", "edition", "state", "published_at"]
    list_filter = ["state", "plan"]
    exclude = ["snapshot"]
    inlines = [FileInline]


@admin.register(GenerationJob)
class GenerationJobAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "state", "done_steps", "total_steps", "created_at", "finished_at"]
    list_filter = ["state"]
