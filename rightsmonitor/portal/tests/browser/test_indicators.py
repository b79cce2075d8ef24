"""Indicators in a real browser: the public reads an indicator's chart and picks a breakdown;
an agency's focal point enters a year's values in the grid and the coordinator's queue lists
them. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rightsmonitor.accounts.tests.factories import PASSWORD, CoordinatorFactory, FocalPointFactory
from rightsmonitor.indicators.models import AREA, DimensionValue, Observation, ObservationState
from rightsmonitor.indicators.tests.factories import (
    IndicatorWorld,
    add_observation,
    build_indicator_world,
)

from .conftest import Axe, PageProblems
from .test_login import log_in

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/indicator_chart.png"
NAMES = {
    "SEX": {"F": "Female", "M": "Male"},
    AREA: {"KZ": "Kazakhstan", "KZ-71": "Astana", "KZ-75": "Almaty"},
}


def _world_with_history() -> IndicatorWorld:
    """The test world, with readable names and eight years of totals by sex."""
    world = build_indicator_world(observations=False)
    for dimension, names in NAMES.items():
        for code, name in names.items():
            DimensionValue.objects.filter(dimension__code=dimension, code=code).update(name_en=name)
    for offset, year in enumerate(range(2015, 2023)):
        total = 34 - offset * 0.9
        add_observation(world, world.detainees, str(year), "KZ", {}, f"{total:.1f}")
        add_observation(world, world.detainees, str(year), "KZ", {"SEX": "F"}, f"{total - 19:.1f}")
        if year != 2018:  # a gap: the line breaks instead of inventing a value
            add_observation(
                world, world.detainees, str(year), "KZ", {"SEX": "M"}, f"{total + 3:.1f}"
            )
    return world


def test_public_reads_the_chart_and_picks_a_breakdown(
    transactional_db: None,
    live_server: LiveServer,
    page: Page,
    axe: Axe,
    page_problems: PageProblems,
) -> None:
    _world_with_history()

    page.goto("/indicators/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Human rights indicators")
    expect(page.get_by_role("row").filter(has_text="TORT-O1")).to_contain_text(
        "27.7 % (2022) ↓ Down from 28.6 (2021): an improvement"
    )
    axe.assert_accessible(page)
    page.get_by_role("link", name="TORT-O1").click()

    expect(page).to_have_url(re.compile(r"/indicators/TORT-O1/$"))
    chart = page.get_by_role("img", name=re.compile(r"^TORT-O1: Unsentenced detainees"))
    expect(chart).to_be_visible()
    expect(page.locator("table.values-table tbody tr")).to_have_count(8)
    axe.assert_accessible(page)

    page.get_by_label("One line per").select_option(label="Sex")
    page.get_by_role("button", name="Show").click()

    # htmx swaps the chart and the table and puts the choice in the address.
    expect(page).to_have_url(re.compile(r"by=SEX"))
    table = page.locator("table.values-table")
    expect(table.get_by_role("columnheader")).to_have_text(["Period", "Total", "Female", "Male"])
    expect(table.get_by_role("row", name=re.compile(r"^2018"))).to_contain_text("no value")
    chart = page.locator("svg.line-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("path")).to_have_count(3)  # total, female, male
    male = chart.locator("path").nth(2).get_attribute("d") or ""
    assert male.count("M") == 2, male  # drawn in two pieces around the missing 2018
    chart.screenshot(path=SCREENSHOT)
    axe.assert_accessible(page)

    # The same choice without JavaScript's help: a plain GET of the address.
    page.goto("/indicators/TORT-O1/?by=REF_AREA")
    expect(page.locator("table.values-table").get_by_role("columnheader")).to_have_text(
        ["Period", "Kazakhstan"]
    )
    assert not page_problems.problems, "\n".join(page_problems.problems)


def test_focal_point_enters_values_and_coordinator_sees_them(
    transactional_db: None,
    live_server: LiveServer,
    page: Page,
    axe: Axe,
    page_problems: PageProblems,
) -> None:
    world = build_indicator_world()
    focal = FocalPointFactory(email="focal.gpo@example.org", agency=world.agency)
    CoordinatorFactory(email="coordinator@example.org")

    log_in(page, focal.email, PASSWORD)
    page.goto("/indicators/TORT-O1/enter/?period=2023")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter data: TORT-O1")
    axe.assert_accessible(page)
    page.get_by_label("Value for KZ, Total").fill("27.5")
    page.get_by_label("Value for KZ, Sex: F").fill("lots")
    page.get_by_role("button", name="Save values").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_label("Value for KZ, Sex: F")).to_have_attribute("aria-invalid", "true")
    axe.assert_accessible(page)
    page.get_by_label("Value for KZ, Sex: F").fill("11")
    page.get_by_role("button", name="Save values").click()
    expect(page.get_by_role("status")).to_contain_text("Saved: 2 new")
    page.get_by_role("button", name="Submit the drafts for 2023").click()
    expect(page.get_by_role("status")).to_contain_text("2 values were sent to the coordinator")
    assert set(
        Observation.objects.filter(period_start__year=2023).values_list("state", flat=True)
    ) == {ObservationState.SUBMITTED}

    page.get_by_role("button", name="Log out").click()
    log_in(page, "coordinator@example.org", PASSWORD)
    page.goto("/indicators/review/")
    row = page.get_by_role("row").filter(has_text="TORT-O1")
    expect(row).to_contain_text("2023")
    axe.assert_accessible(page)
    row.get_by_role("button", name="Validate TORT-O1, 2023").click()
    expect(page.get_by_role("status")).to_contain_text("“Validate”: done for 2 values")
    # The refused save is a deliberate 400 (and the page it replaced stops loading).
    serious = [p for p in page_problems.problems if p.startswith(("uncaught", "HTTP 5"))]
    assert not serious, "\n".join(serious)
