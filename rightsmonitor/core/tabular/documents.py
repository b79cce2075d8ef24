"""The tables of Word documents (DOCX) and HTML pages, as grids of cell texts.

Governments adopt plans as the annex of a decree, published as a Word document and as a page
of the official legal database: a title, perhaps other tables, then the plan's table with
section rows merged across its width. Both are read into the same shape as a worksheet:
rows of cells, one grid column per column, so the importers need not know where a table came
from.

Merged cells: a cell spanning columns (``gridSpan``, ``colspan``) gives its text to its first
column and leaves the others empty, as a merged cell in a worksheet does, so a section row is
one non-empty cell. A cell spanning rows (``vMerge``, ``rowspan``) repeats its text in each
row, since every row is a record of its own (an agency responsible for several actions).

Markup is dropped: paragraphs and line breaks become line breaks, footnote marks (``<sup>``,
superscript runs of digits or asterisks, Word's footnote references) are left out, as are
scripts, styles and captions. Both readers stream (defusedxml's ``iterparse``, the standard
``HTMLParser``) and apply the row and column limits while reading.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import IO, Any

from defusedxml.ElementTree import iterparse, parse
from django.utils.translation import gettext as _

from rightsmonitor.core.tabular.errors import TableError
from rightsmonitor.core.tabular.limits import Limits, check_directory, open_member

Grid = list[list[str | None]]
MAX_SPAN = 1000  # HTML's own cap on colspan
FOOTNOTE_MARK = re.compile(r"^[\s\d*)(,]+$")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass
class _Table:
    """A table being read: its rows so far, and the cells that span down into the next."""

    limits: Limits
    rows: Grid = field(default_factory=list)
    row: list[str | None] | None = None
    # {grid column: (rows still covered, text)} for cells spanning rows (HTML).
    spans: dict[int, tuple[int, str | None]] = field(default_factory=dict)
    # {grid column: text} of the last cell starting a vertical merge (Word).
    merged: dict[int, str | None] = field(default_factory=dict)

    def start_row(self) -> None:
        self.end_row()
        self.row = []
        self._fill_spans()

    def _fill_spans(self) -> None:
        """Put the texts of cells spanning down from above at the front of the row."""
        assert self.row is not None
        while len(self.row) in self.spans:
            column = len(self.row)
            left, text = self.spans[column]
            self.row.append(text)
            if left <= 1:
                del self.spans[column]
            else:
                self.spans[column] = (left - 1, text)

    def add_cell(self, text: str | None, *, colspan: int = 1, rowspan: int = 1) -> int:
        """Place a cell at the next free column; returns that column."""
        if self.row is None:
            self.start_row()
        assert self.row is not None
        self._fill_spans()
        column = len(self.row)
        colspan = min(max(colspan, 1), MAX_SPAN)
        self.limits.check_width(column + colspan, row=len(self.rows) + 1)
        self.row.append(text)
        self.row.extend([None] * (colspan - 1))
        if rowspan > 1:
            self.spans[column] = (rowspan - 1, text)
        self._fill_spans()
        return column

    def end_row(self) -> None:
        if self.row is None:
            return
        # Cells spanning down into columns right of the last cell of this row.
        for column in sorted(c for c in self.spans if c >= len(self.row)):
            left, text = self.spans[column]
            self.row.extend([None] * (column - len(self.row)))
            self.row.append(text)
            self.spans[column] = (left - 1, text)
            if left <= 1:
                del self.spans[column]
        self.rows.append(self.row)
        self.row = None
        self.limits.check_row_count(len(self.rows))


def _clean(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


class _TableCollector:
    """Every table of a document, nested ones apart, with a cap on all their rows."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.open: list[_Table] = []
        self.done: list[Grid] = []
        self.total_rows = 0

    def start_table(self) -> None:
        self.open.append(_Table(self.limits))

    def end_table(self) -> None:
        if not self.open:
            return
        table = self.open.pop()
        table.end_row()
        self.total_rows += len(table.rows)
        if self.total_rows > 4 * self.limits.max_rows:
            raise TableError(
                _("The document has more than %(count)d table rows: split it into smaller files.")
                % {"count": 4 * self.limits.max_rows}
            )
        if table.rows:
            self.done.append(table.rows)

    @property
    def table(self) -> _Table | None:
        return self.open[-1] if self.open else None


# --- Word -------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OFFICE_DOCUMENT = "/officeDocument"


def _main_part(archive: zipfile.ZipFile, names: set[str], limits: Limits) -> str:
    """The document part the package's relationships name (word/document.xml as a rule)."""
    if "_rels/.rels" in names:
        with open_member(archive, "_rels/.rels", limits) as stream:
            for element in parse(stream).getroot():
                if element.get("Type", "").endswith(OFFICE_DOCUMENT):
                    target = element.get("Target", "").lstrip("/")
                    if target in names:
                        return target
    if "word/document.xml" in names:
        return "word/document.xml"
    raise TableError(_("The file is a ZIP archive but not a Word document."))


def is_word_package(names: set[str]) -> bool:
    return any(PurePosixPath(name).parts[:1] == ("word",) for name in names)


def read_docx_tables(stream: IO[bytes], *, size: int, limits: Limits) -> list[Grid]:
    """The tables of a Word document, in document order."""
    with zipfile.ZipFile(stream) as archive:
        infos = archive.infolist()
        check_directory(infos, archive_size=size, limits=limits)
        names = {info.filename for info in infos}
        part = _main_part(archive, names, limits)
        with open_member(archive, part, limits) as document:
            return _word_tables(document, limits)


def _word_tables(document: IO[bytes], limits: Limits) -> list[Grid]:
    collector = _TableCollector(limits)
    cell: dict[str, Any] | None = None  # the innermost open cell of the innermost table
    cells: list[dict[str, Any] | None] = []
    for event, element in iterparse(document, events=("start", "end")):
        tag = element.tag
        table = collector.table
        if event == "start":
            if tag == W + "tbl":
                cells.append(cell)
                cell = None
                collector.start_table()
            elif tag == W + "tr" and table is not None:
                table.start_row()
            elif tag == W + "tc" and table is not None:
                cell = {"parts": [], "span": 1, "merge": None}
            continue
        if tag == W + "tbl":
            collector.end_table()
            cell = cells.pop() if cells else None
            element.clear()
        elif table is None:
            if tag == W + "p":
                element.clear()  # text outside tables (the title): not kept
        elif tag == W + "gridBefore":
            for _skipped in range(min(_int(element.get(W + "val")), MAX_SPAN)):
                table.add_cell(None)
        elif cell is None:
            continue
        elif tag == W + "gridSpan":
            cell["span"] = _int(element.get(W + "val"))
        elif tag == W + "vMerge":
            cell["merge"] = element.get(W + "val") or "continue"
        elif tag == W + "t":
            cell["parts"].append(element.text or "")
        elif tag in (W + "tab",):
            cell["parts"].append(" ")
        elif tag in (W + "br", W + "cr"):
            cell["parts"].append("\n")
        elif tag == W + "r":
            if _is_footnote_run(element):
                # The run's text was added at its <w:t>; a superscript mark is taken back.
                text = "".join(t.text or "" for t in element.iter(W + "t"))
                if text and cell["parts"] and cell["parts"][-1] == text:
                    cell["parts"].pop()
        elif tag == W + "p":
            cell["parts"].append("\n")
            element.clear()
        elif tag == W + "tc":
            _place_word_cell(table, cell)
            cell = None
            element.clear()
        elif tag == W + "tr":
            table.end_row()
            element.clear()
    return collector.done


def _is_footnote_run(run: Any) -> bool:
    properties = run.find(W + "rPr")
    if properties is None:
        return False
    align = properties.find(W + "vertAlign")
    if align is None or align.get(W + "val") != "superscript":
        return False
    text = "".join(t.text or "" for t in run.iter(W + "t"))
    return bool(text) and bool(FOOTNOTE_MARK.match(text))


def _place_word_cell(table: _Table, cell: dict[str, Any]) -> None:
    text = _clean("".join(cell["parts"])) or None
    row = table.row if table.row is not None else []
    column = len(row)
    if cell["merge"] == "continue":
        text = table.merged.get(column)
    elif cell["merge"] == "restart":
        table.merged[column] = text
    else:
        table.merged.pop(column, None)
    table.add_cell(text, colspan=cell["span"])


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(int(value or default), 0)
    except ValueError:
        return default


# --- HTML -------------------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
SKIPPED = frozenset({"script", "style", "sup", "caption", "template", "noscript", "head"})
BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})


def decode_html(data: bytes) -> str:
    """The page's text: by its BOM, as UTF-8, or in the charset it declares."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:8192])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    raise TableError(
        _("Cannot read the page's encoding: save it as UTF-8, or as a Word or Excel file.")
    )


class _HtmlTables(HTMLParser):
    def __init__(self, limits: Limits) -> None:
        super().__init__(convert_charrefs=True)
        self.collector = _TableCollector(limits)
        # Per open table: the open cell's text parts and spans, or None between cells.
        self.cells: list[dict[str, Any] | None] = []
        self.skipping: list[str] = []

    @property
    def cell(self) -> dict[str, Any] | None:
        return self.cells[-1] if self.cells else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        if tag in SKIPPED:
            self.skipping.append(tag)
            return
        table = self.collector.table
        if tag == "table":
            self.collector.start_table()
            self.cells.append(None)
        elif table is None:
            return
        elif tag == "tr":
            self._close_cell()
            table.start_row()
        elif tag in ("td", "th"):
            self._close_cell()
            values = dict(attrs)
            self.cells[-1] = {
                "parts": [],
                "colspan": _int(values.get("colspan")),
                "rowspan": _int(values.get("rowspan")) or 65_534,
            }
        elif tag in BREAKS and self.cell is not None:
            self.cell["parts"].append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BREAKS and not self.skipping and self.cell is not None:
            self.cell["parts"].append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        table = self.collector.table
        if table is None:
            return
        if tag == "table":
            self._close_cell()
            self.collector.end_table()
            self.cells.pop()
        elif tag == "tr":
            self._close_cell()
            table.end_row()
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag in BREAKS and self.cell is not None:
            self.cell["parts"].append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping and self.cell is not None:
            self.cell["parts"].append(data.replace("\n", " "))

    def _close_cell(self) -> None:
        cell = self.cell
        table = self.collector.table
        if cell is None or table is None:
            return
        self.cells[-1] = None
        text = _clean("".join(cell["parts"])) or None
        table.add_cell(text, colspan=cell["colspan"], rowspan=cell["rowspan"])


def read_html_tables(data: bytes, *, limits: Limits) -> list[Grid]:
    """The tables of an HTML page, in page order (a table inside a cell comes first)."""
    parser = _HtmlTables(limits)
    text = decode_html(data)
    chunk = 1024 * 1024
    for start in range(0, len(text), chunk):
        parser.feed(text[start : start + chunk])
    parser.close()
    while parser.collector.open:
        parser._close_cell()
        parser.collector.end_table()
    return parser.collector.done
