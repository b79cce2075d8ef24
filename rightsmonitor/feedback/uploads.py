"""Attachments to feedback: kept in memory only, size-limited, content checked against the name.

Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, in plaintext. A
confidential file must reach the disk only encrypted, so the submission view replaces the
upload handlers with ``BoundedMemoryUploadHandler``: the file stays in memory, and past the
size limit the rest is counted but not kept (the form then refuses the file as too large).

The allowed types are this app's own list, not reporting's: the boundary should not widen when
another app accepts more.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    magic: tuple[bytes, ...]


KINDS = {
    ".pdf": FileKind(".pdf", "application/pdf", (b"%PDF-",)),
    ".png": FileKind(".png", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileKind(".jpg", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileKind(".jpg", "image/jpeg", (b"\xff\xd8\xff",)),
}
ALLOWED_EXTENSIONS = (".jpg", ".pdf", ".png")


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keep the one attachment in memory, at most the size limit plus one byte of it.

    Any other file in the request is skipped unread, so a request full of files cannot make
    the process hold more than one limit's worth of memory.
    """

    FIELD = "attachment"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.files_kept = 0

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        if field_name != self.FIELD or self.files_kept:
            raise SkipFile
        super().new_file(field_name, *args, **kwargs)
        self.files_kept += 1
        self.buffer = BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        room = settings.FEEDBACK_MAX_ATTACHMENT_BYTES + 1 - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def check_attachment(upload: UploadedFile) -> FileKind:
    """The kind of an acceptable attachment; ValidationError with a clear message otherwise."""
    name = PurePath(upload.name or "").name
    kind = KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise ValidationError(
            _("Files of this type cannot be attached. Allowed: %(list)s.")
            % {"list": ", ".join(ext.lstrip(".").upper() for ext in ALLOWED_EXTENSIONS)},
            code="extension",
        )
    if (upload.size or 0) > settings.FEEDBACK_MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s.")
            % {"size": filesizeformat(settings.FEEDBACK_MAX_ATTACHMENT_BYTES)},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in kind.magic):
        raise ValidationError(
            _("“%(name)s” is not a real %(type)s file: its content does not match its name.")
            % {"name": name, "type": kind.extension.lstrip(".").upper()},
            code="content_mismatch",
        )
    return kind
