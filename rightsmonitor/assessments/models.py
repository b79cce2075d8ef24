"""The annual assessment of a plan: an edited draft, approved, published, in several editions.

An ``Assessment`` covers one plan over a date range (usually a reporting period). The
coordinator writes its introduction, conclusions and a comment per section; everything else is
generated from the data by the blocks of ``blocks.py``. Approving freezes the generated content
and the texts into ``snapshot``; the published assessment shows that snapshot for ever, so later
reports do not change it. A new edition is a new ``Assessment`` that ``supersedes`` the old one;
both stay available.

Generated files (PDF, DOCX, XLSX per language) are ``AssessmentFile`` rows; the background run
that writes them reports its progress in ``GenerationJob``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from rightsmonitor.core.locking import VersionedModel
from rightsmonitor.core.translation import TranslatedField
from rightsmonitor.plans.models import Plan, Section
from rightsmonitor.reporting.models import ReportingPeriod


class AssessmentState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assessment state", "Draft")
    APPROVED = "approved", pgettext_lazy("assessment state", "Approved")
    PUBLISHED = "published", pgettext_lazy("assessment state", "Published")


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def published(self) -> AssessmentQuerySet:
        return self.filter(state=AssessmentState.PUBLISHED)

    def for_list(self) -> AssessmentQuerySet:
        """The list of assessments: plan, the next edition if any, and the generated files
        (by format, then language)."""
        files = AssessmentFile.objects.order_by("format", "language")
        return self.select_related("plan", "superseded_by").prefetch_related(
            models.Prefetch("files", queryset=files)
        )


class Assessment(VersionedModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="assessments")
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("previous edition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    introduction_ru = models.TextField(_("introduction (Russian)"), blank=True)
    introduction_kk = models.TextField(_("introduction (Kazakh)"), blank=True)
    conclusions_en = models.TextField(_("conclusions (English)"), blank=True)
    conclusions_ru = models.TextField(_("conclusions (Russian)"), blank=True)
    conclusions_kk = models.TextField(_("conclusions (Kazakh)"), blank=True)
    # The generated content and the texts, frozen on approval (see content.build_snapshot).
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    snapshot_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    introduction = TranslatedField("introduction")
    conclusions = TranslatedField("conclusions")
    history = HistoricalRecords(excluded_fields=["snapshot", "updated_at"])
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-end", "-edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "start", "end", "edition"], name="unique_assessment_edition"
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="assessment_end_after_start",
                violation_error_message=_("The end of the assessed period is before its start."),
            ),
            # A frozen snapshot is what approved and published assessments show.
            models.CheckConstraint(
                condition=Q(state=AssessmentState.DRAFT) | Q(snapshot__isnull=False),
                name="assessment_frozen_when_approved",
            ),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.plan.code} {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y} ({self.edition})"

    @property
    def is_frozen(self) -> bool:
        return self.snapshot is not None

    @property
    def is_published(self) -> bool:
        return self.state == AssessmentState.PUBLISHED

    @property
    def file_stem(self) -> str:
        """The start of every generated file's name: plan, period and edition."""
        period = str(self.end.year) if self._is_calendar_year() else f"{self.start}_{self.end}"
        return f"{self.plan.code}-assessment-{period}-ed{self.edition}"

    def _is_calendar_year(self) -> bool:
        return self.end.month == 12 and self.end.day == 31 and self.start.year == self.end.year

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assessments:detail", args=[self.pk])


class SectionComment(models.Model):
    """The coordinator's comment on one section of the plan in one assessment."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="section_comments"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    comment_en = models.TextField(_("comment (English)"), blank=True)
    comment_ru = models.TextField(_("comment (Russian)"), blank=True)
    comment_kk = models.TextField(_("comment (Kazakh)"), blank=True)

    comment = TranslatedField("comment")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "section"], name="unique_section_comment")
        ]
        verbose_name = _("section comment")
        verbose_name_plural = _("section comments")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.section.number}"


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX (Word)"
    XLSX = "xlsx", "XLSX (Excel)"


CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def assessment_file_path(instance: AssessmentFile, filename: str) -> str:
    return f"assessments/{instance.assessment_id}/{filename}"


class AssessmentFile(models.Model):
    """One generated file of an assessment, in one format and language."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=8, choices=FileFormat.choices)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(upload_to=assessment_file_path, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    # Which content it was made from: a draft's files go stale when the data changes.
    from_snapshot = models.BooleanField(default=False)
    generated_at = models.DateTimeField()

    class Meta:
        ordering = ["format", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "format", "language"], name="unique_assessment_file"
            )
        ]
        verbose_name = _("assessment file")
        verbose_name_plural = _("assessment files")

    def __str__(self) -> str:
        return self.download_name

    @property
    def download_name(self) -> str:
        return f"{self.assessment.file_stem}-{self.language}.{self.format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[FileFormat(self.format)]


# A step (one file in one language) takes seconds to a few minutes; a running job silent for
# this long has lost its worker.
STALLED_AFTER = timedelta(minutes=15)


class GenerationJob(models.Model):
    """One background run writing an assessment's files; the page shows its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="jobs")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    done_steps = models.PositiveSmallIntegerField(default=0)
    total_steps = models.PositiveSmallIntegerField(default=0)
    current_step = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The worker's last sign of life: each step of a running job sets it.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("file generation")
        verbose_name_plural = _("file generations")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.state}"

    @property
    def percent(self) -> int:
        return round(100 * self.done_steps / self.total_steps) if self.total_steps else 0

    @property
    def is_stalled(self) -> bool:
        """Running, but its worker has given no sign of life for ``STALLED_AFTER``: the process
        died (killed, restarted) and the job would otherwise say "running" for ever."""
        if self.state != self.State.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return timezone.now() - last > STALLED_AFTER

    @property
    def is_active(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.RUNNING} and not self.is_stalled

    @property
    def problem(self) -> str:
        """Why the job did not finish, for the page: its error, or that its worker stopped."""
        if self.is_stalled:
            return _(
                "The worker writing the files stopped at %(step)s without finishing. "
                "Write them again."
            ) % {"step": self.current_step or "…"}
        return self.error if self.state == self.State.FAILED else ""

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "percent": self.percent, "step": self.current_step}
