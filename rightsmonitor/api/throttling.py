"""Rate limits of API v1: per address for the public, per user for sessions, per token.

Rates come from settings (API_RATE_ANON, API_RATE_USER, API_RATE_TOKEN: "600/minute"; empty
for no limit) and are read at each request, so tests can change them. Counts live in the
default cache, which is per process unless CACHE_URL names a shared one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import throttling
from rest_framework.request import Request

from rightsmonitor.api.models import ApiToken


class _SettingRate:
    rate_setting = ""

    def get_rate(self) -> str | None:
        return getattr(settings, self.rate_setting, None) or None


class AnonThrottle(_SettingRate, throttling.AnonRateThrottle):
    rate_setting = "API_RATE_ANON"


class UserThrottle(_SettingRate, throttling.UserRateThrottle):
    """Signed in with a session; a token's requests count for the token instead."""

    rate_setting = "API_RATE_USER"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            return None
        return super().get_cache_key(request, view)


class TokenThrottle(_SettingRate, throttling.SimpleRateThrottle):
    rate_setting = "API_RATE_TOKEN"
    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
