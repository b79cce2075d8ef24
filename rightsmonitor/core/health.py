"""``/healthz``: is this installation ready to serve? For load balancers, container engines and
monitoring. ``/health/`` (core/views.py) only says the process answers.

One JSON object, 200 when every check passes, else 503:

- ``database``: a query answers;
- ``cache``: a value written to the default cache reads back (Redis when shared);
- ``migrations``: none is left unapplied (checked until all are, then remembered: migrations
  only come with new code, and new code means a new process);
- ``worker``: a background worker beat within ``HEALTH_WORKER_MAX_AGE`` seconds, with the
  queue's length and the age of its oldest waiting task beside it.

``?only=web`` leaves out the worker, so that a load balancer does not take a web server out of
service because the worker is down. Answered by a middleware placed first: no host check (a
probe on 127.0.0.1 need not be in ALLOWED_HOSTS), no HTTPS redirect, no session, no cache.
Errors name their kind only: connection details stay in the logs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import get_random_string

logger = logging.getLogger("rightsmonitor.health")

Check = dict[str, Any]
PATHS = frozenset({"/healthz", "/healthz/"})
_migrations_applied = False


def timed(check: Callable[[], Check]) -> Check:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # Any failure is an answer, not a crash.
        logger.warning("Health check %s failed: %r", check.__name__, exc)
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "engine": connection.vendor}


def cache() -> Check:
    key = f"healthz:{get_random_string(12)}"
    default = caches["default"]
    default.set(key, "1", 10)
    read = default.get(key)
    default.delete(key)
    return {"ok": read == "1", "backend": type(default).__name__}


def migrations() -> Check:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if unapplied:
            return {"ok": False, "unapplied": len(unapplied)}
        _migrations_applied = True
    return {"ok": True, "unapplied": 0}


def worker() -> Check:
    from django_tasks_db.models import DBTaskResult

    from rightsmonitor.core.models import WorkerHeartbeat

    now = timezone.now()
    newest = WorkerHeartbeat.objects.order_by("-beat_at").first()
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (now - newest.beat_at).total_seconds() if newest else None
    result: Check = {
        "ok": age is not None and age <= settings.HEALTH_WORKER_MAX_AGE,
        "heartbeat_age_seconds": None if age is None else round(age, 1),
        "workers_alive": WorkerHeartbeat.objects.filter(
            beat_at__gte=now - timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE)
        ).count(),
        "tasks_waiting": waiting.count(),
        "oldest_waiting_seconds": None if oldest is None else round((now - oldest).total_seconds()),
    }
    if newest and newest.last_error:
        result["last_error"] = newest.last_error.split(":", 1)[0]
        result["last_error_at"] = newest.last_error_at.isoformat() if newest.last_error_at else None
    return result


def healthz(request: HttpRequest) -> HttpResponse:
    checks = {"database": timed(database), "cache": timed(cache)}
    if checks["database"]["ok"]:
        checks["migrations"] = timed(migrations)
        if request.GET.get("only") != "web":
            checks["worker"] = timed(worker)
    else:
        checks["migrations"] = {"ok": False, "error": "database unavailable"}
    healthy = all(check["ok"] for check in checks.values())
    response = HttpResponse(
        json.dumps({"status": "ok" if healthy else "fail", "checks": checks}, indent=2) + "\n",
        content_type="application/json",
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    # A failing probe every few seconds is not an error of its own (the checks log theirs):
    # Django would log each 503, and Sentry would take each for an event.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class HealthCheckMiddleware:
    """Answers /healthz before anything else runs (see the module's text)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in PATHS:
            return healthz(request)
        return self.get_response(request)
