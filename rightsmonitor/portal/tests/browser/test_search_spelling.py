"""A misspelt search in a real browser, on a 360 px phone: the site search shows the corrected
words' results with a way back to the words as typed, in English and Russian; the
recommendations search says "Did you mean"; nothing scrolls sideways and axe finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rightsmonitor.plans.models import Plan

from .conftest import Axe, PageProblems

pytestmark = pytest.mark.browser
WIDTH = 360


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url


def test_a_misspelt_search_is_corrected_on_a_phone(
    page: Page, demo_plan: Plan, axe: Axe, page_problems: PageProblems
) -> None:
    page.set_viewport_size({"width": WIDTH, "height": 800})

    page.goto("/search/?q=torure")
    correction = page.locator(".search-correction")
    expect(correction).to_contain_text("Showing results for torture")
    assert page.locator("main .results-list mark").count() > 0
    _fits(page)
    axe.assert_accessible(page)

    # The words as typed: nothing, and the corrected words as a link that finds them.
    correction.get_by_role("link", name="torure").click()
    expect(page.locator(".search-correction")).to_contain_text("Did you mean torture?")
    page.locator(".search-correction").get_by_role("link", name="torture").click()
    expect(page.locator("main .results-list li").first).to_be_visible()
    assert "q=torture" in page.url

    page.goto("/ru/search/?q=пытак")
    expect(page.locator(".search-correction strong")).to_have_text("пытки")
    assert page.locator("main .results-list mark").count() > 0
    _fits(page)
    axe.assert_accessible(page)

    page.goto("/recommendations/?q=torure")
    expect(page.locator(".search-correction")).to_contain_text("Did you mean torture?")
    _fits(page)
    axe.assert_accessible(page)
    assert not page_problems.problems, "\n".join(page_problems.problems)
