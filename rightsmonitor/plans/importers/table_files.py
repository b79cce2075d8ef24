"""Read the cells of a table file: an XLSX workbook, or CSV in whatever encoding it came.

``read_rows`` detects the format from the bytes (an XLSX workbook is a ZIP, starting with
"PK"; anything else is tried as CSV). CSV encodings: UTF-8 with or without BOM, UTF-16 with
a BOM (Excel's "Unicode text"), and Windows-1251 when the text reads as Cyrillic words;
anything else is refused. The delimiter (comma, semicolon, tab) is the one with which a plan
table's header row appears (csv.Sniffer's guess is tried first), else a comma. In read-only
mode openpyxl does not report merged cells: a merged section row shows its text in its first
cell and nothing in the others, which is how the parser recognises it.

Other importers (indicator observations) reuse the reading with their own ``header`` test,
which says whether the first non-empty rows, split with a candidate delimiter, hold their
header, and their own ``max_rows``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import openpyxl
from django.utils.translation import gettext as _

from rightsmonitor.plans.importers.columns import HEADER_SCAN_ROWS, find_header
from rightsmonitor.plans.importers.errors import PlanTableError

if TYPE_CHECKING:
    from _typeshed import SupportsRead

CellValue: TypeAlias = str | int | float | date | time | timedelta | bool | None
Source: TypeAlias = "str | PathLike[str] | bytes | SupportsRead[bytes]"

MAX_ROWS = 20_000  # non-empty rows; a plan has hundreds at most
# Does a table, split with a candidate delimiter, start with the header its reader expects?
HeaderTest: TypeAlias = Callable[[Sequence[Sequence[str]]], bool]


def names_plan_columns(rows: Sequence[Sequence[str]]) -> bool:
    """The plan-table header test: a row among the first ones names two known columns."""
    return find_header(rows) is not None


@dataclass
class TableRows:
    """The non-empty rows of a table: (row number as a spreadsheet shows it, cell values)."""

    rows: list[tuple[int, list[CellValue]]]
    format: str  # "xlsx" or "csv"
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ""


ZIP_MAGIC = b"PK\x03\x04"  # an XLSX workbook is a ZIP archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) format
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LETTERS = re.compile(r"[^\W\d_]+")
_UNESCAPE_FORMULA = re.compile(r"^'(?=[=+\-@])")  # the exporter's guard against CSV injection


def read_rows(
    source: Source,
    *,
    filename: str = "",
    sheet: str | None = None,
    header: HeaderTest = names_plan_columns,
    max_rows: int = MAX_ROWS,
) -> TableRows:
    """Read an XLSX workbook (a ZIP, starting with "PK") or else a CSV file.

    ``header`` chooses a CSV file's delimiter (see ``_choose_delimiter``); ``max_rows`` bounds
    the non-empty rows read, so that a wrong file cannot fill the memory.
    """
    data = read_bytes(source)
    name = filename or _source_name(source)
    if not data.strip():
        raise PlanTableError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, sheet=sheet, max_rows=max_rows)
    if data.startswith(OLE_MAGIC):
        raise PlanTableError(
            _("This is an old Excel (.xls) file. Save it as an Excel workbook (.xlsx) or as CSV.")
        )
    if Path(name).suffix.lower() in {".xlsx", ".xlsm"}:
        raise PlanTableError(_("The file is not a valid Excel workbook (.xlsx)."))
    if sheet:
        raise PlanTableError(_("A CSV file has no worksheets; remove the sheet name."))
    return _read_csv(data, header=header, max_rows=max_rows)


def read_bytes(source: Source) -> bytes:
    """The bytes of a path, an uploaded file or bytes; a file is read from its start."""
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | PathLike):
        try:
            return Path(source).read_bytes()
        except OSError as error:
            raise PlanTableError(
                _("Cannot open %(file)s: %(error)s") % {"file": source, "error": error.strerror}
            ) from error
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    if not isinstance(data, bytes):
        raise TypeError("read_rows() needs a binary file")
    return data


def _source_name(source: Source) -> str:
    if isinstance(source, str | PathLike):
        return str(source)
    return str(getattr(source, "name", "") or "")


def _read_xlsx(data: bytes, *, sheet: str | None, max_rows: int = MAX_ROWS) -> TableRows:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign ZIP
        raise PlanTableError(_("The file is not a valid Excel workbook (.xlsx).")) from error
    try:
        if sheet:
            if sheet not in workbook.sheetnames:
                raise PlanTableError(
                    _("The workbook has no sheet “%(sheet)s”. Its sheets are: %(sheets)s.")
                    % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
                )
            worksheet = workbook[sheet]
        elif workbook.worksheets:
            worksheet = workbook.worksheets[0]
        else:
            raise PlanTableError(_("The workbook has no worksheet."))
        if not hasattr(worksheet, "iter_rows"):
            raise PlanTableError(
                _("The sheet “%(sheet)s” is a chart, not a table.") % {"sheet": sheet}
            )
        if hasattr(worksheet, "reset_dimensions"):
            # Some programs write a wrong size into the file; read every cell there is.
            worksheet.reset_dimensions()
        rows: list[tuple[int, list[CellValue]]] = []
        try:
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if any(value is not None and value != "" for value in values):
                    rows.append((number, list(values)))
                    _check_size(len(rows), max_rows)
        except PlanTableError:
            raise
        except Exception as error:
            raise PlanTableError(_("The file is not a valid Excel workbook (.xlsx).")) from error
        return TableRows(rows=rows, format="xlsx", sheet=worksheet.title)
    finally:
        workbook.close()


def _check_size(count: int, max_rows: int = MAX_ROWS) -> None:
    if count <= max_rows:
        return
    if max_rows == MAX_ROWS:
        raise PlanTableError(
            _("The table has more than %(count)d rows; a plan table is much smaller.")
            % {"count": MAX_ROWS}
        )
    raise PlanTableError(
        _("The table has more than %(count)d rows: split it into smaller files.")
        % {"count": max_rows}
    )


def _read_csv(
    data: bytes, *, header: HeaderTest = names_plan_columns, max_rows: int = MAX_ROWS
) -> TableRows:
    text, encoding = decode_csv(data)
    delimiter = _choose_delimiter(text, header)
    rows: list[tuple[int, list[CellValue]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            if any(value.strip() for value in values):
                rows.append((number, [unescape_formula(value) for value in values]))
                _check_size(len(rows), max_rows)
    except csv.Error as error:
        raise PlanTableError(
            _("Cannot read the CSV file: %(error)s") % {"error": error}, row=number + 1
        ) from error
    return TableRows(rows=rows, format="csv", encoding=encoding, delimiter=delimiter)


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV file: UTF-8 (BOM or not), UTF-16 with a BOM, or Windows-1251.

    Windows-1251 decodes almost any bytes, so it is accepted only when the result reads as
    Cyrillic words: not Latin words with stray Cyrillic letters (Latin-1 text read as 1251),
    not UTF-8 read byte by byte. Anything else is refused rather than guessed at.
    """
    refused = PlanTableError(
        _(
            "Cannot read the file's encoding. Save the table as an Excel workbook, or as CSV in UTF-8."
        )
    )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "utf-16")]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "utf-8-sig")]
    else:
        candidates = [("utf-8", "utf-8"), ("cp1251", "cp1251")]
    for codec, name in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if CONTROL_CHARACTERS.search(text):
            # NUL bytes: UTF-16 without a BOM, or not a text file at all.
            raise refused
        if codec == "cp1251" and not _reads_as_cyrillic(text, data):
            break
        return text, name
    raise refused


def _reads_as_cyrillic(text: str, data: bytes) -> bool:
    cyrillic_words = mixed_words = 0
    for word in _LETTERS.findall(text):
        if not any("\u0400" <= ch <= "\u04ff" for ch in word):
            continue
        if any(ch.isascii() for ch in word):
            mixed_words += 1
        elif len(word) > 1:
            cyrillic_words += 1
    # In Windows-1251 Russian text the bytes 0x80-0xBF (punctuation, Ё) are rare; UTF-8
    # Cyrillic read as 1251 has one such byte for every letter.
    letters = sum(1 for byte in data if byte >= 0xC0)
    continuation = sum(1 for byte in data if 0x80 <= byte < 0xC0)
    return cyrillic_words > 0 and mixed_words * 4 <= cyrillic_words and continuation * 2 <= letters


def unescape_formula(text: str) -> str:
    """Drop the apostrophe an exporter put before a cell starting with = + - @."""
    return _UNESCAPE_FORMULA.sub("", text)


def _choose_delimiter(text: str, header: HeaderTest = names_plan_columns) -> str:
    """The delimiter with which a header row appears; Sniffer's guess first, comma last."""
    sample = "\n".join(text.splitlines()[: HEADER_SCAN_ROWS + 10])
    candidates: list[str] = []
    with contextlib.suppress(csv.Error):
        candidates.append(csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter)
    candidates += [",", ";", "\t"]
    for delimiter in dict.fromkeys(candidates):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            head = [list(row) for row in islice(reader, HEADER_SCAN_ROWS * 2)]
        except csv.Error:
            continue
        non_empty = [row for row in head if any(cell.strip() for cell in row)]
        if header(non_empty[:HEADER_SCAN_ROWS]):
            return delimiter
    return candidates[0]


# --- Cell values ------------------------------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30)
# Deadline cells holding a bare number in this range are Excel date serials (1954-2119);
# smaller numbers are years or other text.
_SERIAL_RANGE = range(20_000, 80_000)


def cell_text(value: CellValue, *, multiline: bool = False) -> str:
    """A cell as text: whitespace collapsed; with ``multiline`` line breaks are kept."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d.%m.%Y}" if value.time() == time() else f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | time | timedelta):
        return str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def number_text(value: CellValue) -> str:
    if isinstance(value, date):
        # Russian-locale Excel turns "1.10" into the 1st of October.
        return f"{value.day}.{value.month}"
    return cell_text(value).removeprefix("№").strip().rstrip(".").strip()


def deadline_text(value: CellValue) -> str:
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and int(value) in _SERIAL_RANGE
    ):
        return f"{EXCEL_EPOCH + timedelta(days=int(value)):%d.%m.%Y}"
    return cell_text(value)


def is_empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
