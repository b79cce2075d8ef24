"""Users, organisations and roles.

A user has exactly one role. Focal points are bound to the agency they report for; civil
society members to their organisation. The anonymous public needs no account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.models import HistoricalRecords

from rightsmonitor.core.audit import AuditRow
from rightsmonitor.plans.models import Agency


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    FOCAL_POINT = "focal_point", _("Agency focal point")
    CIVIL_SOCIETY = "civil_society", _("Civil society member")


STAFF_ROLES = (Role.ADMINISTRATOR, Role.COORDINATOR)


class NoticeDelivery(models.TextChoices):
    """How a person hears by e-mail of the reports handed to them."""

    IMMEDIATE = "immediate", _("An e-mail at each hand-off")
    DAILY_DIGEST = "daily_digest", _("One e-mail a day (the daily digest)")


class Organisation(models.Model):
    """A non-governmental body whose members take part: an NGO, an academic centre, a UN office."""

    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        ACADEMIC = "academic", _("Academic institution")
        INTERNATIONAL = "international", _("International organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NGO)
    country = models.CharField(_("country"), max_length=3, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class RightsMonitorUserManager(UserManager["User"]):
    """Users log in with their e-mail address; the username is kept equal to it."""

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        email = self.normalize_email(email)
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        email = self.normalize_email(email)
        return super().create_superuser(email, email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> User:
        """Log-in is by e-mail address, whatever its capitalisation."""
        try:
            return self.get(email__iexact=username)
        except self.model.MultipleObjectsReturned:
            # Two addresses differing only in case (only the admin site can create them):
            # fall back to the exact match.
            return self.get(email=username)

    def with_email(self, email: str) -> models.QuerySet[User]:
        return self.filter(email__iexact=email.strip())

    def for_directory(self) -> models.QuerySet[User]:
        """Users as the staff user list shows them: affiliations joined, 2FA status annotated."""
        confirmed_totp = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return (
            self.get_queryset()
            .select_related("agency", "organisation")
            .annotate(has_two_factor=Exists(confirmed_totp))
            .order_by("-is_active", "email")
        )


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.CIVIL_SOCIETY
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("The agency a focal point reports for."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    notice_delivery = models.CharField(
        _("e-mails about reports"),
        max_length=16,
        choices=NoticeDelivery.choices,
        default=NoticeDelivery.IMMEDIATE,
        help_text=_(
            "When a report is handed to you (to sign off, revise or review): at once, or "
            "gathered in the next daily digest."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[RightsMonitorUserManager] = RightsMonitorUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.FOCAL_POINT) | Q(agency__isnull=False),
                name="focal_point_has_agency",
            ),
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username = self.email
        # Django's admin site is for administrators only; the role is the source of truth.
        self.is_superuser = self.role == Role.ADMINISTRATOR
        self.is_staff = self.is_superuser
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.role == Role.FOCAL_POINT and not self.agency_id:
            raise ValidationError({"agency": _("A focal point must be bound to an agency.")})
        if self.role == Role.CIVIL_SOCIETY and self.agency_id:
            raise ValidationError(
                {"agency": _("Civil society members are not bound to an agency.")}
            )

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # Active administrators hold every permission, as superusers do: the role decides.
        if self.is_active and self.role == Role.ADMINISTRATOR:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role == Role.ADMINISTRATOR:
            return True
        return super().has_module_perms(app_label)

    @property
    def is_staff_role(self) -> bool:
        """Administrators and coordinators: the people who run the register."""
        return self.is_active and (self.role in STAFF_ROLES or self.is_superuser)

    @property
    def needs_two_factor(self) -> bool:
        return self.is_staff_role and settings.REQUIRE_2FA_FOR_STAFF


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def for_token(self, token: str) -> Invitation | None:
        """The invitation an e-mailed token belongs to (only its hash is stored), if any."""
        return (
            self.select_related("agency", "organisation")
            .filter(token_hash=hash_token(token))
            .first()
        )

    def for_list(self) -> InvitationQuerySet:
        return self.select_related("agency", "organisation", "invited_by").order_by("email")


class Invitation(models.Model):
    """An e-mailed invitation to join with a given role; only a hash of the token is stored."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def default_expiry() -> datetime:
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def is_pending(self) -> bool:
        return not self.problem

    @property
    def problem(self) -> str:
        """Why this invitation can no longer be accepted, or "" if it still can."""
        if self.accepted_at is not None:
            return str(_("This invitation has already been used. Log in with your e-mail address."))
        if self.revoked_at is not None:
            return str(
                _("This invitation was withdrawn. Ask the person who invited you for a new one.")
            )
        if self.expires_at <= timezone.now():
            return str(
                _("This invitation has expired. Ask the person who invited you for a new one.")
            )
        return ""


class AccountEvent(AuditRow):
    """One audit row per change to an account: who did what to whom, and when."""

    class Kind(models.TextChoices):
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ROLE_CHANGED = "role_changed", _("Role changed")
        USER_DEACTIVATED = "user_deactivated", _("User deactivated")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor authentication turned on")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor authentication turned off")
        BACKUP_CODES_REGENERATED = "backup_codes_regenerated", _("Backup codes replaced")

    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_events",
    )
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("invitation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("account event")
        verbose_name_plural = _("account events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"
