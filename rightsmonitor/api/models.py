"""API tokens: credentials for integrations that act as one user account.

A token carries no permissions of its own. Requests made with it are those of its user, so
the user's role and agency or organisation decide, through the same access helpers and actions
as for a session, what it may see and change; the token's scopes only narrow that further.
Only a hash of the secret is stored; the secret is shown once, when the token is issued.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rightsmonitor.accounts.models import hash_token

# Every secret starts with this, so that it can be recognised (by a secret scanner, say).
SECRET_PREFIX = "rm_"
# How much of the secret is kept in the clear to tell tokens apart in lists and logs.
SHOWN_PREFIX_LENGTH = len(SECRET_PREFIX) + 6
# ``last_used_at`` is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class Scope(models.TextChoices):
    """What a token may be used for. Writes are grouped by the API module that serves them."""

    READ = "read", _("Read what the user may see")
    REPORTS_WRITE = "reports:write", _("Write progress reports, evidence, workflow and monitoring")
    RECOMMENDATIONS_WRITE = "recommendations:write", _("Link recommendations to actions")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_secret(self, secret: str) -> ApiToken | None:
        """The token with this secret, and its user, in one query; None if unknown."""
        return self.select_related("user").filter(key_hash=hash_token(secret)).first()

    def for_list(self) -> ApiTokenQuerySet:
        return self.select_related(
            "user__agency", "user__organisation", "created_by", "revoked_by"
        ).order_by("revoked_at", "-created_at", "-pk")


class ApiToken(models.Model):
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the integration.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()
    # The audit trail: issued and revoked, by whom. Use is not history.
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return SECRET_PREFIX + secrets.token_urlsafe(32)

    def set_secret(self, secret: str) -> None:
        self.key_hash = hash_token(secret)
        self.prefix = secret[:SHOWN_PREFIX_LENGTH]

    @property
    def affiliation(self) -> Any:
        """The agency or organisation the token's user belongs to, if any."""
        return self.user.agency or self.user.organisation

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]
