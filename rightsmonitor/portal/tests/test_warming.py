"""After public content changed, the background worker makes the pages everyone opens again,
so that their first reader does not pay for making them (portal/warming.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.signals import request_finished
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rightsmonitor.core import pagecache
from rightsmonitor.plans import actions as plan_actions
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.portal.warming import warm_paths, warm_public_pages

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def warming(settings: Any) -> None:
    settings.PUBLIC_CACHE_WARM_SECONDS = 120
    settings.SITE_URL = "http://testserver"


def queued() -> int:
    return DBTaskResult.objects.filter(
        task_path=warm_public_pages.module_path, status=TaskResultStatus.READY
    ).count()


def state(path: str) -> str | None:
    response = Client().get(path)
    assert response.status_code == 200
    return response.headers.get(pagecache.CACHE_HEADER)


@pytest.mark.usefixtures("warming")
def test_a_change_queues_one_run_that_makes_the_main_pages(coordinator: Any) -> None:
    plan = build_plan(code="kz")
    build_plan(code="draft", status=Plan.Status.DRAFT)
    assert queued() == 1  # however many saves made the plans
    plan_actions.update_plan(plan, {"title_en": "Plan, as amended"}, by=coordinator)
    assert queued() == 1

    paths = warm_paths()
    assert paths[:3] == ["/", "/ru/", "/kk/"]
    assert "/ru/plans/kz/dashboard/" in paths
    assert not [path for path in paths if "draft" in path]

    assert warm_public_pages.call() == {"made": len(paths), "failed": 0}
    for path in ("/", "/kk/plans/", "/plans/kz/", "/ru/plans/kz/dashboard/", "/recommendations/"):
        assert state(path) == "hit"
    assert "Plan, as amended" in Client().get("/plans/kz/").content.decode()


def test_without_the_shared_cache_nothing_is_queued(settings: Any) -> None:
    settings.PUBLIC_CACHE_WARM_SECONDS = 120
    settings.PUBLIC_CACHE_SECONDS = 0
    build_plan(code="kz")
    assert queued() == 0
    assert warm_public_pages.call() == {"made": 0, "failed": 0}


@pytest.mark.usefixtures("warming")
def test_a_run_stops_when_the_content_changes_again_or_its_time_is_up(settings: Any) -> None:
    build_plan(code="kz")

    def change(**_kwargs: Any) -> None:
        pagecache.content_changed()  # as another process would, while the run goes on

    request_finished.connect(change, dispatch_uid="test-change")
    try:
        assert warm_public_pages.call() == {"made": 1, "failed": 0}
    finally:
        request_finished.disconnect(dispatch_uid="test-change")
    settings.PUBLIC_CACHE_WARM_SECONDS = 0.000001  # up before the second page
    assert warm_public_pages.call()["made"] == 1
