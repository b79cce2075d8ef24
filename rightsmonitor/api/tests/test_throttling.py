"""API rate limits: 429 with Retry-After once the rate is used up, counted per address for
the public, per user for sessions and per token for tokens."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from rightsmonitor.api.tests.conftest import Issue, bearer
from rightsmonitor.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/"


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def statuses(client: Client, times: int) -> list[int]:
    return [client.get(URL).status_code for _ in range(times)]


def test_the_public_is_limited_per_address(settings: Any) -> None:
    settings.API_RATE_ANON = "2/minute"
    assert statuses(Client(), 2) == [200, 200]
    response = Client().get(URL)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]
    # Another address has its own count.
    assert Client(REMOTE_ADDR="192.0.2.7").get(URL).status_code == 200


def test_signed_in_users_are_limited_per_user(settings: Any, coordinator, focal_point_mia) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE_USER = "1/minute"
    settings.API_RATE_ANON = "1/minute"
    assert statuses(client_for(coordinator), 2) == [200, 429]
    assert statuses(client_for(focal_point_mia), 1) == [200]


def test_tokens_are_limited_per_token(
    settings: Any, plan_world: SimpleNamespace, issue: Issue
) -> None:
    settings.API_RATE_TOKEN = "1/minute"
    settings.API_RATE_USER = "1/minute"
    _first, one = issue(plan_world.focal_point_mia, "read")
    _second, two = issue(plan_world.focal_point_mia, "read")
    assert statuses(bearer(one), 2) == [200, 429]
    assert "Retry-After" in bearer(one).get(URL).headers
    # The user's other token, and their session, count separately.
    assert statuses(bearer(two), 1) == [200]
    assert statuses(client_for(plan_world.focal_point_mia), 1) == [200]


def test_no_limit_when_the_rate_is_empty(settings: Any) -> None:
    settings.API_RATE_ANON = ""
    assert set(statuses(Client(), 5)) == {200}


def test_cache_url_names_a_shared_cache_for_the_counts() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from rightsmonitor.settings import cache_settings

    assert cache_settings("locmem://")["BACKEND"].endswith("LocMemCache")
    assert cache_settings("db://api_cache") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "api_cache",
    }
    assert cache_settings("redis://cache:6379/1")["LOCATION"] == "redis://cache:6379/1"
    with pytest.raises(ImproperlyConfigured):
        cache_settings("memcached://cache")
