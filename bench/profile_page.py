"""Where a page's time goes when it is made afresh: a profile of one request.

Usage: ``DATABASE_URL=... uv run python bench/profile_page.py PATH [--top 30] [--cold]``.
The page is requested three times through Django's test client in this process with a
session cookie (so the page cache does not answer; aggregates cached by ``pagecache.cached``
are made by the first request unless ``--cold`` clears them each time), the last under
cProfile; it prints the wall time of each request, the queries of the last with their time,
and the functions that took most time, cumulative.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsmonitor.settings")
os.environ.setdefault("PUBLIC_CACHE_SECONDS", "600")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--cold", action="store_true", help="clear the cache before each request")
    args = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = "profile"
    for attempt in range(3):
        if args.cold:
            cache.clear()
        profiler = cProfile.Profile() if attempt == 2 else None
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            response = client.get(args.path)
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - started
        print(
            f"request {attempt + 1}: {response.status_code}, {elapsed * 1000:.0f} ms, "
            f"{len(queries)} queries, {len(response.content):,} bytes"
        )
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}")
    assert profiler is not None
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
