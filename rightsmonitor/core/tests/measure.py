"""Measuring a process's own memory in tests (Linux's /proc), for the limits on hostile files."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

MB = 1024 * 1024


def _status(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M)[1]) * 1024  # type: ignore[index]


@contextmanager
def peak_memory_growth() -> Iterator[list[int]]:
    """How far the process's peak resident memory rose above its level at the start.

    Linux resets the peak (VmHWM) when "5" is written to ``/proc/self/clear_refs``; tracemalloc
    would do too, but slows a 300 MB parse from seconds to minutes.
    """
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("Measuring the peak memory needs Linux's /proc.")
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    growth: list[int] = []
    start = _status("VmRSS")
    yield growth
    growth.append(_status("VmHWM") - start)
