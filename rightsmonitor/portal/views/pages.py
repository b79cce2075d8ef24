"""Public pages: anyone may read plans that are in force, completed or superseded.

Action pages also show the coordinator's verdict (assessed status, off monitoring and why)
and the accepted consolidated reports: what the plan's implementation looks like, publicly.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from rightsmonitor.plans.access import (
    actions_for_user,
    can_edit_plan,
    plans_for_user,
    visible_plan_or_404,
)
from rightsmonitor.plans.models import Action, ActionAgency, Agency, Plan, PlanQuerySet
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


def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = visible_plan_or_404(request.user, code)
    # With each action's monitoring row (a join, not a query per action) for a status badge.
    sections = plan.sections.with_actions(with_monitoring(Action.objects.with_related()))
    amendments = plan.amendments.select_related("instrument")
    return render(
        request,
        "portal/plan_detail.html",
        {
            "plan": plan,
            "sections": sections,
            "amendments": amendments,
            "can_edit": can_edit_plan(request.user, plan),
        },
    )


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
