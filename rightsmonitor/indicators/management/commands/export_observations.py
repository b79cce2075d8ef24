"""Export indicator observations as Open SDG data (CSV, XLSX) or SDMX-CSV 2.0.

Usage::

    python manage.py export_observations [--indicator CODE] --output FILE
        [--format opensdg-csv|opensdg-xlsx|sdmx-csv] [--state published|validated|...|all]

The Open SDG formats hold one indicator: ``--indicator`` is required for them. SDMX-CSV
exports the named indicator, or every indicator without ``--indicator``. ``--format``
defaults to opensdg-xlsx for an ``.xlsx`` output file, else opensdg-csv. ``--state`` defaults
to published (what the public sees; ``all`` exports every state). ``--output -`` writes CSV
to standard output. ``import_observations`` reads the file back. The work is done by
``indicators.exporters.observations``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.indicators.exporters.observations import (
    CSV_FORMATS,
    FORMATS,
    export_observations,
    iter_export_csv,
)
from rightsmonitor.indicators.models import Indicator, Observation, ObservationState

ALL_STATES = "all"


class Command(BaseCommand):
    help = "Export indicator observations (Open SDG CSV/XLSX or SDMX-CSV 2.0)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indicator", help="Code of the indicator.")
        parser.add_argument("--format", choices=FORMATS)
        parser.add_argument("--output", required=True, help="File to write; '-' for stdout.")
        parser.add_argument(
            "--state",
            default=ObservationState.PUBLISHED,
            choices=[*ObservationState.values, ALL_STATES],
            help="Observations in this state only (default: published).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: str = options["output"]
        fmt: str = options["format"] or (
            "opensdg-xlsx" if output.lower().endswith(".xlsx") else "opensdg-csv"
        )
        observations = Observation.objects.all()
        indicator = None
        if options["indicator"]:
            indicator = Indicator.objects.filter(code=options["indicator"]).first()
            if indicator is None:
                raise CommandError(f"No indicator with the code {options['indicator']!r}.")
            observations = observations.filter(indicator=indicator)
        elif fmt != "sdmx-csv":
            raise CommandError("An Open SDG file holds one indicator: give --indicator CODE.")
        if options["state"] != ALL_STATES:
            observations = observations.filter(state=options["state"])
        if output == "-":
            if fmt not in CSV_FORMATS:
                raise CommandError("XLSX is a binary format: give --output FILE.")
            for chunk in iter_export_csv(observations, format=fmt, indicator=indicator):
                self.stdout.write(chunk.decode("utf-8"), ending="")
            return
        path = Path(output)
        try:
            path.write_bytes(export_observations(observations, format=fmt, indicator=indicator))
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from error
        self.stdout.write(f"Wrote {path} ({observations.count()} observations, {fmt}).")
