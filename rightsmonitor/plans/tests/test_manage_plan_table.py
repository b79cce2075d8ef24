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


def _table(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)


def test_export_takes_the_page_language_and_falls_back_when_asked(coordinator) -> None:
    client = client_for(coordinator)
    build_plan(code="kz", sections=1, actions_per_section=2)
    Action.objects.filter(number="1.1").update(title_ru="Первое мероприятие")
    english = Action.objects.get(number="1.2").title_en

    exact = client.get("/ru/manage/plans/kz/export/", {"format": "xlsx"})
    assert exact["Content-Disposition"] == 'attachment; filename="kz-ru.xlsx"'
    rows = {row[0]: row for row in _table(exact)}
    assert rows["№ п/п"][1] == "Наименование мероприятия"
    assert rows["1.1"][1] == "Первое мероприятие"
    assert rows["1.2"][1] is None  # Russian only: a table to import back

    readable = client.get("/ru/manage/plans/kz/export/", {"format": "xlsx", "fallback": "1"})
    rows = {row[0]: row for row in _table(readable)}
    assert (rows["1.1"][1], rows["1.2"][1]) == ("Первое мероприятие", english)


def test_export_language_from_the_short_parameter(coordinator) -> None:
    build_plan(code="kz", sections=1, actions_per_section=1)
    response = client_for(coordinator).get("/manage/plans/kz/export/", {"lang": "kk"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kz-kk.xlsx"'
    assert (
        client_for(coordinator).get("/manage/plans/kz/export/", {"lang": "de"}).status_code == 400
    )


def test_plan_page_links_the_table_in_every_language(coordinator) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=1, status=Plan.Status.IN_FORCE)
    page = client_for(coordinator).get(plan.get_absolute_url()).content.decode()
    for code, name in (("en", "English"), ("ru", "Русский"), ("kk", "Қазақ")):
        link = f"/manage/plans/kz/export/?format=xlsx&amp;lang={code}&amp;fallback=1"
        assert f'href="{link}" hreflang="{code}" lang="{code}" download>{name}' in page
