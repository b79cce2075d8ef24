"""``indicator_world``: see ``factories.build_indicator_world``."""

from __future__ import annotations

import pytest

from rightsmonitor.indicators.tests.factories import IndicatorWorld, build_indicator_world


@pytest.fixture
def indicator_world(db) -> IndicatorWorld:  # type: ignore[no-untyped-def]
    return build_indicator_world()
