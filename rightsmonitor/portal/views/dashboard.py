"""The public dashboard of a plan: where its implementation stands, in charts and tables.

The figures come from ``portal.dashboard``; this view draws the charts (server-side SVG, each
followed on the page by a table with the same numbers) and hands everything to the template.
A draft plan is a 404 to those who may not see it, as its plan page is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rightsmonitor.core.charts import Series, responsive_stacked_bars, series_for
from rightsmonitor.plans.access import visible_plan_or_404
from rightsmonitor.plans.models import Plan
from rightsmonitor.portal import dashboard
from rightsmonitor.reporting.models import ImplementationStatus


def _status_chart(
    rows: list[dashboard.StatusRow], series: list[Series], *, title: str, description: str
) -> SafeString:
    return responsive_stacked_bars(
        [(row.chart_label, row.counts) for row in rows],
        series,
        title=title,
        description=description,
    )


@dataclass(frozen=True)
class DeadlinePager:
    """One page of a deadline list, with the addresses of the pages before and after it."""

    page: Page[dashboard.Deadline]
    previous_url: str
    next_url: str


def _deadline_pager(
    request: HttpRequest, deadlines: dashboard.DeadlineList, parameter: str, anchor: str
) -> DeadlinePager:
    """The page of ``deadlines`` that ``?<parameter>=`` names (the first by default), and links
    to its neighbours that keep the rest of the query and come back to the list's heading."""
    page = Paginator(deadlines, dashboard.DEADLINES_PER_PAGE).get_page(request.GET.get(parameter))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[parameter] = str(number)
        return f"?{query.urlencode()}#{anchor}"

    return DeadlinePager(
        page=page,
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )


def _figures(plan: Plan) -> dict[str, Any]:
    """The plan's counts by assessed status, whole, by section and by lead agency, with their
    charts: the same for every reader of a language."""
    series = series_for(
        dashboard.STATUSES, {key: dashboard.status_label(key) for key in dashboard.STATUSES}
    )
    shares = dashboard.status_shares(plan)
    by_section = dashboard.status_by_section(plan)
    by_lead_agency = dashboard.status_by_lead_agency(plan)
    plan_chart = responsive_stacked_bars(
        [(_("All actions"), {share.key: share.count for share in shares})],
        series,
        title=_("Actions by assessed status"),
        description=_(
            "One bar for the whole plan, divided by assessed status; the table gives the figures."
        ),
    )
    section_chart = _status_chart(
        by_section,
        series,
        title=_("Actions by assessed status and section"),
        description=_(
            "One bar per section, divided by assessed status; the table gives the figures."
        ),
    )
    lead_agency_chart = _status_chart(
        by_lead_agency,
        series,
        title=_("Actions by assessed status and lead agency"),
        description=_(
            "One bar per lead agency, divided by assessed status; the table gives the figures."
        ),
    )
    return {
        "series": series,
        "shares": shares,
        # Each status with the colour the charts give it, for the table's swatches.
        "status_rows": list(zip(shares, series, strict=True)),
        "completed": next(s for s in shares if s.key == ImplementationStatus.COMPLETED),
        "total": sum(share.count for share in shares),
        "by_section": by_section,
        "by_lead_agency": by_lead_agency,
        "plan_chart": plan_chart,
        "section_chart": section_chart,
        "lead_agency_chart": lead_agency_chart,
    }


def plan_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    plan = visible_plan_or_404(request.user, code)
    today = timezone.localdate()
    # Counting a plan of thousands of actions three ways, drawing it and listing its deadlines:
    # once a generation of content, language, day and page, for every reader, in the template's
    # shared fragment (core/templatetags/fragments.py); these are computed only when it is made.
    deadlines = SimpleLazyObject(lambda: dashboard.deadlines(plan, on=today))
    return render(
        request,
        "portal/dashboard.html",
        {
            "figures": SimpleLazyObject(lambda: _figures(plan)),
            "plan": plan,
            "as_of": today,
            "deadlines": deadlines,
            "overdue": SimpleLazyObject(
                lambda: _deadline_pager(request, deadlines.overdue, "overdue_page", "overdue")
            ),
            "upcoming": SimpleLazyObject(
                lambda: _deadline_pager(request, deadlines.upcoming, "upcoming_page", "upcoming")
            ),
            "upcoming_days": dashboard.UPCOMING_DAYS,
            "reports": dashboard.latest_reports(request.user, plan),
            "assessments": dashboard.latest_assessments(request.user, plan),
        },
    )
