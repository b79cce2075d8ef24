"""The portal's acceptance checks in a real browser: the key public pages in English, Russian and
Kazakh pass axe-core (WCAG 2.1 A and AA) and speak the address's language, and the dashboard
fits a 360 px phone as well as a 1280 px screen (screenshots kept for a person to look at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from rightsmonitor.indicators.models import Indicator
from rightsmonitor.plans.models import Plan
from rightsmonitor.recommendations.models import Recommendation

from .conftest import Axe, PageProblems

pytestmark = pytest.mark.browser

LANGUAGES = {"en": "", "ru": "/ru", "kk": "/kk"}
# A word each language's demo content holds, so the search page shows highlighted results.
SEARCH_WORDS = {"en": "torture", "ru": "пытки", "kk": "torture"}
SCREENSHOTS = Path(
    os.environ.get("RM_SCREENSHOTS", Path(settings.BASE_DIR) / "var" / "screenshots")
)


def _key_pages(plan: Plan) -> dict[str, str]:
    recommendation = Recommendation.objects.filter(links__isnull=False).order_by("pk").first()
    indicator = Indicator.objects.filter(observations__isnull=False).order_by("code").first()
    assert recommendation is not None and indicator is not None, "the demo has linked data"
    return {
        "home": "/",
        "plan": plan.get_absolute_url(),
        "dashboard": f"{plan.get_absolute_url()}dashboard/",
        "action": plan.actions.get(number="5.1").get_absolute_url(),
        "search": "/search/?q={word}",
        "recommendation": recommendation.get_absolute_url(),
        "indicator": indicator.get_absolute_url(),
    }


def test_key_pages_are_accessible_in_three_languages(
    page: Page, demo_plan: Plan, axe: Axe, page_problems: PageProblems
) -> None:
    """One test for the 21 pages, so the demo is loaded once; the failure lists them all."""
    failures = []
    for language, prefix in LANGUAGES.items():
        for name, path in _key_pages(demo_plan).items():
            url = prefix + path.format(word=SEARCH_WORDS[language])
            response = page.goto(url)
            assert response is not None and response.ok, (
                f"{url}: HTTP {response and response.status}"
            )
            expect(page.locator("main h1")).to_be_visible()
            assert page.locator("html").get_attribute("lang") == language, url
            if name == "search":
                assert page.locator("main mark").count() > 0, f"{url}: no highlighted result"
            violations = axe.violations(page)
            if violations:
                failures.append(axe.describe(url, violations))
    assert not failures, "\n\n".join(failures)
    assert not page_problems.problems, "\n".join(page_problems.problems)


@pytest.mark.parametrize("width", [360, 1280])
def test_dashboard_fits_the_screen(page: Page, demo_plan: Plan, axe: Axe, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/ru{demo_plan.get_absolute_url()}dashboard/")
    expect(page.locator("main h1")).to_be_visible()

    # Nothing scrolls sideways, and each chart uses most of the width it is given.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    charts = page.locator("main figure svg.chart:visible")
    assert charts.count() >= 3
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["width"] >= min(width - 64, 600), f"chart {index} is {box['width']} px wide"
    axe.assert_accessible(page)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{width}.png"), full_page=True)
