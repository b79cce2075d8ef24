"""Invitations from e-mail to first log-in, who may invite whom, and the user list."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rightsmonitor.accounts import actions
from rightsmonitor.accounts.models import AccountEvent, Invitation, Role, User
from rightsmonitor.accounts.tests.factories import (
    CivilSocietyFactory,
    CoordinatorFactory,
    FocalPointFactory,
    OrganisationFactory,
)
from rightsmonitor.accounts.tests.helpers import link_in
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
INVITE = reverse("accounts:invite")
USERS = reverse("accounts:user_list")
NEW_PASSWORD = "a long and unusual passphrase 9"


def _accept(client: Client, path: str, **overrides: str):
    data = {
        "first_name": "Aigerim",
        "last_name": "Nurlanovna",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(path, data)


def test_invitation_from_email_to_first_login(
    coordinator, django_capture_on_commit_callbacks
) -> None:
    agency = AgencyFactory(abbreviation="MOJ")
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            INVITE, {"email": "new.person@example.kz", "role": "focal_point", "agency": agency.pk}
        )
    assert response.status_code == 302
    assert response["Location"] == USERS
    invitation = Invitation.objects.get(email="new.person@example.kz")
    assert invitation.invited_by == coordinator
    assert AccountEvent.objects.filter(invitation=invitation, kind="invitation_sent").exists()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.kz"]
    assert "invited" in message.subject
    assert "Agency focal point" in message.body
    assert "MOJ" in message.body
    path = link_in(message.body)
    token = path.rstrip("/").rsplit("/", 1)[-1]
    assert invitation.token_hash != token  # only the hash is stored
    assert path == reverse("accounts:accept_invitation", args=[token])

    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "new.person@example.kz" in html
    assert 'autocomplete="new-password"' in html

    response = _accept(visitor, path)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.kz")
    assert (user.role, user.agency, user.first_name) == (Role.FOCAL_POINT, agency, "Aigerim")
    assert visitor.session["_auth_user_id"] == str(user.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.user == user

    fresh = Client()
    response = fresh.post(
        reverse("accounts:login"), {"username": "new.person@example.kz", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert fresh.session["_auth_user_id"] == str(user.pk)


def test_accepting_checks_the_password(coordinator) -> None:
    _invitation, token = actions.invite_user(
        email="x@example.org", role="coordinator", by=coordinator
    )
    path = reverse("accounts:accept_invitation", args=[token])
    response = _accept(Client(), path, password1="12345678", password2="12345678")
    assert response.status_code == 200
    assert "This password is entirely numeric" in response.content.decode()
    response = _accept(Client(), path, password2="something else entirely 7")
    assert "didn’t match" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_used_expired_revoked_and_unknown_tokens_are_refused(coordinator) -> None:
    _invitation, token = actions.invite_user(
        email="a@example.org", role="coordinator", by=coordinator
    )
    path = reverse("accounts:accept_invitation", args=[token])
    assert _accept(Client(), path).status_code == 302
    response = Client().get(path)
    assert response.status_code == 404
    assert "already been used" in response.content.decode()
    with pytest.raises(actions.InvitationError):
        actions.accept_invitation(token, first_name="A", last_name="B", password=NEW_PASSWORD)

    _invitation, token = actions.invite_user(
        email="b@example.org", role="coordinator", by=coordinator
    )
    path = reverse("accounts:accept_invitation", args=[token])
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = Client().get(path)
        assert response.status_code == 404
        assert "expired" in response.content.decode()
        assert _accept(Client(), path).status_code == 404
    assert not User.objects.filter(email="b@example.org").exists()

    invitation, token = actions.invite_user(
        email="c@example.org", role="coordinator", by=coordinator
    )
    actions.revoke_invitation(invitation, by=coordinator)
    response = Client().get(reverse("accounts:accept_invitation", args=[token]))
    assert response.status_code == 404
    assert "withdrawn" in response.content.decode()

    response = Client().get(reverse("accounts:accept_invitation", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_coordinator_cannot_invite_an_administrator(coordinator) -> None:
    client = client_for(coordinator)
    form = client.get(INVITE).content.decode()
    assert 'value="administrator"' not in form
    response = client.post(INVITE, {"email": "boss@example.org", "role": "administrator"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Invitation.objects.exists()
    with pytest.raises(ValidationError) as excinfo:
        actions.invite_user(email="boss@example.org", role="administrator", by=coordinator)
    assert "role" in excinfo.value.message_dict


def test_administrator_can_invite_an_administrator(administrator) -> None:
    invitation, _token = actions.invite_user(
        email="boss@example.org", role=Role.ADMINISTRATOR, by=administrator
    )
    assert invitation.role == Role.ADMINISTRATOR


def test_invite_form_shows_field_errors(coordinator) -> None:
    client = client_for(coordinator)
    response = client.post(INVITE, {"email": "p@example.org", "role": "focal_point"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the agency this focal point reports for." in html
    assert 'aria-describedby="id_agency_helptext id_agency_error"' in html

    org = OrganisationFactory()
    response = client.post(
        INVITE, {"email": "p@example.org", "role": "coordinator", "organisation": org.pk}
    )
    assert "Only civil society members belong to an organisation." in response.content.decode()

    response = client.post(INVITE, {"email": coordinator.email.upper(), "role": "coordinator"})
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


def test_civil_society_invitation_needs_an_organisation(coordinator) -> None:
    with pytest.raises(ValidationError) as excinfo:
        actions.invite_user(email="n@example.org", role=Role.CIVIL_SOCIETY, by=coordinator)
    assert "organisation" in excinfo.value.message_dict
    org = OrganisationFactory()
    invitation, _token = actions.invite_user(
        email="n@example.org", role=Role.CIVIL_SOCIETY, organisation=org, by=coordinator
    )
    assert invitation.organisation == org


def test_a_new_invitation_replaces_a_pending_one(coordinator) -> None:
    first, first_token = actions.invite_user(
        email="r@example.org", role="coordinator", by=coordinator
    )
    second, _token = actions.invite_user(email="R@example.org", role="coordinator", by=coordinator)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert list(Invitation.objects.pending()) == [second]
    response = Client().get(reverse("accounts:accept_invitation", args=[first_token]))
    assert response.status_code == 404


def test_focal_point_and_civil_society_cannot_manage_users(focal_point_mia, ngo_member) -> None:
    for user in (focal_point_mia, ngo_member):
        client = client_for(user)
        assert client.get(USERS).status_code == 403
        assert client.get(INVITE).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.invite_user(email="z@example.org", role="civil_society", by=focal_point_mia)
    assert Client().get(USERS).status_code == 302  # anonymous: to the log-in page


def test_revoking_an_invitation(coordinator, administrator) -> None:
    invitation, _token = actions.invite_user(
        email="q@example.org", role="coordinator", by=coordinator
    )
    url = reverse("accounts:invitation_revoke", args=[invitation.pk])
    client = client_for(coordinator)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None

    admin_invitation, _token = actions.invite_user(
        email="boss@example.org", role="administrator", by=administrator
    )
    url = reverse("accounts:invitation_revoke", args=[admin_invitation.pk])
    assert client.post(url).status_code == 403


def test_user_list_shows_users_and_pending_invitations(
    coordinator, focal_point_mia, ngo_member
) -> None:
    actions.invite_user(email="waiting@example.org", role="coordinator", by=coordinator)
    html = client_for(coordinator).get(USERS).content.decode()
    for text in (focal_point_mia.email, ngo_member.email, "MIA", ngo_member.organisation.name):
        assert text in html
    assert "waiting@example.org" in html
    assert "Agency focal point" in html


def _populate(count: int, by: User) -> None:
    for n in range(count):
        kind = n % 3
        if kind == 0:
            FocalPointFactory(agency=AgencyFactory())
        elif kind == 1:
            CivilSocietyFactory(organisation=OrganisationFactory())
        else:
            CoordinatorFactory()
    actions.invite_user(email=f"inv{count}a@example.org", role="coordinator", by=by)
    actions.invite_user(
        email=f"inv{count}b@example.org", role="focal_point", agency=AgencyFactory(), by=by
    )


def test_user_list_query_count_does_not_grow_with_rows(
    administrator, django_assert_max_num_queries
) -> None:
    client = client_for(administrator)
    _populate(2, administrator)
    assert User.objects.count() == 3
    with CaptureQueriesContext(connection) as few:
        assert client.get(USERS).status_code == 200

    _populate(27, administrator)
    assert User.objects.count() == 30
    with django_assert_max_num_queries(len(few)):
        response = client.get(USERS)
    assert response.status_code == 200
    assert len(few) <= 12


def test_changing_a_role_and_deactivating(coordinator, focal_point_mia, administrator) -> None:
    client = client_for(coordinator)
    url = reverse("accounts:user_edit", args=[focal_point_mia.pk])
    assert client.get(url).status_code == 200
    org = OrganisationFactory()
    response = client.post(url, {"role": "civil_society", "organisation": org.pk})
    assert response.status_code == 302
    focal_point_mia.refresh_from_db()
    assert (focal_point_mia.role, focal_point_mia.agency, focal_point_mia.organisation) == (
        Role.CIVIL_SOCIETY,
        None,
        org,
    )
    event = AccountEvent.objects.get(user=focal_point_mia, kind="role_changed")
    assert event.actor == coordinator
    assert event.extra["before"]["role"] == "focal_point"
    assert focal_point_mia.history.first().history_user == coordinator

    assert (
        client.post(reverse("accounts:user_deactivate", args=[focal_point_mia.pk])).status_code
        == 302
    )
    focal_point_mia.refresh_from_db()
    assert not focal_point_mia.is_active

    # Coordinators cannot change administrators, nor anyone their own account.
    assert client.get(reverse("accounts:user_edit", args=[administrator.pk])).status_code == 403
    assert (
        client.post(reverse("accounts:user_deactivate", args=[administrator.pk])).status_code == 403
    )
    assert client.get(reverse("accounts:user_edit", args=[coordinator.pk])).status_code == 403


def test_accept_page_asks_a_logged_in_visitor_to_log_out_first(coordinator, ngo_member) -> None:
    _invitation, token = actions.invite_user(
        email="k@example.org", role="coordinator", by=coordinator
    )
    path = reverse("accounts:accept_invitation", args=[token])
    client = client_for(ngo_member)
    html = client.get(path).content.decode()
    assert "Log out first" in html
    assert _accept(client, path).status_code == 200
    assert not User.objects.filter(email="k@example.org").exists()
