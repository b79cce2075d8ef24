"""Role questions any app may ask without importing accounts (which depends on plans).

The values are those of ``accounts.models.Role``; this is the one place outside accounts that
spells them, so code and templates ask these questions instead of comparing ``user.role`` with a
string (templates through ``{% load roles %}``: ``user|is_focal_point``).
"""

from __future__ import annotations

from typing import Any

ADMINISTRATOR = "administrator"
COORDINATOR = "coordinator"
FOCAL_POINT = "focal_point"
CIVIL_SOCIETY = "civil_society"

STAFF_ROLE_VALUES = frozenset({ADMINISTRATOR, COORDINATOR})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_staff_role(user: Any) -> bool:
    """Administrators and coordinators run the register; anonymous users never do."""
    if not _active(user):
        return False
    return bool(user.is_superuser or user.role in STAFF_ROLE_VALUES)


def is_administrator(user: Any) -> bool:
    return bool(_active(user) and (user.is_superuser or user.role == ADMINISTRATOR))


def is_focal_point(user: Any) -> bool:
    """An agency's focal point: writes its reports, supplies its indicator data."""
    return bool(_active(user) and user.role == FOCAL_POINT)


def is_civil_society(user: Any) -> bool:
    """A member of a civil society organisation (approved or not: ``participation.access``)."""
    return bool(_active(user) and user.role == CIVIL_SOCIETY)


def audience(user: Any) -> str:
    """Which content a reader's pages show: staff see draft plans and their links, everyone
    else (the public, focal points, civil society) the same public content. Content shared
    between readers (``{% shared_fragment %}``) is filed under it."""
    return "staff" if is_staff_role(user) else "public"
