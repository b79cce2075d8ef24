"""Load the indicator catalogue and the country's areas, creating or updating what they list.

Usage::

    python manage.py load_indicator_catalogue [--catalogue FILE] [--areas FILE | --no-areas]
        [--plan CODE] [--dry-run]

Without options it loads the shipped ``rightsmonitor/indicators/data/catalogue.yaml`` and
``kz_areas.yaml``. Safe to run again: entries are matched by code or key, only differences are
written, and nothing is deleted. Links to plan actions, themes and agencies are made when they
exist in this installation; run the command again after loading the plan to add the missing
ones (the report says how many were skipped). ``--plan`` links to another plan's action numbers
than the catalogue's ``plan``; ``--dry-run`` checks and reports but saves nothing.

On a bad file the command prints the file and the entry at fault, saves nothing and exits
with status 1. The work is done by ``rightsmonitor.indicators.catalogue.load_catalogue``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.indicators.catalogue import (
    DEFAULT_AREAS,
    DEFAULT_CATALOGUE,
    CatalogueError,
    load_catalogue,
)


class Command(BaseCommand):
    help = "Create or update the indicator catalogue and the areas from their YAML files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--catalogue",
            type=Path,
            default=DEFAULT_CATALOGUE,
            help="The catalogue file (default: the shipped catalogue.yaml).",
        )
        areas = parser.add_mutually_exclusive_group()
        areas.add_argument(
            "--areas",
            type=Path,
            default=DEFAULT_AREAS,
            help="The areas file of the country (default: the shipped kz_areas.yaml).",
        )
        areas.add_argument(
            "--no-areas",
            action="store_true",
            help="Leave the areas as they are.",
        )
        parser.add_argument("--plan", help="Code of the plan whose action numbers to link.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, save nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        areas = None if options["no_areas"] else options["areas"]
        try:
            summary = load_catalogue(
                options["catalogue"],
                areas,
                plan_code=options["plan"],
                dry_run=options["dry_run"],
            )
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        sources = ", ".join(str(p) for p in (options["catalogue"], areas) if p)
        self.stdout.write(f"Indicator catalogue from {sources}:")
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        if summary.dry_run:
            return
        message = "Catalogue loaded." if summary.changed else "Catalogue already up to date."
        self.stdout.write(self.style.SUCCESS(message))
