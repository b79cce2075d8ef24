"""Settings read the environment once, with safe defaults, and refuse bad values."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from rightsmonitor.settings import email_settings, envbool, envint


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings module in a fresh interpreter with the given environment."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import rightsmonitor.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )


def test_production_refuses_to_start_without_a_real_secret_key() -> None:
    result = _import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_with_a_secret_key_is_secure() -> None:
    result = _import_settings(DEBUG="false", SECRET_KEY="x" * 64)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_bad_boolean_and_integer_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        envbool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        envint("SOME_NUMBER", 1)


def test_email_url() -> None:
    smtp = email_settings("smtp://user%40x.org:p%40ss@mail.example.org:587?tls=1")
    assert smtp["EMAIL_HOST"] == "mail.example.org"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_USER"] == "user@x.org"
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    with pytest.raises(ImproperlyConfigured):
        email_settings("pigeon://coop")


def test_passwords_are_hashed_with_argon2_outside_tests() -> None:
    import rightsmonitor.settings as module

    assert module.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_sqlite_uses_wal_by_default() -> None:
    import rightsmonitor.settings as module

    if module.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert "journal_mode=WAL" in module.DATABASES["default"]["OPTIONS"]["init_command"]
