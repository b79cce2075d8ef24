"""An NGO posts a shadow rating that appears beside the official one (issue 9).

The demo NGO's member logs in, opens an action the coordinator assessed "completed", rates it
"in progress" for 2022 with evidence, and the public action page and the plan's ratings page
show the official and the civil society rating side by side, the difference said in words.
axe checks every page on the way.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rightsmonitor.participation.models import ShadowRating
from rightsmonitor.plans.models import Plan

from .conftest import Axe, PageProblems
from .test_login import DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser

NGO = "ngo@demo.rightsmonitor.org"
ORGANISATION = "Charter for Human Rights (demo)"
ACTION = "4.2"  # assessed "completed" by the demo coordinator; not rated in the demo


def test_ngo_shadow_rating_appears_beside_the_official_one(
    demo_plan: Plan,
    page: Page,
    page_problems: PageProblems,
    axe: Axe,
    browser,
    live_server,  # type: ignore[no-untyped-def]
) -> None:
    log_in(page, NGO, DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Our ratings")).to_be_visible()
    nav.get_by_role("link", name="Our ratings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ratings by {ORGANISATION}")
    axe.assert_accessible(page)

    # The action page offers the rating form to the member.
    page.goto(f"/plans/{demo_plan.code}/actions/{ACTION}/")
    panel = page.locator("#civil-society-ratings")
    expect(panel).to_contain_text("No approved civil society organisation has rated this action")
    panel.get_by_role("link", name="Rate this action for your organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rate action {ACTION}")
    axe.assert_accessible(page)

    # A missing field is reported in an error summary, then the rating is saved.
    page.get_by_label("Reporting period").select_option(label="28.04.2022–31.12.2022")
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe.assert_accessible(page)
    page.get_by_label("Status in your assessment").select_option("in_progress")
    page.get_by_label("Evidence").fill(
        "Two of the five pilot regions had not started by December 2022."
    )
    page.get_by_label("Link to a source").fill("https://example.org/charter-2022")
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_role("status")).to_contain_text(f"rating of action {ACTION} is saved")
    rating = ShadowRating.objects.get(action__plan=demo_plan, action__number=ACTION)
    assert (rating.status, rating.author.email) == ("in_progress", NGO)

    # The public sees both ratings side by side, the difference said in words.
    public = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    public.on("console", page_problems.on_console)
    public.on("pageerror", page_problems.on_page_error)
    public.on("response", page_problems.on_response)
    public.goto(f"/plans/{demo_plan.code}/actions/{ACTION}/")
    table = public.locator("#civil-society-ratings table")
    official = table.get_by_role("row", name="Official (coordinator)")
    expect(official).to_contain_text("Completed")
    ngo_row = table.get_by_role("row", name=ORGANISATION)
    expect(ngo_row).to_contain_text("In progress")
    expect(ngo_row).to_contain_text("Differs from the official status")
    axe.assert_accessible(public)

    # ... and on the plan's ratings page, beside the demo's other ratings.
    public.goto(f"/participation/plans/{demo_plan.code}/ratings/")
    row = (
        public.locator("#ratings-side-by-side")
        .get_by_role("row")
        .filter(has=public.get_by_role("link", name=ACTION, exact=True))
    )
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text("Differs from the official status")
    expect(public.locator("#ratings-side-by-side tbody tr")).to_have_count(4)  # 3 demo + 1
    axe.assert_accessible(public)

    # The evidence is public too.
    public.goto(f"/participation/actions/{rating.action_id}/ratings/")
    expect(public.get_by_text("Two of the five pilot regions")).to_be_visible()
    axe.assert_accessible(public)
    public.context.close()
    # The form sent without a status answered 400 on purpose; nothing else went wrong.
    problems = [p for p in page_problems.problems if not ("/rate/" in p and "400" in p)]
    assert not problems, "\n".join(problems)
