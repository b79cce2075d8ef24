"""CSV recommendations: UPR Info's (Uwazi) export, and any CSV with a column mapping.

A CSV is streamed, whatever its size. The mapped format also takes a table in a workbook, a
Word document or an HTML page (OHCHR and governments publish the UPR's matrices of
recommendations as Word tables): such a table is read whole through ``core.tabular``, held to
``TABLE_LIMITS``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from functools import partial
from itertools import islice
from typing import IO, Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rightsmonitor.core.tabular import (
    Limits,
    TableError,
    csv_rows,
    delimiter_candidates,
    open_csv,
    read_table,
    stream_lines,
)
from rightsmonitor.core.tabular.delimited import SAMPLE_BYTES, ZIP_MAGIC
from rightsmonitor.core.tabular.limits import MB
from rightsmonitor.core.tabular.reader import looks_like_html
from rightsmonitor.recommendations.importers.readers.base import (
    HEADER_SCAN_ROWS,
    RECOMMENDATION_LIMITS,
    Column,
    Item,
    Reader,
    _cells,
    _item,
    _raw,
    map_headers,
    normal_header,
)
from rightsmonitor.recommendations.importers.records import (
    Record,
    RowRejected,
    clean,
    country_code,
    html_to_text,
    language_of,
    multi,
    parse_category,
    parse_cycle,
    parse_date,
    parse_position,
    parse_sdgs,
    parse_session,
    single,
    split_paragraph,
    text_key,
)
from rightsmonitor.recommendations.models import Mechanism, Source

# --- CSV: UPR Info and mapped files ----------------------------------------------------------

# A table read whole (a workbook, a Word document, a page): a country's recommendations.
TABLE_LIMITS = Limits(max_bytes=50 * MB, max_rows=50_000, max_columns=200)


def _first_records(head: str, delimiter: str) -> list[list[str]]:
    """The first records of the head of a CSV file (empty ones too: they count as rows)."""
    lines = stream_lines(io.StringIO(head, newline=""))
    rows = csv_rows(lines, delimiter=delimiter, limits=RECOMMENDATION_LIMITS)
    try:
        return [row for _number, row in islice(rows, HEADER_SCAN_ROWS)]
    except TableError as error:
        raise TableError(
            _("Cannot read the CSV header: %(error)s") % {"error": error.message}, row=error.row
        ) from error


class CsvReader(Reader):
    """A CSV whose columns are found by header names, with the user's mapping first.

    The header is the first of the first ten rows that names the columns the format needs
    (a title above it is skipped); the delimiter is the one with which such a row appears.
    """

    columns: tuple[Column, ...] = ()
    fixed_headers: frozenset[str] = frozenset()

    tables = False  # also a table in a workbook, a Word document or an HTML page

    def check(self) -> None:
        if self.tables and self._is_table_file():
            table = read_table(self.path, header=self._names_columns, limits=TABLE_LIMITS)
            self.table_rows: list[tuple[int, list[Any]]] | None = table.rows
            head = [values for _number, values in table.rows[:HEADER_SCAN_ROWS]]
            if self._find_header(head, delimiter=""):
                return
            raise self._no_header()
        self.table_rows = None
        stream, head_text = open_csv(self.path, RECOMMENDATION_LIMITS)
        stream.close()
        for delimiter in delimiter_candidates(head_text):
            if self._find_header(_first_records(head_text, delimiter), delimiter=delimiter):
                return
        raise self._no_header()

    def _is_table_file(self) -> bool:
        with self.path.open("rb") as stream:
            head = stream.read(SAMPLE_BYTES)
        return head.startswith(ZIP_MAGIC) or looks_like_html(head)

    def _names_columns(self, rows: Any) -> bool:
        """``read_table``'s header test: a row names two of the columns (or the mapped ones)."""
        known = {name for column in self.columns for name in column.headers}
        known |= {normal_header(text) for text in self.options.get("mapping", {}).values()}
        return any(len({normal_header(cell) for cell in row} & known) >= 2 for row in rows)

    def _find_header(self, rows: list[Any], *, delimiter: str) -> bool:
        """Take the first of ``rows`` that names the format's columns as the header."""
        mapping = self.options.get("mapping", {})
        for index, row in enumerate(rows):
            header = [clean(value) for value in row]
            try:
                found, unclaimed = map_headers(header, self.columns, mapping)
                if len(found) < (1 if index == 0 else 2):
                    # Below the first row, one known name is not enough: a data
                    # row may hold "Recommendation" (Uwazi's template) in a cell.
                    continue
                self.found = found
                self.header = header
                self.check_found()
            except TableError as error:
                self._first_error = getattr(self, "_first_error", None) or error
                continue
            self.delimiter, self.header_index = delimiter, index
            self.ignored = [
                name for name in unclaimed if normal_header(name) not in self.fixed_headers
            ]
            if self.ignored:
                self.notes.append(
                    _("Columns ignored: %(names)s.") % {"names": ", ".join(self.ignored)}
                )
            return True
        return False

    def _no_header(self) -> TableError:
        return getattr(self, "_first_error", None) or TableError(
            _("None of the first %(count)d rows is a header with the columns of %(format)s.")
            % {"count": HEADER_SCAN_ROWS, "format": self.label}
        )

    def check_found(self) -> None:
        return None

    def items(self) -> Iterator[Item]:
        if not hasattr(self, "delimiter"):
            self.check()
        if self.table_rows is not None:
            yield from self._table_items(self.table_rows)
            return
        stream, _text = open_csv(self.path, RECOMMENDATION_LIMITS)
        names = {f: self.header[i] for f, i in self.found.items()}
        number = self.header_index + 1
        with stream:
            rows = csv_rows(
                stream_lines(stream), delimiter=self.delimiter, limits=RECOMMENDATION_LIMITS
            )
            try:
                for number, row in rows:
                    if number <= self.header_index + 1:
                        continue
                    if not any(value.strip() for value in row):
                        continue
                    cells = _cells(row, self.found)
                    yield _item(
                        str(number), partial(self.record, cells, names), _raw(self.header, row)
                    )
                    if number % 1000 == 0:
                        self.progress(cast(IO[bytes], stream.buffer).tell(), self.size)
            except TableError as error:
                raise TableError(
                    _("%(error)s. Nothing was imported.") % {"error": error.message.rstrip(".")},
                    row=error.row,
                ) from error
            except UnicodeDecodeError as error:
                raise TableError(
                    _("Cannot read the CSV file: %(error)s. Nothing was imported.")
                    % {"error": error},
                    row=number + 1,
                ) from error
        self.progress(self.size, self.size)

    def _table_items(self, rows: list[tuple[int, list[Any]]]) -> Iterator[Item]:
        names = {f: self.header[i] for f, i in self.found.items()}
        for number, row in rows[self.header_index + 1 :]:
            cells = _cells(row, self.found)
            yield _item(str(number), partial(self.record, cells, names), _raw(self.header, row))
        self.progress(self.size, self.size)

    def record(self, cells: Mapping[str, Any], names: Mapping[str, str]) -> Record:
        raise NotImplementedError


COMMON_COLUMNS = (
    Column(
        "recommending_states",
        (
            "recommending state",
            "recommending states",
            "recommending state s",
            "recommending country",
            "recommending countries",
        ),
    ),
    Column("position", ("response", "position", "sur response", "state response", "upr position")),
    Column("action_category", ("action category", "category")),
    Column("themes", ("issues", "issue", "themes", "theme", "topics")),
    Column("affected_persons", ("affected persons", "affected groups", "groups")),
    Column("sdgs", ("sdgs", "sdg", "sdg targets")),
    Column("session", ("session", "upr session")),
    Column("cycle", ("cycle", "upr cycle")),
    Column("symbol", ("document symbol", "symbol")),
    Column("paragraph", ("paragraph", "recommendation number", "para")),
    Column("document_date", ("date", "document date", "date of the document")),
)


class UprInfoCsvReader(CsvReader):
    format = "uprinfo-csv"
    label = gettext_lazy("UPR Info database CSV (Uwazi export)")
    columns = (
        Column("text", ("recommendation", "recommendation text", "text")),
        Column("title", ("title",)),
        Column("countries", ("state under review", "sur", "state under review sur", "country")),
        Column("source_id", ("shared id", "sharedid", "recommendation id", "id")),
        *COMMON_COLUMNS,
    )
    fixed_headers = frozenset(
        {"date added", "template", "geolocation", "documents", "attachments", "published"}
    )

    def check_found(self) -> None:
        if "text" not in self.found and "title" not in self.found:
            raise TableError(
                _(
                    "This is not a UPR Info export: it has neither a “Title” nor a "
                    "“Recommendation” column. The header row has: %(header)s."
                )
                % {"header": ", ".join(h for h in self.header if h)}
            )
        if "date added" not in {normal_header(h) for h in self.header} and not self.options.get(
            "mapping"
        ):
            self.notes.append(_("The file has no “Date added” column: is it a UPR Info export?"))

    def record(self, cells: Mapping[str, Any], names: Mapping[str, str]) -> Record:
        text = html_to_text(cells.get("text")) or html_to_text(cells.get("title"))
        paragraph, text = split_paragraph(text)
        if not text:
            raise RowRejected(
                _("The recommendation has no text."), column=names.get("text", "Title")
            )
        session = single(cells.get("session"))
        countries = [code for code in map(country_code, multi(cells.get("countries"))) if code]
        states = multi(cells.get("recommending_states"))
        source_id = clean(cells.get("source_id"))
        if not source_id:
            # Uwazi's export has no id column: the recommendation is known by who made it to
            # whom at which session and what it says.
            key = (
                f"{'|'.join(countries)} {parse_session(session)} {'|'.join(sorted(states))} {text}"
            )
            source_id = "h:" + text_key(key)[:32]
        document_date = parse_date(
            cells.get("document_date"), column=names.get("document_date", "")
        )
        if document_date is None and session:
            # "44 - November 2023": the month of the review.
            month = re.sub(r"^\s*\d+\s*[-–]\s*", "", session)
            if month != session:
                try:
                    document_date = parse_date(month, column=names.get("session", ""))
                except RowRejected:
                    document_date = None
        return Record(
            text=text,
            body="UPR",
            mechanism=Mechanism.UPR,
            source=Source.UPR_INFO,
            source_id=source_id,
            language=language_of(text),
            paragraph=clean(cells.get("paragraph")) or paragraph,
            symbol=clean(cells.get("symbol")),
            session=parse_session(session),
            cycle=parse_cycle(cells.get("cycle")),
            document_date=document_date,
            recommending_states=states,
            position=parse_position(cells.get("position")),
            action_category=parse_category(
                cells.get("action_category"), column=names.get("action_category", "")
            ),
            themes=multi(cells.get("themes")),
            affected_persons=multi(cells.get("affected_persons")),
            sdg_targets=parse_sdgs(cells.get("sdgs"), column=names.get("sdgs", "")),
            countries=countries,
        )


class MappedCsvReader(CsvReader):
    """Any CSV, or a table in a workbook, a Word document or a page: the user says which
    column holds what (``options["mapping"]``)."""

    format = "csv"
    label = gettext_lazy("Other CSV (or a table in Excel, Word or HTML), with a column mapping")
    tables = True
    columns = (
        Column("text", ("text", "recommendation", "recommendation text"), required=True),
        Column("body", ("body", "recommending body", "mechanism body", "source body")),
        Column("mechanism", ("mechanism",)),
        Column("source_id", ("id", "source id", "reference")),
        Column("countries", ("country", "countries", "state under review", "countries concerned")),
        Column("language", ("language",)),
        *COMMON_COLUMNS,
    )

    def check_found(self) -> None:
        if "body" not in self.found and not self.options.get("body"):
            raise TableError(
                _("Say which column holds the recommending body, or give one body for every row.")
            )

    def record(self, cells: Mapping[str, Any], names: Mapping[str, str]) -> Record:
        paragraph, text = split_paragraph(html_to_text(cells.get("text")))
        if not text:
            raise RowRejected(_("The recommendation has no text."), column=names["text"])
        body = single(cells.get("body")) or str(self.options.get("body", ""))
        if not body:
            raise RowRejected(_("No recommending body."), column=names.get("body", ""))
        mechanism = single(cells.get("mechanism")).casefold().replace(" ", "_")
        if mechanism and mechanism not in Mechanism.values:
            raise RowRejected(
                _("“%(value)s” is not a mechanism (%(choices)s).")
                % {"value": single(cells.get("mechanism")), "choices": ", ".join(Mechanism.values)},
                column=names.get("mechanism", ""),
            )
        return Record(
            text=text,
            body=body,
            mechanism=mechanism or str(self.options.get("mechanism", "")),
            source=Source.FILE,
            source_id=clean(cells.get("source_id")),
            language=clean(cells.get("language"))[:8] or language_of(text),
            paragraph=clean(cells.get("paragraph")) or paragraph,
            symbol=clean(cells.get("symbol")),
            session=parse_session(cells.get("session")),
            cycle=parse_cycle(cells.get("cycle")),
            document_date=parse_date(
                cells.get("document_date"), column=names.get("document_date", "")
            ),
            recommending_states=multi(cells.get("recommending_states")),
            position=parse_position(cells.get("position")),
            action_category=parse_category(
                cells.get("action_category"), column=names.get("action_category", "")
            ),
            themes=multi(cells.get("themes")),
            affected_persons=multi(cells.get("affected_persons")),
            sdg_targets=parse_sdgs(cells.get("sdgs"), column=names.get("sdgs", "")),
            countries=[code for code in map(country_code, multi(cells.get("countries"))) if code],
        )
