"""Files as a path on this machine, wherever they are stored.

Readers of big files (the UN index, indicator workbooks) need a path: they seek, and the guarded
reader (core/tabular) checks the file before parsing it. With files on local disk that is the
stored file itself; with S3-compatible storage (``MEDIA_S3_BUCKET``) the file is copied to a
temporary file first, in chunks, and removed afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any

COPY_CHUNK = 1024 * 1024


@contextmanager
def local_path(file: Any) -> Iterator[str]:
    """The path of an uploaded file (``UploadedFile``) or a stored one (``FieldFile``)."""
    if hasattr(file, "temporary_file_path"):
        yield file.temporary_file_path()
        return
    storage = getattr(file, "storage", None)
    if storage is not None:
        try:
            yield storage.path(file.name)
            return
        except NotImplementedError:
            pass  # Not on this machine's disk: copy it below.
    suffix = PurePath(file.name or "").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as copy:
        file.open("rb")
        try:
            file.seek(0)
            shutil.copyfileobj(file, copy, COPY_CHUNK)
        finally:
            if storage is not None:
                file.close()
    try:
        yield copy.name
    finally:
        Path(copy.name).unlink(missing_ok=True)
