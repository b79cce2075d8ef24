"""Streaming writers for open data: CSV, JSON and XLSX from an iterator of rows.

Each writer takes the columns and an iterable of rows (tuples of cells, in the columns' order),
and returns an iterator of ``bytes`` chunks of about ``CHUNK_SIZE``, for a
``StreamingHttpResponse``. A writer holds one chunk and one row at a time, never the rows:
memory does not grow with their number (``core/tests/test_exports.py`` checks 200,000 rows).

- CSV: UTF-8 with a byte order mark (so that Excel opens it as Unicode; other programs skip
  it), comma-separated, ``\\r\\n`` line ends (RFC 4180). The header row holds the column names.
  Empty for None, ``true``/``false``, ISO 8601 dates and times, plain decimals (``31.5``).
- JSON: one object, its metadata first (whatever the caller passes: dataset, title,
  licence, ...), then ``"columns"`` (name, label, type of each) and ``"rows"``: an array of
  objects keyed by column name, written element by element, one per line. Decimals are JSON
  numbers written as stored (no float rounding); dates and times are ISO 8601 strings.
- XLSX: a workbook written as it goes (the zip is streamed, the parts deflated as rows come):
  the header row bold and frozen, then one row per row; numbers and booleans are numbers and
  booleans, dates and times are dates (shown in the current time zone), text is inline text.
  A sheet holds at most ``XLSX_MAX_ROWS`` rows (Excel's limit) and ``XLSX_MAX_SHEET_BYTES``
  of XML (so that no part needs ZIP64, which some readers refuse): further rows go on to a
  new sheet with the same header. Text is cut at Excel's 32,767 characters per cell and
  characters that XML cannot hold are dropped (CSV and JSON keep everything). Each sheet prints
  as ``core.office`` prints every workbook: column widths by type, A4 fitted to the width
  (landscape when wide), the header row repeated on every page (print titles) and filterable.
  Cells are not wrapped, so every row keeps one line's height however long its text.

Formula injection: in CSV and XLSX a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading apostrophe (``escape_formula``), so that a spreadsheet
shows it instead of running it. Real numbers, negative ones included, and dates are not
text and stay as they are. JSON is read by programs and is written unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeAlias
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from rightsmonitor.core import office

CHUNK_SIZE = 64 * 1024  # bytes per streamed chunk
XLSX_MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header row included
XLSX_MAX_SHEET_BYTES = 1_500_000_000  # well under ZIP64's 4 GiB, whatever the last row
XLSX_MAX_TEXT = 32_767  # Excel's characters per cell

Cell: TypeAlias = str | int | float | Decimal | date | datetime | bool | None
Row: TypeAlias = Sequence[Cell]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


class ColumnType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"

    @property
    def label(self) -> str:
        """The type as the data page names it in the reader's language; files keep the value."""
        return str(_TYPE_LABELS[self])


_TYPE_LABELS = {
    ColumnType.TEXT: gettext_lazy("text"),
    ColumnType.INTEGER: gettext_lazy("whole number"),
    ColumnType.DECIMAL: gettext_lazy("decimal number"),
    ColumnType.DATE: gettext_lazy("date"),
    ColumnType.DATETIME: gettext_lazy("date and time"),
    ColumnType.BOOLEAN: gettext_lazy("yes or no"),
}


@dataclass(frozen=True)
class Column:
    name: str  # the header in every format, and the key of a JSON row: stable, not translated
    label: str | Promise  # what it means, for people (the data page, the JSON metadata)
    type: ColumnType = ColumnType.TEXT


def escape_formula(value: Cell) -> Cell:
    """A text cell that a spreadsheet would run as a formula, with an apostrophe in front."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def plain_decimal(value: Decimal) -> str:
    """``Decimal("31.500000")`` → ``"31.5"``: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def iter_chunks(
    columns: Sequence[Column], rows: Iterable[Row], fmt: str, **meta: Any
) -> Iterator[bytes]:
    """The file in ``fmt`` (one of ``FORMATS``); ``meta`` goes into the JSON's head."""
    if fmt == "csv":
        return iter_csv(columns, rows)
    if fmt == "json":
        return iter_json(columns, rows, meta=meta)
    if fmt == "xlsx":
        return iter_xlsx(columns, rows, sheet_name=str(meta.get("dataset") or "data"))
    raise ValueError(f"unknown format {fmt!r}")


# CSV -------------------------------------------------------------------------------------------


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, str):
        return str(escape_formula(value))
    return str(value)


def iter_csv(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
        if buffer.tell() >= CHUNK_SIZE:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# JSON ------------------------------------------------------------------------------------------


_json_text = json.encoder.encode_basestring  # the C encoder, without json.dumps's overhead


def _json_value(value: Cell) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _json_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)  # a JSON number, exactly as stored
    if isinstance(value, date):
        return f'"{value.isoformat()}"'
    return json.dumps(value)


def iter_json(
    columns: Sequence[Column], rows: Iterable[Row], *, meta: Mapping[str, Any]
) -> Iterator[bytes]:
    head = {
        **{key: str(value) if isinstance(value, Promise) else value for key, value in meta.items()},
        "columns": [
            {"name": column.name, "label": str(column.label), "type": str(column.type)}
            for column in columns
        ],
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    keys = [json.dumps(column.name) + ": " for column in columns]
    parts = [opening[: opening.rindex("}")].rstrip(), ',\n "rows": [']
    size = 0
    separator = "\n  "
    for row in rows:
        line = ", ".join(key + _json_value(value) for key, value in zip(keys, row, strict=True))
        parts.append(f"{separator}{{{line}}}")
        separator = ",\n  "
        size += len(line)
        if size >= CHUNK_SIZE:
            yield "".join(parts).encode("utf-8")
            parts.clear()
            size = 0
    parts.append("\n ]\n}\n")
    yield "".join(parts).encode("utf-8")


# XLSX ------------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Cell styles (cellXfs): 0 normal, 1 bold (the header), 2 a date, 3 a date and time.
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    f'{_XML}<worksheet xmlns="{_MAIN}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews>"
)
# Column widths in characters per type; a header longer than that widens its column.
_WIDTHS = {
    ColumnType.TEXT: 30,
    ColumnType.INTEGER: 10,
    ColumnType.DECIMAL: 12,
    ColumnType.DATE: 12,
    ColumnType.DATETIME: 18,
    ColumnType.BOOLEAN: 8,
}
_EPOCH = datetime(1899, 12, 30)


class _Sink:
    """A write-only file for ``zipfile``: what it is given waits here until drained. No
    ``tell``, so ``zipfile`` writes each part's sizes after its data and never seeks back."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        self.size = 0
        return data


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _xlsx_text(value: str) -> str:
    text = escape(_NOT_XML.sub("", str(escape_formula(value)))[:XLSX_MAX_TEXT])
    return f'<is><t xml:space="preserve">{text}</t></is>'


def _xlsx_cell(ref: str, value: Cell) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"><v>{plain_decimal(value)}</v></c>'
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        serial = (local.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="3"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="2"><v>{(value - _EPOCH.date()).days}</v></c>'
    return f'<c r="{ref}" t="inlineStr">{_xlsx_text(value)}</c>'


def _sheet_name(base: str, number: int) -> str:
    """Excel's rules: at most 31 characters, none of ``\\ / * ? : [ ]``."""
    name = re.sub(r"[\\/*?:\[\]]", " ", base).strip()[:27] or "data"
    return name if number == 1 else f"{name} {number}"


def _sheet_frame(columns: Sequence[Column]) -> tuple[str, str]:
    """What goes before the rows of a sheet (properties, view, widths) and the page set-up
    that goes after them (``core.office``'s margins and paper; A4 fitted to the width)."""
    widths = [max(_WIDTHS[column.type], len(column.name) + 3) for column in columns]
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(widths, start=1)
    )
    margins = " ".join(f'{side}="{inches}"' for side, inches in office.MARGINS.items())
    orientation = "landscape" if office.is_wide(widths) else "portrait"
    page = (
        f"<pageMargins {margins}/>"
        f'<pageSetup paperSize="{office.PAPER_A4}" orientation="{orientation}" '
        'fitToWidth="1" fitToHeight="0"/>'
    )
    return f"{_SHEET_START}<cols>{cols}</cols><sheetData>", page


def iter_xlsx(
    columns: Sequence[Column], rows: Iterable[Row], *, sheet_name: str = "data"
) -> Iterator[bytes]:
    letters = _column_letters(len(columns))
    header = "".join(
        f'<c r="{letter}1" s="1" t="inlineStr">{_xlsx_text(column.name)}</c>'
        for letter, column in zip(letters, columns, strict=True)
    )
    sheet_start, page_setup = _sheet_frame(columns)
    last_column = letters[-1] if letters else "A"

    def sheet_end() -> bytes:
        # The filter covers the rows written: known only now, and written after them.
        data = f'</sheetData><autoFilter ref="A1:{last_column}{number}"/>{page_setup}</worksheet>'
        return data.encode()

    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    sheets = 0
    last_rows: list[int] = []  # the last row of each sheet
    part: Any = None
    written = number = 0

    def start_sheet() -> Any:
        nonlocal sheets, written, number
        sheets += 1
        opened = archive.open(f"xl/worksheets/sheet{sheets}.xml", "w")
        opened.write(f'{sheet_start}<row r="1">{header}</row>'.encode())
        written, number = 0, 1
        last_rows.append(0)
        return opened

    part = start_sheet()
    for row in rows:
        if number >= XLSX_MAX_ROWS or written >= XLSX_MAX_SHEET_BYTES:
            last_rows[-1] = number
            part.write(sheet_end())
            part.close()
            part = start_sheet()
        number += 1
        cells = "".join(
            _xlsx_cell(f"{letter}{number}", value)
            for letter, value in zip(letters, row, strict=True)
        )
        data = f'<row r="{number}">{cells}</row>'.encode()
        part.write(data)
        written += len(data)
        if sink.size >= CHUNK_SIZE:
            yield sink.drain()
    last_rows[-1] = number
    part.write(sheet_end())
    part.close()
    names = [_sheet_name(sheet_name, n) for n in range(1, sheets + 1)]
    for name, content in _package_parts(names, last_column, last_rows).items():
        archive.writestr(name, content)
    archive.close()
    yield sink.drain()


def _package_parts(
    sheet_names: Sequence[str], last_column: str, rows: Sequence[int]
) -> dict[str, str]:
    """Everything of the workbook but the sheets' data; written last, once their number is
    known (readers find the parts through the zip's directory, whatever their order). The
    defined names repeat each sheet's header row on every printed page and name its filter."""
    numbers = range(1, len(sheet_names) + 1)
    names = []
    for index, (name, last_row) in enumerate(zip(sheet_names, rows, strict=True)):
        quoted = "'" + name.replace("'", "''") + "'"
        names.append(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{escape(quoted)}!$A$1:${last_column}${last_row}</definedName>"
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
            f"{escape(quoted)}!$1:$1</definedName>"
        )
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
        for n in numbers
    )
    office = "application/vnd.openxmlformats-officedocument"
    return {
        "xl/styles.xml": _STYLES,
        "xl/workbook.xml": (
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
                for n, name in zip(numbers, sheet_names, strict=True)
            )
            + f"</sheets><definedNames>{''.join(names)}</definedNames></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{n}.xml"/>'
                for n in numbers
            )
            + f'<Relationship Id="rId{len(sheet_names) + 1}" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>'
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" '
            f'ContentType="{office}.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
    }
