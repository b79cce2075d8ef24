"""Who may see and manage recommendations. Pages, the API, exports and commands ask here.

Recommendations of the UN and other bodies are public documents: everyone reads them, and
the links to actions of plans they may see. Coordinators and administrators import them, link
them to actions and answer suggestions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from rightsmonitor.core.roles import is_staff_role
from rightsmonitor.plans.access import actions_for_user, plans_for_user
from rightsmonitor.plans.models import ActionQuerySet, PlanQuerySet
from rightsmonitor.recommendations.models import Recommendation, RecommendationLink


def can_manage(user: Any) -> bool:
    return is_staff_role(user)


def require_manage(user: Any) -> None:
    if not can_manage(user):
        raise PermissionDenied


def recommendations_for_user(user: Any) -> Any:
    return Recommendation.objects.all()


def links_for_user(user: Any) -> Any:
    """Links to actions of the plans ``user`` may see."""
    return RecommendationLink.objects.filter(action__plan__in=plans_for_user(user))


def linkable_actions(user: Any) -> ActionQuerySet:
    return actions_for_user(user)


def visible_plans(user: Any) -> PlanQuerySet:
    return plans_for_user(user)
