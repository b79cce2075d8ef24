"""Two web processes (gunicorn, on two ports) and a worker on one PostgreSQL and one Redis:
what one process does, the other knows."""

from __future__ import annotations

import io
import time

import openpyxl
import requests

from resilience.stack import Stack, browser, sign_in, submit, wait_until


def test_two_web_processes_share_sign_in_cache_rate_limits_and_the_queue(stack: Stack) -> None:
    from rightsmonitor.plans.models import Plan, Section
    from rightsmonitor.recommendations.models import ImportRun, Recommendation

    limits = {"API_RATE_ANON": "20/minute"}
    one, two = stack.web(limits), stack.web(limits)
    stack.worker()

    # 1. Signed in on one, signed in on two (the session is in Redis and the database).
    coordinator = browser()
    sign_in(coordinator, one)
    dashboard = coordinator.get(f"{two}/manage/", timeout=30)
    assert dashboard.status_code == 200
    assert "/accounts/login/" not in dashboard.url
    assert "coordinator@demo.rightsmonitor.org" in dashboard.text

    # 2. A change through one is on two's cached page.
    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    section = Section.objects.filter(plan=plan).order_by("number").first()
    assert section is not None
    page = f"{two}/plans/{plan.code}/"
    reader = browser()
    first = reader.get(page, timeout=30)
    again = reader.get(page, timeout=30)
    assert first.status_code == again.status_code == 200
    assert again.headers["X-Public-Cache"] == "hit"
    new_title = "Gender equality and the rights of women — amended"
    assert new_title not in again.text
    edit = submit(
        coordinator,
        f"{one}/manage/plans/{plan.code}/sections/{section.pk}/",
        {"title_en": new_title},
    )
    assert (
        edit.status_code == 200
        and edit.url != f"{one}/manage/plans/{plan.code}/sections/{section.pk}/"
    ), edit.text[-1500:]
    time.sleep(1.2)  # PUBLIC_CACHE_LOCAL_SECONDS: each process trusts its own copy for 1 s.
    after = reader.get(page, timeout=30)
    assert after.status_code == 200
    assert new_title in after.text

    # 3. The API's rate limit counts requests on both processes together.
    statuses = []
    for number in range(26):
        base = one if number % 2 else two
        statuses.append(
            requests.get(f"{base}/api/v1/plans/?limit=1&n={number}", timeout=30).status_code
        )
    assert statuses[:20] == [200] * 20, statuses
    assert set(statuses[20:]) == {429}, statuses

    # 4. An import queued through one is run by the worker.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Text",
            "Countries Concerned",
            "Reccomending Body",
            "Document Symbol",
            "Document Publication Date",
            "Type",
            "OHCHR Annotation Id",
        ]
    )
    sheet.append(
        [
            "Ratify the Optional Protocol to the Convention against Torture.",
            "- Kazakhstan",
            "- CAT",
            "CAT/C/KAZ/CO/9",
            "2031-01-01",
            "- Recommendation",
            "resilience-0001",
        ]
    )
    data = io.BytesIO()
    workbook.save(data)
    before = Recommendation.objects.count()
    queued = submit(
        coordinator,
        f"{one}/recommendations/import/",
        {"format": "uhri-xlsx"},
        files={"file": ("uhri.xlsx", data.getvalue())},
    )
    assert queued.status_code == 200, queued.text[-1500:]
    run = ImportRun.objects.order_by("-pk").first()
    assert run is not None
    wait_until(
        lambda: ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.DONE,
        timeout=60,
        what="the worker to import the file",
    )
    assert Recommendation.objects.count() == before + 1
