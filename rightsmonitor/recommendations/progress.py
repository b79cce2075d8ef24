"""How far a running import has got, readable from any process.

The import runs inside one transaction (in the worker process), so its progress cannot be
written to the database, where nobody would see it until the end. It goes to the ``progress``
cache instead (a file-based cache by default, shared by the web server and the worker).
"""

from __future__ import annotations

from django.core.cache import caches

TIMEOUT = 24 * 3600


def _key(run_id: int) -> str:
    return f"recommendation-import-{run_id}"


def set_progress(run_id: int, done: int, total: int) -> None:
    caches["progress"].set(_key(run_id), (done, total), TIMEOUT)


def get_progress(run_id: int) -> tuple[int, int] | None:
    value = caches["progress"].get(_key(run_id))
    return (int(value[0]), int(value[1])) if value else None


def percent(run_id: int) -> int | None:
    value = get_progress(run_id)
    if not value or not value[1]:
        return None
    return min(100, round(100 * value[0] / value[1]))
