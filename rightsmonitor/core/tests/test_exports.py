"""The streaming writers: what each format holds, formula escaping, and flat memory."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from rightsmonitor.core import exports
from rightsmonitor.core.exports import Column, ColumnType, escape_formula, iter_chunks

COLUMNS = (
    Column("name", "Name"),
    Column("count", "Count", ColumnType.INTEGER),
    Column("value", "Value", ColumnType.DECIMAL),
    Column("day", "Day", ColumnType.DATE),
    Column("at", "At", ColumnType.DATETIME),
    Column("done", "Done", ColumnType.BOOLEAN),
)
AT = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
ROWS = [
    ('=HYPERLINK("http://evil")', -5, Decimal("-31.500000"), date(2022, 1, 2), AT, True),
    ("+1", 0, Decimal("0.25"), None, None, False),
    ("-2", None, None, None, None, None),
    ("@SUM(A1)", 1, Decimal("100"), None, None, None),
    ("\tcmd", None, None, None, None, None),
    ("Plain «текст» & <tags>", None, None, None, None, None),
]


def _csv(rows: list[tuple[object, ...]]) -> list[list[str]]:
    data = b"".join(iter_chunks(COLUMNS, rows, "csv"))
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM, so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx(rows: list[tuple[object, ...]]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(iter_chunks(COLUMNS, rows, "xlsx"))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+7 701", "'+7 701"),
        ("-x", "'-x"),
        ("@me", "'@me"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (Decimal("-1.5"), Decimal("-1.5")),
        (date(2022, 1, 1), date(2022, 1, 1)),
        (None, None),
    ],
)
def test_escape_formula(value: object, expected: object) -> None:
    assert escape_formula(value) == expected  # type: ignore[arg-type]


def test_csv_escapes_text_and_keeps_numbers() -> None:
    header, *rows = _csv(ROWS)
    assert header == [column.name for column in COLUMNS]
    assert rows[0] == [
        '\'=HYPERLINK("http://evil")',
        "-5",
        "-31.5",
        "2022-01-02",
        AT.isoformat(),
        "true",
    ]
    assert [row[0] for row in rows[1:5]] == ["'+1", "'-2", "'@SUM(A1)", "'\tcmd"]
    assert rows[1][1:] == ["0", "0.25", "", "", "false"]
    assert rows[5][0] == "Plain «текст» & <tags>"


def test_xlsx_types_and_escaping() -> None:
    sheet = _xlsx(ROWS).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(column.name for column in COLUMNS)
    first = values[1]
    assert first[0] == '\'=HYPERLINK("http://evil")'
    assert first[1] == -5 and first[2] == -31.5  # negative numbers stay numbers
    assert first[3] == datetime(2022, 1, 2)
    assert isinstance(first[4], datetime) and first[5] is True
    assert [row[0] for row in values[2:6]] == ["'+1", "'-2", "'@SUM(A1)", "'\tcmd"]
    assert values[6][0] == "Plain «текст» & <tags>"
    assert sheet.freeze_panes == "A2"
    # No cell is a formula.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_json_has_metadata_then_rows_unescaped() -> None:
    data = b"".join(iter_chunks(COLUMNS, ROWS, "json", dataset="test", licence="CC BY 4.0"))
    document = json.loads(data)
    assert list(document)[:2] == ["dataset", "licence"]
    assert document["columns"][2] == {"name": "value", "label": "Value", "type": "decimal"}
    first = document["rows"][0]
    assert first["name"] == '=HYPERLINK("http://evil")'  # programs read JSON: nothing added
    assert first["count"] == -5 and first["value"] == -31.5 and first["done"] is True
    assert first["day"] == "2022-01-02" and first["at"] == AT.isoformat()
    assert document["rows"][2] == {
        "name": "-2", "count": None, "value": None, "day": None, "at": None, "done": None
    }  # fmt: skip


def test_empty_dataset_in_every_format() -> None:
    assert _csv([]) == [[column.name for column in COLUMNS]]
    assert json.loads(b"".join(iter_chunks(COLUMNS, [], "json")))["rows"] == []
    assert list(_xlsx([]).active.iter_rows(values_only=True)) == [
        tuple(column.name for column in COLUMNS)
    ]


def test_xlsx_goes_on_to_a_new_sheet_at_the_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 5)  # the header and four rows a sheet
    rows = [(f"row {n}", n, None, None, None, None) for n in range(10)]
    workbook = _xlsx(rows)
    assert len(workbook.sheetnames) == 3
    counts = []
    for sheet in workbook.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0] == "name"
        counts += [row[1] for row in values[1:]]
    assert counts == list(range(10))


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        iter_chunks(COLUMNS, [], "pdf")


# Memory ---------------------------------------------------------------------------------------


MEMORY_COLUMNS = (Column("name", "Name"), Column("count", "Count", ColumnType.INTEGER))


def _generated(count: int) -> Iterator[tuple[str, int]]:
    for n in range(count):
        yield (f"=Action {n}, escaped", n)


def _peak(fmt: str, count: int) -> tuple[int, int]:
    """Peak traced memory while writing ``count`` rows, and the bytes written (not kept)."""
    tracemalloc.start()
    try:
        size = sum(len(chunk) for chunk in iter_chunks(MEMORY_COLUMNS, _generated(count), fmt))
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_memory_does_not_grow_with_the_rows(fmt: str) -> None:
    small, small_size = _peak(fmt, 20_000)
    large, large_size = _peak(fmt, 200_000)
    assert large_size > 5 * small_size
    # Ten times the rows, the same peak within 1 MiB (both are a few hundred KiB).
    assert large - small < 2**20, (small, large)
    assert large < 4 * 2**20
