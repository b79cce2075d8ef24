"""One guarded reader for every table file a user uploads: XLSX, CSV, Word and HTML.

Importers read files through here and nowhere else, so every one of them refuses a hostile
file the same way: size first, then the ZIP directory, then what really inflates, then rows
and columns (``limits``). Errors are ``TableError``: "Row R, column C: message".

- ``read_table``: a whole table in memory (plan tables, indicator observations).
- ``open_workbook``, ``open_csv`` with ``stream_lines`` and ``csv_rows``: rows as a stream,
  for files too large to hold (the UN's recommendations index).
"""

from rightsmonitor.core.tabular.delimited import (
    HeaderTest,
    choose_delimiter,
    csv_rows,
    decode_csv,
    delimiter_candidates,
    head_rows,
    open_csv,
    stream_lines,
    unescape_formula,
)
from rightsmonitor.core.tabular.errors import (
    MAX_ERRORS,
    Problems,
    TableError,
    TableErrors,
    iter_messages,
)
from rightsmonitor.core.tabular.limits import STREAMING, Limits
from rightsmonitor.core.tabular.reader import (
    DAMAGE,
    CellValue,
    Progress,
    Source,
    TableRows,
    cell_text,
    is_empty,
    read_bytes,
    read_table,
)
from rightsmonitor.core.tabular.xlsx import Workbook, open_workbook

__all__ = [
    "DAMAGE",
    "MAX_ERRORS",
    "STREAMING",
    "CellValue",
    "HeaderTest",
    "Limits",
    "Problems",
    "Progress",
    "Source",
    "TableError",
    "TableErrors",
    "TableRows",
    "Workbook",
    "cell_text",
    "choose_delimiter",
    "csv_rows",
    "decode_csv",
    "delimiter_candidates",
    "head_rows",
    "is_empty",
    "iter_messages",
    "open_csv",
    "open_workbook",
    "read_bytes",
    "read_table",
    "stream_lines",
    "unescape_formula",
]
