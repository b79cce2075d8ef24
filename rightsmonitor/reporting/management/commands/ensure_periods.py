"""Create the reporting periods that will soon be needed; safe to run daily from cron.

Usage::

    python manage.py ensure_periods [--plan CODE] [--ahead-days 400]

For every plan in force (or only the plan CODE, whatever its status), creates the periods of
its reporting schedule up to the one containing today + ``--ahead-days``. Running it again
creates nothing new. Prints each period it created. The work is done by
``reporting.actions.ensure_periods``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rightsmonitor.plans.models import Plan
from rightsmonitor.reporting.actions import ensure_periods


class Command(BaseCommand):
    help = "Create the reporting periods of plans in force, ahead of time (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="Code of one plan (default: every plan in force).")
        parser.add_argument(
            "--ahead-days",
            type=int,
            default=400,
            help="Create periods up to the one containing today + this many days (default 400).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ahead_days: int = options["ahead_days"]
        if ahead_days < 0:
            raise CommandError("--ahead-days cannot be negative.")
        if options["plan"]:
            plans = list(Plan.objects.filter(code=options["plan"]))
            if not plans:
                raise CommandError(f"No plan with the code {options['plan']!r}.")
        else:
            plans = list(Plan.objects.filter(status=Plan.Status.IN_FORCE).order_by("code"))
        until = timezone.localdate() + timedelta(days=ahead_days)
        total = 0
        for plan in plans:
            for period in ensure_periods(plan, until=until):
                total += 1
                self.stdout.write(
                    f"{plan.code}: created {period} "
                    f"(agencies by {period.submission_deadline:%d.%m.%Y}, "
                    f"review by {period.review_deadline:%d.%m.%Y})"
                )
        self.stdout.write(
            f"Created {total} period(s) for {len(plans)} plan(s), up to {until:%d.%m.%Y}."
        )
