"""Bring the site search's index up to date with every public object.

    manage.py rebuild_search_index                 # compare all, write what changed
    manage.py rebuild_search_index --kind action   # one kind only (repeatable)
    manage.py rebuild_search_index --force         # rewrite every document

Run it once after installing (or restoring a backup); afterwards saves keep the index fresh
(``portal.search``). ``--force`` is for a change in the text analysis (``core.fulltext``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rightsmonitor.portal.models import SearchDocument
from rightsmonitor.portal.search import refresh


class Command(BaseCommand):
    help = "Index every public action, report, recommendation, indicator and assessment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            action="append",
            choices=SearchDocument.Kind.values,
            help="Only this kind of document (repeat for several).",
        )
        parser.add_argument("--force", action="store_true", help="Rewrite every document.")

    def handle(self, *args: Any, **options: Any) -> None:
        for kind, summary in refresh(options["kind"], force=options["force"]).items():
            self.stdout.write(
                f"{kind}: {summary.created} added, {summary.updated} updated, "
                f"{summary.deleted} removed, {summary.unchanged} unchanged"
            )
