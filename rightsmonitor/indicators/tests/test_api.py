"""API v1 for indicators and observations: content, visibility, filters, schema, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.indicators.models import (
    Indicator,
    ObservationState,
    Target,
    TargetKind,
)
from rightsmonitor.indicators.tests.factories import IndicatorWorld, add_observation
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan

pytestmark = pytest.mark.django_db

INDICATORS = "/api/v1/indicators/"
OBSERVATIONS = "/api/v1/observations/"


@pytest.fixture
def gpo_focal_point(indicator_world: IndicatorWorld):  # type: ignore[no-untyped-def]
    return FocalPointFactory(email="focal.gpo@example.org", agency=indicator_world.agency)


def keys(response) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    """(indicator, period, area, breakdown key) of each observation listed."""
    return [
        (o["indicator"], o["period"], o["area"], o["breakdown_key"])
        for o in response.json()["results"]
    ]


# Indicators ------------------------------------------------------------------------------------


def test_indicator_detail_has_metadata_dimensions_sdgs_and_actions(
    client: Client, indicator_world: IndicatorWorld
) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=2)
    draft = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    detainees = indicator_world.detainees
    detainees.actions.add(*plan.actions.all(), *draft.actions.all())
    Target.objects.create(indicator=detainees, kind=TargetKind.TARGET, year=2030, value=20)

    data = client.get(f"{INDICATORS}TORT-O1/").json()

    assert data["code"] == "TORT-O1"
    assert data["kind"] == "outcome"
    assert data["right"] == {
        "key": "torture",
        "title": {"en": "Freedom from torture", "ru": "", "kk": ""},
    }
    assert data["attribute"]["key"] == "detention"
    assert data["title"]["en"] == "Unsentenced detainees as a share of all detainees"
    assert data["dimensions"] == ["SEX", "AGE"]
    assert data["sdg_indicators"] == ["16.3.2"]
    # Actions of the draft plan are not shown to the public.
    assert data["actions"] == sorted(plan.actions.values_list("pk", flat=True))
    assert data["agency"] == "GPO"
    assert data["baseline"] is None
    assert data["target"] == {"year": 2030, "value": 20.0, "note": ""}
    assert data["url"] == "http://testserver/indicators/TORT-O1/"
    assert data["higher_is_better"] is False


def test_indicator_list_filters_and_visibility(
    client: Client, indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=1)
    indicator_world.women_mps.actions.add(plan.actions.get())
    codes = [i["code"] for i in client.get(INDICATORS).json()["results"]]
    assert codes == ["PART-O1", "TORT-O1"]
    assert [i["code"] for i in client.get(INDICATORS, {"plan": "kz"}).json()["results"]] == [
        "PART-O1"
    ]
    assert [i["code"] for i in client.get(INDICATORS, {"sdg": "16.3.2"}).json()["results"]] == [
        "TORT-O1"
    ]
    assert client.get(INDICATORS, {"agency": "MIA"}).json()["count"] == 1

    Indicator.objects.filter(pk=indicator_world.detainees.pk).update(is_public=False)
    assert client.get(INDICATORS).json()["count"] == 1
    assert client.get(f"{INDICATORS}TORT-O1/").status_code == 404
    assert client_for(gpo_focal_point).get(f"{INDICATORS}TORT-O1/").status_code == 200


# Observations ----------------------------------------------------------------------------------


def test_observations_public_sees_published_only(
    client: Client, indicator_world: IndicatorWorld, gpo_focal_point, coordinator
) -> None:
    world = indicator_world
    draft = add_observation(
        world, world.detainees, "2023", "KZ", {}, "99", state=ObservationState.DRAFT
    )

    public = client.get(OBSERVATIONS, {"indicator": "TORT-O1"})
    assert public.json()["count"] == 5
    assert client.get(OBSERVATIONS, {"state": "draft"}).json()["count"] == 0
    assert client.get(f"{OBSERVATIONS}{draft.pk}/").status_code == 404

    agency = client_for(gpo_focal_point).get(OBSERVATIONS, {"state": "draft"})
    assert keys(agency) == [("TORT-O1", "2023", "KZ", "")]
    assert client_for(coordinator).get(OBSERVATIONS).json()["count"] == 7


def test_observation_shape(client: Client, indicator_world: IndicatorWorld) -> None:
    item = client.get(OBSERVATIONS, {"area": "KZ-75"}).json()["results"][0]
    assert item["indicator"] == "TORT-O1"
    assert item["period"] == "2022"
    assert item["period_type"] == "year"
    assert item["period_start"] == "2022-01-01"
    assert item["period_end"] == "2022-12-31"
    assert item["area"] == "KZ-75"
    assert item["breakdown"] == {"AGE": "Y18T34", "SEX": "F"}
    assert item["breakdown_key"] == "AGE=Y18T34|SEX=F"
    assert item["value"] == 9.5
    assert item["unit"] == "PT"
    assert item["state"] == "published"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"year": "2021"},
            [
                ("TORT-O1", "2021", "KZ", ""),
                ("TORT-O1", "2021", "KZ", "SEX=F"),
                ("TORT-O1", "2021", "KZ", "SEX=M"),
            ],
        ),
        (
            {"indicator": "TORT-O1", "period_start": "2022-01-01"},
            [("TORT-O1", "2022", "KZ", ""), ("TORT-O1", "2022", "KZ-75", "AGE=Y18T34|SEX=F")],
        ),
        (
            {"indicator": "TORT-O1", "period_end": "2021-12-31", "SEX": "_T"},
            [("TORT-O1", "2021", "KZ", "")],
        ),
        (
            {"SEX": "F"},
            [("TORT-O1", "2021", "KZ", "SEX=F"), ("TORT-O1", "2022", "KZ-75", "AGE=Y18T34|SEX=F")],
        ),
        ({"SEX": "F", "AGE": "Y18T34"}, [("TORT-O1", "2022", "KZ-75", "AGE=Y18T34|SEX=F")]),
        ({"SEX": "F", "AGE": "_T"}, [("TORT-O1", "2021", "KZ", "SEX=F")]),
        ({"dimension": "SEX=F,AGE=Y18T34"}, [("TORT-O1", "2022", "KZ-75", "AGE=Y18T34|SEX=F")]),
        ({"REF_AREA": "KZ-75"}, [("TORT-O1", "2022", "KZ-75", "AGE=Y18T34|SEX=F")]),
        ({"breakdown": "SEX=M"}, [("TORT-O1", "2021", "KZ", "SEX=M")]),
        (
            {"breakdown": "_T", "year": "2022"},
            [("PART-O1", "2022", "KZ", ""), ("TORT-O1", "2022", "KZ", "")],
        ),
        ({"SEX": "X"}, []),
        ({"NOT_A_DIMENSION": "X", "indicator": "PART-O1"}, [("PART-O1", "2022", "KZ", "")]),
    ],
)
def test_observation_filters(
    client: Client, indicator_world: IndicatorWorld, params: dict[str, str], expected: list
) -> None:
    response = client.get(OBSERVATIONS, params)
    assert response.status_code == 200
    assert keys(response) == expected


def test_invalid_filter_values_are_field_errors(client: Client, indicator_world) -> None:
    response = client.get(OBSERVATIONS, {"period_start": "soon", "year": "x"})
    assert response.status_code == 400
    assert {"period_start", "year"} <= set(response.json())


def test_api_is_read_only(indicator_world: IndicatorWorld, coordinator) -> None:
    staff = client_for(coordinator)
    assert staff.post(OBSERVATIONS, {"value": 1}).status_code == 405
    assert staff.delete(f"{INDICATORS}TORT-O1/").status_code == 405


def _many_observations(world: IndicatorWorld, years: range) -> None:
    for year in years:
        for area in ("KZ", "KZ-71", "KZ-75"):
            for breakdown in ({}, {"SEX": "F"}, {"SEX": "M"}, {"SEX": "F", "AGE": "Y_LT18"}):
                add_observation(world, world.detainees, str(year), area, breakdown, "1")


@pytest.mark.parametrize("url", [OBSERVATIONS, INDICATORS, f"{OBSERVATIONS}?SEX=F"])
def test_list_query_count_does_not_grow(
    client: Client, indicator_world: IndicatorWorld, django_assert_max_num_queries, url: str
) -> None:
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _many_observations(indicator_world, range(2000, 2010))
    for number in range(20):
        Indicator.objects.create(
            code=f"X-{number}",
            attribute=indicator_world.detainees.attribute,
            kind=Indicator.Kind.PROCESS,
            unit="NUMBER",
        ).dimensions.add(indicator_world.dimensions["SEX"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    # Observations: count and page (and the dimension codes for ?SEX=F). Indicators: count,
    # page, and one query per prefetched relation (dimensions, SDGs, targets, actions).
    with django_assert_max_num_queries(6):
        client.get(url)


def test_schema_documents_the_indicator_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/v1/indicators/",
        "/api/v1/indicators/{code}/",
        "/api/v1/observations/",
        "/api/v1/observations/{id}/",
    } <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/observations/"]["get"]["parameters"]}
    assert {
        "indicator",
        "year",
        "period_start",
        "period_end",
        "area",
        "breakdown",
        "dimension",
        "state",
        "limit",
        "offset",
    } <= parameters
    components = schema.json()["components"]["schemas"]
    assert components["Observation"]["properties"]["breakdown"]["type"] == "object"
    assert components["Indicator"]["properties"]["actions"]["type"] == "array"
