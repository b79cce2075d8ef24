"""Staff log in through the login form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from rightsmonitor.accounts.models import User
from rightsmonitor.plans.models import Plan

from .conftest import Axe

pytestmark = pytest.mark.browser

DEMO_COORDINATOR = "coordinator@demo.rightsmonitor.org"
DEMO_PASSWORD = "rights-monitor-demo"


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.get_by_role("button", name="Log in").click()


def test_demo_coordinator_logs_in_and_sees_manage(page: Page, demo_plan: Plan, axe: Axe) -> None:
    log_in(page, DEMO_COORDINATOR, DEMO_PASSWORD)

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=DEMO_COORDINATOR)).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    manage = nav.get_by_role("link", name="Manage")
    expect(manage).to_be_visible()
    axe.assert_accessible(page)

    with page.expect_response(lambda r: r.url.endswith("/manage/")) as manage_response:
        manage.click()
    assert manage_response.value.ok, f"/manage/: HTTP {manage_response.value.status}"
    expect(page).to_have_url(re.compile(r"/manage/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe.assert_accessible(page)


def test_wrong_password_keeps_the_visitor_on_the_login_page(page: Page, coordinator: User) -> None:
    log_in(page, coordinator.email, "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("main form .errorlist").first).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(nav.get_by_role("link", name="Manage")).to_have_count(0)
