"""The web forms' rate limiter: hashed addresses, the proxy setting, atomic counts, and its use."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from rightsmonitor.core import ratelimit
from rightsmonitor.core.ratelimit import RateLimit
from rightsmonitor.participation.tests.test_organisations import APPLICATION

LIMIT = RateLimit("test", 3)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _request(remote: str = "10.1.2.3", forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_counts_per_address_up_to_the_limit() -> None:
    here, elsewhere = _request("10.1.2.3"), _request("10.1.2.4")
    assert [LIMIT.hit(here) for _ in range(4)] == [True, True, True, False]
    assert LIMIT.exceeded(here) and not LIMIT.exceeded(elsewhere)
    assert LIMIT.hit(elsewhere)


def test_the_limit_may_name_a_setting(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_RESETS_PER_HOUR = 1
    limit = RateLimit("by-setting", "PASSWORD_RESETS_PER_HOUR")
    assert limit.hit(_request()) and not limit.hit(_request())


def test_cache_keys_hold_a_keyed_hash_not_the_address(settings) -> None:  # type: ignore[no-untyped-def]
    request = _request("203.0.113.77")
    LIMIT.count(request)
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  (locmem)
    assert keys and not [key for key in keys if "203.0.113.77" in key]
    # The hash depends on SECRET_KEY: without it, nobody can test addresses against the keys.
    before = ratelimit.address_key(request)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert ratelimit.address_key(request) != before


def test_forwarded_for_counts_only_behind_a_trusted_proxy(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRUST_X_FORWARDED_FOR = False
    # Not behind a proxy: the header is the client's to forge and is ignored.
    assert ratelimit.client_address(_request("10.0.0.9", "1.1.1.1")) == "10.0.0.9"
    settings.TRUST_X_FORWARDED_FOR = True
    # Behind one: the last entry is what the proxy saw; earlier ones are the client's.
    assert ratelimit.client_address(_request("10.0.0.9", "6.6.6.6, 198.51.100.2")) == (
        "198.51.100.2"
    )
    assert ratelimit.client_address(_request("10.0.0.9", " ")) == "10.0.0.9"
    two_clients = [_request("10.0.0.9", "198.51.100.2"), _request("10.0.0.9", "198.51.100.3")]
    assert ratelimit.address_key(two_clients[0]) != ratelimit.address_key(two_clients[1])


def test_counting_is_atomic_across_threads() -> None:
    limit = RateLimit("threads", 10)
    request = _request()
    answers: list[bool] = []
    start = threading.Barrier(25)

    def hit() -> None:
        start.wait()
        answers.append(limit.hit(request))

    threads = [threading.Thread(target=hit) for _ in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get(limit.cache_key(request)) == 25
    assert answers.count(True) == 10


def test_a_count_that_expires_between_add_and_incr_starts_again() -> None:
    request = _request()
    with (
        mock.patch.object(ratelimit.cache, "add", side_effect=[False, True]) as add,
        mock.patch.object(ratelimit.cache, "incr", side_effect=ValueError("gone")),
    ):
        assert LIMIT.count(request) == 1
    assert add.call_count == 2


@pytest.mark.django_db
def test_organisation_registration_is_refused_past_the_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARTICIPATION_APPLICATIONS_PER_HOUR = 2
    here, elsewhere = Client(REMOTE_ADDR="10.3.3.3"), Client(REMOTE_ADDR="10.3.3.4")
    url = reverse("participation:register")
    statuses = [
        here.post(url, {**APPLICATION, "name": f"Bureau {n}"}).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    refused = here.post(url, {**APPLICATION, "name": "Bureau 4"})
    assert refused.status_code == 429
    assert "Too many applications" in refused.content.decode()
    assert elsewhere.post(url, {**APPLICATION, "name": "Bureau 5"}).status_code == 302
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  (locmem)
    assert keys and not [key for key in keys if "10.3.3." in key]


@pytest.mark.django_db
def test_password_reset_requests_are_limited(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_RESETS_PER_HOUR = 1
    client = Client(REMOTE_ADDR="10.4.4.4")
    url = reverse("accounts:password_reset")
    assert client.post(url, {"email": "someone@example.org"}).status_code == 302
    refused = client.post(url, {"email": "someone@example.org"})
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
