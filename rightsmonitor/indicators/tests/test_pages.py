"""Indicator pages through the front door: who sees what, the chart's choices, the data-entry
grid, the upload, the validation queue, downloads and constant query counts."""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.indicators.models import (
    Attribute,
    Dimension,
    DimensionValue,
    Indicator,
    Observation,
    ObservationState,
    Right,
    Target,
    TargetKind,
)
from rightsmonitor.indicators.tests.factories import IndicatorWorld, add_observation
from rightsmonitor.plans.tests.factories import build_plan

pytestmark = pytest.mark.django_db

DRAFT = ObservationState.DRAFT


@pytest.fixture
def gpo_focal_point(indicator_world: IndicatorWorld):  # type: ignore[no-untyped-def]
    """Enters data for TORT-O1 (the world's GPO indicator)."""
    return FocalPointFactory(email="focal.gpo@example.org", agency=indicator_world.agency)


def detail_url(indicator: Indicator) -> str:
    return reverse("indicators:detail", args=[indicator.code])


def enter_url(indicator: Indicator, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('indicators:enter', args=[indicator.code])}?{query}"


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text without tags and with spaces collapsed, to search sentences in."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def table_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The rows of the values table (period × series) as texts."""
    html = response.content.decode()
    table = html[html.index('class="values-table"') :]
    table = table[: table.index("</table>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells])
    return rows


# Overview --------------------------------------------------------------------------------------


def test_overview_shows_latest_published_total_trend_and_progress(
    client: Client, indicator_world: IndicatorWorld
) -> None:
    world = indicator_world
    add_observation(world, world.detainees, "2023", "KZ", {}, "99.0", state=DRAFT)
    Target.objects.create(indicator=world.detainees, kind=TargetKind.BASELINE, year=2020, value=35)
    Target.objects.create(indicator=world.detainees, kind=TargetKind.TARGET, year=2025, value=25)

    response = client.get(reverse("indicators:overview"))

    assert response.status_code == 200
    text = text_of(response)
    assert "Freedom from torture" in text and "Detention" in text
    # The draft 2023 value is not public: the latest published is 2022, lower than 2021.
    assert "29.0 % (2022)" in text
    assert "99.0" not in text
    assert "Down from 31.5 (2021): an improvement" in text
    # (29 - 35) / (25 - 35) = 60 % of the way.
    assert "60% of the way from the baseline (2020) to the target (2025)" in text
    assert "No earlier value to compare with" in text  # PART-O1 has one year


def test_overview_filters_by_plan(client: Client, indicator_world: IndicatorWorld) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=1)
    indicator_world.detainees.actions.add(plan.actions.get())

    response = client.get(reverse("indicators:overview"), {"plan": "kz"})

    text = text_of(response)
    assert "TORT-O1" in text
    assert "PART-O1" not in text
    assert "1 indicator" in text


def test_overview_hides_non_public_indicators_but_not_from_their_agency(
    client: Client, indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    Indicator.objects.filter(pk=indicator_world.detainees.pk).update(is_public=False)
    assert "TORT-O1" not in text_of(client.get(reverse("indicators:overview")))
    assert "TORT-O1" in text_of(client_for(gpo_focal_point).get(reverse("indicators:overview")))


def _more_indicators(world: IndicatorWorld, count: int) -> None:
    """``count`` indicators under new rights, each with three years of national totals."""
    for number in range(count):
        right = Right.objects.create(key=f"right-{number}", title_en=f"Right {number}")
        attribute = Attribute.objects.create(right=right, key="a", title_en="Attribute")
        indicator = Indicator.objects.create(
            code=f"X-{number}",
            attribute=attribute,
            kind=Indicator.Kind.PROCESS,
            title_en=f"Indicator {number}",
            unit="NUMBER",
            higher_is_better=True,
        )
        Target.objects.create(indicator=indicator, kind=TargetKind.TARGET, year=2030, value=10)
        for year in ("2020", "2021", "2022"):
            add_observation(world, indicator, year, "KZ", {}, str(number + int(year) % 10))


def test_overview_query_count_does_not_grow(
    client: Client, indicator_world: IndicatorWorld, django_assert_max_num_queries
) -> None:
    url = reverse("indicators:overview")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _more_indicators(indicator_world, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "X-29" in text_of(response)
    # Indicators, the national area, the latest values (a window), the targets, the plans.
    assert len(many) == len(few) <= 6
    with django_assert_max_num_queries(6):
        client.get(url, {"plan": "missing"})


# An indicator's page -------------------------------------------------------------------------------


def test_indicator_page_shows_metadata_and_links_to_actions(
    client: Client, indicator_world: IndicatorWorld
) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=1)
    action = plan.actions.get()
    detainees = indicator_world.detainees
    detainees.actions.add(action)
    detainees.definition_en = "Detainees not yet sentenced, over all detainees."
    detainees.ohchr_reference = "Table 4, outcome 1"
    detainees.save()

    response = client.get(detail_url(detainees))

    assert response.status_code == 200
    text = text_of(response)
    assert "Detainees not yet sentenced, over all detainees." in text
    assert "Table 4, outcome 1" in text
    assert "16.3.2 Unsentenced detainees" in text
    assert "Sex, Age" in text  # disaggregation
    assert f'href="{action.get_absolute_url()}"' in response.content.decode()
    assert 'role="img"' in response.content.decode()
    assert "<title id=" in response.content.decode()


def test_indicator_page_shows_only_published_values_to_the_public(
    client: Client, indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    world = indicator_world
    add_observation(world, world.detainees, "2023", "KZ", {}, "99.0", state=DRAFT)

    public = client.get(detail_url(world.detainees), {"unpublished": "on"})
    assert table_rows(public)[1:] == [["2021", "31.5"], ["2022", "29.0"]]
    assert "Include values not published yet" not in text_of(public)

    agency = client_for(gpo_focal_point).get(detail_url(world.detainees), {"unpublished": "on"})
    assert table_rows(agency)[-1] == ["2023", "99.0 Draft"]
    # Without asking, the agency sees what the public sees.
    default = client_for(gpo_focal_point).get(detail_url(world.detainees))
    assert table_rows(default)[-1] == ["2022", "29.0"]


@pytest.mark.usefixtures("page_cache_on")
def test_values_not_published_never_reach_another_reader_through_the_cache(
    indicator_world: IndicatorWorld, gpo_focal_point, ngo_member
) -> None:
    world = indicator_world
    add_observation(world, world.detainees, "2023", "KZ", {}, "99.0", state=DRAFT)
    url = detail_url(world.detainees)
    agency = client_for(gpo_focal_point).get(url, {"unpublished": "on"})
    assert table_rows(agency)[-1] == ["2023", "99.0 Draft"]
    for reader in (client_for(ngo_member), Client()):
        assert table_rows(reader.get(url, {"unpublished": "on"}))[-1] == ["2022", "29.0"]
    assert table_rows(client_for(gpo_focal_point).get(url))[-1] == ["2022", "29.0"]


@pytest.mark.parametrize(
    ("params", "rows"),
    [
        ({}, [["Period", "Total"], ["2021", "31.5"], ["2022", "29.0"]]),
        (
            {"by": "SEX"},
            [
                ["Period", "Total", "F", "M"],
                ["2021", "31.5", "12.0", "34.0"],
                ["2022", "29.0", "— no value", "— no value"],
            ],
        ),
        ({"area": "KZ-75", "SEX": "F", "AGE": "Y18T34"}, [["Period", "Total"], ["2022", "9.5"]]),
        ({"by": "REF_AREA", "SEX": "F", "AGE": "Y18T34"}, [["Period", "KZ-75"], ["2022", "9.5"]]),
        ({"by": "AGE", "area": "KZ-75", "SEX": "F"}, [["Period", "Y18T34"], ["2022", "9.5"]]),
    ],
)
def test_indicator_page_lines_follow_the_chosen_breakdown(
    client: Client, indicator_world: IndicatorWorld, params: dict[str, str], rows: list[list[str]]
) -> None:
    response = client.get(detail_url(indicator_world.detainees), params)
    assert response.status_code == 200
    assert table_rows(response) == rows


def test_indicator_page_survives_nonsense_choices(
    client: Client, indicator_world: IndicatorWorld
) -> None:
    response = client.get(
        detail_url(indicator_world.detainees), {"by": "NOPE", "area": "XX", "SEX": "Q"}
    )
    assert response.status_code == 200
    assert "the defaults are shown instead" in text_of(response)
    assert table_rows(response)[0] == ["Period", "Total"]


def test_htmx_gets_only_the_chart_and_table(
    client: Client, indicator_world: IndicatorWorld
) -> None:
    response = client.get(
        detail_url(indicator_world.detainees), {"by": "SEX"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<h3 id="chart-heading">')
    assert "<svg" in html and 'class="values-table"' in html


def test_hidden_and_unknown_indicators_are_404(
    client: Client, indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    Indicator.objects.filter(pk=indicator_world.detainees.pk).update(is_public=False)
    assert client.get(detail_url(indicator_world.detainees)).status_code == 404
    assert client.get("/indicators/NOPE/").status_code == 404
    assert client_for(gpo_focal_point).get(detail_url(indicator_world.detainees)).status_code == 200


def _five_dimension_indicator(world: IndicatorWorld) -> Indicator:
    """An indicator by sex, age, disability and two more dimensions."""
    extra = {}
    for order, code in enumerate(("EDUCATION_LEV", "URBANISATION"), start=10):
        dimension = Dimension.objects.create(code=code, name_en=code.title(), order=order)
        extra[code] = dimension
        for position, value in enumerate(("A", "B", "C")):
            world.values[f"{code}={value}"] = DimensionValue.objects.create(
                dimension=dimension, code=value, name_en=value, order=position
            )
    indicator = Indicator.objects.create(
        code="FIVE-1",
        attribute=world.detainees.attribute,
        kind=Indicator.Kind.OUTCOME,
        title_en="Five dimensions",
        unit="PT",
        agency=world.agency,
    )
    indicator.dimensions.set(
        [world.dimensions[c] for c in ("SEX", "AGE", "DISABILITY_STATUS")] + list(extra.values())
    )
    return indicator


def _fill(world: IndicatorWorld, indicator: Indicator, years: range) -> None:
    """Every single-dimension value and every SEX × AGE pair, at two areas, for ``years``."""
    single = [
        {dim: code}
        for dim, codes in {
            "SEX": ["F", "M"],
            "AGE": ["Y_LT18", "Y18T34", "Y_GE35"],
            "DISABILITY_STATUS": ["PD", "NPD"],
            "EDUCATION_LEV": ["A", "B", "C"],
            "URBANISATION": ["A", "B", "C"],
        }.items()
        for code in codes
    ]
    pairs = [
        {"SEX": sex, "AGE": age}
        for sex, age in itertools.product(["F", "M"], ["Y_LT18", "Y18T34", "Y_GE35"])
    ]
    for year, area, breakdown in itertools.product(years, ["KZ", "KZ-75"], [{}, *single, *pairs]):
        add_observation(
            world, indicator, str(year), area, breakdown, str(year % 7 + len(breakdown))
        )


@pytest.mark.parametrize(
    "params", [{}, {"by": "SEX"}, {"by": "AGE", "SEX": "F"}, {"by": "REF_AREA"}]
)
def test_indicator_page_query_count_with_five_dimensions_and_ten_years(
    client: Client, indicator_world: IndicatorWorld, params: dict[str, str]
) -> None:
    indicator = _five_dimension_indicator(indicator_world)
    _fill(indicator_world, indicator, range(2023, 2024))
    with CaptureQueriesContext(connection) as small:
        client.get(detail_url(indicator), params)
    _fill(indicator_world, indicator, range(2013, 2023))
    with CaptureQueriesContext(connection) as large:
        response = client.get(detail_url(indicator), params)
    assert len(table_rows(response)) == 1 + 11  # header and 2013..2023
    assert len(large) == len(small)
    # The chart and table come from one query of observations (besides the headline's).
    chart_queries = [
        q["sql"] for q in large.captured_queries if 'FROM "indicators_observation"' in q["sql"]
    ]
    assert len(chart_queries) == 2, chart_queries


# Downloads -----------------------------------------------------------------------------------------


def test_download_gives_published_values_only_to_the_public(
    client: Client, indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    pytest.importorskip("rightsmonitor.indicators.exporters.observations")
    world = indicator_world
    add_observation(world, world.detainees, "2023", "KZ", {}, "99.0", state=DRAFT)
    url = reverse("indicators:download", args=["TORT-O1", "csv"])

    response = client.get(url, {"unpublished": "1"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert "31.5" in body and "99" not in body
    agency = client_for(gpo_focal_point).get(url, {"unpublished": "1"})
    assert "99" in agency.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sdmx.csv"])
def test_every_download_format(client: Client, indicator_world: IndicatorWorld, fmt: str) -> None:
    pytest.importorskip("rightsmonitor.indicators.exporters.observations")
    response = client.get(reverse("indicators:download", args=["TORT-O1", fmt]))
    assert response.status_code == 200
    assert response.content


def test_download_of_an_unknown_format_or_hidden_indicator_is_404(
    client: Client, indicator_world: IndicatorWorld
) -> None:
    assert client.get(reverse("indicators:download", args=["TORT-O1", "pdf"])).status_code == 404
    Indicator.objects.filter(pk=indicator_world.detainees.pk).update(is_public=False)
    pytest.importorskip("rightsmonitor.indicators.exporters.observations")
    assert client.get(reverse("indicators:download", args=["TORT-O1", "csv"])).status_code == 404


def test_download_query_count_does_not_grow(
    client: Client, indicator_world: IndicatorWorld
) -> None:
    pytest.importorskip("rightsmonitor.indicators.exporters.observations")
    indicator = _five_dimension_indicator(indicator_world)
    url = reverse("indicators:download", args=[indicator.code, "sdmx.csv"])
    _fill(indicator_world, indicator, range(2023, 2024))
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _fill(indicator_world, indicator, range(2020, 2023))
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


# The data-entry grid ---------------------------------------------------------------------------------


def grid_post(response, values: dict[str, str], **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The grid's form as the page rendered it, with ``values`` typed into the rows labelled so
    ("Total", "Sex: F"), for the national area."""
    formset = response.context["formset"]
    data = {
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "5000",
        "operation": "save",
        "source": "",
    }
    for group in response.context["areas"]:
        for row in group.rows:
            prefix = row.form.prefix
            data[f"{prefix}-area"] = row.form["area"].value()
            data[f"{prefix}-key"] = row.form["key"].value() or ""
            current = row.form["value"].value()
            data[f"{prefix}-value"] = "" if current is None else str(current)
            if group.area.code == "KZ" and row.label in values:
                data[f"{prefix}-value"] = values[row.label]
    data.update(extra)
    return data


def test_grid_access(
    indicator_world: IndicatorWorld, gpo_focal_point, focal_point_mia, coordinator, ngo_member
) -> None:
    url = enter_url(indicator_world.detainees, period="2023")
    assert client_for(gpo_focal_point).get(url).status_code == 200
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(focal_point_mia).get(url).status_code == 403  # another agency's
    assert client_for(ngo_member).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_grid_rows_totals_single_values_and_existing_cells(
    indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    response = client_for(gpo_focal_point).get(enter_url(indicator_world.detainees, period="2022"))
    groups = {
        group.area.code: [row.label for row in group.rows] for group in response.context["areas"]
    }
    assert groups["KZ"] == [
        "Total",
        "Sex: F",
        "Sex: M",
        "Age: Y_LT18",
        "Age: Y18T34",
        "Age: Y_GE35",
    ]
    # KZ-75 has a stored 2022 value: its area comes with the usual rows and the stored cell.
    assert groups["KZ-75"][-1] == "Age: Y18T34, Sex: F"
    assert 'value="29.0"' in response.content.decode() or 'value="29"' in response.content.decode()


def test_grid_adds_areas_and_combinations(indicator_world: IndicatorWorld, gpo_focal_point) -> None:
    staff = client_for(gpo_focal_point)
    added = staff.get(
        enter_url(indicator_world.detainees, period="2023", add_SEX="M", add_AGE="Y_LT18")
    )
    assert added.status_code == 302
    assert "combination=AGE%3DY_LT18%7CSEX%3DM" in added["Location"]
    response = staff.get(added["Location"] + "&areas=KZ-71")
    groups = {
        group.area.code: [row.label for row in group.rows] for group in response.context["areas"]
    }
    assert set(groups) == {"KZ", "KZ-71"}
    assert groups["KZ-71"][-1] == "Age: Y_LT18, Sex: M"


def test_grid_saves_new_and_changed_values_as_drafts(
    indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    staff = client_for(gpo_focal_point)
    url = enter_url(indicator_world.detainees, period="2023")
    page = staff.get(url)

    response = staff.post(
        url,
        grid_post(page, {"Total": "27.25", "Sex: F": "11", "Sex: M": "30.5"}, source="Bulletin"),
    )

    assert response.status_code == 302, response.context and response.context["page_errors"]
    stored = {
        o.breakdown_key: o
        for o in Observation.objects.filter(
            indicator=indicator_world.detainees, period_start=date(2023, 1, 1)
        )
    }
    assert {key: o.value for key, o in stored.items()} == {
        "": Decimal("27.25"),
        "SEX=F": Decimal("11"),
        "SEX=M": Decimal("30.5"),
    }
    assert {o.state for o in stored.values()} == {DRAFT}
    assert stored[""].source == "Bulletin"
    assert stored[""].entered_by == gpo_focal_point
    follow = staff.get(url)
    assert "Saved: 3 new, 0 changed, 0 unchanged." in text_of(follow)


def test_grid_refuses_a_non_number_and_saves_nothing(
    indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    staff = client_for(gpo_focal_point)
    url = enter_url(indicator_world.detainees, period="2023")
    data = grid_post(staff.get(url), {"Total": "27", "Sex: F": "eleven"})

    response = staff.post(url, data)

    assert response.status_code == 400
    assert "Nothing was saved" in text_of(response)
    assert "Enter a number." in text_of(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Observation.objects.filter(period_start=date(2023, 1, 1)).exists()


def test_grid_refuses_the_same_cell_twice(indicator_world: IndicatorWorld, gpo_focal_point) -> None:
    staff = client_for(gpo_focal_point)
    url = enter_url(indicator_world.detainees, period="2023")
    data = grid_post(staff.get(url), {"Total": "27"})
    # A second row for the national total, as a forged or doubled form would send it.
    total = int(data["form-TOTAL_FORMS"])
    data.update(
        {
            "form-TOTAL_FORMS": str(total + 1),
            f"form-{total}-area": "KZ",
            f"form-{total}-key": "",
            f"form-{total}-value": "28",
        }
    )

    response = staff.post(url, data)

    assert response.status_code == 400
    assert "This value repeats row 1" in text_of(response)
    assert not Observation.objects.filter(period_start=date(2023, 1, 1)).exists()


def test_grid_refuses_unknown_codes(indicator_world: IndicatorWorld, gpo_focal_point) -> None:
    staff = client_for(gpo_focal_point)
    url = enter_url(indicator_world.detainees, period="2023")
    data = grid_post(staff.get(url), {"Total": "27"})
    data["form-1-key"] = "DISABILITY_STATUS=PD"  # not a dimension of TORT-O1

    response = staff.post(url, data)

    assert response.status_code == 400
    assert "names an area or breakdown the indicator does not have" in text_of(response)
    assert not Observation.objects.filter(period_start=date(2023, 1, 1)).exists()


def test_grid_keeps_published_values_from_the_agency(
    indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    staff = client_for(gpo_focal_point)
    url = enter_url(indicator_world.detainees, period="2022")
    page = staff.get(url)
    assert re.search(r'value="29(\.0)?"[^>]*readonly|readonly[^>]*value="29', page.content.decode())

    response = staff.post(url, grid_post(page, {"Total": "28"}))

    assert response.status_code == 400
    assert "ask the coordinator to return it to draft" in text_of(response)
    total = Observation.objects.get(
        indicator=indicator_world.detainees,
        period_start=date(2022, 1, 1),
        breakdown_key="",
        area__code="KZ",
    )
    assert total.value == Decimal("29.0")


def test_grid_submits_the_drafts_of_the_period(
    indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    world = indicator_world
    add_observation(world, world.detainees, "2023", "KZ", {}, "27", state=DRAFT)
    add_observation(world, world.detainees, "2023", "KZ", {"SEX": "F"}, "11", state=DRAFT)
    other_year = add_observation(world, world.detainees, "2024", "KZ", {}, "26", state=DRAFT)
    staff = client_for(gpo_focal_point)
    url = enter_url(world.detainees, period="2023")

    response = staff.post(url, {"operation": "submit"})

    assert response.status_code == 302
    states = set(
        Observation.objects.filter(period_start=date(2023, 1, 1)).values_list("state", flat=True)
    )
    assert states == {ObservationState.SUBMITTED}
    other_year.refresh_from_db()
    assert other_year.state == DRAFT
    assert "2 values were sent to the coordinator" in text_of(staff.get(url))


def test_grid_with_a_bad_period_says_why(indicator_world: IndicatorWorld, gpo_focal_point) -> None:
    response = client_for(gpo_focal_point).get(enter_url(indicator_world.detainees, period="soon"))
    assert response.status_code == 400
    assert "is not a period" in text_of(response)


# Upload ----------------------------------------------------------------------------------------------


def test_upload_access(
    indicator_world: IndicatorWorld, gpo_focal_point, coordinator, ngo_member
) -> None:
    url = reverse("indicators:upload")
    assert client_for(gpo_focal_point).get(url).status_code == 200
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(ngo_member).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    # The agency's indicators only, in the select.
    page = client_for(gpo_focal_point).get(url).content.decode()
    assert "TORT-O1" in page and "PART-O1" not in page


def _csv(text: str, name: str = "indicator_TORT-O1.csv"):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_upload_checks_then_imports(indicator_world: IndicatorWorld, gpo_focal_point) -> None:
    pytest.importorskip("rightsmonitor.indicators.importers.observations")
    staff = client_for(gpo_focal_point)
    url = reverse("indicators:upload")
    content = "Year,Sex,GeoCode,Value\n2023,,KZ,27.5\n2023,F,KZ,11\n"

    checked = staff.post(url, {"file": _csv(content), "format": "auto", "dry_run": "on"})

    assert checked.status_code == 200
    assert "The file can be imported" in text_of(checked)
    assert not Observation.objects.filter(period_start=date(2023, 1, 1)).exists()

    imported = staff.post(url, {"file": _csv(content), "format": "opensdg-csv"})

    assert imported.status_code == 302
    assert Observation.objects.filter(period_start=date(2023, 1, 1), state=DRAFT).count() == 2


def test_upload_lists_every_problem_with_row_and_column(
    indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    pytest.importorskip("rightsmonitor.indicators.importers.observations")
    content = "Year,Sex,GeoCode,Value\n2023,,KZ,lots\n2023,X,KZ,11\n"

    response = client_for(gpo_focal_point).post(
        reverse("indicators:upload"), {"file": _csv(content), "format": "auto"}
    )

    assert response.status_code == 400
    text = text_of(response)
    assert "The file was not imported: 2 problems" in text
    assert "Row 2, column “Value”" in text
    assert "Row 3, column “Sex”" in text
    assert not Observation.objects.filter(period_start=date(2023, 1, 1)).exists()


def test_upload_refuses_other_files(indicator_world: IndicatorWorld, gpo_focal_point) -> None:
    response = client_for(gpo_focal_point).post(
        reverse("indicators:upload"), {"file": _csv("x", name="data.pdf"), "format": "auto"}
    )
    assert response.status_code == 400
    assert "Upload a CSV or XLSX file." in text_of(response)


# The validation queue ----------------------------------------------------------------------------------


def _submitted(world: IndicatorWorld, period: str, *, indicator: Indicator | None = None) -> None:
    for breakdown, value in (({}, "27"), ({"SEX": "F"}, "11")):
        add_observation(
            world, indicator or world.detainees, period, "KZ", breakdown, value,
            state=ObservationState.SUBMITTED,
        )  # fmt: skip


def queue_step(client: Client, name: str, period: str = "2023", **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("indicators:review"),
        {"indicator": "TORT-O1", "period": period, "name": name, **extra},
    )


def test_queue_access(
    indicator_world: IndicatorWorld, gpo_focal_point, coordinator, administrator
) -> None:
    url = reverse("indicators:review")
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(administrator).get(url).status_code == 200
    assert client_for(gpo_focal_point).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    assert client_for(gpo_focal_point).post(url, {}).status_code == 403


def test_coordinator_validates_returns_and_publishes(
    indicator_world: IndicatorWorld, coordinator
) -> None:
    world = indicator_world
    _submitted(world, "2023")
    _submitted(world, "2024")
    staff = client_for(coordinator)

    page = staff.get(reverse("indicators:review"))
    assert [(g.indicator.code, g.period.label, g.submitted) for g in page.context["groups"]] == [
        ("TORT-O1", "2023", 2),
        ("TORT-O1", "2024", 2),
    ]

    assert queue_step(staff, "validate").status_code == 302
    states = Observation.objects.filter(period_start=date(2023, 1, 1)).values_list(
        "state", flat=True
    )
    assert set(states) == {ObservationState.VALIDATED}

    assert queue_step(staff, "publish").status_code == 302
    assert set(
        Observation.objects.filter(period_start=date(2023, 1, 1)).values_list("state", flat=True)
    ) == {ObservationState.PUBLISHED}
    public = Client().get(detail_url(world.detainees))
    assert table_rows(public)[-1] == ["2023", "27.0"]

    refused = queue_step(staff, "return", period="2024")
    assert refused.status_code == 400
    assert "Say why, for the agency." in text_of(refused)
    assert set(
        Observation.objects.filter(period_start=date(2024, 1, 1)).values_list("state", flat=True)
    ) == {ObservationState.SUBMITTED}

    returned = queue_step(staff, "return", period="2024", comment="The total is below the parts.")
    assert returned.status_code == 302
    assert set(
        Observation.objects.filter(period_start=date(2024, 1, 1)).values_list("state", flat=True)
    ) == {DRAFT}
    assert "Nothing is waiting" in text_of(staff.get(reverse("indicators:review")))


def test_queue_refuses_a_forged_step(indicator_world: IndicatorWorld, coordinator) -> None:
    response = queue_step(client_for(coordinator), "delete")
    assert response.status_code == 400


def test_queue_query_count_does_not_grow(
    indicator_world: IndicatorWorld, coordinator, django_assert_max_num_queries
) -> None:
    world = indicator_world
    staff = client_for(coordinator)
    url = reverse("indicators:review")
    _submitted(world, "2023")
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for year in range(1990, 2020):
        _submitted(world, str(year))
        _submitted(world, str(year), indicator=world.women_mps)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url)
    assert len(response.context["groups"]) == 50  # one page
    assert len(many) == len(few)
    # Session, user, unread notifications; the agency checked and both selects drawn; the
    # groups counted, the page of groups, their indicators.
    with django_assert_max_num_queries(9):
        staff.get(url, {"agency": "GPO", "state": "submitted"})


# Headlines and the chart, closer up --------------------------------------------------------------


def test_headline_prefers_the_year_to_its_last_quarter_and_says_unchanged(
    client: Client, indicator_world: IndicatorWorld
) -> None:
    world = indicator_world
    add_observation(world, world.women_mps, "2021", "KZ", {}, "18.44")
    add_observation(world, world.women_mps, "2022-Q4", "KZ", {}, "30")
    add_observation(world, world.women_mps, "2022-Q3", "KZ", {}, "10")

    text = text_of(client.get(reverse("indicators:overview")))

    # 2022 (18.4) against 2021 (18.44, shown as 18.4): the same to the decimal shown.
    assert "18.4 (2022)" in text
    assert "Unchanged since 2021" in text


def test_line_chart_breaks_lines_at_gaps_and_escapes_labels() -> None:
    from rightsmonitor.core.charts import line_chart, line_series_for, nice_scale

    assert nice_scale(0, 37) == [0, 10, 20, 30, 40]
    assert nice_scale(5, 5) == [4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6]  # a flat line gets room
    series = line_series_for(["", "SEX=F"], {"": "Total", "SEX=F": "<Female>"})
    svg = str(
        line_chart(
            ["2020", "2021", "2022"],
            [(series[0], [1.0, None, 3.0]), (series[1], [2.0, 2.5, None])],
            title="T & T",
            description="D",
            y_label="%",
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "T &amp; T" in svg and "&lt;Female&gt;" in svg and "<Female>" not in svg
    paths = re.findall(r'<path d="([^"]+)"', svg)
    assert [path.count("M") for path in paths] == [2, 1]  # the total breaks at 2021
