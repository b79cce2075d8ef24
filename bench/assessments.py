"""Benchmark: generating the annual assessment for the demo plan and a 1,000-action plan.

Usage: ``make bench`` (or ``uv run python bench/assessments.py [--sizes 1000] [--language ru]``).
Runs against a throw-away SQLite database. For each plan it times building the content (the
snapshot) and writing the PDF, DOCX and XLSX, and records the peak of Python memory
(tracemalloc) and the process's peak resident memory. Times and memory are printed as ratios
against the demo plan (27 actions), measured in the same run, next to the ratio of sizes.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_tmp = tempfile.mkdtemp(prefix="rm-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsmonitor.settings")
os.environ.setdefault("MEDIA_ROOT", f"{_tmp}/media")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from rightsmonitor.accounts.models import User  # noqa: E402
from rightsmonitor.assessments.actions import create_assessment, renderers  # noqa: E402
from rightsmonitor.assessments.content import build_snapshot  # noqa: E402
from rightsmonitor.assessments.models import Assessment  # noqa: E402
from rightsmonitor.plans.models import Plan  # noqa: E402
from rightsmonitor.plans.tests.factories import build_plan  # noqa: E402
from rightsmonitor.reporting.actions import ensure_periods, set_assessed_status  # noqa: E402
from rightsmonitor.reporting.models import ImplementationStatus  # noqa: E402


def measure(work: Callable[[], object]) -> tuple[float, int, object]:
    """Seconds of one plain run, and the peak traced Python memory (bytes) of a second run.

    Two runs, because tracing every allocation slows Python several times over.
    """
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, result


def synthetic_plan(size: int, coordinator: User) -> Plan:
    sections = max(1, size // 40)
    plan = build_plan(code=f"bench-{size}", sections=sections, actions_per_section=size // sections)
    statuses = ImplementationStatus.values
    for index, action in enumerate(plan.actions.all()):
        if index % 3:
            set_assessed_status(action, statuses[index % len(statuses)], by=coordinator)
    ensure_periods(plan, until=datetime.date(2023, 12, 31))
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="Synthetic plan sizes (actions).")
    parser.add_argument("--language", default="ru")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_demo", force=True, stdout=StringIO())
    coordinator = User.objects.get(email="coordinator@demo.rightsmonitor.org")
    plans = [Plan.objects.get(code="kz-hr-2022")]
    plans += [synthetic_plan(int(size), coordinator) for size in args.sizes.split(",")]
    render = renderers()
    rows: list[tuple[str, int, str, float, int]] = []
    for plan in plans:
        assessment = Assessment.objects.filter(plan=plan).first() or create_assessment(
            plan, start=plan.period_start, end=datetime.date(2022, 12, 31), by=coordinator
        )
        seconds, peak, snapshot = measure(lambda a=assessment: build_snapshot(a))
        size = plan.actions.count()
        rows.append((plan.code, size, "content (snapshot)", seconds, peak))
        for file_format, writer in render.items():
            seconds, peak, data = measure(
                lambda w=writer, s=snapshot: w(s, language=args.language, draft=False)
            )
            rows.append(
                (
                    plan.code,
                    size,
                    f"{file_format.upper()} ({len(data) // 1024:,} KiB)",
                    seconds,
                    peak,
                )
            )
    base = {
        name.split(" (")[0]: (seconds, peak, size)
        for _code, size, name, seconds, peak in rows
        if size == rows[0][1]
    }
    print(f"Baseline: the demo plan ({rows[0][1]} actions); language {args.language}.")
    print(
        f"{'measurement':<26}{'actions':>8}{'seconds':>9}{'time x':>8}{'size x':>8}{'peak MiB':>10}{'mem x':>7}"
    )
    for _code, size, name, seconds, peak in rows:
        base_seconds, base_peak, base_size = base[name.split(" (")[0]]
        print(
            f"{name:<26}{size:>8}{seconds:>9.2f}{seconds / base_seconds:>8.1f}"
            f"{size / base_size:>8.1f}{peak / 2**20:>10.1f}{peak / base_peak:>7.1f}"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak resident memory of the whole run: {max_rss:,.0f} MiB")


if __name__ == "__main__":
    main()
