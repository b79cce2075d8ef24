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

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from rightsmonitor.core.tabular import Progress, TableError
from rightsmonitor.recommendations.importers.readers.base import (
    RECOMMENDATION_LIMITS,
    Column,
    Item,
    Reader,
)
from rightsmonitor.recommendations.importers.readers.delimited import (
    MappedCsvReader,
    UprInfoCsvReader,
)
from rightsmonitor.recommendations.importers.readers.uhri import UhriJsonReader, UhriXlsxReader

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


__all__ = [
    "MAPPABLE_FIELDS",
    "READERS",
    "RECOMMENDATION_LIMITS",
    "Column",
    "Item",
    "Progress",
    "Reader",
    "reader_for",
]
