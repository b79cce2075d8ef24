"""Generated office files print (issue 19): every workbook and Word document of the demo plan,
as readers download it, opened with openpyxl and printed by LibreOffice.

The files are made once for the module (the demo plan loaded in a transaction rolled back at
the end), then ``soffice`` converts them all to PDF in one call (it starts once) and
``pdftotext -layout`` reads the pages back. What is checked: page 1 of every workbook shows
its last column, the header row comes back on page 2 of a long sheet, the header row of a Word
table repeats, the on-time rate is a number formatted as a percentage, and every sheet is set
up to print (frozen panes, fitted to the width, print titles, A4, a filter on table sheets,
row heights for wrapped text).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from rightsmonitor.accounts.models import User
from rightsmonitor.assessments.actions import content_of
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.assessments.renderers.docx import render_docx
from rightsmonitor.assessments.renderers.xlsx import render_xlsx
from rightsmonitor.core import office
from rightsmonitor.indicators.exporters.observations import export_observations
from rightsmonitor.indicators.models import Indicator
from rightsmonitor.plans.models import Plan
from rightsmonitor.portal.management.commands._demo import DEMO_COORDINATOR

DEMO_PLAN_CODE = "kz-hr-2022"
SOFFICE, PDFTOTEXT = shutil.which("soffice"), shutil.which("pdftotext")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="printing is checked with LibreOffice (soffice: Debian libreoffice-calc-nogui and "
    "libreoffice-writer-nogui) and pdftotext (poppler-utils), which are not installed",
)
# The files are made in a module fixture; the mark has pytest-django set up the test database.
pytestmark = pytest.mark.django_db
# The workbooks' sheets that hold one table each (the assessment's summary holds several).
NOT_TABLE_SHEETS = {("assessment.xlsx", "Summary")}


@pytest.fixture(scope="module")
def files(
    django_db_setup: None, django_db_blocker: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """Every generated office file of the demo plan, in a directory of its own."""
    folder = tmp_path_factory.mktemp("office")
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("load_demo", force=True, stdout=StringIO())
        plan = Plan.objects.get(code=DEMO_PLAN_CODE)
        coordinator = Client()
        coordinator.force_login(User.objects.get(email=DEMO_COORDINATOR))
        public = Client()

        def save(name: str, data: bytes) -> None:
            (folder / name).write_bytes(data)

        export = reverse("manage:plan_export", args=[plan.code])
        for language in ("en", "ru", "kk"):
            response = coordinator.get(
                export, {"format": "xlsx", "lang": language, "fallback": "1"}
            )
            assert response.status_code == 200, response
            save(f"plan-{language}.xlsx", response.content)
        assessment = Assessment.objects.filter(plan=plan).order_by("-pk").first()
        assert assessment is not None, "the demo has an assessment"
        snapshot = content_of(assessment)
        save("assessment.xlsx", render_xlsx(snapshot, language="en", draft=False))
        # Word and Excel files of one name would print to the same PDF: "-doc" for Word.
        save("assessment-doc.docx", render_docx(snapshot, language="en", draft=False))
        for fmt in ("xlsx", "docx"):
            response = public.get(reverse("recommendations:followup", args=[fmt]))
            assert response.status_code == 200, response
            name = "followup.xlsx" if fmt == "xlsx" else "followup-doc.docx"
            save(name, b"".join(response.streaming_content))
        indicator = Indicator.objects.filter(observations__isnull=False).distinct().first()
        assert indicator is not None, "the demo has observations"
        save("indicator.xlsx", export_observations(indicator, format="opensdg-xlsx"))
        response = public.get(reverse("portal:data_download", args=["actions", "xlsx"]))
        assert response.status_code == 200, response
        save("open-data.xlsx", b"".join(response.streaming_content))
        transaction.set_rollback(True)
    yield folder


@pytest.fixture(scope="module")
def pdfs(files: Path) -> Path:
    """The files printed to PDF by LibreOffice, all in one run."""
    if SOFFICE is None or PDFTOTEXT is None:
        pytest.skip(needs_libreoffice.kwargs["reason"])
    out = files / "pdf"
    profile = files / "profile"
    # One of each kind of file: the plan table in English stands for the three languages.
    sources = sorted(
        str(path)
        for path in files.iterdir()
        if path.suffix in {".xlsx", ".docx"} and path.name not in {"plan-ru.xlsx", "plan-kk.xlsx"}
    )
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(files)},
    )
    return out


def _page(pdf: Path, number: int) -> str:
    assert PDFTOTEXT is not None
    result = subprocess.run(
        [PDFTOTEXT, "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return " ".join(result.stdout.split())


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def _header(sheet: Worksheet) -> list[str]:
    """The cells of the sheet's last print-title row: its table's header."""
    assert sheet.print_title_rows, sheet.title
    last = int(sheet.print_title_rows.split(":")[1].lstrip("$"))
    return [str(cell.value) for cell in sheet[last] if cell.value not in (None, "")]


def _shown(words: str, text: str) -> bool:
    """Whether every word of ``words`` is on the page (a header may wrap over lines)."""
    return all(word in text for word in words.split())


def _workbooks(files: Path) -> list[Path]:
    return sorted(files.glob("*.xlsx"))


def test_every_workbook_is_set_up_to_print(files: Path) -> None:
    workbooks = _workbooks(files)
    assert len(workbooks) == 7
    for path in workbooks:
        for sheet in load_workbook(path).worksheets:
            where = f"{path.name}, sheet {sheet.title!r}"
            assert sheet.freeze_panes, where
            assert sheet.print_title_rows, where
            setup = sheet.page_setup
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), where
            assert int(setup.paperSize) == office.PAPER_A4, where
            if (path.name, sheet.title) not in NOT_TABLE_SHEETS:
                header_row = int(sheet.freeze_panes[1:]) - 1  # the row above the frozen line
                assert str(sheet.auto_filter.ref).startswith(f"A{header_row}:"), where


def test_rows_of_wrapped_text_have_their_height(files: Path) -> None:
    for name, sheet_number in (("plan-en.xlsx", 0), ("followup.xlsx", 0), ("assessment.xlsx", 1)):
        sheet = load_workbook(files / name).worksheets[sheet_number]
        tall = [
            row
            for row, dimension in sheet.row_dimensions.items()
            if dimension.height and dimension.height > office.height_for(1)
        ]
        assert tall, f"{name}: no row is taller than one line"


def test_plan_table_in_each_language(files: Path) -> None:
    headers = {
        language: _header(load_workbook(files / f"plan-{language}.xlsx").worksheets[0])
        for language in ("en", "ru", "kk")
    }
    assert headers["en"][1] == "Action"
    assert headers["ru"] != headers["en"] and headers["kk"] != headers["ru"]
    assert any("а" <= letter <= "я" for letter in "".join(headers["ru"]).lower())


def test_on_time_rate_is_a_number_formatted_as_a_percentage(files: Path) -> None:
    summary = load_workbook(files / "assessment.xlsx").worksheets[0]
    rate = next(row[1] for row in summary.iter_rows() if row[0].value == "On-time rate")
    assert isinstance(rate.value, int | float) and 0 <= rate.value <= 1, rate.value
    assert rate.number_format in (office.PERCENT, office.PERCENT_1)


@needs_libreoffice
def test_page_one_of_every_workbook_shows_its_last_column(files: Path, pdfs: Path) -> None:
    for path in _workbooks(files):
        if not (pdfs / f"{path.stem}.pdf").exists():
            continue  # the plan in Russian and Kazakh: not printed
        first = load_workbook(path).worksheets[0]
        # The assessment's summary holds tables one under another: its widest one's last.
        summary = (path.name, first.title) in NOT_TABLE_SHEETS
        last = "Total" if summary else _header(first)[-1]
        assert _shown(last, _page(pdfs / f"{path.stem}.pdf", 1)), f"{path.name}: {last!r}"


@needs_libreoffice
def test_header_row_repeats_on_page_two(files: Path, pdfs: Path) -> None:
    for name in ("plan-en", "followup"):
        header = _header(load_workbook(files / f"{name}.xlsx").worksheets[0])
        pdf = pdfs / f"{name}.pdf"
        assert _pages(pdf) >= 2, f"{name}: the sheet should be long enough for two pages"
        page = _page(pdf, 2)
        assert all(_shown(label, page) for label in header), f"{name}: {header} on page 2"
    # Word: the follow-up table's header row (the workbook's labels), on the table's second page.
    labels = _header(load_workbook(files / "followup.xlsx").worksheets[0])
    page = _page(pdfs / "followup-doc.pdf", 2)
    assert all(_shown(label, page) for label in labels), f"followup-doc: {labels} on page 2"
