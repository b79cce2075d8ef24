"""Plans' action and section counts: right, and counted without joining actions to sections."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import PlanFactory, SectionFactory, build_plan

pytestmark = pytest.mark.django_db


def test_counts_of_full_empty_and_sectioned_plans() -> None:
    build_plan(code="full", sections=3, actions_per_section=4)
    PlanFactory(code="empty")
    sectioned = PlanFactory(code="sections-only")
    SectionFactory(plan=sectioned, number="1", order=1)
    counts = {
        plan.code: (plan.section_count, plan.action_count) for plan in Plan.objects.with_counts()
    }
    assert counts == {"full": (3, 12), "empty": (0, 0), "sections-only": (1, 0)}


def test_the_counts_are_one_query_without_a_join_of_actions_and_sections() -> None:
    build_plan(code="a", sections=2, actions_per_section=2)
    with CaptureQueriesContext(connection) as captured:
        list(Plan.objects.with_counts())
    assert len(captured.captured_queries) == 1
    assert "distinct" not in captured.captured_queries[0]["sql"].lower()


def test_the_home_page_shows_the_counts(client: Any) -> None:
    build_plan(code="kz", sections=2, actions_per_section=3, status=Plan.Status.IN_FORCE)
    assert "6 actions" in client.get("/").content.decode()
