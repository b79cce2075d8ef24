"""Named role users shared by every test, as healthchecks does with owner/member/outsider."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import (
    PASSWORD,
    AdministratorFactory,
    CivilSocietyFactory,
    CoordinatorFactory,
    FocalPointFactory,
)
from rightsmonitor.core import pagecache


@pytest.fixture(autouse=True)
def _english_and_no_throttling(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    settings.AXES_ENABLED = False
    settings.REQUIRE_2FA_FOR_STAFF = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No API rate limits: the counts would carry over between tests in the per-process
    # cache. api/tests/test_throttling.py turns them on.
    settings.API_RATE_ANON = settings.API_RATE_USER = settings.API_RATE_TOKEN = ""
    # No shared page cache either: a test's changes roll back without committing, so nothing
    # would tell the cache. core/tests/test_pagecache.py turns it on.
    settings.PUBLIC_CACHE_SECONDS = 0
    # Nor the making of pages after a change (portal/tests/test_warming.py turns it on).
    settings.PUBLIC_CACHE_WARM_SECONDS = 0


@pytest.fixture
def page_cache_on(settings):  # type: ignore[no-untyped-def]
    """The shared page cache as production has it (off in tests, see above), emptied around
    the test."""
    settings.PUBLIC_CACHE_SECONDS = 600
    cache.clear()
    pagecache.forget_local()
    yield
    cache.clear()
    pagecache.forget_local()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A local S3 emulator (moto's server), as the object store a cluster would use."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_media(settings, s3_server: str, monkeypatch: pytest.MonkeyPatch) -> Any:  # type: ignore[no-untyped-def]
    """Files stored in a fresh bucket of the emulator, as with MEDIA_S3_BUCKET; yields the
    bucket (boto3) to look into."""
    import boto3
    from django.utils.crypto import get_random_string

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    name = f"media-{get_random_string(8).lower()}"
    bucket = boto3.resource("s3", endpoint_url=s3_server, region_name="us-east-1").Bucket(name)
    bucket.create()
    settings.MEDIA_ROOT = "/nonexistent-media-root"  # nothing may land on local disk
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "location": "rm",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": True,
            },
        },
    }
    return bucket


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The demo plan and logins, loaded once for a test module and rolled back after it (each
    test's own changes roll back on top, as usual)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", force=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def administrator(db) -> User:  # type: ignore[no-untyped-def]
    return AdministratorFactory(email="admin@example.org")


@pytest.fixture
def coordinator(db) -> User:  # type: ignore[no-untyped-def]
    return CoordinatorFactory(email="coordinator@example.org")


@pytest.fixture
def focal_point_mia(db) -> User:  # type: ignore[no-untyped-def]
    return FocalPointFactory(email="focal.mia@example.org")


@pytest.fixture
def ngo_member(db) -> User:  # type: ignore[no-untyped-def]
    return CivilSocietyFactory(email="ngo@example.org")


@pytest.fixture
def public() -> AnonymousUser:
    return AnonymousUser()


def client_for(user: User | AnonymousUser | None) -> Client:
    client = Client()
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return client


@pytest.fixture
def coordinator_client(coordinator: User) -> Client:
    return client_for(coordinator)


# feedback: one fixed Fernet key for every test, so confidential feedback written by
# one test's actions is readable by its pages (rightsmonitor/feedback/tests test other keys).
TEST_FEEDBACK_KEY = "dGVzdC1mZWVkYmFjay1rZXktMzItYnl0ZXMtbG9uZyE="


@pytest.fixture(autouse=True)
def _feedback_test_key(settings):  # type: ignore[no-untyped-def]
    settings.FEEDBACK_KEYS = [TEST_FEEDBACK_KEY]
    settings.FEEDBACK_DEVELOPMENT_KEY = False
