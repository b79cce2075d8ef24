"""Who may see, enter and validate indicator data. Pages, API, imports and exports ask here.

- Everyone sees public indicators and their published observations.
- A focal point enters data for the indicators their agency supplies, and sees those
  indicators' observations in every state.
- Coordinators and administrators see everything, enter data for any indicator, and validate
  and publish.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from rightsmonitor.core.roles import is_focal_point, is_staff_role
from rightsmonitor.core.workflow import Transition, WhoCheck
from rightsmonitor.indicators.models import (
    Indicator,
    IndicatorQuerySet,
    Observation,
    ObservationState,
)
from rightsmonitor.indicators.workflow import Actor


def data_agency_id(user: Any) -> int | None:
    """The agency whose indicators ``user`` supplies data for (active focal points only)."""
    if is_focal_point(user):
        return int(user.agency_id) if user.agency_id else None
    return None


def indicators_for_user(user: Any) -> IndicatorQuerySet:
    indicators = Indicator.objects.all()
    if is_staff_role(user):
        return indicators
    agency_id = data_agency_id(user)
    visible = Q(is_public=True)
    if agency_id:
        visible |= Q(agency_id=agency_id)
    return indicators.filter(visible)


def observations_for_user(user: Any) -> Any:
    observations = Observation.objects.all()
    if is_staff_role(user):
        return observations
    visible = Q(state=ObservationState.PUBLISHED, indicator__is_public=True)
    agency_id = data_agency_id(user)
    if agency_id:
        visible |= Q(indicator__agency_id=agency_id)
    return observations.filter(visible)


def can_enter_data(user: Any, indicator: Indicator) -> bool:
    if is_staff_role(user):
        return True
    agency_id = data_agency_id(user)
    return agency_id is not None and indicator.agency_id == agency_id


def entry_indicators(user: Any) -> IndicatorQuerySet:
    """The indicators ``user`` may enter data for: all for staff, else their agency's.

    Raises PermissionDenied for users who enter no data at all.
    """
    indicators = indicators_for_user(user)
    if can_validate(user):
        return indicators
    agency_id = data_agency_id(user)
    if agency_id is None:
        raise PermissionDenied
    return indicators.filter(agency_id=agency_id)


def can_validate(user: Any) -> bool:
    return is_staff_role(user)


# Whether a user is each actor the workflow table names, for an observation.
ACTOR_CHECKS: dict[str, WhoCheck] = {
    Actor.DATA_ENTRY: lambda user, observation: can_enter_data(user, observation.indicator),
    Actor.COORDINATOR: lambda user, _observation: can_validate(user),
}


def can_take(user: Any, observation: Observation, transition: Transition) -> bool:
    """Whether ``user`` may take ``transition`` on ``observation`` (its state aside)."""
    return transition.may_be_taken_by(user, observation, ACTOR_CHECKS)
