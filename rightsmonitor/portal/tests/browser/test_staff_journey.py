"""A coordinator reorders the plan with htmx, edits an action, and the public sees it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from rightsmonitor.assessments.models import Assessment
from rightsmonitor.plans.models import Plan

from .conftest import Axe
from .test_login import DEMO_COORDINATOR, DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser


def test_coordinator_reorders_and_edits(page: Page, demo_plan: Plan, axe: Axe) -> None:
    log_in(page, DEMO_COORDINATOR, DEMO_PASSWORD)
    page.goto(f"/manage/plans/{demo_plan.code}/")
    sections = page.locator("#plan-sections > section h3")
    expect(sections.first).to_have_text(re.compile(r"^1\. "))
    axe.assert_accessible(page)

    # "Down" on the first section: htmx swaps the list in place, no page load.
    first_section = page.locator("#plan-sections > section").first
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        first_section.get_by_role("button", name="Down (section 1)").click()
    assert moved.value.ok
    expect(sections.first).to_have_text(re.compile(r"^2\. "))
    expect(sections.nth(1)).to_have_text(re.compile(r"^1\. "))
    # Keyboard focus stays on the pressed button, which moved with its section.
    expect(page.get_by_role("button", name="Down (section 1)")).to_be_focused()

    # Edit action 1.1: a Russian deadline and a new list of agencies.
    page.get_by_role("link", name=re.compile(r"^Edit \(action 1\.1\)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit action 1.1")
    axe.assert_accessible(page)
    page.get_by_label("Deadline").fill("IV квартал 2023 года")
    page.get_by_label("Responsible agencies").fill("MJ, GPO (по согласованию)")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator(".messages")).to_contain_text("saved")

    page.goto(f"/plans/{demo_plan.code}/actions/1.1/")
    facts = page.locator("dl.facts")
    # Stored as written, shown in the reader's language from its parsed form.
    expect(facts).to_contain_text("fourth quarter of 2023")
    expect(facts).to_contain_text("31 December 2023")
    expect(facts).to_contain_text("Ministry of Justice")


def test_staff_pages_are_accessible(page: Page, demo_plan: Plan, axe: Axe) -> None:
    log_in(page, DEMO_COORDINATOR, DEMO_PASSWORD)
    assessment = Assessment.objects.get(plan=demo_plan)
    failures = []
    for path in [
        "/manage/import/",
        f"/manage/plans/{demo_plan.code}/history/",
        "/manage/agencies/",
        "/manage/instruments/new/",
        "/accounts/users/",
        "/accounts/two-factor/",
        "/assessments/new/",
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/edit/?language=ru",
    ]:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        violations = axe.violations(page)
        if violations:
            failures.append(axe.describe(path, violations))
    assert not failures, "\n\n".join(failures)
