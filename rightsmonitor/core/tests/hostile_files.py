"""A corpus of hostile files, built on the fly: each a few KB or MB on disk, some of them
promising a gigabyte once unpacked.

A gigabyte of deflated data is not compressed here (that would take a minute): one chunk is
compressed after a full flush, which makes its compressed bytes independent of what came
before, and those bytes are repeated. The ZIP around it is written by hand, so that its
directory can also lie about the sizes.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

MB = 1024 * 1024
XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@dataclass
class Member:
    name: str
    data: bytes  # raw deflate stream
    crc: int
    size: int  # inflated size
    stated_size: int | None = None  # what the directory says, when it lies


def deflated(data: bytes) -> Member:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member("", compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def deflated_repeat(head: bytes, chunk: bytes, count: int, tail: bytes) -> Member:
    """head + chunk * count + tail, deflated in the time it takes to deflate one chunk."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a chunk after a full flush deflates to the same bytes"
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    data = start + block * count + end
    return Member("", data, crc, len(head) + len(chunk) * count + len(tail))


def write_zip(path: Path, members: list[Member]) -> Path:
    """A ZIP of raw deflated members, each directory entry stating ``stated_size`` if set."""
    with path.open("wb") as out:
        central = io.BytesIO()
        for member in members:
            offset = out.tell()
            name = member.name.encode()
            size = member.size if member.stated_size is None else member.stated_size
            out.write(
                struct.pack(
                    "<IHHHHHIIIHH",
                    0x04034B50,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    member.crc,
                    len(member.data),
                    size,
                    len(name),
                    0,
                )
                + name
            )
            out.write(member.data)
            central.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    member.crc,
                    len(member.data),
                    size,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + name
            )
        start = out.tell()
        directory = central.getvalue()
        out.write(directory)
        out.write(
            struct.pack(
                "<IHHHHIIH",
                0x06054B50,
                0,
                0,
                len(members),
                len(members),
                len(directory),
                start,
                0,
            )
        )
    return path


def workbook_parts(header: list[str] | None = None) -> dict[str, bytes]:
    """The parts of a small real workbook (openpyxl's), to put a hostile part among."""
    book = openpyxl.Workbook()
    book.active.append(header or ["No.", "Action", "Deadline", "Responsible agencies"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_parts(path: Path, hostile: dict[str, Member], *, shared_strings: bool = False) -> Path:
    """A real workbook with ``hostile`` parts in place of (or beside) its own."""
    members = []
    for part_name, data in workbook_parts().items():
        if part_name in hostile:
            continue
        if shared_strings and part_name == "[Content_Types].xml":
            data = data.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        if shared_strings and part_name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
            )
        member = deflated(data)
        member.name = part_name
        members.append(member)
    for name, part in hostile.items():
        part.name = name
        members.append(part)
    return write_zip(path, members)


def with_part(path: Path, name: str, part: Member) -> Path:
    return with_parts(path, {name: part})


SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = f'<worksheet xmlns="{XLSX_MAIN}"><sheetData>'.encode()
SHEET_TAIL = b"</sheetData></worksheet>"


def zip_bomb(path: Path) -> Path:
    """A 1 MB workbook whose sheet unpacks to 1 GB, and whose directory says so."""
    head = SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    part = deflated_repeat(head, b"0" * MB, 1024, b"</t></is></c></row>" + SHEET_TAIL)
    return with_part(path, SHEET, part)


def zip_bomb_lying(path: Path) -> Path:
    """The same bomb, its directory claiming the sheet unpacks to 200 KB."""
    head = SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    part = deflated_repeat(head, b"0" * MB, 1024, b"</t></is></c></row>" + SHEET_TAIL)
    part.stated_size = 200 * 1024
    return with_part(path, SHEET, part)


def empty_rows(path: Path) -> Path:
    """A sheet of 1 GB of empty rows."""
    chunk = b"<row/>" * (MB // 6)
    return with_part(path, SHEET, deflated_repeat(SHEET_HEAD, chunk, 1024, SHEET_TAIL))


def huge_shared_strings(path: Path) -> Path:
    """A small workbook whose shared-strings part is 400 MB."""
    sheet = SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
    strings = deflated_repeat(
        f'<sst xmlns="{XLSX_MAIN}">'.encode(), b"<si><t>x</t></si>" * (MB // 17), 400, b"</sst>"
    )
    hostile = {SHEET: deflated(sheet), "xl/sharedStrings.xml": strings}
    return with_parts(path, hostile, shared_strings=True)


def far_row(path: Path) -> Path:
    """1.8 KB: one cell at row 300,000,000."""
    sheet = (
        SHEET_HEAD
        + b'<row r="300000000"><c r="A300000000" t="inlineStr"><is><t>x</t></is></c></row>'
        + SHEET_TAIL
    )
    return with_part(path, SHEET, deflated(sheet))


def external_entity(path: Path) -> Path:
    """A sheet that would read a local file through an external entity."""
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        + SHEET_HEAD
        + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>'
        + SHEET_TAIL
    )
    return with_part(path, SHEET, deflated(sheet))


def billion_laughs(path: Path) -> Path:
    """Shared strings with the billion-laughs entities."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(entities)}]>'
        f'<sst xmlns="{XLSX_MAIN}"><si><t>&lol9;</t></si></sst>'
    ).encode()
    sheet = SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
    hostile = {SHEET: deflated(sheet), "xl/sharedStrings.xml": deflated(strings)}
    return with_parts(path, hostile, shared_strings=True)


def truncated(path: Path) -> Path:
    """A real workbook cut in half, as a broken download leaves it."""
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    for number in range(2000):
        book.active.append([f"{number}", f"Action {number} " * 5, "2025", "MIA"])
    book.save(buffer)
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) // 2])
    return path


def wide_csv(path: Path) -> Path:
    """A CSV header of 200,000 columns."""
    path.write_text(",".join(f"c{n}" for n in range(200_000)) + "\n1,2,3\n")
    return path


def long_line_csv(path: Path) -> Path:
    """50 MB on a single line."""
    with path.open("wb") as out:
        for _ in range(50):
            out.write(b"x" * MB)
    return path


def random_bytes(path: Path) -> Path:
    """Random bytes named .xlsx."""
    path.write_bytes(random.Random(16).randbytes(64 * 1024))
    return path


def docx_bomb(path: Path) -> Path:
    """A Word document whose body unpacks to 1 GB."""
    head = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>"
    )
    tail = b"</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"
    body = deflated_repeat(head, b"0" * MB, 1024, tail)
    body.name = "word/document.xml"
    types = deflated(
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    )
    types.name = "[Content_Types].xml"
    return write_zip(path, [types, body])


def html_spans(path: Path) -> Path:
    """A page whose cells claim to span 100,000 columns and a billion rows."""
    cells = '<td colspan="100000" rowspan="1000000000">x</td>' * 50
    rows = f"<tr>{cells}</tr>" * 1000
    path.write_text(f"<html><body><table>{rows}</table></body></html>")
    return path


CORPUS: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "zip bomb": ("bomb.xlsx", zip_bomb),
    "zip bomb, lying directory": ("bomb-lying.xlsx", zip_bomb_lying),
    "1 GB of empty rows": ("empty-rows.xlsx", empty_rows),
    "400 MB of shared strings": ("strings.xlsx", huge_shared_strings),
    "a cell at row 300,000,000": ("far.xlsx", far_row),
    "external entity": ("entity.xlsx", external_entity),
    "billion laughs": ("laughs.xlsx", billion_laughs),
    "truncated workbook": ("cut.xlsx", truncated),
    "200,000 columns": ("wide.csv", wide_csv),
    "a 50 MB line": ("line.csv", long_line_csv),
    "random bytes": ("random.xlsx", random_bytes),
    "Word zip bomb": ("annex.docx", docx_bomb),
    "HTML spans": ("page.html", html_spans),
}


def build_corpus(directory: Path) -> dict[str, Path]:
    return {label: build(directory / name) for label, (name, build) in CORPUS.items()}
