"""Import indicator observations from an Open SDG file (CSV or XLSX) or SDMX-CSV (1.0, 2.0).

Usage::

    python manage.py import_observations FILE [--format auto|opensdg-csv|opensdg-xlsx|sdmx-csv]
        [--indicator CODE] [--as EMAIL] [--dry-run]

``--format`` defaults to auto (told from the header row). ``--indicator`` names the indicator
of an Open SDG file whose Series column does not hold our code and whose name is not
``indicator_CODE.csv``. ``--as`` names the user the import is done as: their permissions
apply (a focal point imports only their agency's indicators) and the history records them.
It must be an active coordinator, administrator or focal point; without it the first active
administrator is used, so that an import from a server script is still attributed to a
person. New values are drafts, to be submitted, validated and published as usual.
``--dry-run`` checks everything and saves nothing.

On any problem every "Row R, column “C”: message" line is printed to stderr, nothing is saved
and the command exits with status 1. The work is done by
``indicators.importers.observations``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.accounts.commands import acting_user
from rightsmonitor.core.roles import is_staff_role
from rightsmonitor.core.tabular import TableError, iter_messages
from rightsmonitor.indicators.access import data_agency_id
from rightsmonitor.indicators.importers.observations import FORMATS, import_observations


class Command(BaseCommand):
    help = "Import indicator observations (Open SDG CSV/XLSX or SDMX-CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--format", default="auto", choices=FORMATS)
        parser.add_argument("--indicator", help="Code of the indicator of an Open SDG file.")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="EMAIL",
            help="Import as this coordinator, administrator or focal point "
            "(default: the first administrator).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, save nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = acting_user(
            options["as_user"],
            may=lambda user: is_staff_role(user) or bool(data_agency_id(user)),
            refusal=(
                "{email} is neither a coordinator, an administrator nor a focal point: "
                "they may not enter indicator data."
            ),
        )
        path = options["file"]
        try:
            summary = import_observations(
                path,
                filename=path,
                format=options["format"],
                by=by,
                indicator=options["indicator"],
                dry_run=options["dry_run"],
            )
        except TableError as error:
            for message in iter_messages(error):
                self.stderr.write(message)
            count = len(error.errors)
            raise CommandError(
                f"{path}: {count} problem{'s' if count != 1 else ''}; nothing was imported."
            ) from error
        verb = "Checked (dry run, nothing saved)" if options["dry_run"] else "Imported"
        indicators = ", ".join(sorted(summary.indicators)) or "no indicator"
        self.stdout.write(
            f"{verb} {path} as {by.email}: {summary.created} created, {summary.updated} "
            f"updated, {summary.unchanged} unchanged ({indicators})."
        )
        for warning in summary.warnings:
            self.stdout.write(f"Please check: {warning}")
