"""How big a table file may be, and the checks that hold a file to it before it is parsed.

Every uploaded file is hostile until proven otherwise. The limits are checked in this order,
each before the work it protects:

1. the file's size, before a byte of it is parsed;
2. for a ZIP container (XLSX, DOCX) its directory: each member's inflated size, the total, and
   the inflation ratio, before anything is inflated;
3. again while inflating (``GuardedMember``), since the directory can lie: the bytes a member
   really yields are counted against the same limits;
4. row and column numbers against Excel's own limits, and the rows and columns kept against
   the importer's caps, while rows are read.

XML is parsed with defusedxml (no DTD, no entities), so entity expansion cannot be used to
grow a small part into a large one.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from rightsmonitor.core.tabular.errors import TableError

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# Members smaller than this may inflate more (a sheet of empty styled cells can, honestly):
# they cannot cost much time or memory whatever their ratio.
RATIO_FLOOR = 10 * MB


@dataclass(frozen=True)
class Limits:
    """What one importer accepts. The defaults suit a table of a few thousand rows."""

    max_bytes: int = 50 * MB  # the file itself
    max_rows: int = 20_000  # non-empty rows kept
    max_columns: int = 1_000  # cells in a row (the rightmost non-empty one counts)
    max_member_bytes: int = 200 * MB  # one ZIP member (a worksheet, shared strings), inflated
    max_total_bytes: int = 400 * MB  # every member, inflated
    max_ratio: int = 100  # a member above RATIO_FLOOR inflating more is a zip bomb
    # Shared strings up to this size (inflated) are kept in a list, larger ones on disk.
    strings_in_memory: int = 16 * MB

    def check_size(self, size: int) -> None:
        if size > self.max_bytes:
            raise TableError(
                _("The file is %(size)s; files of at most %(limit)s are accepted.")
                % {"size": human_size(size), "limit": human_size(self.max_bytes)}
            )

    def check_row_count(self, count: int) -> None:
        if count > self.max_rows:
            raise TableError(
                _("The table has more than %(count)d rows: split it into smaller files.")
                % {"count": self.max_rows}
            )

    def check_row_number(self, number: int) -> None:
        if number > EXCEL_MAX_ROWS or number < 1:
            raise TableError(
                _(
                    "The sheet has a cell in row %(row)s, outside the rows a spreadsheet can "
                    "have (1 to %(limit)s); the file is refused as damaged or unsafe."
                )
                % {"row": f"{number:,}", "limit": f"{EXCEL_MAX_ROWS:,}"}
            )

    def check_width(self, width: int, *, row: int | None = None) -> None:
        if width > EXCEL_MAX_COLUMNS:
            raise TableError(
                _(
                    "A cell lies in column %(column)s, beyond the %(limit)s columns a "
                    "spreadsheet can have; the file is refused as damaged or unsafe."
                )
                % {"column": f"{width:,}", "limit": f"{EXCEL_MAX_COLUMNS:,}"},
                row=row,
            )
        if width > self.max_columns:
            raise TableError(
                _("The row has %(count)s columns; at most %(limit)s are accepted.")
                % {"count": f"{width:,}", "limit": f"{self.max_columns:,}"},
                row=row,
            )


# Limits for readers that stream rows to the database rather than keep them (the whole UN
# index: a 400 MB JSON file, a workbook of 267,500 rows).
STREAMING = Limits(
    max_bytes=1 * GB,
    max_rows=10_000_000,
    max_columns=1_000,
    max_member_bytes=4 * GB,
    max_total_bytes=8 * GB,
)


def human_size(size: int) -> str:
    if size >= GB:
        return f"{size / GB:.1f} GB"
    if size >= MB:
        return f"{size / MB:.1f} MB"
    if size >= KB:
        return f"{size / KB:.0f} KB"
    return f"{size} B"


def unsafe_inflation(member: str, inflation: float) -> TableError:
    return TableError(
        _(
            "The workbook would unpack to far more than its size "
            "(%(member)s: %(inflation)d times); it is refused as unsafe."
        )
        % {"member": member, "inflation": inflation}
    )


def too_large_member(member: str, size: int, limit: int) -> TableError:
    return TableError(
        _(
            "The part %(member)s of the file unpacks to %(size)s, more than the %(limit)s "
            "accepted; it is refused as unsafe."
        )
        % {"member": member, "size": human_size(size), "limit": human_size(limit)}
    )


def check_directory(
    members: Iterable[zipfile.ZipInfo], *, archive_size: int, limits: Limits
) -> None:
    """Refuse a ZIP whose directory announces more than the limits allow.

    Read before anything is inflated. The directory can lie; ``GuardedMember`` counts again.
    """
    total = 0
    compressed = 0
    for member in members:
        total += member.file_size
        compressed += member.compress_size
        if member.file_size > limits.max_member_bytes:
            raise too_large_member(member.filename, member.file_size, limits.max_member_bytes)
        inflation = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and inflation > limits.max_ratio:
            raise unsafe_inflation(member.filename, inflation)
        if total > limits.max_total_bytes:
            raise too_large_member(member.filename, total, limits.max_total_bytes)
    if compressed > archive_size:
        # Members said to take more room than the whole file: the directory is forged.
        raise TableError(
            _("The archive's directory does not match its contents; it is refused as unsafe.")
        )


class GuardedMember(io.RawIOBase):
    """A ZIP member read through a counter: its real inflated size and ratio are checked.

    Python's ``zipfile`` stops at the size the directory states and checks the CRC, but the
    limits should not depend on that; this counts what is actually read.
    """

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
        super().__init__()
        self.inner: IO[bytes] = archive.open(info)
        self.info = info
        self.limits = limits
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self.read_bytes += count
        self._check()
        return count

    def _check(self) -> None:
        if self.read_bytes > self.limits.max_member_bytes:
            raise too_large_member(
                self.info.filename, self.read_bytes, self.limits.max_member_bytes
            )
        if self.read_bytes > RATIO_FLOOR:
            consumed = max(self.inner_compressed_position(), 1)
            inflation = self.read_bytes / consumed
            if inflation > self.limits.max_ratio:
                raise unsafe_inflation(self.info.filename, inflation)

    def inner_compressed_position(self) -> int:
        """Compressed bytes consumed so far (whole member if zipfile does not tell)."""
        left = getattr(self.inner, "_compress_left", None)
        if isinstance(left, int):
            return self.info.compress_size - left
        return self.info.compress_size

    def close(self) -> None:
        self.inner.close()
        super().close()


def open_member(archive: zipfile.ZipFile, name: str, limits: Limits) -> IO[bytes]:
    """A buffered, guarded stream of one member of the archive."""
    return io.BufferedReader(GuardedMember(archive, archive.getinfo(name), limits), 256 * KB)
