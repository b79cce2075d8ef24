"""CSV (and tab- or semicolon-separated) files in whatever encoding they came.

Encodings: UTF-8 with or without BOM, UTF-16 with a BOM (Excel's "Unicode text"), and
Windows-1251 when the text reads as Cyrillic words; anything else is refused rather than
guessed at. The delimiter is guessed once, here, for every importer: comma, semicolon and tab
ordered by how often they occur in the first line and then in the first lines together, and the
first with which the importer's header test passes wins (else the likeliest).

Lines are read with a cap on their length, so a 50 MB line (or one of 200,000 columns) is
refused before the csv module splits it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, TypeAlias

from django.utils.translation import gettext as _

from rightsmonitor.core.tabular.errors import TableError
from rightsmonitor.core.tabular.limits import Limits

# Does a table, split with a candidate delimiter, start with the header its reader expects?
HeaderTest: TypeAlias = Callable[[Sequence[Sequence[str]]], bool]

DELIMITERS = (",", ";", "\t")
HEAD_ROWS = 30  # rows looked at to guess the delimiter
SAMPLE_BYTES = 64 * 1024  # the head of a file judged for its encoding and delimiter
MAX_LINE_CHARS = 4 * 1024 * 1024  # one physical line; a CSV row is far shorter
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls and .doc formats
_LETTERS = re.compile(r"[^\W\d_]+")
_UNESCAPE_FORMULA = re.compile(r"^'(?=[=+\-@])")  # the exporter's guard against CSV injection

csv.field_size_limit(16 * 1024 * 1024)


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV file: UTF-8 (BOM or not), UTF-16 with a BOM, or Windows-1251.

    Windows-1251 decodes almost any bytes, so it is accepted only when the result reads as
    Cyrillic words: not Latin words with stray Cyrillic letters (Latin-1 text read as 1251),
    not UTF-8 read byte by byte. Anything else is refused rather than guessed at.
    """
    refused = TableError(
        _(
            "Cannot read the file's encoding. Save the table as an Excel workbook, or as CSV in UTF-8."
        )
    )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "utf-16")]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "utf-8-sig")]
    else:
        candidates = [("utf-8", "utf-8"), ("cp1251", "cp1251")]
    for codec, name in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if CONTROL_CHARACTERS.search(text):
            # NUL bytes: UTF-16 without a BOM, or not a text file at all.
            raise refused
        if codec == "cp1251" and not _reads_as_cyrillic(text, data):
            break
        return text, name
    raise refused


def _reads_as_cyrillic(text: str, data: bytes) -> bool:
    cyrillic_words = mixed_words = 0
    for word in _LETTERS.findall(text):
        if not any("\u0400" <= ch <= "\u04ff" for ch in word):
            continue
        if any(ch.isascii() for ch in word):
            mixed_words += 1
        elif len(word) > 1:
            cyrillic_words += 1
    # In Windows-1251 Russian text the bytes 0x80-0xBF (punctuation, Ё) are rare; UTF-8
    # Cyrillic read as 1251 has one such byte for every letter.
    letters = sum(1 for byte in data if byte >= 0xC0)
    continuation = sum(1 for byte in data if 0x80 <= byte < 0xC0)
    return cyrillic_words > 0 and mixed_words * 4 <= cyrillic_words and continuation * 2 <= letters


def unescape_formula(text: str) -> str:
    """Drop the apostrophe an exporter put before a cell starting with = + - @."""
    return _UNESCAPE_FORMULA.sub("", text)


def delimiter_candidates(head: str) -> list[str]:
    """Comma, semicolon and tab, the likeliest first: most frequent in the first line, then
    in the first lines together (a title above the header has none or few)."""
    lines = head.splitlines()[:HEAD_ROWS]
    first = next((line for line in lines if line.strip()), "")
    whole = "\n".join(lines)
    return sorted(DELIMITERS, key=lambda d: (-first.count(d), -whole.count(d)))


def head_rows(head: str, delimiter: str, count: int = HEAD_ROWS) -> list[list[str]]:
    """The first ``count`` non-empty rows of the head of a file split with ``delimiter``."""
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                if len(rows) >= count:
                    break
    except csv.Error:
        return rows
    return rows


def choose_delimiter(head: str, header: HeaderTest) -> str:
    """The delimiter with which ``header`` finds its header row; else the likeliest."""
    candidates = delimiter_candidates(head)
    for delimiter in candidates:
        if header(head_rows(head, delimiter)):
            return delimiter
    return candidates[0]


def whole_lines(head: bytes) -> bytes:
    """The head of a file cut after its last line end, in UTF-16 too (two bytes a unit)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        newline = b"\n\x00" if head.startswith(codecs.BOM_UTF16_LE) else b"\x00\n"
        end = len(head)
        while (index := head.rfind(newline, 0, end)) > 0:
            if index % 2 == 0:
                return head[: index + 2]
            end = index + 1
        return head[: len(head) - len(head) % 2]
    return head[: head.rindex(b"\n") + 1] if b"\n" in head else head


def open_csv(path: Path, limits: Limits) -> tuple[io.TextIOWrapper, str]:
    """The file as a text stream in its own encoding, and its head decoded (for the delimiter).

    The encoding is judged on the first 64 KiB, cut at a line end.
    """
    limits.check_size(path.stat().st_size)
    raw = path.open("rb")
    head = raw.read(SAMPLE_BYTES)
    try:
        if not head.strip():
            raise TableError(_("The file is empty."))
        if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
            raise TableError(
                _(
                    "This is an Excel workbook (or another archive), not a CSV file. Choose "
                    "“UHRI Excel export” for a UHRI workbook, or save the sheet as CSV."
                )
            )
        if len(head) == SAMPLE_BYTES:
            head = whole_lines(head)
        text, encoding = decode_csv(head)
    except TableError:
        raw.close()
        raise
    raw.seek(0)
    stream = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
    return stream, text


def stream_lines(stream: IO[str], *, max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of a text stream, each read with a cap: a longer line is refused."""
    number = 0
    while line := stream.readline(max_chars + 1):
        number += 1
        if len(line) > max_chars:
            raise line_too_long(number, max_chars)
        yield line


def text_lines(text: str, *, max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of a text, ends kept, without copying it whole; a longer line is refused.

    Lines end with LF (CRLF included); a text without any LF is split at CR (old Mac files).
    """
    separator = "\n" if "\n" in text else "\r"
    start = 0
    number = 0
    length = len(text)
    while start < length:
        found = text.find(separator, start)
        end = length if found == -1 else found + 1
        number += 1
        if end - start > max_chars:
            raise line_too_long(number, max_chars)
        yield text[start:end]
        start = end


def line_too_long(number: int, max_chars: int) -> TableError:
    return TableError(
        _(
            "Line %(line)d is longer than %(limit)s characters: this is not a table of rows, "
            "or it is damaged."
        )
        % {"line": number, "limit": f"{max_chars:,}"}
    )


def csv_rows(
    lines: Iterable[str], *, delimiter: str, limits: Limits, first_row: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) of every record, each checked against the column cap."""
    reader = csv.reader(lines, delimiter=delimiter)
    number = first_row - 1
    try:
        for number, values in enumerate(reader, start=first_row):
            limits.check_width(len(values), row=number)
            yield number, values
    except csv.Error as error:
        raise TableError(
            _("Cannot read the CSV file: %(error)s") % {"error": error}, row=number + 1
        ) from error


def skip(rows: Iterator[tuple[int, list[str]]], count: int) -> Iterator[tuple[int, list[str]]]:
    """``rows`` without its first ``count``."""
    return islice(rows, count, None)
