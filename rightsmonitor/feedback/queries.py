"""Questions other apps ask about feedback cases (the role homes), answered from ``access``."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from rightsmonitor.feedback import access
from rightsmonitor.feedback.models import CaseQuerySet


def cases_to_act_on(user: Any) -> CaseQuerySet | None:
    """Open cases ``user`` must act on, soonest due first (no due date last): those of the
    areas they are assigned to, or referred to them. None for someone who has no part in
    feedback (not staff, not a focal point), so a home can leave the panel out.

    One query to count; each case carries ``due_date``, ``display_reference``,
    ``get_status_display()`` and ``is_overdue()``, and no ciphertext is loaded.
    """
    if not access.can_use_case_pages(user):
        return None
    return (
        access.cases_for_user(user)
        .open()
        .for_list()
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
