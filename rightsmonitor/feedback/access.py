"""Who may do what with confidential feedback. Pages, commands and actions ask here.

- A case is read and answered only by the coordinators (or administrators) assigned to its
  area: its section, its plan as a whole, or "other or general" for cases about no plan.
  Being staff is not enough: an unassigned coordinator sees no case, an administrator reads
  none unless assigned.
- Administrators manage the assignments and read the access log; they grant access, the
  assigned coordinators use it, and every grant and every read is logged.
- The coordinator of a case may refer it to an agency: to one of its focal points or to all
  of them (``Referral``). A referred focal point reads that case (the message, the file and
  the notes, not the contact details) and writes notes and the agency's response; no other
  case, and nothing once the referral is withdrawn. Only the assigned staff answer the
  submitter, change the status or the due date, and refer.
- The submitter reads only the public status and answer of their own case, with its code and
  secret (``actions.check_case``), and may reply with them; they have no account.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from rightsmonitor.accounts.models import Role, User
from rightsmonitor.core.roles import is_administrator, is_focal_point, is_staff_role
from rightsmonitor.feedback.models import AreaAssignment, Case, CaseQuerySet, Referral


def can_use_case_pages(user: Any) -> bool:
    """The case pages: active coordinators and administrators, and focal points (who see
    only the cases referred to them)."""
    return is_staff_role(user) or is_focal_point(user)


def cases_for_user(user: Any) -> CaseQuerySet:
    """The cases ``user`` may read: those of their areas, or those referred to them."""
    if is_focal_point(user):
        return referred_cases(user)
    return assigned_cases(user)


def referred_cases(user: Any) -> CaseQuerySet:
    """Cases with an active referral to focal point ``user`` or to their whole agency."""
    if not is_focal_point(user):
        return Case.objects.none()
    return Case.objects.filter(
        Exists(Referral.objects.reaching(user).filter(case_id=OuterRef("pk")))
    )


def assigned_cases(user: Any) -> CaseQuerySet:
    """The cases of the areas staff member ``user`` is assigned to."""
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


def can_handle_case(user: Any, case: Case) -> bool:
    """Answer, change the status or due date, refer, read the contact details: assigned staff."""
    return assigned_cases(user).filter(pk=case.pk).exists()


def is_referred_to(user: Any, case: Case) -> bool:
    return referred_cases(user).filter(pk=case.pk).exists()


def can_be_assigned(user: Any) -> bool:
    """Who may be assigned to an area: active coordinators and administrators."""
    return is_staff_role(user)


def may_receive_referrals(user: Any) -> bool:
    return is_focal_point(user)


def focal_points_of(agency: Any) -> list[Any]:
    """The active focal points of ``agency``: who a referral to the whole agency reaches."""
    return list(User.objects.filter(agency=agency, role=Role.FOCAL_POINT, is_active=True))


def staff_of(case: Case) -> list[Any]:
    """The active staff assigned to the case's area: who is told of a reply or a due date."""
    if case.section_id is not None:
        area = Q(section_id=case.section_id) | Q(plan_id=case.plan_id, section__isnull=True)
    elif case.plan_id is not None:
        area = Q(plan_id=case.plan_id, section__isnull=True)
    else:
        area = Q(plan__isnull=True, section__isnull=True)
    users = User.objects.filter(
        Exists(AreaAssignment.objects.filter(area, user_id=OuterRef("pk")))
    ).order_by("email")
    return [user for user in users if is_staff_role(user)]


def can_manage_assignments(user: Any) -> bool:
    return is_administrator(user)


def can_read_access_log(user: Any) -> bool:
    return is_administrator(user)
