"""Fixtures for the browser tests: one headless Chromium per test process, a fresh context and
page per test against pytest-django's live server, axe-core checks, and a recorder of console
errors and failed requests.

The Chromium is Debian's (/usr/bin/chromium); nothing is downloaded, and pages may reach only
the live server on the loopback interface: any other request is aborted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from rightsmonitor.plans.models import Plan

# Playwright's sync API keeps an asyncio loop marked as running in this thread, and Django then
# refuses ORM calls (SynchronousOnlyOperation). Tests never use the ORM while a page is waiting,
# so this is safe here. Set for the test process only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
AXE_JS = Path(settings.BASE_DIR) / "rightsmonitor" / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

DEMO_PLAN_CODE = "kz-hr-2022"

# Runs axe in the page and returns only what a failure message needs.
_AXE_RUN = """async ([tags, exclude]) => {
  const context = exclude.length ? {include: [["html"]], exclude: exclude.map((s) => [s])} : document;
  // Only violations are read: asking for no other results makes a run several times faster.
  const results = await axe.run(context, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({target: node.target, summary: node.failureSummary})),
  }));
}"""

AxeViolation = dict[str, Any]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


def _only_loopback(route: Route) -> None:
    parts = urlsplit(route.request.url)
    if parts.scheme in {"data", "blob"} or parts.hostname in LOOPBACK_HOSTS:
        route.continue_()
    else:
        route.abort("blockedbyclient")


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    context.route("**/*", _only_loopback)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def demo_plan(transactional_db: None, live_server: LiveServer) -> Plan:
    """The 27-action demo plan and the demo logins, visible to the live server."""
    # pytest-django runs tests with DEBUG off, where the command wants --force.
    call_command("load_demo", force=True, stdout=StringIO())
    return Plan.objects.get(code=DEMO_PLAN_CODE)


class Axe:
    """axe-core, vendored in the static files, run against WCAG 2.1 A and AA."""

    def violations(self, page: Page, *, exclude: tuple[str, ...] = ()) -> list[AxeViolation]:
        """The violations on the page as it is now, leaving out elements matching `exclude`.

        The site's CSP (script-src 'self') blocks add_script_tag(), which adds an inline
        script; evaluate() is not subject to the CSP, so axe is evaluated into the page.
        """
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        violations: list[AxeViolation] = page.evaluate(_AXE_RUN, [AXE_TAGS, list(exclude)])
        return violations

    @staticmethod
    def describe(url: str, violations: list[AxeViolation]) -> str:
        lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                summary = " ".join((node["summary"] or "").split())
                lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        return "\n".join(lines)

    def assert_accessible(self, page: Page, *, exclude: tuple[str, ...] = ()) -> None:
        violations = self.violations(page, exclude=exclude)
        assert not violations, self.describe(page.url, violations)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions, failed requests and same-origin error responses."""

    origin: str
    problems: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            self.problems.append(
                f"console error: {message.text} (at {where['url']}:{where['lineNumber']})"
            )

    def on_page_error(self, error: Error) -> None:
        self.problems.append(f"uncaught exception: {error}")

    def on_request_failed(self, request: Request) -> None:
        # The browser aborts what a page was still fetching (its icon, a script) when the test
        # navigates away: that says nothing about our server. Refused, blocked or broken
        # requests fail otherwise, and error statuses are caught by ``on_response``.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400 and response.url.startswith(self.origin):
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )


@pytest.fixture
def page_problems(page: Page, live_server: LiveServer) -> PageProblems:
    """Record what goes wrong in the page from now on; assert on .problems after navigating."""
    recorder = PageProblems(origin=live_server.url + "/")
    page.on("console", recorder.on_console)
    page.on("pageerror", recorder.on_page_error)
    page.on("requestfailed", recorder.on_request_failed)
    page.on("response", recorder.on_response)
    return recorder
