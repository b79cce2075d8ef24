"""Observations in and out through real files: Open SDG CSV and XLSX, SDMX-CSV 1.0 and 2.0.

The files in ``data/`` are written as open-sdg, SDMX tools and Excel write them (see
``data/make_files.py`` for the binary and non-UTF-8 ones). A refused file must name the row
and the column of every problem and leave every table as it was.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rightsmonitor.accounts.tests.factories import AdministratorFactory, FocalPointFactory
from rightsmonitor.core.tabular import TableError
from rightsmonitor.indicators.breakdowns import breakdown_key
from rightsmonitor.indicators.exporters.observations import (
    FORMATS,
    export_observations,
    iter_export_csv,
    suggested_filename,
)
from rightsmonitor.indicators.importers.observations import import_observations, parse_number
from rightsmonitor.indicators.models import Observation, ObservationState
from rightsmonitor.indicators.periods import format_period
from rightsmonitor.indicators.tests.factories import add_observation

DATA = Path(__file__).parent / "data"
Through = Observation.breakdown.through
History = Observation.history.model


def table_counts() -> tuple[int, int, int]:
    return Observation.objects.count(), Through.objects.count(), History.objects.count()


def stored(observations=None) -> list[tuple]:
    """What an exchange file carries, comparable across a round trip."""
    rows = []
    if observations is None:
        observations = Observation.objects.all()
    for o in observations.select_related("indicator", "area"):
        assert breakdown_key({v.dimension.code: v.code for v in o.breakdown.all()}) == (
            o.breakdown_key
        ), "the breakdown rows agree with the key"
        period = format_period(o.period_type, o.period_start, o.period_end)
        rows.append(
            (o.indicator.code, period, o.area.code, o.breakdown_key, o.value, o.unit, o.note)
        )
    return sorted(rows)


def row(indicator: str, period: str, area: str, key: str, value: str, note: str = "") -> tuple:
    return (indicator, period, area, key, Decimal(value), "PT", note)


@pytest.fixture
def world(indicator_world):  # type: ignore[no-untyped-def]
    """The factory world plus the awkward cases: a quarter, a negative value, six decimals,
    an integer, and a note a spreadsheet would run as a formula."""
    w = indicator_world
    w.observations += [
        add_observation(w, w.detainees, "2022-Q3", "KZ-71", {"AGE": "Y_LT18"}, "-2.5"),
        add_observation(w, w.detainees, "2023", "KZ", {"SEX": "M"}, "1234567.123456"),
        add_observation(w, w.detainees, "2023", "KZ", {}, "100"),
    ]
    Observation.objects.filter(pk=w.observations[-1].pk).update(note="=SUM(A1:A9) was wrong")
    return w


# (a) Round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_to_the_same_observations(world, coordinator, fmt):
    open_sdg = fmt.startswith("opensdg")
    exported = Observation.objects.all()
    if open_sdg:  # one indicator per file
        exported = exported.filter(indicator=world.detainees)
    before = stored(exported)
    data = export_observations(world.detainees if open_sdg else exported, format=fmt)
    name = suggested_filename(world.detainees, fmt)  # indicator_TORT-O1.csv tells the indicator
    exported.delete()

    summary = import_observations(data, filename=name, format="auto", by=coordinator)

    assert summary.created == len(before) and not summary.updated
    assert stored(exported) == before
    assert not exported.exclude(state=ObservationState.DRAFT).exists()
    again = import_observations(data, filename=name, format=fmt, by=coordinator)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(before))


def test_open_sdg_csv_is_laid_out_as_open_sdg_publishes(world):
    text = export_observations(world.detainees, format="opensdg-csv").decode("utf-8")
    assert text.splitlines() == [
        "Year,Sex,Age,Units,COMMENT_OBS,GeoCode,Value",
        "2021,,,PT,,KZ,31.5",
        "2021,F,,PT,,KZ,12",
        "2021,M,,PT,,KZ,34",
        "2022,,,PT,,KZ,29",
        "2022,F,Y18T34,PT,,KZ-75,9.5",
        "2022-Q3,,Y_LT18,PT,,KZ-71,-2.5",
        "2023,,,PT,=SUM(A1:A9) was wrong,KZ,100",
        "2023,M,,PT,,KZ,1234567.123456",
    ]
    assert not text.startswith("\ufeff")
    women = export_observations(world.women_mps, format="opensdg-csv").decode()
    assert women.splitlines() == ["Year,Units,GeoCode,Value", "2022,PT,KZ,18.4"]


def test_sdmx_csv_2_0_has_every_dimension_with_totals_as_T(world):
    observations = Observation.objects.filter(period_start__year=2022)
    lines = b"".join(iter_export_csv(observations, format="sdmx-csv")).decode().splitlines()
    assert lines[0] == (
        "STRUCTURE,STRUCTURE_ID,ACTION,SERIES,REF_AREA,SEX,AGE,TIME_PERIOD,OBS_VALUE,"
        "UNIT_MEASURE,COMMENT_OBS"
    )
    assert lines[1:] == [
        "dataflow,RM:HR_INDICATORS(1.0),I,PART-O1,KZ,_T,_T,2022,18.4,PT,",
        "dataflow,RM:HR_INDICATORS(1.0),I,TORT-O1,KZ,_T,_T,2022,29,PT,",
        "dataflow,RM:HR_INDICATORS(1.0),I,TORT-O1,KZ-75,F,Y18T34,2022,9.5,PT,",
        "dataflow,RM:HR_INDICATORS(1.0),I,TORT-O1,KZ-71,_T,Y_LT18,2022-Q3,-2.5,PT,",
    ]


def test_xlsx_keeps_numbers_numbers_and_guards_text(world):
    data = export_observations(world.detainees, format="opensdg-xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Year", "Sex", "Age", "Units", "COMMENT_OBS", "GeoCode", "Value")
    assert rows[1] == (2021, None, None, "PT", None, "KZ", 31.5)
    assert rows[6] == ("2022-Q3", None, "Y_LT18", "PT", None, "KZ-71", -2.5)
    assert rows[7][4] == "'=SUM(A1:A9) was wrong"


def test_a_dimension_the_indicator_lost_is_still_exported(world):
    world.detainees.dimensions.remove(world.dimensions["AGE"])
    lines = export_observations(world.detainees, format="opensdg-csv").decode().splitlines()
    assert lines[0] == "Year,Sex,Age,Units,COMMENT_OBS,GeoCode,Value"
    assert "2022,F,Y18T34,PT,,KZ-75,9.5" in lines


def test_an_empty_export_still_has_the_indicators_columns(world):
    none = Observation.objects.none()
    data = export_observations(none, format="opensdg-csv", indicator=world.detainees)
    assert data.decode() == "Year,Sex,Age,Units,GeoCode,Value\n"


# Files as they come ---------------------------------------------------------------------------

GOOD_FILES = {
    # open-sdg's layout: Series holds an SDG series code, the file name the SDG indicator;
    # "%" is the indicator's unit label, "Female" an alias, ALA an old ISO code of KZ-75.
    "indicator_16-3-2.csv": ({}, [
        row("TORT-O1", "2019", "KZ", "", "32.4"),
        row("TORT-O1", "2019", "KZ", "SEX=F", "12.1"),
        row("TORT-O1", "2019", "KZ", "SEX=M", "35.0"),
        row("TORT-O1", "2019", "KZ-75", "AGE=Y18T34", "10.75"),
        row("TORT-O1", "2020", "KZ", "", "30.9"),
    ]),
    "indicator_TORT-O1.xlsx": ({}, [
        row("TORT-O1", "2017", "KZ", "", "34.2"),
        row("TORT-O1", "2017", "KZ", "SEX=F", "13"),
        row("TORT-O1", "2017", "KZ-71", "AGE=Y_GE35|SEX=M", "40.5", "=counted twice before 2017"),
        row("TORT-O1", "2017-Q3", "KZ", "", "12.5"),
    ]),
    "sdmx_1_0_semicolon.csv": ({"format": "sdmx-csv"}, [
        row("PART-O1", "2018", "KZ", "", "20.1"),
        row("TORT-O1", "2018", "KZ", "", "33.6"),
        row("TORT-O1", "2018", "KZ", "SEX=F", "12.9"),
        row("TORT-O1", "2018", "KZ-75", "AGE=Y18T34|SEX=F", "8.25", "Estimate; Almaty city"),
    ]),
    "sdmx_2_0.csv": ({}, [
        row("PART-O1", "2023", "KZ", "", "19.5"),
        row("TORT-O1", "2023-Q1", "KZ", "", "28.0", "Provisional"),
        row("TORT-O1", "2023-Q1", "KZ-71", "AGE=Y_GE35|SEX=M", "1200.5"),
        row("TORT-O1", "2023-Q1", "KZ-71", "SEX=F", "7.25"),
    ]),
    "opensdg_ru_cp1251.csv": ({"indicator": "TORT-O1"}, [
        row("TORT-O1", "2016", "KZ", "", "36.1", "Данные Генеральной прокуратуры"),
        row("TORT-O1", "2016", "KZ", "SEX=F", "14.2", "Данные Генеральной прокуратуры"),
        row("TORT-O1", "2016", "KZ-75", "SEX=M", "40.0", "Оценка по городу Алматы"),
    ]),
    "opensdg_utf16.csv": ({"indicator": "TORT-O1", "format": "opensdg-csv"}, [
        row("TORT-O1", "2015", "KZ", "AGE=Y_LT18", "1.5"),
        row("TORT-O1", "2015", "KZ-75", "SEX=F", "9.9"),
    ]),
}  # fmt: skip


@pytest.mark.parametrize("name", GOOD_FILES)
def test_files_as_they_come_are_read(indicator_world, coordinator, name):
    options, expected = GOOD_FILES[name]
    before = set(Observation.objects.values_list("pk", flat=True))
    with (DATA / name).open("rb") as upload:  # an uploaded file, read from its start
        summary = import_observations(upload, filename=name, by=coordinator, **options)
    assert summary.created == len(expected)
    assert stored(Observation.objects.exclude(pk__in=before)) == sorted(expected)


def test_aliases_and_names_are_accepted(indicator_world, coordinator):
    """(c) ALA is KZ-75 and "Female" is F, as the codebook's aliases say."""
    import_observations(
        DATA / "indicator_16-3-2.csv", filename="indicator_16-3-2.csv", by=coordinator
    )
    assert Observation.objects.filter(period_start__year=2019, area__code="KZ-75").exists()
    women = Observation.objects.get(period_start__year=2019, breakdown_key="SEX=F")
    assert women.breakdown.get() == indicator_world.value("SEX=F")


def test_a_dry_run_checks_and_writes_nothing(indicator_world, coordinator):
    counts = table_counts()
    summary = import_observations(
        DATA / "sdmx_2_0.csv", format="sdmx-csv", by=coordinator, dry_run=True
    )
    assert summary.created == 4
    assert table_counts() == counts


# (b) Files that are refused -------------------------------------------------------------------

BAD_FILES = {
    "bad_unknown_indicator.csv": ({}, [
        "Row 3, column “SERIES”: “TORT-99” is not the code of an indicator.",
    ]),
    "bad_unknown_value.csv": ({"indicator": "TORT-O1"}, [
        "Row 3, column “Sex”: “Femme” is not a value of SEX (F, M).",
    ]),
    "bad_not_a_number.csv": ({"indicator": "TORT-O1"}, [
        "Row 3, column “Value”: “12..5” is not a number.",
        "Row 4, column “Value”: “n/a” is not a number.",
        "Row 5, column “Value”: “12,5” is not a number: write it with a decimal point.",
    ]),
    "bad_duplicate.csv": ({"indicator": "TORT-O1"}, [
        "Row 4, column “Value”: This value repeats row 2: same indicator, period, area and "
        "breakdown.",
    ]),
    "bad_delimiter.csv": ({"indicator": "TORT-O1"}, [
        "Row 1, column “Year|Sex|GeoCode|Value”: The header row is read as a single column.",
    ]),
    "bad_latin1.csv": ({"indicator": "TORT-O1"}, [
        "Row 3, column “COMMENT_OBS”: Cannot read the file's encoding.",
    ]),
    "bad_random_bytes.csv": ({}, ["Row 1: Cannot read the file's encoding."]),
    "bad_unknown_column.csv": ({"indicator": "TORT-O1"}, [
        "Row 1, column “Region”: Rights Monitor does not know this column",
    ]),
    "bad_delete.csv": ({}, [
        "Row 3, column “ACTION”: Deleting observations through a file is not supported",
    ]),
    "bad_several.csv": ({"indicator": "TORT-O1"}, [
        "Row 2, column “GeoCode”: “KZ-99” is not an area code Rights Monitor knows.",
        "Row 3, column “Year”: “20X9” is not a period",
        "Row 4, column “Age”: “Y99” is not a value of AGE (Y18T34, Y_GE35, Y_LT18).",
        "Row 5, column “Value”: “abc” is not a number.",
    ]),
    "sdmx_2_0.csv": ({"indicator": "TORT-O1"}, [
        "Row 5, column “SERIES”: This row is for indicator PART-O1, but the file is imported "
        "for TORT-O1.",
    ]),
}  # fmt: skip


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_are_refused_naming_row_and_column(indicator_world, coordinator, name):
    options, expected = BAD_FILES[name]
    counts = table_counts()
    with pytest.raises(TableError) as refused:
        import_observations(DATA / name, filename=name, by=coordinator, **options)
    message = str(refused.value)
    for line in expected:
        assert line in message
    assert len(refused.value.errors) == len(expected), message
    assert table_counts() == counts


def test_one_bad_row_stops_the_good_ones(indicator_world, coordinator):
    counts = table_counts()
    with pytest.raises(TableError):
        import_observations(DATA / "bad_unknown_value.csv", indicator="TORT-O1", by=coordinator)
    assert table_counts() == counts
    assert not Observation.objects.filter(period_start__year=2019).exists()


def test_the_wrong_format_is_named(indicator_world, coordinator):
    with pytest.raises(TableError, match="This is an SDMX-CSV file, not an Open SDG one"):
        import_observations(DATA / "sdmx_2_0.csv", format="opensdg-csv", by=coordinator)


@pytest.mark.parametrize(
    ("text", "comma", "expected"),
    [
        (31.5, False, "31.5"),
        (13, False, "13"),
        ("1 234 567,25", True, "1234567.25"),
        ("-0.0000004", False, "0"),
        ("2.0000005", False, "2.000001"),
        ("1e3", False, "1000"),
    ],
)
def test_numbers(text, comma, expected):
    assert parse_number(text, decimal_comma=comma) == Decimal(expected)


@pytest.mark.parametrize("text", ["nan", "inf", "1,5", "12 5", "1e20", float("nan"), True])
def test_not_numbers(text):
    assert isinstance(parse_number(text), str)


# (d) Permissions ------------------------------------------------------------------------------


def test_a_focal_point_of_another_agency_is_refused(indicator_world, focal_point_mia):
    counts = table_counts()
    with pytest.raises(TableError) as refused:
        import_observations(
            DATA / "indicator_16-3-2.csv", filename="indicator_16-3-2.csv", by=focal_point_mia
        )
    assert "Row 2: You may not enter data for indicator TORT-O1." in str(refused.value)
    assert table_counts() == counts


def test_the_agencys_own_focal_point_may_import(indicator_world):
    gpo = FocalPointFactory(email="focal.gpo@example.org", agency=indicator_world.agency)
    summary = import_observations(
        DATA / "indicator_16-3-2.csv", filename="indicator_16-3-2.csv", by=gpo
    )
    assert summary.created == 5
    assert set(Observation.objects.filter(entered_by=gpo).values_list("state", flat=True)) == {
        ObservationState.DRAFT
    }


# (e) The commands -----------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    """A command's exit status and output, as ``manage.py`` would give them."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"CommandError: {error}\n")
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_import_command_prints_every_problem_and_exits_1(indicator_world, coordinator):
    counts = table_counts()
    status, _out, err = run(
        "import_observations", str(DATA / "bad_several.csv"), "--indicator", "TORT-O1",
        "--as", coordinator.email,
    )  # fmt: skip
    assert status == 1
    lines = err.splitlines()
    assert lines[0] == "Row 2, column “GeoCode”: “KZ-99” is not an area code Rights Monitor knows."
    assert lines[3] == "Row 5, column “Value”: “abc” is not a number."
    assert "4 problems; nothing was imported." in lines[4]
    assert table_counts() == counts


def test_import_command_prints_the_counts(indicator_world, coordinator):
    status, out, _err = run(
        "import_observations", str(DATA / "sdmx_2_0.csv"), "--as", coordinator.email
    )
    assert status == 0
    assert "4 created, 0 updated, 0 unchanged (PART-O1, TORT-O1)" in out


def test_import_command_runs_as_the_first_administrator(indicator_world):
    assert run("import_observations", str(DATA / "sdmx_2_0.csv"))[0] == 1  # nobody to act as
    admin = AdministratorFactory(email="admin@example.org")
    status, out, _err = run("import_observations", str(DATA / "sdmx_2_0.csv"), "--dry-run")
    assert status == 0 and "as admin@example.org: 4 created" in out
    assert not Observation.objects.filter(entered_by=admin).exists()


def test_import_command_refuses_a_user_who_may_not_enter_data(indicator_world, ngo_member):
    status, _out, err = run(
        "import_observations", str(DATA / "sdmx_2_0.csv"), "--as", ngo_member.email
    )
    assert status == 1 and "may not enter indicator data" in err


def test_export_command_writes_what_the_import_reads(world, coordinator, tmp_path):
    target = tmp_path / "indicator_TORT-O1.xlsx"
    status, out, _err = run(
        "export_observations", "--indicator", "TORT-O1", "--output", str(target)
    )
    assert status == 0 and "(8 observations, opensdg-xlsx)" in out
    Observation.objects.filter(indicator=world.detainees).delete()
    status, out, _err = run("import_observations", str(target), "--as", coordinator.email)
    assert status == 0 and "8 created" in out


def test_export_command_needs_an_indicator_for_open_sdg(indicator_world, tmp_path):
    status, _out, err = run("export_observations", "--output", str(tmp_path / "x.csv"))
    assert status == 1 and "--indicator" in err


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_a_table_in_a_page_or_a_word_document_reads_like_the_csv(world, coordinator, kind):
    """Statistical offices publish tables in reports: the same Open SDG table, in a page with a
    title and a decimal comma, or in a Word document, reads back like the CSV."""
    import csv
    import io

    import docx

    exported = Observation.objects.filter(indicator=world.detainees)
    before = stored(exported)
    text = export_observations(world.detainees, format="opensdg-csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    exported.delete()
    if kind == "html":
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{cell.replace('.', ',') if n == len(row) - 1 and index else cell}</td>"
                for n, cell in enumerate(row)
            )
            + "</tr>"
            for index, row in enumerate(rows)
        )
        data = f"<html><body><h1>Unsentenced detainees</h1><table>{body}</table></body></html>".encode()
        name = "indicator_TORT-O1.html"
    else:
        document = docx.Document()
        document.add_paragraph("Unsentenced detainees")
        table = document.add_table(rows=0, cols=len(rows[0]))
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = value
        buffer = io.BytesIO()
        document.save(buffer)
        data = buffer.getvalue()
        name = "indicator_TORT-O1.docx"

    summary = import_observations(data, filename=name, format="auto", by=coordinator)

    assert summary.created == len(before)
    assert stored(exported) == before
