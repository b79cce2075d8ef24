"""What every recommendation reader shares: the reader's shape, the rows it yields, and
columns found by their headers (the user's mapping first)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from rightsmonitor.core.tabular import (
    STREAMING,
    Progress,
    TableError,
)
from rightsmonitor.recommendations.importers.records import (
    Record,
    RowRejected,
    clean,
)

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


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _item(location: str, build: Callable[[], Record], raw: dict[str, str]) -> Item:
    try:
        return Item(location, build(), None, raw)
    except RowRejected as rejected:
        return Item(location, None, rejected, raw)
