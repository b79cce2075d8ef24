"""Rate limits for public web forms, per client address, without keeping addresses.

The address is turned into a keyed hash (HMAC with a key derived from SECRET_KEY), and only
that hash, with a count, lives in the default cache for the length of a fixed window. Nothing
about the address reaches the database or a cache key in clear. Behind a proxy
(TRUST_X_FORWARDED_FOR, on by default with BEHIND_PROXY) the client's address is the last one
the proxy appended to X-Forwarded-For; anything earlier in that header is the client's to
forge.

Counting is atomic: ``cache.add`` creates the count, ``cache.incr`` raises it (both atomic on
Redis and on the per-process locmem cache), so two requests at once cannot both read "4" and
both write "5". ``hit()`` counts and answers in one step, which is the way to guard an action;
``exceeded()`` only reads, to refuse early without counting.

Each app declares its limits next to its views, e.g.
``APPLICATIONS = RateLimit("participation-apply", "PARTICIPATION_APPLICATIONS_PER_HOUR")``.
The API has its own rate limits (``api/throttling.py``); log-in is django-axes's.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# A window may end between cache.add and cache.incr; after this many tries, count one.
_ATTEMPTS = 3


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the proxy's last X-Forwarded-For entry if trusted."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return str(forwarded.split(",")[-1].strip())
    return str(request.META.get("REMOTE_ADDR", ""))


def address_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address: counts without the address itself."""
    key = hashlib.sha256(f"rightsmonitor-rate-limit:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` counted events per address in a fixed window of ``window`` seconds.

    ``limit`` is a number, or the name of a setting read at each request (so tests and
    operators can change it).
    """

    name: str
    limit: str | int
    window: int = 3600

    def maximum(self) -> int:
        if isinstance(self.limit, str):
            return int(getattr(settings, self.limit))
        return self.limit

    def cache_key(self, request: HttpRequest) -> str:
        bucket = int(time.time() // self.window)
        return f"rate:{self.name}:{bucket}:{address_key(request)}"

    def exceeded(self, request: HttpRequest) -> bool:
        """True if this address has used up its events in this window (counts nothing)."""
        return int(cache.get(self.cache_key(request), 0)) >= self.maximum()

    def count(self, request: HttpRequest) -> int:
        """Count one event for this address; returns the count in this window, this one included."""
        key = self.cache_key(request)
        for _attempt in range(_ATTEMPTS):
            if cache.add(key, 1, timeout=self.window):
                return 1
            try:
                return int(cache.incr(key))
            except ValueError:  # the count expired between add and incr: start it again
                continue
        return 1

    def hit(self, request: HttpRequest) -> bool:
        """Count one event and say whether it is allowed (within the limit), in one step."""
        return self.count(request) <= self.maximum()
