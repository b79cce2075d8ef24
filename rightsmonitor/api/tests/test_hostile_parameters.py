"""Parameters out of any range (found by schemathesis) are the reader's mistake: a 400 that
names the parameter from the API, the filter left out with a message on the pages, never a
server error."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from rightsmonitor.conftest import client_for

pytestmark = pytest.mark.django_db

HUGE = "9999999999999999999"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (f"/api/v1/reports/?action={HUGE}", "action"),
        (f"/api/v1/reports/?period=-{HUGE}", "period"),
        (f"/api/v1/observations/?year={HUGE}0", "year"),
        ("/api/v1/recommendations/?year=1e16", "year"),
        ("/api/v1/recommendations/?year=0", "year"),
        (f"/api/v1/recommendations/?action={HUGE}", "action"),
    ],
)
def test_the_api_refuses_numbers_out_of_range(
    plan_world: SimpleNamespace, path: str, parameter: str
) -> None:
    response = client_for(plan_world.coordinator).get(path)
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize("path", ["/api/v1/plans/", "/api/v1/instruments/", "/api/v1/indicators/"])
def test_a_huge_limit_or_offset_gives_a_page_of_at_most_a_thousand(
    plan_world: SimpleNamespace, path: str
) -> None:
    reader = client_for(plan_world.coordinator)
    page = reader.get(path, {"limit": "10000000000000000000000"})
    assert page.status_code == 200
    assert len(page.json()["results"]) <= 1000
    beyond = reader.get(path, {"offset": "10000000000000000000000"})
    assert beyond.status_code == 200
    assert beyond.json()["results"] == []


@pytest.mark.parametrize(
    "path",
    [
        f"/search/?year={HUGE}0",
        f"/search/?section={HUGE}",
        "/recommendations/?year=1e16",
        f"/recommendations/?action={HUGE}",
    ],
)
def test_the_pages_leave_out_a_number_out_of_range_and_say_so(
    plan_world: SimpleNamespace, client: Any, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()
