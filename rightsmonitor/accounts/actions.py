"""Every change to an account goes through these functions.

Each runs in one transaction: it checks who is acting, validates, makes the change, writes one
``AccountEvent`` audit row (and, for users, a django-simple-history row naming the actor), and
sends any e-mail only once the transaction has committed. Views, the admin and commands call
these; nothing else saves users or invitations.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rightsmonitor.accounts import two_factor
from rightsmonitor.accounts.access import can_change_user, can_invite, can_manage_users
from rightsmonitor.accounts.models import (
    AccountEvent,
    Invitation,
    Organisation,
    Role,
    User,
    hash_token,
)
from rightsmonitor.plans.models import Agency

Kind = AccountEvent.Kind


class InvitationError(ValidationError):
    """The invitation cannot be accepted: unknown, used, withdrawn or expired."""


def _record(
    kind: str,
    *,
    actor: Any,
    user: User | None = None,
    invitation: Invitation | None = None,
    **extra: Any,
) -> AccountEvent:
    return AccountEvent.objects.create(
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        user=user,
        invitation=invitation,
        extra=extra,
    )


def _save_user(user: User, *, by: Any, reason: str) -> None:
    """Validate and save a user with a history row naming the actor."""
    # The username mirrors the e-mail address (User.save); the password is a hash.
    user.full_clean(exclude=["username", "password"])
    user._history_user = by if getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]
    user._change_reason = reason  # type: ignore[attr-defined]
    user.save()


def _check_affiliation(role: str, agency: Agency | None, organisation: Organisation | None) -> None:
    """Focal points belong to an agency, civil society members to an organisation; no one else
    is bound to either."""
    errors: dict[str, str] = {}
    if role == Role.FOCAL_POINT:
        if agency is None:
            errors["agency"] = _("Choose the agency this focal point reports for.")
    elif agency is not None:
        errors["agency"] = _("Only agency focal points are bound to an agency.")
    if role == Role.CIVIL_SOCIETY:
        if organisation is None:
            errors["organisation"] = _("Choose the organisation this person belongs to.")
    elif organisation is not None:
        errors["organisation"] = _("Only civil society members belong to an organisation.")
    if errors:
        raise ValidationError(errors)


def _check_role(role: str, *, by: Any) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if not can_invite(by, role):
        if role == Role.ADMINISTRATOR:
            raise ValidationError(
                {"role": _("Only administrators may give the administrator role.")}
            )
        raise ValidationError({"role": _("You may not give this role.")})


# Invitations ---------------------------------------------------------------------------------


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])


def _send_invitation_email(invitation_id: int, url: str, language: str) -> None:
    invitation = Invitation.objects.select_related("invited_by", "agency", "organisation").get(
        pk=invitation_id
    )
    with translation.override(language):
        context = {
            "invitation": invitation,
            "url": url,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [invitation.email])


@transaction.atomic
def invite_user(
    *,
    email: str,
    role: str,
    agency: Agency | None = None,
    organisation: Organisation | None = None,
    by: Any,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail to join with a role; return the invitation and its token.

    Only the token's hash is stored: the token itself exists only in the e-mailed link. A
    pending invitation to the same address is withdrawn and replaced.
    """
    if not can_manage_users(by):
        raise PermissionDenied(_("You may not invite users."))
    email = User.objects.normalize_email(email.strip())
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    _check_role(role, by=by)
    _check_affiliation(role, agency, organisation)
    if User.objects.with_email(email).exists():
        raise ValidationError(
            {"email": _("Someone with this e-mail address already has an account.")}
        )

    now = timezone.now()
    for previous in Invitation.objects.pending().filter(email__iexact=email).select_for_update():
        previous.revoked_at = now
        previous.save(update_fields=["revoked_at"])
        _record(Kind.INVITATION_REVOKED, actor=by, invitation=previous, reason="replaced")

    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        agency=agency,
        organisation=organisation,
        token_hash=hash_token(token),
        invited_by=by,
        expires_at=Invitation.default_expiry(),
    )
    _record(Kind.INVITATION_SENT, actor=by, invitation=invitation, email=email, role=str(role))
    send = partial(
        _send_invitation_email, invitation.pk, invitation_url(token), translation.get_language()
    )
    # robust: a mail server failure is logged and must not undo or hide the invitation, which
    # the list of pending invitations shows and which can be sent again.
    transaction.on_commit(send, robust=True)
    return invitation, token


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, by: Any) -> Invitation:
    if not can_invite(by, invitation.role):
        raise PermissionDenied(_("You may not withdraw this invitation."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation is no longer pending."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _record(Kind.INVITATION_REVOKED, actor=by, invitation=invitation)
    return invitation


@transaction.atomic
def accept_invitation(
    token: str,
    *,
    first_name: str,
    last_name: str,
    password: str,
    preferred_language: str | None = None,
) -> User:
    """Create the invited user's account. Raises InvitationError if the link cannot be used,
    ValidationError if the password is too weak."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationError(
            _(
                "This invitation link is not valid. Check that you opened the whole link from the e-mail."
            ),
            code="unknown",
        )
    if problem := invitation.problem:
        raise InvitationError(problem, code="unavailable")
    if User.objects.with_email(invitation.email).exists():
        raise InvitationError(
            _(
                "An account with this e-mail address already exists. Log in, or reset your password."
            ),
            code="exists",
        )
    languages = {code for code, _name in settings.LANGUAGES}
    user = User(
        email=invitation.email,
        username=invitation.email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=invitation.role,
        agency=invitation.agency,
        organisation=invitation.organisation,
        preferred_language=preferred_language
        if preferred_language in languages
        else settings.LANGUAGE_CODE,
    )
    validate_password(password, user)
    user.set_password(password)
    _save_user(user, by=None, reason="accepted invitation")
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    _record(Kind.INVITATION_ACCEPTED, actor=user, user=user, invitation=invitation)
    return user


# Users ---------------------------------------------------------------------------------------


@transaction.atomic
def update_user_role(
    user: User,
    *,
    role: str,
    agency: Agency | None = None,
    organisation: Organisation | None = None,
    by: Any,
) -> User:
    if not can_change_user(by, user):
        raise PermissionDenied(_("You may not change this user."))
    _check_role(role, by=by)
    _check_affiliation(role, agency, organisation)
    before = {"role": user.role, "agency": user.agency_id, "organisation": user.organisation_id}
    user.role = role
    user.agency = agency
    user.organisation = organisation
    after = {"role": user.role, "agency": user.agency_id, "organisation": user.organisation_id}
    if before == after:
        return user
    _save_user(user, by=by, reason="role changed")
    _record(Kind.ROLE_CHANGED, actor=by, user=user, before=before, after=after)
    return user


@transaction.atomic
def deactivate_user(user: User, *, by: Any) -> User:
    """The user can no longer log in; their sessions end at their next request. Their history
    and contributions stay."""
    if not can_change_user(by, user):
        raise PermissionDenied(_("You may not deactivate this user."))
    if not user.is_active:
        return user
    user.is_active = False
    _save_user(user, by=by, reason="deactivated")
    _record(Kind.USER_DEACTIVATED, actor=by, user=user)
    return user


@transaction.atomic
def update_profile(
    user: User,
    *,
    first_name: str,
    last_name: str,
    preferred_language: str,
    by: Any,
    notice_delivery: str | None = None,
) -> User:
    if by.pk != user.pk:
        raise PermissionDenied(_("You may only change your own profile."))
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.preferred_language = preferred_language
    if notice_delivery is not None:
        user.notice_delivery = notice_delivery
    _save_user(user, by=by, reason="profile")
    return user


@transaction.atomic
def record_password_change(user: User, *, by: Any, reset: bool = False) -> AccountEvent:
    """Django's password forms save the new hash; this writes the audit row."""
    return _record(Kind.PASSWORD_RESET if reset else Kind.PASSWORD_CHANGED, actor=by, user=user)


# Two-factor authentication -------------------------------------------------------------------


def _replace_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(
        user=user, name=two_factor.BACKUP_CODES_NAME, confirmed=True
    )
    codes = two_factor.new_backup_codes()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def enable_two_factor(device: TOTPDevice, *, by: Any) -> list[str]:
    """Confirm an authenticator app whose first code has been checked; return new backup codes.

    The codes are shown to the user once and cannot be read back later.
    """
    user = device.user
    if by.pk != user.pk:
        raise PermissionDenied(_("You may only set up two-factor authentication for yourself."))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_backup_codes(user)
    _record(Kind.TWO_FACTOR_ENABLED, actor=by, user=user)
    return codes


@transaction.atomic
def regenerate_backup_codes(user: User, *, by: Any) -> list[str]:
    if by.pk != user.pk:
        raise PermissionDenied(_("You may only replace your own backup codes."))
    if not two_factor.has_two_factor(user):
        raise ValidationError(_("Turn on two-factor authentication first."))
    codes = _replace_backup_codes(user)
    _record(Kind.BACKUP_CODES_REGENERATED, actor=by, user=user)
    return codes


@transaction.atomic
def disable_two_factor(user: User, *, by: Any) -> None:
    if by.pk != user.pk:
        raise PermissionDenied(_("You may only turn off two-factor authentication for yourself."))
    if user.needs_two_factor:
        raise ValidationError(
            _("Your role requires two-factor authentication, so it cannot be turned off.")
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _record(Kind.TWO_FACTOR_DISABLED, actor=by, user=user)
