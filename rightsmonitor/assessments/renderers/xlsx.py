"""The assessment as an Excel workbook, for people who count, filter and chart for themselves.

The first sheet ("Summary") holds the document's frame and the blocks' summary tables one under
another, with native charts to their right; each longer table (overdue actions, a plan section)
gets a sheet of its own with a frozen, filterable header row. Numbers are written as numbers,
percentages as fractions formatted as percentages; text is always text, even when it starts
like a formula ("=", "+", "-", "@"). Every sheet prints as ``core.office`` sets it up: A4 fitted
to the width, header rows repeated, rows as high as their wrapped text.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rightsmonitor.assessments.renderers.common import (
    Cell,
    Link,
    Percent,
    blocks_of,
    cell_text,
    document_title,
    draft_notice,
    edition_label,
    method_notes,
    period_label,
)
from rightsmonitor.assessments.richtext import safe_url, xml_text
from rightsmonitor.core import office

SHEET_TITLE_LENGTH = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FORMULA_STARTS = ("=", "+", "-", "@")
CELL_LENGTH = 32767  # Excel's limit
NUMBER_WIDTH, TEXT_WIDTHS = 10, (8, 60)
CHART_WIDTH_CM, ROW_HEIGHT_CM = 18, 0.53

TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WARNING_FONT = Font(bold=True, color="C00000")
LINK_FONT = Font(color="0563C1", underline="single")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
WRAP = Alignment(wrap_text=True, vertical="top")

Table = tuple[list[str], list[list[Cell]]]


class XlsxWriter:
    """What the blocks write with (see ``AssessmentBlock.write_xlsx``), and the workbook's frame."""

    def __init__(self, snapshot: dict[str, Any], *, language: str) -> None:
        self.snapshot = snapshot
        self.language = language
        self.workbook = Workbook()
        summary = self.workbook.active
        assert isinstance(summary, Worksheet)
        summary.title = self._sheet_title(_("Summary"))
        self.summary = summary
        self._next_row = 1  # on the summary sheet
        self._summary_tables: list[Table] = []
        self._charts: list[tuple[BarChart, int]] = []  # with the row of their table's title

    # The blocks' interface -------------------------------------------------------------------

    def summary_table(
        self,
        title: str,
        headers: list[str],
        rows: list[list[Cell]],
        *,
        stacked_chart: bool = False,
    ) -> None:
        """A titled table below the previous one on the summary sheet; optionally a chart of
        its numeric columns (less the last, the total) as stacked bars, one bar per row."""
        title_row, header_row = self._next_row, self._next_row + 1
        self._put(self.summary.cell(row=title_row, column=1), title).font = BOLD
        self._write_table(self.summary, header_row, headers, rows)
        chart = self._stacked_chart(title, headers, rows, header_row) if stacked_chart else None
        if chart is not None:
            self._charts.append((chart, title_row))
        self._summary_tables.append((headers, rows))
        self._next_row = header_row + len(rows) + 2

    def sheet(
        self,
        title: str,
        headers: list[str],
        rows: list[list[Cell]],
        *,
        caption: str | None = None,
    ) -> None:
        """A sheet of its own for a long table, ready to filter and print."""
        sheet = self.workbook.create_sheet(self._sheet_title(title))
        header_row = 1
        if caption:
            self._put(sheet.cell(row=1, column=1), caption).font = BOLD
            header_row = 2
        self._write_table(sheet, header_row, headers, rows)
        office.table_sheet(
            sheet, header_row=header_row, last_row=header_row + len(rows), columns=len(headers)
        )
        _set_widths(sheet, [(headers, rows)])
        office.set_up_page(sheet)

    # The frame -------------------------------------------------------------------------------

    def front_matter(self, *, draft: bool) -> None:
        lines = [
            (document_title(self.snapshot, self.language), TITLE_FONT),
            (period_label(self.snapshot), None),
            (edition_label(self.snapshot), None),
        ]
        if draft:
            lines.append((draft_notice(), WARNING_FONT))
        for row, (text, font) in enumerate(lines, start=1):
            cell = self._put(self.summary.cell(row=row, column=1), text)
            cell.alignment = Alignment()  # a title runs on over the empty cells to its right
            if font:
                cell.font = font
        self._next_row = len(lines) + 2

    def back_matter(self) -> None:
        self.sheet(
            _("Method"),
            [_("Term"), _("Definition")],
            [[term, definition] for term, definition in method_notes()],
        )

    def finish(self) -> bytes:
        self._place_charts()
        _set_widths(self.summary, self._summary_tables)
        # The summary holds several tables: its title stays in view and heads every page.
        self.summary.freeze_panes = "A2"
        self.summary.print_title_rows = "1:1"
        office.set_up_page(self.summary, landscape=True)
        for sheet in self.workbook.worksheets:
            office.fit_row_heights(sheet)
        properties = self.workbook.properties
        properties.title = document_title(self.snapshot, self.language)
        properties.language = self.language
        properties.creator = properties.lastModifiedBy = settings.SITE_NAME
        properties.created = properties.modified = timezone.now().replace(tzinfo=None)
        output = io.BytesIO()
        self.workbook.save(output)
        return output.getvalue()

    # Cells -----------------------------------------------------------------------------------

    def _write_table(
        self, sheet: Worksheet, header_row: int, headers: list[str], rows: list[list[Cell]]
    ) -> None:
        for column, header in enumerate(headers, start=1):
            cell = self._put(sheet.cell(row=header_row, column=column), header)
            cell.font, cell.fill = BOLD, HEADER_FILL
        for row_number, values in enumerate(rows, start=header_row + 1):
            for column, value in enumerate(values, start=1):
                self._put(sheet.cell(row=row_number, column=column), value)

    @staticmethod
    def _put(cell: SheetCell, value: Cell) -> SheetCell:
        """Write a value: numbers as numbers, links as hyperlinks, any text as text."""
        cell.alignment = WRAP
        if value is None:
            return cell
        if isinstance(value, Percent):
            cell.value = value.percent / 100
            cell.number_format = (
                office.PERCENT if value.percent == int(value.percent) else (office.PERCENT_1)
            )
            return cell
        if _is_number(value):
            cell.value = value
            if isinstance(value, int):
                cell.number_format = office.INTEGER
            return cell
        links = [value] if isinstance(value, Link) else value if isinstance(value, list) else []
        text = xml_text(cell_text(value))[:CELL_LENGTH]
        cell.value = text
        if text.startswith(FORMULA_STARTS):
            # openpyxl takes "=…" for a formula; the quote prefix keeps it text in Excel too.
            cell.data_type = "s"
            cell.quotePrefix = True
        address = next(filter(None, (safe_url(link.url) for link in links)), None)
        if address:
            cell.hyperlink = address
            cell.font = LINK_FONT
        return cell

    def _sheet_title(self, title: str) -> str:
        """A valid sheet name (no []:*?/\\, at most 31 characters), unique in the workbook."""
        base = _SHEET_TITLE_FORBIDDEN.sub(" ", xml_text(title)).strip(" '") or "Sheet"
        taken = {name.lower() for name in self.workbook.sheetnames}
        candidate, number = base[:SHEET_TITLE_LENGTH], 1
        while candidate.lower() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = base[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        return candidate

    # Charts ----------------------------------------------------------------------------------

    def _stacked_chart(
        self, title: str, headers: list[str], rows: list[list[Cell]], header_row: int
    ) -> BarChart | None:
        """A bar per row, its numeric columns stacked; None when there is nothing to draw."""
        last_row = header_row + len(rows)
        columns = [  # the last column is the total
            index
            for index in range(len(headers) - 1)
            if rows and all(_is_number(row[index]) for row in rows)
        ]
        if not columns:
            return None
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = title
        for index in columns:
            chart.add_data(
                Reference(self.summary, min_col=index + 1, min_row=header_row, max_row=last_row),
                titles_from_data=True,
            )
        chart.set_categories(
            Reference(self.summary, min_col=1, min_row=header_row + 1, max_row=last_row)
        )
        chart.x_axis.scaling.orientation = "maxMin"  # the table's order, top down
        chart.y_axis.crosses = "max"  # the values' axis below the bars all the same
        chart.x_axis.delete = chart.y_axis.delete = False  # else newer Excel hides the axes
        chart.legend.position = "b"
        chart.width, chart.height = CHART_WIDTH_CM, 5 + 0.8 * len(rows)
        return chart

    def _place_charts(self) -> None:
        """To the right of the widest table, each at its table's title, none overlapping."""
        widest = max((len(headers) for headers, _rows in self._summary_tables), default=1)
        column, free_row = get_column_letter(widest + 2), 1
        for chart, row in self._charts:
            row = max(row, free_row)
            self.summary.add_chart(chart, f"{column}{row}")
            free_row = row + math.ceil(chart.height / ROW_HEIGHT_CM) + 1


def _is_number(value: Cell) -> bool:
    return isinstance(value, int | float | Percent) and not isinstance(value, bool)


def _set_widths(sheet: Worksheet, tables: list[Table]) -> None:
    """Narrow columns for numbers, wider ones for text up to a readable measure."""
    widths: dict[int, int] = {}
    for headers, rows in tables:
        for index, header in enumerate(headers):
            values = [row[index] for row in rows if index < len(row) and row[index] is not None]
            longest_word = max((len(word) for word in header.split()), default=0) + 2
            if values and all(_is_number(value) for value in values):
                width = max(NUMBER_WIDTH, longest_word)
            else:
                longest = max(
                    (len(line) for value in values for line in cell_text(value).splitlines()),
                    default=0,
                )
                width = max(longest_word, min(max(longest + 2, TEXT_WIDTHS[0]), TEXT_WIDTHS[1]))
            widths[index] = max(widths.get(index, 0), width)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = width


def render_xlsx(snapshot: dict[str, Any], *, language: str, draft: bool) -> bytes:
    """The assessment in ``language`` as an XLSX file; ``draft`` adds the draft notice."""
    with override(language):
        writer = XlsxWriter(snapshot, language=language)
        writer.front_matter(draft=draft)
        for block, data in blocks_of(snapshot):
            block.write_xlsx(writer, data)
        writer.back_matter()
        return writer.finish()
