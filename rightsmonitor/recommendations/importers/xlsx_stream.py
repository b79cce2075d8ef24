"""Rows of an XLSX workbook read as a stream, in memory that does not grow with the file.

openpyxl's read-only mode streams the worksheet but loads the whole shared-strings table: in a
workbook of the whole UHRI (267,500 recommendations, each with its own text) that table is
most of the file, held in memory. Here the table goes to a temporary SQLite file when it is
large, and the worksheet is parsed row by row (``defusedxml``'s ``iterparse``: no entity
expansion, no external entities), each row dropped once read.

What a reader needs and nothing more: ``open_workbook(stream)`` gives ``worksheets``, each with
``iter_rows(values_only=True)`` yielding tuples of cell values (gaps filled with ``None``, as
openpyxl does, rows missing from the file given as empty tuples) and ``max_row`` from the
sheet's dimension. Numbers styled as dates become ``datetime`` (1900 and 1904 date systems);
other cells are ``str``, ``int``, ``float`` or ``bool``.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any

from defusedxml.ElementTree import iterparse, parse

# Shared-strings parts larger than this (uncompressed) are kept on disk, not in memory.
IN_MEMORY_STRINGS = 16 * 1024 * 1024
STRING_BATCH = 5000
BUILTIN_DATE_FORMATS = set(range(14, 23)) | {45, 46, 47}
DATE_CODE = re.compile(r"[dmyhs]", re.I)
QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
CELL_REF = re.compile(r"([A-Z]+)(\d+)")
EPOCH_1900 = datetime(1899, 12, 30)
EPOCH_1904 = datetime(1904, 1, 1)
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


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

    def __init__(self, archive: zipfile.ZipFile, name: str | None) -> None:
        self.strings: list[str] = []
        self.database: sqlite3.Connection | None = None
        self.directory: tempfile.TemporaryDirectory[str] | None = None
        if name is None:
            return
        size = archive.getinfo(name).file_size
        if size > IN_MEMORY_STRINGS:
            self.directory = tempfile.TemporaryDirectory(prefix="rm-xlsx-")
            self.database = sqlite3.connect(Path(self.directory.name) / "strings.sqlite3")
            self.database.execute("PRAGMA journal_mode = OFF")
            self.database.execute("PRAGMA synchronous = OFF")
            self.database.execute("CREATE TABLE s (i INTEGER PRIMARY KEY, t TEXT)")
        batch: list[tuple[int, str]] = []
        count = 0
        with archive.open(name) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                if local(element.tag) != "si":
                    continue
                text = _string_item(element)
                element.clear()
                if self.database is None:
                    self.strings.append(text)
                else:
                    batch.append((count, text))
                    if len(batch) >= STRING_BATCH:
                        self.database.executemany("INSERT INTO s VALUES (?, ?)", batch)
                        batch = []
                count += 1
        if self.database is not None and batch:
            self.database.executemany("INSERT INTO s VALUES (?, ?)", batch)

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


def _is_date_format(code: str) -> bool:
    return bool(DATE_CODE.search(QUOTED.sub("", code)))


class Worksheet:
    def __init__(self, book: Workbook, name: str, path: str) -> None:
        self.book = book
        self.title = name
        self.path = path
        self.max_row = self._dimension()

    def _dimension(self) -> int | None:
        with self.book.archive.open(self.path) as stream:
            for _event, element in iterparse(stream, events=("start",)):
                name = local(element.tag)
                if name == "dimension":
                    match = CELL_REF.findall(element.get("ref", ""))
                    return int(match[-1][1]) if match else None
                if name == "sheetData":
                    return None
        return None

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        expected = 1
        with self.book.archive.open(self.path) as stream:
            parent = None
            for event, element in iterparse(stream, events=("start", "end")):
                name = local(element.tag)
                if event == "start":
                    if name == "sheetData":
                        parent = element
                    continue
                if name != "row":
                    continue
                number = int(element.get("r") or expected)
                while expected < number:  # rows the file leaves out are empty
                    yield ()
                    expected += 1
                yield self._values(element)
                expected = number + 1
                element.clear()
                if parent is not None:
                    parent.clear()  # the rows read so far: nothing keeps them

    def _values(self, row: Any) -> tuple[Any, ...]:
        cells: list[tuple[int, str, str | None, str | None, Any]] = []
        for position, cell in enumerate(c for c in row if local(c.tag) == "c"):
            match = CELL_REF.match(cell.get("r") or "")
            index = column_index(match.group(1)) if match else position
            value = None
            inline = None
            for child in cell:
                child_name = local(child.tag)
                if child_name == "v":
                    value = child.text
                elif child_name == "is":
                    inline = _string_item(child)
            cells.append((index, cell.get("t") or "n", value, cell.get("s"), inline))
        shared = self.book.strings.lookup(
            [int(v) for _i, kind, v, _s, _in in cells if kind == "s" and v is not None]
        )
        values: list[Any] = []
        for index, kind, value, style, inline in cells:
            while len(values) < index:
                values.append(None)
            values.append(self.book.cell_value(kind, value, style, inline, shared))
        return tuple(values)


class Workbook:
    """The worksheets of an XLSX archive, in the workbook's order."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.archive = zipfile.ZipFile(stream)
        names = set(self.archive.namelist())
        workbook_path = "xl/workbook.xml"
        targets = self._relationships("xl/_rels/workbook.xml.rels", names)
        root = parse(self.archive.open(workbook_path)).getroot()
        self.date1904 = any(
            local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true") for e in root
        )
        self.worksheets: list[Worksheet] = []
        for element in root.iter():
            if local(element.tag) != "sheet":
                continue
            relation = next((v for k, v in element.attrib.items() if local(k) == "id"), None)
            path = targets.get(relation or "", (None, ""))[0]
            if path and path in names:
                self.worksheets.append(Worksheet(self, element.get("name", ""), path))
        shared = next((p for p, kind in targets.values() if kind.endswith("/sharedStrings")), None)
        self.strings = SharedStrings(self.archive, shared if shared in names else None)
        self.date_styles = self._date_styles(
            next((p for p, kind in targets.values() if kind.endswith("/styles")), None), names
        )

    def _relationships(self, path: str, names: set[str]) -> dict[str, tuple[str, str]]:
        """{relationship id: (part path in the archive, relationship type)}."""
        if path not in names:
            return {}
        found = {}
        for element in parse(self.archive.open(path)).getroot():
            target = element.get("Target", "")
            part = (
                target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            )
            # "xl/../x" never occurs in practice; normalise the simple "./" case only.
            found[element.get("Id", "")] = (part.replace("/./", "/"), element.get("Type", ""))
        return found

    def _date_styles(self, path: str | None, names: set[str]) -> set[str]:
        """Style indexes (as written in cells' ``s``) whose number format is a date."""
        if not path or path not in names:
            return set()
        root = parse(self.archive.open(path)).getroot()
        custom = {
            int(e.get("numFmtId", "0")): e.get("formatCode", "")
            for e in root.iter()
            if local(e.tag) == "numFmt"
        }
        styles: set[str] = set()
        for section in root:
            if local(section.tag) != "cellXfs":
                continue
            for index, xf in enumerate(e for e in section if local(e.tag) == "xf"):
                format_id = int(xf.get("numFmtId", "0"))
                if format_id in BUILTIN_DATE_FORMATS or (
                    format_id in custom and _is_date_format(custom[format_id])
                ):
                    styles.add(str(index))
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
            return shared.get(int(value))
        if kind in ("str", "e", "d"):
            return value
        if kind == "b":
            return value == "1"
        number = float(value)
        if style in self.date_styles:
            epoch = EPOCH_1904 if self.date1904 else EPOCH_1900
            return epoch + timedelta(days=number)
        return (
            int(number) if number.is_integer() and "." not in value and "E" not in value else number
        )

    def close(self) -> None:
        self.strings.close()
        self.archive.close()


def open_workbook(stream: IO[bytes]) -> Workbook:
    return Workbook(stream)
