"""Django admin for administrators: a raw view of reporting, and the configuration rows.

Reports, evidence and monitoring verdicts change only through ``reporting.actions`` (which
write the audit rows), so the admin shows them read-only. The audit rows themselves
(``ReportTransition``, ``MonitoringChange``) can be neither added, changed nor deleted here.
Schedules, periods and agency settings are configuration and may be edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rightsmonitor.reporting.models import (
    ActionMonitoring,
    AgencyReportingSettings,
    Evidence,
    MonitoringChange,
    Notification,
    ProgressReport,
    ReminderDigest,
    ReportingPeriod,
    ReportingSchedule,
    ReportTransition,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: no add, change or delete, whoever asks."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(admin.ModelAdmin):
    list_display = ["plan", "frequency", "submission_days", "review_days"]
    list_select_related = ["plan"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "submission_deadline", "review_deadline"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    date_hierarchy = "end"


@admin.register(AgencyReportingSettings)
class AgencyReportingSettingsAdmin(admin.ModelAdmin):
    list_display = ["agency", "sign_off_required", "validating_authority"]
    list_select_related = ["agency", "validating_authority"]
    raw_id_fields = ["validating_authority"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = readonly_fields = (
        "original_name",
        "url",
        "content_type",
        "size",
        "added_by",
        "added_at",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReportTransitionInline(admin.TabularInline):
    model = ReportTransition
    fields = readonly_fields = ("at", "name", "from_state", "to_state", "actor", "comment")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "state", "proposed_status", "author", "updated_at"]
    list_filter = ["state", "kind", "period__plan"]
    list_select_related = ["action", "agency", "period", "author"]
    search_fields = ["action__number", "agency__abbreviation", "narrative"]
    inlines = [EvidenceInline, ReportTransitionInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "report", "content_type", "size", "added_by", "added_at"]
    list_select_related = ["report__action", "report__agency", "report__period", "added_by"]


@admin.register(ReportTransition)
class ReportTransitionAdmin(ReadOnlyAdmin):
    list_display = ["at", "report", "name", "from_state", "to_state", "actor"]
    list_filter = ["name", "to_state"]
    list_select_related = ["report__action", "report__agency", "report__period", "actor"]
    date_hierarchy = "at"


@admin.register(ActionMonitoring)
class ActionMonitoringAdmin(ReadOnlyAdmin):
    list_display = ["action", "assessed_status", "on_monitoring", "updated_at"]
    list_filter = ["assessed_status", "on_monitoring"]
    list_select_related = ["action"]


@admin.register(MonitoringChange)
class MonitoringChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "field", "old_value", "new_value", "actor"]
    list_filter = ["field"]
    list_select_related = ["action", "actor"]
    date_hierarchy = "at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "text", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]


@admin.register(ReminderDigest)
class ReminderDigestAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "items", "sent_at"]
    list_select_related = ["user"]
