"""Shared fragments: the parts of a page that are the same for every reader are made once per
generation of content and language, for signed-in readers too, and made again after a change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from rightsmonitor.conftest import client_for
from rightsmonitor.core import pagecache
from rightsmonitor.participation.actions import accredit_organisation
from rightsmonitor.plans import actions as plan_actions
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

FRAGMENT = Template(
    '{% load fragments %}{% shared_fragment "numbers" key %}{{ made.pop }}{% endshared_fragment %}'
)


def render(key: Any, made: list[str]) -> str:
    return FRAGMENT.render(Context({"key": key, "made": made}))


def test_a_fragment_is_made_once_for_its_values_and_language() -> None:
    made = ["third", "second", "first"]
    assert render(1, made) == "first"
    assert render(1, made) == "first"
    assert render(2, made) == "second"
    with translation.override("ru"):
        assert render(1, made) == "third"
    assert made == []


def test_a_change_of_content_makes_it_again(django_capture_on_commit_callbacks: Any) -> None:
    made = ["second", "first"]
    assert render(1, made) == "first"
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.content_changed()
    assert render(1, made) == "second"


def test_what_it_holds_is_escaped_once() -> None:
    template = Template(
        "{% load fragments %}{% shared_fragment 'text' %}{{ text }}{% endshared_fragment %}"
    )
    for _ in range(2):
        assert template.render(Context({"text": "<b>&</b>"})) == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_a_fragment_needs_a_name() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}{% shared_fragment %}{% endshared_fragment %}")


def figures(response: Any) -> str:
    html = response.content.decode()
    return html[html.index('id="by-status"') : html.index('id="overdue"')]


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_readers_dashboard_counts_once_a_generation(coordinator: Any) -> None:
    plan: Plan = build_plan(code="kz", sections=3)
    staff = client_for(coordinator)
    first = staff.get("/plans/kz/dashboard/")
    with CaptureQueriesContext(connection) as fresh:
        again = staff.get("/plans/kz/dashboard/")
    assert figures(again) == figures(first)
    # The figures are not counted again (the sessions and the deadlines are read as before).
    assert not [q for q in fresh.captured_queries if "GROUP BY" in q["sql"]]
    section = plan.sections.get(number="2")
    plan_actions.update_section(section, {"title_en": "Section renamed"}, by=coordinator)
    assert "Section renamed" in staff.get("/plans/kz/dashboard/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_plans_actions_are_shared_but_what_a_reader_may_do_is_not(
    coordinator: Any, ngo_member: Any
) -> None:
    plan: Plan = build_plan(code="kz")
    staff, member = client_for(coordinator), client_for(ngo_member)
    assert "Edit plan" in staff.get("/plans/kz/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = member.get("/plans/kz/").content.decode()
    assert "Edit plan" not in page
    assert 'id="section-' in page  # the listing, from the fragment the coordinator's read made
    assert not [q for q in queries.captured_queries if "plans_actionagency" in q["sql"]]
    action = plan.actions.get(number="1.2")
    plan_actions.update_action(action, {"title_en": "Ratify the protocol"}, by=coordinator)
    assert "Ratify the protocol" in member.get("/plans/kz/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_staff_and_everyone_else_have_fragments_of_their_own(
    coordinator: Any, ngo_member: Any
) -> None:
    build_plan(code="public-plan", title_en="Plan in force", sections=1)
    build_plan(code="draft-plan", title_en="Plan in draft", status=Plan.Status.DRAFT, sections=1)
    for path in ("/", "/plans/"):
        assert "Plan in draft" in client_for(coordinator).get(path).content.decode()
        for reader in (client_for(ngo_member), client_for(None)):
            page = reader.get(path).content.decode()
            assert "Plan in force" in page
            assert "Plan in draft" not in page


@pytest.mark.django_db(transaction=True)
def test_an_action_page_is_shared_but_the_invitation_to_rate_it_is_not(
    coordinator: Any, ngo_member: Any
) -> None:
    build_plan(code="kz")
    path = "/plans/kz/actions/1.1/"
    staff = client_for(coordinator)
    assert "Official and civil society ratings" in staff.get(path).content.decode()
    accredit_organisation(ngo_member.organisation, by=coordinator)
    member = client_for(ngo_member)
    assert "Rate this action for your organisation" in member.get(path).content.decode()
    assert "Rate this action for your organisation" not in staff.get(path).content.decode()
