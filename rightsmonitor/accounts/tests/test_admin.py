"""The admin site: users with e-mail log-in and roles, organisations, invitations, audit log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rightsmonitor.accounts import actions
from rightsmonitor.accounts.models import Invitation, Role, User
from rightsmonitor.conftest import client_for

pytestmark = pytest.mark.django_db


def test_admin_pages_open(administrator, coordinator, ngo_member) -> None:
    invitation, _token = actions.invite_user(
        email="x@example.org", role="coordinator", by=administrator
    )
    client = client_for(administrator)
    for url in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[coordinator.pk]),
        reverse("admin:accounts_user_history", args=[coordinator.pk]),
        reverse("admin:accounts_organisation_changelist"),
        reverse("admin:accounts_organisation_change", args=[ngo_member.organisation.pk]),
        reverse("admin:accounts_invitation_changelist"),
        reverse("admin:accounts_invitation_change", args=[invitation.pk]),
        reverse("admin:accounts_accountevent_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))
    assert invitation.token_hash in page.content.decode()  # shown, read-only
    assert client.get(reverse("admin:accounts_invitation_add")).status_code == 403


def test_admin_adds_a_user_by_email(administrator) -> None:
    client = client_for(administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "added@example.org",
            "role": "coordinator",
            "usable_password": "true",
            "password1": "a fine long passphrase 5",
            "password2": "a fine long passphrase 5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="added@example.org")
    assert user.role == Role.COORDINATOR
    assert user.username == "added@example.org"


def test_admin_action_withdraws_invitations(administrator) -> None:
    invitation, _token = actions.invite_user(
        email="x@example.org", role="coordinator", by=administrator
    )
    response = client_for(administrator).post(
        reverse("admin:accounts_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    assert response.status_code == 302
    assert not Invitation.objects.pending().exists()


def test_admin_login_goes_through_the_site_login(coordinator) -> None:
    response = Client().get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('accounts:login')}?next=/admin/"
    # Logged in but not an administrator: refused, not sent round in circles.
    response = client_for(coordinator).get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
