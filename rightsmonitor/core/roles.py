"""Role questions any app may ask without importing accounts (which depends on plans)."""

from __future__ import annotations

from typing import Any

STAFF_ROLE_VALUES = frozenset({"administrator", "coordinator"})


def is_staff_role(user: Any) -> bool:
    """Administrators and coordinators run the register; anonymous users never do."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.role in STAFF_ROLE_VALUES)


def is_administrator(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role == "administrator")
    )
