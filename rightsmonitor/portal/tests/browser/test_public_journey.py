"""A member of the public reads the demo plan, opens an action and switches to Russian."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from rightsmonitor.plans.models import Plan

pytestmark = pytest.mark.browser

TITLE_EN = "Action plan (monitoring plan) for human rights and the rule of law"
ORIGIN = r"https?://[^/]+"
TITLE_RU = "План действий (план мониторинга) в области прав человека и верховенства закона"


def test_public_reads_the_demo_plan_and_switches_to_russian(page: Page, demo_plan: Plan) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name=TITLE_EN).click()

    expect(page).to_have_url(re.compile(rf"/plans/{demo_plan.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    # Eight sections, each a labelled region with its table of actions (which scrolls in a
    # region of its own on a phone); 27 actions in all.
    tables = page.locator("main").get_by_role("region", name=re.compile(r"^Actions of section"))
    expect(tables).to_have_count(8)
    expect(page.locator("main").get_by_role("region")).to_have_count(16)
    expect(page.get_by_role("heading", level=3)).to_have_count(8)
    expect(page.locator("main table.actions-table")).to_have_count(8)
    expect(page.locator("main table.actions-table tbody tr")).to_have_count(27)
    first_table = page.get_by_role("table").first
    expect(first_table.get_by_role("columnheader", name="Responsible agencies")).to_be_visible()

    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="5.1", exact=True))
    row.get_by_role("link").first.click()

    expect(page).to_have_url(re.compile(rf"/plans/{demo_plan.code}/actions/5\.1/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("5.1. Draft amendments")
    lead = page.locator("xpath=//dt[normalize-space()='Lead agency']/following-sibling::dd[1]")
    expect(lead).to_have_text("Ministry of Internal Affairs")

    page.locator(".language-switcher").get_by_role("link", name="Русский").click()

    expect(page).to_have_url(re.compile(rf"^{ORIGIN}/ru/plans/{demo_plan.code}/actions/5\.1/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("link", name=re.compile(re.escape(TITLE_RU)))).to_be_visible()
    lead_ru = page.locator("xpath=//main//dl/dd[.//a[contains(@href, '/agencies/MIA/')]]")
    expect(lead_ru.first).to_contain_text("Министерство внутренних дел")

    # Back to the plan, still in Russian.
    page.get_by_role("link", name=re.compile(re.escape(TITLE_RU))).click()
    expect(page).to_have_url(re.compile(rf"^{ORIGIN}/ru/plans/{demo_plan.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_RU)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
