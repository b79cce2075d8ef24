"""Import indicator observations from Open SDG files (CSV or XLSX) and SDMX-CSV (1.0 and 2.0).

``import_observations`` reads the whole file, collects every problem with its row and column
(unknown indicator, column, area or dimension value; a value that is not a number; a period
it cannot read; a missing required column), adds the problems ``save_observations`` finds
(permission, the same cell twice, a dimension the indicator is not broken down by, a value
already validated) and raises them all together as ``TableErrors``. A file with any
problem writes nothing: one transaction, and ``save_observations`` runs as a dry run.

Reading (``core.tabular.read_table``, held to ``OBSERVATION_LIMITS``): XLSX, a Word or HTML
table, or CSV in UTF-8 (with or without a BOM), UTF-16 with a BOM or Windows-1251 (Russian
Excel). The CSV delimiter is the one with
which the first row is an Open SDG or SDMX-CSV header, which for SDMX-CSV is the character
right after ``DATAFLOW``/``STRUCTURE``. A file in no known encoding is refused naming the
first row (and column) that cannot be read; a header read as one column is refused naming it.

Format quirks handled:

- Open SDG: ``Year`` and ``Value`` (required), ``GeoCode`` (blank or absent: the national
  area), ``Units`` (or ``Unit measure``) → unit, ``COMMENT_OBS`` → note, ``Series`` (our
  indicator code; an SDG series code is read past), ``Observation status`` read past, a
  non-zero ``Unit multiplier`` refused; any other column is a disaggregation named by the
  dimension's column name, code or name; a blank cell is the total, a blank value a missing
  observation (skipped). The indicator comes from ``Series``, else the ``indicator``
  argument, else the file name (``indicator_TORT-O1.csv``, or ``indicator_16-3-2.csv`` when
  SDG 16.3.2 maps to exactly one of our indicators).
- SDMX-CSV: ``SERIES`` is our indicator code, ``REF_AREA``, ``TIME_PERIOD``, ``OBS_VALUE``,
  ``UNIT_MEASURE``, ``COMMENT_OBS`` (multilingual ``COMMENT_OBS[en;ru]`` too: the default
  language's text), dimension columns by code with ``_T``/``_Z`` meaning total; ``labels=both``
  decorations (``SEX: Sex``, ``F: Female``) are removed; ``ACTION`` I, A, R and M write and D
  (deletion) is refused; ``OBS_VALUE`` blank or ``NaN`` is a missing observation; the SDG
  attributes (``OBS_STATUS``, ``FREQ``, ``REPORTING_TYPE``...) are read past.
- Both: a column the codebook does not know is refused unless it holds only blanks and totals
  (dropping a real dimension would store a breakdown as the total); codes, aliases (old ISO
  letter codes such as ``ALA``) and names in any language (``Female``, ``Женщины``) are
  accepted; a decimal comma is accepted in files not separated by commas; values are rounded
  to the six decimals the database keeps.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from rightsmonitor.core.tabular import (
    CellValue,
    Limits,
    Problems,
    Source,
    TableError,
    TableRows,
    cell_text,
    decode_csv,
    is_empty,
    read_bytes,
    read_table,
    unescape_formula,
)
from rightsmonitor.core.tabular.delimited import CONTROL_CHARACTERS, OLE_MAGIC, ZIP_MAGIC
from rightsmonitor.core.tabular.limits import MB
from rightsmonitor.indicators.access import indicators_for_user
from rightsmonitor.indicators.actions import ObservationRow, SaveSummary, save_observations
from rightsmonitor.indicators.breakdowns import Codebook
from rightsmonitor.indicators.importers.columns import (
    REQUIRED,
    ROLES,
    SDMX_TOTALS,
    Header,
    Layout,
    Role,
    detect_layout,
    is_exchange_header,
    parse_header,
    sdmx_sub_separator,
)
from rightsmonitor.indicators.models import AREA, DimensionValue, Indicator
from rightsmonitor.indicators.periods import Period, PeriodError, parse_period

FORMATS = ("auto", "opensdg-csv", "opensdg-xlsx", "sdmx-csv")
MAX_ROWS = 200_000  # an indicator by area, sex and age over years is thousands of rows
OBSERVATION_LIMITS = Limits(
    max_bytes=100 * MB,
    max_rows=MAX_ROWS,
    max_columns=200,
    max_member_bytes=200 * MB,
    max_total_bytes=400 * MB,
)
DECIMAL_PLACES = 6  # Observation.value keeps six
MAX_INTEGER_DIGITS = 14  # and 20 digits in all
ACTIONS_THAT_WRITE = frozenset({"", "i", "a", "r", "m"})  # SDMX-CSV 2.0; "d" deletes
MAX_LISTED_VALUES = 12

_FILENAME = re.compile(r"^indicator_(?P<code>[^.]+)", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
# "1 234 567,5": groups of three digits separated by (no-break) spaces.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")
_LANGUAGE_PREFIX = re.compile(r"^([a-z]{2,3}(?:-[A-Za-z0-9]+)?):")


def import_observations(
    source: Source,
    *,
    filename: str = "",
    format: str = "auto",
    by: Any,
    indicator: Indicator | str | None = None,
    dry_run: bool = False,
) -> SaveSummary:
    """Read ``source`` and save its observations, all or none; ``dry_run`` only checks.

    ``format`` is "opensdg-csv", "opensdg-xlsx", "sdmx-csv" or "auto" (from the header row);
    whether the bytes are CSV or XLSX is told from the bytes, so an Open SDG layout is read
    from either. ``indicator`` (an Indicator or its code) is the indicator of an Open SDG file
    without our code in ``Series``; when given, every row must be for it.
    Raises ``TableErrors`` listing every problem ("Row R, column “C”: ...").
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}")
    table = read_observation_table(source, filename=filename)
    reader = ObservationReader(table, format=format, by=by, indicator=indicator, filename=filename)
    rows = reader.read()
    problems = reader.problems
    summary = SaveSummary()
    with transaction.atomic():
        try:
            summary = save_observations(rows, by=by, dry_run=dry_run or bool(problems.items))
        except TableError as error:
            problems.extend(error)
        problems.raise_if_any()
    return summary


def read_observation_table(source: Source, *, filename: str = "") -> TableRows:
    """The rows of an observation file; an unreadable encoding is refused with its row."""
    data = read_bytes(source, OBSERVATION_LIMITS)
    if data.strip() and not data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        try:
            decode_csv(data)
        except TableError as error:
            row, column = _first_unreadable(data)
            raise TableError(error.message, row=row, column=column) from error
    return read_table(data, filename=filename, header=is_exchange_header, limits=OBSERVATION_LIMITS)


def _first_unreadable(data: bytes) -> tuple[int, str | None]:
    """Row and column of the first byte that is not UTF-8 text, for the message.

    A file mostly in UTF-8 with one pasted Latin-1 comment is a common case: naming the cell
    lets the user fix it. The column is counted by delimiters, so a quoted cell holding one
    can shift it; for a file that is not text at all it is row 1.
    """
    lines = data.split(b"\n")
    header = lines[0].decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r")
    delimiter = max(",;\t", key=header.count)
    try:
        names = next(csv.reader([header], delimiter=delimiter), [])
    except csv.Error:  # a lone CR in bytes that are not text at all
        names = []
    for number, line in enumerate(lines, start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            position = error.start
        else:
            match = CONTROL_CHARACTERS.search(text)
            if match is None:
                continue
            position = len(text[: match.start()].encode())
        if number == 1:
            return 1, None
        index = line[:position].count(delimiter.encode())
        return number, names[index] if index < len(names) and names[index].strip() else None
    return 1, None


@dataclass
class Column:
    index: int
    header: Header
    role: Role | None = None
    dimension: str | None = None  # the dimension code of a disaggregation column
    unknown_values: bool = False  # an unknown column holding something other than totals

    @property
    def label(self) -> str:
        """The column as the file names it (its letter when the header cell is blank)."""
        return self.header.text or get_column_letter(self.index + 1)


@dataclass
class Columns:
    all: list[Column] = field(default_factory=list)
    by_role: dict[Role, Column] = field(default_factory=dict)
    dimensions: list[Column] = field(default_factory=list)
    unknown: list[Column] = field(default_factory=list)

    def get(self, role: Role) -> Column | None:
        return self.by_role.get(role)


class ObservationReader:
    """Turns the rows of one file into ``ObservationRow``s, collecting every problem."""

    def __init__(
        self,
        table: TableRows,
        *,
        format: str = "auto",
        by: Any,
        indicator: Indicator | str | None = None,
        filename: str = "",
        codebook: Codebook | None = None,
    ) -> None:
        self.table = table
        self.format = format
        self.by = by
        self.filename = filename
        self.codebook = codebook or Codebook.load()
        self.problems = Problems()
        self.layout = Layout.OPEN_SDG
        self.decimal_comma = table.delimiter != ","
        self.sub_separator = ";"
        self.header_row = table.rows[0][0] if table.rows else 1
        self._indicators: dict[str, Indicator] | None = None
        self._dimensions_of: dict[int, set[str]] = {}
        self.explicit = indicator is not None
        self.default: Indicator | None = None
        self._default_problem: str | None = None  # why the file name names no indicator
        self._said_no_indicator = False
        if isinstance(indicator, Indicator):
            self.default = indicator
        elif indicator:
            self.default = self._indicator(indicator)
            if self.default is None:
                self.problems.add(
                    _("There is no indicator with the code “%(code)s”.") % {"code": indicator}
                )
        else:
            self.default, self._default_problem = self._indicator_from_filename()

    # The header --------------------------------------------------------------------------

    def read(self) -> list[ObservationRow]:
        if not self.table.rows or self.problems.items:
            return []
        columns = self._columns([cell_text(cell) for cell in self.table.rows[0][1]])
        if columns is None:
            return []
        rows = [
            row
            for number, cells in self.table.rows[1:]
            if (row := self._row(number, cells, columns)) is not None
        ]
        refused = [column for column in columns.unknown if column.unknown_values]
        dimensions = ", ".join(sorted(code for code in self.codebook.dimensions if code != AREA))
        for column in refused:
            self.problems.add(
                _(
                    "Rights Monitor does not know this column: it is not a dimension "
                    "(%(dimensions)s) nor a column of the format. Remove it, or ask the "
                    "coordinator to add the dimension."
                )
                % {"dimensions": dimensions},
                row=self.header_row,
                column=column.label,
            )
        # Without such a column the rows are not what the file says (two may look the same):
        # checking them further would only add misleading problems.
        return [] if refused else rows

    def _columns(self, texts: list[str]) -> Columns | None:
        layout = self._layout(texts)
        if layout is None:
            return None
        self.layout = layout
        if layout == Layout.SDMX:
            self.sub_separator = sdmx_sub_separator(texts[0])
        columns = Columns()
        seen: dict[object, Column] = {}
        for index, text in enumerate(texts):
            header = parse_header(text, layout)
            column = Column(index, header)
            columns.all.append(column)
            role = ROLES[layout].get(header.name)
            dimension = self.codebook.dimension_for_header(header.name) if header.name else None
            if role is None and dimension == AREA:
                role = Role.AREA
            if role == Role.IGNORED:
                continue
            if role is None and dimension is None:
                columns.unknown.append(column)
                continue
            key: object = role or ("dimension", dimension)
            if key in seen:
                self.problems.add(
                    _("This column repeats the column “%(other)s”.") % {"other": seen[key].label},
                    row=self.header_row,
                    column=column.label,
                )
                continue
            seen[key] = column
            if role is None:
                column.dimension = dimension
                columns.dimensions.append(column)
            else:
                column.role = role
                columns.by_role[role] = column
        for role, name in REQUIRED[layout].items():
            if role not in columns.by_role:
                self.problems.add(
                    _("The column “%(column)s” is missing.") % {"column": name},
                    row=self.header_row,
                )
        if Role.INDICATOR not in columns.by_role and self.default is None:
            self._no_default_indicator()
        return None if self.problems.items else columns

    def _layout(self, texts: list[str]) -> Layout | None:
        detected = detect_layout(texts)
        requested = {"sdmx-csv": Layout.SDMX, "auto": detected}.get(self.format, Layout.OPEN_SDG)
        filled = [text for text in texts if text]
        if detected is None and len(filled) == 1 and re.search(r"[,;\t|]", filled[0]):
            self.problems.add(
                _(
                    "The header row is read as a single column. Separate the columns with "
                    "commas or semicolons (in SDMX-CSV, the character right after DATAFLOW or "
                    "STRUCTURE)."
                ),
                row=self.header_row,
                column=filled[0],
            )
            return None
        if requested is None:
            self.problems.add(
                _(
                    "The first row is not a header Rights Monitor reads: Open SDG files start "
                    "with Year and end with Value; SDMX-CSV files start with DATAFLOW or "
                    "STRUCTURE."
                ),
                row=self.header_row,
            )
            return None
        if detected is not None and detected != requested:
            self.problems.add(
                _("This is an SDMX-CSV file, not an Open SDG one: choose the SDMX-CSV format.")
                if detected == Layout.SDMX
                else _(
                    "This is an Open SDG file, not an SDMX-CSV one: choose the Open SDG format."
                ),
                row=self.header_row,
            )
            return None
        return requested

    # A row -------------------------------------------------------------------------------

    def _row(
        self, number: int, cells: Sequence[CellValue], columns: Columns
    ) -> ObservationRow | None:
        def cell(role: Role) -> CellValue:
            column = columns.get(role)
            return cells[column.index] if column and column.index < len(cells) else None

        if any(not is_empty(value) for value in cells[len(columns.all) :]):
            self.problems.add(_("This row has more cells than the header has columns."), row=number)
            return None
        if not self._writes(cell(Role.ACTION), number, columns):
            return None
        value_column = columns.by_role[Role.VALUE]
        raw_value = cell(Role.VALUE)
        if is_empty(raw_value) or (
            self.layout == Layout.SDMX and cell_text(raw_value).casefold() == "nan"
        ):
            return None  # a missing observation
        for column in columns.unknown:
            if not column.unknown_values and not self._is_total(self._cell(cells, column)):
                column.unknown_values = True
        indicator = self._row_indicator(self._code(cell(Role.INDICATOR)), number, columns)
        period = self._period(cell(Role.PERIOD), number, columns.by_role[Role.PERIOD])
        area = self._area(cell(Role.AREA), number, columns.get(Role.AREA))
        value = self._number(raw_value, number, value_column)
        breakdown: list[DimensionValue] = []
        complete = True
        for column in columns.dimensions:
            found = self._dimension_value(self._cell(cells, column), number, column, indicator)
            if found is False:
                complete = False
            elif isinstance(found, DimensionValue):
                breakdown.append(found)
        self._check_unit_multiplier(cell(Role.UNIT_MULTIPLIER), number, columns)
        if not (complete and indicator and period and area and value is not None):
            return None
        return ObservationRow(
            indicator=indicator,
            period=period,
            area=area,
            breakdown=breakdown,
            value=value,
            unit=self._unit(cell(Role.UNIT) or cell(Role.UNIT_MEASURE), indicator),
            note=self._note(cell(Role.NOTE), columns.get(Role.NOTE)),
            row=number,
            value_column=value_column.label,
        )

    def _cell(self, cells: Sequence[CellValue], column: Column) -> str:
        return self._code(cells[column.index] if column.index < len(cells) else None)

    def _code(self, value: CellValue) -> str:
        """A coded cell's code: SDMX ``labels=both`` writes "F: Female"."""
        text = cell_text(value)
        return text.split(": ", 1)[0].strip() if self.layout == Layout.SDMX else text

    def _is_total(self, text: str) -> bool:
        return self.codebook.is_total(text) or text.casefold() in SDMX_TOTALS

    def _writes(self, action: CellValue, number: int, columns: Columns) -> bool:
        code = self._code(action).casefold()
        if code in ACTIONS_THAT_WRITE:
            return True
        label = columns.by_role[Role.ACTION].label
        if code == "d":
            self.problems.add(
                _(
                    "Deleting observations through a file is not supported: remove the rows "
                    "with the action D and delete the values in Rights Monitor."
                ),
                row=number,
                column=label,
            )
        else:
            self.problems.add(
                _("“%(action)s” is not an SDMX action: write I, A, R or M.")
                % {"action": cell_text(action)},
                row=number,
                column=label,
            )
        return False

    def _period(self, value: CellValue, number: int, column: Column) -> Period | None:
        text = self._code(value)
        if not text:
            self.problems.add(_("The period is empty."), row=number, column=column.label)
            return None
        try:
            return parse_period(text)
        except PeriodError as error:
            self.problems.add(str(error), row=number, column=column.label)
            return None

    def _area(self, value: CellValue, number: int, column: Column | None) -> DimensionValue | None:
        text = self._code(value)
        found = self.codebook.area(text) if text else self.codebook.national_area()
        if found is not None:
            return found
        if text:
            self.problems.add(
                _("“%(area)s” is not an area code Rights Monitor knows.") % {"area": text},
                row=number,
                column=column.label if column else None,
            )
        else:
            self.problems.add(
                _("Name the area: Rights Monitor has no single national area to assume."),
                row=number,
                column=column.label if column else None,
            )
        return None

    def _dimension_value(
        self, text: str, number: int, column: Column, indicator: Indicator | None
    ) -> DimensionValue | bool | None:
        """The value a cell names; None for a total; False (and a problem) if refused."""
        if self._is_total(text):
            return None
        dimension = str(column.dimension)
        found = self.codebook.value(dimension, text)
        if found is None:
            known = sorted(code for dim, code in self.codebook.values if dim == dimension)
            listed = ", ".join(known[:MAX_LISTED_VALUES]) + (
                ", …" if len(known) > MAX_LISTED_VALUES else ""
            )
            self.problems.add(
                _("“%(value)s” is not a value of %(dimension)s (%(values)s).")
                % {"value": text, "dimension": dimension, "values": listed},
                row=number,
                column=column.label,
            )
            return False
        if indicator is not None and dimension not in self._dimensions(indicator):
            self.problems.add(
                _("Indicator %(code)s is not broken down by %(dimension)s.")
                % {"code": indicator.code, "dimension": dimension},
                row=number,
                column=column.label,
            )
            return False
        return found

    def _number(self, value: CellValue, number: int, column: Column) -> Decimal | None:
        parsed = parse_number(value, decimal_comma=self.decimal_comma)
        if isinstance(parsed, Decimal):
            return parsed
        self.problems.add(parsed, row=number, column=column.label)
        return None

    def _check_unit_multiplier(self, value: CellValue, number: int, columns: Columns) -> None:
        text = self._code(value)
        if text.casefold() in {"", "0", "units"}:
            return
        self.problems.add(
            _(
                "Values in multiples (unit multiplier “%(multiplier)s”) are not supported: "
                "give the values in units and leave the multiplier empty or 0."
            )
            % {"multiplier": text},
            row=number,
            column=columns.by_role[Role.UNIT_MULTIPLIER].label,
        )

    def _text(self, value: CellValue, *, multiline: bool = False) -> str:
        text = cell_text(value, multiline=multiline)
        # A CSV reader drops the exporter's apostrophe before = + - @; do it for XLSX too.
        return unescape_formula(text) if self.table.format == "xlsx" else text

    def _unit(self, value: CellValue, indicator: Indicator) -> str:
        """The unit code; the indicator's own code when the cell names it or its label."""
        text = self._code(value) if self.layout == Layout.SDMX else self._text(value)
        labels = {
            indicator.unit,
            *(getattr(indicator, f"unit_label_{c}") for c, _n in settings.LANGUAGES),
        }
        if text.casefold() in {label.casefold() for label in labels if label}:
            return indicator.unit
        return text

    def _note(self, value: CellValue, column: Column | None) -> str:
        text = self._text(value, multiline=True)
        if column is None or self.layout != Layout.SDMX or not column.header.brackets:
            return text
        return pick_language(text, self.sub_separator)

    # The indicator -----------------------------------------------------------------------

    def _row_indicator(self, code: str, number: int, columns: Columns) -> Indicator | None:
        column = columns.get(Role.INDICATOR)
        label = column.label if column else None
        found = self._indicator(code) if code else None
        if found is not None:
            if self.explicit and self.default is not None and found.pk != self.default.pk:
                self.problems.add(
                    _("This row is for indicator %(row)s, but the file is imported for %(chosen)s.")
                    % {"row": found.code, "chosen": self.default.code},
                    row=number,
                    column=label,
                )
                return None
            return found
        if code and (self.layout == Layout.SDMX or self.default is None):
            self.problems.add(
                _("“%(code)s” is not the code of an indicator.") % {"code": code},
                row=number,
                column=label,
            )
            return None
        if self.default is None:
            self._no_default_indicator(label)
        return self.default  # Open SDG: an SDG series code, read past

    def _no_default_indicator(self, column: str | None = None) -> None:
        """Say once that nothing tells the indicator of the rows without one."""
        if self._said_no_indicator:
            return
        self._said_no_indicator = True
        message = self._default_problem or _(
            "Which indicator is this file for? Choose it, put its code in the Series column, "
            "or name the file indicator_CODE.csv."
        )
        self.problems.add(message, row=self.header_row, column=column)

    def _indicator(self, code: str) -> Indicator | None:
        if self._indicators is None:
            visible = indicators_for_user(self.by).prefetch_related("dimensions")
            self._indicators = {indicator.code.casefold(): indicator for indicator in visible}
        return self._indicators.get(code.strip().casefold())

    def _dimensions(self, indicator: Indicator) -> set[str]:
        if indicator.pk not in self._dimensions_of:
            self._dimensions_of[indicator.pk] = {d.code for d in indicator.dimensions.all()}
        return self._dimensions_of[indicator.pk]

    def _indicator_from_filename(self) -> tuple[Indicator | None, str | None]:
        """``indicator_TORT-O1.csv`` or ``indicator_16-3-2.csv`` (one of ours for SDG 16.3.2)."""
        match = _FILENAME.match(Path(self.filename).name)
        if match is None:
            return None, None
        code = match.group("code")
        if (found := self._indicator(code)) is not None:
            return found, None
        sdg = code.replace("-", ".")
        codes = sorted(
            indicators_for_user(self.by)
            .filter(sdg_indicators__code=sdg)
            .values_list("code", flat=True)
            .distinct()
        )
        if len(codes) == 1:
            return self._indicator(codes[0]), None
        if codes:
            return None, _(
                "The file name names SDG indicator %(sdg)s, which several indicators follow "
                "(%(codes)s): choose one."
            ) % {"sdg": sdg, "codes": ", ".join(codes)}
        return None, _(
            "The file name names “%(code)s”, which is neither an indicator nor an SDG indicator "
            "one of ours follows: choose the indicator."
        ) % {"code": code}


def parse_number(value: CellValue, *, decimal_comma: bool = False) -> Decimal | str:
    """A value cell as a Decimal rounded to six places, or the message saying why not.

    XLSX numbers arrive as int or float (read through their shortest repr, so 31.5 stays
    31.5); text may use a decimal comma when the file is not comma-separated, and spaces
    between groups of three digits.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return _("“%(value)s” is not a number.") % {"value": cell_text(value)}
    text = cell_text(value) if not isinstance(value, str) else " ".join(value.split())
    if _GROUPED.match(text):
        text = re.sub(r"[ \u00a0\u202f]", "", text)
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        if "," in text and not decimal_comma:
            return _("“%(value)s” is not a number: write it with a decimal point.") % {
                "value": text
            }
        return _("“%(value)s” is not a number.") % {"value": text}
    try:
        number = Decimal(text)
    except InvalidOperation:
        return _("“%(value)s” is not a number.") % {"value": text}
    if number and number.adjusted() >= MAX_INTEGER_DIGITS:
        return _("“%(value)s” is too large a number.") % {"value": text}
    return number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), rounding=ROUND_HALF_UP)


def pick_language(text: str, separator: str = ";") -> str:
    """From "en:Text;ru:Текст" (a multilingual SDMX value) the default language's text."""
    parts = re.split(rf"{re.escape(separator)}(?=[a-z]{{2,3}}(?:-[A-Za-z0-9]+)?:)", text)
    texts: dict[str, str] = {}
    for part in parts:
        match = _LANGUAGE_PREFIX.match(part)
        if match is None:
            return text
        texts.setdefault(match.group(1).split("-")[0], part[match.end() :].strip())
    return texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), "")
