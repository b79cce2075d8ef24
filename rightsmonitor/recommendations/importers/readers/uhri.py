"""The UHRI's exports: the Excel workbook (streamed through ``core.tabular``) and the JSON list
(streamed with ijson, checked whole before a row is given)."""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import IO, Any

import ijson
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rightsmonitor.core.tabular import (
    DAMAGE,
    TableError,
    open_workbook,
)
from rightsmonitor.core.tabular.limits import check_directory
from rightsmonitor.recommendations.importers.readers.base import (
    HEADER_SCAN_ROWS,
    RECOMMENDATION_LIMITS,
    Column,
    Item,
    Reader,
    _cells,
    _describe,
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
    parse_cycle,
    parse_date,
    parse_position,
    parse_sdgs,
    parse_session,
    single,
    split_paragraph,
)
from rightsmonitor.recommendations.models import Mechanism, Position, Source

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


def _damaged(error: BaseException, *, row: int | None = None) -> TableError:
    return TableError(
        _("The workbook is damaged or cut short (%(error)s); nothing was imported.")
        % {"error": _describe(error)},
        row=row,
    )


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
