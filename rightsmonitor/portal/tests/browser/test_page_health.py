"""Pages load without console errors (CSP violations among them), uncaught exceptions, failed
requests or missing static files."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rightsmonitor.plans.models import Plan

from .conftest import PageProblems

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/plans/kz-hr-2022/"])
def test_page_loads_cleanly(
    page: Page, page_problems: PageProblems, demo_plan: Plan, path: str
) -> None:
    response = page.goto(path, wait_until="networkidle")
    assert response is not None and response.ok
    expect(page.locator("main h1")).to_be_visible()
    # The stylesheet applied (the header is brand blue) and the scripts ran.
    header = page.locator(".site-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(29, 78, 137)"
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert not page_problems.problems, "\n".join(page_problems.problems)
