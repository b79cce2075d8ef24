"""Public pages and costly aggregates kept in the shared cache until the content changes.

Everything cached here is filed under the content's **generation**, a number in the shared
cache (Redis through ``CACHE_URL``) that any change of public content moves on
(``content_changed``). Nothing is deleted: entries of an older generation are simply never
asked for again and expire (``PUBLIC_CACHE_SECONDS``), so invalidation is one ``INCR`` whatever
was cached, and every server process sees it at once. (Whole pages keep their generation in the
entry rather than in the key, so that a hit is one round trip to the cache.)

What moves the generation on:

- a save, delete or many-to-many change of a model of the apps in
  ``PUBLIC_CONTENT_APPS`` (signals, connected in ``connect``), once per transaction, when it
  commits;
- every successful unsafe request by a signed-in user or token (``ContentChangeMiddleware``),
  which covers bulk writes made by views that send no signals;
- importers and other bulk writers call ``content_changed()`` themselves.

Only requests that carry no credentials are served from the cache (no session cookie, no
``Authorization`` header, no pending messages): for them the page is the same for everyone, and
telling so needs no query. Staff, signed-in NGO members and token users always get a fresh page.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag
from simple_history.models import HistoricalChanges

GENERATION_KEY = "content:generation"
GZIP_FROM_BYTES = 1024
# How long other requests wait for one that computes an aggregate, before computing it too.
MAKING_SECONDS = 30
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
CACHE_HEADER = "X-Public-Cache"
Result = TypeVar("Result")
View = TypeVar("View", bound=Callable[..., Any])


# The generation -----------------------------------------------------------------------------


def generation() -> int:
    """The current generation of public content (one cache read)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A cache emptied or restarted must not bring back an old generation's entries: start
        # from the clock, which is past any number an earlier start counted up to.
        cache.add(GENERATION_KEY, time.time_ns())
        value = cache.get(GENERATION_KEY, 0)
    return int(value)


# Sent each time the generation moves on (the portal queues the making of its main pages).
generation_moved = Signal()


def _move_on() -> None:
    forget_local()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there: a fresh generation is a change as good as any
        generation()
    generation_moved.send(sender=None)


def content_changed() -> None:
    """Public content changed: everything cached for it is stale once the change commits.

    Inside a transaction the generation moves on when it commits (and not at all if it rolls
    back), once however many rows changed."""
    if not connection.in_atomic_block:
        _move_on()
        return
    pending = any(entry[1] is _move_on for entry in connection.run_on_commit)
    if not pending:
        transaction.on_commit(_move_on)


def cached(key: str, compute: Callable[[], Result], *, seconds: int | None = None) -> Result:
    """``compute()``, or what it returned for ``key`` in this generation of content.

    For aggregates that many requests share (facet counts): the key must name everything the
    result depends on besides the content (filters, language, audience). When several
    requests miss at once (right after a change, under load), one computes and the others
    wait for its result instead of all running the same costly queries."""
    timeout = settings.PUBLIC_CACHE_SECONDS if seconds is None else seconds
    if timeout <= 0:
        return compute()
    full_key = f"aggregate:{generation()}:{_digest(key)}"
    found = cache.get(full_key)
    if found is not None:
        return found
    making = f"{full_key}:making"
    if not cache.add(making, 1, MAKING_SECONDS):
        found = _wait_for(full_key)
        if found is not None:
            return found
    try:
        value = compute()
        cache.set(full_key, value, timeout)
    finally:
        cache.delete(making)
    return value


def query_key(queryset: QuerySet[Any]) -> str | None:
    """The query as the database reads it (SQL and parameters), to file what it returns under:
    it holds whatever the query depends on, the filters and who may see what included. None
    for a query that cannot match anything (Django does not even write its SQL)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"{queryset.db}:{sql}:{params!r}"


def cached_rows(queryset: Iterable[Any]) -> list[Any]:
    """The rows of ``queryset`` (ids or values: rows that pickle small), read once per
    generation of content for the same query, e.g. a page of a filtered list sorted by date,
    which sorts the whole filtered set."""
    if not isinstance(queryset, QuerySet):
        return list(queryset)
    key = query_key(queryset)
    return [] if key is None else cached(f"rows:{key}", lambda: list(queryset))


def _wait_for(key: str) -> Any:
    """What another process is computing for ``key``, or None if it takes too long."""
    deadline = time.monotonic() + MAKING_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        found = cache.get(key)
        if found is not None:
            return found
    return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# Signals ------------------------------------------------------------------------------------


def _on_change(sender: Any, **kwargs: Any) -> None:
    if sender._meta.app_label not in settings.PUBLIC_CONTENT_APPS:
        return
    if issubclass(sender, HistoricalChanges):
        # An audit row mirrors the save of its model, which says itself whether it changed
        # content: a sign-in's ``last_login`` writes one too, and must not empty the cache.
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # a sign-in, not content
    content_changed()


def connect() -> None:
    """Watch every model of ``PUBLIC_CONTENT_APPS`` (called once, by ``CoreConfig.ready``)."""
    post_save.connect(_on_change, dispatch_uid="pagecache-save")
    post_delete.connect(_on_change, dispatch_uid="pagecache-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="pagecache-m2m")


def _on_m2m_change(sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        # ``sender`` is the through model, which belongs to the app of the model declaring it.
        _on_change(sender)


# Pages --------------------------------------------------------------------------------------


def public_page(view: View) -> View:
    """Mark a view whose anonymous GET responses may be served from the cache
    (``PublicPageCacheMiddleware`` does the caching). Decorators made with ``functools.wraps``
    keep the mark."""
    view.public_cache = True  # type: ignore[attr-defined]
    return view


def _wants_cache(view: Any) -> bool:
    if getattr(view, "public_cache", False):
        return True
    # A REST framework view is a function whose ``cls`` carries the mark.
    return bool(getattr(getattr(view, "cls", None), "public_cache", False))


def carries_credentials(request: HttpRequest) -> bool:
    return bool(
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
        or request.META.get("HTTP_AUTHORIZATION")
    )


def page_key(request: HttpRequest, view: Any) -> str:
    """The page's key, the same in every generation: the entry holds the generation it was made
    in, so that one round trip to the cache (``get_many``) reads the current generation and the
    page together, and a new generation's page replaces the old one instead of piling up."""
    parts = [
        getattr(request, "LANGUAGE_CODE", ""),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
    ]
    if getattr(view, "cls", None) is not None:  # the API chooses a renderer by Accept
        parts.append(request.headers.get("Accept", ""))
    return f"page:{_digest(chr(0).join(parts))}"


# Each process keeps the pages it served last, and the generation it read, for
# ``PUBLIC_CACHE_LOCAL_SECONDS``: a hit on a page many read then needs no round trip to the
# shared cache. Another process's change is seen at most that much later by anonymous readers
# (this process's own changes at once: ``_move_on`` forgets the generation).
LOCAL_PAGES = 256  # pages kept per process (compressed: tens of kilobytes each)
_local_pages: dict[str, tuple[Any, ...]] = {}
# (generation, when read): replaced whole, so that the server's threads read it in one step.
_local_generation: tuple[int, float] | None = None


def forget_local() -> None:
    """Forget this process's copies (a change, or a test that empties the cache)."""
    global _local_generation
    _local_generation = None
    _local_pages.clear()


def _generation_known_locally() -> int | None:
    seconds = settings.PUBLIC_CACHE_LOCAL_SECONDS
    known = _local_generation
    if seconds > 0 and known is not None and time.monotonic() - known[1] < seconds:
        return known[0]
    return None


def _remember(key: str, page: tuple[Any, ...], current: int) -> None:
    global _local_generation
    if settings.PUBLIC_CACHE_LOCAL_SECONDS <= 0:
        return
    _local_generation = (current, time.monotonic())
    if len(_local_pages) >= LOCAL_PAGES:
        _local_pages.clear()  # rare, and cheaper than keeping an order of use
    _local_pages[key] = page


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of ``public_page`` views from the shared cache, and file their
    successful answers there for the current generation of content."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_public_cache_key", None)
        made_in = getattr(request, "_public_cache_generation", None)
        # A page that holds a CSRF token belongs to its reader's cookie: never shared.
        if key and _storable(response) and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            # The fingerprint once, here, not on every hit (api/conditional.py keeps it).
            set_response_etag(response)
            # Bytes and headers, not the response: a REST framework response would pickle its
            # data too, which costs more than making the page again for a long API list.
            content = response.content
            # Compressed once here, not per reader: most readers accept gzip, and fewer bytes
            # cost less to fetch from the cache and to send. Nothing secret is on such a page,
            # so compression cannot leak it (BREACH needs a secret beside reflected input).
            compressed = gzip.compress(content, 6) if len(content) >= GZIP_FROM_BYTES else None
            headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
            # Filed under the generation read before the page was made: if content changed
            # meanwhile, the next reader finds it stale. Only the compressed copy when there is
            # one: every hit fetches the entry, and the rare reader without gzip can wait for
            # it to be expanded.
            plain = None if compressed is not None else content
            stored = (made_in, response.status_code, headers, plain, compressed)
            cache.set(key, stored, settings.PUBLIC_CACHE_SECONDS)
            response[CACHE_HEADER] = "miss"
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if (
            settings.PUBLIC_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or not _wants_cache(view)
            or carries_credentials(request)
        ):
            return None
        key = page_key(request, view)
        known = _generation_known_locally()
        page = _local_pages.get(key)
        if known is not None and page is not None and page[0] == known:
            return _from_cache(request, page[1:])
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY)
        current = generation() if current is None else int(current)
        page = found.get(key)
        if page is not None and page[0] == current:
            _remember(key, page, current)
            return _from_cache(request, page[1:])
        request._public_cache_key = key  # type: ignore[attr-defined]
        request._public_cache_generation = current  # type: ignore[attr-defined]
        return None


def _from_cache(request: HttpRequest, found: tuple[Any, ...]) -> HttpResponse:
    status, headers, plain, compressed = found
    if compressed is None:
        response = HttpResponse(plain, status=status, headers=dict(headers))
    elif ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(compressed, status=status, headers=dict(headers))
        response["Content-Encoding"] = "gzip"
        # Another representation of the same page: its ETag may match, but only weakly.
        etag = response.get("ETag", "")
        if etag and not etag.startswith("W/"):
            response["ETag"] = f"W/{etag}"
    else:
        response = HttpResponse(gzip.decompress(compressed), status=status, headers=dict(headers))
    if compressed is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
    response[CACHE_HEADER] = "hit"
    return response


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class ContentChangeMiddleware:
    """A successful POST, PUT, PATCH or DELETE by a signed-in user (or an API token) changed
    something: what was cached may be stale.

    Signals see saves, not bulk writes or raw SQL; this sees every change made through the web.
    Requests without an account are left out: nothing they may do changes public content at
    once (feedback is confidential, an organisation's application waits for approval), and a
    failed login answers 200, so counting them would let anyone empty the cache at will."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return self.get_response(request)
        signed_in_before = _signed_in(request)
        response = self.get_response(request)
        # Signed in before and after: signing in and out changes no content, and a sign-in
        # must not empty the cache for everyone.
        if response.status_code < 400 and signed_in_before and _signed_in(request):
            _move_on()  # the view's transactions are over: committed, or the status says so
        return response


def _signed_in(request: HttpRequest) -> bool:
    return bool(getattr(getattr(request, "user", None), "is_authenticated", False))
