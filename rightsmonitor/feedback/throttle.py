"""Rate limits per address without storing addresses.

The address is turned into a keyed hash (HMAC with a key derived from SECRET_KEY) and only the
hash, with a count, lives in the default cache for the length of the window. Nothing about the
address reaches the database. Behind a proxy (BEHIND_PROXY) the client's address is the last
one the proxy appended to X-Forwarded-For.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    if settings.FEEDBACK_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def address_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address: counts without the address itself."""
    key = hashlib.sha256(f"feedback-rate-limit:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit()`` counted events per address in a fixed window of ``window`` seconds."""

    name: str
    setting: str
    window: int = 3600

    def limit(self) -> int:
        return int(getattr(settings, self.setting))

    def _key(self, request: HttpRequest) -> str:
        bucket = int(time.time() // self.window)
        return f"feedback:rate:{self.name}:{bucket}:{address_key(request)}"

    def exceeded(self, request: HttpRequest) -> bool:
        return int(cache.get(self._key(request), 0)) >= self.limit()

    def count(self, request: HttpRequest) -> None:
        key = self._key(request)
        if not cache.add(key, 1, timeout=self.window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=self.window)


SUBMISSIONS = RateLimit("submit", "FEEDBACK_SUBMISSIONS_PER_HOUR")
FAILED_CHECKS = RateLimit("check", "FEEDBACK_FAILED_CHECKS_PER_HOUR")
