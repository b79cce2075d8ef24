"""Tasks that tests (and the resilience suite's worker processes) queue: they leave a trace."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def leave_mark(path: str, seconds: float = 0.0) -> str:
    """Sleeps, then appends a line to ``path``: a test can tell whether, and how often, it ran."""
    time.sleep(seconds)
    with Path(path).open("a") as marks:
        marks.write("ran\n")
    return path
