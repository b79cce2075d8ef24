"""Crashes: a worker killed (SIGKILL) half-way through an import, and PostgreSQL restarting
under load. Nothing half-written is left, and everything comes back by itself."""

from __future__ import annotations

import csv
import io
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile

from resilience.stack import COORDINATOR, ENV, PG_BIN, WORK, Stack, free_port, manage, wait_until

UPR_INFO_HEADER = [
    "Title", "Date added", "Template", "Recommendation", "State under Review",
    "Recommending State", "Response", "Action Category", "Issues", "Session", "Cycle",
    "Geolocation", "Documents", "Attachments", "Published",
]  # fmt: skip


def upr_info_csv(rows: int) -> bytes:
    """A UPR Info database export of ``rows`` distinct recommendations."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(UPR_INFO_HEADER)
    for number in range(rows):
        text = f"Adopt measure number {number} to prevent torture in places of detention"
        writer.writerow([
            text, "20/11/2019", "Recommendation", text, "Kazakhstan", "Portugal", "Supported",
            "5 - Specific action", "Torture|Detention", "34 - November 2019", "3rd Cycle",
            "", "", "", "Published",
        ])  # fmt: skip
    return out.getvalue().encode()


def test_an_import_killed_half_way_leaves_nothing_and_runs_again(stack: Stack) -> None:
    """SIGKILL to the worker in the middle of a 30,000-row import: no row of it is kept, the
    run is not "done"; a new worker takes the task up (the dead one stopped beating) and the
    whole file is imported once."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from rightsmonitor.accounts.models import User
    from rightsmonitor.recommendations import actions, progress
    from rightsmonitor.recommendations.models import ImportRun, Recommendation

    rows = 30_000
    before = Recommendation.objects.count()
    run = actions.request_import(
        SimpleUploadedFile("upr-info.csv", upr_info_csv(rows), content_type="text/csv"),
        format="uprinfo-csv",
        by=User.objects.get(email=COORDINATOR),
    )
    quick = {"WORKER_LOST_AFTER": "3"}
    first = stack.worker(quick)
    wait_until(
        lambda: (progress.percent(run.pk) or 0) >= 15, timeout=120, what="the import to be 15% in"
    )
    first.kill()

    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING
    assert Recommendation.objects.count() == before
    task = DBTaskResult.objects.get(
        args_kwargs__args=[run.pk], task_path__endswith="import_recommendations_file"
    )
    assert task.status == TaskResultStatus.RUNNING

    stack.worker(quick)
    wait_until(
        lambda: (
            ImportRun.objects.get(pk=run.pk).status
            in {ImportRun.Status.DONE, ImportRun.Status.FAILED}
        ),
        timeout=300,
        every=1,
        what="the second worker to finish the import",
    )
    run.refresh_from_db()
    assert (run.status, run.errors) == (ImportRun.Status.DONE, "")
    assert run.created == rows
    assert Recommendation.objects.count() == before + rows
    # The task's own row says so after the run's (which commits with the data) and the work
    # done once the data is in (the search index).
    wait_until(
        lambda: DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL,
        timeout=120,
        what="the task to be recorded",
    )
    task.refresh_from_db()
    assert len(task.worker_ids) == 2


@pytest.fixture
def own_postgresql() -> Iterator[tuple[str, str]]:
    """A PostgreSQL server of this test's own, that it may stop and start: (URL, data dir)."""
    home = WORK / f"pg-{free_port()}"
    home.mkdir()
    WORK.chmod(0o755)  # The server runs as postgres, which must reach its directory.
    subprocess.run(["chown", "postgres", str(home)], check=True)
    data, port = str(home / "data"), free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_postgres, str(PG_BIN / "initdb"), "-D", data, "-A", "trust", "-U", "postgres",
         "--no-sync", "-E", "UTF8"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    control = [*as_postgres, str(PG_BIN / "pg_ctl"), "-D", data, "-o", options, "-l", f"{home}/log"]
    subprocess.run([*control, "-w", "start"], check=True, capture_output=True)
    url = f"postgres://postgres@127.0.0.1:{port}/postgres"
    try:
        yield url, data
    finally:
        subprocess.run([*control, "-m", "immediate", "-w", "stop"], capture_output=True)


class Hammer(threading.Thread):
    """Asks for a page again and again, noting each answer's status (0: no answer) and time."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.answers: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        while not self.stopped.is_set():
            try:
                status = session.get(self.url, timeout=10).status_code
            except requests.RequestException:
                status = 0
            self.answers.append((time.monotonic(), status))
            time.sleep(0.05)

    def between(self, start: float, end: float) -> Counter[int]:
        return Counter(status for at, status in self.answers if start <= at <= end)


def test_the_application_recovers_by_itself_when_postgresql_restarts(
    stack: Stack, own_postgresql: tuple[str, str]
) -> None:
    """Under steady requests, PostgreSQL stops for a few seconds and starts again: errors only
    while it is down, then every page answers again, /healthz says so, and the worker (which
    met the outage too) runs a task queued afterwards."""
    url, data = own_postgresql
    env = {"DATABASE_URL": url, "PUBLIC_CACHE_SECONDS": "0"}
    manage("migrate", "--no-input", "-v0", env={**ENV, **env})
    web = stack.web(env)
    worker = stack.worker(env)
    page, health = Hammer(f"{web}/plans/"), Hammer(f"{web}/healthz?only=web")
    page.start()
    health.start()
    control = ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", data]
    try:
        time.sleep(3)
        stopping = time.monotonic()
        subprocess.run([*control, "-m", "fast", "-w", "stop"], check=True, capture_output=True)
        time.sleep(4)
        port = url.rsplit(":", 1)[1].split("/")[0]
        home = Path(data).parent
        options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*control, "-o", options, "-l", f"{home}/log", "-w", "start"],
            check=True,
            capture_output=True,
        )
        started = time.monotonic()
        time.sleep(8)
    finally:
        page.stopped.set()
        health.stopped.set()
        page.join()
        health.join()

    assert page.between(0, stopping) == Counter({200: page.between(0, stopping)[200]})
    assert page.between(0, stopping)[200] > 10
    down = page.between(stopping, started) + health.between(stopping, started)
    assert set(down) <= {200, 500, 503}, down  # no hang (0), only quick errors
    assert health.between(stopping + 0.5, started)[503] > 0
    # Connections are checked before reuse: within two seconds all is well again.
    assert set(page.between(started + 2, started + 9)) == {200}
    assert set(health.between(started + 2, started + 9)) == {200}
    assert requests.get(f"{web}/healthz", timeout=10).json()["checks"]["database"]["ok"]

    mark = WORK / f"mark-{free_port()}"
    manage(
        "shell",
        "-c",
        f"from rightsmonitor.core.tests.tasks import leave_mark; leave_mark.enqueue({str(mark)!r})",
        env={**ENV, **env},
    )
    assert worker.alive()
    wait_until(mark.exists, timeout=30, what="the worker to run a task after the restart")


def test_the_worker_survives_a_locked_sqlite_database_and_says_so(stack: Stack) -> None:
    """SQLite, one writer at a time: another process holds the write lock longer than the busy
    timeout (as a big import does). The worker meets "database is locked", logs it, writes it
    on its heartbeat for /healthz, and runs the next task once the lock is gone."""
    import sqlite3

    database = WORK / f"locked-{free_port()}.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "SQLITE_BUSY_TIMEOUT": "1"}
    manage("migrate", "--no-input", "-v0", env={**ENV, **env})
    worker = stack.worker(env)
    beats = sqlite3.connect(database, timeout=30)
    wait_until(
        lambda: beats.execute("SELECT count(*) FROM core_workerheartbeat").fetchone()[0],
        timeout=30,
        what="the worker's first heartbeat",
    )
    lock = sqlite3.connect(database, timeout=30, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    lock.execute("UPDATE core_workerheartbeat SET host = host")
    time.sleep(6)
    lock.execute("COMMIT")

    mark = WORK / f"mark-{free_port()}"
    manage(
        "shell",
        "-c",
        f"from rightsmonitor.core.tests.tasks import leave_mark; leave_mark.enqueue({str(mark)!r})",
        env={**ENV, **env},
    )
    wait_until(mark.exists, timeout=60, what="the worker to run a task after the lock")
    assert worker.alive()
    assert "database is locked" in worker.output()
    wait_until(
        lambda: (
            "locked"
            in (beats.execute("SELECT last_error FROM core_workerheartbeat").fetchone()[0] or "")
        ),
        timeout=30,
        what="the heartbeat to carry the error",
    )
