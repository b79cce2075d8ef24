"""Who may manage accounts. Views, actions and the API all ask these questions here.

Administrators manage everyone. Coordinators invite and manage coordinators, focal points and
civil society members, but never administrators. Nobody changes or deactivates their own
account through these pages (so the last administrator cannot lock everyone out by mistake).
"""

from __future__ import annotations

from typing import Any

from rightsmonitor.accounts.models import Role
from rightsmonitor.core.roles import is_administrator, is_staff_role

COORDINATOR_INVITABLE_ROLES = (Role.COORDINATOR, Role.FOCAL_POINT, Role.CIVIL_SOCIETY)


def can_manage_users(user: Any) -> bool:
    """May see the user list and pending invitations."""
    return is_staff_role(user)


def invitable_roles(user: Any) -> list[Role]:
    """The roles this user may give to someone else, in display order."""
    if is_administrator(user):
        return list(Role)
    if is_staff_role(user):
        return list(COORDINATOR_INVITABLE_ROLES)
    return []


def can_invite(user: Any, role: str | None = None) -> bool:
    """May invite anyone at all (role=None), or someone with this particular role."""
    allowed = invitable_roles(user)
    if role is None:
        return bool(allowed)
    return role in allowed


def can_change_user(user: Any, target: Any) -> bool:
    """May change the target's role or deactivate them."""
    if not can_manage_users(user) or user.pk == target.pk:
        return False
    if target.role == Role.ADMINISTRATOR or target.is_superuser:
        return is_administrator(user)
    return True
