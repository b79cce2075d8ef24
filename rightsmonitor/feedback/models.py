"""Confidential feedback: cases from the public, who may read them, and every read.

What a submitter wrote, their contact details, the answer and any attached file are stored
only encrypted (``feedback.crypto``); the columns below hold Fernet tokens, never text. The
submitter's secret is kept as a salted hash. Dates are kept to the day and no address is
stored, so that a row cannot be matched to a web-server log line. No history table: a history
of these rows would be a second copy to protect and to purge.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.audit import AuditRow
from rightsmonitor.plans.models import Plan, Section

# Receipt codes and secrets are read aloud and copied by hand: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
SECRET_LENGTH = 16


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class CaseQuerySet(models.QuerySet["Case"]):
    def for_list(self) -> CaseQuerySet:
        """What the case list shows: no ciphertext (a list decrypts nothing)."""
        return (
            self.select_related("plan", "section")
            .defer("content", "answer", "attachment_meta", "secret_hash")
            .order_by("-received_on", "-pk")
        )

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


class KeyCanary(models.Model):
    """A known text encrypted with the current keys: a wrong key is caught at start-up."""

    token = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback key check")
        verbose_name_plural = _("feedback key check")

    def __str__(self) -> str:
        return "feedback key canary"
