"""Django admin for administrators: the managed lists and a raw view of the register.

Coordinators work in the staff pages ("manage"); the admin is a fallback. Saves here still
bump the optimistic-locking version, so an edit form opened elsewhere notices the change, and
the history records the administrator (the history middleware supplies the user).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import BaseModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rightsmonitor.core.locking import VersionedModel, claim_version
from rightsmonitor.plans.actions import apply_deadline, save_agency, save_instrument
from rightsmonitor.plans.models import (
    Action,
    ActionAgency,
    Agency,
    Amendment,
    FormOfCompletion,
    Instrument,
    Plan,
    Section,
    Theme,
)


class _VersionedAdmin(SimpleHistoryAdmin):
    """Bump ``version`` on every change, of the object and of its inline rows."""

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        if change and isinstance(obj, VersionedModel):
            claim_version(obj, None)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances: list[Model] = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if obj.pk and isinstance(obj, VersionedModel):
                claim_version(obj, None)
            obj.save()
        formset.save_m2m()


@admin.register(Instrument)
class InstrumentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "number", "date", "country", "issuing_authority"]
    list_filter = ["kind", "country"]
    search_fields = ["number", "title_en", "title_ru", "title_kk", "issuing_authority"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        save_instrument(obj, by=request.user)


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["abbreviation", "name_en", "name_ru", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["abbreviation", "name_en", "name_ru", "name_kk"]
    autocomplete_fields = ["parent"]

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        save_agency(obj, by=request.user)


@admin.register(FormOfCompletion)
class FormOfCompletionAdmin(admin.ModelAdmin):
    list_display = ["key", "name_en", "name_ru", "name_kk", "order"]
    list_editable = ["order"]
    search_fields = ["key", "name_en", "name_ru", "name_kk"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["key", "name_en", "kind", "parent"]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["key", "name_en", "name_ru", "name_kk"]


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order", "number", "title_en", "title_ru", "title_kk"]
    extra = 0
    show_change_link = True


class AmendmentInline(admin.TabularInline):
    model = Amendment
    fields = ["instrument", "date", "summary_en"]
    autocomplete_fields = ["instrument"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(_VersionedAdmin):
    list_display = ["code", "__str__", "country", "status", "period_start", "period_end"]
    list_filter = ["status", "country"]
    search_fields = ["code", "title_en", "title_ru", "title_kk"]
    autocomplete_fields = [
        "adopting_instrument",
        "parent_instrument",
        "coordinator",
        "superseded_by",
    ]
    readonly_fields = ["version", "created", "updated"]
    inlines = [SectionInline, AmendmentInline]


@admin.register(Section)
class SectionAdmin(_VersionedAdmin):
    list_display = ["__str__", "plan", "number", "order"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan"]
    search_fields = ["number", "title_en", "title_ru", "title_kk", "plan__code"]
    autocomplete_fields = ["plan"]
    readonly_fields = ["version"]


class ActionAgencyInline(admin.TabularInline):
    model = ActionAgency
    fields = ["agency", "role", "as_agreed", "order"]
    autocomplete_fields = ["agency"]
    extra = 0


@admin.register(Action)
class ActionAdmin(_VersionedAdmin):
    list_display = [
        "number",
        "short_title",
        "plan",
        "section",
        "deadline_text",
        "due_date",
        "deadline_needs_review",
    ]
    list_filter = [
        "deadline_needs_review",
        "recurrence",
        ("plan", admin.RelatedOnlyFieldListFilter),
        "form_of_completion",
    ]
    list_select_related = ["plan", "section"]
    search_fields = ["number", "title_en", "title_ru", "title_kk", "deadline_text", "plan__code"]
    autocomplete_fields = ["plan", "section"]
    filter_horizontal = ["themes"]
    readonly_fields = ["version"]
    inlines = [ActionAgencyInline]

    @admin.display(description=_("title"))
    def short_title(self, obj: Action) -> str:
        title = str(obj.title)
        return title if len(title) <= 80 else f"{title[:79]}…"

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        obj.plan = obj.section.plan
        if "deadline_text" in form.changed_data:
            # Read the new text as the staff pages do; unreadable text is flagged for review.
            apply_deadline(obj, obj.deadline_text)
        super().save_model(request, obj, form, change)
