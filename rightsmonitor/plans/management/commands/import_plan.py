"""Import a plan table (XLSX, CSV, Word or HTML, the layout governments publish) into a plan.

Usage::

    python manage.py import_plan FILE --plan CODE [--language en|ru|kk] [--create-agencies]
        [--replace] [--sheet NAME] [--dry-run] [--user EMAIL]
        [--create --title TITLE --country ISO3]

FILE may be an Excel workbook, a CSV file, a decree's annex saved as a Word document (.docx)
or a page of the legal database saved as HTML: the table with the plan's header is found among
the document's tables. With ``--create`` a plan that does not exist yet is created as a draft
(titled ``--title`` in ``--language``, for the country ``--country``) together with its actions,
both or neither.

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
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans.importers.plan_table import (
    ImportReport,
    TableError,
    iter_messages,
    load_new_plan_table,
    load_plan_table,
)
from rightsmonitor.plans.models import Plan


class Command(BaseCommand):
    help = "Import a plan table (XLSX, CSV, DOCX or HTML) into a plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The XLSX, CSV, DOCX or HTML file.")
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
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the plan as a draft when no plan has the code (with --title, --country).",
        )
        parser.add_argument("--title", help="Title of the plan --create makes (in --language).")
        parser.add_argument("--country", help="ISO 3166-1 alpha-3 code of the plan's country.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["plan"]
        plan = Plan.objects.filter(code=code).first()
        if plan is None and not options["create"]:
            raise CommandError(
                f"No plan with the code {code!r}. Add --create --title TITLE --country ISO3 "
                "to create it from the file."
            )
        if plan is None and not (options["title"] and options["country"]):
            raise CommandError("--create needs --title and --country for the new plan.")
        by = self._user(options["user"])
        common = {
            "by": by,
            "sheet": options["sheet"],
            "language": options["language"],
            "create_agencies": options["create_agencies"],
            "dry_run": options["dry_run"],
            "progress": self._progress if options["verbosity"] >= 2 else None,
        }
        try:
            report: ImportReport
            if plan is None:
                _plan, report = load_new_plan_table(
                    options["file"],
                    code=code,
                    country=options["country"].strip().upper(),
                    title=options["title"],
                    **common,
                )
            else:
                report = load_plan_table(
                    options["file"], plan, replace=options["replace"], **common
                )
        except TableError as error:
            for message in iter_messages(error):
                self.stderr.write(message)
            count = len(error.errors)
            raise CommandError(
                f"{options['file']}: {count} problem{'s' if count != 1 else ''}; nothing was imported."
            ) from error
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.stderr.write(f"{field}: {message}")
            raise CommandError("The plan cannot be created; nothing was imported.") from error
        if plan is None and not options["dry_run"]:
            self.stdout.write(f"Created the draft plan {code!r}.")
        for line in report.lines():
            self.stdout.write(line)

    def _user(self, email: str | None) -> Any:
        if not email:
            return None
        user_model = get_user_model()
        user = user_model._default_manager.filter(
            **{f"{user_model.get_email_field_name()}__iexact": email.strip()}
        ).first()
        if user is None:
            raise CommandError(f"No user with the email {email!r}.")
        return user

    def _progress(self, done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            self.stdout.write(f"{done} of {total} actions written")
