"""Views with no domain: the liveness answer that load balancers, containers and the load
benchmark ask for (``bench/load.py`` measures every page as a ratio to it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """The process answers: no database, no template, no session."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
