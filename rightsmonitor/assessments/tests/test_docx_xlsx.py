"""The Word and Excel files, opened again: every action in the file's language, the figures the
database gives, and the structure people rely on (headings, repeated table headers, links,
landscape pages; frozen, filterable headers, text that stays text, a native chart)."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from typing import Any

import docx
import openpyxl
import pytest
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import override
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl.worksheet.worksheet import Worksheet

from rightsmonitor.assessments import actions as assessment_actions
from rightsmonitor.assessments.content import STATUSES, build_snapshot
from rightsmonitor.assessments.core_blocks import SectionTablesBlock
from rightsmonitor.assessments.renderers.common import document_title, draft_notice, status_label
from rightsmonitor.assessments.renderers.docx import render_docx
from rightsmonitor.assessments.renderers.xlsx import XlsxWriter, render_xlsx
from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.reporting.models import ActionMonitoring
from rightsmonitor.reporting.queries import NOT_ASSESSED

from .conftest import LINK, WRITING_DAY, AssessedPlan

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ru", "kk"]
# Text that a spreadsheet would take for a formula, in each language's title of action 2.2.
FORMULA_TITLES = {
    "en": '=HYPERLINK("https://evil.example","x")',
    "ru": "+7 727 телефон",
    "kk": "@шара",
}
# The section headings as each language shows them: titles missing in a language fall back.
SECTION_HEADINGS = {
    "en": ["1. Gender equality", "2. Criminal justice"],
    "ru": ["1. Гендерное равенство", "2. Criminal justice"],
    "kk": ["1. Gender equality", "2. Қылмыстық сот төрелігі"],
}
INTRODUCTION = (
    '<p>The <strong>plan</strong> is <a href="https://plan.example.org/">online</a>.</p>'
    "<ol><li>one</li><li>two</li></ol><ol><li>again one</li></ol>"
)


@pytest.fixture
def snapshot(assessed: AssessedPlan) -> dict[str, Any]:
    """The fixture's draft, with titles in every language and an introduction."""
    for action in assessed.plan.actions.all():
        Action.objects.filter(pk=action.pk).update(
            title_ru=f"Мера {action.number}: принять закон",
            title_kk=f"{action.number} шара: заң қабылдау",
        )
    for language, title in FORMULA_TITLES.items():
        assessed.plan.actions.filter(number="2.2").update(**{f"title_{language}": title})
    assessment_actions.update_texts(
        assessed.assessment,
        language="en",
        texts={"introduction": INTRODUCTION, "conclusions": "On track."},
        section_comments={},
        by=assessed.coordinator,
        expected_version=None,
    )
    return build_snapshot(assessed.assessment, as_of=WRITING_DAY.date())


def expected_titles(plan: Plan, language: str) -> dict[str, str]:
    return {action.number: getattr(action, f"title_{language}") for action in plan.actions.all()}


def status_counts(plan: Plan) -> dict[str, int]:
    """Actions per assessed status, counted in the database (never assessed: not yet assessed)."""
    counts = dict.fromkeys(STATUSES, 0)
    rows = (
        ActionMonitoring.objects.filter(action__plan=plan)
        .values_list("assessed_status")
        .annotate(n=Count("pk"))
    )
    counts.update(dict(rows))
    counts[NOT_ASSESSED] += plan.actions.filter(monitoring__isnull=True).count()
    return counts


def expected_figures(plan: Plan, language: str) -> dict[str, int]:
    """The summary's figures that the database gives directly, labelled in ``language``."""
    with override(language):
        figures = {status_label(key): n for key, n in status_counts(plan).items()}
        figures[_("Actions in the plan")] = plan.actions.count()
        figures[_("Actions taken off monitoring")] = ActionMonitoring.objects.filter(
            action__plan=plan, on_monitoring=False
        ).count()
    return figures


def section_counts(plan: Plan) -> list[list[int]]:
    """Per section, in order: the actions per status and their total."""
    rows = []
    for section in plan.sections.order_by("order"):
        statuses = Counter(
            ActionMonitoring.objects.filter(action__section=section).values_list(
                "assessed_status", flat=True
            )
        )
        statuses[NOT_ASSESSED] += section.actions.filter(monitoring__isnull=True).count()
        rows.append([*(statuses[key] for key in STATUSES), section.actions.count()])
    return rows


# Word ------------------------------------------------------------------------------------------


def open_docx(snapshot: dict[str, Any], language: str, *, draft: bool = False) -> Document:
    return docx.Document(io.BytesIO(render_docx(snapshot, language=language, draft=draft)))


def styled(document: Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def table_rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.mark.parametrize("language", LANGUAGES)
def test_docx_has_every_action_and_the_figures_in_the_language(
    assessed: AssessedPlan, snapshot: dict[str, Any], language: str
) -> None:
    document = open_docx(snapshot, language)
    rows = [row for table in document.tables for row in table_rows(table)]
    titles = expected_titles(assessed.plan, language)
    for number, title in titles.items():
        assert [number, title] in [row[:2] for row in rows], (language, number)
    assert styled(document, "Heading 2")[-2:] == SECTION_HEADINGS[language]
    with override(language):
        assert styled(document, "Heading 1") == [
            _("Introduction"),  # English only: shown in every language as the fallback
            _("Summary"),
            _("Overdue actions"),
            _("Actions taken off monitoring"),
            _("Implementation by section"),
            _("Conclusions"),
            _("Method"),
        ]
        assert styled(document, "Title") == [document_title(snapshot, language)]
        assert document.core_properties.title == document_title(snapshot, language)
    assert document.core_properties.language == language

    figures, by_section = document.tables[0], document.tables[1]
    shown = dict(table_rows(figures)[1:])
    for label, count in expected_figures(assessed.plan, language).items():
        assert shown[label] == str(count), label
    assert [[int(n) for n in row[1:]] for row in table_rows(by_section)[1:]] == section_counts(
        assessed.plan
    )


def _tables_by_section(document: Document) -> list[tuple[int, Any]]:
    """Each table's element with the index of the section it is in (Word ends a section with
    a paragraph holding its w:sectPr; the last section's w:sectPr ends the body)."""
    section, found = 0, []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            found.append((section, element))
        elif (
            element.tag == qn("w:p") and element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
        ):
            section += 1
    return found


def test_docx_structure(assessed: AssessedPlan, snapshot: dict[str, Any]) -> None:
    document = open_docx(snapshot, "en", draft=True)
    assert draft_notice() in [p.text for p in document.paragraphs]
    assert draft_notice() not in [p.text for p in open_docx(snapshot, "en").paragraphs]

    # Real tables, their header row repeated on every page and bold.
    # Figures, by section, by lead agency, overdue, off monitoring, one per plan section.
    assert len(document.tables) == 7
    for table in document.tables:
        assert table.style is not None and table.style.name == "Table Grid"
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)

    # Links: the accepted report's evidence in the section table, and the introduction's.
    links = {
        link.text: link.address
        for paragraph in _all_paragraphs(document)
        for link in paragraph.hyperlinks
    }
    assert links == {"The order": LINK, "online": "https://plan.example.org/"}

    # Two numbered lists in the introduction: each starts at 1, so each has its own numbering.
    numbered = [
        p for p in document.paragraphs if p.style is not None and p.style.name == "List Number"
    ]
    assert [p.text for p in numbered] == ["one", "two", "again one"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2]

    # Wide tables on landscape pages, the cover, the figures and the end on portrait ones.
    orientations = [section.orientation for section in document.sections]
    assert orientations[0] == orientations[-1] == WD_ORIENT.PORTRAIT
    by_section = _tables_by_section(document)
    figures_section = by_section[0][0]
    assert orientations[figures_section] == WD_ORIENT.PORTRAIT
    for index, _table in by_section[1:]:
        assert orientations[index] == WD_ORIENT.LANDSCAPE
        assert document.sections[index].page_width > document.sections[index].page_height

    # Fields Word fills in: the table of contents (updated on opening) and page numbers.
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    assert " PAGE " in document.sections[0].footer._element.xml


def _all_paragraphs(document: Document) -> list[Any]:
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    return [*document.paragraphs, *(p for cell in cells for p in cell.paragraphs)]


# Excel -----------------------------------------------------------------------------------------


def open_xlsx(snapshot: dict[str, Any], language: str, *, draft: bool = False) -> openpyxl.Workbook:
    data = render_xlsx(snapshot, language=language, draft=draft)
    return openpyxl.load_workbook(io.BytesIO(data))


def summary_figures(sheet: Worksheet) -> dict[str, Any]:
    """The figure/value pairs of the summary sheet's first table."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == _("Figure")) + 1
    end = next(i for i in range(start, len(rows)) if rows[i][0] is None)
    return {row[0]: row[1] for row in rows[start:end]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_xlsx_has_every_action_and_the_figures_in_the_language(
    assessed: AssessedPlan, snapshot: dict[str, Any], language: str
) -> None:
    workbook = open_xlsx(snapshot, language)
    with override(language):
        assert workbook.sheetnames == [
            _("Summary"),
            _("Overdue actions"),
            _("Actions taken off monitoring"),
            _("Section %(number)s") % {"number": 1},
            _("Section %(number)s") % {"number": 2},
            _("Method"),
        ]
        headers = SectionTablesBlock().headers()
        figures = summary_figures(workbook.worksheets[0])
        assert workbook.properties.title == document_title(snapshot, language)
    assert workbook.properties.language == language

    for label, count in expected_figures(assessed.plan, language).items():
        assert figures[label] == count and isinstance(figures[label], int), label

    titles = expected_titles(assessed.plan, language)
    found = {}
    for sheet, heading in zip(workbook.worksheets[3:5], SECTION_HEADINGS[language], strict=True):
        assert sheet["A1"].value == heading
        assert [cell.value for cell in sheet[2]] == headers
        found.update({row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)})
    assert found == titles
    assert titles["2.2"] == FORMULA_TITLES[language]


def test_xlsx_structure(assessed: AssessedPlan, snapshot: dict[str, Any]) -> None:
    data = render_xlsx(snapshot, language="en", draft=True)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    summary = workbook["Summary"]
    assert [summary.cell(row=row, column=1).value for row in range(1, 5)] == [
        document_title(snapshot, "en"),
        "28 April 2022 – 31 December 2022",
        "Edition 1, data as of 25 January 2023",
        draft_notice(),
    ]
    assert workbook["Summary"]["A4"].value != open_xlsx(snapshot, "en")["Summary"]["A4"].value

    # A section's sheet: caption, frozen bold header, a filter over the table, the link.
    sheet = workbook["Section 1"]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:G5"
    assert all(cell.font.b for cell in sheet[2])
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    evidence = rows["1.2"][6]
    assert (evidence.value, evidence.hyperlink.target) == ("The order", LINK)
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions["B"].width <= 60

    # Text that looks like a formula stays text, in openpyxl and in the file itself.
    title = {row[0].value: row[1] for row in workbook["Section 2"].iter_rows(min_row=3)}["2.2"]
    assert (title.value, title.data_type, title.quotePrefix) == (FORMULA_TITLES["en"], "s", True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [
            name for name in archive.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml", name)
        ]
        assert not any("<f>" in archive.read(name).decode() for name in sheets)

    # The statuses by section as a native stacked bar chart, one series per status.
    (chart,) = summary._charts
    assert (chart.type, chart.grouping, chart.overlap) == ("bar", "stacked", 100)
    assert len(chart.series) == len(STATUSES)


def test_xlsx_sheet_names_are_valid_and_unique(snapshot: dict[str, Any]) -> None:
    writer = XlsxWriter(snapshot, language="en")
    long_name = "Plan [2022]: actions/results? * \\ overdue and more words"
    for _attempt in range(3):
        writer.sheet(long_name, ["No."], [["1"]])
    names = writer.workbook.sheetnames[1:]
    assert len(set(names)) == 3 and all(len(name) <= 31 for name in names)
    assert not any(re.search(r"[\[\]:*?/\\]", name) for name in names)
    assert names[1].endswith(" (2)") and names[2].endswith(" (3)")
