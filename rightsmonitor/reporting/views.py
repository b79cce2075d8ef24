"""Agency-side reporting pages (being built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


my_tasks = report_start = report_detail = report_edit = _todo
evidence_add = evidence_download = evidence_remove = report_transition = notifications = _todo
