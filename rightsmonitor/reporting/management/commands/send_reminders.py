"""Send each person their daily reminder digest (and in-app notifications).

Usage::

    python manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]

Run it once a day, from cron (``15 7 * * * cd /srv/rightsmonitor && uv run python manage.py
send_reminders``) or through the django-tasks task ``reporting.tasks.send_daily_reminders``.
``--date`` computes the digests as of another day (today in ``TIME_ZONE`` by default);
``--dry-run`` lists who would get which digest and writes and sends nothing. Running it again
on the same day sends nothing twice. The work is done by ``reporting.reminders``.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rightsmonitor.reporting.reminders import send_reminders


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-01-25."
        ) from None


class Command(BaseCommand):
    help = "Send today's reminder digests: due in 30/7/1 days, overdue, returned for revision."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=iso_date, help="Compute the digests as of this day (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would get what; send nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_reminders(on=options["date"], dry_run=options["dry_run"])
        for address, subject in summary.subjects:
            self.stdout.write(f"{address}: {subject}")
        verb = "Would send" if summary.dry_run else "Sent"
        self.stdout.write(
            f"{verb} {summary.sent} digest(s) for {summary.day:%Y-%m-%d}; "
            f"{summary.skipped} already sent that day; "
            f"{summary.notifications} notification(s) written."
        )
