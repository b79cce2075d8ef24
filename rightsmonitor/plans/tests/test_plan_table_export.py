"""Exporting plan tables, and reading the export back into an empty plan."""

from __future__ import annotations

import codecs
import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rightsmonitor.plans.exporters.plan_table import export_plan_table
from rightsmonitor.plans.importers.plan_table import load_plan_table
from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.plans.tests.data import DATA_DIR, load_reference
from rightsmonitor.plans.tests.factories import PlanFactory, build_plan


@pytest.fixture
def register(db):
    load_reference()


@pytest.fixture
def source_plan(register, coordinator) -> Plan:
    """The 27-action plan, in English from its XLSX and in Russian for sections 1-3."""
    plan = PlanFactory(code="kz-hr-2022", title_en="Action plan", title_ru="План действий")
    load_plan_table(DATA_DIR / "kz_plan_en.xlsx", plan, by=coordinator)
    return plan


def snapshot(plan: Plan, language: str = "en") -> list[tuple]:
    """Everything an export carries, as comparable values."""
    rows: list[tuple] = []
    for section in plan.sections.order_by("order"):
        rows.append(("section", section.number, getattr(section, f"title_{language}")))
    for action in Action.objects.filter(plan=plan).with_related():
        rows.append(
            (
                action.section.number,
                action.number,
                getattr(action, f"title_{language}"),
                action.form_of_completion.key if action.form_of_completion else None,
                action.deadline_text,
                action.due_date,
                action.recurrence,
                action.deadline_needs_review,
                [(a.agency.abbreviation, a.role, a.as_agreed) for a in action.assignments.all()],
                sorted(theme.key for theme in action.themes.all()),
                getattr(action, f"expected_result_{language}"),
                getattr(action, f"description_{language}"),
            )
        )
    return rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_into_an_empty_plan_reproduces_the_plan(
    source_plan, coordinator, tmp_path, fmt
):
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(export_plan_table(source_plan, fmt))
    copy = PlanFactory(code="copy")

    report = load_plan_table(path, copy, by=coordinator)

    assert (report.sections_created, report.actions_created) == (8, 27)
    assert report.forms_created == [] and report.agencies_created == []
    assert snapshot(copy) == snapshot(source_plan)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_in_russian(source_plan, coordinator, tmp_path, fmt):
    load_plan_table(
        DATA_DIR / "kz_plan_ru.xlsx", source_plan, by=coordinator, language="ru", replace=True
    )
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(export_plan_table(source_plan, fmt, language="ru"))
    copy = PlanFactory(code="copy")

    report = load_plan_table(path, copy, by=coordinator, language="ru")

    assert report.actions_created == 9
    assert snapshot(copy, "ru") == snapshot(source_plan, "ru")


def test_xlsx_layout(source_plan):
    workbook = openpyxl.load_workbook(io.BytesIO(export_plan_table(source_plan, "xlsx")))
    sheet = workbook.active
    assert sheet["A1"].value == "Action plan"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value.startswith("Adopted by Government decree No. ")
    assert sheet["A3"].value == "Period: 28.04.2022 – 31.12.2023"
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert {"A1:H1", "A2:H2", "A3:H3", "A6:H6"} <= merged  # title block and the first section
    header = [cell.value for cell in sheet[5]]
    assert header == [
        "No.",
        "Action",
        "Form of completion",
        "Deadline",
        "Responsible agencies",
        "Expected result",
        "Description",
        "Themes",
    ]
    assert all(cell.font.bold for cell in sheet[5])
    assert sheet.freeze_panes == "A6"
    assert (
        sheet["A6"].value
        == "1. Eliminating discrimination against women and ensuring gender equality"
    )
    first = [cell.value for cell in sheet[7]]
    assert first[:5] == [
        "1.1",
        first[1],
        "Action plan",
        "December 2022",
        "LEB, MIC, NCWAFDP (as agreed)",
    ]
    assert first[7] == "women; gender_equality"  # in the order of the themes list
    assert sheet["B7"].alignment.wrap_text
    assert sheet.column_dimensions["B"].width == 60
    numbers = [row[0].value for row in sheet.iter_rows(min_row=6) if row[1].value]
    assert len(numbers) == 27 and all(isinstance(number, str) for number in numbers)


def test_xlsx_in_russian_with_the_standard_columns_only(source_plan, coordinator):
    load_plan_table(
        DATA_DIR / "kz_plan_ru.xlsx", source_plan, by=coordinator, language="ru", replace=True
    )
    data = export_plan_table(source_plan, "xlsx", language="ru", extra_columns=False)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[5]] == [
        "№ п/п",
        "Наименование мероприятия",
        "Форма завершения",
        "Срок исполнения",
        "Ответственные исполнители",
    ]
    assert sheet["A1"].value == "План действий"
    assert sheet["A2"].value.startswith("Утверждён")
    row = [cell.value for cell in sheet[7]]
    assert row[2:] == [
        "План мероприятий",
        "декабрь 2022 года",
        "LEB, MIC, NCWAFDP (по согласованию)",
    ]


def test_csv_layout(source_plan):
    data = export_plan_table(source_plan, "csv")
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "No.",
        "Action",
        "Form of completion",
        "Deadline",
        "Responsible agencies",
        "Expected result",
        "Description",
        "Themes",
    ]
    assert rows[1] == [
        "1",
        "Eliminating discrimination against women and ensuring gender equality",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    assert rows[2][0] == "1.1" and rows[2][4] == "LEB, MIC, NCWAFDP (as agreed)"
    assert len(rows) == 1 + 8 + 27
    assert any("\n" in row[1] for row in rows)  # line breaks inside a cell survive


def test_csv_cells_that_look_like_formulas_are_defused(source_plan, coordinator, tmp_path):
    action = Action.objects.get(plan=source_plan, number="1.1")
    from rightsmonitor.plans import actions as plan_actions

    plan_actions.update_action(action, {"title_en": '=HYPERLINK("http://x")'}, by=coordinator)
    data = export_plan_table(source_plan, "csv")
    assert "'=HYPERLINK" in data.decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(export_plan_table(source_plan, "xlsx"))).active
    assert sheet["B7"].data_type == "s"  # text, not a formula
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    copy = PlanFactory(code="copy")
    load_plan_table(path, copy, by=coordinator)
    assert Action.objects.get(plan=copy, number="1.1").title_en == '=HYPERLINK("http://x")'


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_query_count_does_not_grow_with_the_plan(db, django_assert_max_num_queries, fmt):
    small = build_plan(sections=2, actions_per_section=5)
    large = build_plan(sections=10, actions_per_section=10)
    small.refresh_from_db()
    large.refresh_from_db()
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            export_plan_table(plan, fmt)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # The adopting instrument, sections, actions (with plan, section, form), agencies, themes.
    with django_assert_max_num_queries(5):
        export_plan_table(large, fmt)
