"""Production settings from the WSGI server (gunicorn, DEBUG off, static files collected and
served by whitenoise): every page a reader can reach by following links answers 200, and so
does every static file those pages use, with a long cache for hashed names."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

from resilience.stack import Stack, browser, sign_in

LINK = re.compile(r'(?:href|src)="([^"#][^"]*)"')
# Not pages: downloads made on request (large files, tested elsewhere) and actions.
SKIP = re.compile(r"/(logout|i18n/setlang)/|\.(pdf|docx|xlsx|csv|json|ics|atom|zip)(\?|$)|/data/")


def crawl(session, start: str, limit: int) -> tuple[dict[str, int], set[str]]:  # type: ignore[no-untyped-def]
    """Breadth-first over the site's own links: each page's status, and the static files."""
    host = urlsplit(start).netloc
    seen, statuses, static = {start}, {}, set()
    queue = deque([start])
    while queue and len(statuses) < limit:
        url = queue.popleft()
        response = session.get(url, timeout=60, allow_redirects=False)
        statuses[url] = response.status_code
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.text):
            target = urldefrag(urljoin(url, link.replace("&amp;", "&")))[0]
            parts = urlsplit(target)
            if parts.netloc != host or SKIP.search(parts.path + "?"):
                continue
            if parts.path.startswith("/static/"):
                static.add(target)
            elif target not in seen:
                seen.add(target)
                queue.append(target)
    return statuses, static


def test_every_page_and_static_file_answers_200_from_gunicorn(stack: Stack) -> None:
    web = stack.web()
    reader = browser()
    anonymous, static = crawl(reader, f"{web}/", limit=250)
    coordinator = browser()
    sign_in(coordinator, web)
    staff, staff_static = crawl(coordinator, f"{web}/manage/", limit=150)

    print(
        f"{len(anonymous)} public pages, {len(staff)} staff pages, {len(static | staff_static)} static files"
    )
    assert len(anonymous) >= 100 and len(staff) >= 60, (len(anonymous), len(staff))
    failed = {url: status for url, status in {**anonymous, **staff}.items() if status != 200}
    # Redirects a reader meets by design: the sign-in page for staff-only links.
    failed = {u: s for u, s in failed.items() if not (s == 302 and u in anonymous)}
    assert not failed, failed

    files = static | staff_static
    assert any(name.endswith(".css") for name in files) and any(n.endswith(".js") for n in files)
    for url in sorted(files):
        response = reader.get(url, timeout=30, headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200, url
        if re.search(r"\.[0-9a-f]{12}\.\w+$", url):  # a hashed name never changes
            assert "max-age=315360000" in response.headers["Cache-Control"], url
