"""Conditional GET for the API: ETag (and Last-Modified where it is sound) and 304 answers.

One middleware for everything under /api/, so that no view has to remember it. The ETag is a
hash of the body as sent, so it changes whenever the data does and differs between users
exactly when what they see differs; ``Vary`` names what the body depends on, so that no cache
hands one user's answer to another. A matching If-None-Match (or, without one, an
If-Modified-Since no older than Last-Modified) gets 304 with no body. The view still runs:
this saves the transfer, not the queries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

VARY = ("Accept", "Accept-Language", "Authorization", "Cookie")

# Views whose whole representation changes only with the row's modification time: only there
# does Last-Modified tell the truth. (A report's ``updated_at`` does not move with its
# evidence, a list's newest row not with a deletion: their ETag is enough.)
LAST_MODIFIED_FIELDS = {"v1:observation-detail": "updated_at"}


def _last_modified(request: HttpRequest, response: HttpResponseBase) -> int | None:
    match = request.resolver_match
    field = LAST_MODIFIED_FIELDS.get(match.view_name) if match else None
    data: Any = getattr(response, "data", None)
    if field is None or not isinstance(data, dict):
        return None
    moment = parse_datetime(str(data.get(field) or ""))
    return int(moment.timestamp()) if moment else None


class ApiConditionalGetMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.prefix = reverse("v1:api-root").removesuffix("v1/")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not request.path_info.startswith(self.prefix)
            or request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or not isinstance(response, HttpResponse)  # streamed: no body to fingerprint
        ):
            return response
        patch_vary_headers(response, VARY)
        # Clients must ask again each time (cheaply, with the ETag); only the user's own
        # cache may keep what a signed-in user was shown.
        if getattr(getattr(request, "user", None), "is_authenticated", False):
            patch_cache_control(response, no_cache=True, private=True)
        else:
            patch_cache_control(response, no_cache=True)
        if not response.has_header("ETag"):
            set_response_etag(response)
        last_modified = _last_modified(request, response)
        if last_modified is not None and not response.has_header("Last-Modified"):
            response.headers["Last-Modified"] = http_date(last_modified)
        conditional = get_conditional_response(
            request,
            etag=response.headers.get("ETag"),
            last_modified=last_modified,
            response=response,
        )
        return conditional or response
