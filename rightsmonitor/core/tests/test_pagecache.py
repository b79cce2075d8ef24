"""The shared page cache: anonymous readers get public pages from it, without a query, until
public content changes; whoever carries credentials always gets a fresh page."""

from __future__ import annotations

import gzip
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from rightsmonitor.api.actions import issue_token
from rightsmonitor.conftest import client_for
from rightsmonitor.core import pagecache
from rightsmonitor.plans import actions as plan_actions
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.recommendations.importers.engine import save_records
from rightsmonitor.recommendations.importers.records import Record
from rightsmonitor.settings import cache_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]
HIT, MISS = "hit", "miss"


@pytest.fixture
def plan() -> Plan:
    return build_plan(code="kz", title_en="Plan of the Republic")


def cache_state(client: Client, path: str, **headers: str) -> tuple[str | None, str]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.headers.get(pagecache.CACHE_HEADER), response.content.decode()


PUBLIC_PATHS = [
    "/",
    "/plans/kz/",
    "/ru/plans/kz/",
    "/plans/kz/actions/1.1/",
    "/plans/kz/dashboard/",
    "/search/?q=law",
    "/recommendations/",
    "/indicators/",
    "/api/v1/actions/",
    "/api/v1/recommendations/",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_second_anonymous_read_comes_from_the_cache_without_a_query(
    plan: Plan, path: str, client: Client, django_assert_num_queries: Callable[..., Any]
) -> None:
    first, body = cache_state(client, path)
    assert first == MISS
    with django_assert_num_queries(0):
        second, cached_body = cache_state(client, path)
    assert second == HIT
    assert cached_body == body


def test_readers_that_accept_gzip_get_the_page_compressed_once(plan: Plan, client: Client) -> None:
    plain = client.get("/plans/kz/")
    assert plain.headers[pagecache.CACHE_HEADER] == MISS
    hit = client.get("/plans/kz/", headers={"Accept-Encoding": "br, gzip"})
    assert hit.headers[pagecache.CACHE_HEADER] == HIT
    assert hit.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in hit.headers["Vary"]
    assert int(hit.headers["Content-Length"]) == len(hit.content) < len(plain.content)
    assert gzip.decompress(hit.content) == plain.content
    identity = client.get("/plans/kz/")
    assert "Content-Encoding" not in identity.headers
    assert identity.content == plain.content
    # The API's conditional GET still works on the compressed page, weakly.
    api = client.get("/api/v1/actions/")
    compressed = client.get("/api/v1/actions/", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["ETag"] == f"W/{api.headers['ETag']}"
    again = client.get(
        "/api/v1/actions/",
        headers={"Accept-Encoding": "gzip", "If-None-Match": compressed.headers["ETag"]},
    )
    assert again.status_code == 304


def test_languages_and_htmx_partials_are_kept_apart(plan: Plan, client: Client) -> None:
    assert cache_state(client, "/plans/kz/")[0] == MISS
    assert cache_state(client, "/ru/plans/kz/")[0] == MISS
    assert cache_state(client, "/plans/kz/", HX_Request="true")[0] == MISS
    assert cache_state(client, "/plans/kz/?section=1")[0] == MISS
    assert cache_state(client, "/plans/kz/")[0] == HIT


def test_readers_with_credentials_always_get_a_fresh_page(plan: Plan, coordinator: Any) -> None:
    staff = client_for(coordinator)
    for _ in range(2):
        assert cache_state(staff, "/plans/kz/")[0] is None
    _token, secret = issue_token(coordinator, name="script", scopes=["read"], by=coordinator)
    for _ in range(2):
        state, _body = cache_state(Client(), "/api/v1/actions/", Authorization=f"Bearer {secret}")
        assert state is None


# Real commits: the generation moves on when a transaction commits, as in production.
@pytest.mark.django_db(transaction=True)
def test_a_saved_change_is_seen_at_once(plan: Plan, client: Client, coordinator: Any) -> None:
    cache_state(client, "/plans/kz/")
    assert cache_state(client, "/plans/kz/")[0] == HIT
    plan_actions.update_plan(plan, {"title_en": "Plan, as amended"}, by=coordinator)
    state, body = cache_state(client, "/plans/kz/")
    assert state == MISS
    assert "Plan, as amended" in body
    # The API reads the same generation of content.
    assert cache_state(client, "/api/v1/actions/")[0] == MISS
    assert cache_state(client, "/api/v1/actions/")[0] == HIT
    action = plan.actions.get(number="1.1")
    plan_actions.update_action(action, {"title_en": "Ratify the protocol"}, by=coordinator)
    assert "Ratify the protocol" in cache_state(client, "/api/v1/actions/")[1]


@pytest.mark.django_db(transaction=True)
def test_a_transaction_moves_the_generation_on_once_and_a_rollback_not_at_all(
    plan: Plan, coordinator: Any
) -> None:
    before = pagecache.generation()
    with transaction.atomic():
        for action in plan.actions.all():
            plan_actions.update_action(action, {"title_en": "Changed"}, by=coordinator)
        assert pagecache.generation() == before  # not before the commit
    after = pagecache.generation()
    # Once for the six actions' saves, once more when the site search follows them on commit.
    assert after == before + 2

    try:
        with transaction.atomic():
            plan_actions.update_plan(plan, {"title_en": "Never committed"}, by=coordinator)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert pagecache.generation() == after


def test_a_successful_unsafe_request_by_a_user_moves_the_generation_on(
    client: Client, coordinator: Any
) -> None:
    before = pagecache.generation()
    staff = client_for(coordinator)
    staff.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert pagecache.generation() == before + 1
    staff.post("/search/")  # 405: nothing changed
    assert pagecache.generation() == before + 1
    # Without an account nothing changes public content at once, and a failed login (200)
    # must not let anyone empty the cache.
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert pagecache.generation() == before + 1


@pytest.mark.django_db(transaction=True)
def test_signing_in_and_out_leaves_the_cache_alone(
    client: Client, ngo_member: Any, password: str
) -> None:
    before = pagecache.generation()
    signed_in = client.post(
        "/accounts/login/", {"username": ngo_member.email, "password": password}
    )
    assert signed_in.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert pagecache.generation() == before


def test_an_emptied_cache_starts_a_generation_never_used_before() -> None:
    first = pagecache.generation()
    pagecache.content_changed()
    cache.clear()
    assert pagecache.generation() > first + 1


def test_a_page_holding_a_csrf_token_is_never_shared() -> None:
    def form_page(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    view = pagecache.public_page(form_page)
    middleware = pagecache.PublicPageCacheMiddleware(lambda request: view(request))
    for _ in range(2):
        request = RequestFactory().get("/form/")
        request.META["CSRF_COOKIE"] = "x" * 32
        assert middleware.process_view(request, view, (), {}) is None
        assert pagecache.CACHE_HEADER not in middleware(request)


@pytest.mark.django_db(transaction=True)
def test_aggregates_are_computed_once_a_generation() -> None:
    computed: list[int] = []

    def count() -> int:
        computed.append(1)
        return len(computed)

    assert pagecache.cached("facets:x", count) == 1
    assert pagecache.cached("facets:x", count) == 1
    assert pagecache.cached("facets:y", count) == 2
    pagecache.content_changed()
    assert pagecache.cached("facets:x", count) == 3


def test_requests_that_miss_together_wait_for_the_one_computing() -> None:
    """Under load right after a change, one request computes and the others wait for it."""
    made: list[str] = []
    full_key = f"aggregate:{pagecache.generation()}:{pagecache._digest('facets:busy')}"
    cache.add(f"{full_key}:making", 1, 30)  # another process is computing it

    def finish_elsewhere() -> None:
        time.sleep(0.3)
        cache.set(full_key, "made elsewhere", 60)

    other = threading.Thread(target=finish_elsewhere)
    other.start()
    assert pagecache.cached("facets:busy", lambda: made.append("here") or "made here") == (
        "made elsewhere"
    )
    other.join()
    assert made == []
    # Not computing any more: the next miss computes, and frees the key for the others.
    assert pagecache.cached("facets:other", lambda: "made here") == "made here"
    other_key = f"aggregate:{pagecache.generation()}:{pagecache._digest('facets:other')}"
    assert cache.get(f"{other_key}:making") is None


def test_turned_off_nothing_is_cached(plan: Plan, client: Client, settings: Any) -> None:
    settings.PUBLIC_CACHE_SECONDS = 0
    for _ in range(2):
        assert cache_state(client, "/plans/kz/")[0] is None


@pytest.mark.django_db(transaction=True)
def test_a_bulk_import_moves_the_generation_on_once(client: Client) -> None:
    """Imports write in bulk, which sends no signal: they say so themselves."""
    before = pagecache.generation()
    assert cache_state(client, "/recommendations/")[0] == MISS
    records = [
        Record(text=f"Ratify protocol {n}", body="UPR", source="uhri", source_id=str(n))
        for n in range(3)
    ]
    save_records(records)
    assert pagecache.generation() == before + 1
    state, body = cache_state(client, "/recommendations/")
    assert state == MISS
    assert "Ratify protocol 2" in body


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_several_processes_share_pages_and_generations_through_redis(
    plan: Plan, client: Client, settings: Any
) -> None:
    """Production runs several server processes on one Redis (CACHE_URL)."""
    if not _redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required with CI=true but does not answer at {REDIS_URL}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    settings.CACHES = {**settings.CACHES, "default": cache_settings(REDIS_URL)}
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 0  # each request asks Redis (see the next test)
    cache.clear()
    try:
        first = pagecache.generation()
        assert cache_state(client, "/plans/kz/")[0] == MISS
        assert cache_state(client, "/plans/kz/")[0] == HIT
        cache.incr(pagecache.GENERATION_KEY)  # another process's commit
        assert pagecache.generation() == first + 1
        assert cache_state(client, "/plans/kz/")[0] == MISS
    finally:
        cache.clear()


def test_a_process_keeps_its_hot_pages_for_a_moment_but_sees_its_own_changes_at_once(
    plan: Plan, client: Client, settings: Any
) -> None:
    """A hit on a page this process served a moment ago needs no round trip to the shared
    cache; another process's change shows after ``PUBLIC_CACHE_LOCAL_SECONDS``, this one's
    at once."""
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 60
    assert cache_state(client, "/plans/kz/")[0] == MISS
    assert cache_state(client, "/plans/kz/")[0] == HIT  # from the shared cache, remembered
    cache.incr(pagecache.GENERATION_KEY)  # another process's commit
    assert cache_state(client, "/plans/kz/")[0] == HIT  # this process's copy, for a moment
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 0
    assert cache_state(client, "/plans/kz/")[0] == MISS
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 60
    assert cache_state(client, "/plans/kz/")[0] == HIT
    pagecache._move_on()  # what this process's commit of a change runs
    assert cache_state(client, "/plans/kz/")[0] == MISS


@pytest.mark.django_db(transaction=True)
def test_the_api_counts_a_list_once_a_generation(plan: Plan, coordinator: Any) -> None:
    """Signed-in readers get fresh pages, but the total of a long list is counted once."""
    staff = client_for(coordinator)

    def count_and_queries() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            total = staff.get("/api/v1/actions/?limit=2").json()["count"]
        return total, [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]

    assert count_and_queries()[0] == 6
    total, counts = count_and_queries()
    assert total == 6
    assert not [sql for sql in counts if "plans_action" in sql]
    section = plan.sections.first()
    plan_actions.create_action(section, by=coordinator, number="1.9", title_en="New")
    assert count_and_queries()[0] == 7


@pytest.mark.django_db(transaction=True)
def test_the_api_serializes_a_page_once_a_generation_for_each_audience(
    plan: Plan, coordinator: Any, ngo_member: Any, settings: Any
) -> None:
    """A page of public content is the same for every reader of an audience: serialized once,
    then again after a change; staff, who see drafts, have pages of their own."""
    build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    _token, secret = issue_token(coordinator, name="script", scopes=["read"], by=coordinator)
    staff = Client(headers={"Authorization": f"Bearer {secret}"})
    member = client_for(ngo_member)

    def read(client: Client, path: str = "/api/v1/actions/?limit=4") -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        rows = sum(
            'FROM "plans_action"' in q["sql"] and "COUNT(" not in q["sql"]
            for q in captured.captured_queries
        )
        return [item["plan"] for item in response.json()["results"]], rows

    staff_plans, rows = read(staff, "/api/v1/actions/?limit=10")
    assert "draft" in staff_plans and rows == 1
    public_plans, rows = read(member, "/api/v1/actions/?limit=10")
    assert "draft" not in public_plans and rows == 1
    assert read(member, "/api/v1/actions/?limit=10") == (public_plans, 0)
    assert read(client_for(None), "/api/v1/actions/?limit=10")[0] == public_plans
    # Links are written with the address the reader asked.
    settings.ALLOWED_HOSTS = ["testserver", "rights.example.org"]
    other_host = member.get("/api/v1/actions/?limit=1", HTTP_HOST="rights.example.org").json()
    assert other_host["results"][0]["url"].startswith("http://rights.example.org/")

    action = plan.actions.get(number="1.1")
    plan_actions.update_action(action, {"title_en": "Ratify the protocol"}, by=coordinator)
    titles = [
        item["title"]["en"] for item in member.get("/api/v1/actions/?limit=10").json()["results"]
    ]
    assert "Ratify the protocol" in titles
