"""Export observations as Open SDG data (CSV or XLSX) or SDMX-CSV 2.0; the importer reads
every one of them back to the same observations.

- Open SDG, one indicator per file: ``Year`` (the year, or the period as ``2022-Q1``,
  ``2022-03``, ``2022-01-01/2022-06-30``), one column per dimension of the indicator (its
  Open SDG column name; blank for the total), ``Units`` (the unit code), ``COMMENT_OBS`` when
  some observation has a note, ``GeoCode`` (the area code) and ``Value`` last. Plain UTF-8
  without a BOM and ``\\n`` line ends, as Open SDG data repositories keep their files.
- SDMX-CSV 2.0, any number of indicators: ``STRUCTURE`` (dataflow), ``STRUCTURE_ID``
  (``RM:HR_INDICATORS(1.0)``), ``ACTION`` (I), ``SERIES`` (the indicator code), ``REF_AREA``,
  one column per dimension of the exported indicators (``_T`` for the total), ``TIME_PERIOD``,
  ``OBS_VALUE``, ``UNIT_MEASURE``, ``COMMENT_OBS``; comma-separated, ``\\r\\n`` line ends
  (RFC 4180).

Values are written as plain decimals without float noise (31.5, not 31.500000). In XLSX the
value and an annual Year are numbers; text cells starting with = + - @ get an apostrophe so
that a spreadsheet never runs them as a formula (the importer drops it again). CSV cells are
left as they are: the formats are read by programs, and a value cell is a number.

Dimension columns are those of the indicators plus any dimension a stored breakdown still
carries (entered before the indicator lost it), so that nothing is dropped silently; a
dimension without an Open SDG column name is headed with its name in ``language``.

The caller chooses what is exported (``access.observations_for_user`` and a state filter);
the query count does not depend on the number of observations, and ``iter_export_csv``
streams a CSV in chunks for large exports.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, TypeAlias

from django.db.models import QuerySet
from openpyxl import Workbook

from rightsmonitor.core import office
from rightsmonitor.indicators.breakdowns import parse_breakdown_key
from rightsmonitor.indicators.models import (
    AREA,
    TOTAL,
    Dimension,
    Indicator,
    Observation,
    PeriodType,
)
from rightsmonitor.indicators.periods import format_period

FORMATS = ("opensdg-csv", "opensdg-xlsx", "sdmx-csv")
CSV_FORMATS = ("opensdg-csv", "sdmx-csv")
STRUCTURE_ID = "RM:HR_INDICATORS(1.0)"
CONTENT_TYPES = {
    "opensdg-csv": "text/csv; charset=utf-8",
    "opensdg-xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sdmx-csv": "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
}
CHUNK_SIZE = 64 * 1024  # bytes per streamed chunk
QUERY_CHUNK = 2000  # observations fetched at a time

Cell: TypeAlias = str | int | Decimal
_FORMULA_START = re.compile(r"^[=+\-@]")


def plain_number(value: Decimal) -> str:
    """``Decimal("31.500000")`` → ``"31.5"``, ``Decimal("100.000000")`` → ``"100"``."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


class ObservationExporter:
    """Lays observations out as one of the exchange formats and writes the file."""

    def __init__(
        self,
        source: Indicator | QuerySet[Observation],
        *,
        format: str,
        language: str = "en",
        indicator: Indicator | None = None,
    ) -> None:
        if format not in FORMATS:
            raise ValueError(f"unknown format {format!r}")
        self.format = format
        self.language = language
        if isinstance(source, Indicator):
            indicator, source = source, source.observations.all()
        observations = source
        if indicator is not None:
            indicators = [indicator]
            dimensions = list(indicator.dimensions.all())
        else:
            indicators = list(
                Indicator.objects.filter(pk__in=source.values("indicator"))
                .prefetch_related("dimensions")
                .order_by("code")
            )
            dimensions = [d for indicator in indicators for d in indicator.dimensions.all()]
        if self.is_open_sdg and len(indicators) > 1:
            raise ValueError("An Open SDG file holds the data of one indicator.")
        self.indicator = indicators[0] if indicators else None
        unique = {d.code: d for d in dimensions if d.code != AREA}
        # A value entered before the indicator lost a dimension still carries it: keep it.
        keys = observations.order_by().values_list("breakdown_key", flat=True).distinct()
        stray = {code for key in keys for code in parse_breakdown_key(key)} - unique.keys()
        unique.update(
            {d.code: d for d in Dimension.objects.filter(code__in=stray)} if stray else {}
        )
        self.dimensions = sorted(unique.values(), key=lambda d: (d.order, d.code))
        # Plain tuples, not model instances: an export is often tens of thousands of rows.
        self.observations = observations.order_by(
            "indicator__code", "period_start", "period_end", "area__order", "area__code",
            "breakdown_key",
        ).values_list(
            "indicator__code", "period_type", "period_start", "period_end", "area__code",
            "breakdown_key", "value", "unit", "note",
        )  # fmt: skip
        self.with_notes = self.is_open_sdg and observations.exclude(note="").exists()

    @property
    def is_open_sdg(self) -> bool:
        return self.format.startswith("opensdg")

    # The table ----------------------------------------------------------------------------

    def header(self) -> list[str]:
        if self.is_open_sdg:
            notes = ["COMMENT_OBS"] if self.with_notes else []
            columns = [self._column_name(d) for d in self.dimensions]
            return ["Year", *columns, "Units", *notes, "GeoCode", "Value"]
        codes = [d.code for d in self.dimensions]
        return [
            "STRUCTURE", "STRUCTURE_ID", "ACTION", "SERIES", "REF_AREA", *codes,
            "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "COMMENT_OBS",
        ]  # fmt: skip

    def _column_name(self, dimension: Dimension) -> str:
        named = getattr(dimension, f"name_{self.language}", "") or dimension.name_en
        return dimension.column_name or named or dimension.code

    def records(self) -> Iterator[list[Cell]]:
        """One list of cells per observation, in the header's order."""
        for (
            code,
            period_type,
            start,
            end,
            area,
            key,
            value,
            unit,
            note,
        ) in self.observations.iterator(chunk_size=QUERY_CHUNK):
            breakdown = parse_breakdown_key(key)
            period = format_period(period_type, start, end)
            if self.is_open_sdg:
                year: Cell = start.year if period_type == PeriodType.YEAR else period
                notes: list[Cell] = [note] if self.with_notes else []
                yield [
                    year,
                    *(breakdown.get(d.code, "") for d in self.dimensions),
                    unit,
                    *notes,
                    area,
                    value,
                ]
            else:
                yield [
                    "dataflow", STRUCTURE_ID, "I", code, area,
                    *(breakdown.get(d.code, TOTAL) for d in self.dimensions),
                    period, value, unit, note,
                ]  # fmt: skip

    # Files --------------------------------------------------------------------------------

    def iter_csv(self) -> Iterator[bytes]:
        """The CSV file in chunks of about ``CHUNK_SIZE`` bytes."""
        if self.format not in CSV_FORMATS:
            raise ValueError(f"{self.format} is not a CSV format")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n" if self.is_open_sdg else "\r\n")
        writer.writerow(self.header())
        for record in self.records():
            writer.writerow([_csv_cell(cell) for cell in record])
            if buffer.tell() >= CHUNK_SIZE:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    def write_xlsx(self, stream: IO[bytes]) -> None:
        """One sheet (the indicator code), the header row bold, frozen, filterable and printed
        on every page (``core.office``); write-only mode keeps memory flat however many rows."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(
            title=(self.indicator.code if self.indicator else "data")[:31]
        )
        header = self.header()
        widths = [40 if name == "COMMENT_OBS" else max(10, len(name) + 3) for name in header]
        table = office.StreamedTable(sheet, header, widths)
        for record in self.records():
            table.append([_xlsx_cell(cell) for cell in record])
        table.close()
        workbook.save(stream)


def _csv_cell(cell: Cell) -> str:
    return plain_number(cell) if isinstance(cell, Decimal) else str(cell)


def _xlsx_cell(cell: Cell) -> Decimal | int | str | None:
    """Numbers stay numbers; text that a spreadsheet would run as a formula gets an
    apostrophe (after which openpyxl writes it as text too)."""
    if isinstance(cell, Decimal):
        return Decimal(plain_number(cell))
    if isinstance(cell, int):
        return cell
    if not cell:
        return None  # an empty cell, not an empty string
    return f"'{cell}" if _FORMULA_START.match(cell) else cell


def export_observations(
    source: Indicator | QuerySet[Observation],
    *,
    format: str,
    language: str = "en",
    indicator: Indicator | None = None,
) -> bytes:
    """The observations as the bytes of an "opensdg-csv", "opensdg-xlsx" or "sdmx-csv" file.

    ``source`` is an indicator (all its observations) or a queryset of observations (to
    choose states and what the user may see), of one indicator for the Open SDG formats;
    ``indicator`` names it, so that its columns are written even when none is left.
    """
    exporter = ObservationExporter(source, format=format, language=language, indicator=indicator)
    if format in CSV_FORMATS:
        return b"".join(exporter.iter_csv())
    buffer = io.BytesIO()
    exporter.write_xlsx(buffer)
    return buffer.getvalue()


def iter_export_csv(
    source: Indicator | QuerySet[Observation],
    *,
    format: str,
    language: str = "en",
    indicator: Indicator | None = None,
) -> Iterator[bytes]:
    """A CSV export in chunks, for a ``StreamingHttpResponse``; see ``export_observations``."""
    exporter = ObservationExporter(source, format=format, language=language, indicator=indicator)
    return exporter.iter_csv()


def suggested_filename(source: Indicator | None, format: str) -> str:
    """``indicator_TORT-O1.csv`` (the Open SDG convention, which the importer reads back)."""
    extension = "xlsx" if format == "opensdg-xlsx" else "csv"
    if format.startswith("opensdg") and source is not None:
        return f"indicator_{source.code}.{extension}"
    return f"observations.{extension}"
