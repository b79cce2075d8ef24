"""Django admin for administrators: a read-only view of participation.

Everything here changes through ``participation.actions`` (which writes the audit rows), so
the admin shows it read-only; the audit rows can be neither added, changed nor deleted.
"""

from __future__ import annotations

from django.contrib import admin

from rightsmonitor.participation.models import (
    Accreditation,
    Comment,
    Consultation,
    OrganisationApplication,
    ParticipationEvent,
    ShadowRating,
)
from rightsmonitor.reporting.admin import ReadOnlyAdmin


@admin.register(OrganisationApplication)
class OrganisationApplicationAdmin(ReadOnlyAdmin):
    list_display = ["name", "contact_email", "state", "created_at"]
    list_filter = ["state"]


@admin.register(Accreditation)
class AccreditationAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "approved_by", "approved_at"]
    list_select_related = ["organisation", "approved_by"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "author", "organisation", "visibility", "state", "created_at"]
    list_filter = ["state", "visibility"]
    list_select_related = ["author", "organisation"]


@admin.register(ShadowRating)
class ShadowRatingAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "action", "period", "status", "updated_at"]
    list_select_related = ["organisation", "action__plan", "period"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["title", "plan", "opens_on", "closes_on", "state"]
    list_select_related = ["plan"]


@admin.register(ParticipationEvent)
class ParticipationEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "actor", "subject_type", "subject_id"]
    list_filter = ["kind"]
