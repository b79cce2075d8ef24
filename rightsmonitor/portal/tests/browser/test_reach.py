"""Reach: the public pages on a 360 px phone, on paper, and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rightsmonitor.plans.models import Plan

from .conftest import Axe, _only_loopback

pytestmark = pytest.mark.browser

PLAN = "/plans/kz-hr-2022/"
ACTION = "/plans/kz-hr-2022/actions/5.1/"


def test_narrow_screen_has_no_horizontal_scroll_and_is_accessible(
    page: Page, demo_plan: Plan, axe: Axe
) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    failures = []
    for path in ["/", PLAN, ACTION, "/agencies/MIA/", f"/kk{PLAN}", f"/ru{ACTION}"]:
        response = page.goto(path)
        assert response is not None and response.ok, path
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        if width > 360:
            failures.append(f"{path}: the page is {width} px wide")
        # The navigation waits behind the header's menu button (test_phone_layout.py).
        expect(page.locator(".site-header .menu-toggle summary")).to_be_visible()
        violations = axe.violations(page)
        if violations:
            failures.append(axe.describe(path, violations))
    assert not failures, "\n\n".join(failures)


def test_print_shows_the_content_without_navigation(page: Page, demo_plan: Plan) -> None:
    page.emulate_media(media="print")
    for path in [PLAN, ACTION]:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        expect(page.locator(".site-header nav")).to_be_hidden()
        expect(page.locator(".language-switcher")).to_be_hidden()
        expect(page.locator(".breadcrumbs")).to_be_hidden()
        background = page.evaluate(
            "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        )
        assert background == "rgb(255, 255, 255)"


def test_plan_and_action_pages_read_without_javascript(
    browser: Browser, live_server: LiveServer, demo_plan: Plan
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.route("**/*", _only_loopback)
    try:
        page = context.new_page()
        page.goto(PLAN)
        expect(page.locator("main h1")).to_have_text(demo_plan.title)
        expect(page.locator(f'main a[href="{ACTION}"]')).to_be_visible()

        page.goto(ACTION)
        expect(page.locator("main h1")).to_contain_text("5.1.")
        expect(page.locator("main dl.facts")).to_be_visible()
        # The language switcher is plain links to the same page: no JavaScript needed.
        page.locator(".language-switcher").get_by_role("link", name="Русский").click()
        page.wait_for_url(f"**/ru{ACTION}")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
    finally:
        context.close()
