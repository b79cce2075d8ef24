"""Daily reminders of feedback cases due soon or overdue: at most one e-mail a day per person.

Who hears: the staff assigned to a case's area and the focal points it is referred to, about
their open cases due within ``reminder_days()`` days (FEEDBACK_REMINDER_DAYS, 3 by default) or
overdue. ``send_due_reminders`` records a ``DueReminder`` (user, day) row per person and sends
the mail once that row is committed; a person who already has the day's row is skipped, so a
second run on the same day sends nothing (the unique constraint settles two runs racing). As
with reporting's digests, delivery is at most once: a mail server failure loses that day's mail.

The mail names receipt codes and due dates only, never what a case says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from rightsmonitor.accounts.models import Role, User
from rightsmonitor.core.roles import is_staff_role
from rightsmonitor.feedback import queries
from rightsmonitor.feedback.models import Case, DueReminder, Referral

DEFAULT_REMINDER_DAYS = 3


def reminder_days() -> int:
    return int(getattr(settings, "FEEDBACK_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


@dataclass(frozen=True)
class ReminderSummary:
    sent: int
    skipped: int  # people who already had the day's reminder

    def as_dict(self) -> dict[str, int]:
        return {"reminders_sent": self.sent, "reminders_skipped": self.skipped}


def _candidates(due: Any) -> list[User]:
    """Assigned staff, and the focal points of active referrals of the due cases."""
    staff = [
        user
        for user in User.objects.filter(feedback_assignments__isnull=False).distinct()
        if is_staff_role(user)
    ]
    referrals = Referral.objects.active().filter(case__in=due)
    named = User.objects.filter(
        pk__in=referrals.filter(focal_point__isnull=False).values("focal_point_id")
    )
    by_agency = User.objects.filter(
        role=Role.FOCAL_POINT,
        agency_id__in=referrals.filter(focal_point__isnull=True).values("agency_id"),
    )
    focal_points = [user for user in (named | by_agency).distinct() if user.is_active]
    return staff + focal_points


def send_due_reminders(*, today: date | None = None) -> ReminderSummary:
    today = today or timezone.localdate()
    horizon = today + timedelta(days=reminder_days())
    due = Case.objects.due_by(horizon)
    sent = skipped = 0
    if not due.exists():
        return ReminderSummary(sent=0, skipped=0)
    for user in _candidates(due):
        to_act_on = queries.cases_to_act_on(user)
        if to_act_on is None:
            continue
        cases = list(to_act_on.filter(due_date__lte=horizon))
        if not cases:
            continue
        with transaction.atomic():
            _row, created = DueReminder.objects.get_or_create(user=user, day=today)
            if not created:
                skipped += 1
                continue
            transaction.on_commit(partial(_send, user.pk, [c.pk for c in cases], today))
        sent += 1
    return ReminderSummary(sent=sent, skipped=skipped)


def _send(user_id: int, case_ids: list[int], today: date) -> None:
    user = User.objects.get(pk=user_id)
    cases = Case.objects.filter(pk__in=case_ids).order_by("due_date", "pk")
    with translation.override(user.preferred_language):
        rows = [
            {
                "case": case,
                "overdue": case.is_overdue(today),
                "url": settings.SITE_URL + reverse("feedback:case", args=[case.pk]),
            }
            for case in cases
        ]
        context = {
            "user": user,
            "rows": rows,
            "today": today,
            "site_name": settings.SITE_NAME,
            "list_url": settings.SITE_URL + reverse("feedback:case_list"),
        }
        subject = render_to_string("feedback/email/due_subject.txt", context)
        body = render_to_string("feedback/email/due.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
