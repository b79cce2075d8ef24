"""Public pages: anyone may read plans that are in force, completed or superseded.

Action pages also show the coordinator's verdict (assessed status, off monitoring and why)
and the accepted consolidated reports: what the plan's implementation looks like, publicly.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from rightsmonitor.plans.access import (
    actions_for_user,
    can_edit_plan,
    plans_for_user,
    visible_plan_or_404,
)
from rightsmonitor.plans.models import Action, ActionAgency, Agency, Plan, PlanQuerySet, Section
from rightsmonitor.portal import dashboard
from rightsmonitor.recommendations.access import can_manage as can_manage_recommendations
from rightsmonitor.recommendations.queries import linked_for_action
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.models import ProgressReport
from rightsmonitor.reporting.queries import with_monitoring
from rightsmonitor.reporting.workflow import ReportState


def _plans_with_counts(request: HttpRequest) -> PlanQuerySet:
    return plans_for_user(request.user).with_related().with_counts()


def home(request: HttpRequest) -> HttpResponse:
    plans = _plans_with_counts(request).order_by("status", "-period_start", "code")
    return render(request, "portal/home.html", {"plans": plans})


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = _plans_with_counts(request)
    status = request.GET.get("status", "")
    if status in Plan.Status.values:
        plans = plans.filter(status=status)
    return render(
        request,
        "portal/plan_list.html",
        {"plans": plans, "statuses": Plan.Status.choices, "current_status": status},
    )


# Above this many actions the plan page lists its sections and opens one at a time; the others
# load on demand (a link, which htmx turns into an in-place load).
LARGE_PLAN_ACTIONS = 150
# A section's actions are shown this many to a page (only sections this long are paged).
SECTION_PAGE_SIZE = 50


def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The plan with its sections and actions. A long plan (more than ``LARGE_PLAN_ACTIONS``)
    shows every section with its counts but the actions of one only (``?section=`` its number,
    else the first), ``SECTION_PAGE_SIZE`` at a time (``?page=``); htmx asks for the same
    address and gets just that section's actions, to show them in place."""
    plan = visible_plan_or_404(request.user, code)
    wanted = request.GET.get("section", "")
    if request.headers.get("HX-Request") and wanted:
        # Only the long plan's page asks for a section alone: no need to count the plan.
        chosen = _chosen_section(list(plan.sections.order_by("order", "pk")), wanted)
        if chosen is None:
            raise Http404
        response = render(
            request,
            "portal/includes/plan_section_actions.html",
            {"plan": plan, "chosen": chosen, "page": _section_page(request, plan, chosen)},
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    context: dict[str, Any] = {
        "plan": plan,
        "amendments": plan.amendments.select_related("instrument"),
        "can_edit": can_edit_plan(request.user, plan),
        # The same for every reader: read only when the template's shared fragment that shows
        # it is not in the cache (core/templatetags/fragments.py).
        "listing": SimpleLazyObject(lambda: _plan_listing(request, plan, wanted)),
    }
    response = render(request, "portal/plan_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _plan_listing(request: HttpRequest, plan: Plan, wanted: str) -> dict[str, Any]:
    """The plan's sections with their actions; for a long plan, the sections with their
    counts, the one ``wanted`` (``chosen``) and the ``page`` of its actions asked for."""
    # Each section with its action count, by assessed status: one grouped query.
    sections = dashboard.sections_by_status(plan)
    action_count = sum(section.action_count for section in sections)  # type: ignore[attr-defined]
    if action_count <= LARGE_PLAN_ACTIONS:
        # Every action, with its monitoring row (a join, not a query per action).
        everything = plan.sections.order_by("order", "pk").with_actions(
            with_monitoring(Action.objects.with_related())
        )
        return {"sections": everything, "action_count": action_count}
    chosen = _chosen_section(sections, wanted)
    return {
        "sections": sections,
        "action_count": action_count,
        "chosen": chosen,
        "page": _section_page(request, plan, chosen) if chosen is not None else None,
    }


def _section_page(request: HttpRequest, plan: Plan, section: Section) -> Page[Action]:
    """The page (``?page=``, the first when missing or wrong) of the section's actions, with
    their agencies and monitoring rows; each action is given ``plan``, already loaded."""
    actions = (
        with_monitoring(Action.objects.with_agencies())
        .select_related("form_of_completion")
        .filter(section=section)
        .order_by("order", "pk")
    )
    page = Paginator(actions, SECTION_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for action in page.object_list:
        action.plan = plan
    return page


def _chosen_section(sections: list[Section], wanted: str) -> Section | None:
    """The section ``?section=`` names, by its number first, else by its id; by default (or
    when nothing matches) the first."""
    wanted = wanted.strip()
    if wanted:
        for section in sections:
            if section.number == wanted:
                return section
        for section in sections:
            if str(section.pk) == wanted:
                return section
    return sections[0] if sections else None


def action_detail(request: HttpRequest, code: str, number: str) -> HttpResponse:
    plan = visible_plan_or_404(request.user, code)
    action = get_object_or_404(
        with_monitoring(Action.objects.for_action_page()), plan=plan, number=number
    )
    accepted_reports = (
        reports_for_user(request.user)
        .filter(action=action, kind=ProgressReport.Kind.CONSOLIDATED, state=ReportState.ACCEPTED)
        .for_action_page()
        .order_by("-period__end")
    )
    return render(
        request,
        "portal/action_detail.html",
        {
            "plan": plan,
            "action": action,
            # None until the coordinator first assesses the action.
            "monitoring": getattr(action, "monitoring", None),
            "accepted_reports": accepted_reports,
            "can_edit": can_edit_plan(request.user, plan),
            "recommendation_links": linked_for_action(request.user, action),
            "can_manage_recommendations": can_manage_recommendations(request.user),
        },
    )


def agency_list(request: HttpRequest) -> HttpResponse:
    visible = actions_for_user(request.user)
    agencies = (
        Agency.objects.with_parent()
        .annotate(
            action_count=Count(
                "assignments", filter=Q(assignments__action__in=visible), distinct=True
            ),
            lead_count=Count(
                "assignments",
                filter=Q(assignments__action__in=visible, assignments__role=ActionAgency.Role.LEAD),
                distinct=True,
            ),
        )
        .order_by("abbreviation")
    )
    return render(request, "portal/agency_list.html", {"agencies": agencies})


def agency_detail(request: HttpRequest, abbreviation: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.with_parent(), abbreviation=abbreviation)
    actions = with_monitoring(
        actions_for_user(request.user).filter(assignments__agency=agency).with_related()
    ).order_by("plan__code", "section__order", "order")
    return render(request, "portal/agency_detail.html", {"agency": agency, "actions": actions})
