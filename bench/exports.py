"""Benchmark: open-data exports of 200,000 rows against a raw database cursor dump.

Usage: ``make bench`` (or ``uv run python bench/exports.py [--sizes 20000,200000]``). Runs
against a throw-away SQLite database (or DATABASE_URL, whose recommendations it empties and
fills). For each size it inserts that many synthetic recommendations, then exports the
``recommendations`` dataset (the search page's) through the real view,
``/data/recommendations.<fmt>``, read as it streams, in CSV, XLSX and JSON; and, as the
baseline, dumps the same columns of the same rows, in the same order, with a raw cursor to
CSV. Each measurement runs in a fresh process whose
peak resident memory (``VmHWM``) is read from ``/proc/self/status`` before and after: the
growth must not follow the row count. Times are printed as a ratio to the raw dump.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
_tmp = os.environ.get("RM_BENCH_TMP") or tempfile.mkdtemp(prefix="rm-bench-")
os.environ["RM_BENCH_TMP"] = _tmp  # the child processes use the same database
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsmonitor.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # DEBUG keeps every query's SQL

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from rightsmonitor.recommendations.models import (  # noqa: E402
    Body,
    Mechanism,
    Position,
    Recommendation,
    Source,
)

BATCH = 5000
RAW_COLUMNS = (
    "r.id, r.symbol, r.paragraph, b.code, b.mechanism, r.annotation_type, r.language, r.text, "
    "r.document_date, r.session, r.cycle, r.recommending_states, r.position"
)


def memory_kib(field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (the peak) of this process, in KiB."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise RuntimeError(f"No {field} in /proc/self/status")


def fill(count: int) -> None:
    """``count`` recommendations (plain bulk inserts; no themes, no full-text index)."""
    Recommendation.objects.all()._raw_delete(Recommendation.objects.db)
    body, _created = Body.objects.get_or_create(
        code="CAT", defaults={"mechanism": Mechanism.TREATY_BODY}
    )
    first = date(2000, 1, 1)
    with transaction.atomic():
        for start in range(0, count, BATCH):
            Recommendation.objects.bulk_create(
                [
                    Recommendation(
                        body=body,
                        text=(
                            f"Take effective measures to prevent torture and ill-treatment "
                            f"in places of detention (case {n})."
                            if n % 7
                            else f'=HYPERLINK("http://example.org/{n}")'
                        ),
                        language="en",
                        paragraph=str(n),
                        symbol=f"CAT/C/KAZ/CO/{n % 9}",
                        document_date=first + timedelta(days=n % 9000),
                        position=Position.NO_RESPONSE,
                        source=Source.UHRI,
                        source_id=f"bench-{n}",
                        text_key=f"bench-{n}",
                        content_hash=f"{n:032x}",
                    )
                    for n in range(start, min(count, start + BATCH))
                ]
            )


def child(kind: str, size: int) -> None:
    """One measurement in this (fresh) process; prints a JSON line."""
    before = memory_kib("VmRSS")
    start = time.perf_counter()
    written = 0
    if kind == "raw":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {RAW_COLUMNS} FROM recommendations_recommendation r "
                "JOIN recommendations_body b ON b.id = r.body_id "
                "ORDER BY r.document_date DESC, r.symbol, r.paragraph, r.id"
            )
            while batch := cursor.fetchmany(2000):
                writer.writerows(batch)
                written += len(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
    else:
        response = Client().get(f"/data/recommendations.{kind}")
        assert response.status_code == 200, response.status_code
        for chunk in response.streaming_content:
            written += len(chunk)
    seconds = time.perf_counter() - start
    grown = memory_kib("VmHWM") - before
    print(json.dumps({"kind": kind, "size": size, "seconds": seconds, "bytes": written,
                      "peak_growth_kib": grown}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    call_command("migrate", verbosity=0)
    results: dict[tuple[str, int], dict[str, float]] = {}
    for size in sizes:
        fill(size)
        for kind in ("raw", "csv", "xlsx", "json"):
            output = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(size)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[(kind, size)] = json.loads(output.strip().splitlines()[-1])
    print(f"{'export':<26}{'rows':>9}{'seconds':>9}{'x raw':>7}{'MiB out':>9}{'peak +MiB':>10}")
    for size in sizes:
        raw = results[("raw", size)]["seconds"]
        for kind in ("raw", "csv", "xlsx", "json"):
            found = results[(kind, size)]
            label = "raw cursor → CSV" if kind == "raw" else f"view → {kind.upper()}"
            print(
                f"{label:<26}{size:>9,}{found['seconds']:>9.1f}{found['seconds'] / raw:>7.1f}"
                f"{found['bytes'] / 2**20:>9.1f}{found['peak_growth_kib'] / 1024:>10.1f}"
            )


if __name__ == "__main__":
    main()
