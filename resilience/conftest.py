"""Fixtures of the resilience suite; what they use is in stack.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from resilience.stack import DATABASE, ENV, PG_SERVER, REDIS_PORT, WORK, Process, Stack, manage


@pytest.fixture(scope="session", autouse=True)
def services() -> Iterator[None]:
    """The suite's Redis and PostgreSQL database, migrated, with the demo plan and logins."""
    redis = Process(
        "redis",
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        ENV,
    )
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    try:
        manage("migrate", "--no-input", "-v0")
        manage("collectstatic", "--no-input", "-v0")
        manage("load_demo", "--force")
        import django

        django.setup()
        yield
    finally:
        from django.db import connections

        connections.close_all()
        redis.stop()
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        shutil.rmtree(WORK, ignore_errors=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.failed_call = report.failed  # type: ignore[attr-defined]
    return report


@pytest.fixture
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    from django.core.cache import cache

    cache.clear()  # Each test starts with no cached page and no rate-limit count.
    running = Stack()
    yield running
    running.close(failed=getattr(request.node, "failed_call", True))
