"""Delete evidence files that no evidence row refers to.

Usage::

    python manage.py prune_evidence_files [--dry-run] [--older-than MINUTES]

An upload is written to ``MEDIA_ROOT/evidence/`` before its row is saved; if the enclosing
transaction then rolls back, the file stays behind. This command lists every file under
``evidence/`` whose name no ``Evidence`` row holds and deletes it (``--dry-run``: only lists
it). Files younger than ``--older-than`` minutes (default 60) are left alone, as their
upload may still be committing. Safe to run from cron.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.reporting.evidence import orphan_evidence_files
from rightsmonitor.reporting.models import Evidence


class Command(BaseCommand):
    help = "Delete files under MEDIA_ROOT/evidence/ that no evidence row refers to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files, delete nothing."
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Only files last modified this many minutes ago or earlier (default 60).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["older_than"] < 0:
            raise CommandError("--older-than cannot be negative.")
        dry_run: bool = options["dry_run"]
        storage = Evidence._meta.get_field("file").storage
        orphans = orphan_evidence_files(
            storage, older_than=timedelta(minutes=options["older_than"])
        )
        for name in orphans:
            if dry_run:
                self.stdout.write(f"Would delete {name}")
            else:
                storage.delete(name)
                self.stdout.write(f"Deleted {name}")
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {len(orphans)} orphan file(s).")
