"""The import pages: uploading a real (small) UHRI workbook, the run's page before and after
the worker, refused files, the column mapping, the rejected rows, and who may do it.

The task backend stores tasks in the database and no worker runs in tests: the tests call
``actions.run_import(run.pk)`` as the worker would.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.recommendations.actions import run_import
from rightsmonitor.recommendations.models import ImportRun, Recommendation
from rightsmonitor.recommendations.progress import set_progress

pytestmark = pytest.mark.django_db

IMPORT = reverse("recommendations:import")
UHRI_HEADER = [
    "Text",
    "Countries Concerned",
    "Reccomending Body",
    "Document Symbol",
    "Themes",
    "Affected Persons",
    "Sdgs",
    "Document Publication Date",
    "UPR Reccomending States",
    "UPR Position",
    "Type",
    "OHCHR Annotation Id",
    "UPR Session",
    "Regions Concerned",
    "Recommending Regions",
    "Date of publication on UHRI",
]


@pytest.fixture(autouse=True)
def media_and_progress(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Uploaded files in a fresh directory; progress in memory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "progress": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "recommendation-import-tests",
        },
    }
    return settings.MEDIA_ROOT


def uhri_xlsx(rows: list[dict[str, object]], name: str = "uhri-export.xlsx") -> SimpleUploadedFile:
    """A workbook as the UHRI writes it: its header row, then one row per recommendation."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(UHRI_HEADER)
    for row in rows:
        sheet.append([row.get(column, "") for column in UHRI_HEADER])
    stream = io.BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile(
        name,
        stream.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def uhri_row(number: int, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "Text": f"<p>{number}.1 Ratify the Optional Protocol to the Convention against Torture.</p>",
        "Countries Concerned": "- Kazakhstan",
        "Reccomending Body": "- CAT",
        "Document Symbol": "CAT/C/KAZ/CO/4",
        "Themes": "- Torture and other cruel, inhuman or degrading treatment or punishment",
        "Affected Persons": "- Persons deprived of their liberty",
        "Sdgs": "- 16.3 - Promote the rule of law at the national and international levels",
        "Document Publication Date": 44562,  # 1 January 2022 as an Excel serial
        "Type": "- Recommendation",
        "OHCHR Annotation Id": f"ab12cd34-{number:04d}",
    }
    row.update(values)
    return row


def csv_upload(rows: list[list[str]], name: str = "recommendations.csv") -> SimpleUploadedFile:
    stream = io.StringIO()
    csv.writer(stream).writerows(rows)
    return SimpleUploadedFile(name, stream.getvalue().encode("utf-8"), content_type="text/csv")


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    import re

    html = response.content.decode()
    html = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# The form --------------------------------------------------------------------------------------


def test_import_page_offers_every_format_and_the_mapping(coordinator_client: Client) -> None:
    response = coordinator_client.get(IMPORT)
    assert response.status_code == 200
    html = response.content.decode()
    for value in ("uhri-xlsx", "uhri-json", "uprinfo-csv", "csv"):
        assert f'value="{value}"' in html
    assert "UHRI Excel export (.xlsx)" in html
    assert 'name="map_text"' in html and 'name="map_recommending_states"' in html
    assert '<label for="id_map_text">' in html
    assert "<legend>" in html
    assert "No file was imported yet." in text_of(response)


@pytest.mark.parametrize(
    ("role", "status"),
    [("ngo_member", 403), ("focal_point_mia", 403), ("public", 302)],
)
def test_only_coordinators_import(role: str, status: int, request, coordinator) -> None:  # type: ignore[no-untyped-def]
    client = client_for(request.getfixturevalue(role))
    run = ImportRun.objects.create(format="uhri-xlsx", filename="x.xlsx", requested_by=coordinator)
    urls = [
        IMPORT,
        reverse("recommendations:import_run", args=[run.pk]),
        reverse("recommendations:import_run_progress", args=[run.pk]),
        reverse("recommendations:import_rejected", args=[run.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(IMPORT, {"format": "uhri-xlsx", "file": uhri_xlsx([uhri_row(1)])})
    assert response.status_code == status
    assert ImportRun.objects.count() == 1


def test_administrator_imports_too(administrator) -> None:
    assert client_for(administrator).get(IMPORT).status_code == 200


# A UHRI workbook, queued then imported -----------------------------------------------------------


def test_uhri_workbook_is_queued_then_imported(coordinator_client: Client, coordinator) -> None:
    upload = uhri_xlsx([uhri_row(1), uhri_row(2)])

    response = coordinator_client.post(IMPORT, {"format": "uhri-xlsx", "file": upload})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("recommendations:import_run", args=[run.pk])
    assert (run.format, run.filename, run.status) == ("uhri-xlsx", "uhri-export.xlsx", "queued")
    assert run.requested_by == coordinator and run.options == {}
    assert not Recommendation.objects.exists()

    page = coordinator_client.get(response["Location"])
    html = page.content.decode()
    progress_url = reverse("recommendations:import_run_progress", args=[run.pk])
    assert "The file uhri-export.xlsx is queued for import." in text_of(page)
    assert "Status: Queued" in text_of(page)
    assert f'hx-get="{progress_url}"' in html and 'hx-trigger="every 2s"' in html
    assert "<progress" in html and "Refresh" in text_of(page)

    run_import(run.pk)  # what the worker does

    page = coordinator_client.get(response["Location"])
    text = text_of(page)
    assert "Status: Done" in text
    assert "Created 2" in text and "Updated 0" in text and "Unchanged 0" in text
    assert "Rejected 0" in text
    assert 'value="100"' in page.content.decode()
    assert 'hx-trigger="every' not in page.content.decode()  # the page stopped polling
    assert Recommendation.objects.filter(symbol="CAT/C/KAZ/CO/4").count() == 2

    partial = coordinator_client.get(progress_url)
    assert partial.status_code == 200
    assert partial.content.decode().startswith('<section id="import-progress"')
    assert "hx-trigger" not in partial.content.decode()

    listed = text_of(coordinator_client.get(IMPORT))
    assert "uhri-export.xlsx" in listed and "Done" in listed


def test_progress_while_running(coordinator_client: Client, coordinator) -> None:
    run = ImportRun.objects.create(
        format="uhri-xlsx",
        filename="big.xlsx",
        status=ImportRun.Status.RUNNING,
        requested_by=coordinator,
    )
    set_progress(run.pk, 450, 1000)

    partial = coordinator_client.get(reverse("recommendations:import_run_progress", args=[run.pk]))

    html = partial.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert '<progress max="100" value="45"' in html
    assert "45% of the file read." in html
    assert "45 %" in html  # the text inside <progress>, for browsers that do not draw it


def test_the_run_says_done_only_with_its_data(
    coordinator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's outcome is written in the data's transaction: if writing it fails (as if the
    process died there), the rows are not kept either, and the run says it failed."""
    coordinator_client.post(IMPORT, {"format": "uhri-xlsx", "file": uhri_xlsx([uhri_row(1)])})
    run = ImportRun.objects.get()
    save = ImportRun.save

    def fail_when_done(self: ImportRun, *args: Any, **kwargs: Any) -> None:
        if self.status == ImportRun.Status.DONE:
            raise OSError("disk full")
        save(self, *args, **kwargs)

    monkeypatch.setattr(ImportRun, "save", fail_when_done)
    assert run_import(run.pk) is None
    monkeypatch.undo()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "disk full" in run.errors
    assert run.created == 0 and run.finished_at is not None
    assert not Recommendation.objects.exists()


def test_rejected_rows_are_counted_and_downloadable(coordinator_client: Client) -> None:
    upload = uhri_xlsx(
        [uhri_row(1), uhri_row(2, Text=""), uhri_row(3, **{"Sdgs": "- not a target"})]
    )
    coordinator_client.post(IMPORT, {"format": "uhri-xlsx", "file": upload})
    run = ImportRun.objects.get()
    run_import(run.pk)

    page = coordinator_client.get(reverse("recommendations:import_run", args=[run.pk]))
    rejected_url = reverse("recommendations:import_rejected", args=[run.pk])
    assert "Created 1" in text_of(page) and "Rejected 2" in text_of(page)
    assert rejected_url in page.content.decode()

    response = coordinator_client.get(rejected_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Row", "Column", "Reason"]
    assert [row[0] for row in rows[1:]] == ["3", "4"]
    assert "The recommendation has no text." in rows[1][2]


def test_a_failed_import_shows_its_problems(coordinator_client: Client, coordinator) -> None:
    run = ImportRun.objects.create(
        format="uhri-xlsx",
        filename="gone.xlsx",
        status=ImportRun.Status.FAILED,
        errors="The workbook is damaged or cut short.\nNothing was imported.",
        requested_by=coordinator,
    )
    page = coordinator_client.get(reverse("recommendations:import_run", args=[run.pk]))
    text = text_of(page)
    assert "Status: Failed" in text and "Problems" in text
    assert "The workbook is damaged or cut short." in text
    assert 'role="alert"' in page.content.decode()


def test_a_run_whose_workers_died_fails_and_can_be_tried_again(
    coordinator_client: Client, django_capture_on_commit_callbacks
) -> None:
    """The worker was killed under the import more than TASK_MAX_ATTEMPTS times: the task is
    given up, the run says so (never "running" for ever), and "Try again" queues it anew."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from rightsmonitor.core.worker import recover_lost_tasks

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(IMPORT, {"format": "uhri-xlsx", "file": uhri_xlsx([uhri_row(1)])})
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING,
        worker_ids=["w1", "w2", "w3"],
        started_at=timezone.now() - timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        recover_lost_tasks(backend_name="default", lost_after=60, max_attempts=3)

    page = coordinator_client.get(reverse("recommendations:import_run", args=[run.pk]))
    text = text_of(page)
    assert "Status: Failed" in text
    assert "The background worker stopped while it imported this file" in text
    retry_url = reverse("recommendations:import_retry", args=[run.pk])
    assert f'action="{retry_url}"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(retry_url)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED and run.errors == ""
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert [task.args_kwargs["args"] for task in queued] == [[run.pk]]
    run_import(run.pk)
    assert Recommendation.objects.count() == 1

    # A run that is not failed is not queued twice.
    coordinator_client.post(retry_url)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_only_managers_retry(client: Client, ngo_member, coordinator) -> None:
    run = ImportRun.objects.create(
        format="uhri-xlsx",
        filename="x.xlsx",
        status=ImportRun.Status.FAILED,
        requested_by=coordinator,
    )
    client.force_login(ngo_member)
    response = client.post(reverse("recommendations:import_retry", args=[run.pk]))
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED


def test_an_import_from_s3_compatible_storage(coordinator_client: Client, s3_media) -> None:
    """With files in a bucket the upload is checked before it is stored, kept in the bucket,
    and the worker reads it from there (through a temporary copy)."""
    coordinator_client.post(IMPORT, {"format": "uhri-xlsx", "file": uhri_xlsx([uhri_row(1)])})
    run = ImportRun.objects.get()
    assert [item.key for item in s3_media.objects.all()] == [f"rm/{run.file.name}"]

    run_import(run.pk)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.created == 1
    assert Recommendation.objects.count() == 1


def test_a_refused_upload_is_not_stored(coordinator_client: Client, s3_media) -> None:
    response = coordinator_client.post(
        IMPORT, {"format": "uhri-xlsx", "file": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert response.status_code == 400  # the form again, with the problem
    assert not ImportRun.objects.exists()
    assert list(s3_media.objects.all()) == []


# Refused files: nothing queued -------------------------------------------------------------------


def test_a_json_file_given_as_uhri_excel_is_refused(
    coordinator_client: Client, media_and_progress
) -> None:
    upload = SimpleUploadedFile(
        "uhri.json", json.dumps([{"Text": "Ratify"}]).encode(), content_type="application/json"
    )

    response = coordinator_client.post(IMPORT, {"format": "uhri-xlsx", "file": upload})

    assert response.status_code == 400
    text = text_of(response)
    assert "The file was not imported:" in text
    assert "This is not an Excel workbook (.xlsx)" in text
    assert not ImportRun.objects.exists()
    assert not [path for path in Path(media_and_progress).rglob("*") if path.is_file()]


def test_a_csv_without_its_text_column_is_refused(coordinator_client: Client) -> None:
    upload = csv_upload([["Body", "Symbol"], ["CAT", "CAT/C/KAZ/CO/4"]])

    response = coordinator_client.post(IMPORT, {"format": "csv", "file": upload})

    assert response.status_code == 400
    assert "Required column missing" in text_of(response)
    assert not ImportRun.objects.exists()


def test_csv_with_a_column_mapping_and_a_body_for_every_row(coordinator_client: Client) -> None:
    upload = csv_upload(
        [
            ["Wording", "Ref"],
            ["Ensure that every detainee has a lawyer from the outset.", "r-1"],
            ["Establish an independent mechanism to investigate torture.", "r-2"],
        ]
    )

    response = coordinator_client.post(
        IMPORT,
        {
            "format": "csv",
            "file": upload,
            "map_text": "Wording",
            "map_source_id": "Ref",
            "body": "SPT",
            "mechanism": "treaty_body",
        },
    )

    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.options == {
        "mapping": {"text": "Wording", "source_id": "Ref"},
        "body": "SPT",
        "mechanism": "treaty_body",
    }
    run_import(run.pk)
    assert sorted(Recommendation.objects.values_list("source_id", "body__code")) == [
        ("r-1", "SPT"),
        ("r-2", "SPT"),
    ]
    page = text_of(coordinator_client.get(response["Location"]))
    assert "text ← “Wording”" in page


def test_a_mapping_the_format_does_not_take_is_a_form_error(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        IMPORT,
        {"format": "uprinfo-csv", "file": csv_upload([["Title"], ["Ratify"]]), "map_body": "Body"},
    )
    assert response.status_code == 400
    assert "This format does not take a column for this field." in text_of(response)

    response = coordinator_client.post(
        IMPORT,
        {"format": "uhri-xlsx", "file": uhri_xlsx([uhri_row(1)]), "body": "CAT"},
    )
    assert response.status_code == 400
    assert "Only for the format “Other CSV”." in text_of(response)
    assert not ImportRun.objects.exists()


def test_a_mapped_column_missing_from_the_file_is_refused(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        IMPORT,
        {
            "format": "uprinfo-csv",
            "file": csv_upload([["Title", "Date added"], ["Ratify the protocol", "2024-01-01"]]),
            "map_recommending_states": "Recommending State (SuR)",
        },
    )
    assert response.status_code == 400
    assert "The file has no column" in text_of(response)
    assert not ImportRun.objects.exists()
