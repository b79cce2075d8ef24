"""Admin for users (e-mail log-in, role and affiliation), organisations, invitations and the
account audit log.

Invitations are made on the site (which e-mails the one-time link); the admin only shows them
and can withdraw them. The audit log is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rightsmonitor.accounts import actions
from rightsmonitor.accounts.models import AccountEvent, Invitation, Organisation, User


def _login_through_accounts(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin's own log-in form would skip the second factor: use the site's log-in."""
    if request.user.is_authenticated:
        # Logged in, but not an administrator (or no longer active).
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(next_url, login_url=reverse("accounts:login"))


admin.site.login = _login_through_accounts  # type: ignore[method-assign]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "role", "agency", "organisation")


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("first_name", "last_name", "preferred_language")}),
        (_("Role"), {"fields": ("role", "agency", "organisation")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "role",
                    "agency",
                    "organisation",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "agency",
        "organisation",
        "is_active",
    )
    list_filter = ("role", "is_active", "is_superuser", "agency")
    list_select_related = ("agency", "organisation")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    autocomplete_fields = ("organisation",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "kind", "country", "website")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = (
        "email",
        "role",
        "agency",
        "organisation",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    list_filter = ("role",)
    list_select_related = ("agency", "organisation", "invited_by")
    search_fields = ("email",)
    readonly_fields = [field.name for field in Invitation._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Only the site can invite: it e-mails the link, whose token is never stored.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        withdrawn = 0
        for invitation in queryset:
            if not invitation.is_pending:
                continue
            try:
                actions.revoke_invitation(invitation, by=request.user)
            except (PermissionDenied, ValidationError):
                continue
            withdrawn += 1
        self.message_user(
            request, _("%(count)d invitations withdrawn.") % {"count": withdrawn}, messages.SUCCESS
        )


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin[AccountEvent]):
    list_display = ("created_at", "kind", "actor", "user", "invitation")
    list_filter = ("kind",)
    list_select_related = ("actor", "user", "invitation")
    search_fields = ("user__email", "actor__email", "invitation__email")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
