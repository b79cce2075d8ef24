"""Admin for API tokens: a read-only list with the history, and revocation.

Tokens are issued on the API tokens page, which shows the secret once; the admin cannot
show a secret, so it does not issue tokens.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rightsmonitor.api import actions as token_actions
from rightsmonitor.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "prefix",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__email")
    list_select_related = ("user",)
    readonly_fields = (
        "name",
        "user",
        "scopes",
        "prefix",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the token stays in the record

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                token_actions.revoke_token(token, by=request.user)
            except (PermissionDenied, ValidationError) as exc:
                problem = " ".join(getattr(exc, "messages", [str(exc)]))
                messages.error(
                    request, _("%(token)s: %(problem)s") % {"token": token, "problem": problem}
                )
