"""Import a plan table (XLSX or CSV, the layout governments publish) into an existing plan.

Usage::

    python manage.py import_plan FILE --plan CODE [--language en|ru|kk] [--create-agencies]
        [--replace] [--sheet NAME] [--dry-run] [--user EMAIL]

The texts go into the columns of ``--language`` (default en); other languages are kept.
Without ``--replace`` the plan must be empty; with it, actions are matched by number, updated,
created, and those missing from the file are deleted. Unknown agencies are an error unless
``--create-agencies``; unknown forms of completion are added to the managed list. ``--user``
names the person recorded in the history. ``--dry-run`` checks everything and saves nothing.

On any problem every "Row R, column C: message" is printed to stderr, nothing is saved and the
command exits with status 1. The work is done by ``plans.importers.plan_table``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans.importers.plan_table import TableError, iter_messages, load_plan_table
from rightsmonitor.plans.models import Plan


class Command(BaseCommand):
    help = "Import a plan table (XLSX or CSV) into an existing plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The XLSX or CSV file.")
        parser.add_argument("--plan", required=True, help="Code of the plan to import into.")
        parser.add_argument("--language", default="en", choices=language_codes())
        parser.add_argument(
            "--create-agencies",
            action="store_true",
            help="Add agencies the file names but the register lacks.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Update a plan that has actions; delete those not in the file.",
        )
        parser.add_argument("--sheet", help="Worksheet to read (default: the first).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, save nothing."
        )
        parser.add_argument("--user", help="Email of the person recorded in the history.")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan with the code {options['plan']!r}.")
        by = None
        if options["user"]:
            user_model = get_user_model()
            by = user_model._default_manager.filter(
                **{f"{user_model.get_email_field_name()}__iexact": options["user"].strip()}
            ).first()
            if by is None:
                raise CommandError(f"No user with the email {options['user']!r}.")
        try:
            report = load_plan_table(
                options["file"],
                plan,
                by=by,
                sheet=options["sheet"],
                language=options["language"],
                create_agencies=options["create_agencies"],
                replace=options["replace"],
                dry_run=options["dry_run"],
                progress=self._progress if options["verbosity"] >= 2 else None,
            )
        except TableError as error:
            for message in iter_messages(error):
                self.stderr.write(message)
            count = len(error.errors)
            raise CommandError(
                f"{options['file']}: {count} problem{'s' if count != 1 else ''}; nothing was imported."
            ) from error
        for line in report.lines():
            self.stdout.write(line)

    def _progress(self, done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            self.stdout.write(f"{done} of {total} actions written")
