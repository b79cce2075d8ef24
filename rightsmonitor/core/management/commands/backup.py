"""Write the database and the media files into one archive; safe while the site runs.

Usage::

    python manage.py backup [DEST]

DEST is the archive's file name if it ends in ``.tar``, otherwise a directory for
``rightsmonitor-backup-YYYYmmdd-HHMMSS.tar`` (default ``var/backups/``). PostgreSQL is dumped
with ``pg_dump --format=custom``, SQLite through its online backup API; the files under
MEDIA_ROOT go in beside it, with a manifest of checksums. With media on an object store only
the database is backed up. See docs/operations-backup.md; the work is in ``core/backup.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.core import backup


class Command(BaseCommand):
    help = "Back up the database and the media files into one archive (see DEST)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination",
            nargs="?",
            type=Path,
            metavar="DEST",
            help="The archive (a name ending in .tar) or a directory for it "
            "(default var/backups/).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        media = backup.media_location()
        try:
            summary = backup.create_backup(options["destination"])
        except (backup.BackupError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(f"Database: {summary.database} ({backup.size_text(summary.dump_size)}).")
        if summary.media_root is None:
            self.stdout.write(self.style.WARNING(backup.object_store_note(media)))
        else:
            self.stdout.write(
                f"Media: {summary.media_files} file(s), {backup.size_text(summary.media_bytes)} "
                f"from {summary.media_root}."
            )
        for name in summary.skipped:
            self.stdout.write(self.style.WARNING(f"Skipped (not a regular file): {name}"))
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {summary.path} ({backup.size_text(summary.size)}).")
        )
