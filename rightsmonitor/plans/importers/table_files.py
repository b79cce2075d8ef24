"""What plans add to the table reader in ``core.tabular``: the plan-table header test, the
limits a plan table is held to, and the cells whose meaning is a plan's (numbers, deadlines).

``read_rows`` reads an XLSX workbook, a CSV file, a Word document or an HTML page (a decree's
annex saved from the legal database) through ``core.tabular.read_table``. A merged section
row shows its text in its first cell and nothing in the others, which is how the parser
recognises it, whichever kind of file it came from.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings

from rightsmonitor.core.tabular import CellValue, Limits, Source, TableRows, cell_text, read_table
from rightsmonitor.core.tabular.limits import MB
from rightsmonitor.plans.importers.columns import find_header

# A plan has hundreds of actions at most; a decree's Word annex may carry images. The file's
# own size is the PLAN_IMPORT_MAX_BYTES setting.
PLAN_TABLE_LIMITS = Limits(
    max_bytes=10 * MB,
    max_rows=20_000,
    max_columns=200,
    max_member_bytes=100 * MB,
    max_total_bytes=200 * MB,
)
MAX_ROWS = PLAN_TABLE_LIMITS.max_rows


def names_plan_columns(rows: Sequence[Sequence[str]]) -> bool:
    """The plan-table header test: a row among the first ones names two known columns."""
    return find_header(rows) is not None


def read_rows(source: Source, *, filename: str = "", sheet: str | None = None) -> TableRows:
    """The rows of a plan table: XLSX, CSV, DOCX or HTML, held to ``PLAN_TABLE_LIMITS``."""
    limits = dataclasses.replace(PLAN_TABLE_LIMITS, max_bytes=settings.PLAN_IMPORT_MAX_BYTES)
    return read_table(
        source, filename=filename, sheet=sheet, header=names_plan_columns, limits=limits
    )


# --- Cell values ------------------------------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30)
# Deadline cells holding a bare number in this range are Excel date serials (1954-2119);
# smaller numbers are years or other text.
_SERIAL_RANGE = range(20_000, 80_000)


def number_text(value: CellValue) -> str:
    if isinstance(value, date):
        # Russian-locale Excel turns "1.10" into the 1st of October.
        return f"{value.day}.{value.month}"
    return cell_text(value).removeprefix("№").strip().rstrip(".").strip()


def deadline_text(value: CellValue) -> str:
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and int(value) in _SERIAL_RANGE
    ):
        return f"{EXCEL_EPOCH + timedelta(days=int(value)):%d.%m.%Y}"
    return cell_text(value)
