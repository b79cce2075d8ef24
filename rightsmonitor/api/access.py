"""Who may issue, see and revoke API tokens. Pages, actions and the admin ask here.

Everyone signed in may hold tokens of their own. Coordinators and administrators also issue
tokens for the agency focal points and civil society members, so that an agency's or an
organisation's system can report through the API, and see every token with its last use.
A token acts as its user, so issuing one for another staff member is left to that person.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from rightsmonitor.accounts.models import Role, User
from rightsmonitor.api.models import ApiToken, ApiTokenQuerySet
from rightsmonitor.core.roles import is_staff_role

# The roles whose holders a coordinator may issue tokens for: those bound to an agency or an
# organisation.
AFFILIATED_ROLES = (Role.FOCAL_POINT, Role.CIVIL_SOCIETY)


def can_manage_tokens(user: Any) -> bool:
    """May issue tokens for others and see everyone's."""
    return is_staff_role(user)


def token_holders_for(user: Any) -> QuerySet[User]:
    """The accounts this user may issue tokens for (their own first in the form)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return User.objects.none()
    if not can_manage_tokens(user):
        return User.objects.filter(pk=user.pk)
    return (
        User.objects.filter(Q(pk=user.pk) | Q(role__in=AFFILIATED_ROLES), is_active=True)
        .select_related("agency", "organisation")
        .order_by("email")
    )


def can_issue_token(user: Any, holder: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not getattr(holder, "is_active", False):
        return False
    if holder.pk == user.pk:
        return True
    return can_manage_tokens(user) and holder.role in AFFILIATED_ROLES


def can_revoke_token(user: Any, token: ApiToken) -> bool:
    """Whoever could issue the token may revoke it, and its holder always may."""
    if getattr(user, "is_authenticated", False) and token.user_id == user.pk:
        return True
    return can_issue_token(user, token.user)


def tokens_for_user(user: Any) -> ApiTokenQuerySet:
    tokens: ApiTokenQuerySet = ApiToken.objects.all()
    if can_manage_tokens(user):
        return tokens
    if not getattr(user, "is_authenticated", False):
        return tokens.none()
    return tokens.filter(user=user)
