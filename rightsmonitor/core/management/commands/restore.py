"""Replace the database and the media files with those of a backup archive.

Usage::

    python manage.py restore ARCHIVE [--no-input] [--no-media]
    python manage.py restore ARCHIVE --check

The manifest and the checksum of every file are checked first: a damaged or foreign archive,
or a dump of the other database engine (PostgreSQL into SQLite or the reverse), is refused and
nothing is changed. ``--check`` stops there. Otherwise, after a confirmation (skipped with
``--no-input``), PostgreSQL is restored with ``pg_restore --clean --if-exists --no-owner
--single-transaction``, SQLite through its online backup API, and MEDIA_ROOT is replaced whole,
so files added since the backup are gone. The shared cache is emptied at the end. Stop the web
server and the worker first. See docs/operations-backup.md; the work is in ``core/backup.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsmonitor.core import backup


class Command(BaseCommand):
    help = "Restore the database and the media files from an archive made by 'backup'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, metavar="ARCHIVE")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive (manifest and checksums); change nothing.",
        )
        parser.add_argument(
            "--no-media",
            action="store_false",
            dest="with_media",
            help="Restore the database only and leave MEDIA_ROOT as it is.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with_media: bool = options["with_media"]
        try:
            archive = backup.inspect_archive(options["archive"])
            self.stdout.write(
                f"{archive.path}: a {backup.ENGINE_NAMES[archive.engine]} backup made "
                f"{archive.created}, with {archive.media_files} media file(s); "
                "every checksum matches."
            )
            notes = backup.migration_notes(archive)
            if not options["check"]:
                notes = backup.check_restorable(archive, with_media=with_media) + notes
        except backup.BackupError as exc:
            raise CommandError(f"Restore refused: {exc}") from exc
        for note in notes:
            self.stdout.write(self.style.WARNING(note))
        if options["check"]:
            return
        if options["interactive"]:
            self._confirm(archive, with_media=with_media)
        try:
            summary = backup.restore_backup(archive, with_media=with_media)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(f"Restored the {summary.database}.")
        if summary.media_root is not None:
            self.stdout.write(
                f"Restored {summary.media_files} media file(s) into {summary.media_root}."
            )
        if summary.cache_error:
            raise CommandError(
                "The database and files were restored, but the shared cache could not be "
                f"emptied ({summary.cache_error}): empty it (redis-cli FLUSHDB) before starting "
                "the site, or it may serve pages from before the restore."
            )
        self.stdout.write(self.style.SUCCESS("Restore complete; the shared cache was emptied."))

    def _confirm(self, archive: backup.Archive, *, with_media: bool) -> None:
        database = backup.configured_database().description
        media = backup.media_location().root
        what = f"the {database}"
        if with_media and archive.media_included and media is not None:
            what += f" and every file under {media}"
        answer = input(
            f"This replaces {what} with the backup made {archive.created}.\n"
            "Type 'yes' to continue, or anything else to stop: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")
