"""``manage.py import_recommendations``: real files through the real command.

Good files import and report their counts; a file that is not what ``--format`` says, or that
breaks half way, is refused with a message that says why, the command exits with status 1 and
no table changes. The two big refusals of the acceptance criteria run here too: a 300 MB UHRI
JSON export broken in the middle, and a zip bomb disguised as a workbook; both are refused
within the memory of a normal import (measured as the growth of the process's peak resident
memory, which Linux lets a process reset).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rightsmonitor.accounts.tests.factories import CoordinatorFactory
from rightsmonitor.core.tests.measure import peak_memory_growth
from rightsmonitor.recommendations.actions import rejected_rows_csv
from rightsmonitor.recommendations.models import ImportRun, Mechanism, Recommendation
from rightsmonitor.recommendations.tests.test_importers import DATA, table_counts

MB = 1024 * 1024
pytestmark = pytest.mark.django_db


def call(*args: str) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of the command."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_recommendations", *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"CommandError: {error}\n")
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def data(name: str) -> str:
    return str(DATA / name)


# --- Good files -----------------------------------------------------------------------------------


def test_the_command_imports_a_uhri_workbook_and_reports_the_counts(administrator: Any) -> None:
    code, out, err = call(data("uhri.xlsx"), "--format", "uhri-xlsx")

    assert code == 0, err
    assert "Imported uhri.xlsx (uhri-xlsx): 8 created, 0 updated, 0 unchanged, 0 rejected." in out
    assert "100%" in err  # the progress, a line every 10 % when stderr is not a terminal
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE
    assert (run.created, run.updated, run.unchanged, run.rejected) == (8, 0, 0, 0)
    assert run.requested_by == administrator
    assert run.finished_at is not None
    assert set(Recommendation.objects.values_list("import_run", flat=True)) == {run.pk}

    code, out, _err = call(data("uhri.xlsx"), "--format", "uhri-xlsx")

    assert code == 0
    assert "0 created, 0 updated, 8 unchanged, 0 rejected." in out
    assert Recommendation.objects.count() == 8
    # Unchanged rows keep the run that last changed them.
    assert set(Recommendation.objects.values_list("import_run", flat=True)) == {run.pk}


def test_the_command_updates_in_place(administrator: Any) -> None:
    call(data("uhri.xlsx"), "--format", "uhri-xlsx")
    pks = set(Recommendation.objects.values_list("pk", flat=True))

    code, out, _err = call(data("uhri_updated.xlsx"), "--format", "uhri-xlsx")

    assert code == 0
    assert "0 created, 2 updated, 6 unchanged, 0 rejected." in out
    assert set(Recommendation.objects.values_list("pk", flat=True)) == pks
    assert sorted(Recommendation.objects.values_list("version", flat=True)) == [1] * 6 + [2] * 2


def test_json_after_the_workbook_through_the_command(administrator: Any) -> None:
    call(data("uhri.xlsx"), "--format", "uhri-xlsx")

    code, out, _err = call(data("uhri.json"), "--format", "uhri-json")

    assert code == 0
    assert "0 created, 3 updated, 5 unchanged, 0 rejected." in out
    assert Recommendation.objects.count() == 8


def test_the_rejected_rows_go_to_a_file(administrator: Any, tmp_path: Path) -> None:
    out_csv = tmp_path / "rejected.csv"

    code, out, _err = call(
        data("uhri_rejects.xlsx"), "--format", "uhri-xlsx", "--rejected", str(out_csv)
    )

    assert code == 0
    assert "2 created, 0 updated, 0 unchanged, 3 rejected." in out
    assert f"Rejected rows, with the reasons: {out_csv}" in out
    content = out_csv.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row[:3] for row in rows] == [
        ["Row", "Column", "Reason"],
        ["3", "Text", "The recommendation has no text."],
        ["5", "Document Publication Date", "“sometime in 2019” is not a date."],
        ["6", "Sdgs", "“Goal sixteen: peace and justice” is not an SDG target (like “16.3 - …”)."],
    ]
    # The same list is kept with the run, for the import page's download.
    assert rejected_rows_csv(ImportRun.objects.get()) == content


def test_without_rejected_the_command_says_how_to_get_them(administrator: Any) -> None:
    code, out, _err = call(data("uhri_rejects.xlsx"), "--format", "uhri-xlsx")

    assert code == 0
    assert "Use --rejected OUT.csv" in out


def test_a_generic_csv_with_a_mapping_and_a_body(administrator: Any) -> None:
    args = [
        data("generic.csv"),
        "--format=csv",
        "--map",
        "text=Рекомендация",
        "--map",
        "symbol=Документ",
        "--map",
        "document_date=Дата",
        "--map",
        "themes=Темы",
        "--map",
        "affected_persons=Группы",
        "--map",
        "paragraph=№",
        "--body",
        "Уполномоченный по правам человека",
        "--mechanism",
        "national",
    ]

    code, out, err = call(*args)

    assert code == 0, err
    assert "3 created, 0 updated, 0 unchanged, 0 rejected." in out
    rec = Recommendation.objects.get(paragraph="2")
    assert rec.body.code == "Уполномоченный по правам человека"
    assert rec.body.mechanism == Mechanism.NATIONAL
    assert "0 created, 0 updated, 3 unchanged, 0 rejected." in call(*args)[1]


def test_a_uprinfo_export_through_the_command(administrator: Any) -> None:
    code, out, _err = call(data("uprinfo.csv"), "--format", "uprinfo-csv")

    assert code == 0
    assert "6 created, 0 updated, 0 unchanged, 0 rejected." in out
    assert Recommendation.objects.filter(action_category=5).count() == 3


def test_notes_are_printed(administrator: Any) -> None:
    code, out, _err = call(data("uhri_reordered.xlsx"), "--format", "uhri-xlsx")

    assert code == 0
    assert "Note: Columns ignored: Mandate code." in out


# --- Who, and bad arguments -----------------------------------------------------------------------


def test_without_an_administrator_the_command_asks_for_a_user(db: Any) -> None:
    code, _out, err = call(data("uhri.xlsx"), "--format", "uhri-xlsx")

    assert code == 1
    assert "There is no active administrator: name the user with --as." in err
    assert not ImportRun.objects.exists()


def test_a_coordinator_may_import(db: Any) -> None:
    coordinator = CoordinatorFactory(email="coord@example.org")

    code, _out, _err = call(data("uhri.json"), "--format", "uhri-json", "--as", "COORD@example.org")

    assert code == 0
    assert ImportRun.objects.get().requested_by == coordinator


def test_others_may_not_import(ngo_member: Any, focal_point_mia: Any) -> None:
    for email in (ngo_member.email, focal_point_mia.email):
        code, _out, err = call(data("uhri.json"), "--format", "uhri-json", "--as", email)
        assert code == 1
        assert "may not import recommendations" in err
    code, _out, err = call(data("uhri.json"), "--format", "uhri-json", "--as", "nobody@example.org")
    assert code == 1
    assert "No active user with the email 'nobody@example.org'" in err
    assert not Recommendation.objects.exists()


def test_bad_arguments(administrator: Any, tmp_path: Path) -> None:
    code, _out, err = call(str(tmp_path / "missing.xlsx"), "--format", "uhri-xlsx")
    assert (code, "no such file" in err) == (1, True)

    code, _out, err = call(data("generic.csv"), "--format", "csv", "--map", "Рекомендация")
    assert (code, "write FIELD=HEADER" in err) == (1, True)

    code, _out, err = call(data("generic.csv"), "--format", "csv", "--map", "colour=Темы")
    assert code == 1
    assert "“colour” is not a field that can be mapped" in err
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


# --- Malformed files ------------------------------------------------------------------------------


def workbook_without(column: str) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        workbook = openpyxl.load_workbook(DATA / "uhri.xlsx")
        sheet = workbook.active
        index = [cell.value for cell in sheet[1]].index(column) + 1
        sheet.delete_cols(index)
        path = tmp_path / "uhri.xlsx"
        workbook.save(path)
        return path

    return build


def first_half(name: str) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        content = (DATA / name).read_bytes()
        path = tmp_path / name
        path.write_bytes(content[: len(content) // 2])
        return path

    return build


def written(name: str, content: bytes | str) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return build


def rewritten_member(
    transform: Callable[[bytes], bytes], *, raw: bool = False
) -> Callable[[Path], Path]:
    """``uhri.xlsx`` with its worksheet changed: its XML (a whole archive), or its deflated
    bytes (``raw``: the archive's directory still says all is well)."""

    def build(tmp_path: Path) -> Path:
        path = tmp_path / "uhri.xlsx"
        source = DATA / "uhri.xlsx"
        if raw:
            content = bytearray(source.read_bytes())
            with zipfile.ZipFile(source) as archive:
                info = archive.getinfo("xl/worksheets/sheet1.xml")
            # Local header: 30 bytes, then the name and the extra field, then the data.
            start = info.header_offset + 30 + len(info.filename) + len(info.extra)
            end = start + info.compress_size
            content[start:end] = transform(bytes(content[start:end]))
            path.write_bytes(bytes(content))
            return path
        with (
            zipfile.ZipFile(source) as archive,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in archive.infolist():
                member = archive.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    member = transform(member)
                target.writestr(item, member)
        return path

    return build


def corrupt(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0x5A for b in data[middle : middle + 64]) + data[middle + 64 :]


def cut_after_rows(xml: bytes) -> bytes:
    return xml[: xml.index(b'<row r="5"')] + b'<row r="5"><c r="A5" t="inlineStr"><is><t>cut'


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def other_workbook(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(
        ["No.", "Action", "Form of completion", "Deadline", "Responsible agencies"]
    )
    workbook.active.append([1, "Adopt a law", "Law", "2025", "MoJ"])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    return path


def invalid_utf8_after_the_sample(tmp_path: Path) -> Path:
    lines = (DATA / "uprinfo.csv").read_bytes().splitlines(keepends=True)
    body = b"".join(lines[1:]) * 60  # about 150 KB: far beyond the 64 KiB the encoding is judged on
    path = tmp_path / "uprinfo.csv"
    path.write_bytes(lines[0] + body + lines[1].replace(b"Portugal", b"Portugal \xff\xfe") + body)
    return path


UPRINFO_TEXT = (DATA / "uprinfo.csv").read_text()
MALFORMED = {
    "xlsx missing a required column": (
        "uhri-xlsx",
        workbook_without("OHCHR Annotation Id"),
        "Required column missing: “OHCHR Annotation Id”. The header row has: Text,",
    ),
    "csv missing the text column": (
        "csv",
        written("list.csv", "Body;Symbol\nCAT;CAT/C/KAZ/CO/4\n"),
        "Required column missing: “text”. The header row has: Body, Symbol.",
    ),
    "uprinfo csv missing the recommendation column": (
        "uprinfo-csv",
        written(
            "uprinfo.csv",
            UPRINFO_TEXT.replace("Title,", "Name,").replace("Recommendation,", "Text EN,"),
        ),
        "This is not a UPR Info export: it has neither a “Title” nor a “Recommendation” column.",
    ),
    "truncated xlsx": (
        "uhri-xlsx",
        first_half("uhri.xlsx"),
        "The file is not a complete Excel workbook (File is not a zip file). It may have been "
        "cut short while downloading",
    ),
    "xlsx with a corrupt worksheet": (
        "uhri-xlsx",
        rewritten_member(corrupt, raw=True),
        "The workbook is damaged or cut short",
    ),
    "xlsx whose worksheet stops after four rows": (
        "uhri-xlsx",
        rewritten_member(cut_after_rows),
        "Row 5: The workbook is damaged or cut short",
    ),
    "json that is not a list": (
        "uhri-json",
        written("export.json", '{"a": 1}'),
        "This is not a UHRI JSON export: the file must hold a list of objects, and it begins "
        "with “{”.",
    ),
    "json of objects without the uhri keys": (
        "uhri-json",
        written("export.json", '[{"id": 1, "text": "Ratify the OP-CAT"}]'),
        "Object 1 lacks the UHRI fields AnnotationId, Text, Body, Symbol: this is not a UHRI export.",
    ),
    "json list of numbers": (
        "uhri-json",
        written("export.json", "[1, 2, 3]"),
        "Object 1 of the list is not an object but int.",
    ),
    "json cut in the middle": (
        "uhri-json",
        first_half("uhri.json"),
        "The JSON is broken after about 6 objects (near byte 6411 of 6411): parse error: "
        "premature EOF. Nothing was imported.",
    ),
    "json broken at the start": (
        "uhri-json",
        written("export.json", '[{"AnnotationId": "1", "Text": nope}]'),
        "The JSON is broken near the start of the file: lexical error: invalid string in json text.",
    ),
    "a workbook given as json": (
        "uhri-json",
        lambda tmp_path: DATA / "uhri.xlsx",
        "This is not a UHRI JSON export: the file must hold a list of objects, and it begins with “P”.",
    ),
    "a csv given as uhri-xlsx": (
        "uhri-xlsx",
        lambda tmp_path: DATA / "uprinfo.csv",
        "This is not an Excel workbook (.xlsx): it is not a ZIP archive, as every .xlsx file "
        "is. If it is a CSV or JSON file, choose that format.",
    ),
    "an old xls given as uhri-xlsx": (
        "uhri-xlsx",
        written("old.xls", bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)),
        "This is an Excel 97-2003 workbook (.xls)",
    ),
    "a zip that is no workbook": (
        "uhri-xlsx",
        written("report.xlsx", zip_of({"word/document.xml": b"<w:document/>"})),
        "The file is a ZIP archive but not an Excel workbook.",
    ),
    "a workbook of another kind": (
        "uhri-xlsx",
        other_workbook,
        "This is not a UHRI Excel export: none of the first 10 rows is its header",
    ),
    "a uhri workbook given as uprinfo-csv": (
        "uprinfo-csv",
        lambda tmp_path: DATA / "uhri.xlsx",
        "This is an Excel workbook (or another archive), not a CSV file.",
    ),
    "binary bytes given as csv": (
        "csv",
        written("random.csv", bytes(range(256)) * 8),
        "Cannot read the file's encoding.",
    ),
    "latin-1 given as csv": (
        "uprinfo-csv",
        written("uprinfo.csv", UPRINFO_TEXT.replace("Czechia", "Côte d'Ivoire").encode("latin-1")),
        "Cannot read the file's encoding.",
    ),
    "invalid utf-8 after the first 64 KiB": (
        "uprinfo-csv",
        invalid_utf8_after_the_sample,
        "Cannot read the CSV file: 'utf-8' codec can't decode byte 0xff",
    ),
}


@pytest.mark.parametrize(("format", "build", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_file_is_refused_and_nothing_changes(
    administrator: Any, tmp_path: Path, format: str, build: Callable[[Path], Path], message: str
) -> None:
    call(data("uhri.json"), "--format", "uhri-json")
    before = table_counts()
    path = build(tmp_path)

    code, out, err = call(str(path), "--format", format, "--body", "CAT")

    assert code == 1
    assert message in err
    assert f"CommandError: {path}: refused; nothing was imported." in err
    assert "Imported" not in out
    assert table_counts() == before
    run = ImportRun.objects.latest("pk")
    assert run.status == ImportRun.Status.FAILED
    assert message in run.errors


# --- Big files: refused within the memory of a normal import -------------------------------------


def write_big_uhri_json(path: Path, *, size: int, break_at: float) -> int:
    """A UHRI JSON export of ``size`` bytes: valid objects, each with its own id and text, at
    ``break_at`` of the way a text that stops (a raw line break inside a string, then
    garbage), then valid objects again. Written in blocks: the test holds a few hundred KB,
    never the file. Returns the number of whole objects before the break."""
    template = json.loads((DATA / "uhri.json").read_text())[3]
    template["AnnotationId"] = "big-@@"
    template["Text"] = template["Text"].replace("comprehensive", "comprehensive (@@)")
    line = (json.dumps(template, ensure_ascii=False) + ",\n").encode()
    count = size // (len(line) + 8)
    broken_at = int(count * break_at)
    with path.open("wb") as stream:
        stream.write(b"[\n")
        for start in range(0, count, 1000):
            if start <= broken_at < start + 1000:
                stream.write(b'{"AnnotationId": "big-cut", "Text": "<p>12. The text stops\n]}{,,')
            numbers = range(start, min(start + 1000, count))
            stream.write(b"".join(line.replace(b"@@", b"%d" % n) for n in numbers))
        stream.write(line.replace(b"@@", b"last").rstrip(b",\n") + b"\n]\n")
    return broken_at if break_at < 1 else count + 1


def test_a_300_mb_json_broken_in_the_middle_is_refused(administrator: Any, tmp_path: Path) -> None:
    call(data("uhri.xlsx"), "--format", "uhri-xlsx")
    before = table_counts()
    path = tmp_path / "export-full-en.json"
    started = time.monotonic()
    broken_at = write_big_uhri_json(path, size=300 * MB, break_at=0.5)
    written_in = time.monotonic() - started
    assert path.stat().st_size > 290 * MB

    started = time.monotonic()
    try:
        with peak_memory_growth() as growth:
            code, out, err = call(str(path), "--format", "uhri-json")
    finally:
        path.unlink()  # pytest keeps the last runs' temporary folders: not 300 MB of them
    refused_in = time.monotonic() - started

    assert code == 1
    match = re.search(r"The JSON is broken after about (\d+) objects \(near byte (\d+) of", err)
    assert match, err
    # The parser reads ahead in blocks: the count and the offset are near the break.
    assert broken_at - 2000 < int(match[1]) <= broken_at
    assert abs(int(match[2]) - 150 * MB) < 5 * MB
    assert "Nothing was imported." in err
    assert "Imported" not in out
    assert table_counts() == before
    assert not Recommendation.objects.filter(source_id__startswith="big-").exists()
    assert growth[0] < 100 * MB, f"peak memory grew by {growth[0] / MB:.0f} MB"
    # Measured: written in 0.5 s, refused in 5-6 s (the check reads up to the break, 150 MB).
    assert refused_in < 60, f"written in {written_in:.1f} s, refused in {refused_in:.1f} s"


def write_zip_bomb(path: Path) -> None:
    """A workbook whose worksheet is 1 GB of "0", deflated to about 4.5 MB; streamed in 1 MB
    chunks, so that writing it costs no memory either."""
    with (
        zipfile.ZipFile(DATA / "uhri.xlsx") as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item.filename, source.read(item))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"0" * MB
            for _ in range(1024):
                member.write(chunk)


def test_a_zip_bomb_disguised_as_a_workbook_is_refused(administrator: Any, tmp_path: Path) -> None:
    call(data("uhri.json"), "--format", "uhri-json")
    before = table_counts()
    path = tmp_path / "uhri.xlsx"
    write_zip_bomb(path)
    assert path.stat().st_size < 10 * MB

    started = time.monotonic()
    with peak_memory_growth() as growth:
        code, _out, err = call(str(path), "--format", "uhri-xlsx")
    refused_in = time.monotonic() - started

    assert code == 1
    assert "The workbook would unpack to far more than its size" in err
    assert "it is refused as unsafe" in err
    assert table_counts() == before
    assert refused_in < 5
    assert growth[0] < 50 * MB, f"peak memory grew by {growth[0] / MB:.0f} MB"
