"""Evidence files and links: real small files on a temporary MEDIA_ROOT, nothing left behind."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from rightsmonitor.reporting import actions
from rightsmonitor.reporting.evidence import sniff_upload
from rightsmonitor.reporting.models import Evidence
from rightsmonitor.reporting.tests.factories import (
    JPEG,
    PDF,
    ReportingWorld,
    docx_bytes,
    docx_upload,
    jpeg_upload,
    pdf_upload,
    plain_zip_bytes,
    png_bytes,
    png_upload,
    upload,
    xlsx_bytes,
    xlsx_upload,
)
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def report(reporting_world: ReportingWorld) -> Any:
    return reporting_world.start()


@pytest.mark.parametrize(
    ("make", "name", "extension", "content_type"),
    [
        (pdf_upload, "order-no-12.pdf", ".pdf", "application/pdf"),
        (png_upload, "photo.png", ".png", "image/png"),
        (jpeg_upload, "photo.jpg", ".jpg", "image/jpeg"),
        (lambda: upload("SCAN.JPEG", JPEG), "SCAN.JPEG", ".jpg", "image/jpeg"),
        (docx_upload, "report.docx", ".docx", DOCX),
        (xlsx_upload, "figures.xlsx", ".xlsx", XLSX),
    ],
)
def test_real_files_are_stored_under_random_names(
    reporting_world: ReportingWorld,
    report: Any,
    media_root: Path,
    make: Callable[[], SimpleUploadedFile],
    name: str,
    extension: str,
    content_type: str,
) -> None:
    uploaded = make()
    content = uploaded.read()
    evidence = actions.add_evidence_file(
        report, uploaded, by=reporting_world.focal_point_mia, description=" Signed order "
    )
    evidence.refresh_from_db()
    assert re.fullmatch(
        rf"evidence/{report.pk}/[0-9a-f]{{32}}{re.escape(extension)}", evidence.file.name
    )
    assert files_under(media_root) == [evidence.file.name]
    assert (media_root / evidence.file.name).read_bytes() == content
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        name,
        content_type,
        len(content),
    )
    assert (evidence.description, evidence.added_by) == (
        "Signed order",
        reporting_world.focal_point_mia,
    )
    assert evidence.storage_key in evidence.file.name


def test_the_browsers_content_type_is_not_trusted(
    reporting_world: ReportingWorld, report: Any
) -> None:
    evidence = actions.add_evidence_file(
        report, upload("scan.pdf", PDF, "image/png"), by=reporting_world.focal_point_mia
    )
    assert evidence.content_type == "application/pdf"


def docx_renamed_xlsx() -> SimpleUploadedFile:
    return upload("figures.xlsx", docx_bytes())


def docx_without_content_types() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return upload("letter.docx", buffer.getvalue())


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: upload("order.pdf", png_bytes()), "“order.pdf” is not a real PDF file"),
        (lambda: upload("letter.docx", b"Dear colleagues,\n"), "“letter.docx” is not a real DOCX file"),
        (lambda: upload("figures.xlsx", plain_zip_bytes()), "“figures.xlsx” is not a real XLSX file"),
        (docx_renamed_xlsx, "“figures.xlsx” is not a real XLSX file"),
        (lambda: upload("letter.docx", xlsx_bytes()), "“letter.docx” is not a real DOCX file"),
        (docx_without_content_types, "“letter.docx” is not a real DOCX file"),
        (lambda: upload("photo.png", JPEG), "“photo.png” is not a real PNG file"),
        (lambda: upload("photo.jpg", png_bytes()), "“photo.jpg” is not a real JPG file"),
        (lambda: upload("broken.xlsx", b"PK\x03\x04 truncated"), "“broken.xlsx” is not a real XLSX file"),
    ],
)  # fmt: skip
def test_a_forged_extension_is_refused_and_nothing_is_left(
    reporting_world: ReportingWorld,
    report: Any,
    media_root: Path,
    make: Callable[[], SimpleUploadedFile],
    message: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.add_evidence_file(report, make(), by=reporting_world.focal_point_mia)
    assert refused.value.code == "content_mismatch"
    assert refused.value.messages == [f"{message}: its content does not match its name."]
    assert files_under(media_root) == []
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("name", ["setup.exe", "notes.txt", "README", "archive.zip", "page.html"])
def test_other_types_are_refused(
    reporting_world: ReportingWorld, report: Any, media_root: Path, name: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.add_evidence_file(report, upload(name, PDF), by=reporting_world.focal_point_mia)
    assert refused.value.code == "extension"
    assert refused.value.messages == [
        "Files of this type cannot be attached. Allowed: .docx, .jpeg, .jpg, .pdf, .png, .xlsx."
    ]
    assert files_under(media_root) == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_left(
    reporting_world: ReportingWorld, report: Any, media_root: Path, settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 100
    assert len(PDF) > 100
    with pytest.raises(ValidationError) as refused:
        actions.add_evidence_file(report, pdf_upload(), by=reporting_world.focal_point_mia)
    assert refused.value.code == "too_large"
    assert refused.value.messages == ["The file is larger than 100\xa0bytes."]
    assert files_under(media_root) == []
    settings.EVIDENCE_MAX_BYTES = len(PDF)  # exactly at the limit is fine
    actions.add_evidence_file(report, pdf_upload(), by=reporting_world.focal_point_mia)
    assert len(files_under(media_root)) == 1


def test_an_empty_file_is_refused(
    reporting_world: ReportingWorld, report: Any, media_root: Path
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.add_evidence_file(
            report, upload("empty.pdf", b""), by=reporting_world.focal_point_mia
        )
    assert refused.value.code == "empty"
    assert files_under(media_root) == []


def test_a_database_failure_after_the_file_was_written_leaves_nothing(
    reporting_world: ReportingWorld, report: Any, media_root: Path
) -> None:
    # The file passes every check and is written; the row then fails validation.
    with pytest.raises(ValidationError) as refused:
        actions.add_evidence_file(
            report, pdf_upload(), by=reporting_world.focal_point_mia, description="x" * 501
        )
    assert "description" in refused.value.message_dict
    assert files_under(media_root) == []
    assert not Evidence.objects.exists()


def test_a_rolled_back_upload_leaves_an_orphan_that_prune_removes(
    reporting_world: ReportingWorld, report: Any, media_root: Path
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.add_evidence_file(report, pdf_upload(), by=reporting_world.focal_point_mia)
        raise RuntimeError("the page failed later")
    assert not Evidence.objects.exists()
    (orphan,) = files_under(media_root)
    out = io.StringIO()
    call_command("prune_evidence_files", "--older-than", "0", stdout=out)
    assert out.getvalue() == f"Deleted {orphan}\nDeleted 1 orphan file(s).\n"
    assert files_under(media_root) == []


def age(path: Path, minutes: int) -> None:
    then = time.time() - minutes * 60
    os.utime(path, (then, then))


def test_prune_evidence_files(
    reporting_world: ReportingWorld, report: Any, media_root: Path
) -> None:
    kept = actions.add_evidence_file(report, pdf_upload(), by=reporting_world.focal_point_mia)
    age(media_root / kept.file.name, 120)
    old_orphan = media_root / "evidence" / str(report.pk) / ("a" * 32 + ".pdf")
    young_orphan = media_root / "evidence" / "999" / ("b" * 32 + ".png")
    young_orphan.parent.mkdir()
    old_orphan.write_bytes(PDF)
    young_orphan.write_bytes(png_bytes())
    age(old_orphan, 61)
    unrelated = media_root / "avatars" / "me.png"  # outside evidence/: never touched
    unrelated.parent.mkdir()
    unrelated.write_bytes(png_bytes())
    age(unrelated, 1000)
    old_name = f"evidence/{report.pk}/{'a' * 32}.pdf"

    out = io.StringIO()
    call_command("prune_evidence_files", "--dry-run", stdout=out)
    assert out.getvalue() == f"Would delete {old_name}\nWould delete 1 orphan file(s).\n"
    assert len(files_under(media_root)) == 4

    out = io.StringIO()
    call_command("prune_evidence_files", stdout=out)
    assert out.getvalue() == f"Deleted {old_name}\nDeleted 1 orphan file(s).\n"
    assert files_under(media_root) == sorted(
        ["avatars/me.png", kept.file.name, f"evidence/999/{'b' * 32}.png"]
    )

    call_command("prune_evidence_files", "--older-than", "0", stdout=io.StringIO())
    assert files_under(media_root) == sorted(["avatars/me.png", kept.file.name])


def test_prune_without_an_evidence_directory(media_root: Path) -> None:
    out = io.StringIO()
    call_command("prune_evidence_files", stdout=out)
    assert out.getvalue() == "Deleted 0 orphan file(s).\n"


def test_prune_refuses_a_negative_age() -> None:
    with pytest.raises(CommandError, match="negative"):
        call_command("prune_evidence_files", "--older-than", "-1")


def test_remove_evidence_deletes_the_file_on_commit(
    reporting_world: ReportingWorld,
    report: Any,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    author = reporting_world.focal_point_mia
    first = actions.add_evidence_file(report, pdf_upload(), by=author)
    second = actions.add_evidence_file(report, png_upload(), by=author)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.remove_evidence(first, by=author)
    assert not Evidence.objects.filter(pk=first.pk).exists()
    assert (media_root / first.file.name).exists()  # not before the commit
    callbacks[0]()
    assert files_under(media_root) == [second.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_evidence(second, by=author)
    assert files_under(media_root) == []
    assert not Evidence.objects.exists()


def test_evidence_belongs_to_the_author_while_editable(
    reporting_world: ReportingWorld, report: Any, media_root: Path
) -> None:
    world = reporting_world
    evidence = actions.add_evidence_file(report, pdf_upload(), by=world.focal_point_mia)
    for outsider in (world.focal_point_gpo, world.coordinator, world.ngo_member, world.public):
        with pytest.raises(PermissionDenied):
            actions.add_evidence_file(report, pdf_upload(), by=outsider)
        with pytest.raises(PermissionDenied):
            actions.add_evidence_link(report, "https://example.org", by=outsider)
        with pytest.raises(PermissionDenied):
            actions.remove_evidence(evidence, by=outsider)

    world.take(report, "sign_off")
    for attempt in (
        lambda: actions.add_evidence_file(report, pdf_upload(), by=world.focal_point_mia),
        lambda: actions.add_evidence_link(report, "https://example.org", by=world.focal_point_mia),
        lambda: actions.remove_evidence(evidence, by=world.focal_point_mia),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.code == "not_editable"
    assert files_under(media_root) == [evidence.file.name]
    assert list(Evidence.objects.all()) == [evidence]


def test_evidence_can_change_again_once_returned(
    reporting_world: ReportingWorld, media_root: Path
) -> None:
    world = reporting_world
    report = world.report_in(ReportState.RETURNED)
    evidence = actions.add_evidence_file(report, xlsx_upload(), by=world.focal_point_mia)
    assert files_under(media_root) == [evidence.file.name]


def test_links(reporting_world: ReportingWorld, report: Any) -> None:
    link = actions.add_evidence_link(
        report,
        "  https://adilet.zan.kz/rus/docs/V2200012345  ",
        by=reporting_world.focal_point_mia,
        description="Registered order",
    )
    assert (link.url, link.file.name, link.storage_key, link.is_file) == (
        "https://adilet.zan.kz/rus/docs/V2200012345",
        "",
        "",
        False,
    )
    for bad in ("javascript:alert(1)", "not a link", ""):
        with pytest.raises(ValidationError) as refused:
            actions.add_evidence_link(report, bad, by=reporting_world.focal_point_mia)
        assert "url" in refused.value.message_dict
    assert list(Evidence.objects.all()) == [link]


def test_sniff_upload_reads_from_the_start_and_rewinds() -> None:
    uploaded = pdf_upload()
    uploaded.read(3)
    assert sniff_upload(uploaded, max_bytes=10_000).extension == ".pdf"
    assert uploaded.read() == PDF


def test_evidence_on_s3_compatible_storage(
    reporting_world: ReportingWorld,
    report: Any,
    s3_media: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """With MEDIA_S3_BUCKET the file goes to the bucket (privately), comes back through the
    permission-checked download, is deleted with its evidence, and orphans are pruned there."""
    from django.test import Client
    from django.urls import reverse

    author = reporting_world.focal_point_mia
    uploaded = pdf_upload()
    evidence = actions.add_evidence_file(report, uploaded, by=author)

    keys = [item.key for item in s3_media.objects.all()]
    assert keys == [f"rm/{evidence.file.name}"]
    assert s3_media.Object(keys[0]).get()["Body"].read() == PDF

    client = Client()
    client.force_login(author)
    url = reverse("reporting:evidence_download", args=[report.pk, evidence.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    outsider = Client()
    outsider.force_login(reporting_world.ngo_member)
    assert outsider.get(url).status_code in {403, 404}

    s3_media.put_object(Key=f"rm/evidence/999/{'c' * 32}.pdf", Body=PDF)
    call_command("prune_evidence_files", "--older-than", "0", stdout=io.StringIO())
    assert [item.key for item in s3_media.objects.all()] == keys

    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_evidence(evidence, by=author)
    assert list(s3_media.objects.all()) == []
