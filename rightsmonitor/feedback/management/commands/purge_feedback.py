"""Delete closed feedback cases older than the retention period and send the due-date
reminders; safe to run daily from cron (a second run on one day sends no reminder again).

Usage::

    python manage.py purge_feedback [--today YYYY-MM-DD]

Deletes every case closed more than FEEDBACK_RETENTION_DAYS days ago (default 365), with its
encrypted file, and the access-log rows of deleted cases once they too are older than that.
Access-log rows about assignments are kept. Then tells the staff and referred focal points of
open cases due within FEEDBACK_REMINDER_DAYS (default 3) or overdue, once a day each. Prints
what it did. The work is done by ``feedback.actions.purge_closed_cases`` and
``feedback.reminders.send_due_reminders``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.feedback.actions import purge_closed_cases
from rightsmonitor.feedback.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Delete closed feedback cases older than FEEDBACK_RETENTION_DAYS, with their files; "
        "send the due-date reminders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Count the retention period from this date.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.FEEDBACK_RETENTION_DAYS < 1:
            raise CommandError("FEEDBACK_RETENTION_DAYS must be at least 1.")
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date: YYYY-MM-DD.") from exc
        summary = purge_closed_cases(today=today)
        self.stdout.write(
            f"Deleted {summary.cases} closed case(s), {summary.files} file(s) and "
            f"{summary.log_rows} access-log row(s) "
            f"(retention: {settings.FEEDBACK_RETENTION_DAYS} days)."
        )
        reminders = send_due_reminders(today=today)
        self.stdout.write(
            f"Sent {reminders.sent} due-date reminder(s); "
            f"{reminders.skipped} person(s) already had today's."
        )
