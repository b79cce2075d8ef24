"""Who may do what with confidential feedback. Pages, commands and actions ask here.

- A case is read and answered only by the coordinators (or administrators) assigned to its
  area: its section, its plan as a whole, or "other or general" for cases about no plan.
  Being staff is not enough: an unassigned coordinator sees no case, an administrator reads
  none unless assigned.
- Administrators manage the assignments and read the access log; they grant access, the
  assigned coordinators use it, and every grant and every read is logged.
- The submitter reads only the status and answer of their own case, with its code and secret
  (``actions.check_case``); they have no account.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Q

from rightsmonitor.core.roles import is_administrator, is_staff_role
from rightsmonitor.feedback.models import AreaAssignment, Case, CaseQuerySet


def can_use_case_pages(user: Any) -> bool:
    """The staff side of the channel: active coordinators and administrators."""
    return is_staff_role(user)


def cases_for_user(user: Any) -> CaseQuerySet:
    """The cases ``user`` may read: those of the areas they are assigned to."""
    if not is_staff_role(user):
        return Case.objects.none()
    mine = AreaAssignment.objects.filter(user=user)
    by_section = mine.filter(section__isnull=False).values("section_id")
    by_plan = mine.filter(plan__isnull=False, section__isnull=True).values("plan_id")
    general = mine.filter(plan__isnull=True, section__isnull=True)
    return Case.objects.filter(
        Q(section_id__in=by_section)
        | Q(plan_id__in=by_plan)
        | (Q(plan__isnull=True) & Q(Exists(general)))
    )


def can_read_case(user: Any, case: Case) -> bool:
    return cases_for_user(user).filter(pk=case.pk).exists()


def can_manage_assignments(user: Any) -> bool:
    return is_administrator(user)


def can_read_access_log(user: Any) -> bool:
    return is_administrator(user)
