"""Input the schema calls invalid (found by schemathesis, ``test_schemathesis.py``) is the
reader's mistake: a 400 that names the parameter or field from the API, the filter left out
with a message on the pages, never a server error nor a silent guess; an address the API does
not have is a 404 in JSON like the API's own."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from rightsmonitor.api.tests.conftest import bearer
from rightsmonitor.conftest import client_for
from rightsmonitor.reporting.actions import start_report

pytestmark = pytest.mark.django_db

HUGE = "9999999999999999999"
JSON = "application/json"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (f"/api/v1/reports/?action={HUGE}", "action"),
        (f"/api/v1/reports/?period=-{HUGE}", "period"),
        (f"/api/v1/observations/?year={HUGE}0", "year"),
        ("/api/v1/recommendations/?year=1e16", "year"),
        ("/api/v1/recommendations/?year=0", "year"),
        (f"/api/v1/recommendations/?action={HUGE}", "action"),
        # A decimal was cut to a whole number (period 0): no error, and nothing found.
        ("/api/v1/reports/?period=0.5", "period"),
        ("/api/v1/observations/?year=2022.5", "year"),
        ("/api/v1/recommendations/?action=0.0", "action"),
        ("/api/v1/reports/?action=%205", "action"),
        # Django's yes/no filter read 2 as yes and any other word as "either".
        ("/api/v1/actions/?needs_review=2", "needs_review"),
        ("/api/v1/actions/?needs_review=-58800", "needs_review"),
        ("/api/v1/recommendations/?linked=banana", "linked"),
        ("/api/v1/recommendations/?linked=unknown", "linked"),
        # DRF's pages took a limit or an offset they could not read for none.
        ("/api/v1/plans/?offset=null", "offset"),
        ("/api/v1/agencies/?limit=0", "limit"),
        ("/api/v1/actions/?limit=1.5", "limit"),
        ("/api/v1/actions/?limit=%205", "limit"),
        ("/api/v1/instruments/?offset=-1", "offset"),
        ("/api/v1/monitoring/?offset=1_000", "offset"),
        ("/api/v1/reports/?limit=--5", "limit"),
    ],
)
def test_the_api_refuses_a_parameter_it_cannot_read_and_names_it(
    plan_world: SimpleNamespace, path: str, parameter: str
) -> None:
    response = client_for(plan_world.coordinator).get(path)
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("needs_review=true", 0),
        ("needs_review=false", 1),
        ("needs_review=", 1),
        ("limit=&offset=", 1),
        ("section=&agency=", 1),
        (f"limit={HUGE}{HUGE}{HUGE}", 1),
    ],
)
def test_valid_or_empty_parameters_are_accepted(
    plan_world: SimpleNamespace, query: str, count: int
) -> None:
    """An empty value is "not given" (the schema says ``allowEmptyValue``), as in the pages."""
    response = Client().get(f"/api/v1/actions/?{query}")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == count


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
        "/recommendations/?linked=banana",
        "/search/?section=1.5",
    ],
)
def test_the_pages_leave_out_a_number_out_of_range_and_say_so(
    plan_world: SimpleNamespace, client: Any, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/monitoring/null,null/"),  # the route takes digits only
        ("post", "/api/v1/monitoring/-1/"),
        ("delete", "/api/v1/recommendations/1/links/x/"),
        ("post", "/api/v1/recommendations/1/suggestions/x/reject/"),
        ("get", "/api/v1/plans/a/b/"),  # a code with a slash
        ("get", "/api/v1/no-such-thing/"),
        ("get", "/api/"),
    ],
)
def test_an_address_the_api_lacks_is_a_json_404(method: str, path: str) -> None:
    """Django's own 404 is an HTML page, which no API client expects (nor the schema says)."""
    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == JSON
    assert response.json() == {"detail": "Not found."}


def test_without_the_slash_the_api_still_redirects_first() -> None:
    assert Client().get("/api/v1/plans").status_code == 301


@pytest.mark.parametrize(
    ("suffix", "body", "field"),
    [
        # DRF took 2749 for "2749", "2" for 2 and "yes" for true: not what the schema says.
        ("evidence/", {"url": "https://example.org/order", "description": 2749}, "description"),
        ("", {"narrative": "Done.", "version": "1"}, "version"),
        ("", {"narrative": 5, "version": 1}, "narrative"),
        ("", {"document_date": 20220105, "version": 1}, "document_date"),
        ("", {"document_date": "20220105", "version": 1}, "document_date"),  # ISO, not RFC 3339
        ("transitions/", {"name": "submit", "comment": ["a"]}, "comment"),
        ("transitions/", {"name": "submit", "version": True}, "version"),
    ],
)
def test_json_values_of_the_wrong_type_are_field_errors(
    plan_world: SimpleNamespace, issue: Any, suffix: str, body: dict[str, Any], field: str
) -> None:
    w = plan_world
    report = start_report(w.action, w.mia, w.period, by=w.focal_point_mia)
    _token, secret = issue(w.focal_point_mia, "read", "reports:write")
    client = bearer(secret)
    url = f"/api/v1/reports/{report.pk}/{suffix}"
    send = client.patch if not suffix else client.post
    response = send(url, body, content_type=JSON)
    assert response.status_code == 400, response.content
    assert field in response.json()
    report.refresh_from_db()
    assert (report.version, report.evidence.count(), report.state) == (1, 0, "draft")


def test_json_of_the_types_the_schema_says_passes(plan_world: SimpleNamespace) -> None:
    w = plan_world
    report = start_report(w.action, w.mia, w.period, by=w.focal_point_mia)
    response = client_for(w.focal_point_mia).patch(
        f"/api/v1/reports/{report.pk}/",
        # 1.0 is an integer to JSON Schema; null clears the date.
        {"document_date": "2022-01-05", "document_number": "12", "version": 1.0},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert (response.json()["document_date"], response.json()["version"]) == ("2022-01-05", 2)
    cleared = client_for(w.focal_point_mia).patch(
        f"/api/v1/reports/{report.pk}/", {"document_date": None, "version": 2}, content_type=JSON
    )
    assert cleared.json()["document_date"] is None


def test_every_mistake_is_named_at_once(plan_world: SimpleNamespace) -> None:
    response = client_for(plan_world.coordinator).post(
        "/api/v1/reports/", {"action": "x", "agency": "NOPE", "period": 1.5}, content_type=JSON
    )
    assert response.status_code == 400
    assert set(response.json()) == {"action", "agency", "period"}


def test_a_body_over_the_limit_is_413_as_the_schema_says(
    plan_world: SimpleNamespace, settings: Any
) -> None:
    settings.MAX_REQUEST_BYTES = 100
    response = client_for(plan_world.coordinator).post(
        "/api/v1/reports/", {"action": 1}, content_type=JSON, CONTENT_LENGTH="101"
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_forms_still_carry_text(plan_world: SimpleNamespace) -> None:
    """The browsable API sends forms, where every value is text: read as before."""
    w = plan_world
    report = start_report(w.action, w.mia, w.period, by=w.focal_point_mia)
    response = client_for(w.focal_point_mia).post(
        f"/api/v1/reports/{report.pk}/transitions/", {"name": "submit", "version": "1"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"
