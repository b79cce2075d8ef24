"""Staff pages of the plan register, through the front door (Django test client, real DB)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rightsmonitor.accounts.tests.factories import AdministratorFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Action, ActionAgency, Agency, Plan, Section
from rightsmonitor.plans.tests.factories import (
    ActionAgencyFactory,
    ActionFactory,
    AgencyFactory,
    PlanFactory,
    SectionFactory,
    ThemeFactory,
    build_plan,
)

pytestmark = pytest.mark.django_db


# Helpers -------------------------------------------------------------------------------------


def hidden_version(response: Any) -> str:
    match = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert match, "the form carries no version"
    return match.group(1)


def plan_data(plan: Plan, **overrides: Any) -> dict[str, Any]:
    data = {
        "title_en": plan.title_en,
        "title_ru": plan.title_ru,
        "title_kk": plan.title_kk,
        "description_en": plan.description_en,
        "country": plan.country,
        "status": plan.status,
        "period_start": plan.period_start.isoformat() if plan.period_start else "",
        "period_end": plan.period_end.isoformat() if plan.period_end else "",
        "adopting_instrument": plan.adopting_instrument_id or "",
        "version": plan.version,
    }
    data.update(overrides)
    return data


def action_data(section: Section, **overrides: Any) -> dict[str, Any]:
    data = {
        "section": section.pk,
        "number": "1.9",
        "title_en": "Adopt a law on peaceful assemblies",
        "deadline": "December 2026",
        "agencies": "MIA",
    }
    data.update(overrides)
    return data


@pytest.fixture
def plan() -> Plan:
    return build_plan(sections=2, actions_per_section=2, code="kz-hr-2022")


# Plans ---------------------------------------------------------------------------------------


def test_create_plan(coordinator_client: Client, coordinator: Any) -> None:
    response = coordinator_client.post(
        reverse("manage:plan_create"),
        {
            "code": "kz-hr-2026",
            "title_en": "Human rights action plan 2026",
            "country": "kaz",
            "status": Plan.Status.DRAFT,
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
        },
    )
    plan = Plan.objects.get(code="kz-hr-2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:plan_edit", args=[plan.code])
    assert plan.country == "KAZ"
    assert plan.period_end == datetime.date(2027, 12, 31)
    assert plan.history.get().history_user == coordinator


def test_create_plan_needs_a_title_and_a_real_country(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        reverse("manage:plan_create"), {"code": "x", "country": "XXX", "status": "draft"}
    )
    assert response.status_code == 200
    assert "Give the plan a title in at least one language." in response.content.decode()
    assert response.context["form"].errors["country"]
    assert not Plan.objects.filter(code="x").exists()


def test_plan_form_groups_translations_with_labels(coordinator_client: Client, plan: Plan) -> None:
    content = coordinator_client.get(reverse("manage:plan_edit", args=[plan.code])).content.decode()
    assert "<legend>Title</legend>" in content
    assert '<label for="id_title_ru">Russian:</label>' in content
    assert 'lang="kk"' in content
    assert "<script>" not in content and "style=" not in content
    assert 'name="code"' not in content  # the code is set once, on creation


def test_edit_plan_with_current_version(coordinator_client: Client, plan: Plan) -> None:
    url = reverse("manage:plan_edit", args=[plan.code])
    version = hidden_version(coordinator_client.get(url))
    response = coordinator_client.post(url, plan_data(plan, title_en="Renamed", version=version))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title_en == "Renamed"
    assert plan.version == int(version) + 1


def test_concurrent_edit_is_refused_and_keeps_the_first_change(
    plan: Plan, coordinator: Any, administrator: Any
) -> None:
    url = reverse("manage:plan_edit", args=[plan.code])
    first, second = client_for(coordinator), client_for(administrator)
    version_first = hidden_version(first.get(url))
    version_second = hidden_version(second.get(url))
    assert version_first == version_second

    assert (
        first.post(url, plan_data(plan, title_en="First", version=version_first)).status_code == 302
    )
    response = second.post(url, plan_data(plan, title_en="Second", version=version_second))

    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else changed this record while you were editing it." in content
    assert 'value="Second"' in content  # the user's input is kept for them to reapply
    plan.refresh_from_db()
    assert plan.title_en == "First"


def test_superseded_by_offers_other_plans_only(coordinator_client: Client, plan: Plan) -> None:
    other = PlanFactory(code="older")
    form = coordinator_client.get(reverse("manage:plan_edit", args=[plan.code])).context["form"]
    choices = list(form.fields["superseded_by"].queryset)
    assert other in choices and plan not in choices


# Sections ------------------------------------------------------------------------------------


def test_section_create_edit_move_delete(coordinator_client: Client, plan: Plan) -> None:
    response = coordinator_client.post(
        reverse("manage:section_create", args=[plan.code]), {"number": "3", "title_en": "Courts"}
    )
    assert response.status_code == 302
    new = plan.sections.get(number="3")
    assert list(plan.sections.values_list("number", flat=True)) == ["1", "2", "3"]

    edit_url = reverse("manage:section_edit", args=[plan.code, new.pk])
    version = hidden_version(coordinator_client.get(edit_url))
    response = coordinator_client.post(
        edit_url, {"number": "3", "title_en": "Justice", "version": version}
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.title_en == "Justice"

    move_url = reverse("manage:section_move", args=[plan.code, new.pk])
    assert coordinator_client.post(move_url, {"offset": "-1"}).status_code == 302
    assert list(plan.sections.values_list("number", flat=True)) == ["1", "3", "2"]

    first = plan.sections.get(number="1")
    assert first.actions.count() == 2
    response = coordinator_client.post(reverse("manage:section_delete", args=[plan.code, first.pk]))
    assert response.status_code == 302
    assert not Section.objects.filter(pk=first.pk).exists()
    assert not Action.objects.filter(section_id=first.pk).exists()


def test_duplicate_section_number_is_a_field_error(coordinator_client: Client, plan: Plan) -> None:
    response = coordinator_client.post(
        reverse("manage:section_create", args=[plan.code]), {"number": "2", "title_en": "Again"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == [
        "This plan already has a section numbered 2."
    ]


def test_htmx_move_returns_the_section_list_partial(coordinator_client: Client, plan: Plan) -> None:
    second = plan.sections.get(number="2")
    response = coordinator_client.post(
        reverse("manage:section_move", args=[plan.code, second.pk]),
        {"offset": "-1"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.startswith('<div id="plan-sections">')
    assert content.index("2. ") < content.index("1. ")

    action = second.actions.get(number="2.2")
    response = coordinator_client.post(
        reverse("manage:action_move", args=[plan.code, action.pk]),
        {"offset": "-1"},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in response.content.decode()
    assert list(second.actions.order_by("order").values_list("number", flat=True)) == ["2.2", "2.1"]


def test_move_needs_a_valid_offset(coordinator_client: Client, plan: Plan) -> None:
    section = plan.sections.first()
    assert section is not None
    response = coordinator_client.post(
        reverse("manage:section_move", args=[plan.code, section.pk]), {"offset": "7"}
    )
    assert response.status_code == 400


def test_plan_edit_lists_sections_with_buttons(coordinator_client: Client, plan: Plan) -> None:
    content = coordinator_client.get(reverse("manage:plan_edit", args=[plan.code])).content.decode()
    section = plan.sections.get(number="1")
    assert "MIA, GPO (as agreed)" in content
    assert f'hx-post="{reverse("manage:section_move", args=[plan.code, section.pk])}"' in content
    assert 'hx-target="#plan-sections"' in content
    assert "data-confirm=" in content
    assert f"{reverse('manage:action_create', args=[plan.code])}?section={section.pk}" in content


# Actions -------------------------------------------------------------------------------------


def test_create_action_with_agencies(coordinator_client: Client, plan: Plan) -> None:
    section = plan.sections.get(number="1")
    theme = ThemeFactory(key="assembly")
    response = coordinator_client.post(
        reverse("manage:action_create", args=[plan.code]),
        action_data(section, agencies="MIA, GPO (as agreed)", themes=[theme.pk]),
    )
    assert response.status_code == 302
    action = plan.actions.get(number="1.9")
    lead, partner = action.assignments.order_by("order")
    assert (lead.agency.abbreviation, lead.role, lead.as_agreed) == (
        "MIA",
        ActionAgency.Role.LEAD,
        False,
    )
    assert (partner.agency.abbreviation, partner.role, partner.as_agreed) == (
        "GPO",
        ActionAgency.Role.CO_EXECUTOR,
        True,
    )
    assert action.due_date == datetime.date(2026, 12, 31)
    assert list(action.themes.all()) == [theme]


def test_unknown_agency_is_a_field_error_and_nothing_is_saved(
    coordinator_client: Client, plan: Plan
) -> None:
    section = plan.sections.get(number="1")
    response = coordinator_client.post(
        reverse("manage:action_create", args=[plan.code]), action_data(section, agencies="MIA, XYZ")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["agencies"]
    assert any("XYZ" in error for error in errors)
    assert not plan.actions.filter(number="1.9").exists()
    assert not Agency.objects.filter(abbreviation="XYZ").exists()


def test_duplicate_action_number_is_a_field_error(coordinator_client: Client, plan: Plan) -> None:
    section = plan.sections.get(number="2")
    response = coordinator_client.post(
        reverse("manage:action_create", args=[plan.code]), action_data(section, number="1.1")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == [
        "This plan already has an action numbered 1.1."
    ]


def test_section_choices_are_limited_to_the_plan(coordinator_client: Client, plan: Plan) -> None:
    foreign = SectionFactory(plan=PlanFactory())
    response = coordinator_client.post(
        reverse("manage:action_create", args=[plan.code]), action_data(foreign)
    )
    assert response.status_code == 200
    assert "section" in response.context["form"].errors


def test_edit_action_changes_agencies_and_keeps_version(
    coordinator_client: Client, plan: Plan
) -> None:
    action = plan.actions.get(number="1.1")
    AgencyFactory(abbreviation="MLSP")
    url = reverse("manage:action_edit", args=[plan.code, action.pk])
    response = coordinator_client.get(url)
    assert response.context["form"]["agencies"].value() == "MIA, GPO (as agreed)"
    data = action_data(
        action.section,
        number="1.1",
        agencies="GPO, MLSP",
        deadline=action.deadline_text,
        version=hidden_version(response),
    )
    assert coordinator_client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert action.agencies_text == "GPO, MLSP"
    assert action.lead is not None and action.lead.agency.abbreviation == "GPO"

    stale = coordinator_client.post(url, {**data, "title_en": "Stale"})
    assert stale.status_code == 409
    action.refresh_from_db()
    assert action.title_en == data["title_en"]


def test_unreadable_deadline_is_flagged_then_settled_with_a_due_date(
    coordinator_client: Client, plan: Plan
) -> None:
    section = plan.sections.get(number="1")
    response = coordinator_client.post(
        reverse("manage:action_create", args=[plan.code]),
        action_data(section, deadline="after the law is adopted"),
        follow=True,
    )
    action = plan.actions.get(number="1.9")
    assert action.deadline_needs_review
    assert action.deadline_text == "after the law is adopted"
    assert "The deadline could not be read; set the due date." in response.content.decode()
    assert response.request["PATH_INFO"] == reverse(
        "manage:action_edit", args=[plan.code, action.pk]
    )

    dashboard = coordinator_client.get(reverse("manage:dashboard")).content.decode()
    assert reverse("manage:action_edit", args=[plan.code, action.pk]) in dashboard

    url = reverse("manage:action_edit", args=[plan.code, action.pk])
    data = action_data(
        section,
        deadline="after the law is adopted",
        due_date="2026-06-30",
        version=hidden_version(coordinator_client.get(url)),
    )
    assert coordinator_client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert not action.deadline_needs_review
    assert action.due_date == datetime.date(2026, 6, 30)
    assert action.deadline_text == "after the law is adopted"
    assert action.history.first().history_change_reason == "due date set"


def test_delete_action(coordinator_client: Client, plan: Plan) -> None:
    action = plan.actions.get(number="2.1")
    response = coordinator_client.post(reverse("manage:action_delete", args=[plan.code, action.pk]))
    assert response.status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()


# History -------------------------------------------------------------------------------------


def test_plan_history_lists_the_change_and_its_author(
    coordinator_client: Client, plan: Plan
) -> None:
    url = reverse("manage:plan_edit", args=[plan.code])
    version = hidden_version(coordinator_client.get(url))
    coordinator_client.post(url, plan_data(plan, title_en="Renamed plan", version=version))
    section = plan.sections.get(number="2")
    coordinator_client.post(
        reverse("manage:section_move", args=[plan.code, section.pk]), {"offset": "-1"}
    )

    response = coordinator_client.get(reverse("manage:plan_history", args=[plan.code]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "coordinator@example.org" in content
    assert "Title (English):" in content and "→ Renamed plan" in content
    assert "Section 2" in content and "reordered" in content
    first = response.context["entries"][0]
    assert first.type_label == "Changed"


def test_action_history_shows_agency_changes(coordinator_client: Client, plan: Plan) -> None:
    action = plan.actions.get(number="1.1")
    url = reverse("manage:action_edit", args=[plan.code, action.pk])
    data = action_data(
        action.section,
        number="1.1",
        agencies="MIA",
        deadline="Q4 2026",
        version=hidden_version(coordinator_client.get(url)),
    )
    coordinator_client.post(url, data)
    response = coordinator_client.get(reverse("manage:action_history", args=[plan.code, action.pk]))
    content = response.content.decode()
    assert "Responsible agency: GPO" in content and "Deleted" in content
    assert "Deadline as written: December 2022 → Q4 2026" in content
    assert "coordinator@example.org" in content


def test_history_is_paginated_in_constant_queries(
    coordinator_client: Client, plan: Plan, coordinator: Any, django_assert_max_num_queries: Any
) -> None:
    from rightsmonitor.plans.actions import update_plan

    for n in range(60):
        update_plan(plan, {"title_en": f"Title {n}"}, by=coordinator)
    url = reverse("manage:plan_history", args=[plan.code])
    with django_assert_max_num_queries(12):
        response = coordinator_client.get(url)
    assert len(response.context["entries"]) == 50
    assert "Title 58 → Title 59" in response.content.decode()
    second = coordinator_client.get(url, {"page": 2})
    assert len(second.context["entries"]) == response.context["page"].paginator.count - 50


# Access --------------------------------------------------------------------------------------


def page_urls(plan: Plan) -> list[str]:
    section = plan.sections.get(number="1")
    action = plan.actions.get(number="1.1")
    return [
        reverse("manage:dashboard"),
        reverse("manage:plan_create"),
        reverse("manage:plan_edit", args=[plan.code]),
        reverse("manage:plan_history", args=[plan.code]),
        reverse("manage:section_create", args=[plan.code]),
        reverse("manage:section_edit", args=[plan.code, section.pk]),
        reverse("manage:action_create", args=[plan.code]),
        reverse("manage:action_edit", args=[plan.code, action.pk]),
        reverse("manage:action_history", args=[plan.code, action.pk]),
    ]


def post_urls(plan: Plan) -> list[str]:
    section = plan.sections.get(number="1")
    action = plan.actions.get(number="1.1")
    return [
        reverse("manage:section_move", args=[plan.code, section.pk]),
        reverse("manage:action_move", args=[plan.code, action.pk]),
        reverse("manage:action_delete", args=[plan.code, action.pk]),
        reverse("manage:section_delete", args=[plan.code, section.pk]),
    ]


@pytest.mark.parametrize(
    ("user", "status"),
    [("administrator", 200), ("coordinator", 200), ("focal_point_mia", 403), ("ngo_member", 403)],
)
def test_pages_by_role(request: pytest.FixtureRequest, plan: Plan, user: str, status: int) -> None:
    client = client_for(request.getfixturevalue(user))
    for url in page_urls(plan):
        assert client.get(url).status_code == status, url


def test_anonymous_users_are_sent_to_log_in(client: Client, plan: Plan) -> None:
    login = reverse("accounts:login")
    for url in page_urls(plan) + post_urls(plan):
        response = client.post(url) if url in post_urls(plan) else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url


@pytest.mark.parametrize("user", ["focal_point_mia", "ngo_member"])
def test_posts_refused_without_the_right(
    request: pytest.FixtureRequest, plan: Plan, user: str
) -> None:
    client = client_for(request.getfixturevalue(user))
    for url in post_urls(plan):
        assert client.post(url, {"offset": "1"}).status_code == 403, url
    assert plan.actions.count() == 4
    assert (
        client.post(reverse("manage:plan_create"), {"code": "x", "title_en": "x"}).status_code
        == 403
    )


def test_drafts_are_not_revealed_to_non_staff(plan: Plan, ngo_member: Any) -> None:
    draft = PlanFactory(status=Plan.Status.DRAFT)
    client = client_for(ngo_member)
    assert client.get(reverse("manage:plan_edit", args=[draft.code])).status_code == 404
    assert client.get(reverse("manage:plan_edit", args=[plan.code])).status_code == 403


def test_unknown_objects_and_other_plans_objects_are_404(
    coordinator_client: Client, plan: Plan
) -> None:
    other = build_plan(sections=1, actions_per_section=1, code="other")
    other_section = other.sections.get()
    other_action = other.actions.get()
    urls = [
        reverse("manage:plan_edit", args=["missing"]),
        reverse("manage:plan_history", args=["missing"]),
        reverse("manage:section_edit", args=[plan.code, other_section.pk]),
        reverse("manage:action_edit", args=[plan.code, other_action.pk]),
        reverse("manage:action_history", args=[plan.code, other_action.pk]),
        reverse("manage:section_edit", args=[plan.code, 999999]),
    ]
    for url in urls:
        assert coordinator_client.get(url).status_code == 404, url
    for url in [
        reverse("manage:section_delete", args=[plan.code, other_section.pk]),
        reverse("manage:action_delete", args=[plan.code, other_action.pk]),
        reverse("manage:action_move", args=[plan.code, other_action.pk]),
    ]:
        assert coordinator_client.post(url, {"offset": "1"}).status_code == 404, url
    assert Action.objects.filter(pk=other_action.pk).exists()


def test_move_and_delete_need_post(coordinator_client: Client, plan: Plan) -> None:
    for url in post_urls(plan):
        assert coordinator_client.get(url).status_code == 405, url


# Query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(("sections", "actions_per_section"), [(2, 5), (10, 30)])
def test_plan_edit_and_dashboard_in_constant_queries(
    coordinator_client: Client,
    django_assert_max_num_queries: Any,
    sections: int,
    actions_per_section: int,
) -> None:
    plan = build_plan(sections=sections, actions_per_section=actions_per_section)
    assert plan.actions.count() == sections * actions_per_section
    Action.objects.filter(pk__in=plan.actions.values("pk")[:5]).update(deadline_needs_review=True)
    ActionAgencyFactory(action=ActionFactory(section=plan.sections.first(), plan=plan))

    # session, user, plan, sections, actions, assignments, themes, and the form's choices
    # (instruments twice, agencies, plans): the same for 10 and 300 actions.
    with django_assert_max_num_queries(14):
        assert (
            coordinator_client.get(reverse("manage:plan_edit", args=[plan.code])).status_code == 200
        )
    # session, user, plans with counts, actions to review
    with django_assert_max_num_queries(6):
        response = coordinator_client.get(reverse("manage:dashboard"))
    assert response.status_code == 200
    assert len(response.context["to_review"]) == 5


# Admin ---------------------------------------------------------------------------------------


def test_admin_pages_render(plan: Plan) -> None:
    client = client_for(AdministratorFactory(email="root@example.org", is_superuser=True))
    action = plan.actions.first()
    assert action is not None
    for name in ["instrument", "agency", "formofcompletion", "theme", "plan", "section", "action"]:
        assert client.get(reverse(f"admin:plans_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:plans_plan_change", args=[plan.pk])).status_code == 200
    assert client.get(reverse("admin:plans_action_change", args=[action.pk])).status_code == 200
    assert client.get(reverse("admin:plans_action_history", args=[action.pk])).status_code == 200


def test_admin_change_bumps_the_version(plan: Plan) -> None:
    """An edit form opened before an administrator's change must not overwrite it."""
    client = client_for(AdministratorFactory(email="root@example.org", is_superuser=True))
    section = plan.sections.get(number="1")
    response = client.post(
        reverse("admin:plans_section_change", args=[section.pk]),
        {"plan": plan.pk, "number": "1", "title_en": "Renamed by admin", "order": section.order},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.title_en, section.version) == ("Renamed by admin", 2)
    assert section.history.first().history_user.email == "root@example.org"
