"""Fixtures of the feedback tests.

- ``media_root`` (autouse): a fresh MEDIA_ROOT, so stored files are real files on disk.
- ``_clear_cache`` (autouse): the rate-limit counts live in the cache; each test starts at 0.
- ``plan``: a plan in force with two sections; ``section`` is its first.
- ``coordinator`` (from rightsmonitor/conftest.py) is assigned to ``section``;
  ``other_coordinator`` to nothing.
- ``submit``: stores a case through the real action and returns its receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import CoordinatorFactory
from rightsmonitor.feedback import actions
from rightsmonitor.feedback.models import AreaAssignment
from rightsmonitor.plans.models import Plan, Section
from rightsmonitor.plans.tests.factories import build_plan

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def plan(db) -> Plan:  # type: ignore[no-untyped-def]
    return build_plan(code="kz", sections=2, actions_per_section=1, status=Plan.Status.IN_FORCE)


@pytest.fixture
def section(plan: Plan) -> Section:
    return plan.sections.order_by("order").first()


@pytest.fixture
def assigned(coordinator: User, section: Section) -> User:
    AreaAssignment.objects.create(user=coordinator, plan=section.plan, section=section)
    return coordinator


@pytest.fixture
def other_coordinator(db) -> User:  # type: ignore[no-untyped-def]
    return CoordinatorFactory(email="other.coordinator@example.org")


@pytest.fixture
def submit(section: Section) -> Callable[..., actions.Receipt]:
    def make(**fields: Any) -> actions.Receipt:
        values: dict[str, Any] = {
            "kind": "complaint",
            "plan": section.plan,
            "section": section,
            "content": "The police refused to register my complaint.",
        }
        values.update(fields)
        return actions.submit_case(**values)

    return make
