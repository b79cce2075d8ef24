"""Rows of an XLSX workbook read as a stream, in memory that does not grow with the file.

openpyxl's read-only mode streams the worksheet but loads the whole shared-strings table: in a
workbook of the whole UHRI (267,500 recommendations, each with its own text) that table is
most of the file, held in memory, and a hostile 1 MB workbook can hold a 400 MB one. Here the
table goes to a temporary SQLite file when it is large, and the worksheet is parsed row by row
(``defusedxml``'s ``iterparse``: no DTD, no entity expansion), each row dropped once read.
Every part is read through ``limits.open_member``, which counts what it really inflates
(docs/decisions/0011).

``open_workbook(stream, limits)`` checks the ZIP directory and gives ``worksheets``, each with
``numbered_rows()`` yielding ``(row number, cell values)`` for the rows the file holds (gaps
are skipped, not walked: a cell at row 1,000,000 costs one row), and ``iter_rows()`` as
openpyxl's ``values_only`` gives it (rows missing from the file as empty tuples). Row numbers
beyond Excel's 1,048,576 and columns beyond 16,384 or the importer's cap are refused. Numbers
styled as dates become ``datetime`` (1900 and 1904 date systems), time formats ``time`` or
``timedelta``; other cells are ``str``, ``int``, ``float`` or ``bool``.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any

from defusedxml.ElementTree import iterparse, parse
from django.utils.translation import gettext as _

from rightsmonitor.core.tabular.errors import TableError
from rightsmonitor.core.tabular.limits import (
    EXCEL_MAX_COLUMNS,
    Limits,
    check_directory,
    open_member,
)

STRING_BATCH = 5000
BUILTIN_DATE_FORMATS = set(range(14, 23)) | {45, 46, 47}
BUILTIN_TIME_FORMATS = {18, 19, 20, 21, 45, 46, 47}
DATE_CODE = re.compile(r"[dmyhs]", re.I)
DAY_CODE = re.compile(r"[dy]", re.I)
ELAPSED_CODE = re.compile(r"\[[hms]+\]", re.I)
QUOTED = re.compile(r'"[^"]*"|\[(?![hms]+\])[^\]]*\]|\\.', re.I)
CELL_REF = re.compile(r"\$?([A-Z]{1,7})\$?(\d{1,12})$")
EPOCH_1900 = datetime(1899, 12, 30)
EPOCH_1904 = datetime(1904, 1, 1)


def local(tag: str) -> str:
    """An element's name without its namespace (transitional and strict OOXML alike)."""
    return tag.rsplit("}", 1)[-1]


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


class SharedStrings:
    """The workbook's shared strings by index: a list, or a temporary SQLite table."""

    def __init__(self, archive: zipfile.ZipFile, name: str | None, limits: Limits) -> None:
        self.strings: list[str] = []
        self.database: sqlite3.Connection | None = None
        self.directory: tempfile.TemporaryDirectory[str] | None = None
        if name is None:
            return
        size = archive.getinfo(name).file_size
        if size > limits.strings_in_memory:
            self._spill()
        batch: list[tuple[int, str]] = []
        count = 0
        in_memory = 0
        with open_member(archive, name, limits) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                if local(element.tag) != "si":
                    continue
                text = _string_item(element)
                element.clear()
                if self.database is None:
                    # The directory may understate the part: spill to disk when it grows.
                    # (A list item costs about 64 bytes besides its text.)
                    in_memory += len(text) + 64
                    self.strings.append(text)
                    if in_memory > limits.strings_in_memory:
                        self._spill()
                else:
                    batch.append((count, text))
                    if len(batch) >= STRING_BATCH:
                        self.database.executemany("INSERT INTO s VALUES (?, ?)", batch)
                        batch = []
                count += 1
        if self.database is not None and batch:
            self.database.executemany("INSERT INTO s VALUES (?, ?)", batch)

    def _spill(self) -> None:
        """Move the strings to a temporary SQLite table; the rest go there too."""
        self.directory = tempfile.TemporaryDirectory(prefix="rm-xlsx-")
        self.database = sqlite3.connect(Path(self.directory.name) / "strings.sqlite3")
        self.database.execute("PRAGMA journal_mode = OFF")
        self.database.execute("PRAGMA synchronous = OFF")
        self.database.execute("CREATE TABLE s (i INTEGER PRIMARY KEY, t TEXT)")
        self.database.executemany("INSERT INTO s VALUES (?, ?)", enumerate(self.strings))
        self.strings = []

    def lookup(self, indexes: Sequence[int]) -> dict[int, str]:
        if self.database is None:
            return {i: self.strings[i] for i in indexes if 0 <= i < len(self.strings)}
        marks = ",".join("?" * len(indexes))
        rows = self.database.execute(f"SELECT i, t FROM s WHERE i IN ({marks})", list(indexes))  # noqa: S608
        return dict(rows.fetchall())

    def close(self) -> None:
        if self.database is not None:
            self.database.close()
            self.database = None
        if self.directory is not None:
            self.directory.cleanup()
            self.directory = None


def _string_item(element: Any) -> str:
    """The text of a shared-string item: its ``t``, or its rich-text runs' ``t``; phonetic
    guides (``rPh``) left out."""
    parts: list[str] = []
    for child in element:
        name = local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if local(t.tag) == "t")
    return "".join(parts)


def _number_format_kind(code: str) -> str:
    """ "date", "time" (a time of day), "elapsed" ([h]:mm) or "" for a number format code."""
    if ELAPSED_CODE.search(code):
        return "elapsed"
    bare = QUOTED.sub("", code)
    if not DATE_CODE.search(bare):
        return ""
    return "date" if DAY_CODE.search(bare) or re.search(r"m{3,}", bare, re.I) else "time"


class Worksheet:
    def __init__(self, book: Workbook, name: str, path: str) -> None:
        self.book = book
        self.title = name
        self.path = path
        self.max_row = self._dimension()

    def _dimension(self) -> int | None:
        with open_member(self.book.archive, self.path, self.book.limits) as stream:
            for _event, element in iterparse(stream, events=("start",)):
                name = local(element.tag)
                if name == "dimension":
                    match = CELL_REF.findall(element.get("ref", "").split(":")[-1])
                    return int(match[-1][1]) if match else None
                if name == "sheetData":
                    return None
        return None

    def numbered_rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(row number, values) of each row the file holds, in order; gaps are not walked."""
        limits = self.book.limits
        expected = 1
        with open_member(self.book.archive, self.path, limits) as stream:
            parent = None
            for event, element in iterparse(stream, events=("start", "end")):
                name = local(element.tag)
                if event == "start":
                    if name == "sheetData":
                        parent = element
                    continue
                if name != "row":
                    continue
                written = element.get("r")
                number = _int(written) if written else expected
                limits.check_row_number(number)
                if number < expected:
                    raise TableError(
                        _("Row %(row)d comes after row %(previous)d in the sheet.")
                        % {"row": number, "previous": expected - 1}
                    )
                values = self._values(element, number)
                expected = number + 1
                element.clear()
                if parent is not None:
                    parent.clear()  # the rows read so far: nothing keeps them
                yield number, values

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        """Every row from the first, as openpyxl's ``values_only`` rows (gaps as ``()``)."""
        expected = 1
        for number, values in self.numbered_rows():
            while expected < number:  # rows the file leaves out are empty
                yield ()
                expected += 1
            yield values
            expected = number + 1

    def _values(self, row: Any, number: int) -> tuple[Any, ...]:
        cells: list[tuple[int, str, str | None, str | None, Any]] = []
        width = 0
        for position, cell in enumerate(c for c in row if local(c.tag) == "c"):
            reference = cell.get("r")
            if reference:
                match = CELL_REF.match(reference)
                if match is None:
                    raise TableError(
                        _("A cell has the reference “%(ref)s”, which is not a cell.")
                        % {"ref": reference[:20]},
                        row=number,
                    )
                index = column_index(match.group(1))
            else:
                index = position
            value = None
            inline = None
            for child in cell:
                child_name = local(child.tag)
                if child_name == "v":
                    value = child.text
                elif child_name == "is":
                    inline = _string_item(child)
            if value is None and inline is None:
                continue  # a styled empty cell: it makes no row wider
            if index >= EXCEL_MAX_COLUMNS or index + 1 > width:
                width = index + 1
                self.book.limits.check_width(width, row=number)
            cells.append((index, cell.get("t") or "n", value, cell.get("s"), inline))
        shared = self.book.strings.lookup(
            [_int(v) for _i, kind, v, _s, _in in cells if kind == "s" and v is not None]
        )
        values: list[Any] = []
        for index, kind, value, style, inline in sorted(cells, key=lambda cell: cell[0]):
            while len(values) < index:
                values.append(None)
            values.append(self.book.cell_value(kind, value, style, inline, shared))
        return tuple(values)


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise TableError(
            _("The sheet holds “%(text)s” where a number belongs.") % {"text": text[:20]}
        ) from None


class Workbook:
    """The worksheets of an XLSX archive, in the workbook's order."""

    def __init__(self, stream: IO[bytes], limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.archive = zipfile.ZipFile(stream)
        try:
            self._open()
        except BaseException:
            self.archive.close()
            raise

    def _open(self) -> None:
        infos = self.archive.infolist()
        size = self.archive.fp.seek(0, 2) if self.archive.fp is not None else 0
        check_directory(infos, archive_size=size, limits=self.limits)
        names = {info.filename for info in infos}
        workbook_path = "xl/workbook.xml"
        targets = self._relationships("xl/_rels/workbook.xml.rels", names)
        root = self._parse(workbook_path)
        self.date1904 = any(
            local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true") for e in root
        )
        self.worksheets: list[Worksheet] = []
        self.sheetnames: list[str] = []
        for element in root.iter():
            if local(element.tag) != "sheet":
                continue
            relation = next((v for k, v in element.attrib.items() if local(k) == "id"), None)
            path, kind = targets.get(relation or "", ("", ""))
            self.sheetnames.append(element.get("name", ""))
            if (path and path in names and kind.endswith("/worksheet")) or (
                path and path in names and not kind
            ):
                self.worksheets.append(Worksheet(self, element.get("name", ""), path))
        self.date_styles: dict[str, str] = {}
        shared = next((p for p, kind in targets.values() if kind.endswith("/sharedStrings")), None)
        self.strings = SharedStrings(self.archive, shared if shared in names else None, self.limits)
        self.date_styles = self._date_styles(
            next((p for p, kind in targets.values() if kind.endswith("/styles")), None), names
        )

    def _parse(self, path: str) -> Any:
        with open_member(self.archive, path, self.limits) as stream:
            return parse(stream).getroot()

    def _relationships(self, path: str, names: set[str]) -> dict[str, tuple[str, str]]:
        """{relationship id: (part path in the archive, relationship type)}."""
        if path not in names:
            return {}
        found = {}
        for element in self._parse(path):
            target = element.get("Target", "")
            part = (
                target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            )
            # "xl/../x" never occurs in practice; normalise the simple "./" case only.
            found[element.get("Id", "")] = (part.replace("/./", "/"), element.get("Type", ""))
        return found

    def _date_styles(self, path: str | None, names: set[str]) -> dict[str, str]:
        """{style index as written in cells' ``s``: "date", "time" or "elapsed"}."""
        if not path or path not in names:
            return {}
        root = self._parse(path)
        custom = {
            _int(e.get("numFmtId", "0")): e.get("formatCode", "")
            for e in root.iter()
            if local(e.tag) == "numFmt"
        }
        styles: dict[str, str] = {}
        for section in root:
            if local(section.tag) != "cellXfs":
                continue
            for index, xf in enumerate(e for e in section if local(e.tag) == "xf"):
                format_id = _int(xf.get("numFmtId", "0"))
                if format_id in custom:
                    kind = _number_format_kind(custom[format_id])
                elif format_id in BUILTIN_DATE_FORMATS:
                    kind = "time" if format_id in BUILTIN_TIME_FORMATS else "date"
                    kind = "elapsed" if format_id == 46 else kind
                else:
                    kind = ""
                if kind:
                    styles[str(index)] = kind
        return styles

    def cell_value(
        self,
        kind: str,
        value: str | None,
        style: str | None,
        inline: str | None,
        shared: dict[int, str],
    ) -> Any:
        if kind == "inlineStr":
            return inline
        if value is None:
            return None
        if kind == "s":
            return shared.get(_int(value))
        if kind in ("str", "e", "d"):
            return value
        if kind == "b":
            return value == "1"
        try:
            number = float(value)
        except ValueError:
            return value
        date_kind = self.date_styles.get(style or "")
        if date_kind and abs(number) < 3_000_000:
            return self._date_value(number, date_kind)
        is_integer = number.is_integer() and not any(c in value for c in ".eE")
        return int(number) if is_integer else number

    def _date_value(self, number: float, kind: str) -> datetime | time | timedelta:
        if kind == "elapsed":
            return timedelta(days=number)
        if kind == "time" and 0 <= number < 1:
            moment = EPOCH_1900 + timedelta(days=number)
            return moment.time()
        epoch = EPOCH_1904 if self.date1904 else EPOCH_1900
        if not self.date1904 and number < 60:
            epoch += timedelta(days=1)  # Excel's phantom 29 February 1900
        moment = epoch + timedelta(days=number)
        # Excel keeps milliseconds at most; float noise would show as 59.999999 seconds.
        return moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))

    def close(self) -> None:
        strings = getattr(self, "strings", None)
        if strings is not None:
            strings.close()
        self.archive.close()


def open_workbook(stream: IO[bytes], limits: Limits | None = None) -> Workbook:
    """The workbook in ``stream``; its ZIP directory checked against ``limits`` first."""
    return Workbook(stream, limits)
