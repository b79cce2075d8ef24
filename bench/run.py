"""Benchmarks: how the plan page, the API and plan tables scale with the number of actions.

Usage: ``make bench`` (or ``uv run python bench/run.py [--sizes 30,300,3000] [--repeat 5]``).
Runs against a throw-away SQLite database (or DATABASE_URL, which it will fill). Each
measurement is printed as a ratio against the smallest size, measured in the same run, next
to the ratio of sizes: a time ratio well above the size ratio means worse than linear. Query
counts are printed too; they must not grow with the size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_tmp = tempfile.mkdtemp(prefix="rm-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsmonitor.settings")
os.environ.setdefault("LOGIN_THROTTLING", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from rightsmonitor.plans.exporters.plan_table import export_plan_table  # noqa: E402
from rightsmonitor.plans.importers.plan_table import load_plan_table  # noqa: E402
from rightsmonitor.plans.models import Plan  # noqa: E402
from rightsmonitor.plans.tests.factories import PlanFactory, build_plan  # noqa: E402


def measure(work: Callable[[], object], repeat: int) -> tuple[float, int, int]:
    """Median seconds, queries of one run, peak memory (bytes) of one run."""
    with CaptureQueriesContext(connection) as queries:
        tracemalloc.start()
        work()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    query_count = len(queries)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    reset_queries()
    return statistics.median(timings), query_count, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,300,3000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    call_command("migrate", verbosity=0)
    client = Client()
    results: dict[str, list[tuple[int, float, int, int]]] = {}
    for size in sizes:
        sections = max(1, size // 30)
        plan = build_plan(
            code=f"bench-{size}", sections=sections, actions_per_section=size // sections
        )
        exported = export_plan_table(plan, "xlsx")
        cases: dict[str, Callable[[], object]] = {
            "plan page": lambda plan=plan: client.get(f"/plans/{plan.code}/"),
            "API actions (page of 100)": lambda plan=plan: client.get(
                "/api/v1/actions/", {"plan": plan.code}
            ),
            "export XLSX": lambda plan=plan: export_plan_table(plan, "xlsx"),
            "import XLSX (dry run)": lambda exported=exported, size=size: load_plan_table(
                exported,
                PlanFactory(code=f"target-{size}-{time.monotonic_ns()}"),
                by=None,
                filename="plan.xlsx",
                dry_run=True,
            ),
        }
        for name, work in cases.items():
            results.setdefault(name, []).append((size, *measure(work, args.repeat)))
        Plan.objects.filter(code__startswith="target-").delete()

    base = sizes[0]
    print(f"Baseline: {base} actions; ratios are against it (median of {args.repeat} runs).")
    print(
        f"{'measurement':<28}{'actions':>8}{'seconds':>10}{'time x':>8}{'size x':>8}{'queries':>9}{'peak MiB':>10}"
    )
    for name, rows in results.items():
        base_seconds = rows[0][1]
        for size, seconds, queries, peak in rows:
            print(
                f"{name:<28}{size:>8}{seconds:>10.4f}{seconds / base_seconds:>8.1f}"
                f"{size / base:>8.1f}{queries:>9}{peak / 2**20:>10.1f}"
            )


if __name__ == "__main__":
    main()
