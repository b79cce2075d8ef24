"""Every change to recommendations goes through these functions.

Each runs in one transaction, checks permissions through ``recommendations.access``, saves and
leaves a history row naming the user (links and suggestion decisions have history; an import
is recorded by its ``ImportRun``). Errors: ``PermissionDenied`` (the user may not),
``ValidationError`` (not with this input; the message says why).
"""

from __future__ import annotations

import csv
import io
import logging
from contextlib import nullcontext
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rightsmonitor.core.storage import local_path
from rightsmonitor.core.tabular import TableError, iter_messages
from rightsmonitor.plans.actions import record_actor
from rightsmonitor.plans.models import Action
from rightsmonitor.recommendations import access
from rightsmonitor.recommendations.importers.engine import ImportSummary, import_recommendations
from rightsmonitor.recommendations.importers.readers import READERS, RECOMMENDATION_LIMITS
from rightsmonitor.recommendations.models import (
    ImportRun,
    Recommendation,
    RecommendationLink,
    SuggestionDecision,
)
from rightsmonitor.recommendations.progress import set_progress

logger = logging.getLogger(__name__)
MAX_UPLOAD = RECOMMENDATION_LIMITS.max_bytes  # the whole UHRI in JSON is about 400 MB


def link_action(
    recommendation: Recommendation,
    action: Action,
    *,
    by: Any,
    note: str = "",
    method: str = "",
) -> RecommendationLink:
    """Say that ``action`` answers ``recommendation`` (again: the note is updated)."""
    access.require_manage(by)
    if not access.linkable_actions(by).filter(pk=action.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        link = RecommendationLink.objects.filter(
            recommendation=recommendation, action=action
        ).first()
        if link is None:
            link = RecommendationLink(recommendation=recommendation, action=action, created_by=by)
        elif link.note == note:
            return link
        link.note = note
        record_actor(link, by)
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError:
            # Someone linked the same pair a moment ago: theirs stands, with our note.
            link = RecommendationLink.objects.get(recommendation=recommendation, action=action)
            link.note = note
            record_actor(link, by)
            link.save(update_fields=["note"])
        if method:
            _decide(
                recommendation, action, SuggestionDecision.Decision.ACCEPTED, by=by, method=method
            )
    return link


def unlink_action(link: RecommendationLink, *, by: Any) -> None:
    access.require_manage(by)
    with transaction.atomic():
        record_actor(link, by)
        link.delete()


def reject_suggestion(
    recommendation: Recommendation, action: Action, *, by: Any, method: str = ""
) -> SuggestionDecision:
    """The coordinator says ``action`` does not answer ``recommendation``: never suggest it."""
    access.require_manage(by)
    with transaction.atomic():
        if RecommendationLink.objects.filter(recommendation=recommendation, action=action).exists():
            raise ValidationError(
                _("The action is linked to the recommendation: remove the link instead."),
                code="linked",
            )
        return _decide(
            recommendation, action, SuggestionDecision.Decision.REJECTED, by=by, method=method
        )


def _decide(
    recommendation: Recommendation, action: Action, decision: str, *, by: Any, method: str
) -> SuggestionDecision:
    row = SuggestionDecision.objects.filter(recommendation=recommendation, action=action).first()
    if row is None:
        row = SuggestionDecision(recommendation=recommendation, action=action)
    row.decision, row.method, row.decided_by = decision, method[:32], by
    record_actor(row, by)
    row.save()
    return row


# --- Imports ----------------------------------------------------------------------------------


def request_import(
    upload: UploadedFile, format: str, *, by: Any, options: dict[str, Any] | None = None
) -> ImportRun:
    """Keep the uploaded file and queue its import; the worker runs ``run_import``.

    The file's head is checked first (``check_file``), so that a file that is not what its
    format says is refused on the page, with nothing queued.
    """
    from rightsmonitor.recommendations.importers.engine import check_file
    from rightsmonitor.recommendations.tasks import import_recommendations_file

    access.require_manage(by)
    if format not in READERS:
        raise ValidationError(_("Unknown format."), code="format")
    if upload.size and upload.size > MAX_UPLOAD:
        raise ValidationError(_("The file is larger than 1 GB."), code="too_large")
    name = PurePath(upload.name or "upload").name[:200]
    run = ImportRun(format=format, filename=name, options=options or {}, requested_by=by)
    try:
        with local_path(upload) as uploaded:
            check_file(uploaded, format, options=options)
    except TableError as error:
        raise ValidationError(list(iter_messages(error)), code="refused") from error
    run.file.save(name, upload, save=False)
    run.save()
    transaction.on_commit(lambda: import_recommendations_file.enqueue(run.pk))
    return run


def start_run(
    *, format: str, filename: str, by: Any, options: dict[str, Any] | None = None
) -> ImportRun:
    """An ``ImportRun`` for a file imported from the command line."""
    return ImportRun.objects.create(
        format=format, filename=filename[:255], options=options or {}, requested_by=by
    )


def run_import(
    run_id: int, *, path: str | None = None, progress: Any = None
) -> ImportSummary | None:
    """Import the run's file (the worker's part; the command calls it with ``path``).

    The run row records the outcome either way: counts and notes, or the problems that made
    the file be refused (then nothing was written). The rejected rows go to a CSV file kept
    with the run.
    """
    run = ImportRun.objects.get(pk=run_id)
    if run.status not in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}:
        return None
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])

    def report(done: int, total: int) -> None:
        set_progress(run.pk, done, total)
        if progress is not None:
            progress(done, total)

    rejected = io.StringIO()
    summary: ImportSummary | None = None
    try:
        # The run's outcome commits with the data it describes: a process killed before the
        # end leaves neither the rows nor a run that says "done".
        source = nullcontext(path) if path else local_path(run.file)
        with transaction.atomic(), source as file_path:
            summary = import_recommendations(
                file_path,
                run.format,
                options=run.options,
                progress=report,
                rejected_to=rejected,
                run=run,
            )
            run.status = ImportRun.Status.DONE
            run.created, run.updated = summary.created, summary.updated
            run.unchanged, run.rejected = summary.unchanged, summary.rejected
            run.errors = "\n".join(summary.notes)
            if summary.rejected:
                run.rejected_rows.save(
                    f"rejected-{run.pk}.csv",
                    ContentFile(rejected.getvalue().encode("utf-8-sig")),
                    save=False,
                )
            run.finished_at = timezone.now()
            run.save()
    except TableError as error:
        _record_failure(run, "\n".join(iter_messages(error)))
    except Exception as error:
        logger.exception("Import run %s failed", run.pk)
        summary = None
        _record_failure(
            run,
            _("The import failed: %(error)s. Nothing was imported.")
            % {"error": f"{type(error).__name__}: {error}"},
        )
    return summary


def fail_interrupted_run(run_id: int) -> None:
    """The import's task failed outside ``run_import`` (its workers died): the data's
    transaction never committed, so nothing was written."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run and run.status in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}:
            _record_failure(
                run,
                _(
                    "The background worker stopped while it imported this file, more than "
                    "once. Nothing was imported. Try again; if it stops again, the file may "
                    "be too large for the server's memory."
                ),
            )


def retry_import(run: ImportRun, *, by: Any) -> ImportRun:
    """Queue a failed run's file again (kept with the run), as the same run."""
    from rightsmonitor.recommendations.tasks import import_recommendations_file

    access.require_manage(by)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.FAILED or not run.file:
            raise ValidationError(_("Only a failed import of an uploaded file can be retried."))
        run.status, run.errors, run.finished_at = ImportRun.Status.QUEUED, "", None
        run.save(update_fields=["status", "errors", "finished_at"])
        transaction.on_commit(lambda: import_recommendations_file.enqueue(run.pk))
    return run


def _record_failure(run: ImportRun, errors: str) -> None:
    """The run failed and wrote nothing: say so, with the counts of what was not written."""
    run.status, run.errors = ImportRun.Status.FAILED, errors
    run.created = run.updated = run.unchanged = run.rejected = 0
    run.finished_at = timezone.now()
    run.save()


def rejected_rows_csv(run: ImportRun) -> bytes:
    if not run.rejected_rows:
        stream = io.StringIO()
        csv.writer(stream).writerow([_("Row"), _("Column"), _("Reason")])
        return stream.getvalue().encode("utf-8-sig")
    with run.rejected_rows.open("rb") as handle:
        return handle.read()
