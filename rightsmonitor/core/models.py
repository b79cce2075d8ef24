"""The one table of the floor: which background workers are alive (``core/worker.py``)."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A worker process says it is alive every few seconds, from a thread of its own, so that a
    long task does not silence it. A worker silent for ``WORKER_LOST_AFTER`` seconds is taken
    for dead: the task it was running is queued again (``core.worker.recover_lost_tasks``), and
    ``/healthz`` reports the newest beat's age."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    # The task being run now, if any (django_tasks_db's DBTaskResult id).
    task_id = models.UUIDField(null=True, blank=True)
    tasks_run = models.PositiveIntegerField(default=0)
    # The last error the worker survived (the database locked or gone), for /healthz and admins.
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
