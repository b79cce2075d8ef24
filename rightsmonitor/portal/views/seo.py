"""Placeholder: filled in by the feature's author."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
