"""core.office: row heights, page set-up and Word tables, checked on real files (no database)."""

from __future__ import annotations

import io

import docx
from docx.shared import Cm
from openpyxl import Workbook, load_workbook

from rightsmonitor.core import exports, office


def test_lines_of_wraps_words_and_counts_line_breaks() -> None:
    assert office.lines_of("", 10) == 1
    assert office.lines_of("short", 10) == 1
    assert office.lines_of("one two three four", 11) == 2  # "one two" / "three four"
    assert office.lines_of("a\nb\n\nc", 40) == 4  # explicit breaks, an empty line too
    assert office.lines_of("x" * 25, 10) == 3  # a word longer than the line is broken
    assert office.lines_of("Мероприятие " * 10, 24) > office.lines_of("Measurement " * 10, 24)


def test_height_is_capped() -> None:
    assert office.height_for(1) < office.height_for(2)
    assert office.height_for(1000) == office.height_for(office.MAX_LINES)


def test_fit_row_heights_counts_merged_widths_and_leaves_set_heights() -> None:
    workbook = Workbook()
    sheet = workbook.active
    office.set_column_widths(sheet, [10, 10, 10])
    long_text = "word " * 12
    sheet["A1"] = long_text
    sheet["A1"].alignment = office.WRAP
    sheet.merge_cells("A1:C1")  # 30 characters wide: two lines
    sheet["A2"] = long_text
    sheet["A2"].alignment = office.WRAP  # 10 characters wide: six lines
    sheet["A3"] = long_text  # not wrapped: one line, no height
    sheet["A4"] = long_text
    sheet["A4"].alignment = office.WRAP
    sheet.row_dimensions[4].height = 50
    office.fit_row_heights(sheet)
    assert sheet.row_dimensions[1].height == office.height_for(2)
    assert sheet.row_dimensions[2].height == office.height_for(6)
    assert sheet.row_dimensions[3].height is None
    assert sheet.row_dimensions[4].height == 50


def test_streamed_table_prints_and_forgets_each_row() -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("t")
    table = office.StreamedTable(
        sheet, ["Name", "Share", "Count"], [20, 10, 10], formats=[None, office.PERCENT, None]
    )
    for number in range(50):
        table.append([f"row {number} " + "text " * (number % 9), number / 50, number])
    assert len(sheet.row_dimensions) == 0  # nothing kept per row: memory stays flat
    table.close()
    output = io.BytesIO()
    workbook.save(output)

    read = load_workbook(output).active
    assert read.freeze_panes == "A2"
    assert read.print_title_rows.replace("$", "") == "1:1"
    assert read.auto_filter.ref == "A1:C51"
    assert read.page_setup.paperSize == office.PAPER_A4
    assert (read.page_setup.fitToWidth, read.page_setup.fitToHeight) == (1, 0)
    assert read.sheet_properties.pageSetUpPr.fitToPage
    assert read.page_setup.orientation == "portrait"  # 40 characters wide
    assert read["B3"].number_format == office.PERCENT
    assert read["A1"].font.b
    assert read.row_dimensions[10].height == office.height_for(3)  # "row 8 " + "text " × 8
    assert read.row_dimensions[2].height is None  # one line


def test_open_data_workbook_prints() -> None:
    columns = [exports.Column(f"column_{n}", "label", exports.ColumnType.TEXT) for n in range(5)]
    rows = [[f"{r}-{n}" for n in range(5)] for r in range(3)]
    data = b"".join(exports.iter_xlsx(columns, rows, sheet_name="things"))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"
    assert sheet.print_title_rows.replace("$", "") == "1:1"
    assert sheet.page_setup.orientation == "landscape"  # 5 × 30 characters
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.column_dimensions["A"].width == 30


def test_word_table_fills_the_text_width_with_room_for_words() -> None:
    document = docx.Document()
    section = document.sections[0]
    office.docx_page(section, landscape=True, margin=Cm(2))
    table = document.add_table(rows=2, cols=3)
    office.repeat_header_row(table.rows[0])
    office.fit_table_widths(table, section, [1, 0, 0], words=[4, 12, 4])
    widths = [cell.width for cell in table.rows[1].cells]
    assert abs(sum(widths) - office.usable_width(section)) < Cm(0.01)  # Word keeps twips
    assert widths[1] > widths[2]  # the long word's column, though its weight is 0
    assert table.rows[0]._tr.trPr.find(office.qn("w:tblHeader")) is not None
    assert section.page_width > section.page_height
