"""Import recommendations from a UHRI export (Excel or JSON), UPR Info's CSV, or any CSV.

Usage::

    python manage.py import_recommendations FILE --format uhri-xlsx|uhri-json|uprinfo-csv|csv
        [--map FIELD=HEADER ...] [--body CODE] [--mechanism M] [--as EMAIL]
        [--rejected OUT.csv]

``--map`` says which column holds a field (``--map text="Recommendation"``), for a generic CSV
or a UPR Info export whose headers we do not know; ``--body`` gives the recommending body of
every row of a CSV without a body column (and of the rows whose body cell is empty);
``--mechanism`` the mechanism of a body that is new. ``--as`` names the coordinator or
administrator the import is recorded under (default: the first active administrator).

Examples::

    python manage.py import_recommendations export-full-en.json --format uhri-json
    python manage.py import_recommendations list.csv --format csv --map text=Рекомендация \
        --map document_date=Дата --body "Commissioner for Human Rights" --mechanism national

Re-importing the same or an updated file updates in place: rows are matched on (source, id at
the source), then on document symbol plus normalised text. The run ends with counts of created,
updated, unchanged and rejected rows; ``--rejected`` writes the rejected rows with the reasons
(they are kept with the import run too). A file that is not what ``--format`` says, or that
breaks half way, is refused: the command prints why, exits with status 1, and nothing is saved.
A progress bar goes to stderr.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.accounts.commands import acting_user
from rightsmonitor.recommendations.access import can_manage
from rightsmonitor.recommendations.actions import rejected_rows_csv, run_import, start_run
from rightsmonitor.recommendations.importers.readers import MAPPABLE_FIELDS, READERS
from rightsmonitor.recommendations.models import ImportRun, Mechanism


class ProgressBar:
    """A one-line bar on a terminal; a line every 10 % elsewhere (logs of a cron job)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_tenth = -1
        self.last_draw = 0.0

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw < 0.2 and share < 1:
                return
            self.last_draw = now
            filled = int(share * 30)
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:4.0%}")
            if share >= 1:
                self.stream.write("\n")
            self.stream.flush()
        elif int(share * 10) > self.last_tenth:
            self.last_tenth = int(share * 10)
            self.stream.write(f"{share:.0%}\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import UN recommendations (UHRI XLSX/JSON, UPR Info CSV, or a mapped CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", required=True, choices=list(READERS))
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="Column holding a field: "
            + "; ".join(f"{fmt}: {', '.join(fields)}" for fmt, fields in MAPPABLE_FIELDS.items()),
        )
        parser.add_argument("--body", help="Recommending body of every row (generic CSV).")
        parser.add_argument("--mechanism", choices=Mechanism.values)
        parser.add_argument("--as", dest="as_user", metavar="EMAIL")
        parser.add_argument("--rejected", metavar="OUT.csv", help="Write the rejected rows here.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        by = acting_user(
            options["as_user"],
            may=can_manage,
            refusal=(
                "{email} is neither a coordinator nor an administrator: they may not import "
                "recommendations."
            ),
        )
        import_options: dict[str, Any] = {"mapping": parse_mapping(options["map"])}
        if options["body"]:
            import_options["body"] = options["body"]
        if options["mechanism"]:
            import_options["mechanism"] = options["mechanism"]
        run = start_run(format=options["format"], filename=path.name, by=by, options=import_options)
        bar = ProgressBar(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        run_import(run.pk, path=str(path), progress=bar)
        run.refresh_from_db()
        if run.status != ImportRun.Status.DONE:
            self.stderr.write(run.errors)
            raise CommandError(f"{path}: refused; nothing was imported.")
        for note in filter(None, run.errors.splitlines()):
            self.stdout.write(f"Note: {note}")
        self.stdout.write(
            f"Imported {path.name} ({run.format}): {run.created} created, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.rejected} rejected."
        )
        if run.rejected and options["rejected"]:
            Path(options["rejected"]).write_bytes(rejected_rows_csv(run))
            self.stdout.write(f"Rejected rows, with the reasons: {options['rejected']}")
        elif run.rejected:
            self.stdout.write("Use --rejected OUT.csv to get the rejected rows with the reasons.")


def parse_mapping(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        field, sep, header = item.partition("=")
        if not sep or not field.strip():
            raise CommandError(f"--map {item!r}: write FIELD=HEADER, e.g. text=Recommendation.")
        mapping[field.strip()] = header.strip()
    return mapping
