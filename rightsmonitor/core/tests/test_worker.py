"""The worker (core/worker.py): recovers the tasks of dead workers, beats, survives database
errors. The killed-process versions of these run in resilience/ (make test-resilience)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rightsmonitor.core.models import WorkerHeartbeat
from rightsmonitor.core.tests.tasks import leave_mark
from rightsmonitor.core.worker import ResilientWorker, recover_lost_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def running_under(worker_ids: list[str], *, claimed_seconds_ago: float, path: str) -> DBTaskResult:
    result = leave_mark.enqueue(path)
    row = DBTaskResult.objects.get(id=result.id)
    row.status = TaskResultStatus.RUNNING
    row.worker_ids = worker_ids
    row.started_at = timezone.now() - timedelta(seconds=claimed_seconds_ago)
    row.save()
    return row


def beat(worker_id: str, *, seconds_ago: float) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host="here",
        pid=1,
        started_at=now - timedelta(hours=1),
        beat_at=now - timedelta(seconds=seconds_ago),
    )


def recover(**options: object) -> list[str]:
    return recover_lost_tasks(backend_name="default", lost_after=60, max_attempts=3, **options)


def test_a_task_whose_worker_stopped_beating_is_queued_again(tmp_path: Path) -> None:
    beat("dead", seconds_ago=300)
    lost = running_under(["dead"], claimed_seconds_ago=600, path=str(tmp_path / "m"))

    assert recover() == [f"queued {lost.id}"]

    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.READY
    assert lost.started_at is None
    # A worker now runs it, and it runs once.
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.SUCCESSFUL
    assert (tmp_path / "m").read_text() == "ran\n"


def test_a_worker_without_a_heartbeat_row_is_dead_too(tmp_path: Path) -> None:
    lost = running_under(["vanished"], claimed_seconds_ago=600, path=str(tmp_path / "m"))
    assert recover() == [f"queued {lost.id}"]


def test_the_task_of_a_live_worker_and_a_fresh_claim_are_left_alone(tmp_path: Path) -> None:
    beat("alive", seconds_ago=5)
    long_task = running_under(["alive"], claimed_seconds_ago=3600, path=str(tmp_path / "a"))
    # Claimed a moment ago by a worker that has not beaten yet: not judged yet.
    running_under(["starting"], claimed_seconds_ago=1, path=str(tmp_path / "b"))

    assert recover() == []
    long_task.refresh_from_db()
    assert long_task.status == TaskResultStatus.RUNNING


def test_a_task_this_worker_claimed_but_does_not_run_is_recovered(tmp_path: Path) -> None:
    """The worker survived an error while recording the outcome: the row says RUNNING under a
    live worker that is running something else, or nothing."""
    beat("me", seconds_ago=1)
    stuck = running_under(["me"], claimed_seconds_ago=600, path=str(tmp_path / "m"))
    current = running_under(["me"], claimed_seconds_ago=600, path=str(tmp_path / "n"))

    assert recover(own_worker_id="me", own_task_id=current.id) == [f"queued {stuck.id}"]


def test_a_task_whose_workers_died_too_often_fails_with_a_message(tmp_path: Path) -> None:
    lost = running_under(["w1", "w2", "w3"], claimed_seconds_ago=600, path=str(tmp_path / "m"))

    assert recover() == [f"failed {lost.id}"]

    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED
    assert lost.exception_class_path == "rightsmonitor.core.worker.WorkerLost"
    assert "stopped 3 times" in lost.traceback
    assert lost.finished_at is not None


def test_the_worker_beats_while_it_runs_and_leaves_no_row_when_it_stops(tmp_path: Path) -> None:
    leave_mark.enqueue(str(tmp_path / "m"), seconds=1.0)
    seen: list[WorkerHeartbeat] = []

    worker = ResilientWorker(
        queue_names=["default"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="beating",
        excluded_queue_names=[],
        lost_after=1.2,  # beats every 0.2 s
        max_attempts=3,
    )
    original = ResilientWorker.run_task

    def run_task_and_look(self: ResilientWorker, db_task_result: DBTaskResult) -> None:
        original(self, db_task_result)
        seen.extend(WorkerHeartbeat.objects.all())

    ResilientWorker.run_task = run_task_and_look  # type: ignore[method-assign]
    try:
        worker.run()
    finally:
        ResilientWorker.run_task = original  # type: ignore[method-assign]

    assert [row.worker_id for row in seen] == ["beating"]
    # It beat during the one-second task, after it started.
    assert seen[0].beat_at > seen[0].started_at
    assert not WorkerHeartbeat.objects.exists()
    assert (tmp_path / "m").read_text() == "ran\n"


def test_the_worker_survives_a_locked_database_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The first look for work meets "database is locked" (SQLite while an import holds the
    write lock): the worker logs it, pauses, and then runs the task."""
    leave_mark.enqueue(str(tmp_path / "m"))
    monkeypatch.setattr("rightsmonitor.core.worker.time.sleep", lambda seconds: None)
    calls = {"n": 0}
    real_ready = DBTaskResult.objects.ready

    def ready_after_a_lock() -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("database is locked")
        return real_ready()

    monkeypatch.setattr(DBTaskResult.objects, "ready", ready_after_a_lock)
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)

    assert (tmp_path / "m").read_text() == "ran\n"
    assert calls["n"] >= 2
    [report] = [r for r in caplog.records if r.name == "rightsmonitor.worker"]
    assert report.levelname == "ERROR"
    assert "database is locked" in report.exc_text
