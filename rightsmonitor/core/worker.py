"""The background worker, made to outlive what kills django-tasks-db's own (``manage.py worker``).

django-tasks-db's ``db_worker`` stops for good on the first database error outside a task
(PostgreSQL restarting, SQLite's "database is locked" while a long import holds the write lock),
and a task whose worker was killed stays RUNNING for ever, so nothing ever runs it again.

This worker adds three things around the same loop:

- **It survives.** A database error in the loop is logged (and reaches Sentry when configured),
  written on its heartbeat row for ``/healthz``, and the loop goes on after a pause that grows
  to 30 s while the error lasts.
- **It beats.** A thread of its own writes the worker's ``WorkerHeartbeat`` row every few
  seconds, also while a long task runs, so ``/healthz`` knows whether any worker is alive.
- **It recovers lost tasks.** Every few seconds it looks for tasks RUNNING under a worker that
  has been silent for ``WORKER_LOST_AFTER`` seconds (killed, or its host gone) and queues them
  again, or marks them failed once they have been started ``TASK_MAX_ATTEMPTS`` times. Our tasks
  can run again safely: imports and file generation are atomic, reminders and warming are
  idempotent.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, InterfaceError, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus, task_finished
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from rightsmonitor.core.models import WorkerHeartbeat

logger = logging.getLogger("rightsmonitor.worker")

MAX_PAUSE_SECONDS = 30.0


class WorkerLost(RuntimeError):
    """Recorded on a task given up after its workers died under it too often."""


def new_worker_id() -> str:
    """Unique across hosts and restarts, and readable in the admin: host, process, random."""
    host = socket.gethostname()[:32]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"[:64]


def live_worker_ids(*, now: Any, lost_after: float) -> set[str]:
    since = now - timedelta(seconds=lost_after)
    return set(
        WorkerHeartbeat.objects.filter(beat_at__gte=since).values_list("worker_id", flat=True)
    )


def recover_lost_tasks(
    *,
    backend_name: str,
    lost_after: float,
    max_attempts: int,
    own_worker_id: str = "",
    own_task_id: Any = None,
) -> list[str]:
    """Queue again (or give up) the tasks whose worker stopped beating; returns what it did.

    A task counts as lost when the last worker that claimed it has not beaten for
    ``lost_after`` seconds, and was claimed at least that long ago (a worker from before
    heartbeats, or one that has just started, is given the benefit of the doubt); also a task
    this worker claimed but is not running (its outcome could not be recorded). Each row is
    changed under its lock and only if still RUNNING under the same worker, so two workers that
    recover at once, or a worker that finishes the task meanwhile, never clash.
    """
    now = timezone.now()
    live = live_worker_ids(now=now, lost_after=lost_after)
    claimed_before = now - timedelta(seconds=lost_after)
    suspects = DBTaskResult.objects.running().filter(
        backend_name=backend_name, started_at__lt=claimed_before
    )
    done = []
    for task_id, worker_ids in suspects.values_list("id", "worker_ids"):
        owner = worker_ids[-1] if worker_ids else ""
        abandoned_here = owner == own_worker_id and task_id != own_task_id
        if owner in live and not abandoned_here:
            continue
        with transaction.atomic():
            task = (
                DBTaskResult.objects.select_for_update()
                .filter(id=task_id, status=TaskResultStatus.RUNNING)
                .first()
            )
            if task is None or task.worker_ids != worker_ids:
                continue
            if len(task.worker_ids) >= max_attempts:
                task.set_failed(
                    WorkerLost(
                        f"The worker running this task stopped {len(task.worker_ids)} times "
                        f"(last: {owner}); it was not started again."
                    )
                )
                logger.error("Task %s (%s) given up: its workers died", task.id, task.task_path)
                # As when a task fails by itself: the app that queued it can mark its own
                # record (an import run, a generation job) failed.
                result = task.task_result
                transaction.on_commit(
                    lambda result=result: task_finished.send(  # type: ignore[misc]
                        sender=type(result.task.get_backend()), task_result=result
                    )
                )
                done.append(f"failed {task.id}")
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                logger.warning(
                    "Task %s (%s) queued again: worker %s stopped beating",
                    task.id,
                    task.task_path,
                    owner,
                )
                done.append(f"queued {task.id}")
    return done


class Heartbeat(threading.Thread):
    """Writes the worker's row every few seconds until stopped, and now and then recovers lost
    tasks. Its own thread has its own database connection, so it never waits for the task's
    transaction, and it goes on while the worker's loop is idle or busy."""

    def __init__(
        self, worker_id: str, *, backend_name: str, lost_after: float, max_attempts: int
    ) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.backend_name = backend_name
        self.lost_after = lost_after
        self.max_attempts = max_attempts
        self.every = max(0.2, min(10.0, lost_after / 6))
        self.recover_every = max(1.0, lost_after / 4)
        self.task_id: Any = None
        self.tasks_run = 0
        self.error = ""
        self.stopped = threading.Event()
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "beat_at": now,
            },
        )

    def run(self) -> None:
        last_recovery = 0.0
        try:
            while not self.stopped.wait(self.every):
                self.beat()
                if time.monotonic() - last_recovery >= self.recover_every:
                    last_recovery = time.monotonic()
                    self.recover()
        finally:
            connection.close()

    def recover(self) -> None:
        try:
            recover_lost_tasks(
                backend_name=self.backend_name,
                lost_after=self.lost_after,
                max_attempts=self.max_attempts,
                own_worker_id=self.worker_id,
                own_task_id=self.task_id,
            )
        except (DatabaseError, InterfaceError) as exc:
            logger.warning("Lost tasks not looked for: %s", exc)
            connection.close()

    def beat(self) -> None:
        fields: dict[str, Any] = {
            "beat_at": timezone.now(),
            "task_id": self.task_id,
            "tasks_run": self.tasks_run,
        }
        if self.error:
            fields.update(last_error=self.error[:2000], last_error_at=timezone.now())
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(**fields)
            self.error = ""
        except (DatabaseError, InterfaceError) as exc:
            logger.warning("Heartbeat not written: %s", exc)
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        # If this fails, the row goes stale and is read as a dead worker: the same outcome.
        with suppress(DatabaseError, InterfaceError):
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class ResilientWorker(Worker):
    def __init__(self, *, lost_after: float, max_attempts: int, **options: Any) -> None:
        super().__init__(**options)
        self.lost_after = lost_after
        self.max_attempts = max_attempts
        self.heartbeat: Heartbeat | None = None

    def run(self) -> None:
        pause = 1.0
        last_error = 0.0
        try:
            while self.running:
                try:
                    if self.heartbeat is None:
                        self.heartbeat = Heartbeat(
                            self.worker_id,
                            backend_name=self.backend_name,
                            lost_after=self.lost_after,
                            max_attempts=self.max_attempts,
                        )
                        self.heartbeat.start()
                    super().run()
                    break  # --batch or --max-tasks: done.
                except (DatabaseError, InterfaceError) as exc:
                    # Calm for a minute since the last error: start again from a short pause.
                    if time.monotonic() - last_error > 60:
                        pause = 1.0
                    last_error = time.monotonic()
                    logger.exception("The worker met a database error; it goes on in %.0f s", pause)
                    if self.heartbeat is not None:
                        self.heartbeat.error = f"{type(exc).__name__}: {exc}"
                    self.running_task = False
                    connection.close()
                    time.sleep(pause)
                    pause = min(pause * 2, MAX_PAUSE_SECONDS)
        finally:
            if self.heartbeat is not None:
                self.heartbeat.stop()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        with self.working_on(db_task_result):
            super().run_task(db_task_result)

    @contextmanager
    def working_on(self, db_task_result: DBTaskResult) -> Iterator[None]:
        if self.heartbeat is not None:
            self.heartbeat.task_id = db_task_result.id
        try:
            yield
        finally:
            if self.heartbeat is not None:
                self.heartbeat.task_id = None
                self.heartbeat.tasks_run += 1
