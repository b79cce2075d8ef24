"""The resilience suite's parts (fixtures in conftest.py). The suite (``make test-resilience``): the application as production runs it,
in real processes, under faults. gunicorn web processes and ``manage.py worker`` run against a
PostgreSQL database and a Redis server of the suite's own; tests kill them, restart the
database, and look at what is left through the ORM of this process, which uses the same
settings.

Not collected by ``make test`` (its tests live under rightsmonitor/): these start processes and
wait for them, and need PostgreSQL. pytest-django is switched off (``-p no:django``): the
database here is a real one, filled once per run with the demo plan.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("RESILIENCE_PG", "postgres://postgres@127.0.0.1:5432")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DEMO_PASSWORD = "rights-monitor-demo"
COORDINATOR = "coordinator@demo.rightsmonitor.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    condition: Callable[[], Any], *, timeout: float, every: float = 0.2, what: str = ""
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except Exception:  # The thing waited for may fail until it is ready.
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what or condition.__name__}")
        time.sleep(every)


WORK = Path(tempfile.mkdtemp(prefix="rm-resilience-"))
DATABASE = f"rm_resilience_{os.getpid()}"
REDIS_PORT = free_port()
ENV = {
    "PATH": os.environ["PATH"],
    "HOME": os.environ.get("HOME", "/root"),
    "LANG": "C.UTF-8",
    "DJANGO_SETTINGS_MODULE": "rightsmonitor.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "FEEDBACK_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "REQUIRE_2FA_FOR_STAFF": "false",
    "DATABASE_URL": f"{PG_SERVER}/{DATABASE}",
    "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "MEDIA_ROOT": str(WORK / "media"),
    "PROGRESS_CACHE_DIR": str(WORK / "progress"),
    "PUBLIC_CACHE_WARM_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
    "PYTHONUNBUFFERED": "1",
}
# This process reads the same database and cache through Django's ORM.
os.environ.update(ENV)


class Process:
    """A child process of the suite, with its output in a log file shown when a test fails."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.log = WORK / f"{name}-{time.monotonic_ns()}.log"
        with self.log.open("w") as log:
            self.popen = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL, the whole process group: no clean-up of any kind."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


def manage(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env or ENV, check=True, timeout=600
    )


class Stack:
    """Starts web processes and workers; stops every one at the end of the test, and shows
    their output if the test failed."""

    def __init__(self) -> None:
        self.processes: list[Process] = []

    def web(self, env: dict[str, str] | None = None) -> str:
        port = free_port()
        process = Process(
            "web",
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "rightsmonitor.wsgi"],
            {
                **ENV,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "1",
                "GUNICORN_THREADS": "4",
                "GUNICORN_ACCESS_LOG": "",
                # gunicorn's control socket is one path per user: two servers would share it.
                "GUNICORN_CMD_ARGS": "--no-control-socket",
                **(env or {}),
            },
        )
        self.processes.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: requests.get(f"{url}/health/", timeout=2).ok, timeout=60, what="gunicorn"
        )
        return url

    def worker(self, env: dict[str, str] | None = None) -> Process:
        process = Process(
            "worker",
            [sys.executable, "manage.py", "worker", "--interval", "0.2", "--no-startup-delay"],
            {**ENV, **(env or {})},
        )
        self.processes.append(process)
        return process

    def close(self, failed: bool) -> None:
        for process in self.processes:
            process.stop()
            if failed:
                print(f"--- {process.name} ({process.log}) ---\n{process.output()}")


class LoopbackCookies(requests.cookies.RequestsCookieJar):
    """Production cookies are Secure; over the loopback, as a browser on localhost does, send
    them anyway (the jar keeps them as plain cookies)."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> None:
        cookie.secure = False
        super().set_cookie(cookie, *args, **kwargs)


def browser() -> requests.Session:
    session = requests.Session()
    session.cookies = LoopbackCookies()
    return session


class FormFields(HTMLParser):
    """The fields of the forms on a page, with the values a browser would send untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            else:
                fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in a):
            fields[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def submit(
    session: requests.Session, url: str, changes: dict[str, str], *, form: int = -1, **extra: Any
) -> requests.Response:
    """Open ``url``, change some fields of its ``form``-th form and send it, as a browser does."""
    page = session.get(url, timeout=30)
    page.raise_for_status()
    parser = FormFields()
    parser.feed(page.text)
    chosen = [f for f in parser.forms if "csrfmiddlewaretoken" in f["fields"]][form]
    action = requests.compat.urljoin(page.url, chosen["action"] or page.url)
    return session.post(
        action,
        data={**chosen["fields"], **changes},
        headers={"Referer": page.url},
        timeout=60,
        **extra,
    )


def sign_in(session: requests.Session, base: str, email: str = COORDINATOR) -> None:
    response = submit(
        session, f"{base}/accounts/login/", {"username": email, "password": DEMO_PASSWORD}
    )
    assert response.ok and "sessionid" in session.cookies, response.text[-2000:]
