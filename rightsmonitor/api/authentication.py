"""Token authentication for API v1: ``Authorization: Bearer <secret>`` (or ``Token <secret>``).

A valid token authenticates as its user, so every access helper and action decides as for a
session; ``request.auth`` is the token. The token's scopes are checked here too, right after
the token is identified: every API view passes through authentication, whereas views replace
the default permission classes with their own (and a write refused for lack of a scope is a
property of the credential, not of the view). Safe methods need ``read``; other methods the
scope the view declares in ``required_scopes``, or else the scope of the API module it comes
from. A view with neither refuses token writes (fail closed). Sessions are unaffected.

An unknown, revoked or expired token is a 401 with a message saying which, rather than a
silent fall back to anonymous reading. Writes with a token need no CSRF token: the browser
never sends the Authorization header on its own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from rightsmonitor.api.models import LAST_USED_PRECISION, ApiToken, Scope

KEYWORDS = frozenset({"bearer", "token"})

# The write scope of each API module's views; a view may name its own in ``required_scopes``.
WRITE_SCOPES: dict[str, str] = {
    "rightsmonitor.api.reporting": Scope.REPORTS_WRITE,
    "rightsmonitor.api.recommendations": Scope.RECOMMENDATIONS_WRITE,
}


def _token_words(request: Request) -> list[bytes] | None:
    """The words of an Authorization header that names a token, or None."""
    words = authentication.get_authorization_header(request).split()
    if words and words[0].decode("latin-1").lower() in KEYWORDS:
        return words
    return None


def required_scopes(request: Request, view: Any) -> list[str]:
    if request.method in permissions.SAFE_METHODS:
        return [Scope.READ]
    declared = getattr(view, "required_scopes", None)
    if declared is not None:
        return list(declared)
    scope = WRITE_SCOPES.get(type(view).__module__)
    return [scope] if scope else []


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        words = _token_words(request)
        if words is None:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after the word Bearer, separated by one space.")
            )
        try:
            secret = words[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("This API token is not valid.")) from exc
        token = ApiToken.objects.for_secret(secret)
        now = timezone.now()
        if token is None:
            raise exceptions.AuthenticationFailed(_("This API token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API token has been revoked."))
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed(_("This API token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this API token is inactive."))
        self._check_scopes(request, token)
        self._note_use(token, now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str | None:
        # Only a request that tried a token is told to use one (and gets 401); a request with
        # neither token nor session keeps DRF's 403, as before tokens existed.
        return 'Bearer realm="api"' if _token_words(request) is not None else None

    @staticmethod
    def _check_scopes(request: Request, token: ApiToken) -> None:
        view = request.parser_context.get("view") if request.parser_context else None
        needed = required_scopes(request, view)
        if not needed:
            raise exceptions.PermissionDenied(_("API tokens cannot make this change."))
        missing = [scope for scope in needed if not token.has_scope(scope)]
        if missing:
            raise exceptions.PermissionDenied(
                _("This API token lacks the scope %(scope)s.") % {"scope": ", ".join(missing)}
            )

    @staticmethod
    def _note_use(token: ApiToken, now: Any) -> None:
        """Record the last use at most once a minute, so that reads stay free of writes."""
        if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
            return
        # A plain UPDATE: no history row, no race with a revocation saving the same row.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION),
            pk=token.pk,
        ).update(last_used_at=now)
        token.last_used_at = now


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Shows the token in the OpenAPI schema (and the docs page's Authorize button)."""

    target_class = "rightsmonitor.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("An API token from the API tokens page: Authorization: Bearer rm_…")
            ),
        }
