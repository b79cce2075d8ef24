"""For management commands that act as a person: the user named by ``--as``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from rightsmonitor.accounts.models import Role


def acting_user(email: str | None, *, may: Callable[[Any], bool], refusal: str) -> Any:
    """The active user with ``email``, or without one the first active administrator, so that
    a server script's work is still attributed to a person. Someone who ``may`` not do the
    command's work is refused with ``refusal`` (formatted with ``email``)."""
    users = get_user_model()._default_manager.filter(is_active=True)
    if email is None:
        user = users.filter(role=Role.ADMINISTRATOR).order_by("pk").first()
        if user is None:
            raise CommandError("There is no active administrator: name the user with --as.")
        return user
    user = users.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No active user with the email {email!r}.")
    if not may(user):
        raise CommandError(refusal.format(email=email))
    return user
