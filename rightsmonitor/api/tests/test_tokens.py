"""API tokens through real HTTP: scopes, 401s, the user's own permissions, no CSRF, the
stored hash, last use, query counts, and the pages to issue and revoke them."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rightsmonitor.accounts.models import User
from rightsmonitor.api.actions import issue_token, revoke_token
from rightsmonitor.api.models import ApiToken
from rightsmonitor.api.tests.conftest import Issue, bearer
from rightsmonitor.conftest import client_for
from rightsmonitor.reporting.actions import start_report
from rightsmonitor.reporting.models import ProgressReport

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
JSON = "application/json"


def start_body(world: SimpleNamespace, agency: Any = None) -> dict[str, Any]:
    agency = agency or world.mia
    return {"action": world.action.pk, "agency": agency.abbreviation, "period": world.period.pk}


# Writing with a token ---------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_write_with_the_scope_succeeds_without_csrf(
    plan_world: SimpleNamespace, issue: Issue, keyword: str
) -> None:
    _token, secret = issue(plan_world.focal_point_mia, "read", "reports:write")
    client = bearer(secret, keyword)  # enforces CSRF checks, which a token does not need
    response = client.post(REPORTS, start_body(plan_world), content_type=JSON)
    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get(pk=response.json()["id"])
    assert report.author == plan_world.focal_point_mia
    change = {"narrative": "Trained 40 officers.", "version": report.version}
    response = client.patch(f"{REPORTS}{report.pk}/", change, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["narrative"] == "Trained 40 officers."


def test_a_session_write_still_needs_csrf(plan_world: SimpleNamespace) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(plan_world.focal_point_mia)
    response = client.post(REPORTS, start_body(plan_world), content_type=JSON)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_write_without_the_scope_is_refused(plan_world: SimpleNamespace, issue: Issue) -> None:
    _token, secret = issue(plan_world.focal_point_mia, "read")
    client = bearer(secret)
    response = client.post(REPORTS, start_body(plan_world), content_type=JSON)
    assert response.status_code == 403
    assert "reports:write" in response.json()["detail"]
    assert not ProgressReport.objects.exists()
    # A token for linking recommendations does not write reports either.
    _token, other = issue(plan_world.coordinator, "read", "recommendations:write")
    response = bearer(other).post(REPORTS, start_body(plan_world), content_type=JSON)
    assert response.status_code == 403
    # Reading is what the read scope is for.
    assert client.get(REPORTS).status_code == 200


def test_reading_needs_the_read_scope(plan_world: SimpleNamespace, issue: Issue) -> None:
    _token, secret = issue(plan_world.focal_point_mia, "reports:write")
    response = bearer(secret).get(REPORTS)
    assert response.status_code == 403
    assert "read" in response.json()["detail"]


def test_the_token_acts_within_its_users_permissions(
    plan_world: SimpleNamespace, issue: Issue
) -> None:
    mia_report = start_report(
        plan_world.action, plan_world.mia, plan_world.period, by=plan_world.focal_point_mia
    )
    _token, secret = issue(plan_world.focal_point_gpo, "read", "reports:write")
    client = bearer(secret)
    # GPO's focal point may not open MIA's report, nor see or change MIA's draft.
    response = client.post(REPORTS, start_body(plan_world, plan_world.mia), content_type=JSON)
    assert response.status_code == 403
    change = {"narrative": "Not ours.", "version": mia_report.version}
    assert client.patch(f"{REPORTS}{mia_report.pk}/", change, content_type=JSON).status_code == 404
    assert client.get(f"{REPORTS}{mia_report.pk}/").status_code == 404
    mia_report.refresh_from_db()
    assert mia_report.narrative == ""
    # The coordinator's token is no more able to write a focal point's report than they are.
    _token, staff = issue(plan_world.coordinator, "read", "reports:write")
    response = bearer(staff).patch(f"{REPORTS}{mia_report.pk}/", change, content_type=JSON)
    assert response.status_code == 403


# Refused tokens ---------------------------------------------------------------------------------


def test_unknown_revoked_and_expired_tokens_get_401(
    plan_world: SimpleNamespace, issue: Issue
) -> None:
    def refused(secret: str, message: str) -> None:
        for response in (
            bearer(secret).get("/api/v1/plans/"),
            bearer(secret).post(REPORTS, start_body(plan_world), content_type=JSON),
        ):
            assert response.status_code == 401
            assert response.json() == {"detail": message}
            assert response.headers["WWW-Authenticate"].startswith("Bearer")

    refused("rm_not-a-token", "This API token is not valid.")
    token, secret = issue(plan_world.focal_point_mia, "read", "reports:write")
    revoke_token(token, by=plan_world.coordinator)
    refused(secret, "This API token has been revoked.")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    _token, expiring = issue(plan_world.focal_point_mia, "read", expires_at=tomorrow)
    with time_machine.travel(tomorrow + datetime.timedelta(seconds=1)):
        refused(expiring, "This API token has expired.")
    response = Client(HTTP_AUTHORIZATION="Bearer two words").get("/api/v1/plans/")
    assert response.status_code == 401
    # Without any token, nothing changes: the public reads, and writing is forbidden.
    assert Client().get("/api/v1/plans/").status_code == 200
    assert Client().post(REPORTS, start_body(plan_world), content_type=JSON).status_code == 403


def test_a_deactivated_users_token_stops_working(plan_world: SimpleNamespace, issue: Issue) -> None:
    _token, secret = issue(plan_world.focal_point_mia, "read")
    User.objects.filter(pk=plan_world.focal_point_mia.pk).update(is_active=False)
    assert bearer(secret).get("/api/v1/plans/").status_code == 401


# Storage, last use, cost ----------------------------------------------------------------------------


def test_only_a_hash_of_the_secret_is_stored(plan_world: SimpleNamespace, issue: Issue) -> None:
    token, secret = issue(plan_world.focal_point_mia, "read", "reports:write")
    revoke_token(token, by=plan_world.coordinator)  # a second history row
    for table in (ApiToken._meta.db_table, ApiToken.history.model._meta.db_table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")
            rows = cursor.fetchall()
        assert rows
        stored = " ".join(str(value) for row in rows for value in row)
        assert secret not in stored
        assert secret[len(token.prefix) :] not in stored
    assert secret.startswith(token.prefix)
    assert len(token.prefix) < len(secret) // 4


def test_last_use_is_written_at_most_once_a_minute(
    plan_world: SimpleNamespace, issue: Issue
) -> None:
    token, secret = issue(plan_world.focal_point_mia, "read")
    client = bearer(secret)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        first = timezone.now()
        client.get("/api/v1/plans/")
        token.refresh_from_db()
        assert token.last_used_at == first
        traveller.shift(datetime.timedelta(seconds=30))
        client.get("/api/v1/plans/")
        token.refresh_from_db()
        assert token.last_used_at == first
        traveller.shift(datetime.timedelta(seconds=31))
        client.get("/api/v1/plans/")
        token.refresh_from_db()
        assert token.last_used_at == timezone.now()
    # Use is not history: only issuing left a row.
    assert token.history.count() == 1


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_authentication_costs_one_query(plan_world: SimpleNamespace, issue: Issue) -> None:
    url = "/api/v1/instruments/"  # the same for every caller
    anonymous = len(_queries(Client(), url))
    _token, secret = issue(plan_world.focal_point_mia, "read")
    client = bearer(secret)
    # The first use: the token with its user (one query), then its last use written.
    assert len(_queries(client, url)) == anonymous + 2
    # Within the minute: the one query, whoever many tokens exist.
    for _ in range(3):
        issue(plan_world.focal_point_gpo, "read")
    assert len(_queries(client, url)) == anonymous + 1


# Pages -------------------------------------------------------------------------------------------


def test_public_is_sent_to_log_in(client: Client) -> None:
    for url in (reverse("api_tokens:list"), reverse("api_tokens:issue")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_coordinator_issues_a_token_for_a_focal_point(
    plan_world: SimpleNamespace, administrator: User
) -> None:
    staff = client_for(plan_world.coordinator)
    page = staff.get(reverse("api_tokens:issue"))
    holders = page.context["form"].fields["user"].queryset
    assert set(holders) == {
        plan_world.coordinator,
        plan_world.focal_point_mia,
        plan_world.focal_point_gpo,
    }  # not the administrator
    response = staff.post(
        reverse("api_tokens:issue"),
        {
            "user": plan_world.focal_point_mia.pk,
            "name": "MIA reporting system",
            "scopes": ["read", "reports:write"],
            "expires_on": "2099-12-31",
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert token.user == plan_world.focal_point_mia
    assert token.created_by == plan_world.coordinator
    assert token.scopes == ["read", "reports:write"]
    assert timezone.localtime(token.expires_at).date() == datetime.date(2100, 1, 1)
    assert token.history.get().history_user == plan_world.coordinator
    # The secret works and is never shown again.
    assert bearer(secret).get(REPORTS).status_code == 200
    listing = staff.get(reverse("api_tokens:list")).content.decode()
    assert token.prefix in listing
    assert secret not in listing
    assert "MIA" in listing  # the agency the token's user reports for


def test_focal_point_issues_only_their_own_tokens(
    plan_world: SimpleNamespace, issue: Issue
) -> None:
    mia = client_for(plan_world.focal_point_mia)
    page = mia.get(reverse("api_tokens:issue"))
    assert "user" not in page.context["form"].fields
    response = mia.post(
        reverse("api_tokens:issue"),
        {"user": plan_world.focal_point_gpo.pk, "name": "Mine", "scopes": ["read"]},
    )
    assert response.status_code == 200
    assert ApiToken.objects.get().user == plan_world.focal_point_mia
    with pytest.raises(PermissionDenied):
        issue_token(
            plan_world.focal_point_gpo, name="X", scopes=["read"], by=plan_world.focal_point_mia
        )
    # MIA's list shows MIA's tokens only; the coordinator's shows all.
    issue(plan_world.focal_point_gpo, "read", name="GPO system")
    assert "GPO system" not in mia.get(reverse("api_tokens:list")).content.decode()
    assert (
        "GPO system"
        in client_for(plan_world.coordinator).get(reverse("api_tokens:list")).content.decode()
    )


def test_form_errors_are_shown(plan_world: SimpleNamespace) -> None:
    response = client_for(plan_world.focal_point_mia).post(
        reverse("api_tokens:issue"), {"name": "", "scopes": [], "expires_on": "2000-01-01"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"name", "scopes"}
    assert not ApiToken.objects.exists()


def test_revoke(plan_world: SimpleNamespace, issue: Issue) -> None:
    mine, mine_secret = issue(plan_world.focal_point_mia, "read")
    gpo_token, _secret = issue(plan_world.focal_point_gpo, "read")
    mia = client_for(plan_world.focal_point_mia)
    # Another user's token is not there for a focal point.
    assert mia.post(reverse("api_tokens:revoke", args=[gpo_token.pk])).status_code == 404
    response = mia.post(reverse("api_tokens:revoke", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_by == plan_world.focal_point_mia
    assert bearer(mine_secret).get(REPORTS).status_code == 401
    # The coordinator revokes the focal point's token; again is a message, not an error.
    staff = client_for(plan_world.coordinator)
    assert staff.post(reverse("api_tokens:revoke", args=[gpo_token.pk])).status_code == 302
    assert staff.post(reverse("api_tokens:revoke", args=[gpo_token.pk])).status_code == 302
    gpo_token.refresh_from_db()
    assert gpo_token.revoked_by == plan_world.coordinator
    assert [h.history_change_reason for h in gpo_token.history.order_by("history_date")] == [
        "issued",
        "revoked",
    ]


def test_coordinator_cannot_revoke_an_administrators_token(
    administrator: User, coordinator: User, issue: Issue
) -> None:
    token, _secret = issue(administrator, "read")
    response = client_for(coordinator).post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_query_count_does_not_grow(
    plan_world: SimpleNamespace, issue: Issue, django_assert_max_num_queries: Any
) -> None:
    staff = client_for(plan_world.coordinator)
    issue(plan_world.focal_point_mia, "read")
    # Session and user, count, page of tokens with their users, agencies and issuers.
    with django_assert_max_num_queries(6):
        assert staff.get(reverse("api_tokens:list")).status_code == 200
    for holder in (plan_world.focal_point_mia, plan_world.focal_point_gpo) * 5:
        issue(holder, "read", "reports:write")
    with django_assert_max_num_queries(6):
        assert staff.get(reverse("api_tokens:list")).status_code == 200
