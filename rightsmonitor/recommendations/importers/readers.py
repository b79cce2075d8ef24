"""Readers of the recommendation formats: the UHRI's Excel and JSON exports, UPR Info's (Uwazi)
CSV export, and any CSV with a column mapping.

Each reader streams: it holds one row (one JSON object) at a time, whatever the file's size.
``check()`` looks at the head of the file and refuses a file that is not what its format says
before anything is written; ``items()`` then yields, per row, its location and either a
``Record`` or the ``RowRejected`` reason, with the row's raw values for the rejected-rows list.
A file that breaks further on raises ``TableError`` from ``items()``: the UHRI JSON is
parsed whole before its first row is given, so that an export cut off in the middle is refused
before anything is written; a damaged workbook or CSV raises where the damage is, and the
engine's transaction then leaves the database as it was.

Real files vary, and the readers take: a title above the header (the header is looked for in
the first ten rows, and in every sheet of a workbook), columns in any order, empty columns,
numbers where text is meant (an id 12345.0), dates as Excel serials, date cells or text, HTML
with entities, CR/LF in cells, UTF-8, UTF-16 and Windows-1251 CSV with comma, semicolon or tab.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, cast

import ijson
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rightsmonitor.core.tabular import (
    DAMAGE,
    STREAMING,
    Progress,
    TableError,
    csv_rows,
    delimiter_candidates,
    open_csv,
    open_workbook,
    stream_lines,
)
from rightsmonitor.core.tabular.limits import check_directory
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
from rightsmonitor.recommendations.models import Mechanism, Position, Source

HEADER_SCAN_ROWS = 10
# The whole UN index: a 400 MB JSON export, a workbook of 267,500 rows. Rows are streamed to
# the database, not kept, so only the file and its parts are capped (and their inflation).
RECOMMENDATION_LIMITS = STREAMING


@dataclass
class Item:
    """One row of the file: where it is, what it gave, and its raw values."""

    location: str
    record: Record | None
    rejected: RowRejected | None
    raw: dict[str, str] = field(default_factory=dict)


def normal_header(text: object) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", clean(text).casefold()).split())


def _noop(done: int, total: int) -> None:
    return None


class Reader:
    format = ""
    label: Any = ""

    def __init__(
        self,
        path: str | Path,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.path = Path(path)
        self.options = dict(options or {})
        self.progress = progress or _noop
        self.size = self.path.stat().st_size
        self.notes: list[str] = []  # things the user should know (ignored columns...)

    def check(self) -> None:
        raise NotImplementedError

    def items(self) -> Iterator[Item]:
        raise NotImplementedError


# --- Columns by header ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A field the reader fills, and the headers (normalised) that name it."""

    field: str
    headers: tuple[str, ...]
    required: bool = False
    label: str = ""  # the header as the format writes it, for messages

    @property
    def title(self) -> str:
        return self.label or self.headers[0]


def map_headers(
    header: list[str], columns: tuple[Column, ...], mapping: Mapping[str, str]
) -> tuple[dict[str, int], list[str]]:
    """{field: column index} from the header row, and the headers nobody claimed.

    ``mapping`` ({field: header as written}) from the user wins over the known names.
    """
    positions = {normal_header(text): index for index, text in enumerate(header) if clean(text)}
    found: dict[str, int] = {}
    known = {column.field for column in columns}
    for name, written in mapping.items():
        if name not in known:
            raise TableError(_("“%(field)s” is not a field that can be mapped.") % {"field": name})
        if not written:
            continue
        index = positions.get(normal_header(written))
        if index is None:
            raise TableError(
                _("The file has no column “%(column)s” (mapped to %(field)s).")
                % {"column": written, "field": name}
            )
        found[name] = index
    for column in columns:
        if column.field in found:
            continue
        for name in column.headers:
            if name in positions and positions[name] not in found.values():
                found[column.field] = positions[name]
                break
    missing = [c for c in columns if c.required and c.field not in found]
    if missing:
        names = ", ".join(f"“{c.title}”" for c in missing)
        raise TableError(
            _("Required column missing: %(columns)s. The header row has: %(header)s.")
            % {"columns": names, "header": ", ".join(clean(h) for h in header if clean(h))}
        )
    claimed = set(found.values())
    unclaimed = [clean(text) for index, text in enumerate(header) if index not in claimed]
    return found, [text for text in unclaimed if text]


def _cells(row: tuple[Any, ...] | list[Any], found: Mapping[str, int]) -> dict[str, Any]:
    return {name: row[index] if index < len(row) else None for name, index in found.items()}


def _raw(header: list[str], row: tuple[Any, ...] | list[Any]) -> dict[str, str]:
    return {
        clean(h) or f"#{i + 1}": clean(v) for i, (h, v) in enumerate(zip(header, row, strict=False))
    }


# --- UHRI -------------------------------------------------------------------------------------

UHRI_COLUMNS = (
    Column("text", ("text",), required=True, label="Text"),
    Column("body", ("reccomending body", "recommending body"), True, "Reccomending Body"),
    Column("symbol", ("document symbol",), required=True, label="Document Symbol"),
    Column("source_id", ("ohchr annotation id", "annotation id"), True, "OHCHR Annotation Id"),
    Column("countries", ("countries concerned",)),
    Column("themes", ("themes",)),
    Column("affected_persons", ("affected persons",)),
    Column("sdgs", ("sdgs",)),
    Column("document_date", ("document publication date",)),
    Column("recommending_states", ("upr reccomending states", "upr recommending states")),
    Column("position", ("upr position",)),
    Column("type", ("type",)),
    Column("session", ("upr session",)),
    Column("cycle", ("upr cycle",)),
    Column("regions", ("regions concerned",)),
    Column("recommending_regions", ("recommending regions",)),
    Column("published_on_uhri", ("date of publication on uhri",)),
)
UHRI_HEADERS = frozenset(name for column in UHRI_COLUMNS for name in column.headers)
# UHRI's names for the bodies of the UPR (everything else: treaty bodies, special procedures).
UPR_BODY = re.compile(r"^(upr|universal periodic review)\b", re.I)
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # .xls, and .xlsx encrypted with a password
# What a damaged workbook raises while it is read (see core.tabular.reader).
WORKBOOK_ERRORS = DAMAGE


def uhri_record(cells: Mapping[str, Any], *, columns: Mapping[str, str]) -> Record:
    """A UHRI row (Excel or JSON, the same fields under different names) as a ``Record``."""
    paragraph, text = split_paragraph(html_to_text(cells.get("text")))
    if not text:
        raise RowRejected(_("The recommendation has no text."), column=columns["text"])
    body = single(cells.get("body"))
    if not body:
        raise RowRejected(_("No recommending body."), column=columns["body"])
    source_id = clean(cells.get("source_id"))
    if not source_id:
        raise RowRejected(_("No annotation id."), column=columns["source_id"])
    is_upr = bool(UPR_BODY.match(body))
    return Record(
        text=text,
        body="UPR" if is_upr else body,
        mechanism=Mechanism.UPR if is_upr else "",
        source=Source.UHRI,
        source_id=source_id,
        language=language_of(text),
        paragraph=paragraph,
        symbol=clean(cells.get("symbol")),
        session=parse_session(cells.get("session")),
        cycle=parse_cycle(cells.get("cycle")),
        document_date=parse_date(cells.get("document_date"), column=columns["document_date"]),
        recommending_states=multi(cells.get("recommending_states")),
        position=parse_position(cells.get("position")) if is_upr else Position.NO_RESPONSE,
        themes=multi(cells.get("themes")),
        affected_persons=multi(cells.get("affected_persons")),
        sdg_targets=parse_sdgs(cells.get("sdgs"), column=columns["sdgs"]),
        countries=[code for code in map(country_code, multi(cells.get("countries"))) if code],
        annotation_type=single(cells.get("type"))[:64],
    )


class UhriXlsxReader(Reader):
    """The UHRI's Excel export: the first sheet whose first rows hold UHRI's header."""

    format = "uhri-xlsx"
    label = gettext_lazy("UHRI Excel export (.xlsx)")
    handle: IO[bytes] | None = None
    workbook: Any = None

    def check(self) -> None:
        check_workbook_archive(self.path)
        self._open()
        self._close()

    def _open(self) -> None:
        # core.tabular's streaming reader, not openpyxl's: openpyxl holds the whole
        # shared-strings table in memory, which for the whole UHRI is most of the file.
        self.handle = self.path.open("rb")
        try:
            self.workbook = open_workbook(self.handle, RECOMMENDATION_LIMITS)
            sheets = list(self.workbook.worksheets)
        except TableError:
            self._close()
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            self._close()
            raise _damaged(error) from error
        except WORKBOOK_ERRORS as error:
            self._close()
            raise TableError(
                _("The file is not a readable Excel workbook (%(error)s).")
                % {"error": _describe(error)}
            ) from error
        for sheet in sheets:
            rows = sheet.numbered_rows()
            number = 0
            while True:
                try:
                    number, row = next(rows)
                except StopIteration:
                    break
                except TableError:
                    self._close()
                    raise
                except WORKBOOK_ERRORS as error:
                    self._close()
                    raise _damaged(error, row=number + 1) from error
                if number > HEADER_SCAN_ROWS:
                    break
                header = [clean(value) for value in row]
                if len({normal_header(value) for value in header} & UHRI_HEADERS) < 2:
                    continue
                try:
                    self.found, ignored = map_headers(header, UHRI_COLUMNS, {})
                except TableError:
                    self._close()
                    raise
                self.sheet, self.header, self.header_row, self.rows = sheet, header, number, rows
                if ignored:
                    self.notes.append(
                        _("Columns ignored: %(names)s.") % {"names": ", ".join(ignored)}
                    )
                return
        self._close()
        raise TableError(
            _(
                "This is not a UHRI Excel export: none of the first %(count)d rows is its header "
                "(Text, Reccomending Body, Document Symbol, OHCHR Annotation Id, …)."
            )
            % {"count": HEADER_SCAN_ROWS}
        )

    def _close(self) -> None:
        workbook = getattr(self, "workbook", None)
        if workbook is not None:
            workbook.close()
            self.workbook = None
        handle = getattr(self, "handle", None)
        if handle is not None:
            handle.close()
            self.handle = None

    def _rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(row number, values) of the rows below the header; damage as ``TableError``."""
        number = self.header_row
        while True:
            try:
                number, row = next(self.rows)
            except StopIteration:
                return
            except TableError:
                raise
            except WORKBOOK_ERRORS as error:
                raise _damaged(error, row=number + 1) from error
            yield number, row

    def items(self) -> Iterator[Item]:
        self._open()
        names = {f: self.header[i] for f, i in self.found.items()} | {
            c.field: c.title for c in UHRI_COLUMNS if c.field not in self.found
        }
        total = max((self.sheet.max_row or 0) - self.header_row, 0)
        try:
            for number, row in self._rows():
                if not any(value not in (None, "") for value in row):
                    continue
                cells = _cells(row, self.found)
                yield _item(
                    str(number), partial(uhri_record, cells, columns=names), _raw(self.header, row)
                )
                if number % 500 == 0:
                    self.progress(number - self.header_row, total)
        finally:
            self._close()
        self.progress(total, total)


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _damaged(error: BaseException, *, row: int | None = None) -> TableError:
    return TableError(
        _("The workbook is damaged or cut short (%(error)s); nothing was imported.")
        % {"error": _describe(error)},
        row=row,
    )


def _item(location: str, build: Callable[[], Record], raw: dict[str, str]) -> Item:
    try:
        return Item(location, build(), None, raw)
    except RowRejected as rejected:
        return Item(location, None, rejected, raw)


def check_workbook_archive(path: Path) -> None:
    """Refuse what is not a whole XLSX archive, or would inflate far beyond a real one.

    Only the archive's directory is read: a zip bomb is refused before any of it is inflated.
    (A directory that understates a member's size does not help a bomb either: the reader
    counts what each part really inflates to, ``core.tabular.limits.GuardedMember``.)
    """
    size = path.stat().st_size
    RECOMMENDATION_LIMITS.check_size(size)
    with path.open("rb") as stream:
        head = stream.read(8)
    if not head:
        raise TableError(_("The file is empty."))
    if head.startswith(OLE2_MAGIC):
        raise TableError(
            _(
                "This is an Excel 97-2003 workbook (.xls) or a workbook protected by a password, "
                "not an .xlsx workbook. Open it in Excel and save it as .xlsx."
            )
        )
    if not head.startswith(ZIP_MAGIC):
        raise TableError(
            _(
                "This is not an Excel workbook (.xlsx): it is not a ZIP archive, as every .xlsx "
                "file is. If it is a CSV or JSON file, choose that format."
            )
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            check_directory(members, archive_size=size, limits=RECOMMENDATION_LIMITS)
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names or not any(
                name.startswith("xl/worksheets/") for name in names
            ):
                raise TableError(_("The file is a ZIP archive but not an Excel workbook."))
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise TableError(
            _(
                "The file is not a complete Excel workbook (%(error)s). It may have been cut "
                "short while downloading; download it again."
            )
            % {"error": _describe(error)}
        ) from error


UHRI_JSON_KEYS = {
    "text": "Text",
    "body": "Body",
    "symbol": "Symbol",
    "source_id": "AnnotationId",
    "countries": "Countries",
    "themes": "Themes",
    "affected_persons": "AffectedPersons",
    "sdgs": "Sdgs",
    "document_date": "PublicationDate",
    "recommending_states": "UprRecommendingCountry",
    "position": "UprPositions",
    "session": "UprSession",
    "cycle": "UprCycle",
    "type": "AnnotationType",
}
UHRI_JSON_REQUIRED = ("AnnotationId", "Text", "Body", "Symbol")


class UhriJsonReader(Reader):
    """The UHRI's JSON export: one list of objects, read as a stream (the whole index is 400 MB).

    ``items()`` reads the file twice: once to check that it is whole and that every element
    is a UHRI object, then to import it. A file broken in the middle is so refused before a
    single row is written, at the cost of a parse (a few seconds for the whole index).
    """

    format = "uhri-json"
    label = gettext_lazy("UHRI JSON export (.json)")

    def check(self) -> None:
        with self.path.open("rb") as stream:
            first = _first_json_character(stream)
            if not first:
                raise TableError(_("The file is empty."))
            if first != b"[":
                raise TableError(
                    _(
                        "This is not a UHRI JSON export: the file must hold a list of objects, "
                        "and it begins with “%(start)s”."
                    )
                    % {"start": first.decode("latin-1")}
                )
            try:
                head = next(ijson.items(stream, "item", use_float=True), None)
            except ijson.JSONError as error:
                raise TableError(
                    _("The JSON is broken near the start of the file: %(error)s.")
                    % {"error": _first_line(error)}
                ) from error
            except UnicodeDecodeError as error:
                raise TableError(_("The JSON is not UTF-8 text.")) from error
            if head is not None:
                self._check_object(head, 1)

    def _check_object(self, value: object, number: int) -> None:
        if not isinstance(value, dict):
            raise TableError(
                _("Object %(number)d of the list is not an object but %(type)s.")
                % {"number": number, "type": type(value).__name__}
            )
        missing = [key for key in UHRI_JSON_REQUIRED if key not in value]
        if missing:
            raise TableError(
                _("Object %(number)d lacks the UHRI fields %(keys)s: this is not a UHRI export.")
                % {"number": number, "keys": ", ".join(missing)}
            )

    def _objects(self, stream: IO[bytes], *, first_pass: bool) -> Iterator[tuple[int, dict]]:
        """(number, object) for every object of the list; a broken file as ``TableError``."""
        number = 0
        done = 0 if first_pass else self.size
        _first_json_character(stream)  # past a BOM
        try:
            for number, value in enumerate(ijson.items(stream, "item", use_float=True), start=1):
                self._check_object(value, number)
                yield number, value
                if number % 1000 == 0:
                    self.progress(done + stream.tell(), 2 * self.size)
        except ijson.JSONError as error:
            raise TableError(
                # The parser reads ahead: the objects it had parsed in the block where it
                # met the break are lost, so the count is a lower bound ("about").
                _(
                    "The JSON is broken after about %(number)d objects (near byte %(offset)d "
                    "of %(size)d): %(error)s. Nothing was imported."
                )
                % {
                    "number": number,
                    "offset": stream.tell(),
                    "size": self.size,
                    "error": _first_line(error),
                }
            ) from error
        except UnicodeDecodeError as error:
            raise TableError(
                _("The JSON is not UTF-8 text (after object %(number)d). Nothing was imported.")
                % {"number": number}
            ) from error

    def items(self) -> Iterator[Item]:
        with self.path.open("rb") as stream:
            for _number, _value in self._objects(stream, first_pass=True):
                pass
        with self.path.open("rb") as stream:
            for number, value in self._objects(stream, first_pass=False):
                cells = {name: value.get(key) for name, key in UHRI_JSON_KEYS.items()}
                raw = {
                    "AnnotationId": clean(value.get("AnnotationId")),
                    "Symbol": clean(value.get("Symbol")),
                    "Text": html_to_text(value.get("Text"))[:300],
                }
                yield _item(f"#{number}", partial(uhri_record, cells, columns=UHRI_JSON_KEYS), raw)
        self.progress(2 * self.size, 2 * self.size)


def _first_line(error: BaseException) -> str:
    """The parser's message without the excerpt and arrow it draws below it."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0].rstrip(".")


def _first_json_character(stream: IO[bytes]) -> bytes:
    """The first byte after a BOM and white space; the stream is left just before it."""
    head = stream.read(4096)
    start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    stripped = head[start:].lstrip()
    stream.seek(len(head) - len(stripped))
    return stripped[:1]


# --- CSV: UPR Info and mapped files ----------------------------------------------------------


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

    def check(self) -> None:
        stream, head = open_csv(self.path, RECOMMENDATION_LIMITS)
        stream.close()
        mapping = self.options.get("mapping", {})
        first_error: TableError | None = None
        for delimiter in delimiter_candidates(head):
            for index, row in enumerate(_first_records(head, delimiter)):
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
                    first_error = first_error or error
                    continue
                self.delimiter, self.header_index = delimiter, index
                self.ignored = [
                    name for name in unclaimed if normal_header(name) not in self.fixed_headers
                ]
                if self.ignored:
                    self.notes.append(
                        _("Columns ignored: %(names)s.") % {"names": ", ".join(self.ignored)}
                    )
                return
        raise first_error or TableError(
            _("None of the first %(count)d rows is a header with the columns of %(format)s.")
            % {"count": HEADER_SCAN_ROWS, "format": self.label}
        )

    def check_found(self) -> None:
        return None

    def items(self) -> Iterator[Item]:
        if not hasattr(self, "delimiter"):
            self.check()
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
    """Any CSV: the user says which column holds what (``options["mapping"]``)."""

    format = "csv"
    label = gettext_lazy("Other CSV, with a column mapping")
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


READERS: dict[str, type[Reader]] = {
    reader.format: reader
    for reader in (UhriXlsxReader, UhriJsonReader, UprInfoCsvReader, MappedCsvReader)
}
MAPPABLE_FIELDS = {
    "uprinfo-csv": [c.field for c in UprInfoCsvReader.columns],
    "csv": [c.field for c in MappedCsvReader.columns],
}


def reader_for(
    format: str,
    path: str | Path,
    *,
    options: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Reader:
    try:
        reader_class = READERS[format]
    except KeyError:
        raise TableError(
            _("Unknown format “%(format)s”: use one of %(formats)s.")
            % {"format": format, "formats": ", ".join(READERS)}
        ) from None
    return reader_class(path, options=options, progress=progress)


__all__ = ["READERS", "Item", "Reader", "chain", "reader_for"]
