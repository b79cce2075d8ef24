"""The staff upload and download pages for plan tables, through real HTTP and real files."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Action, Plan, Section
from rightsmonitor.plans.tests.factories import build_plan

pytestmark = pytest.mark.django_db


def test_export_then_import_into_a_new_plan(coordinator) -> None:
    client = client_for(coordinator)
    build_plan(code="kz", sections=3, actions_per_section=4)
    response = client.get("/manage/plans/kz/export/", {"format": "xlsx", "language": "en"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kz-en.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.active.max_row >= 12

    upload = SimpleUploadedFile("kz.xlsx", response.content)
    response = client.post(
        "/manage/import/",
        {"code": "copy", "title": "Copy", "country": "kaz", "file": upload, "language": "en"},
    )
    assert response.status_code == 302, response.content.decode()
    copy = Plan.objects.get(code="copy")
    assert copy.status == Plan.Status.DRAFT
    assert copy.actions.count() == 12
    assert copy.sections.count() == 3
    assert copy.actions.get(number="2.3").agencies_text == "MIA, GPO (as agreed)"


def test_csv_export(coordinator) -> None:
    build_plan(code="kz")
    response = client_for(coordinator).get("/manage/plans/kz/export/", {"format": "csv"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "text/csv" in response["Content-Type"]


def test_bad_export_format_is_400(coordinator) -> None:
    build_plan(code="kz")
    assert (
        client_for(coordinator).get("/manage/plans/kz/export/", {"format": "pdf"}).status_code
        == 400
    )


def test_bad_file_lists_problems_and_saves_nothing(coordinator) -> None:
    client = client_for(coordinator)
    before = (Plan.objects.count(), Section.objects.count(), Action.objects.count())
    bad = SimpleUploadedFile("plan.csv", b"No.,Action,Deadline\n1.1,,December 2022\n")
    response = client.post(
        "/manage/import/",
        {"code": "new", "title": "New", "country": "KAZ", "file": bad, "language": "en"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "was not imported" in content
    assert "Responsible agencies" in content
    assert (Plan.objects.count(), Section.objects.count(), Action.objects.count()) == before


def test_dry_run_reports_and_saves_nothing(coordinator) -> None:
    client = client_for(coordinator)
    build_plan(code="kz")
    export = client.get("/manage/plans/kz/export/", {"format": "xlsx"}).content
    data = {"code": "new", "title": "New", "country": "KAZ", "language": "en", "dry_run": "on"}
    response = client.post(
        "/manage/import/", {**data, "file": SimpleUploadedFile("kz.xlsx", export)}
    )
    assert response.status_code == 200
    assert "can be imported" in response.content.decode()
    assert not Plan.objects.filter(code="new").exists()


def test_import_into_non_empty_plan_asks_for_replace(coordinator) -> None:
    client = client_for(coordinator)
    build_plan(code="kz")
    export = client.get("/manage/plans/kz/export/", {"format": "csv"}).content
    response = client.post(
        "/manage/plans/kz/import/", {"file": SimpleUploadedFile("kz.csv", export), "language": "en"}
    )
    assert response.status_code == 200
    assert "Tick this box" in response.content.decode()
    response = client.post(
        "/manage/plans/kz/import/",
        {"file": SimpleUploadedFile("kz.csv", export), "language": "en", "replace": "on"},
    )
    assert response.status_code == 302


def test_wrong_extension_and_size(coordinator, settings) -> None:
    client = client_for(coordinator)
    build_plan(code="kz")
    response = client.post(
        "/manage/plans/kz/import/",
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF"), "language": "en"},
    )
    assert "Upload an XLSX or CSV file" in response.content.decode()
    settings.PLAN_IMPORT_MAX_BYTES = 10
    response = client.post(
        "/manage/plans/kz/import/",
        {"file": SimpleUploadedFile("plan.csv", b"x" * 11), "language": "en"},
    )
    assert "larger than" in response.content.decode()
