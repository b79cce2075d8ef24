"""The home page after login, the navigation's count, and a focal point's lists as a workbook."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rightsmonitor.core.exports import CONTENT_TYPES, Column, ColumnType, iter_xlsx
from rightsmonitor.home import panels
from rightsmonitor.reporting import access as reporting_access

# The badge may lag this long behind the work; the home page itself is always fresh.
COUNT_CACHE_SECONDS = 60


@login_required
@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    user: Any = request.user
    context = {
        "panels": panels.panels_for(user, today),
        "today": today,
        "can_export": bool(reporting_access.reporting_agency_id(user)),
    }
    return render(request, "home/home.html", context)


@login_required
@never_cache
@require_GET
def work_count(request: HttpRequest) -> HttpResponse:
    """The number in the navigation's "Home" link, fetched after the page (htmx), so that no
    page pays for counting what waits elsewhere."""
    user: Any = request.user
    key = f"home:work-count:{user.pk}"
    count = cache.get(key)
    if count is None:
        count = panels.work_count(user, timezone.localdate())
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return render(request, "home/work_count.html", {"count": count})


@login_required
@require_GET
def work_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Everything on a focal point's lists, one row per report or action to write."""
    user: Any = request.user
    if not reporting_access.reporting_agency_id(user):
        return HttpResponse(status=404)
    today = timezone.localdate()
    columns = [
        Column("list", _("List")),
        Column("item", _("Action and agency")),
        Column("detail", _("State")),
        Column("due", _("Due"), ColumnType.DATE),
        Column("late", _("Late"), ColumnType.BOOLEAN),
        Column("link", _("Link")),
    ]
    base = request.build_absolute_uri("/").rstrip("/")
    rows = [
        (str(title), item.label, str(item.detail), item.due, item.late, base + item.url)
        for title, item in panels.report_rows(user, today)
    ]
    response = StreamingHttpResponse(
        iter_xlsx(columns, rows, sheet_name=_("My work")), content_type=CONTENT_TYPES["xlsx"]
    )
    filename = f"my-work-{today.isoformat()}-{get_language()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
