"""Recommendations in a real browser: the public searches and filters; a coordinator accepts a
suggested action and imports a UHRI workbook, watching its run page. axe-core on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rightsmonitor.plans.models import Plan
from rightsmonitor.recommendations.actions import run_import
from rightsmonitor.recommendations.models import ImportRun, Recommendation, Source

from .conftest import Axe, PageProblems
from .test_login import DEMO_COORDINATOR, DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser

UHRI_WORKBOOK = (
    Path(__file__).resolve().parents[3] / "recommendations" / "tests" / "data" / "uhri.xlsx"
)


def test_the_public_searches_filters_and_reads(
    page: Page, demo_plan: Plan, axe: Axe, page_problems: PageProblems
) -> None:
    failures = []

    def check(path: str) -> None:
        violations = axe.violations(page)
        if violations:
            failures.append(axe.describe(path, violations))

    page.goto("/recommendations/")
    check("/recommendations/")
    page.get_by_label("Words").fill("torture")
    page.get_by_role("button", name="Search").click()
    results = page.locator("main article, main .results-list > li")
    expect(page.locator("main mark").first).to_have_text("torture")
    page.get_by_role("group", name="Mechanism").get_by_label("Treaty body").check()
    page.get_by_role("button", name="Apply the filters").first.click()
    expect(page).to_have_url(re.compile(r"(?=.*mechanism=treaty_body)(?=.*q=torture)"))
    check(page.url)
    first = results.first.get_by_role("link").first
    first.click()
    expect(page.locator("main h1")).to_be_visible()
    check(page.url)
    for path in (
        "/recommendations/coverage/",
        "/ru/recommendations/",
        "/kk/recommendations/coverage/",
    ):
        response = page.goto(path)
        assert response is not None and response.ok
        check(path)
    assert not failures, "\n\n".join(failures)
    assert not page_problems.problems, "\n".join(page_problems.problems)


def test_coordinator_accepts_a_suggestion_and_imports_a_file(
    page: Page, demo_plan: Plan, axe: Axe, page_problems: PageProblems
) -> None:
    log_in(page, DEMO_COORDINATOR, DEMO_PASSWORD)
    # KZ-DEMO-003 (ratify the migrant workers' convention) is one the demo leaves unlinked;
    # action 6.4 answers it.
    recommendation = Recommendation.objects.get(source=Source.DEMO, source_id="KZ-DEMO-003")
    page.goto(recommendation.get_absolute_url())
    axe.assert_accessible(page)
    suggestions = page.locator("ol.suggestions > li")
    expect(suggestions.first).to_contain_text("6.4.")
    suggestions.first.get_by_role("button", name="Accept").click()
    expect(page.locator("#links + .table-scroll table")).to_contain_text("6.4")
    assert recommendation.links.get().action.number == "6.4"

    page.goto("/recommendations/import/")
    axe.assert_accessible(page)
    page.get_by_label("File").set_input_files(str(UHRI_WORKBOOK))
    page.get_by_label("Format").select_option("uhri-xlsx")
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("main h1")).to_contain_text("uhri.xlsx")
    page.wait_for_load_state("load")  # a reload while scripts load would abort them
    run = ImportRun.objects.get()
    run_import(run.pk)  # what the background worker does
    page.reload()
    expect(page.locator("main")).to_contain_text("Done")
    expect(page.locator("main table")).to_contain_text("8")
    axe.assert_accessible(page)
    assert not page_problems.problems, "\n".join(page_problems.problems)
