"""Implementation reporting: periods, progress reports, evidence, review audit, monitoring status.

Agencies report on each action they are responsible for, once per reporting period. The lead
agency writes the consolidated report; co-executors write contributions that the lead sees.
The review workflow lives in ``workflow.py``; every transition leaves an immutable
``ReportTransition`` row. The coordinator's verdict on an action (assessed status, on or off
monitoring) is ``ActionMonitoring``, with its own immutable ``MonitoringChange`` rows.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import translate_url
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rightsmonitor.core.audit import AuditRow
from rightsmonitor.core.locking import VersionedModel
from rightsmonitor.plans.models import Action, Agency, Plan
from rightsmonitor.reporting.notices import render_notice
from rightsmonitor.reporting.workflow import AWAITING_REVIEW, ReportState


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    ANNUAL = "annual", _("Annual")


class ImplementationStatus(models.TextChoices):
    """What an agency proposes, and what the coordinator assesses, about an action."""

    NOT_STARTED = "not_started", pgettext_lazy("implementation status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("implementation status", "In progress")
    PARTIALLY_COMPLETED = (
        "partially_completed",
        pgettext_lazy("implementation status", "Partially completed"),
    )
    COMPLETED = "completed", pgettext_lazy("implementation status", "Completed")
    NOT_COMPLETED = "not_completed", pgettext_lazy("implementation status", "Not completed")
    NO_LONGER_RELEVANT = (
        "no_longer_relevant",
        pgettext_lazy("implementation status", "No longer relevant"),
    )


class ReportingSchedule(models.Model):
    """How often a plan is reported on, and how long agencies and the coordinator have."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="reporting_schedule")
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.ANNUAL
    )
    submission_days = models.PositiveSmallIntegerField(
        _("days for agencies after the period ends"), default=10
    )
    review_days = models.PositiveSmallIntegerField(
        _("days for the coordinator after the period ends"), default=25
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(review_days__gte=models.F("submission_days")),
                name="review_after_submission",
                violation_error_message=_(
                    "The coordinator's deadline cannot come before the agencies'."
                ),
            )
        ]
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")

    def __str__(self) -> str:
        return f"{self.plan.code}: {self.get_frequency_display()}"


class ReportingPeriodQuerySet(models.QuerySet["ReportingPeriod"]):
    def open_on(self, day: date) -> ReportingPeriodQuerySet:
        """Periods whose reports agencies may still be writing on ``day``."""
        return self.filter(start__lte=day, review_deadline__gte=day)

    def with_plan(self) -> ReportingPeriodQuerySet:
        """Each period with its plan, which lists and calendars of periods name."""
        return self.select_related("plan")


class ReportingPeriod(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_periods")
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    submission_deadline = models.DateField(_("agencies report by"))
    review_deadline = models.DateField(_("coordinator reviews by"))

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "end"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "end"], name="unique_period_end"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_in_order"),
            models.CheckConstraint(
                condition=Q(submission_deadline__gte=models.F("end"))
                & Q(review_deadline__gte=models.F("submission_deadline")),
                name="deadlines_in_order",
            ),
        ]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self) -> str:
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


class AgencyReportingSettings(models.Model):
    """Whether an agency's reports need its validating authority's sign-off, and whose."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="reporting_settings"
    )
    sign_off_required = models.BooleanField(_("reports need sign-off"), default=True)
    ready_step = models.BooleanField(
        _("reports are marked ready for sign-off"),
        default=False,
        help_text=_(
            "When ticked, a focal point marks each report ready before the validating "
            "authority may sign it off."
        ),
    )
    validating_authority = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validating authority"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="validates_for",
        help_text=_("The deputy head who vouches for the agency's reports."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agency reporting settings")
        verbose_name_plural = _("agency reporting settings")

    def __str__(self) -> str:
        return str(self.agency)

    def clean(self) -> None:
        if self.sign_off_required and not self.validating_authority_id:
            raise ValidationError(
                {
                    "validating_authority": _(
                        "Name the validating authority, or turn the sign-off step off."
                    )
                }
            )
        if (
            self.validating_authority_id
            and self.validating_authority is not None
            and self.validating_authority.agency_id != self.agency_id
        ):
            raise ValidationError(
                {"validating_authority": _("The validating authority must work for the agency.")}
            )


class ProgressReportQuerySet(models.QuerySet["ProgressReport"]):
    def awaiting_review(self) -> ProgressReportQuerySet:
        return self.filter(state__in=AWAITING_REVIEW)

    def overdue_on(self, day: date) -> ProgressReportQuerySet:
        """Not yet sent to the coordinator although the period's submission deadline passed."""
        return self.filter(
            period__submission_deadline__lt=day,
            state__in=[
                ReportState.DRAFT,
                ReportState.READY,
                ReportState.SIGNED_OFF,
                ReportState.RETURNED,
            ],
        )

    def with_related(self) -> ProgressReportQuerySet:
        return self.select_related(
            "action__plan", "action__section", "agency", "period", "author", "assignee"
        )

    # What each page shows of a list of reports, in a fixed number of queries.

    def for_action_page(self) -> ProgressReportQuerySet:
        """Accepted reports under their action: agency, period and evidence."""
        return self.select_related("agency", "period").prefetch_related("evidence")

    def for_monitoring_page(self) -> ProgressReportQuerySet:
        """The coordinator's list of an action's reports: agency and period."""
        return self.select_related("agency", "period")

    def for_timeline(self) -> ProgressReportQuerySet:
        """An action's history: each report's agency, period and author."""
        return self.select_related("agency", "period", "author")

    def for_consolidation(self) -> ProgressReportQuerySet:
        """Co-executors' contributions beside the lead's report: author and evidence."""
        return self.select_related("author").prefetch_related("evidence")

    def for_feed(self) -> ProgressReportQuerySet:
        """Feed entries: the action with its plan, the agency and the period."""
        return self.select_related("action__plan", "agency", "period")


class ProgressReport(VersionedModel):
    """What one agency says about one action for one period."""

    class Kind(models.TextChoices):
        CONSOLIDATED = "consolidated", _("Consolidated report (lead agency)")
        CONTRIBUTION = "contribution", _("Contribution (co-executor)")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_reports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="progress_reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    narrative = models.TextField(_("what was done"), blank=True)
    proposed_status = models.CharField(
        _("proposed status"),
        max_length=24,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.IN_PROGRESS,
    )
    document_type = models.CharField(_("adopted document: type"), max_length=128, blank=True)
    document_number = models.CharField(_("adopted document: number"), max_length=64, blank=True)
    document_date = models.DateField(_("adopted document: date"), null=True, blank=True)
    times_returned = models.PositiveSmallIntegerField(default=0, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_reports",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
        help_text=_("The focal point of the agency who is to work on the report next."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = [
            "period__end",
            "action__section__order",
            "action__order",
            "agency__abbreviation",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "agency", "period"], name="one_report_per_agency"
            ),
        ]
        indexes = [models.Index(fields=["state"])]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.action.number} · {self.agency.short_name} · {self.period}"


def evidence_path(evidence: Evidence, filename: str) -> str:
    # The stored name is random: the original name is kept in a column, never trusted on disk.
    return f"evidence/{evidence.report_id}/{evidence.storage_key}{evidence.extension}"


class Evidence(models.Model):
    """A file or a link that supports a report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=255)
    storage_key = models.CharField(max_length=32, editable=False, blank=True)  # files only
    extension = models.CharField(max_length=8, editable=False, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(_("link"), max_length=500, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""), name="evidence_is_a_file_or_a_link"
            )
        ]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name or self.url

    @property
    def is_file(self) -> bool:
        return bool(self.file)


class ReportTransition(AuditRow):
    """Immutable audit row: one per workflow transition of a report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=32)
    from_state = models.CharField(max_length=16, choices=ReportState.choices)
    to_state = models.CharField(max_length=16, choices=ReportState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state} → {self.to_state}"


class ActionMonitoring(VersionedModel):
    """The coordinator's verdict on an action: assessed status, and whether it is monitored."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="monitoring")
    assessed_status = models.CharField(
        _("assessed status"),
        max_length=24,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    on_monitoring = models.BooleanField(_("on monitoring"), default=True)
    off_monitoring_reason = models.TextField(_("reason for taking it off monitoring"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action monitoring")
        verbose_name_plural = _("action monitoring")

    def __str__(self) -> str:
        return f"{self.action.number}: {self.get_assessed_status_display()}"


class MonitoringChange(AuditRow):
    """Immutable audit row: one per change of an action's assessed status or monitoring."""

    class Field(models.TextChoices):
        ASSESSED_STATUS = "assessed_status", _("Assessed status")
        ON_MONITORING = "on_monitoring", _("On monitoring")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="monitoring_changes")
    field = models.CharField(max_length=32, choices=Field.choices)
    old_value = models.CharField(max_length=32, blank=True)
    new_value = models.CharField(max_length=32)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("monitoring change")
        verbose_name_plural = _("monitoring changes")

    def __str__(self) -> str:
        return f"{self.action_id}: {self.field} {self.old_value} → {self.new_value}"


class NoticeEvent(models.TextChoices):
    """What a notice is about; its sentence is written when it is read (``reporting.notices``)."""

    READY = "ready", _("Ready for sign-off")
    SIGNED_OFF = "signed_off", _("Signed off")
    SENT_BACK = "sent_back", _("Sent back to draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RESUBMITTED = "resubmitted", _("Resubmitted for review")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned to you")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def awaiting_digest(self) -> NotificationQuerySet:
        """Hand-off notices not yet mailed to people who chose the daily digest."""
        return self.filter(mailed_at__isnull=True).exclude(
            event__in=["", NoticeEvent.DUE_SOON, NoticeEvent.OVERDUE]
        )


class Notification(models.Model):
    """An in-app notice: an event (a hand-off, something due soon or overdue) and its facts.

    ``params`` holds the facts (report, action number, agency, period, comment, who acted...)
    so that the sentence is written in the reader's language when it is read; ``text`` is the
    English sentence of notices stored before events existed, shown only when ``event`` is
    blank. ``mailed_at`` says when the notice went out by e-mail (at once, or in a digest).
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        RETURNED = "returned", _("Returned for revision")
        SUBMITTED = "submitted", _("Submitted for review")
        ACCEPTED = "accepted", _("Accepted")
        READY = "ready", _("Ready for sign-off")
        SIGNED_OFF = "signed_off", _("Signed off")
        SENT_BACK = "sent_back", _("Sent back to draft")
        ASSIGNED = "assigned", _("Assigned to you")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    event = models.CharField(max_length=16, choices=NoticeEvent.choices, blank=True)
    params = models.JSONField(default=dict, blank=True)
    text = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """The notice in the active language (the reader's, on a page or in their mail)."""
        return render_notice(self)

    @property
    def link(self) -> str:
        """``url`` in the active language, whoever's request stored it."""
        return translate_url(self.url, get_language()) if self.url else ""


class ReminderDigest(models.Model):
    """One row per person and day a digest was sent: running the command twice sends once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
