"""Export a plan as the table governments publish (XLSX or CSV).

Usage::

    python manage.py export_plan CODE [--format xlsx|csv] [--language en|ru|kk]
        [--output FILE] [--standard-columns]

Writes CODE.xlsx (or CODE.csv) in the current directory unless ``--output`` names a file;
``--output -`` writes CSV to standard output. The format defaults to the output file's
extension, else XLSX. ``--standard-columns`` leaves out Expected result, Description and
Themes. ``import_plan`` reads the file back. The work is done by
``plans.exporters.plan_table``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans.exporters.plan_table import FORMATS, Format, export_plan_table
from rightsmonitor.plans.models import Plan


class Command(BaseCommand):
    help = "Export a plan as a plan table (XLSX or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Code of the plan.")
        parser.add_argument("--format", choices=FORMATS, help="xlsx (default) or csv.")
        parser.add_argument("--language", default="en", choices=language_codes())
        parser.add_argument("--output", help="File to write; '-' for standard output (CSV only).")
        parser.add_argument(
            "--standard-columns",
            action="store_true",
            help="Only No., Action, Form of completion, Deadline, Responsible agencies.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(code=options["code"]).first()
        if plan is None:
            raise CommandError(f"No plan with the code {options['code']!r}.")
        output: str | None = options["output"]
        fmt: Format = options["format"] or (
            "csv" if output and output.lower().endswith(".csv") else "xlsx"
        )
        if output == "-" and fmt != "csv":
            raise CommandError("XLSX is a binary format: give --output FILE, or use --format csv.")
        data = export_plan_table(
            plan, fmt, language=options["language"], extra_columns=not options["standard_columns"]
        )
        if output == "-":
            self.stdout.write(data.decode("utf-8-sig"), ending="")
            return
        path = Path(output or f"{plan.code}.{fmt}")
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from error
        self.stdout.write(f"Wrote {path} ({plan.actions.count()} actions).")
