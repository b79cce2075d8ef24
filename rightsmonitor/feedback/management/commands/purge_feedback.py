"""Delete closed feedback cases older than the retention period; safe to run daily from cron.

Usage::

    python manage.py purge_feedback [--today YYYY-MM-DD]

Deletes every case closed more than FEEDBACK_RETENTION_DAYS days ago (default 365), with its
encrypted file, and the access-log rows of deleted cases once they too are older than that.
Access-log rows about assignments are kept. Prints what it deleted. The work is done by
``feedback.actions.purge_closed_cases``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.feedback.actions import purge_closed_cases


class Command(BaseCommand):
    help = "Delete closed feedback cases older than FEEDBACK_RETENTION_DAYS, with their files."

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
