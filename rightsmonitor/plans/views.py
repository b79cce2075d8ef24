"""Staff pages (being built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


dashboard = plan_create = plan_edit = plan_history = plan_export = plan_import = _todo
section_create = section_edit = section_move = section_delete = _todo
action_create = action_edit = action_history = action_move = action_delete = _todo
plan_import_new = _todo
