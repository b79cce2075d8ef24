"""Check an uploaded evidence file: size, and content that matches its extension.

A file named ``report.pdf`` must start like a PDF; a ``.docx`` or ``.xlsx`` must be a ZIP
holding the parts Word or Excel write. A forged extension is refused, whatever the browser
said the content type was.

Files live under ``MEDIA_ROOT/evidence/`` (or the S3 bucket) with random names and are served
only by ``file_response``, never from MEDIA_URL. ``orphan_evidence_files`` finds
files no ``Evidence`` row names (left by a transaction that rolled back after the file was
written); the ``prune_evidence_files`` command removes them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from rightsmonitor.reporting.models import Evidence

EVIDENCE_DIRECTORY = "evidence"


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    magic: tuple[bytes, ...] = ()
    zip_members: tuple[str, ...] = ()  # for Office files: the parts the ZIP must contain


KINDS = {
    ".pdf": FileKind(".pdf", "application/pdf", (b"%PDF-",)),
    ".png": FileKind(".png", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileKind(".jpg", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileKind(".jpg", "image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": FileKind(
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
        ("[Content_Types].xml", "word/document.xml"),
    ),
    ".xlsx": FileKind(
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
        ("[Content_Types].xml", "xl/workbook.xml"),
    ),
}
ALLOWED_EXTENSIONS = tuple(sorted(KINDS))


def sniff_upload(upload: UploadedFile, *, max_bytes: int) -> FileKind:
    """The kind of an acceptable upload; ValidationError with a clear message otherwise."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    kind = KINDS.get(extension)
    if kind is None:
        raise ValidationError(
            _("Files of this type cannot be attached. Allowed: %(list)s.")
            % {"list": ", ".join(ALLOWED_EXTENSIONS)},
            code="extension",
        )
    if (upload.size or 0) > max_bytes:
        raise ValidationError(
            _("The file is larger than %(size)s.") % {"size": filesizeformat(max_bytes)},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in kind.magic) or (
        kind.zip_members and not _zip_has(upload, kind.zip_members)
    ):
        raise ValidationError(
            _("“%(name)s” is not a real %(type)s file: its content does not match its name.")
            % {"name": name, "type": extension.lstrip(".").upper()},
            code="content_mismatch",
        )
    return kind


def _zip_has(upload: UploadedFile, members: tuple[str, ...]) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(members) <= set(archive.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        return False
    finally:
        upload.seek(0)


# How long browsers and proxies may keep a public file (the evidence of an accepted report).
PUBLIC_MAX_AGE = 60 * 60


def file_response(evidence: Evidence, *, public: bool) -> FileResponse:
    """The stored file as a safe download, for a view that has decided who may have it.

    Always an attachment under its original name (``filename*``, RFC 5987, for names that are
    not ASCII), with the content type of its checked extension and ``nosniff``, so a browser
    never renders it in the site's origin. Public files may be cached; private ones never.
    Streams from any storage (local disk or S3). Http404 for a link or a missing file.
    """
    if not evidence.file.name:
        raise Http404
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = KINDS.get(evidence.extension.lower())
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or f"evidence{evidence.extension}",
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = (
        f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-store"
    )
    return response


def stored_evidence_files(storage: Storage) -> Iterator[str]:
    """The names of every file under the evidence directory of ``storage``. Listed, not asked
    whether it exists: an object store (S3) has no directories, only names with slashes."""
    pending = [EVIDENCE_DIRECTORY]
    while pending:
        directory = pending.pop()
        try:
            subdirectories, files = storage.listdir(directory)
        except FileNotFoundError:
            continue
        pending.extend(f"{directory}/{name}" for name in sorted(subdirectories))
        yield from (f"{directory}/{name}" for name in sorted(files))


def orphan_evidence_files(storage: Storage, *, older_than: timedelta) -> list[str]:
    """Files under the evidence directory that no ``Evidence`` row names.

    Only files last modified more than ``older_than`` ago count: a younger one may belong to
    an upload whose transaction has not committed yet.
    """
    referenced = set(Evidence.objects.exclude(file="").values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    return [
        name
        for name in stored_evidence_files(storage)
        if name not in referenced and storage.get_modified_time(name) < cutoff
    ]
