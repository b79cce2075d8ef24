"""Conditional GET on the API: ETag on every answer, 304 while nothing changed, a new ETag
when something did, different answers (and ETags) per user, Vary, Last-Modified."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils.http import http_date

from rightsmonitor.conftest import client_for
from rightsmonitor.indicators.tests.factories import build_indicator_world
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.reporting.actions import ensure_periods, save_report, start_report

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"


def test_304_while_unchanged_then_200_with_a_new_etag(client: Client) -> None:
    plan = build_plan(code="kz")
    first = client.get(PLANS)
    etag = first.headers["ETag"]
    assert first.status_code == 200
    assert etag.startswith('"')

    again = client.get(PLANS, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    assert client.head(PLANS, HTTP_IF_NONE_MATCH=etag).status_code == 304

    plan.title_en = "A new title"
    plan.save()
    changed = client.get(PLANS, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.json()["results"][0]["title"]["en"] == "A new title"


def test_412_when_if_match_does_not(client: Client) -> None:
    """The schema declares 412 on every GET: Django answers it for a stale If-Match."""
    build_plan(code="kz")
    etag = client.get(PLANS).headers["ETag"]
    assert client.get(PLANS, HTTP_IF_MATCH=etag).status_code == 200
    stale = client.get(PLANS, HTTP_IF_MATCH='"stale"')
    assert stale.status_code == 412
    assert stale.content == b""


def test_a_changed_report_gets_a_new_etag(focal_point_mia) -> None:  # type: ignore[no-untyped-def]
    plan = build_plan(code="kz", sections=1, actions_per_section=1)
    (period,) = ensure_periods(plan, until=datetime.date(2022, 12, 31))
    report = start_report(plan.actions.get(), focal_point_mia.agency, period, by=focal_point_mia)
    url = f"/api/v1/reports/{report.pk}/"
    mia = client_for(focal_point_mia)
    etag = mia.get(url).headers["ETag"]
    assert mia.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    save_report(report, {"narrative": "Done."}, by=focal_point_mia, expected_version=None)
    response = mia.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_etag_differs_per_user_when_the_content_does(client: Client, coordinator) -> None:  # type: ignore[no-untyped-def]
    build_plan(code="kz")
    build_plan(code="draft", status=Plan.Status.DRAFT)
    public = client.get(PLANS)
    staff_client = client_for(coordinator)
    staff = staff_client.get(PLANS)
    assert public.json()["count"] == 1
    assert staff.json()["count"] == 2
    assert public.headers["ETag"] != staff.headers["ETag"]
    # The public's ETag does not validate the coordinator's answer.
    assert staff_client.get(PLANS, HTTP_IF_NONE_MATCH=public.headers["ETag"]).status_code == 200
    vary = {v.strip() for v in staff.headers["Vary"].split(",")}
    assert {"Accept", "Accept-Language", "Authorization", "Cookie"} <= vary
    assert "private" in staff.headers["Cache-Control"]
    assert "no-cache" in public.headers["Cache-Control"]
    assert "private" not in public.headers["Cache-Control"]


def test_last_modified_of_an_observation(client: Client) -> None:
    moment = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        world = build_indicator_world()
    observation = world.observations[0]
    url = f"/api/v1/observations/{observation.pk}/"
    response = client.get(url)
    assert response.headers["Last-Modified"] == http_date(moment.timestamp())
    later = http_date((moment + datetime.timedelta(hours=1)).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    observation.value = Decimal("30.0")
    observation.save()
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 200


def test_errors_and_writes_are_left_alone(client: Client) -> None:
    missing = client.get(f"{PLANS}nope/")
    assert missing.status_code == 404
    assert "ETag" not in missing.headers
    assert "ETag" not in client.post(PLANS, {}).headers


def test_pages_outside_the_api_are_left_alone(client: Client) -> None:
    build_plan(code="kz")
    assert "ETag" not in client.get("/plans/").headers
