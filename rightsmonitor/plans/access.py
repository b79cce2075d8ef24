"""Who may see and change what in the plan register. Views, the API and exports ask here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from rightsmonitor.core.roles import is_staff_role
from rightsmonitor.plans.models import Action, ActionQuerySet, Plan, PlanQuerySet

AnyUser = object | AnonymousUser


def plans_for_user(user: AnyUser) -> PlanQuerySet:
    """Drafts are for staff only; plans in force, completed or superseded are public."""
    plans = Plan.objects.all()
    return plans if is_staff_role(user) else plans.public()


def actions_for_user(user: AnyUser) -> ActionQuerySet:
    return Action.objects.filter(plan__in=plans_for_user(user))


def can_view_plan(user: AnyUser, plan: Plan) -> bool:
    return plan.is_public or is_staff_role(user)


def visible_plan_or_404(user: AnyUser, code: str) -> Plan:
    """The plan with this code and its related rows; 404 when it does not exist or when this
    user may not see it (a draft), so a draft's existence is not given away."""
    plan = get_object_or_404(Plan.objects.with_related(), code=code)
    if not can_view_plan(user, plan):
        raise Http404
    return plan


def can_manage_plans(user: AnyUser) -> bool:
    """Create plans, import tables, manage agencies and instruments."""
    return is_staff_role(user)


def can_edit_plan(user: AnyUser, plan: Plan) -> bool:
    return is_staff_role(user)


def can_view_history(user: AnyUser) -> bool:
    return is_staff_role(user)
