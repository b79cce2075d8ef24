"""Load benchmark: the pages and API lists users hit most, as they hit them.

Usage: ``make bench-load`` (or ``uv run python bench/load.py [--seconds 20] [--connections 8]
[--workers 3] [--only NAME,...]``). It serves the database in ``DATABASE_URL`` (PostgreSQL
with ``bench/dataset.py``'s data for figures worth quoting) with the production server,
gunicorn with the repository's ``gunicorn.conf.py`` (threaded workers), in production settings
(DEBUG off, the shared Redis cache when it answers), in three passes (``PASSES``): *cold*, the
shared cache off (``PUBLIC_CACHE_SECONDS=0``: every request makes its page and its aggregates,
as the first reader after a change does); *signed-in*, requests carrying a session cookie, so
that each page is made afresh while its shared fragments, facet counts and totals come from the
cache (docs/decisions/0014); *anonymous*,
as readers without an account get pages, from the shared cache. For each page and API list it:

1. counts its queries once, through Django's test client in this process;
2. loads it for ``--seconds`` with ``--connections`` concurrent connections (``hey``, Debian's
   package; 127.0.0.1 only, bounded in time) and reads the median, the 95th percentile and
   the requests per second;
3. prints requests per second as a ratio to ``/health/`` (a minimal Django view, no query)
   loaded for 2 s on the same server just before the page (the machine's speed drifts).

In the first pass it also downloads the whole recommendations CSV (``/data/recommendations.csv``)
while four other connections load the API, and checks that it is complete (every public
recommendation, the last line whole), that it came chunked (a cut would show) and that the
workers' peak memory did not grow with it; last it prints the workers' peak resident memory.

The result is a Markdown table for ``docs/performance.md``. Nothing is written to the
database: it only reads.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsmonitor.settings")
os.environ.setdefault("LOGIN_THROTTLING", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from rightsmonitor.indicators.models import Indicator  # noqa: E402
from rightsmonitor.plans.models import Action, Plan  # noqa: E402
from rightsmonitor.recommendations.models import Recommendation  # noqa: E402

HOST = "127.0.0.1"
REDIS_URL = "redis://127.0.0.1:6379/14"
# Not a valid session: the reader is anonymous, but the page cache cannot know that.
SESSION_COOKIE = "sessionid=bench-load"
BASELINE_SECONDS = 2


@dataclass
class Measure:
    p50_ms: float | None = None
    p95_ms: float | None = None
    rps: float | None = None
    errors: str = ""


@dataclass
class Target:
    name: str
    path: str
    queries: int | None = None
    measures: dict[str, Measure] = field(default_factory=dict)  # by pass
    # The minimal view's requests/s measured just before this page, by pass: the machine's
    # speed drifts (a shared virtual machine), so each page is compared with its neighbour.
    baselines: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Pass:
    name: str
    cache_seconds: int  # 0: the shared cache off
    cookie: bool  # requests carry a session cookie, so pages are made afresh
    meaning: str


PASSES = [
    Pass("cold", 0, False, "the shared cache off: every request makes its page and aggregates"),
    Pass(
        "signed-in",
        600,
        True,
        "pages made afresh for each request (a session cookie), their shared fragments and "
        "aggregates from the cache",
    ),
    Pass("anonymous", 600, False, "as readers without an account get pages: from the cache"),
]


def targets() -> list[Target]:
    """The pages users hit most, on the largest data there is."""
    public = Plan.objects.public().annotate(actions_n=Count("actions")).order_by("-actions_n")
    largest = public.first()
    small = public.filter(actions_n__gt=0).order_by("actions_n", "code").first()
    found: list[Target] = [Target("minimal view (/health/)", "/health/"), Target("home", "/")]
    for label, plan in (("plan", small), ("largest plan", largest)):
        if plan is None:
            continue
        size = f"{plan.actions_n:,} actions"
        found.append(Target(f"{label} ({size})", f"/plans/{plan.code}/"))
        found.append(Target(f"dashboard, {label} ({size})", f"/plans/{plan.code}/dashboard/"))
    action = Action.objects.filter(plan=small).order_by("section__order", "order").first()
    if action is not None:
        found.append(Target("action page", action.get_absolute_url()))
    found += [
        Target("site search, common word (en)", "/search/?q=torture"),
        Target("site search, rare word (en)", "/search/?q=ombudsperson"),
        Target("site search, common word (ru)", "/ru/search/?q=пытки"),
        Target("site search, rare word (ru)", "/ru/search/?q=омбудсмен"),
        Target("recommendations, no filter", "/recommendations/"),
        Target("recommendations, two facets", "/recommendations/?mechanism=upr&position=supported"),
    ]
    recommendation = Recommendation.objects.order_by("pk").only("pk").first()
    if recommendation is not None:
        found.append(Target("a recommendation", f"/recommendations/{recommendation.pk}/"))
    indicator = (
        Indicator.objects.annotate(n=Count("observations")).filter(n__gt=0).order_by("-n").first()
    )
    if indicator is not None:
        found.append(Target("indicator page", f"/indicators/{indicator.code}/"))
    found += [
        Target("API actions", "/api/v1/actions/"),
        Target("API recommendations", "/api/v1/recommendations/"),
        Target("API observations", "/api/v1/observations/"),
    ]
    return found


def count_queries(target: Target) -> None:
    client = Client(HTTP_HOST=HOST)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target.path)
    target.queries = len(captured.captured_queries)
    if response.status_code != 200:
        target.errors = f"status {response.status_code} through the test client"


def server_environment(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "FEEDBACK_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback, no proxy in front
            "API_RATE_ANON": "",
            "API_RATE_USER": "",
            "API_RATE_TOKEN": "",
            "LOGIN_THROTTLING": "false",
            "SITE_URL": f"http://{HOST}:{port}",
        }
    )
    if redis_answers():
        env["CACHE_URL"] = REDIS_URL
    return env


def redis_answers() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_server(port: int, workers: int, *, cache_seconds: int) -> subprocess.Popen[bytes]:
    """gunicorn as production runs it: ``gunicorn.conf.py`` (threaded workers), DEBUG off.
    ``cache_seconds`` 0 turns the shared page cache off, to measure the pages' own work."""
    env = server_environment(port)
    env.update(
        {
            "PUBLIC_CACHE_SECONDS": str(cache_seconds),
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_BIND": f"{HOST}:{port}",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
        }
    )
    # Production settings serve static files from the manifest that collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    command = [sys.executable, "-m", "gunicorn", "rightsmonitor.wsgi:application"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/health/", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer on /health/ within 60 s")


LATENCY = re.compile(r"^\s*(\d+)%+ in ([\d.]+) secs", re.M)
RATE = re.compile(r"Requests/sec:\s*([\d.]+)")
STATUS = re.compile(r"\[(\d{3})\]\s+(\d+) responses")


def load(target: Target, port: int, *, seconds: int, connections: int, cookie: bool) -> Measure:
    measure = Measure()
    url = f"http://{HOST}:{port}{quote(target.path, safe='/?=&')}"
    headers = {"Cookie": SESSION_COOKIE} if cookie else {}
    for _ in range(2):  # warm: the first request of a worker pays for imports and caches
        try:
            request = urllib.request.Request(url, headers=headers)
            urllib.request.urlopen(request, timeout=120).read()
        except OSError as error:
            measure.errors = str(error)
            return measure
    extra = ["-H", f"Cookie: {headers['Cookie']}"] if cookie else []
    output = subprocess.run(
        ["hey", "-z", f"{seconds}s", "-c", str(connections), "-t", "120", *extra, url],
        capture_output=True,
        text=True,
        timeout=seconds + 180,
        check=False,
    ).stdout
    percentiles = {int(p): float(s) * 1000 for p, s in LATENCY.findall(output)}
    measure.p50_ms, measure.p95_ms = percentiles.get(50), percentiles.get(95)
    rate = RATE.search(output)
    measure.rps = float(rate.group(1)) if rate else None
    statuses = {code: int(n) for code, n in STATUS.findall(output)}
    if set(statuses) - {"200"}:
        measure.errors = ", ".join(f"{n} × {code}" for code, n in sorted(statuses.items()))
    return measure


def full_csv_under_load(port: int, server: subprocess.Popen[bytes], *, connections: int = 4) -> str:
    """Download the whole recommendations CSV while the API is loaded: is it complete, was it
    sent so that a cut would show (chunked), and did the workers' memory stay flat?"""
    expected = Recommendation.objects.count()
    memory_before = max(worker_peaks(server), default=0)
    # With a session cookie, so that the API makes every answer rather than read the cache.
    loader = subprocess.Popen(
        [
            "hey",
            "-z",
            "600s",
            "-c",
            str(connections),
            "-H",
            f"Cookie: {SESSION_COOKIE}",
            f"http://{HOST}:{port}/api/v1/recommendations/",
        ],
        stdout=subprocess.DEVNULL,
    )
    started = time.monotonic()
    rows, size, chunked, ended = 0, 0, False, False
    try:
        connection_ = http.client.HTTPConnection(HOST, port, timeout=900)
        connection_.request("GET", "/data/recommendations.csv")
        answer = connection_.getresponse()
        chunked = answer.getheader("Transfer-Encoding", "") == "chunked"
        tail = b""
        # Read as it comes, counting lines, so the benchmark's own memory stays small too;
        # http.client raises IncompleteRead if the last chunk never comes.
        while block := answer.read(1 << 20):
            size += len(block)
            tail = block[-2:]
            rows += block.count(b"\n")
        ended = tail.endswith(b"\n")
    except (OSError, http.client.HTTPException) as error:
        return f"FAILED after {size / 2**20:.0f} MiB: {error!r}"
    finally:
        loader.send_signal(signal.SIGINT)
        loader.wait(timeout=30)
    seconds = time.monotonic() - started
    memory_after = max(worker_peaks(server), default=0)
    rows -= 1  # the header
    # A text with a line break inside a quoted cell would count more lines than rows.
    verdict = "complete" if rows >= expected and ended else "INCOMPLETE"
    return (
        f"{verdict}: {rows:,} lines for {expected:,} rows, {size / 2**20:.0f} MiB in "
        f"{seconds:.1f} s while {connections} connections loaded the API; "
        f"{'chunked' if chunked else 'NOT chunked'}; the largest worker's peak memory "
        f"{memory_before} MiB before, {memory_after} MiB after"
    )


def worker_peaks(server: subprocess.Popen[bytes]) -> list[int]:
    """Peak resident memory (MiB) of each worker of the gunicorn master."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{server.pid}$", text, re.M):
            found = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            if found:
                peaks.append(int(found.group(1)) // 1024)
    return sorted(peaks)


def _cells(measure: Measure, minimal: float | None) -> list[str]:
    ratio = f"{measure.rps / minimal:.3f}" if measure.rps and minimal else ""
    return [
        "" if measure.p50_ms is None else f"{measure.p50_ms:,.0f}",
        "" if measure.p95_ms is None else f"{measure.p95_ms:,.0f}",
        "" if measure.rps is None else f"{measure.rps:,.1f}",
        ratio + (f" ({measure.errors})" if measure.errors else ""),
    ]


def table(found: list[Target], name: str) -> str:
    """One pass: each page's figures, requests per second as a ratio to the minimal view
    measured on the same server just before the page."""
    lines = [
        "| page | queries | p50 ms | p95 ms | requests/s | ÷ minimal view |",
        "|---|---|---|---|---|---|",
    ]
    for t in found:
        measure = t.measures.get(name, Measure())
        queries = "" if t.queries is None else str(t.queries)
        cells = [f"{t.name} `{t.path}`", queries, *_cells(measure, t.baselines.get(name))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_pass(
    found: list[Target], args: argparse.Namespace, run: Pass, passes: list[Pass]
) -> tuple[str, list[int]]:
    """Serve as ``run`` says, load every page; in the first of ``passes`` also the full CSV."""
    server = start_server(args.port, args.workers, cache_seconds=run.cache_seconds)
    minimal = found[0]
    try:
        for target in found:
            if target is not minimal:
                baseline = load(
                    minimal,
                    args.port,
                    seconds=BASELINE_SECONDS,
                    connections=args.connections,
                    cookie=run.cookie,
                )
                target.baselines[run.name] = baseline.rps or 0.0
            measure = load(
                target,
                args.port,
                seconds=args.seconds,
                connections=args.connections,
                cookie=run.cookie,
            )
            target.measures[run.name] = measure
            if target is minimal:
                target.baselines[run.name] = measure.rps or 0.0
            print(
                f"  {run.name} {target.name}: p95 {measure.p95_ms} ms, {measure.rps} requests/s",
                flush=True,
            )
        stream = ""
        if run is passes[0] and not args.no_csv:
            stream = full_csv_under_load(args.port, server)
        peaks = worker_peaks(server)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return stream, peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="Load per page.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (threaded).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", help="Comma-separated words: load only pages named so.")
    parser.add_argument("--no-csv", action="store_true", help="Skip the full CSV download.")
    parser.add_argument(
        "--passes", help=f"Comma-separated, of {', '.join(p.name for p in PASSES)} (all)."
    )
    args = parser.parse_args()
    if shutil.which("hey") is None:
        raise SystemExit("hey is not installed: apt-get install hey (make bench-load does).")
    found = targets()
    if args.only:
        words = [word.strip().casefold() for word in args.only.split(",")]
        found = [found[0]] + [t for t in found[1:] if any(w in t.name.casefold() for w in words)]
    database = connection.settings_dict
    print(
        f"Database: {connection.vendor} {database.get('NAME')}; "
        f"{Plan.objects.count():,} plans, {Action.objects.count():,} actions, "
        f"{Recommendation.objects.count():,} recommendations; "
        f"{os.cpu_count()} cores; {args.workers} gunicorn workers; {args.connections} "
        f"connections, {args.seconds} s a page."
    )
    for target in found:
        count_queries(target)
    connection.close()
    passes = [p for p in PASSES if not args.passes or p.name in args.passes.split(",")]
    stream, peaks = "", []
    for run in passes:
        run_stream, run_peaks = run_pass(found, args, run, passes)
        stream, peaks = stream or run_stream, sorted(peaks + run_peaks)
    for run in passes:
        print(f"\n**{run.name}**: {run.meaning}.\n")
        print(table(found, run.name))
    if stream:
        print(f"\nFull recommendations CSV: {stream}.")
    print(f"\nWorkers' peak resident memory: {', '.join(f'{p} MiB' for p in peaks)}.")


if __name__ == "__main__":
    main()
