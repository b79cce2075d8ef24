"""The follow-up exports (XLSX and DOCX), opened with openpyxl and python-docx: the columns,
the search's filters, what the public may not see, formula injection and query counts."""

from __future__ import annotations

import io
from datetime import date

import docx
import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx.enum.section import WD_ORIENT

from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.recommendations.exporters.followup import (
    FollowUpRow,
    headers,
    write_docx,
    write_xlsx,
)
from rightsmonitor.recommendations.models import RecommendationLink
from rightsmonitor.recommendations.tests.factories import (
    RecommendationWorld,
    make_recommendations,
    recommendation_world,
)
from rightsmonitor.reporting.models import ImplementationStatus
from rightsmonitor.reporting.tests.factories import (
    ActionMonitoringFactory,
    EvidenceLinkFactory,
    ProgressReportFactory,
)
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db

XLSX = reverse("recommendations:followup", args=["xlsx"])
DOCX = reverse("recommendations:followup", args=["docx"])


@pytest.fixture
def world() -> RecommendationWorld:
    """Three linked recommendations (CAT → 1.1, UPR → 1.2, CEDAW → 2.1 and 2.2); action 1.2
    completed, with an accepted report and a link as evidence; a draft report on 1.1."""
    world = recommendation_world(code="kz")
    RecommendationLink.objects.create(recommendation=world.women, action=world.actions[2])
    RecommendationLink.objects.create(recommendation=world.women, action=world.actions[3])
    ActionMonitoringFactory(action=world.actions[1], assessed_status=ImplementationStatus.COMPLETED)
    accepted = ProgressReportFactory(
        action=world.actions[1],
        state=ReportState.ACCEPTED,
        narrative="The law on mass media was amended to protect journalists.",
    )
    EvidenceLinkFactory(
        report=accepted, url="https://adilet.example.org/media-law", description="Amended law"
    )
    ProgressReportFactory(action=world.actions[0], narrative="A draft nobody accepted yet.")
    return world


def workbook_rows(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def document(response) -> docx.document.Document:  # type: ignore[no-untyped-def,name-defined]
    return docx.Document(io.BytesIO(b"".join(response.streaming_content)))


def test_xlsx_has_every_column_for_linked_recommendations(
    client: Client, world: RecommendationWorld
) -> None:
    response = client.get(XLSX, {"linked": "true"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = workbook_rows(response)
    assert rows[0] == headers()
    by_reference = {row[0]: row for row in rows[1:]}
    assert len(by_reference) == 3  # newest first: CAT 2021, UPR 2020, CEDAW 2019
    assert [row[0] for row in rows[1:]] == [
        f"CAT/C/KAZ/CO/4, para. {world.torture.paragraph}",
        "A/HRC/44/10, para. 138.12",
        "CEDAW/C/KAZ/CO/5, para. 22",
    ]
    upr = by_reference["A/HRC/44/10, para. 138.12"]
    assert upr[1] == "Guarantee the safety of journalists and human rights defenders."
    assert upr[2:5] == ["UPR", "Norway, Canada", "Supported"]
    assert upr[5] == f"kz 1.2. {world.actions[1].title}"
    assert upr[6] == "Implemented"
    assert upr[7].startswith("1.2 (")
    assert "The law on mass media was amended to protect journalists." in upr[7]
    assert "– https://adilet.example.org/media-law (Amended law)" in upr[7]
    assert upr[8] == "Freedom of opinion and expression"
    cedaw = by_reference["CEDAW/C/KAZ/CO/5, para. 22"]
    assert cedaw[5].split("\n") == [
        f"kz 2.1. {world.actions[2].title}",
        f"kz 2.2. {world.actions[3].title}",
    ]
    assert cedaw[6] == "Not started"
    torture = by_reference[f"CAT/C/KAZ/CO/4, para. {world.torture.paragraph}"]
    assert torture[7] is None  # the draft report is not evidence


def test_xlsx_header_is_bold_frozen_and_text_wraps(
    client: Client, world: RecommendationWorld
) -> None:
    response = client.get(XLSX)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["B2"].alignment.wrap_text
    assert sheet.max_row == 5  # every recommendation without a filter


def test_exports_apply_the_search_filters(client: Client, world: RecommendationWorld) -> None:
    rows = workbook_rows(client.get(XLSX, {"mechanism": "upr"}))
    assert [row[0] for row in rows[1:]] == ["A/HRC/44/10, para. 138.12"]
    rows = workbook_rows(client.get(XLSX, {"q": "пытками"}))
    assert [row[0] for row in rows[1:]] == ["CCPR/C/KAZ/CO/3, para. 19"]
    rows = workbook_rows(client.get(XLSX, {"status": "not_covered"}))
    assert [row[6] for row in rows[1:]] == ["Not covered by the plan"]


def test_docx_has_heading_filters_and_a_landscape_table(
    client: Client, world: RecommendationWorld
) -> None:
    response = client.get(DOCX, {"linked": "true", "mechanism": ["upr", "treaty_body"]})

    assert response.status_code == 200
    assert "wordprocessingml" in response["Content-Type"]
    doc = document(response)
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert doc.sections[0].page_width > doc.sections[0].page_height
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "Follow-up of recommendations"
    assert (
        "Recommendations chosen by Mechanism: Universal Periodic Review; Mechanism: Treaty body; "
        "Linked to an action: Yes." in paragraphs
    )
    (table,) = doc.tables
    assert [cell.text for cell in table.rows[0].cells] == headers()
    assert len(table.rows) == 4
    upr = [cell.text for cell in table.rows[2].cells]
    assert upr[0] == "A/HRC/44/10, para. 138.12"
    assert upr[5] == f"kz 1.2. {world.actions[1].title}"
    assert upr[6] == "Implemented"
    assert "https://adilet.example.org/media-law" in upr[7]
    cedaw = [cell.text for cell in table.rows[3].cells]
    assert cedaw[5] == f"kz 2.1. {world.actions[2].title}\nkz 2.2. {world.actions[3].title}"


def test_docx_without_filters_says_so(client: Client, world: RecommendationWorld) -> None:
    paragraphs = [p.text for p in document(client.get(DOCX)).paragraphs]
    assert "All recommendations." in paragraphs


def test_links_to_draft_plans_are_left_out_for_the_public(
    client: Client, world: RecommendationWorld, coordinator
) -> None:
    draft = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    RecommendationLink.objects.create(recommendation=world.russian, action=draft.actions.get())
    query = {"symbol": "CCPR/C/KAZ/CO/3"}

    (_header, public_row) = workbook_rows(client.get(XLSX, query))
    assert public_row[5] is None
    (_header, staff_row) = workbook_rows(client_for(coordinator).get(XLSX, query))
    assert staff_row[5].startswith("draft 1.1. Draft a law")


def test_cells_that_look_like_formulas_stay_text(
    client: Client, world: RecommendationWorld
) -> None:
    make_recommendations(
        1,
        text='=HYPERLINK("https://evil.example.org","Click")',
        symbol="X/1",
        paragraph="1",
        recommending_states=["+Norway"],
    )
    (_header, row) = workbook_rows(client.get(XLSX, {"symbol": "X/1"}))
    assert row[1] == '\'=HYPERLINK("https://evil.example.org","Click")'
    assert row[3] == "'+Norway"


def test_unknown_format_is_404(client: Client) -> None:
    assert client.get(reverse("recommendations:followup", args=["pdf"])).status_code == 404


def test_writers_take_any_rows() -> None:
    rows = [
        FollowUpRow("S/1, para. 2", "Text\u0007 with a bell", "CAT", "", "", "", "", "", "@risk"),
    ]
    stream = io.BytesIO()
    write_xlsx(rows, stream, title="Follow-up: 2025/26")
    sheet = openpyxl.load_workbook(io.BytesIO(stream.getvalue())).worksheets[0]
    assert sheet.title == "Follow-up  2025 26"
    assert [cell.value for cell in sheet[2]][:2] == ["S/1, para. 2", "Text with a bell"]
    assert sheet["I2"].value == "'@risk"
    stream = io.BytesIO()
    write_docx(rows, stream, title="Follow-up", description=["Everything."])
    doc = docx.Document(io.BytesIO(stream.getvalue()))
    assert doc.tables[0].rows[1].cells[1].text == "Text with a bell"


def _export_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [XLSX, DOCX])
def test_exports_read_in_a_constant_number_of_queries(
    url: str, client: Client, world: RecommendationWorld
) -> None:
    actions = list(world.plan.actions.all())

    def add(count: int) -> None:
        for index, recommendation in enumerate(
            make_recommendations(
                count, document_date=date(2010, 1, 1), themes=["Torture", "Prisons"]
            )
        ):
            RecommendationLink.objects.create(
                recommendation=recommendation, action=actions[index % len(actions)]
            )

    add(3)
    _export_queries(client, url)
    few = _export_queries(client, url)
    add(27)
    assert _export_queries(client, url) == few
    rows = workbook_rows(client.get(XLSX))
    assert len(rows) == 1 + 4 + 30
