"""Issuing and revoking API tokens. Pages, the admin and commands call these.

Each runs in one transaction, checks who is acting through ``api.access``, validates, and
saves with a django-simple-history row naming the actor (the tokens' audit trail).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rightsmonitor.api.access import can_issue_token, can_revoke_token
from rightsmonitor.api.models import ApiToken, Scope


def _save(token: ApiToken, *, by: Any, reason: str, **kwargs: Any) -> None:
    token._history_user = by  # type: ignore[attr-defined]
    token._change_reason = reason  # type: ignore[attr-defined]
    token.save(**kwargs)


@transaction.atomic
def issue_token(
    user: Any,
    *,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    by: Any,
) -> tuple[ApiToken, str]:
    """Issue a token acting as ``user``; return it and its secret, which is not stored."""
    if not can_issue_token(by, user):
        raise PermissionDenied(_("You may not issue API tokens for this account."))
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Say what the token is for.")
    chosen = list(dict.fromkeys(scopes))
    if not chosen:
        errors["scopes"] = _("Choose at least one scope.")
    elif not set(chosen) <= set(Scope.values):
        errors["scopes"] = _("Choose scopes from the list.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry must be in the future.")
    if errors:
        raise ValidationError(errors)
    secret = ApiToken.new_secret()
    token = ApiToken(
        name=name,
        user=user,
        scopes=[scope for scope in Scope.values if scope in chosen],
        created_by=by,
        expires_at=expires_at,
    )
    token.set_secret(secret)
    _save(token, by=by, reason="issued")
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, by: Any) -> ApiToken:
    """The token stops working at once; it stays in the list, marked revoked."""
    if not can_revoke_token(by, token):
        raise PermissionDenied(_("You may not revoke this token."))
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("This token has already been revoked."))
    token.revoked_at = timezone.now()
    token.revoked_by = by
    _save(token, by=by, reason="revoked", update_fields=["revoked_at", "revoked_by"])
    return token
