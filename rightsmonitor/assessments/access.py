"""Who may see and change assessments. Pages, downloads and commands ask here.

Coordinators and administrators draft, approve, publish and see every assessment. Everyone
else sees published assessments of public plans, and their files.
"""

from __future__ import annotations

from typing import Any

from rightsmonitor.assessments.models import Assessment, AssessmentQuerySet
from rightsmonitor.core.roles import is_staff_role
from rightsmonitor.plans.models import PlanQuerySet


def can_manage(user: Any) -> bool:
    return is_staff_role(user)


def assessments_for_user(user: Any) -> AssessmentQuerySet:
    assessments = Assessment.objects.all()
    if can_manage(user):
        return assessments
    return assessments.published().filter(plan__status__in=PlanQuerySet.PUBLIC_STATUSES)


def can_view(user: Any, assessment: Assessment) -> bool:
    return assessments_for_user(user).filter(pk=assessment.pk).exists()
