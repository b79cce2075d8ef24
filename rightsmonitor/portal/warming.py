"""Making the pages everyone opens again, in the background, after public content changed.

A change of content moves the page cache's generation on (core/pagecache.py), so the first
reader of each page afterwards would pay for making it: seconds for the whole index's facet
counts or a 3,000-action plan's dashboard. Instead, the background worker (``manage.py
worker``) makes them itself, as an anonymous reader would ask for them, through the whole
middleware stack: the pages, their shared fragments and aggregates land in the shared cache.

- ``schedule_warming`` is called each time the generation moves on; it queues one run,
  ``PUBLIC_CACHE_WARM_DELAY`` seconds later, unless one is queued already, so that a burst of
  edits (an import, a coordinator's afternoon) costs one run.
- ``warm_public_pages`` makes ``warm_paths()`` in order, the portal's entry points in every
  language first, then each public plan's page and dashboard, largest first; it stops when its
  time (``PUBLIC_CACHE_WARM_SECONDS``) is up or when the content changes again (the change
  queued another run).
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from rightsmonitor.core import pagecache
from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans.models import Plan

ENTRY_POINTS = (
    "portal:home",
    "portal:plan_list",
    "portal:search",
    "recommendations:search",
    "indicators:overview",
)


def warming_on() -> bool:
    return settings.PUBLIC_CACHE_SECONDS > 0 and settings.PUBLIC_CACHE_WARM_SECONDS > 0


def schedule_warming(**_signal: Any) -> None:
    """Queue a run of ``warm_public_pages`` unless one is waiting already."""
    if not warming_on():
        return
    waiting = DBTaskResult.objects.filter(
        task_path=warm_public_pages.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return
    run_after = timezone.now() + timedelta(seconds=settings.PUBLIC_CACHE_WARM_DELAY)
    warm_public_pages.using(run_after=run_after).enqueue()


def warm_paths() -> list[str]:
    """The pages to make, most read first: the entry points in every language, then each
    public plan's page and dashboard (the largest plans, whose pages cost most, first)."""
    plans = list(
        Plan.objects.public()
        .annotate(actions_n=Count("actions"))
        .order_by("-actions_n", "code")
        .values_list("code", flat=True)
    )
    entry_points = [(name, ()) for name in ENTRY_POINTS]
    per_plan = [(name, (code,)) for code in plans for name in ("portal:plan", "portal:dashboard")]
    return _in_every_language(entry_points) + _in_every_language(per_plan)


def _in_every_language(names: Iterable[tuple[str, tuple[str, ...]]]) -> list[str]:
    paths = []
    for name, args in names:
        for code in language_codes():
            with translation.override(code):
                paths.append(reverse(name, args=args))
    return paths


@task()
def warm_public_pages() -> dict[str, int]:
    """Make ``warm_paths()`` as an anonymous reader would; returns how many were made."""
    if not warming_on():
        return {"made": 0, "failed": 0}
    started = time.monotonic()
    generation = pagecache.generation()
    handler = WSGIHandler()
    made = failed = 0
    for path in warm_paths():
        if pagecache.generation() != generation:
            break  # changed again: the change queued the next run
        if _get(handler, path):
            made += 1
        else:
            failed += 1
        if time.monotonic() - started > settings.PUBLIC_CACHE_WARM_SECONDS:
            break
    return {"made": made, "failed": failed}


def _get(handler: WSGIHandler, path: str) -> bool:
    """GET ``path`` through the whole middleware stack, as an anonymous reader on the site's
    public address (``SITE_URL``); True when it answered 200."""
    site = urlsplit(settings.SITE_URL)
    secure = site.scheme == "https"
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": site.hostname or "localhost",
        "SERVER_PORT": str(site.port or (443 if secure else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": site.netloc,
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.url_scheme": site.scheme or "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    response = handler(environ, start_response)
    try:
        for _chunk in response:
            pass
    finally:
        close = getattr(response, "close", None)
        if close:
            close()
    return bool(statuses) and statuses[0].startswith("200")
