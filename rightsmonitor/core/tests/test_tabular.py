"""The guarded table reader's own checks, one at a time, on small files made here."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from rightsmonitor.core.tabular import Limits, TableError, read_table
from rightsmonitor.core.tabular.delimited import choose_delimiter, delimiter_candidates
from rightsmonitor.core.tabular.limits import MB, open_member
from rightsmonitor.core.tabular.xlsx import open_workbook
from rightsmonitor.core.tests.hostile_files import (
    SHEET,
    SHEET_HEAD,
    SHEET_TAIL,
    deflated,
    deflated_repeat,
    with_part,
    with_parts,
)


def workbook_bytes(*rows: list[object]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_part_is_counted_as_it_inflates_whatever_the_directory_says(tmp_path: Path) -> None:
    path = tmp_path / "zeros.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros", b"\0" * (3 * MB))
    with (
        zipfile.ZipFile(path) as archive,
        open_member(archive, "zeros", Limits(max_member_bytes=MB)) as stream,
        pytest.raises(TableError, match="unpacks to"),
    ):
        while stream.read(64 * 1024):
            pass


def test_the_inflation_ratio_is_checked_while_reading(tmp_path: Path) -> None:
    path = tmp_path / "zeros.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros", b"\0" * (30 * MB))
    limits = Limits(max_member_bytes=100 * MB, max_ratio=50)
    with (
        zipfile.ZipFile(path) as archive,
        open_member(archive, "zeros", limits) as stream,
        pytest.raises(TableError, match="far more than its size"),
    ):
        while stream.read(MB):
            pass


def test_gaps_between_rows_are_skipped_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    sheet = (
        SHEET_HEAD
        + b'<row r="2"><c r="B2" t="inlineStr"><is><t>first</t></is></c></row>'
        + b'<row r="1000000"><c r="C1000000"><v>7</v></c><c r="XFD1000000" s="1"/></row>'
        + SHEET_TAIL
    )
    path = with_part(tmp_path / "gaps.xlsx", SHEET, deflated(sheet))
    with path.open("rb") as stream:
        book = open_workbook(stream)
        rows = list(book.worksheets[0].numbered_rows())
        book.close()
    # The styled empty cell at the last column makes the row no wider.
    assert rows == [(2, (None, "first")), (1_000_000, (None, None, 7))]


def test_row_and_column_caps(tmp_path: Path) -> None:
    data = workbook_bytes(*[[n] for n in range(30)])
    with pytest.raises(TableError, match="more than 20 rows"):
        read_table(data, limits=Limits(max_rows=20))
    data = workbook_bytes(list(range(30)))
    with pytest.raises(TableError, match="columns; at most 10 are accepted"):
        read_table(data, limits=Limits(max_columns=10))
    with pytest.raises(TableError, match="files of at most"):
        read_table(data, limits=Limits(max_bytes=100))


def test_shared_strings_move_to_disk_when_the_directory_understates_them(tmp_path: Path) -> None:
    strings = deflated_repeat(
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        b"<si><t>abc</t></si>" * 1000,
        50,
        b"</sst>",
    )
    strings.stated_size = 1000  # the directory says the part is tiny
    sheet = deflated(SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>49999</v></c></row>' + SHEET_TAIL)
    path = with_parts(
        tmp_path / "strings.xlsx",
        {SHEET: sheet, "xl/sharedStrings.xml": strings},
        shared_strings=True,
    )
    # zipfile stops at the stated size and finds the CRC wrong: a damaged file, not 50,000 strings.
    with path.open("rb") as stream, pytest.raises(zipfile.BadZipFile):
        open_workbook(stream, Limits(strings_in_memory=64 * 1024))


def test_one_delimiter_guess() -> None:
    head = "Plan of 2022, approved\nNo.;Action;Deadline;Responsible agencies\n1;a;2023;MIA\n"
    assert delimiter_candidates(head)[0] == ","  # the title's comma: the header test decides
    assert choose_delimiter(head, lambda rows: any("Action" in row for row in rows)) == ";"
    tabbed = "Year\tValue\n2020\t1,5\n"
    assert choose_delimiter(tabbed, lambda rows: rows[0] == ["Year", "Value"]) == "\t"
