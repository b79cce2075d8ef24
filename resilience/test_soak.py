"""A load run: eight connections on the main pages and API lists for SOAK_SECONDS (45 in CI;
``make soak`` runs 300), while a coordinator edits the plan every few seconds (so cached pages
are dropped and made again under load, and the worker warms them). It must end with no error
and no failed request."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections import Counter

from resilience.stack import Stack, browser, sign_in, submit

SECONDS = int(os.environ.get("SOAK_SECONDS", "45"))


def hey(url: str, seconds: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["hey", "-z", f"{seconds}s", "-c", "1", "-t", "30", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def statuses(report: str) -> tuple[Counter[int], list[str]]:
    codes = Counter(
        {
            int(code): int(count)
            for code, count in re.findall(r"\[(\d{3})\]\s+(\d+) responses", report)
        }
    )
    errors = (
        report.split("Error distribution:", 1)[1].strip().splitlines()
        if "Error distribution:" in report
        else []
    )
    return codes, errors


def test_a_load_run_ends_with_zero_errors(stack: Stack) -> None:
    from rightsmonitor.plans.models import Plan, Section

    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    section = Section.objects.filter(plan=plan).order_by("number").first()
    assert section is not None
    web = stack.web({"WEB_CONCURRENCY": "3", "PUBLIC_CACHE_WARM_DELAY": "2"})
    stack.worker()
    paths = [
        "/",
        f"/plans/{plan.code}/",
        f"/ru/plans/{plan.code}/dashboard/",
        f"/kk/plans/{plan.code}/",
        "/search/?q=torture",
        "/recommendations/?q=women",
        f"/api/v1/actions/?plan={plan.code}&limit=50",
        "/api/v1/recommendations/?limit=50",
    ]
    loads = [hey(f"{web}{path}", SECONDS) for path in paths]

    edits: list[int] = []
    coordinator = browser()
    sign_in(coordinator, web)
    deadline = time.monotonic() + SECONDS - 2

    def edit_now_and_then() -> None:
        number = 0
        while time.monotonic() < deadline:
            number += 1
            answer = submit(
                coordinator,
                f"{web}/manage/plans/{plan.code}/sections/{section.pk}/",
                {"title_en": f"Gender equality (edit {number})"},
            )
            edits.append(answer.history[0].status_code if answer.history else answer.status_code)
            time.sleep(3)

    editor = threading.Thread(target=edit_now_and_then)
    editor.start()
    reports = [load.communicate(timeout=SECONDS + 120)[0] for load in loads]
    editor.join()

    total: Counter[int] = Counter()
    for path, report in zip(paths, reports, strict=True):
        codes, errors = statuses(report)
        assert not errors, f"{path}: {errors}"
        assert set(codes) == {200}, f"{path}: {codes}"
        total += codes
    print(f"{SECONDS} s, 8 connections: {sum(total.values())} requests, {dict(total)}; "
          f"{len(edits)} edits {Counter(edits)}")  # fmt: skip
    assert sum(total.values()) > SECONDS * 8
    assert edits and set(edits) == {302}
