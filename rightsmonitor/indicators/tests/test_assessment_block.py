"""The indicators' block in the annual assessment (plugged in through the block registry)."""

from __future__ import annotations

import datetime
import io

import docx
import pytest

from rightsmonitor.assessments.actions import create_assessment
from rightsmonitor.assessments.content import build_snapshot
from rightsmonitor.assessments.renderers.docx import render_docx
from rightsmonitor.indicators.tests.factories import IndicatorWorld, add_observation
from rightsmonitor.plans.tests.factories import build_plan

pytestmark = pytest.mark.django_db


def _blocks(snapshot: dict) -> dict:
    return {entry["key"]: entry["data"] for entry in snapshot["blocks"]}


def test_linked_indicators_appear_with_their_trend(
    indicator_world: IndicatorWorld, coordinator
) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=2)
    assessment = create_assessment(
        plan, start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31), by=coordinator
    )
    assert "indicator_highlights" not in _blocks(build_snapshot(assessment))  # nothing linked

    indicator_world.detainees.actions.add(plan.actions.get(number="1.2"))
    add_observation(indicator_world, indicator_world.detainees, "2023", "KZ", {}, "20.0")  # after
    add_observation(
        indicator_world, indicator_world.detainees, "2022", "KZ-75", {}, "1.0"
    )  # region
    data = _blocks(build_snapshot(assessment))["indicator_highlights"]
    (row,) = data["indicators"]
    # 2021: 31.5, 2022: 29.0 nationally; lower is better for unsentenced detainees.
    assert (row["code"], row["period"], row["value"], row["previous"]) == (
        "TORT-O1",
        "2022",
        "29",
        "31.5",
    )
    assert row["trend"] == "down-good"
    assert row["actions"] == ["1.2"]

    document = docx.Document(
        io.BytesIO(render_docx(build_snapshot(assessment), language="en", draft=True))
    )
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "Indicator highlights" in headings
