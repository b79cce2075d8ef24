"""Re-encrypt all confidential feedback with the first key of FEEDBACK_KEYS.

Usage::

    FEEDBACK_KEYS=NEW,OLD python manage.py rotate_feedback_keys

A key rotation: (1) put a new key first in FEEDBACK_KEYS, keeping the old one after it, and
restart (both keys now decrypt, the new one encrypts); (2) run this command, which re-encrypts
every case's text, contact details, answer and file, and the key canary, in one transaction;
(3) remove the old key and restart. If step (2) fails nothing is changed. Exits with an error,
changing nothing, if some stored data cannot be decrypted with any of the keys.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rightsmonitor.feedback.actions import rotate_keys
from rightsmonitor.feedback.crypto import UndecryptableError


class Command(BaseCommand):
    help = "Re-encrypt confidential feedback (texts and files) with the first of FEEDBACK_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = rotate_keys()
        except UndecryptableError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {summary.cases} case(s) and {summary.files} file(s) with the "
                "first key. The other keys can now be removed from FEEDBACK_KEYS."
            )
        )
