"""Refuse a request body larger than any upload the site takes, before anything reads it.

Forms check each file's size too, but only after Django has written the whole upload to a
temporary file: without this, one request of many gigabytes fills the disk. The limit
(``MAX_REQUEST_BYTES``) is the largest upload there is (the UN's whole recommendations index)
plus the form around it; a proxy in front should refuse the same (docs/deployment).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            language = translation.get_language_from_path(request.path_info)
            with translation.override(language or settings.LANGUAGE_CODE):
                message = _("The request is too large: at most %(size)s can be sent.") % {
                    "size": filesizeformat(settings.MAX_REQUEST_BYTES)
                }
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
            response["Connection"] = "close"  # the rest of the body is not read
            return response
        return self.get_response(request)
