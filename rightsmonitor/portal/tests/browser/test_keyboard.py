"""Keyboard users can skip the header straight to the main content."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AFTER_MAIN = """() => {
  const main = document.querySelector("main");
  const active = document.activeElement;
  return main.contains(active)
    || Boolean(main.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


def test_first_tab_focuses_the_skip_link_which_moves_focus_to_main(page: Page) -> None:
    page.goto("/")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # shown on focus, not left off-screen

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("#main")

    # The next Tab continues from the main content onwards, not from the header.
    page.keyboard.press("Tab")
    after_main = page.evaluate(AFTER_MAIN)
    assert after_main, page.evaluate("() => document.activeElement.outerHTML")
