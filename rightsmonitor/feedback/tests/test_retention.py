"""Closed cases are deleted with their files once the retention period has passed."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from rightsmonitor.feedback import actions
from rightsmonitor.feedback.models import AccessLog, Case
from rightsmonitor.feedback.tasks import purge_feedback_daily

from .conftest import PDF_BYTES

ALMATY = ZoneInfo("Asia/Almaty")


def _closed_on(day: date, submit, by) -> Case:  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=ALMATY)):
        receipt = submit(attachment=SimpleUploadedFile("a.pdf", PDF_BYTES, "application/pdf"))
        actions.read_content(receipt.case, by=by)
        return actions.take_transition(receipt.case, "close", by=by)


def test_purge_deletes_old_closed_cases_and_their_files(  # type: ignore[no-untyped-def]
    submit, assigned, settings, media_root, django_capture_on_commit_callbacks
) -> None:
    settings.FEEDBACK_RETENTION_DAYS = 30
    old = _closed_on(date(2024, 1, 1), submit, assigned)
    recent = _closed_on(date(2024, 1, 25), submit, assigned)
    with time_machine.travel(datetime(2023, 6, 1, tzinfo=ALMATY)):
        still_open = submit().case
    with time_machine.travel(datetime(2024, 1, 20, 12, tzinfo=ALMATY)):
        actions.read_content(old, by=assigned)
    old_file = media_root / old.attachment_file
    assert old_file.exists()
    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_feedback", "--today", "2024-02-05", stdout=output)
    assert "Deleted 1 closed case(s), 1 file(s)" in output.getvalue()
    assert set(Case.objects.all()) == {recent, still_open}
    assert not old_file.exists() and (media_root / recent.attachment_file).exists()
    # The log keeps who read which code (not the case) until it too is past the retention:
    # the reads of 1 January are gone, that of 20 January stays.
    (orphaned,) = AccessLog.objects.filter(reference=old.reference)
    assert orphaned.case is None and orphaned.at.date() == date(2024, 1, 20)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_feedback", "--today", "2024-12-31", stdout=StringIO())
    assert not AccessLog.objects.filter(reference=old.reference).exists()
    assert not Case.objects.filter(pk=recent.pk).exists()


def test_the_nightly_task_purges_and_queues_itself(submit, assigned, settings) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    settings.FEEDBACK_RETENTION_DAYS = 1
    _closed_on(date(2024, 1, 1), submit, assigned)
    result = purge_feedback_daily.call()
    assert result["cases"] == 1 and not Case.objects.exists()
    assert DBTaskResult.objects.filter(task_path=purge_feedback_daily.module_path).count() == 1


def test_bad_input_is_an_error() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("purge_feedback", "--today", "yesterday")
