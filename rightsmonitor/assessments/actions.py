"""Every change to an assessment goes through these functions.

Each runs in one transaction, checks the user through ``assessments.access``, validates, saves
with the history row naming the user, and queues background work on commit.

Errors callers handle: ``PermissionDenied``; ``ValidationError`` (not now, or not with this
input; the message says why); ``ConcurrentEditError`` (someone saved the texts meanwhile).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from rightsmonitor.assessments import access
from rightsmonitor.assessments.content import build_snapshot
from rightsmonitor.assessments.models import (
    Assessment,
    AssessmentFile,
    AssessmentState,
    FileFormat,
    GenerationJob,
    SectionComment,
)
from rightsmonitor.assessments.richtext import sanitize_html
from rightsmonitor.assessments.workflow import transition_named
from rightsmonitor.core.locking import claim_version
from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans.actions import record_actor
from rightsmonitor.plans.models import Plan, Section
from rightsmonitor.reporting.models import ReportingPeriod

logger = logging.getLogger(__name__)
TEXT_FIELDS = ("introduction", "conclusions")


def rich_text(text: str) -> str:
    """Sanitised HTML; plain text (no tags) becomes paragraphs first."""
    text = text.strip()
    if text and "<" not in text:
        text = linebreaks(text, autoescape=True)
    return sanitize_html(text)


def _require_manager(by: Any) -> None:
    if not access.can_manage(by):
        raise PermissionDenied


def _save(assessment: Assessment, by: Any, reason: str = "") -> None:
    assessment.full_clean()
    record_actor(assessment, by, reason)
    assessment.save()


@transaction.atomic
def create_assessment(
    plan: Plan,
    *,
    by: Any,
    period: ReportingPeriod | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Assessment:
    """A first-edition draft for a reporting period, or for the dates given."""
    _require_manager(by)
    if period is not None:
        if period.plan_id != plan.pk:
            raise ValidationError({"period": _("The period belongs to another plan.")})
        start, end = period.start, period.end
    if start is None or end is None:
        raise ValidationError(_("Choose a reporting period, or give the first and last day."))
    if Assessment.objects.filter(plan=plan, start=start, end=end).exists():
        raise ValidationError(
            _(
                "This plan already has an assessment of this period. Open it, or issue a new "
                "edition of the published one."
            ),
            code="exists",
        )
    assessment = Assessment(
        plan=plan, period=period, start=start, end=end, edition=1, created_by=by
    )
    _save(assessment, by)
    return assessment


def _require_draft(assessment: Assessment) -> None:
    if assessment.state != AssessmentState.DRAFT:
        raise ValidationError(
            _("Only a draft can be edited; this assessment is “%(state)s”.")
            % {"state": assessment.get_state_display()},
            code="not_draft",
        )


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def update_texts(
    assessment: Assessment,
    *,
    language: str,
    texts: Mapping[str, str],
    section_comments: Mapping[int, str],
    by: Any,
    expected_version: int | None,
) -> Assessment:
    """Save one language's introduction, conclusions and section comments (sanitised HTML).

    ``section_comments`` maps section ids to the comment in ``language``; the version check
    covers them too, so two coordinators editing at once cannot overwrite each other.
    """
    _require_manager(by)
    if language not in language_codes():
        raise ValidationError({"language": _("Unknown language.")})
    current = _locked(assessment)
    _require_draft(current)
    claim_version(current, assessment.version if expected_version is None else expected_version)
    for name in TEXT_FIELDS:
        if name in texts:
            setattr(current, f"{name}_{language}", rich_text(texts[name]))
    _save(current, by)
    sections = {
        section.pk: section
        for section in Section.objects.filter(plan_id=current.plan_id, pk__in=section_comments)
    }
    for section_id, text in section_comments.items():
        if section_id not in sections:
            raise ValidationError(_("A comment names a section of another plan."))
        comment, _created = SectionComment.objects.get_or_create(
            assessment=current, section=sections[section_id]
        )
        setattr(comment, f"comment_{language}", rich_text(text))
        record_actor(comment, by)
        comment.save()
    assessment.refresh_from_db()
    return current


@transaction.atomic
def take_transition(
    assessment: Assessment, name: str, *, by: Any, expected_version: int | None = None
) -> Assessment:
    """Approve (freeze), reopen (thaw) or publish, per ``workflow.TRANSITIONS``."""
    _require_manager(by)
    current = _locked(assessment)
    transition = transition_named(name, current.state)
    if transition is None:
        raise ValidationError(
            _("“%(name)s” is not possible while the assessment is “%(state)s”.")
            % {"name": name, "state": current.get_state_display()},
            code="invalid_transition",
        )
    claim_version(current, assessment.version if expected_version is None else expected_version)
    now = timezone.now()
    if name == "approve":
        current.snapshot = build_snapshot(current)
        current.snapshot_at = now
        current.approved_by, current.approved_at = by, now
    elif name == "reopen":
        current.snapshot = None
        current.snapshot_at = None
        current.approved_by, current.approved_at = None, None
    elif name == "publish":
        current.published_by, current.published_at = by, now
    current.state = transition.target
    _save(current, by, reason=name)
    if name in {"approve", "reopen"}:
        # Files made from other content are stale: replace them (approve) or drop them.
        stale = list(current.files.all())
        _discard_files(stale)
        if name == "approve":
            request_files(current, by=by)
    assessment.refresh_from_db()
    return current


def _discard_files(files: list[AssessmentFile]) -> None:
    names = [(f.file.storage, f.file.name) for f in files if f.file.name]
    AssessmentFile.objects.filter(pk__in=[f.pk for f in files]).delete()

    def remove() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def new_edition(assessment: Assessment, *, by: Any) -> Assessment:
    """A new draft edition of a published assessment, starting from its texts."""
    _require_manager(by)
    current = _locked(assessment)
    if current.state != AssessmentState.PUBLISHED:
        raise ValidationError(_("Only a published assessment gets a new edition."))
    if Assessment.objects.filter(supersedes=current).exists():
        raise ValidationError(_("A newer edition of this assessment exists already."))
    successor = Assessment(
        plan_id=current.plan_id,
        period_id=current.period_id,
        start=current.start,
        end=current.end,
        edition=current.edition + 1,
        supersedes=current,
        created_by=by,
        **{
            f"{name}_{code}": getattr(current, f"{name}_{code}")
            for name in TEXT_FIELDS
            for code in language_codes()
        },
    )
    _save(successor, by)
    for comment in current.section_comments.all():
        copy = SectionComment(
            assessment=successor,
            section_id=comment.section_id,
            **{f"comment_{code}": getattr(comment, f"comment_{code}") for code in language_codes()},
        )
        record_actor(copy, by)
        copy.save()
    return successor


# Files -----------------------------------------------------------------------------------------


def request_files(assessment: Assessment, *, by: Any) -> GenerationJob:
    """Queue the writing of every format in every language; the running job if one is on."""
    _require_manager(by)
    active = assessment.jobs.filter(
        state__in=[GenerationJob.State.QUEUED, GenerationJob.State.RUNNING]
    ).first()
    if active is not None and active.is_stalled:
        # Its worker died: the job would say "running" for ever. Record why, start afresh.
        active.state, active.error = GenerationJob.State.FAILED, active.problem
        active.finished_at = timezone.now()
        active.save(update_fields=["state", "error", "finished_at"])
    elif active is not None:
        return active
    job = GenerationJob.objects.create(
        assessment=assessment,
        requested_by=by if getattr(by, "is_authenticated", False) else None,
        total_steps=len(FileFormat.values) * len(language_codes()),
    )

    def enqueue() -> None:
        from rightsmonitor.assessments.tasks import generate_assessment_files

        generate_assessment_files.enqueue(job.pk)

    transaction.on_commit(enqueue)
    return job


def renderers() -> dict[str, Callable[..., bytes]]:
    # Imported when used: WeasyPrint is slow to import and only the worker needs it.
    from rightsmonitor.assessments.renderers.docx import render_docx
    from rightsmonitor.assessments.renderers.pdf import render_pdf
    from rightsmonitor.assessments.renderers.xlsx import render_xlsx

    return {FileFormat.PDF: render_pdf, FileFormat.DOCX: render_docx, FileFormat.XLSX: render_xlsx}


def content_of(assessment: Assessment) -> dict[str, Any]:
    """The frozen snapshot of an approved or published assessment, else fresh from the data."""
    return assessment.snapshot if assessment.snapshot is not None else build_snapshot(assessment)


def run_generation(job_id: int) -> GenerationJob:
    """Write the files of a queued job, one by one, recording progress (the worker's part).

    Each file replaces the previous one of its format and language only once it is complete;
    if anything fails the job says so and the earlier files stay.
    """
    job = GenerationJob.objects.select_related("assessment__plan").get(pk=job_id)
    if job.state not in {GenerationJob.State.QUEUED, GenerationJob.State.RUNNING}:
        return job
    assessment = job.assessment
    job.state, job.started_at, job.done_steps = GenerationJob.State.RUNNING, timezone.now(), 0
    job.heartbeat_at = job.started_at
    job.save(update_fields=["state", "started_at", "heartbeat_at", "done_steps"])
    try:
        snapshot = content_of(assessment)
        draft = assessment.state == AssessmentState.DRAFT
        for file_format, render in renderers().items():
            for language in language_codes():
                job.current_step = f"{file_format.upper()} · {language}"
                job.heartbeat_at = timezone.now()
                job.save(update_fields=["current_step", "heartbeat_at"])
                data = render(snapshot, language=language, draft=draft)
                _store_file(assessment, file_format, language, data, from_snapshot=not draft)
                job.done_steps += 1
                job.heartbeat_at = timezone.now()
                job.save(update_fields=["done_steps", "heartbeat_at"])
    except Exception as exc:
        logger.exception("Generating the files of assessment %s failed", assessment.pk)
        job.state, job.error = GenerationJob.State.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        job.state, job.current_step = GenerationJob.State.DONE, ""
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "error", "current_step", "finished_at"])
    return job


def _store_file(
    assessment: Assessment, file_format: str, language: str, data: bytes, *, from_snapshot: bool
) -> None:
    with transaction.atomic():
        # Re-read under lock: an approval or reopening meanwhile makes this content stale.
        current = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if (current.snapshot is not None) != from_snapshot:
            raise ValidationError(_("The assessment changed while its files were being written."))
        row = AssessmentFile(
            assessment=current,
            format=file_format,
            language=language,
            size=len(data),
            from_snapshot=from_snapshot,
            generated_at=timezone.now(),
        )
        row.file.save(row.download_name, ContentFile(data), save=False)
        old = list(
            AssessmentFile.objects.filter(assessment=current, format=file_format, language=language)
        )
        _discard_files(old)
        try:
            row.save()
        except BaseException:
            row.file.delete(save=False)
            raise
