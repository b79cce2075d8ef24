"""Check an uploaded evidence file: size, and content that matches its extension.

A file named ``report.pdf`` must start like a PDF; a ``.docx`` or ``.xlsx`` must be a ZIP
holding the parts Word or Excel write. A forged extension is refused, whatever the browser
said the content type was.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    magic: tuple[bytes, ...] = ()
    zip_member_prefix: str = ""  # for Office files: a part the ZIP must contain


KINDS = {
    ".pdf": FileKind(".pdf", "application/pdf", (b"%PDF-",)),
    ".png": FileKind(".png", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileKind(".jpg", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileKind(".jpg", "image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": FileKind(
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
        "word/",
    ),
    ".xlsx": FileKind(
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
        "xl/",
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
        kind.zip_member_prefix and not _zip_has(upload, kind.zip_member_prefix)
    ):
        raise ValidationError(
            _("“%(name)s” is not a real %(type)s file: its content does not match its name.")
            % {"name": name, "type": extension.lstrip(".").upper()},
            code="content_mismatch",
        )
    return kind


def _zip_has(upload: UploadedFile, prefix: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(member.startswith(prefix) for member in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
