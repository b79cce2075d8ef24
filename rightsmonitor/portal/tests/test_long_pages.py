"""Long plans: the plan page opens one section at a time (the others load on demand, with or
without JavaScript) and pages a long section; the dashboard pages its deadline lists. Both cost
the same number of queries whatever the plan's size. The thresholds are lowered here, so that
small plans stand for long ones."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.portal import dashboard
from rightsmonitor.portal.views import pages

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# build_plan's actions are due 31 December 2022: 25 days late on this day.
DAY = dt.date(2023, 1, 25)


@pytest.fixture
def long_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    """More than 5 actions make a long plan; a section shows 3 actions a page."""
    monkeypatch.setattr(pages, "LARGE_PLAN_ACTIONS", 5)
    monkeypatch.setattr(pages, "SECTION_PAGE_SIZE", 3)


def action_links(html: str, plan: Plan) -> set[str]:
    return {
        action.number
        for action in plan.actions.all()
        if f'href="{action.get_absolute_url()}"' in html
    }


def queries(client: Client, path: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, **headers).status_code == 200  # type: ignore[arg-type]
    return len(captured)


def test_small_plan_shows_every_action(client: Client) -> None:
    plan = build_plan(code="small", sections=2, actions_per_section=3)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert action_links(html, plan) == {"1.1", "1.2", "1.3", "2.1", "2.2", "2.3"}
    assert "One section is open at a time" not in html
    assert "?section=" not in html


@pytest.mark.usefixtures("long_plans")
def test_long_plan_shows_the_first_section_and_links_to_the_others(client: Client) -> None:
    plan = build_plan(code="long", sections=3, actions_per_section=2)
    sections = list(plan.sections.order_by("order"))
    html = client.get(plan.get_absolute_url()).content.decode()
    assert action_links(html, plan) == {"1.1", "1.2"}
    assert "One section is open at a time" in html
    # Each section with its count; the open one marked; the others a link that works without
    # JavaScript and that htmx turns into an in-place load.
    assert html.count("(2 actions)") == 3
    assert f'href="?section=1#section-{sections[0].pk}" aria-current="true"' in html
    second = sections[1]
    assert (
        f'<a href="?section=2#section-{second.pk}" hx-get="?section=2" '
        f'hx-target="#section-{second.pk}-actions"'
    ) in html
    assert "Show the 2 actions of section 2" in html
    assert html.count("<h3") == 4  # "Sections", then one heading per section
    assert response_vary(client, plan.get_absolute_url())


def response_vary(client: Client, path: str) -> bool:
    return "HX-Request" in client.get(path)["Vary"]


@pytest.mark.usefixtures("long_plans")
@pytest.mark.parametrize("wanted", ["number", "pk"])
def test_section_chosen_by_number_or_id(client: Client, wanted: str) -> None:
    # Sections of another plan first, so that no id of this plan's sections is also one of
    # its numbers ("?section=3" means the section numbered 3 before the one with id 3).
    build_plan(code="other", sections=3, actions_per_section=1)
    plan = build_plan(code="long", sections=3, actions_per_section=2)
    second = plan.sections.get(number="2")
    value = second.number if wanted == "number" else second.pk
    html = client.get(f"{plan.get_absolute_url()}?section={value}").content.decode()
    assert action_links(html, plan) == {"2.1", "2.2"}
    assert f'href="?section=2#section-{second.pk}" aria-current="true"' in html
    assert "Show the 2 actions of section 1" in html


@pytest.mark.usefixtures("long_plans")
def test_unknown_section_opens_the_first(client: Client) -> None:
    plan = build_plan(code="long", sections=3, actions_per_section=2)
    response = client.get(f"{plan.get_absolute_url()}?section=nothing&page=x")
    assert response.status_code == 200
    assert action_links(response.content.decode(), plan) == {"1.1", "1.2"}


@pytest.mark.usefixtures("long_plans")
def test_htmx_gets_the_section_alone(client: Client) -> None:
    plan = build_plan(code="long", sections=3, actions_per_section=2)
    response = client.get(f"{plan.get_absolute_url()}?section=3", **HTMX)  # type: ignore[arg-type]
    html = response.content.decode()
    assert action_links(html, plan) == {"3.1", "3.2"}
    assert "<html" not in html and "<h3" not in html
    assert '<table class="actions-table">' in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.usefixtures("long_plans")
def test_long_section_is_paged(client: Client) -> None:
    plan = build_plan(code="long", sections=1, actions_per_section=7)
    section = plan.sections.get()
    html = client.get(plan.get_absolute_url()).content.decode()
    assert action_links(html, plan) == {"1.1", "1.2", "1.3"}
    assert "Page 1 of 3" in html
    assert 'aria-label="Pages of the actions of section 1"' in html
    assert f'href="?section=1&amp;page=2#section-{section.pk}"' in html
    html = client.get(f"{plan.get_absolute_url()}?section=1&page=3").content.decode()
    assert action_links(html, plan) == {"1.7"}
    assert "Previous page" in html and "Next page" not in html
    # htmx pages in place, with the same links.
    partial = client.get(f"{plan.get_absolute_url()}?section=1&page=2", **HTMX)  # type: ignore[arg-type]
    html = partial.content.decode()
    assert action_links(html, plan) == {"1.4", "1.5", "1.6"}
    assert f'hx-target="#section-{section.pk}-actions"' in html


@pytest.mark.usefixtures("long_plans")
def test_status_summary_per_section(client: Client) -> None:
    from rightsmonitor.reporting.models import ImplementationStatus
    from rightsmonitor.reporting.tests.factories import ActionMonitoringFactory

    plan = build_plan(code="long", sections=3, actions_per_section=2)
    ActionMonitoringFactory(
        action=plan.actions.get(number="2.1"), assessed_status=ImplementationStatus.COMPLETED
    )
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "2 actions: Completed: 1; Not yet assessed: 1" in html


@pytest.mark.usefixtures("long_plans")
def test_plan_page_queries_do_not_grow(client: Client) -> None:
    small = build_plan(code="small", sections=2, actions_per_section=3)  # 6: long already
    big = build_plan(code="big", sections=6, actions_per_section=8)
    for path in ["", "?section=2", "?section=2&page=2"]:
        assert queries(client, small.get_absolute_url() + path) == queries(
            client, big.get_absolute_url() + path
        )
    assert queries(client, small.get_absolute_url() + "?section=2", **HTMX) == queries(
        client, big.get_absolute_url() + "?section=2", **HTMX
    )


def frozen(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_default_timezone()), tick=False
    )


def dashboard_url(plan: Plan) -> str:
    return reverse("portal:dashboard", args=[plan.code])


def test_dashboard_pages_its_deadlines(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard, "DEADLINES_PER_PAGE", 4)
    plan = build_plan(code="kz", sections=2, actions_per_section=5)
    # Different dates, so the order is the longest overdue first.
    for n, action in enumerate(plan.actions.order_by("section__order", "order")):
        Action.objects.filter(pk=action.pk).update(due_date=dt.date(2022, 12, 1 + n))
    with frozen(DAY):
        response = client.get(dashboard_url(plan))
    html = response.content.decode()
    assert response.context["overdue"].page.paginator.count == 10  # exact, though 4 are shown
    assert '<a href="#overdue">10</a>' in html
    assert action_links(html, plan) == {"1.1", "1.2", "1.3", "1.4"}
    assert "Showing 1–4 of 10." in html
    assert 'href="?overdue_page=2#overdue"' in html
    with frozen(DAY):
        html = client.get(dashboard_url(plan) + "?overdue_page=3").content.decode()
    assert action_links(html, plan) == {"2.4", "2.5"}
    assert "Showing 9–10 of 10." in html


def test_dashboard_queries_do_not_grow(client: Client) -> None:
    small = build_plan(code="small", sections=1, actions_per_section=3)
    big = build_plan(code="big", sections=4, actions_per_section=8)
    with frozen(DAY):
        assert queries(client, dashboard_url(small)) == queries(client, dashboard_url(big))
