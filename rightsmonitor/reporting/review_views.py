"""Coordinator-side reporting pages (being built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


dashboard = action_timeline = action_monitoring = plan_schedule = agency_settings = _todo
