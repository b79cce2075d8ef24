"""Confidential feedback: cases from the public, who may read them, and every read.

What a submitter wrote, their contact details, the answer and any attached file are stored
only encrypted (``feedback.crypto``); the columns below hold Fernet tokens, never text. The
submitter's secret is kept as a salted hash. Dates are kept to the day and no address is
stored, so that a row cannot be matched to a web-server log line. No history table: a history
of these rows would be a second copy to protect and to purge.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.audit import AuditRow
from rightsmonitor.plans.models import Agency, Plan, Section

# Receipt codes and secrets are read aloud and copied by hand: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
SECRET_LENGTH = 16
# Days to answer, per kind of case; a FEEDBACK_DUE_DAYS setting ({"appeal": 15, ...}) overrides.
DEFAULT_DUE_DAYS = {"appeal": 30, "complaint": 30, "suggestion": 60}


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class PublicStatus(models.TextChoices):
    """What the submitter is told on the check page: no more than where the case stands."""

    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    REFERRED = "referred", _("Referred to an agency")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.ANSWERED)


class CaseQuerySet(models.QuerySet["Case"]):
    def for_list(self) -> CaseQuerySet:
        """What the case list shows: no ciphertext (a list decrypts nothing)."""
        return (
            self.select_related("plan", "section")
            .defer("content", "answer", "attachment_meta", "secret_hash", "contact")
            .order_by("-received_on", "-pk")
        )

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def due_by(self, day: date) -> CaseQuerySet:
        """Open cases due on or before ``day`` (overdue ones included)."""
        return self.open().filter(due_date__lte=day)

    def purgeable(self, *, closed_before: object) -> CaseQuerySet:
        return self.filter(status=CaseStatus.CLOSED, closed_on__lt=closed_before)


class Case(models.Model):
    """One appeal, complaint or suggestion from the public about an area of a plan."""

    class Kind(models.TextChoices):
        APPEAL = "appeal", _("Appeal")
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")

    reference = models.CharField(_("receipt code"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The area: a section of a plan, a plan as a whole (no section), or "other" (neither).
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_cases",
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_cases",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    # Fernet tokens (crypto.encrypt_text); "" when there is nothing.
    content = models.TextField(editable=False)
    contact = models.TextField(blank=True, editable=False)
    answer = models.TextField(blank=True, editable=False)
    # The attachment: encrypted bytes in a randomly named file, its name and type encrypted here.
    attachment_file = models.CharField(max_length=255, blank=True, editable=False)
    attachment_meta = models.TextField(blank=True, editable=False)
    # Days only: an exact time could be matched with a web-server log.
    received_on = models.DateField(_("received"))
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    # When staff owe the submitter an answer: received_on plus the kind's days (``due_days``).
    due_date = models.DateField(_("due"), null=True, blank=True, db_index=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "closed_on"])]
        verbose_name = _("feedback case")
        verbose_name_plural = _("feedback cases")

    def __str__(self) -> str:
        return self.display_reference

    @property
    def display_reference(self) -> str:
        return format_code(self.reference)

    @property
    def has_contact(self) -> bool:
        return bool(self.contact)

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachment_file)

    @property
    def area_label(self) -> str:
        return describe_area(self.plan, self.section)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today


def due_days(kind: str) -> int:
    """Days the coordinators have to answer a case of ``kind`` (FEEDBACK_DUE_DAYS overrides)."""
    days = {**DEFAULT_DUE_DAYS, **getattr(settings, "FEEDBACK_DUE_DAYS", {})}
    return int(days.get(kind, DEFAULT_DUE_DAYS[Case.Kind.APPEAL]))


def describe_area(plan: Plan | None, section: Section | None) -> str:
    if plan is not None and section is not None:
        return str(_("%(plan)s — %(section)s") % {"plan": plan, "section": section})
    if plan is not None:
        return str(_("%(plan)s — the plan as a whole") % {"plan": plan})
    return str(_("Other or general"))


def format_code(code: str) -> str:
    """ABCD2345 → ABCD-2345: groups of four are easier to copy."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class AreaAssignment(models.Model):
    """A coordinator who reads and answers the cases of an area.

    A section: its cases. A plan without a section: every case of the plan. Neither: the cases
    about no plan ("other or general").
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.CASCADE,
        related_name="feedback_assignments",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.CASCADE
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email", "plan_id", "section_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "section"],
                condition=Q(section__isnull=False),
                name="feedback_one_assignment_per_section",
            ),
            models.UniqueConstraint(
                fields=["user", "plan"],
                condition=Q(plan__isnull=False, section__isnull=True),
                name="feedback_one_assignment_per_plan",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(plan__isnull=True, section__isnull=True),
                name="feedback_one_general_assignment",
            ),
        ]
        verbose_name = _("feedback area assignment")
        verbose_name_plural = _("feedback area assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.area_label}"

    @property
    def area_label(self) -> str:
        return describe_area(self.plan, self.section)


class AccessLog(AuditRow):
    """One row per read of a case, and per change to a case or to who may read cases.

    Rows outlive their case (``case`` becomes empty, ``reference`` stays) until the retention
    period has passed for them too.
    """

    class Kind(models.TextChoices):
        READ_CONTENT = "read_content", _("Read the message")
        READ_CONTACT = "read_contact", _("Read the contact details")
        READ_FILE = "read_file", _("Opened the attached file")
        STATUS_CHANGED = "status_changed", _("Changed the status")
        ANSWERED = "answered", _("Answered")
        ASSIGNMENT_ADDED = "assignment_added", _("Assigned a coordinator to an area")
        ASSIGNMENT_REMOVED = "assignment_removed", _("Removed a coordinator from an area")
        READ_NOTES = "read_notes", _("Read the internal notes")
        NOTE_ADDED = "note_added", _("Wrote an internal note")
        RESPONSE_ADDED = "response_added", _("Wrote the agency's response")
        REFERRED = "referred", _("Referred the case to an agency")
        REFERRAL_WITHDRAWN = "referral_withdrawn", _("Withdrew a referral")
        DUE_DATE_CHANGED = "due_date_changed", _("Changed the due date")
        REPLY_RECEIVED = "reply_received", _("The submitter replied")

    READS = (Kind.READ_CONTENT, Kind.READ_CONTACT, Kind.READ_FILE)

    kind = models.CharField(_("what"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_log",
    )
    reference = models.CharField(_("receipt code"), max_length=16, blank=True)
    at = models.DateTimeField(_("when"), db_index=True)
    # Never content: a status change ("new → answered"), an area, a coordinator's address.
    detail = models.CharField(_("details"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("feedback access log entry")
        verbose_name_plural = _("feedback access log")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.reference} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def display_reference(self) -> str:
        return format_code(self.reference)


class CaseNote(models.Model):
    """Something written on a case after it arrived, encrypted like the case.

    Notes and agency responses are internal (never shown to the submitter); a reply is the
    submitter's own message, sent with their code and secret. A reply keeps only the day, like
    the case itself; staff notes keep the time.
    """

    class Kind(models.TextChoices):
        NOTE = "note", _("Internal note")
        RESPONSE = "response", _("Agency response")
        REPLY = "reply", _("Reply from the submitter")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NOTE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(editable=False)  # a Fernet token
    # A reply's file, stored like the case's own (``actions._store_attachment``).
    attachment_file = models.CharField(max_length=255, blank=True, editable=False)
    attachment_meta = models.TextField(blank=True, editable=False)
    at = models.DateTimeField(_("written"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case_id}"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def active(self) -> ReferralQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def reaching(self, user: Any) -> ReferralQuerySet:
        """Active referrals that reach ``user``: to them by name, or to their whole agency."""
        return self.active().filter(
            Q(focal_point=user) | Q(focal_point__isnull=True, agency_id=user.agency_id)
        )


class Referral(models.Model):
    """A case handed to an agency's focal points (all of them, or one) for their response."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    # Empty: every focal point of the agency.
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("focal point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback_referrals",
    )
    note = models.TextField(blank=True, editable=False)  # a Fernet token
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    referred_at = models.DateTimeField(_("referred"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["referred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=Q(withdrawn_at__isnull=True),
                name="feedback_one_active_referral_per_agency",
            )
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.agency_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class DueReminder(models.Model):
    """One row per person and day a due-date reminder was sent: a second run sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="feedback_one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.day}"


class KeyCanary(models.Model):
    """A known text encrypted with the current keys: a wrong key is caught at start-up."""

    token = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback key check")
        verbose_name_plural = _("feedback key check")

    def __str__(self) -> str:
        return "feedback key canary"
