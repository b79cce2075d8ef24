"""Operations under production settings, in a fresh interpreter each: errors reach a Sentry
server (a local stand-in here), logs can be JSON, and the answers carry the security headers
and cookie flags production needs."""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "p" * 64,
    "FEEDBACK_KEYS": base64.urlsafe_b64encode(b"k" * 32).decode(),
    "ALLOWED_HOSTS": "rights.example.org",
}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``code`` after django.setup(), with production settings and ``env``, on a scratch SQLite."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "rightsmonitor.settings", **PRODUCTION, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


class Envelopes(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"] or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "deflate":
            body = zlib.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        Envelopes.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_errors_reach_sentry_when_sentry_dsn_is_set_and_nothing_personal_goes(
    tmp_path: Path,
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Envelopes.received = []
    dsn = f"http://publickey@127.0.0.1:{server.server_port}/7"
    code = (
        "from django.test import Client\n"
        "from django.urls import path\n"
        "import sentry_sdk\n"
        "secret = 'the complainant lives at 5 Abai Street'\n"
        "try:\n"
        "    raise RuntimeError('the import broke')\n"
        "except RuntimeError:\n"
        "    sentry_sdk.capture_exception()\n"
        "sentry_sdk.flush(5)\n"
    )
    try:
        result = run_python(
            code, SENTRY_DSN=dsn, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    sent = b"".join(Envelopes.received).decode()
    assert "the import broke" in sent
    assert '"environment":"production"' in sent.replace(" ", "")
    # Local variables stay here: they may hold decrypted feedback.
    assert "Abai Street" not in sent


def test_nothing_is_sent_without_sentry_dsn(tmp_path: Path) -> None:
    result = run_python(
        "import sentry_sdk; print(sentry_sdk.get_client().is_active())",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_json_logs_are_one_object_a_line_with_the_exception(tmp_path: Path) -> None:
    code = (
        "import logging\n"
        "log = logging.getLogger('rightsmonitor.test')\n"
        "log.warning('Import %s refused', 7, extra={'run': 7})\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    log.exception('Ошибка')\n"
    )
    result = run_python(code, LOG_FORMAT="json", DATABASE_URL=f"sqlite:///{tmp_path / 'x'}")
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stderr.strip().splitlines())
    assert first["level"] == "WARNING" and first["logger"] == "rightsmonitor.test"
    assert first["message"] == "Import 7 refused" and first["run"] == 7
    assert first["time"].endswith("+00:00")
    assert second["message"] == "Ошибка"
    assert "ZeroDivisionError" in second["exception"]


def test_a_log_format_that_is_neither_is_refused(tmp_path: Path) -> None:
    result = run_python("", LOG_FORMAT="xml", DATABASE_URL=f"sqlite:///{tmp_path / 'x'}")
    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr


def test_security_headers_and_cookies_under_production_settings(tmp_path: Path) -> None:
    """Through the whole middleware stack, as the proxy hands requests on (HTTPS): a page, the
    sign-in form (which sets the CSRF cookie), a signed-in page (the session cookie), the API."""
    code = (
        "import json\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from django.conf import settings\n"
        "# Headers, not static files, are tested here: hashed names without the slow compression.\n"
        f"settings.STATIC_ROOT = {str(tmp_path / 'static')!r}\n"
        "settings.STORAGES = {**settings.STORAGES, 'staticfiles': {'BACKEND':\n"
        "    'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n"
        "from django.test import Client\n"
        "from rightsmonitor.accounts.models import User\n"
        "user = User.objects.create_user(email='f@example.org', password='x-Long-enough-9')\n"
        "signed_in = Client()\n"
        "signed_in.force_login(user)\n"
        "for client, path in [(Client(), '/'), (Client(), '/accounts/login/'),\n"
        "                     (signed_in, '/accounts/profile/'), (Client(), '/api/v1/plans/')]:\n"
        "    r = client.get(path, secure=True, HTTP_HOST='rights.example.org')\n"
        "    cookies = {k: dict(v) for k, v in r.cookies.items()}\n"
        "    print(json.dumps({'path': path, 'status': r.status_code,\n"
        "                      'headers': dict(r.headers), 'cookies': cookies}))\n"
        "r = Client().post('/accounts/login/', {'username': 'f@example.org',\n"
        "    'password': 'x-Long-enough-9'}, secure=True, HTTP_HOST='rights.example.org')\n"
        "print(json.dumps({'path': 'sign-in', 'status': r.status_code,\n"
        "    'cookies': {k: dict(v) for k, v in r.cookies.items()}}))\n"
        "r = Client().get('/', HTTP_HOST='rights.example.org')\n"
        "print(json.dumps({'path': 'http', 'status': r.status_code, 'headers': dict(r.headers)}))\n"
    )
    result = run_python(
        code,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        BEHIND_PROXY="true",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answers = {a["path"]: a for a in map(json.loads, result.stdout.splitlines()[-6:])}
    for path in ("/", "/accounts/login/", "/accounts/profile/", "/api/v1/plans/"):
        answer = answers[path]
        assert answer["status"] == 200, path
        headers = answer["headers"]
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        csp = headers["Content-Security-Policy"]
        for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                          "object-src 'none'", "base-uri 'self'", "form-action 'self'"):  # fmt: skip
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        for name, cookie in answer["cookies"].items():
            assert cookie["secure"] is True, (path, name)
            assert cookie["samesite"] in {"Lax", "Strict"}, (path, name)
    assert "csrftoken" in answers["/accounts/login/"]["cookies"]
    assert answers["sign-in"]["status"] == 302
    session = answers["sign-in"]["cookies"]["sessionid"]
    assert session["secure"] is True and session["httponly"] is True
    assert session["samesite"] == "Lax"
    # Plain HTTP is sent to HTTPS.
    assert answers["http"]["status"] == 301
    assert answers["http"]["headers"]["Location"] == "https://rights.example.org/"
