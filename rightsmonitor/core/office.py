"""Office files that print: what every generated workbook and Word document shares.

Spreadsheet programs print what the file says and little more. LibreOffice does not size a
row to its wrapped text when the file sets wrap text, so each row gets a height estimated
here (``lines_of``: the text wrapped word by word at the column's width, explicit line breaks
included, capped at ``MAX_LINES``). A table sheet has its header row frozen, filterable and
repeated on every printed page (print titles); every sheet prints on A4, fitted to the page
width (``fitToHeight=0``: as many pages down as it takes), landscape when its columns are wider
than a portrait page holds. Figures are numbers with a number format: a percentage is the
fraction with ``0%`` or ``0.0%``, so that it sorts and sums.

Normal workbooks call ``set_up_page``, ``table_sheet`` and ``fit_row_heights`` after filling a
sheet. Streamed (write-only) workbooks cannot go back to a row, so ``StreamedTable`` sets
everything that goes before the rows (widths, panes, page set-up) first and each row's height
just before writing it; the auto-filter, written after the rows, is set when it closes.
``core/exports.py`` writes its own XML, with the same constants. Word documents: ``docx_page``
(A4, margins, orientation), ``repeat_header_row`` and ``fit_table_widths`` (fixed layout,
shares of the usable width, so that no table runs past the margins).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table, _Row
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Number formats.
PERCENT = "0%"
PERCENT_1 = "0.0%"
INTEGER = "0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"

# Rows.
DEFAULT_WIDTH = 8.43  # Excel's column width when none is set, in characters
POINTS_PER_LINE = 1.3  # line height per point of font size (15 pt for 11-point text)
DEFAULT_FONT_SIZE = 11
MAX_LINES = 25  # a taller row would not fit a landscape A4 page; the rest shows on screen
PADDING = 3  # points above and below the text

# Pages (openpyxl's units: inches).
PAPER_A4 = 9
PORTRAIT_WIDTH = 100  # characters of column width that a portrait A4 page holds legibly
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}

WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


# Row heights -----------------------------------------------------------------------------------


def lines_of(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide.

    Words are laid out greedily as a spreadsheet does; a word longer than the line is broken.
    Bold text and Cyrillic letters are about a tenth wider."""
    wide = bold or any("\u0400" <= letter <= "\u04ff" for letter in text[:40])
    capacity = max(1, int((width - 1) * (0.9 if wide else 1.0)))
    lines = 0
    for paragraph in text.split("\n"):
        used = 0
        paragraph_lines = 1
        for word in paragraph.split():
            length = len(word)
            if used and used + 1 + length <= capacity:
                used += 1 + length
                continue
            if used:
                paragraph_lines += 1
            paragraph_lines += (length - 1) // capacity
            used = length - capacity * ((length - 1) // capacity)
        lines += paragraph_lines
    return max(1, lines)


def height_for(lines: int, font_size: float = DEFAULT_FONT_SIZE) -> float:
    """The row height in points for ``lines`` lines of text (capped at ``MAX_LINES``)."""
    return round(min(lines, MAX_LINES) * font_size * POINTS_PER_LINE + PADDING, 1)


def row_height(
    cells: Iterable[tuple[Any, float]], *, font_size: float = DEFAULT_FONT_SIZE, bold: bool = False
) -> float | None:
    """The height for a row of (value, column width) pairs; None when one line is enough."""
    lines = max(
        (lines_of(str(value), width, bold=bold) for value, width in cells if _is_text(value)),
        default=1,
    )
    return height_for(lines, font_size) if lines > 1 else None


def column_width(sheet: Any, column: int) -> float:
    dimension = sheet.column_dimensions.get(get_column_letter(column))
    return float(dimension.width) if dimension is not None and dimension.width else DEFAULT_WIDTH


def fit_row_heights(sheet: Worksheet, first_row: int = 1, last_row: int | None = None) -> None:
    """Give each row with wrapped text the height its longest cell needs (merged cells count
    the width of their whole range). Rows whose height was set already are left alone."""
    widths = {column: column_width(sheet, column) for column in range(1, sheet.max_column + 1)}
    merged = {
        (ranged.min_row, ranged.min_col): sum(
            widths.get(column, DEFAULT_WIDTH)
            for column in range(ranged.min_col, ranged.max_col + 1)
        )
        for ranged in sheet.merged_cells.ranges
        if ranged.min_row == ranged.max_row
    }
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row or sheet.max_row):
        if not row or sheet.row_dimensions[row[0].row].height is not None:
            continue
        lines, size = 1, float(DEFAULT_FONT_SIZE)
        for cell in row:
            if not _is_text(cell.value) or not cell.alignment.wrap_text:
                continue
            width = merged.get((cell.row, cell.column), widths.get(cell.column, DEFAULT_WIDTH))
            needed = lines_of(str(cell.value), width, bold=bool(cell.font.b))
            if needed > lines:
                lines = needed
            size = max(size, float(cell.font.sz or DEFAULT_FONT_SIZE))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = height_for(lines, size)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


# Sheets ----------------------------------------------------------------------------------------


def set_column_widths(sheet: Any, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def is_wide(widths: Iterable[float]) -> bool:
    """Whether columns this wide (in characters) want a landscape page."""
    return sum(widths) > PORTRAIT_WIDTH


def set_up_page(sheet: Any, *, landscape: bool | None = None) -> None:
    """A4, fitted to the page width and as many pages down as needed, with margins;
    landscape when asked, else when the columns are wider than a portrait page."""
    if landscape is None:
        last = max(sheet.max_column, len(sheet.column_dimensions), 1)
        landscape = is_wide(column_width(sheet, column) for column in range(1, last + 1))
    setup = sheet.page_setup
    setup.paperSize = PAPER_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for side, inches in MARGINS.items():
        setattr(sheet.page_margins, side, inches)
    sheet.print_options.horizontalCentered = False


def table_sheet(
    sheet: Any,
    *,
    header_row: int,
    last_row: int,
    columns: int,
    title_rows: tuple[int, int] | None = None,
    autofilter: bool = True,
) -> None:
    """A table from ``header_row`` to ``last_row``: rows above it and the header frozen, the
    header (or ``title_rows``) printed on every page, an auto-filter over the table."""
    sheet.freeze_panes = f"A{header_row + 1}"
    first, last = title_rows or (header_row, header_row)
    sheet.print_title_rows = f"{first}:{last}"
    if autofilter:
        sheet.auto_filter.ref = (
            f"A{header_row}:{get_column_letter(columns)}{max(last_row, header_row)}"
        )


# Streamed (write-only) sheets ------------------------------------------------------------------


class StreamedTable:
    """A table on a write-only sheet: the header row, then ``append`` row by row; ``close``
    before saving the workbook. Text is wrapped, each row as high as its text needs; numbers
    and dates get ``formats`` (a number format per column, or None)."""

    def __init__(
        self,
        sheet: Any,
        header: Sequence[str],
        widths: Sequence[float],
        *,
        formats: Sequence[str | None] | None = None,
        wrap: bool = True,
        landscape: bool | None = None,
    ) -> None:
        self.sheet = sheet
        self.widths = list(widths)
        self.formats = list(formats or [None] * len(header))
        self.wrap = wrap
        self.columns = len(header)
        self.rows = 0
        set_column_widths(sheet, self.widths)
        set_up_page(sheet, landscape=is_wide(self.widths) if landscape is None else landscape)
        table_sheet(sheet, header_row=1, last_row=1, columns=self.columns, autofilter=False)
        self._write(header, bold=True)

    def append(self, values: Sequence[Any]) -> None:
        self._write(values)

    def close(self) -> None:
        table_sheet(sheet=self.sheet, header_row=1, last_row=self.rows, columns=self.columns)

    def _write(self, values: Sequence[Any], *, bold: bool = False) -> None:
        self.rows += 1
        cells = []
        for value, number_format in zip(values, self.formats, strict=False):
            cell = WriteOnlyCell(self.sheet, value=value)
            if self.wrap:
                cell.alignment = WRAP
            if bold:
                cell.font = BOLD
            elif number_format and _is_figure(value):
                cell.number_format = number_format
            cells.append(cell)
        height = (
            row_height(zip(values, self.widths, strict=False), bold=bold) if self.wrap else None
        )
        # The writer reads the row's dimensions as it writes the row: set, write, forget.
        if height:
            self.sheet.row_dimensions[self.rows].height = height
        self.sheet.append(cells)
        self.sheet.row_dimensions.pop(self.rows, None)


def _is_figure(value: Any) -> bool:
    return isinstance(value, int | float | Decimal | date | datetime) and not isinstance(
        value, bool
    )


# Word ------------------------------------------------------------------------------------------

A4_SHORT, A4_LONG = Mm(210), Mm(297)
# An average character as a share of the font size: bold, Cyrillic, or a wider font standing in
# for Calibri (LibreOffice without it) all fit.
CHAR_WIDTH = 0.75
CELL_MARGIN = Cm(0.1)  # left and right in each cell: narrower than Word's 0.19 cm, for the text
CELL_PADDING = Cm(0.25)  # both margins, with room to spare


def docx_page(section: Section, *, landscape: bool, margin: Length | None = None) -> None:
    """A4 in the orientation, with ``margin`` on every side if given."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    )
    if margin is not None:
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, margin)


def usable_width(section: Section) -> int:
    return (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)


def repeat_header_row(row: _Row) -> None:
    """Word and LibreOffice repeat this row at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn("w:tblHeader")) is None:
        properties.append(OxmlElement("w:tblHeader", attrs={qn("w:val"): "true"}))
    if properties.find(qn("w:cantSplit")) is None:
        properties.append(OxmlElement("w:cantSplit", attrs={qn("w:val"): "true"}))


def fit_table_widths(
    table: Table,
    section: Section,
    weights: Sequence[float],
    *,
    words: Sequence[int] | None = None,
    font_size: float = DEFAULT_FONT_SIZE,
) -> None:
    """Share the section's usable width among the columns, with a fixed layout, so that the
    table fills the text width and never runs into the margin.

    Each column first gets room for ``words[i]`` characters (its longest word, so that no word
    is broken across lines, when the page allows), then the rest of the width by ``weights``."""
    usable = usable_width(section)
    char = Pt(font_size * CHAR_WIDTH)
    minimums = [int(count * char + CELL_PADDING) for count in (words or [0] * len(weights))]
    if sum(minimums) > usable:  # too many columns for their words: shrink them alike
        minimums = [int(width * usable / sum(minimums)) for width in minimums]
    rest = usable - sum(minimums)
    total = sum(weights) or 1
    widths = [
        Length(minimum + int(rest * weight / total))
        for minimum, weight in zip(minimums, weights, strict=True)
    ]
    table.autofit = False  # w:tblLayout fixed: the widths below, not the contents, decide
    _set_cell_margins(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _set_cell_margins(table: Table) -> None:
    """Left and right cell margins of ``CELL_MARGIN`` (w:tblCellMar follows w:tblLayout)."""
    properties = table._tbl.tblPr
    for old in properties.findall(qn("w:tblCellMar")):
        properties.remove(old)
    margins = OxmlElement("w:tblCellMar")
    twips = str(int(CELL_MARGIN.twips))
    for side in ("left", "right"):
        margins.append(OxmlElement(f"w:{side}", attrs={qn("w:w"): twips, qn("w:type"): "dxa"}))
    properties.find(qn("w:tblLayout")).addnext(margins)
