"""Read a whole table file into rows, whatever its kind: XLSX, CSV, Word (DOCX) or HTML.

``read_table`` is what every importer that keeps a table in memory calls (plan tables,
indicator observations). It tells the kind from the bytes, never from the name alone: an XLSX
workbook or a Word document is a ZIP (told apart by their parts), an HTML page starts with
markup, anything else is tried as CSV. The file's size is checked before a byte is parsed, and
every reader below applies the same ``Limits``.

Which table: a worksheet named by ``sheet``, else the first whose first rows pass the
importer's ``header`` test, else the first; in a document, the first table that passes the
test (a title and other tables may come before the plan), else the longest.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from django.utils.translation import gettext as _

from rightsmonitor.core.tabular.delimited import (
    OLE_MAGIC,
    SAMPLE_BYTES,
    ZIP_MAGIC,
    HeaderTest,
    choose_delimiter,
    csv_rows,
    decode_csv,
    text_lines,
    unescape_formula,
)
from rightsmonitor.core.tabular.documents import (
    Grid,
    is_word_package,
    read_docx_tables,
    read_html_tables,
)
from rightsmonitor.core.tabular.errors import TableError
from rightsmonitor.core.tabular.limits import Limits
from rightsmonitor.core.tabular.xlsx import Worksheet, open_workbook

if TYPE_CHECKING:
    from _typeshed import SupportsRead

CellValue: TypeAlias = str | int | float | date | time | timedelta | bool | None
Source: TypeAlias = "str | PathLike[str] | bytes | SupportsRead[bytes]"

HEAD_ROWS = 30  # non-empty rows a header test looks at
# What a damaged workbook raises while it is read: a cut or corrupt ZIP member (zlib, CRC,
# EOF), broken XML (SyntaxError covers ElementTree's and expat's parse errors), XML that
# defusedxml refuses (its errors are ValueErrors), a part the workbook names but lacks (KeyError).
DAMAGE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    KeyError,
    SyntaxError,
    ValueError,
)


def any_header(rows: Sequence[Sequence[str]]) -> bool:
    """The header test of a reader that takes the first table it is given."""
    return True


@dataclass
class TableRows:
    """The non-empty rows of a table: (row number as a spreadsheet shows it, cell values)."""

    rows: list[tuple[int, list[CellValue]]]
    format: str  # "xlsx", "csv", "docx" or "html"
    sheet: str = ""  # the worksheet's name, or "Table 2" in a document
    encoding: str = ""
    delimiter: str = ""


def read_table(
    source: Source,
    *,
    filename: str = "",
    sheet: str | None = None,
    header: HeaderTest = any_header,
    limits: Limits | None = None,
) -> TableRows:
    """The rows of the table in ``source`` (a path, bytes or a binary file)."""
    limits = limits or Limits()
    data = read_bytes(source, limits)
    name = (filename or _source_name(source)).lower()
    suffix = Path(name).suffix
    if not data.strip():
        raise TableError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        return _read_package(data, sheet=sheet, header=header, limits=limits, suffix=suffix)
    if data.startswith(OLE_MAGIC):
        if suffix in {".doc", ".docx"}:
            raise TableError(
                _("This is an old Word (.doc) file. Save it as a Word document (.docx).")
            )
        raise TableError(
            _("This is an old Excel (.xls) file. Save it as an Excel workbook (.xlsx) or as CSV.")
        )
    if suffix in {".xlsx", ".xlsm"}:
        raise TableError(_("The file is not a valid Excel workbook (.xlsx)."))
    if suffix == ".docx":
        raise TableError(_("The file is not a valid Word document (.docx)."))
    if data.lstrip().startswith(b"{\\rtf"):
        raise TableError(_("This is an RTF file. Save it as a Word document (.docx)."))
    if suffix in {".htm", ".html"} or looks_like_html(data):
        _no_sheet(sheet, _("An HTML page has no worksheets; remove the sheet name."))
        tables = read_html_tables(data, limits=limits)
        return _document_table(tables, "html", header=header)
    _no_sheet(sheet, _("A CSV file has no worksheets; remove the sheet name."))
    return _read_csv(data, header=header, limits=limits)


def read_bytes(source: Source, limits: Limits | None = None) -> bytes:
    """The bytes of a path, an uploaded file or bytes, its size checked before it is read."""
    limits = limits or Limits()
    if isinstance(source, bytes):
        limits.check_size(len(source))
        return source
    if isinstance(source, str | PathLike):
        try:
            limits.check_size(Path(source).stat().st_size)
            return Path(source).read_bytes()
        except OSError as error:
            raise TableError(
                _("Cannot open %(file)s: %(error)s") % {"file": source, "error": error.strerror}
            ) from error
    size = getattr(source, "size", None)
    if isinstance(size, int):
        limits.check_size(size)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(limits.max_bytes + 1)
    if not isinstance(data, bytes):
        raise TypeError("read_table() needs a binary file")
    limits.check_size(len(data))
    return data


def _source_name(source: Source) -> str:
    if isinstance(source, str | PathLike):
        return str(source)
    return str(getattr(source, "name", "") or "")


def _no_sheet(sheet: str | None, message: str) -> None:
    if sheet:
        raise TableError(message)


def looks_like_html(data: bytes) -> bool:
    head = data[:SAMPLE_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or (
        head.startswith(b"<") and b"<table" in head
    )


def _non_empty(values: Sequence[Any]) -> bool:
    return any(value is not None and value != "" for value in values)


# --- ZIP packages: XLSX and DOCX --------------------------------------------------------------


def _read_package(
    data: bytes, *, sheet: str | None, header: HeaderTest, limits: Limits, suffix: str
) -> TableRows:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except DAMAGE as error:
        if suffix == ".docx":
            raise TableError(_("The file is not a valid Word document (.docx).")) from error
        raise TableError(_("The file is not a valid Excel workbook (.xlsx).")) from error
    if "xl/workbook.xml" in names:
        return _read_xlsx(data, sheet=sheet, header=header, limits=limits)
    if suffix in {".xlsx", ".xlsm"}:
        raise TableError(_("The file is not a valid Excel workbook (.xlsx)."))
    if is_word_package(names):
        _no_sheet(sheet, _("A Word document has no worksheets; remove the sheet name."))
        try:
            tables = read_docx_tables(io.BytesIO(data), size=len(data), limits=limits)
        except TableError:
            raise
        except DAMAGE as error:
            raise TableError(_("The file is not a valid Word document (.docx).")) from error
        return _document_table(tables, "docx", header=header)
    raise TableError(
        _("The file is a ZIP archive but neither an Excel workbook nor a Word document.")
    )


def _read_xlsx(data: bytes, *, sheet: str | None, header: HeaderTest, limits: Limits) -> TableRows:
    try:
        workbook = open_workbook(io.BytesIO(data), limits)
    except TableError:
        raise
    except DAMAGE as error:
        raise TableError(_("The file is not a valid Excel workbook (.xlsx).")) from error
    try:
        worksheet = _choose_sheet(workbook.worksheets, workbook.sheetnames, sheet, header)
        rows: list[tuple[int, list[CellValue]]] = []
        for number, values in _damage_as_error(worksheet.numbered_rows()):
            if _non_empty(values):
                rows.append((number, list(values)))
                limits.check_row_count(len(rows))
        return TableRows(rows=rows, format="xlsx", sheet=worksheet.title)
    finally:
        workbook.close()


def _damage_as_error(
    rows: Iterator[tuple[int, tuple[Any, ...]]],
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        yield from rows
    except TableError:
        raise
    except DAMAGE as error:
        raise TableError(_("The file is not a valid Excel workbook (.xlsx).")) from error


def _choose_sheet(
    worksheets: list[Worksheet], names: list[str], sheet: str | None, header: HeaderTest
) -> Worksheet:
    if sheet:
        if sheet not in names:
            raise TableError(
                _("The workbook has no sheet “%(sheet)s”. Its sheets are: %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(names)}
            )
        for worksheet in worksheets:
            if worksheet.title == sheet:
                return worksheet
        raise TableError(_("The sheet “%(sheet)s” is a chart, not a table.") % {"sheet": sheet})
    if not worksheets:
        raise TableError(_("The workbook has no worksheet."))
    if len(worksheets) > 1:
        for worksheet in worksheets:
            if header(_head_of_sheet(worksheet)):
                return worksheet
    return worksheets[0]


def _head_of_sheet(worksheet: Worksheet) -> list[list[str]]:
    head: list[list[str]] = []
    for _number, values in _damage_as_error(worksheet.numbered_rows()):
        if _non_empty(values):
            head.append([cell_text(value) for value in values])
            if len(head) >= HEAD_ROWS:
                break
    return head


# --- Documents: DOCX and HTML -----------------------------------------------------------------


def _document_table(tables: list[Grid], format: str, *, header: HeaderTest) -> TableRows:
    """The table whose first rows pass ``header`` (else the longest), and the tables right
    after it that continue it: a table broken at a page or a section, as documents converted
    from PDF often have, is as wide, and may repeat the header, which is then left out."""
    if not tables:
        raise TableError(_("The document holds no table."))
    heads = [[[cell or "" for cell in row] for row in table if _non_empty(row)] for table in tables]
    chosen = next(
        (index for index, head in enumerate(heads) if header(head[:HEAD_ROWS])),
        max(range(len(tables)), key=lambda index: len(heads[index])),
    )
    width = _width(tables[chosen])
    grid = list(tables[chosen])
    first = next((row for row in grid if _non_empty(row)), None)
    last = chosen
    for table in tables[chosen + 1 :]:
        if _width(table) != width:
            break
        rows = [row for row in table if _non_empty(row)]
        if rows and first is not None and rows[0] == first:
            rows = rows[1:]  # the header, repeated on the next page
        grid.extend(rows)
        last += 1
    rows_of_table: list[tuple[int, list[CellValue]]] = [
        (number, list(row)) for number, row in enumerate(grid, start=1) if _non_empty(row)
    ]
    if len(tables) == 1:
        label = ""
    elif last == chosen:
        label = _("Table %(number)d") % {"number": chosen + 1}
    else:
        label = _("Tables %(first)d to %(last)d") % {"first": chosen + 1, "last": last + 1}
    return TableRows(rows=rows_of_table, format=format, sheet=label)


def _width(table: Grid) -> int:
    return max((len(row) for row in table), default=0)


# --- CSV --------------------------------------------------------------------------------------


def _read_csv(data: bytes, *, header: HeaderTest, limits: Limits) -> TableRows:
    text, encoding = decode_csv(data)
    delimiter = choose_delimiter(text[:SAMPLE_BYTES], header)
    rows: list[tuple[int, list[CellValue]]] = []
    for number, values in csv_rows(text_lines(text), delimiter=delimiter, limits=limits):
        if any(value.strip() for value in values):
            rows.append((number, [unescape_formula(value) for value in values]))
            limits.check_row_count(len(rows))
    return TableRows(rows=rows, format="csv", encoding=encoding, delimiter=delimiter)


# --- Cell values ------------------------------------------------------------------------------


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


def is_empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


Progress: TypeAlias = Callable[[int, int], None]  # (done, total), in bytes or rows
