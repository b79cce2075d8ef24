"""core.tabular's streaming XLSX reader gives what openpyxl gives, without holding the
shared strings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from rightsmonitor.core.tabular.limits import Limits
from rightsmonitor.core.tabular.xlsx import open_workbook

DATA = Path(__file__).parents[2] / "recommendations" / "tests" / "data"


def rows_of(path: Path, limits: Limits | None = None) -> list[list[tuple[object, ...]]]:
    with path.open("rb") as stream:
        book = open_workbook(stream, limits)
        try:
            return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
        finally:
            book.close()


def openpyxl_rows(path: Path) -> list[list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    finally:
        book.close()


def trimmed(sheets: list[list[tuple[object, ...]]]) -> list[list[tuple[object, ...]]]:
    def trim(row: tuple[object, ...]) -> tuple[object, ...]:
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        return tuple(values)

    return [[trim(row) for row in sheet] for sheet in sheets]


@pytest.mark.parametrize("name", ["uhri.xlsx", "uhri_reordered.xlsx", "uhri_updated.xlsx"])
def test_the_test_workbooks_read_as_openpyxl_reads_them(name: str) -> None:
    assert trimmed(rows_of(DATA / name)) == trimmed(openpyxl_rows(DATA / name))


@pytest.mark.parametrize("on_disk", [False, True])
def test_cells_of_every_kind(tmp_path: Path, on_disk: bool) -> None:
    limits = Limits(strings_in_memory=0) if on_disk else None
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet["A1"] = "Text"
    sheet["B1"] = 136.1
    sheet["C1"] = 42
    sheet["D1"] = datetime(2025, 2, 12)
    sheet["E1"] = True
    sheet["A2"] = CellRichText([TextBlock(InlineFont(b=True), "Bold"), " and plain"])
    sheet["D4"] = "after a gap"  # rows 3 and columns A-C of row 4 are empty
    book.create_sheet("Second")["A1"] = "second sheet"
    path = tmp_path / "kinds.xlsx"
    book.save(path)

    first, second = rows_of(path, limits)
    assert first[0] == ("Text", 136.1, 42, datetime(2025, 2, 12), True)
    assert first[1][0] == "Bold and plain"
    assert first[2] == ()
    assert first[3] == (None, None, None, "after a gap")
    assert second == [("second sheet",)]


def test_the_1904_date_system(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    book.active["A1"] = datetime(2019, 11, 8)
    path = tmp_path / "mac.xlsx"
    book.save(path)
    assert rows_of(path) == [[(datetime(2019, 11, 8),)]]
