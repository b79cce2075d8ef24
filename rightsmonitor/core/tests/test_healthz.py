"""/healthz: database, cache, migrations and worker, as JSON with 200 or 503."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from rightsmonitor.core import health
from rightsmonitor.core.models import WorkerHeartbeat
from rightsmonitor.core.tests.tasks import leave_mark

pytestmark = pytest.mark.django_db


def beat(seconds_ago: float, error: str = "") -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=f"w{seconds_ago}",
        host="here",
        pid=1,
        started_at=now - timedelta(hours=1),
        beat_at=now - timedelta(seconds=seconds_ago),
        last_error=error,
        last_error_at=now if error else None,
    )


def get(path: str = "/healthz", **headers: str) -> tuple[int, dict]:
    response = Client(**headers).get(path)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def test_all_well_is_200_with_every_check() -> None:
    beat(seconds_ago=3)
    status, body = get()
    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "migrations", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["unapplied"] == 0
    assert 2 <= body["checks"]["worker"]["heartbeat_age_seconds"] < 60
    assert body["checks"]["worker"]["workers_alive"] == 1


def test_no_worker_or_a_silent_one_is_503_and_says_how_long_tasks_wait(tmp_path, settings) -> None:
    leave_mark.enqueue(str(tmp_path / "m"))
    status, body = get()
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["worker"]["heartbeat_age_seconds"] is None
    assert body["checks"]["worker"]["tasks_waiting"] == 1

    beat(
        seconds_ago=settings.HEALTH_WORKER_MAX_AGE + 5, error="OperationalError: database is locked"
    )
    status, body = get()
    assert status == 503
    worker = body["checks"]["worker"]
    assert worker["workers_alive"] == 0
    assert worker["last_error"] == "OperationalError"


def test_only_web_leaves_the_worker_out_for_load_balancers() -> None:
    status, body = get("/healthz?only=web")
    assert status == 200
    assert "worker" not in body["checks"]


def test_a_cache_that_fails_is_503(monkeypatch) -> None:
    beat(seconds_ago=1)

    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 10.0.0.7:6379. Connection refused.")

    monkeypatch.setattr(caches["default"], "set", refuse)
    status, body = get()
    assert status == 503
    # The kind of error only: addresses stay in the logs.
    assert body["checks"]["cache"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": body["checks"]["cache"]["ms"],
    }


def test_unapplied_migrations_are_503(monkeypatch) -> None:
    beat(seconds_ago=1)
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("plans", "0099_new")]
    )
    status, body = get()
    assert status == 503
    assert body["checks"]["migrations"] == {
        "ok": False,
        "unapplied": 1,
        "ms": body["checks"]["migrations"]["ms"],
    }


def test_probes_need_no_allowed_host_and_no_https(settings) -> None:
    settings.ALLOWED_HOSTS = ["rights.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    status, _ = get("/healthz?only=web", HTTP_HOST="10.1.2.3:8000")
    assert status == 200
