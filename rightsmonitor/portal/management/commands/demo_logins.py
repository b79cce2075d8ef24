"""Print the demo logins (``make run`` shows them before serving)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from rightsmonitor.accounts.models import User
from rightsmonitor.portal.management.commands._demo import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins that exist in this database."

    def handle(self, *args: Any, **options: Any) -> None:
        present = set(
            User.objects.filter(email__in=[d.email for d in DEMO_LOGINS]).values_list(
                "email", flat=True
            )
        )
        if not present:
            self.stdout.write("No demo logins in this database (run: python manage.py load_demo).")
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Rights Monitor demo: {settings.SITE_URL}/"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            if login.email in present:
                where = login.agency or login.organisation
                details = "; ".join(part for part in (where, login.note) if part)
                line = f"  {login.role:<14} {login.email:<36}"
                self.stdout.write(f"{line} ({details})" if details else line.rstrip())
        self.stdout.write("")
