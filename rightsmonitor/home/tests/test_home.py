"""A home per role: each demo login lands on a page of what waits for it, in a fixed number of
queries, with the count in the navigation and a focal point's lists as a workbook."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.participation.models import Comment
from rightsmonitor.participation.workflow import CommentState
from rightsmonitor.plans.models import Action, Agency
from rightsmonitor.plans.tests.factories import AgencyFactory
from rightsmonitor.portal.management.commands._demo import DEMO_COORDINATOR
from rightsmonitor.reporting.actions import assign_report
from rightsmonitor.reporting.models import Notification
from rightsmonitor.reporting.tests.factories import build_reporting_world

pytestmark = pytest.mark.django_db

FOCAL = "focal.mia@demo.rightsmonitor.org"
DEPUTY = "deputy.mia@demo.rightsmonitor.org"
NGO = "ngo@demo.rightsmonitor.org"
ADMIN = "admin@demo.rightsmonitor.org"


@pytest.fixture
def demo(demo_data: None) -> Callable[[str], Client]:
    """A client signed in as a demo login (the demo is loaded once for the module)."""
    cache.clear()
    return lambda email: client_for(User.objects.get(email=email))


def _panel_keys(client: Client) -> set[str]:
    response = client.get(reverse("home:index"))
    assert response.status_code == 200
    return {panel.key for panel in response.context["panels"]}


def test_signing_in_leads_home(focal_point_mia: User, password: str) -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": focal_point_mia.email, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home:index")


def test_the_public_is_sent_to_log_in() -> None:
    response = Client().get(reverse("home:index"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


ROLE_HOMES = [
    (FOCAL, {"reports_to_write", "reports_with_coordinator"}, {"review", "moderation"}),
    (DEPUTY, {"reports_to_sign_off"}, {"review", "moderation"}),
    (
        DEMO_COORDINATOR,
        {"review", "overdue", "moderation", "applications", "assessments", "feedback"},
        {"comments", "reports_to_write"},
    ),
    (NGO, {"consultations", "comments", "ratings"}, {"review", "reports_to_write"}),
    (ADMIN, {"invitations", "operations", "review", "moderation"}, {"reports_to_write"}),
]


def test_each_role_has_its_home(demo: Callable[[str], Client]) -> None:
    for email, expected, absent in ROLE_HOMES:
        keys = _panel_keys(demo(email))
        assert expected <= keys, email
        assert not keys & absent, email


def test_the_coordinators_home_counts_what_waits(demo: Callable[[str], Client]) -> None:
    client = demo(DEMO_COORDINATOR)
    panels = {panel.key: panel for panel in client.get(reverse("home:index")).context["panels"]}
    pending = Comment.objects.filter(state=CommentState.PENDING).count()
    assert panels["moderation"].count == pending
    assert len(panels["moderation"].items) == min(pending, 5)

    # The navigation's badge sums what waits for the coordinator's move.
    response = client.get(reverse("home:count"))
    assert response.status_code == 200
    assert response.context["count"] == sum(p.count for p in panels.values() if p.is_work)

    for language in ("ru", "kk"):
        response = client.get(f"/{language}/home/")
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()

    # Only a focal point has lists to download.
    assert client.get(reverse("home:export")).status_code == 404


def test_home_queries_do_not_grow_with_the_rows(
    demo: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    client = demo(DEMO_COORDINATOR)
    author = User.objects.get(email=NGO)
    action = Action.objects.first()

    def comments(count: int) -> None:
        Comment.objects.bulk_create(
            Comment(action=action, author=author, body=f"Comment {n}", state=CommentState.PENDING)
            for n in range(count)
        )

    comments(1)
    with django_assert_max_num_queries(60) as before:
        client.get(reverse("home:index"))
    comments(40)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("home:index"))


def test_a_focal_point_downloads_the_lists(demo: Callable[[str], Client]) -> None:
    client = demo(FOCAL)
    response = client.get(reverse("home:export"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("list", "item", "detail")
    assert len(rows) > 1
    assert all(str(row[5]).startswith("http") for row in rows[1:])


def test_unread_notices_are_written_in_the_readers_language(focal_point_mia: User) -> None:
    Notification.objects.create(
        user=focal_point_mia,
        kind=Notification.Kind.RETURNED,
        event="returned",
        params={"action": "2.1", "agency": "MIA", "actor": "Nurlan"},
        url="/reporting/tasks/",
    )
    client = client_for(focal_point_mia)
    english = client.get(reverse("home:index"))
    panel = next(p for p in english.context["panels"] if p.key == "notices")
    assert panel.count == 1
    assert panel.items[0].label == "Report 2.1 (MIA) was returned for revision."
    russian = client.get("/ru/home/")
    label = next(p for p in russian.context["panels"] if p.key == "notices").items[0].label
    assert "2.1" in label
    assert "returned" not in label


def test_a_report_handed_to_a_colleague_shows_on_both_homes(
    administrator: User, coordinator: User, focal_point_mia: User, ngo_member: User
) -> None:
    gpo = AgencyFactory(abbreviation="GPO", kind=Agency.Kind.PROSECUTOR)
    world = build_reporting_world(
        administrator=administrator,
        coordinator=coordinator,
        focal_point_mia=focal_point_mia,
        validator_mia=FocalPointFactory(
            email="deputy.mia@example.org", agency=focal_point_mia.agency
        ),
        focal_point_gpo=FocalPointFactory(email="focal.gpo@example.org", agency=gpo),
        ngo_member=ngo_member,
        public=AnonymousUser(),
    )
    colleague = FocalPointFactory(
        email="colleague.mia@example.org",
        first_name="Aliya",
        last_name="Colleague",
        agency=world.mia,
    )
    report = world.start()
    assign_report(report, colleague, by=focal_point_mia)

    def panels(user: User) -> dict[str, Any]:
        response = client_for(user).get(reverse("home:index"))
        return {panel.key: panel for panel in response.context["panels"]}

    handed = panels(colleague)["reports_assigned_to_me"]
    assert handed.count == 1
    assert handed.items[0].url == reverse("reporting:report", args=[report.pk])
    own = panels(focal_point_mia)
    (item,) = [
        item
        for panel in own.values()
        if panel.key.startswith("reports_")
        for item in panel.items
        if item.url == handed.items[0].url
    ]
    assert "handed to Aliya Colleague" in str(item.detail)
