"""Open data: every dataset in every format, the pages' filters, what the public may not see,
bad input, the links on the list pages, and a query count that does not grow with the rows."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rightsmonitor.assessments.models import Assessment, AssessmentState
from rightsmonitor.conftest import client_for
from rightsmonitor.indicators.models import ObservationState
from rightsmonitor.indicators.tests.factories import add_observation, build_indicator_world
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import ActionFactory, build_plan
from rightsmonitor.portal.datasets import DATASETS
from rightsmonitor.recommendations.tests.factories import recommendation_world
from rightsmonitor.reporting.models import ProgressReport
from rightsmonitor.reporting.tests.factories import ProgressReportFactory
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    recommendations = recommendation_world(code="kz")  # plan kz, 4 actions, 2 links
    plan = recommendations.plan
    draft = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    mia = plan.actions.get(number="1.1").assignments.get(role="lead").agency
    action = plan.actions.get(number="1.1")
    ProgressReportFactory(action=action, agency=mia, state=ReportState.ACCEPTED, narrative="=Done")
    ProgressReportFactory(action=plan.actions.get(number="1.2"), agency=mia)  # a draft
    ProgressReportFactory(
        action=action,
        agency=mia,
        kind=ProgressReport.Kind.CONTRIBUTION,
        state=ReportState.ACCEPTED,
        period__end=date(2023, 12, 31),
        period__start=date(2023, 1, 1),
    )
    published = Assessment.objects.create(
        plan=plan,
        start=date(2022, 1, 1),
        end=date(2022, 12, 31),
        state=AssessmentState.PUBLISHED,
        snapshot={},
        published_at=timezone.now(),
    )
    Assessment.objects.create(plan=plan, start=date(2023, 1, 1), end=date(2023, 12, 31))
    indicators = build_indicator_world()  # six published observations, two indicators
    add_observation(
        indicators, indicators.women_mps, "2023", "KZ", {}, "20", state=ObservationState.DRAFT
    )
    return {
        "plan": plan,
        "draft": draft,
        "recommendations": recommendations,
        "published": published,
        "indicators": indicators,
    }


def _get(client: Client, path: str, **params: str) -> Any:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert response.streaming
    return response


def rows_of(response: Any, fmt: str) -> list[dict[str, Any]]:
    """The file's rows as {column name: cell}, whatever the format."""
    data = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    if fmt == "json":
        return list(json.loads(data)["rows"])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def download(client: Client, slug: str, fmt: str = "csv", **params: str) -> list[dict[str, Any]]:
    return rows_of(_get(client, f"/data/{slug}.{fmt}", **params), fmt)


# What each dataset holds, for the public: the key column of each row.
PUBLIC_KEYS = {
    "plans": ("code", ["kz"]),
    "actions": ("number", ["1.1", "1.2", "2.1", "2.2"]),
    "agencies": ("abbreviation", ["GPO", "MIA"]),
    "progress-reports": ("narrative", ["'=Done"]),  # CSV and XLSX; JSON below
    "assessments": ("edition", ["1"]),
    "indicators": ("code", ["PART-O1", "TORT-O1"]),
    "observations": ("value", ["18.4", "31.5", "12", "34", "29", "9.5"]),
    "recommendations": (
        "symbol",
        ["CCPR/C/KAZ/CO/3", "CAT/C/KAZ/CO/4", "A/HRC/44/10", "CEDAW/C/KAZ/CO/5"],
    ),
    "recommendation-links": ("action", ["1.1", "1.2"]),
}


def test_every_dataset_is_described() -> None:
    assert set(PUBLIC_KEYS) == set(DATASETS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("slug", list(PUBLIC_KEYS))
def test_each_dataset_in_each_format(
    client: Client, world: dict[str, Any], slug: str, fmt: str
) -> None:
    response = _get(client, f"/data/{slug}.{fmt}")
    today = timezone.localdate().isoformat()
    assert f'filename="{slug}-{today}.{fmt}"' in response["Content-Disposition"]
    rows = rows_of(response, fmt)
    key, expected = PUBLIC_KEYS[slug]
    if fmt == "json" and slug == "progress-reports":
        expected = ["=Done"]  # JSON is not escaped
    # Numbers are numbers in XLSX and JSON, and print the same.
    assert ["" if row[key] is None else str(row[key]) for row in rows] == expected
    assert list(rows[0]) == [column.name for column in DATASETS[slug].columns]


def test_json_describes_the_dataset(client: Client, world: dict[str, Any]) -> None:
    data = b"".join(_get(client, "/data/plans.json", status="in_force").streaming_content)
    document = json.loads(data)
    assert document["dataset"] == "plans"
    assert document["licence"] == "CC BY 4.0"
    assert document["filters"] == {"status": "in_force"}
    assert [c["name"] for c in document["columns"]][:2] == ["code", "title"]
    assert document["rows"][0]["period_start"] == "2022-04-28"
    assert document["rows"][0]["actions"] == 4


def test_the_licence_is_a_setting(client: Client, world: dict[str, Any], settings: Any) -> None:
    settings.OPEN_DATA_LICENCE = "ODbL 1.0"
    html = client.get("/data/").content.decode()
    assert "ODbL 1.0" in html and "opendatacommons.org" in html


# Drafts and unpublished rows --------------------------------------------------------------------


def test_drafts_are_not_exported_to_the_public(client: Client, world: dict[str, Any]) -> None:
    assert [row["code"] for row in download(client, "plans", status="draft")] == []
    assert all(row["plan"] == "kz" for row in download(client, "actions"))
    assert download(client, "actions", plan="draft") == []
    assert len(download(client, "progress-reports")) == 1  # accepted and consolidated
    assert len(download(client, "assessments")) == 1
    assert "20" not in [row["value"] for row in download(client, "observations")]


def test_staff_download_what_they_may_see(coordinator: Any, world: dict[str, Any]) -> None:
    client = client_for(coordinator)
    assert {row["code"] for row in download(client, "plans")} == {"kz", "draft"}
    assert len(download(client, "actions", plan="draft")) == 1
    # Open data is what is published, for everyone.
    assert len(download(client, "progress-reports")) == 1
    assert len(download(client, "assessments")) == 1


# The pages' filters --------------------------------------------------------------------------


def test_plan_filters(client: Client, world: dict[str, Any]) -> None:
    assert [row["code"] for row in download(client, "plans", status="in_force")] == ["kz"]
    assert download(client, "plans", status="completed") == []


def test_action_filters(client: Client, world: dict[str, Any]) -> None:
    numbers = [row["number"] for row in download(client, "actions", plan="kz", section="2")]
    assert numbers == ["2.1", "2.2"]
    rows = download(client, "actions", agency="GPO")
    assert len(rows) == 4 and rows[0]["agencies"] == "MIA, GPO (as agreed)"
    assert download(client, "actions", status="completed") == []


def test_recommendation_search_filters_give_the_pages_rows(
    client: Client, world: dict[str, Any]
) -> None:
    for query in ({"body": "CAT,CCPR"}, {"q": "torture"}, {"linked": "true"}, {"mechanism": "upr"}):
        page = client.get("/recommendations/", query).context["listing"]["page"]
        shown = [str(recommendation.pk) for recommendation in page.object_list]
        assert [row["id"] for row in download(client, "recommendations", **query)] == shown
    links = download(client, "recommendation-links", body="UPR")
    assert [row["symbol"] for row in links] == ["A/HRC/44/10"]


def test_repeated_parameters_read_as_the_search_page_reads_them(
    client: Client, world: dict[str, Any]
) -> None:
    rows = download(client, "recommendations", fmt="csv", body="CAT")
    response = client.get("/data/recommendations.csv?body=CAT&body=CCPR")
    assert len(rows_of(response, "csv")) == len(rows) + 1


def test_indicator_overview_filters(client: Client, world: dict[str, Any]) -> None:
    assert download(client, "indicators", kind="process") == []
    assert len(download(client, "indicators", kind="outcome")) == 2
    assert download(client, "observations", kind="structural") == []


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/data/nothing.csv", "/data/plans.pdf", "/data/plans.CSV"])
def test_unknown_dataset_or_format_is_404(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/data/plans.csv?status=bogus", "status"),
        ("/data/recommendations.json?year=last", "year"),
        ("/data/actions.xlsx?due_before=tomorrow", "due_before"),
        ("/data/indicators.csv?plan=no-such-plan", "plan"),
    ],
)
def test_bad_filter_values_are_400(
    client: Client, world: dict[str, Any], path: str, parameter: str
) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert parameter in response.content.decode()


# The data page and the links on the list pages -------------------------------------------------


def test_data_page_lists_every_dataset(client: Client, world: dict[str, Any]) -> None:
    html = client.get("/data/").content.decode()
    for slug, dataset in DATASETS.items():
        assert f'id="{slug}"' in html
        assert f"/data/{slug}.xlsx" in html
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in html
    assert "4 rows." in html  # the actions
    assert "/api/v1/docs/" in html


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("/plans/?status=in_force&page=2", "/data/plans.csv?status=in_force"),
        ("/plans/kz/", "/data/actions.xlsx?plan=kz"),
        ("/agencies/", "/data/agencies.json"),
        ("/agencies/MIA/", "/data/actions.csv?agency=MIA"),
        ("/recommendations/?body=CAT", "/data/recommendations.csv?body=CAT"),
        ("/recommendations/?body=CAT", "/data/recommendation-links.csv?body=CAT"),
        ("/indicators/?kind=outcome", "/data/observations.csv?kind=outcome"),
        ("/assessments/", "/data/assessments.csv"),
    ],
)
def test_list_pages_link_to_their_downloads(
    client: Client, world: dict[str, Any], page: str, link: str
) -> None:
    html = client.get(page).content.decode()
    assert f'href="{link}"' in html


def test_texts_in_the_language_of_the_address(client: Client, world: dict[str, Any]) -> None:
    Plan.objects.filter(code="kz").update(title_ru="План по правам человека")
    rows = rows_of(_get(client, "/ru/data/plans.csv"), "csv")
    assert rows[0]["title"] == "План по правам человека"


# Queries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(PUBLIC_KEYS))
def test_query_count_does_not_grow_with_the_rows(
    client: Client, world: dict[str, Any], slug: str
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(_get(client, f"/data/{slug}.csv").streaming_content)
        return len(captured)

    before = queries()
    plan = world["plan"]
    for number in range(10):
        ActionFactory(plan=plan, section=plan.sections.first(), number=f"9.{number}")
    indicators = world["indicators"]
    for year in range(2010, 2020):
        add_observation(indicators, indicators.women_mps, str(year), "KZ", {}, "1")
    recommendation_world(code="more")
    assert queries() == before
