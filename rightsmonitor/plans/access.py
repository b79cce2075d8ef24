"""Who may see and change what in the plan register. Views, the API and exports ask here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

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


def can_manage_plans(user: AnyUser) -> bool:
    """Create plans, import tables, manage agencies and instruments."""
    return is_staff_role(user)


def can_edit_plan(user: AnyUser, plan: Plan) -> bool:
    return is_staff_role(user)


def can_view_history(user: AnyUser) -> bool:
    return is_staff_role(user)
