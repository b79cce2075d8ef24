"""Regenerate the plan-table test files in this folder from the demo plan.

Usage: ``uv run python rightsmonitor/plans/tests/data/make_files.py``

The files imitate what governments publish (title blocks, merged section rows, a row of column
numbers, Russian and Kazakh headers, Windows-1251 CSV with semicolons, ...) and what goes wrong
(a missing column, an empty title, unknown agencies, unreadable encodings). ``reference.json``
holds the agencies, forms of completion and themes the files name; the tests load it. The
output is deterministic, so regenerating without changing this script changes no file.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
DEMO = HERE.parents[1] / "demo" / "kazakhstan_2022.yaml"
FIXED_TIME = datetime(2024, 1, 1)

EN_HEADER = ["No.", "Action", "Form of completion", "Deadline", "Responsible agencies"]

# The demo plan's deadlines as a Russian or Kazakh original would write them.
RU_DEADLINES = {
    "December 2022": "декабрь 2022 года",
    "IV quarter 2022": "IV квартал 2022 года",
    "first half of 2023": "I полугодие 2023 года",
    "Q4 2022": "4 квартал 2022 г.",
    "end of 2022": "до конца 2022 года",
    "end of 2023": "до конца 2023 года",
    "2024-2026": "2024–2026 годы",
    "IV quarter 2023": "IV квартал 2023 года",
    "December 2023": "декабрь 2023 года",
    "June 2022": "июнь 2022 года",
    "ongoing": "постоянно",
    "annually, by 25 January": "ежегодно, до 25 января",
}
KK_DEADLINES = {
    "December 2022": "2022 жылғы желтоқсан",
    "IV quarter 2022": "2022 жылғы IV тоқсан",
    "first half of 2023": "2023 жылдың бірінші жартыжылдығы",
    "Q4 2022": "2022 жылғы IV тоқсан",
}
MARKERS = {"en": "(as agreed)", "ru": "(по согласованию)", "kk": "(келісім бойынша)"}


def load_demo() -> dict[str, Any]:
    with DEMO.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def agencies(text: str, language: str) -> str:
    return text.replace("(as agreed)", MARKERS[language])


def write_reference(demo: dict[str, Any]) -> None:
    def names(item: dict[str, Any]) -> dict[str, str]:
        return {f"name_{code}": text for code, text in (item.get("name") or {}).items()}

    themes: list[dict[str, Any]] = []
    for theme in demo["themes"]:
        themes.append({"key": theme["key"], "kind": theme["kind"], "parent": None, **names(theme)})
        for child in theme.get("children") or []:
            themes.append(
                {"key": child["key"], "kind": theme["kind"], "parent": theme["key"], **names(child)}
            )
    reference = {
        "forms": [{"key": form["key"], **names(form)} for form in demo["forms_of_completion"]],
        "agencies": [
            {"abbreviation": agency["abbreviation"], "kind": agency["kind"], **names(agency)}
            for agency in demo["agencies"]
        ],
        "themes": themes,
    }
    text = json.dumps(reference, ensure_ascii=False, indent=1)
    (HERE / "reference.json").write_text(text + "\n", encoding="utf-8")


def form_names(demo: dict[str, Any], language: str) -> dict[str, str]:
    return {form["key"]: form["name"][language] for form in demo["forms_of_completion"]}


def save_workbook(workbook: openpyxl.Workbook, name: str) -> None:
    workbook.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Rewrite the ZIP with fixed timestamps so that regenerating gives the same bytes.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(
                    rb"<dcterms:modified([^>]*)>[^<]*<",
                    rb"<dcterms:modified\1>2024-01-01T00:00:00Z<",
                    data,
                )
            target.writestr(fixed, data)


def merged_row(sheet: Any, row: int, text: str, width: int, *, bold: bool = False) -> None:
    sheet.cell(row=row, column=1, value=text).font = Font(bold=bold)
    sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, horizontal="center")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def write_csv(name: str, rows: list[list[str]], *, encoding: str, delimiter: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    (HERE / name).write_bytes(buffer.getvalue().encode(encoding))


# --- Good files -------------------------------------------------------------------------------


def kz_plan_en(demo: dict[str, Any]) -> None:
    """All 27 actions: merged title block, header, "1 2 3 ..." row, merged section rows."""
    plan = demo["plan"]
    header = [*EN_HEADER, "Expected result", "Description", "Themes"]
    forms = form_names(demo, "en")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    merged_row(sheet, 1, "Approved by Government Decree No. 258 of 28 April 2022", len(header))
    merged_row(sheet, 2, plan["title"]["en"], len(header), bold=True)
    sheet.append([])
    sheet.append(header)  # row 4
    sheet.append(list(range(1, len(header) + 1)))  # row 5
    for section in plan["sections"]:
        merged_row(
            sheet, sheet.max_row + 1, f"{section['number']}. {section['title']['en']}", len(header)
        )
        for action in section["actions"]:
            number: str | float = action["number"]
            if section["number"] == "2":
                number = float(number)  # typed as numbers in Excel: 2.1 comes back as "2.1"
            title = action["title"]["en"]
            if action["number"] == "8.2":
                title += "\nThe report covers the follow-up to the UPR recommendations."
            sheet.append(
                [
                    number,
                    title,
                    forms[action["form_of_completion"]],
                    action["deadline"],
                    action["agencies"],
                    (action.get("expected_result") or {}).get("en", ""),
                    (action.get("description") or {}).get("en", ""),
                    "; ".join(action["themes"]),
                ]
            )
    sheet.append([])
    sheet.append(["Abbreviations:"])
    sheet.append(["MIA", "Ministry of Internal Affairs"])
    sheet.append(["GPO", "General Prosecutor's Office"])
    save_workbook(workbook, "kz_plan_en.xlsx")


def kz_plan_ru(demo: dict[str, Any]) -> None:
    """Sections 1-3 in Russian: other column order, section number and title in two cells."""
    plan = demo["plan"]
    forms = form_names(demo, "ru")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "План"
    header = [
        "№ п/п",
        "Наименование мероприятия",
        "Ответственные исполнители",
        "Срок исполнения",
        "Форма завершения",
    ]
    merged_row(sheet, 1, "Утвержден постановлением Правительства Республики Казахстан", 5)
    merged_row(sheet, 2, "от 28 апреля 2022 года № 258", 5)
    merged_row(sheet, 3, plan["title"]["ru"], 5, bold=True)
    sheet.append(header)  # row 4
    sheet.append([1, 2, 3, 4, 5])  # row 5
    for section in plan["sections"][:3]:
        sheet.append([int(section["number"]), section["title"]["ru"]])
        for action in section["actions"]:
            deadline: str | datetime = RU_DEADLINES[action["deadline"]]
            form = forms[action["form_of_completion"]]
            if action["number"] == "1.4":
                deadline = datetime(2022, 12, 25)  # an Excel date
            if action["number"] == "3.3":
                form = "Приказ министра"  # not in the managed list yet
            sheet.append(
                [
                    float(action["number"]),
                    action["title"]["ru"],
                    agencies(action["agencies"], "ru"),
                    deadline,
                    form,
                ]
            )
    save_workbook(workbook, "kz_plan_ru.xlsx")


def deadlines_xlsx() -> None:
    """Deadlines as Excel dates, a date serial number, a year as a number, unreadable text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(EN_HEADER)
    sheet.append(["1. Deadlines"])
    sheet.append(["1.1", "Adopt the regulation", "Draft law", datetime(2022, 12, 25), "MIA"])
    sheet.append(["1.2", "Publish the guidance", "Report", 44926, "MIA"])
    sheet.append(["1.3", "Train the staff", "Report", 2023, "MJ"])
    sheet.append(
        ["1.4", "Build the shelters", "Report", "when funds allow", "MIA, GPO (as agreed)"]
    )
    save_workbook(workbook, "deadlines.xlsx")


def plan_ru_cp1251(demo: dict[str, Any]) -> None:
    """A Russian government CSV: Windows-1251, semicolons, columns in another order."""
    plan = demo["plan"]
    forms = form_names(demo, "ru")
    rows = [
        ["План действий в области прав человека и верховенства закона", "", "", "", ""],
        [],
        ["Мероприятие", "Сроки исполнения", "Ответственные за исполнение", "№", "Форма завершения"],
    ]
    for section in plan["sections"][3:5]:
        rows.append([f"{section['number']}. {section['title']['ru']}", "", "", "", ""])
        for action in section["actions"][:3]:
            rows.append(
                [
                    action["title"]["ru"],
                    RU_DEADLINES[action["deadline"]],
                    agencies(action["agencies"], "ru"),
                    action["number"],
                    forms[action["form_of_completion"]],
                ]
            )
    write_csv("plan_ru_cp1251.csv", rows, encoding="cp1251", delimiter=";")


def plan_en_bom(demo: dict[str, Any]) -> None:
    """UTF-8 with BOM, other English wordings, a line break inside a quoted cell, a Notes column."""
    plan = demo["plan"]
    forms = form_names(demo, "en")
    rows = [
        [
            "#",
            "Measure",
            "Form of completion",
            "Deadlines",
            "Responsible executors",
            "Expected result",
            "Description",
            "Themes",
            "Notes",
        ]
    ]
    for section in plan["sections"][6:8]:
        rows.append([f"{section['number']}. {section['title']['en']}"] + [""] * 8)
        for action in section["actions"]:
            title = action["title"]["en"]
            if action["number"] == "7.1":
                title = title.replace(" with ", "\nwith ", 1)
            rows.append(
                [
                    action["number"],
                    title,
                    forms[action["form_of_completion"]],
                    action["deadline"],
                    action["agencies"],
                    (action.get("expected_result") or {}).get("en", ""),
                    (action.get("description") or {}).get("en", ""),
                    ";".join(action["themes"]),
                    "checked",
                ]
            )
    write_csv("plan_en_bom.csv", rows, encoding="utf-8-sig", delimiter=",")


def plan_kk_tab(demo: dict[str, Any]) -> None:
    """Kazakh headers, UTF-8 without BOM, tab-separated."""
    plan = demo["plan"]
    forms = form_names(demo, "kk")
    rows = [["№", "Іс-шара атауы", "Аяқтау нысаны", "Орындау мерзімі", "Жауапты орындаушылар"]]
    section = plan["sections"][0]
    rows.append([f"{section['number']}. {section['title']['kk']}", "", "", "", ""])
    for action in section["actions"][:3]:
        rows.append(
            [
                action["number"],
                action["title"]["kk"],
                forms[action["form_of_completion"]],
                KK_DEADLINES[action["deadline"]],
                agencies(action["agencies"], "kk"),
            ]
        )
    write_csv("plan_kk_tab.csv", rows, encoding="utf-8", delimiter="\t")


def plan_no_sections() -> None:
    """No section rows and no No. column: one section, numbers generated."""
    rows = [
        ["Action", "Deadline", "Responsible agencies"],
        ["Adopt the regulation", "December 2022", "MIA"],
        ["Publish the guidance", "Q4 2022", "MJ, GPO (as agreed)"],
    ]
    write_csv("plan_no_sections.csv", rows, encoding="utf-8", delimiter=",")


# --- The decree's annex as published: a Word document and a legal-database page -------------

RU_DOCUMENT_HEADER = [
    "№ п/п",
    "Наименование мероприятия",
    "Форма завершения",
    "Срок исполнения",
    "Ответственные за исполнение",
]
FOOTNOTED_ACTION = "5.1"  # its title carries a footnote mark, which the reader drops


def ru_plan_rows(demo: dict[str, Any]) -> list[tuple[str, list[list[str]]]]:
    """All 8 sections and 27 actions in Russian: (section heading, action rows)."""
    forms = form_names(demo, "ru")
    sections = []
    for section in demo["plan"]["sections"]:
        rows = [
            [
                action["number"],
                action["title"]["ru"],
                forms[action["form_of_completion"]],
                RU_DEADLINES.get(action["deadline"], action["deadline"]),
                agencies(action["agencies"], "ru"),
            ]
            for action in section["actions"]
        ]
        sections.append((f"{section['number']}. {section['title']['ru']}", rows))
    return sections


def same_form_runs(rows: list[list[str]]) -> list[tuple[int, int]]:
    """(first, last) indexes of consecutive actions with the same form: merged down a column."""
    runs = []
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or rows[index][2] != rows[start][2]:
            if index - start > 1:
                runs.append((start, index - 1))
            start = index
    return runs


def kz_plan_ru_docx(demo: dict[str, Any]) -> None:
    """The whole plan as a Word annex: title paragraphs, an unrelated table, then the plan's
    table with Russian headers, section rows merged across it, the form of completion merged
    down over consecutive actions, a footnote mark and a two-paragraph cell."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.core_properties.created = FIXED_TIME
    document.core_properties.modified = FIXED_TIME
    document.core_properties.last_modified_by = ""
    document.core_properties.author = ""
    approved = document.add_paragraph(
        "Утвержден постановлением Правительства Республики Казахстан от 28 апреля 2022 года № 258"
    )
    approved.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_heading(demo["plan"]["title"]["ru"], level=1)
    details = document.add_table(rows=0, cols=2)
    for label, value in [
        ("Орган, принявший акт", "Правительство Республики Казахстан"),
        ("Дата принятия", "28.04.2022"),
        ("Номер", "258"),
    ]:
        cells = details.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_paragraph("План мероприятий")
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, RU_DOCUMENT_HEADER, strict=True):
        cell.text = text
    for heading, rows in ru_plan_rows(demo):
        section_row = table.add_row()
        merged = section_row.cells[0].merge(section_row.cells[4])
        merged.text = heading
        merged.paragraphs[0].runs[0].bold = True
        first_row = len(table.rows)
        for values in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
            if values[0] == FOOTNOTED_ACTION:
                mark = cells[1].paragraphs[0].add_run("1")
                mark.font.superscript = True
            if values[0] == "1.1":
                cells[4].text = ""
                names = values[4].split(", ")
                cells[4].paragraphs[0].add_run(", ".join(names[:2]) + ",")
                cells[4].add_paragraph(", ".join(names[2:]))
        for start, end in same_form_runs(rows):
            top = table.cell(first_row + start, 2)
            merged = top.merge(table.cell(first_row + end, 2))
            merged.text = rows[start][2]
    document.add_paragraph("1 Footnote: the action is carried out by agreement.")
    buffer = io.BytesIO()
    document.save(buffer)
    write_fixed_zip(buffer.getvalue(), "kz_plan_ru.docx")


def kz_plan_ru_html(demo: dict[str, Any]) -> None:
    """The whole plan as the legal database shows it: a page with a menu table before the
    plan's, entities, a footnote mark in <sup>, a row of column numbers, section rows with
    colspan, the form of completion with rowspan, scripts and styles."""
    from html import escape

    parts = [
        "<!DOCTYPE html>",
        '<html lang="ru"><head><meta charset="utf-8">',
        "<title>Об утверждении Плана действий</title>",
        "<style>td { border: 1px solid #000; }</style>",
        "<script>var counter = '<table><tr><td>x</td></tr></table>';</script>",
        "</head><body>",
        '<table class="menu"><tr><td><a href="/">Главная</a></td><td>Поиск</td></tr></table>',
        "<p>Утвержден постановлением Правительства Республики Казахстан<br>",
        "от 28 апреля 2022 года&nbsp;№&nbsp;258</p>",
        f"<h1>{escape(demo['plan']['title']['ru'])}</h1>",
        '<table border="1" cellpadding="2">',
        "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in RU_DOCUMENT_HEADER),
        "</tr></thead><tbody>",
        "<tr>" + "".join(f"<td>{n}</td>" for n in range(1, 6)) + "</tr>",
    ]
    for heading, rows in ru_plan_rows(demo):
        parts.append(f'<tr><td colspan="5"><p><b>{escape(heading)}</b></p></td></tr>')
        spans = {start: end - start + 1 for start, end in same_form_runs(rows)}
        covered = {i for start, end in same_form_runs(rows) for i in range(start + 1, end + 1)}
        for index, values in enumerate(rows):
            cells = [f"<td>{escape(values[0])}</td>"]
            title = escape(values[1])
            if values[0] == FOOTNOTED_ACTION:
                title += "<sup>1</sup>"
            cells.append(f"<td><p>{title}</p></td>")
            if index in spans:
                cells.append(f'<td rowspan="{spans[index]}">{escape(values[2])}</td>')
            elif index not in covered:
                cells.append(f"<td>{escape(values[2])}</td>")
            cells.append(f"<td>{escape(values[3])}</td>")
            cells.append(f"<td>{escape(values[4]).replace(', ', ',<br>')}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
    parts += [
        "</tbody></table>",
        "<p><sup>1</sup> Сноска: по согласованию.</p>",
        "</body></html>",
    ]
    (HERE / "kz_plan_ru.html").write_text("\n".join(parts) + "\n", encoding="utf-8")


def write_fixed_zip(data: bytes, name: str) -> None:
    """Rewrite a ZIP with fixed timestamps so that regenerating gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))


# --- Broken files -----------------------------------------------------------------------------


def bad_files() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    merged_row(sheet, 1, "Action plan", 4)
    sheet.append(["No.", "Action", "Form of completion", "Responsible agencies"])  # row 2
    sheet.append(["1. Courts"])
    sheet.append(["1.1", "Adopt the regulation", "Draft law", "MIA"])
    save_workbook(workbook, "bad_missing_deadline.xlsx")

    write_csv(
        "bad_empty_title.csv",
        [
            EN_HEADER,
            ["1. Courts", "", "", "", ""],
            ["1.1", "Adopt the regulation", "Draft law", "December 2022", "MIA"],
            ["1.2", "  ", "Draft law", "December 2022", "MJ"],
        ],
        encoding="utf-8",
        delimiter=",",
    )

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(EN_HEADER)
    sheet.append(["1. Courts"])
    sheet.append(["1.1", "Adopt the regulation", "Draft law", "December 2022", "MIA, MXX"])
    sheet.append(
        ["1.2", "Train the judges", "Report", "Q4 2022", "SC (as agreed), NEWCOM (as agreed)"]
    )
    save_workbook(workbook, "bad_unknown_agency.xlsx")

    write_csv(
        "bad_several.csv",
        [
            ["Plan of measures", "", "", "", "", ""],
            [*EN_HEADER, "Themes"],
            ["1.1", "An action before any section", "Draft law", "December 2022", "MIA", ""],
            ["1. Courts", "", "", "", "", ""],
            ["1.2", "Adopt the regulation", "Draft law", "December 2022", "MIA", "fair_trial"],
            ["1.2", "Train the judges", "Report", "Q4 2022", "MJ", ""],
            ["1.3", "Inspect the prisons", "Report", "2023", "MIA (partly)", ""],
            ["1.4", "", "Report", "2023", "MIA", ""],
            ["1.5", "Draft the code", "Draft law", "2023", "QQQ, MJ", "no_such_theme"],
            ["1.6", "Hold hearings", "Report", "2023", "", ""],
        ],
        encoding="utf-8",
        delimiter=",",
    )

    write_csv(
        "bad_action_before_section.csv",
        [
            EN_HEADER,
            ["1.1", "Adopt the regulation", "Draft law", "December 2022", "MIA"],
            ["2. Courts", "", "", "", ""],
            ["2.1", "Train the judges", "Report", "Q4 2022", "SC (as agreed)"],
        ],
        encoding="utf-8",
        delimiter=",",
    )

    good = [
        ["№ п/п", "Наименование мероприятия", "Срок исполнения", "Ответственные исполнители"],
        ["1. Суды", "", "", ""],
        ["1.1", "Принять положение", "декабрь 2022 года", "МВД"],
    ]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(good)
    (HERE / "bad_utf16_no_bom.csv").write_bytes(buffer.getvalue().encode("utf-16-le"))
    # The same table with a BOM is what Excel's "Unicode text" writes, and is accepted.
    (HERE / "plan_utf16_bom.csv").write_bytes(
        codecs.BOM_UTF16_LE + buffer.getvalue().encode("utf-16-le")
    )

    (HERE / "bad_random_bytes.csv").write_bytes(random.Random(258).randbytes(2048))

    latin1 = [
        ["No.", "Action", "Deadline", "Responsible agencies"],
        ["1. Égalité", "", "", ""],
        ["1.1", "Réviser le code pénal à l'égard des délits", "décembre 2022", "MIA"],
        ["1.2", "Élaborer un rapport sur la société", "2023", "MJ"],
    ]
    write_csv("bad_latin1.csv", latin1, encoding="latin-1", delimiter=";")

    buffer_zip = io.BytesIO()
    with zipfile.ZipFile(buffer_zip, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("readme.txt", date_time=(2024, 1, 1, 0, 0, 0)), "not a workbook"
        )
    (HERE / "bad_not_a_workbook.xlsx").write_bytes(buffer_zip.getvalue())


def main() -> None:
    demo = load_demo()
    write_reference(demo)
    kz_plan_en(demo)
    kz_plan_ru(demo)
    kz_plan_ru_docx(demo)
    kz_plan_ru_html(demo)
    deadlines_xlsx()
    plan_ru_cp1251(demo)
    plan_en_bom(demo)
    plan_kk_tab(demo)
    plan_no_sections()
    bad_files()


if __name__ == "__main__":
    main()
