"""Reading plan tables: file formats, encodings, headers, rows. No database needed."""

from __future__ import annotations

import codecs
import io
from datetime import date, datetime

import openpyxl
import pytest

from rightsmonitor.plans.importers.columns import Column, match_header
from rightsmonitor.plans.importers.plan_table import (
    TableError,
    TableRows,
    cell_text,
    deadline_text,
    decode_csv,
    number_text,
    parse_plan_table,
    read_rows,
    split_section_heading,
)
from rightsmonitor.plans.tests.data import DATA_DIR

HEADER = ["No.", "Action", "Form of completion", "Deadline", "Responsible agencies"]


def table(*rows: list[object]) -> TableRows:
    return TableRows(rows=[(n, list(row)) for n, row in enumerate(rows, start=1)], format="csv")


def messages(error: TableError) -> list[str]:
    return [str(item) for item in error.errors]


# --- Files and encodings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "encoding", "delimiter"),
    [
        ("kz_plan_en.xlsx", "xlsx", "", ""),
        ("plan_ru_cp1251.csv", "csv", "cp1251", ";"),
        ("plan_en_bom.csv", "csv", "utf-8-sig", ","),
        ("plan_kk_tab.csv", "csv", "utf-8", "\t"),
        ("plan_utf16_bom.csv", "csv", "utf-16", ","),
    ],
)
def test_format_encoding_and_delimiter_are_detected(name, fmt, encoding, delimiter):
    rows = read_rows(DATA_DIR / name)
    assert (rows.format, rows.encoding, rows.delimiter) == (fmt, encoding, delimiter)


def test_a_file_object_is_read_like_a_path():
    with (DATA_DIR / "kz_plan_en.xlsx").open("rb") as handle:
        from_file = read_rows(handle, filename="upload.xlsx")
    assert from_file.rows == read_rows(DATA_DIR / "kz_plan_en.xlsx").rows


@pytest.mark.parametrize("name", ["bad_utf16_no_bom.csv", "bad_random_bytes.csv", "bad_latin1.csv"])
def test_unreadable_encodings_are_refused(name):
    with pytest.raises(TableError, match="Cannot read the file's encoding"):
        read_rows(DATA_DIR / name)


def test_utf8_mistaken_for_1251_is_refused():
    text = "Мероприятие;Срок;Ответственные исполнители\n".encode()
    broken = text + b"\xff"  # not UTF-8 any more; as 1251 it would read as mojibake
    with pytest.raises(TableError, match="encoding"):
        decode_csv(broken)


def test_1251_is_accepted_only_with_cyrillic_words():
    assert decode_csv("Срок исполнения;МВД".encode("cp1251")) == ("Срок исполнения;МВД", "cp1251")
    with pytest.raises(TableError):
        decode_csv("Échéance;Société".encode("latin-1"))


def test_not_a_workbook_and_old_xls_are_refused():
    with pytest.raises(TableError, match="not a valid Excel workbook"):
        read_rows(DATA_DIR / "bad_not_a_workbook.xlsx")
    with pytest.raises(TableError, match="old Excel"):
        read_rows(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, filename="plan.xls")
    with pytest.raises(TableError, match="not a valid Excel workbook"):
        read_rows(b"No.,Action\n", filename="plan.xlsx")
    with pytest.raises(TableError, match="empty"):
        read_rows(b"  \n", filename="plan.csv")


def test_sheet_is_chosen_by_name():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Notes"])
    second = workbook.create_sheet("Plan")
    second.append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_rows(buffer.getvalue(), sheet="Plan").rows == [(1, HEADER)]
    with pytest.raises(TableError, match=r"no sheet “Other”\. Its sheets are: Sheet, Plan"):
        read_rows(buffer.getvalue(), sheet="Other")


def test_empty_rows_keep_their_spreadsheet_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"] = "Action"
    sheet["C7"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_rows(buffer.getvalue()).rows
    assert [number for number, _values in rows] == [3, 7]


def test_csv_formula_guard_is_removed():
    data = b"No.,Action,Deadline,Responsible agencies\n1. S,,,\n1.1,'=SUM(A1),2023,MIA\n"
    assert read_rows(data, filename="plan.csv").rows[2][1][1] == "=SUM(A1)"


# --- Cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.1, "1.1"),
        (3, "3"),
        (3.0, "3"),
        ("1.1.", "1.1"),
        ("№ 4", "4"),
        (datetime(2024, 10, 1), "1.10"),  # Russian-locale Excel's reading of "1.10"
        (None, ""),
    ],
)
def test_number_cells(value, expected):
    assert number_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2022, 12, 25), "25.12.2022"),
        (date(2023, 1, 31), "31.01.2023"),
        (44926, "31.12.2022"),  # a date serial in a cell without a date format
        (44926.0, "31.12.2022"),
        (2023, "2023"),
        ("  декабрь\n2022 года ", "декабрь 2022 года"),
    ],
)
def test_deadline_cells(value, expected):
    assert deadline_text(value) == expected


def test_text_cells_collapse_spaces_and_keep_line_breaks_when_asked():
    text = "  Draft\u00a0the   law\r\n\r\n  and  submit it \n"
    assert cell_text(text) == "Draft the law and submit it"
    assert cell_text(text, multiline=True) == "Draft the law\nand submit it"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. Gender equality", ("1", "Gender equality")),
        ("2 Freedom of association", ("2", "Freedom of association")),
        ("1.2. Sub-section", ("1.2", "Sub-section")),
        ("IV. Courts", ("IV", "Courts")),
        ("Раздел 3. Свобода выражения", ("3", "Свобода выражения")),
        ("3", ("3", "")),
        (
            "2030 Agenda for Sustainable Development",
            ("", "2030 Agenda for Sustainable Development"),
        ),
        ("Gender equality", ("", "Gender equality")),
        ("In the courts", ("", "In the courts")),
    ],
)
def test_section_headings(text, expected):
    assert split_section_heading(text) == expected


# --- Headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "column"),
    [
        ("No.", Column.NUMBER),
        ("№", Column.NUMBER),
        ("№ п/п", Column.NUMBER),
        ("#", Column.NUMBER),
        ("Action", Column.ACTION),
        ("  MEASURE ", Column.ACTION),
        ("Наименование мероприятия", Column.ACTION),
        ("Мероприятие", Column.ACTION),
        ("Іс-шара атауы", Column.ACTION),
        ("Form of completion", Column.FORM),
        ("Форма завершения", Column.FORM),
        ("Аяқтау нысаны", Column.FORM),
        ("Deadline", Column.DEADLINE),
        ("Deadlines", Column.DEADLINE),
        ("Срок исполнения", Column.DEADLINE),
        ("Сроки  исполнения", Column.DEADLINE),
        ("Срок", Column.DEADLINE),
        ("Орындау мерзімі", Column.DEADLINE),
        ("Responsible agencies", Column.AGENCIES),
        ("Responsible executors:", Column.AGENCIES),
        ("Ответственные исполнители", Column.AGENCIES),
        ("Ответственные за исполнение", Column.AGENCIES),
        ("Жауапты орындаушылар", Column.AGENCIES),
        ("Expected result", Column.EXPECTED_RESULT),
        ("Ожидаемый результат", Column.EXPECTED_RESULT),
        ("Description", Column.DESCRIPTION),
        ("Themes", Column.THEMES),
        ("Remarks", None),
    ],
)
def test_header_wordings(label, column):
    assert match_header(label) == column


def test_header_is_found_under_a_title_block_and_the_numbering_row_is_skipped():
    parsed = parse_plan_table(
        table(
            ["Approved by decree No. 258"],
            ["Action plan on human rights", None, None],
            [],
            ["Ответственные исполнители", "Срок исполнения", "Мероприятие", "№ п/п", "Примечание"],
            [1, 2, 3, 4, 5],
            ["1. Суды"],
            ["МВД", "2023", "Принять положение", "1.1", ""],
        )
    )
    assert parsed.header_row == 4
    assert parsed.title_block == "Approved by decree No. 258\nAction plan on human rights"
    assert parsed.ignored_columns == ["Примечание"]
    (section,) = parsed.sections
    assert (section.number, section.title, section.row) == ("1", "Суды", 6)
    (action,) = section.actions
    assert (action.row, action.number, action.title, action.deadline) == (
        7,
        "1.1",
        "Принять положение",
        "2023",
    )
    assert [m.abbreviation for m in action.agencies] == ["МВД"]


def test_no_header_row():
    rows = [["A title"]] * 25 + [HEADER]
    with pytest.raises(TableError, match="Cannot find the header row"):
        parse_plan_table(table(*rows))


def test_missing_columns_are_named():
    with pytest.raises(TableError) as caught:
        parse_plan_table(
            table(["No.", "Action", "Form of completion"], ["1. S"], ["1.1", "x", "y"])
        )
    assert messages(caught.value) == [
        "Row 1, column “Deadline”: The table has no “Deadline” column.",
        "Row 1, column “Responsible agencies”: The table has no “Responsible agencies” column.",
    ]


def test_a_column_twice_is_an_error():
    with pytest.raises(TableError, match="Row 1, column “Срок”: The table has 2 columns"):
        parse_plan_table(
            table([*HEADER, "Срок"], ["1. S"], ["1.1", "x", "", "2023", "MIA", "2024"])
        )


# --- Rows -------------------------------------------------------------------------------------


def test_section_row_variants():
    parsed = parse_plan_table(
        table(
            HEADER,
            ["1. Gender equality", None, None, None, None],  # merged cell: text in the first
            ["1.1", "Draft a law", "", "2023", "MIA"],
            [2, "Freedom of association", None, None, None],  # number and title in two cells
            ["2.1", "Draft a law", "", "2023", "MIA"],
            [None, "Courts", None, None, None],  # a title without a number
            ["", "Train the judges", "", "2023", "SC (as agreed)"],
        )
    )
    assert [(s.number, s.title, len(s.actions)) for s in parsed.sections] == [
        ("1", "Gender equality", 1),
        ("2", "Freedom of association", 1),
        ("3", "Courts", 1),
    ]
    assert parsed.sections[2].actions[0].number == "3.1"  # an empty No. cell gets a number


def test_a_table_without_section_rows_is_one_section():
    parsed = parse_plan_table(
        table(
            ["Action", "Deadline", "Responsible agencies"],
            ["Do it", "2023", "MIA"],
            ["Again", "2024", "MJ"],
        )
    )
    (section,) = parsed.sections
    assert section.implicit
    assert [a.number for a in section.actions] == ["1.1", "1.2"]


def test_footer_and_footnotes_are_not_sections():
    parsed = parse_plan_table(
        table(
            HEADER,
            ["1. Courts"],
            ["1.1", "Draft a law", "", "2023", "MIA, SC*"],
            ["* SC takes part as agreed"],
            ["1.2", "Train", "", "2023", "MIA"],
            ["Расшифровка аббревиатур:"],
            ["MIA", "Ministry of Internal Affairs"],
            ["SC"],
        )
    )
    assert [s.number for s in parsed.sections] == ["1"]
    assert [a.number for a in parsed.sections[0].actions] == ["1.1", "1.2"]


def test_all_row_problems_are_reported_in_row_order():
    with pytest.raises(TableError) as caught:
        parse_plan_table(read_rows(DATA_DIR / "bad_several.csv"))
    assert messages(caught.value) == [
        "Row 3, column “Action”: This action comes before the first section row. Add a section "
        "row above it, or remove every section row to import the plan as one section.",
        "Row 6, column “No.”: The number 1.2 is already used in row 5.",
        "Row 7, column “Responsible agencies”: Cannot read the agency “MIA (partly)”.",
        "Row 8, column “Action”: The action has no title.",
        "Row 10, column “Responsible agencies”: Name at least one responsible agency.",
    ]


def test_non_strict_parsing_keeps_the_problems_for_the_importer():
    parsed = parse_plan_table(read_rows(DATA_DIR / "bad_several.csv"), strict=False)
    assert [problem.row for problem in parsed.problems] == [6, 7, 8, 10, 3]
    assert len(list(parsed.actions)) == 7


def test_text_in_cells_keeps_line_breaks_in_action_titles_only():
    parsed = parse_plan_table(read_rows(DATA_DIR / "plan_en_bom.csv"))
    action = parsed.sections[0].actions[0]
    assert "\nwith " in action.title
    assert "\n" not in action.deadline


def test_too_long_values_are_errors():
    with pytest.raises(TableError) as caught:
        parse_plan_table(table(HEADER, ["1. S"], ["1.1.1.1.1.1.1.1.1", "x", "", "d" * 256, "MIA"]))
    assert messages(caught.value) == [
        "Row 3, column “No.”: The number “1.1.1.1.1.1.1.1.1” is longer than 16 characters.",
        "Row 3, column “Deadline”: The deadline is longer than 255 characters.",
    ]


def test_utf16_with_bom_is_what_excel_unicode_text_writes():
    data = (
        codecs.BOM_UTF16_LE
        + "Action\tDeadline\tResponsible agencies\nDo it\t2023\tMIA\n".encode("utf-16-le")
    )
    parsed = parse_plan_table(read_rows(data, filename="plan.txt"))
    assert [a.title for a in parsed.actions] == ["Do it"]


def test_a_lone_value_right_of_the_action_column_is_a_broken_action_row():
    with pytest.raises(TableError) as caught:
        parse_plan_table(
            table(
                HEADER,
                ["1. Courts"],
                ["1.1", "Do it", "", "2023", "MIA"],
                [None, None, None, None, "MJ"],
            )
        )
    assert messages(caught.value) == ["Row 4, column “Action”: The action has no title."]
