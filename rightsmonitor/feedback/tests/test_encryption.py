"""Encryption at rest, the key canary, key rotation and the deploy check."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection

from rightsmonitor.feedback import actions, crypto
from rightsmonitor.feedback.models import Case, KeyCanary

from .conftest import PDF_BYTES

SECRET_TEXT = "Officer Zhumabekov beat my brother in cell 12"
NAME = "Aigerim Nurlanovna"
EMAIL = "aigerim.witness@example.kz"
PHONE = "+7 701 555 0199"
ANSWER = "We referred case seventeen to the prosecutor on Monday"
FILE_MARKER = b"UNIQUE-FILE-MARKER-7731"


def _raw_rows() -> list[tuple[str, str, str]]:
    """Every value of every column of every table of the feedback app, read with SQL."""
    tables = {model._meta.db_table for model in apps.get_app_config("feedback").get_models()}
    # History tables, should anyone ever add django-simple-history to these models.
    tables |= {name for name in connection.introspection.table_names() if "feedback" in name}
    values = []
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = (
                        bytes(value).decode("latin-1")
                        if isinstance(value, bytes | memoryview)
                        else str(value)
                    )
                    values.append((table, column, text))
    return values


def _full_case(submit, assigned) -> actions.Receipt:  # type: ignore[no-untyped-def]
    receipt = submit(
        content=SECRET_TEXT,
        contact=actions.Contact(name=NAME, email=EMAIL, phone=PHONE),
        attachment=SimpleUploadedFile(
            "witness-statement-aigerim.pdf", PDF_BYTES + FILE_MARKER, "application/pdf"
        ),
    )
    actions.answer_case(receipt.case, text=ANSWER, by=assigned)
    actions.read_content(receipt.case, by=assigned)
    actions.read_contact(receipt.case, by=assigned)
    return receipt


def test_no_plaintext_in_any_column_or_file(submit, assigned, media_root: Path) -> None:
    receipt = _full_case(submit, assigned)
    rows = _raw_rows()
    assert {table for table, _c, _v in rows} >= {"feedback_case", "feedback_accesslog"}
    secret_plain = receipt.secret.replace("-", "")
    needles = [
        SECRET_TEXT,
        "Zhumabekov",
        NAME,
        "Aigerim",
        EMAIL,
        PHONE,
        "701 555",
        ANSWER,
        "witness-statement",
        "seventeen",
        secret_plain,
    ]
    for table, column, value in rows:
        for needle in needles:
            assert needle.casefold() not in value.casefold(), f"{needle!r} in {table}.{column}"
    files = [path for path in media_root.rglob("*") if path.is_file()]
    assert len(files) == 1
    raw = files[0].read_bytes()
    assert FILE_MARKER not in raw and b"%PDF" not in raw
    assert "witness" not in files[0].name
    # ... yet the assigned coordinator reads it all back.
    assert actions.read_content(receipt.case, by=assigned).text == SECRET_TEXT
    attachment = actions.read_attachment(receipt.case, by=assigned)
    assert attachment is not None and attachment.data == PDF_BYTES + FILE_MARKER
    assert attachment.name == "witness-statement-aigerim.pdf"


def test_the_secret_is_stored_only_as_a_salted_hash(submit) -> None:
    first, second = submit(), submit()
    for receipt in (first, second):
        stored = Case.objects.get(pk=receipt.case.pk).secret_hash
        assert receipt.secret.replace("-", "") not in stored
    assert first.case.secret_hash != second.case.secret_hash


def test_submission_stores_the_canary_with_the_current_key(submit) -> None:
    assert not KeyCanary.objects.exists()
    submit()
    assert crypto.check_canary() is None


# A wrong key refuses to start ------------------------------------------------------------------


@pytest.fixture
def wrong_key(settings, submit) -> None:  # type: ignore[no-untyped-def]
    submit()  # data and canary under the test key
    settings.FEEDBACK_KEYS = [Fernet.generate_key().decode()]


def test_check_with_the_database_fails_with_a_wrong_key(wrong_key) -> None:
    errors = run_checks(databases=["default"])
    assert [error.id for error in errors if error.id.startswith("feedback")] == ["feedback.E002"]
    with pytest.raises(SystemCheckError, match=r"feedback\.E002"):
        call_command("check", databases=["default"])


def test_the_wsgi_application_refuses_to_load_with_a_wrong_key(wrong_key) -> None:
    with pytest.raises(ImproperlyConfigured, match="FEEDBACK_KEYS cannot decrypt"):
        crypto.verify_keys_at_start()
    sys.modules.pop("rightsmonitor.wsgi", None)
    with pytest.raises(ImproperlyConfigured, match="FEEDBACK_KEYS cannot decrypt"):
        importlib.import_module("rightsmonitor.wsgi")


def test_the_wsgi_application_loads_with_the_right_key(submit) -> None:
    submit()
    sys.modules.pop("rightsmonitor.wsgi", None)
    assert importlib.import_module("rightsmonitor.wsgi").application is not None
    errors = run_checks(databases=["default"])
    assert not [error for error in errors if error.id.startswith("feedback")]


def test_no_key_at_all_refuses_to_start(settings, db) -> None:  # type: ignore[no-untyped-def]
    settings.FEEDBACK_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="FEEDBACK_KEYS is not set"):
        crypto.verify_keys_at_start()


def test_deploy_check_wants_keys_of_its_own(settings) -> None:  # type: ignore[no-untyped-def]
    def feedback_errors() -> list[str]:
        return [
            error.id
            for error in run_checks(include_deployment_checks=True)
            if error.id.startswith("feedback")
        ]

    assert feedback_errors() == []
    settings.FEEDBACK_DEVELOPMENT_KEY = True  # derived from SECRET_KEY
    assert feedback_errors() == ["feedback.E001"]
    settings.FEEDBACK_DEVELOPMENT_KEY = False
    settings.FEEDBACK_KEYS = []
    assert feedback_errors() == ["feedback.E001"]


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "FEEDBACK_KEYS"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import rightsmonitor.settings as s; print(len(s.FEEDBACK_KEYS), s.FEEDBACK_DEVELOPMENT_KEY)",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )


def test_settings_derive_a_key_only_in_development() -> None:
    assert _settings_in_subprocess(DEBUG="true").stdout.split() == ["1", "True"]
    production = _settings_in_subprocess(DEBUG="false", SECRET_KEY="x" * 64)
    assert production.stdout.split() == ["0", "False"], production.stderr
    key = Fernet.generate_key().decode()
    two = _settings_in_subprocess(DEBUG="false", SECRET_KEY="x" * 64, FEEDBACK_KEYS=f"{key}, {key}")
    assert two.stdout.split() == ["2", "False"], two.stderr
    bad = _settings_in_subprocess(DEBUG="true", FEEDBACK_KEYS="not-a-key")
    assert bad.returncode != 0 and "FEEDBACK_KEYS must be Fernet keys" in bad.stderr


# Rotation --------------------------------------------------------------------------------------


def test_rotation_re_encrypts_rows_and_files(  # type: ignore[no-untyped-def]
    settings, submit, assigned, media_root, django_capture_on_commit_callbacks
) -> None:
    receipt = _full_case(submit, assigned)
    old_key = settings.FEEDBACK_KEYS[0]
    old_file = receipt.case.attachment_file
    new_key = Fernet.generate_key().decode()
    settings.FEEDBACK_KEYS = [new_key, old_key]
    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_feedback_keys", stdout=output)
    assert "Re-encrypted 1 case(s) and 1 file(s)" in output.getvalue()
    settings.FEEDBACK_KEYS = [new_key]  # the old key is dropped
    assert crypto.check_canary() is None
    case = Case.objects.get(pk=receipt.case.pk)
    assert case.attachment_file != old_file
    assert not (media_root / old_file).exists()
    assert [path.name for path in media_root.rglob("*.bin")] == [Path(case.attachment_file).name]
    assert actions.read_content(case, by=assigned).text == SECRET_TEXT
    assert actions.read_contact(case, by=assigned).email == EMAIL
    attachment = actions.read_attachment(case, by=assigned)
    assert attachment is not None and attachment.data.endswith(FILE_MARKER)
    # The old key alone reads nothing any more.
    settings.FEEDBACK_KEYS = [old_key]
    assert crypto.check_canary() is not None


def test_rotation_with_a_wrong_key_changes_nothing(settings, submit, media_root) -> None:  # type: ignore[no-untyped-def]
    receipt = submit(attachment=SimpleUploadedFile("a.pdf", PDF_BYTES, "application/pdf"))
    before = Case.objects.values().get(pk=receipt.case.pk)
    settings.FEEDBACK_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="cannot decrypt"):
        call_command("rotate_feedback_keys")
    assert Case.objects.values().get(pk=receipt.case.pk) == before
    assert len(list(media_root.rglob("*.bin"))) == 1


def test_cases_keep_no_exact_time_and_no_address() -> None:
    fields = Case._meta.concrete_fields
    assert "DateTimeField" not in {field.get_internal_type() for field in fields}
    assert not [field.name for field in fields if "ip" in field.name or "addr" in field.name]
