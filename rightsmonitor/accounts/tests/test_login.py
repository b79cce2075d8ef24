"""Log-in with e-mail and password, throttling by django-axes, log-out."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from rightsmonitor.conftest import client_for

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def test_login_page_labels_the_email_field_for_autofill(client: Client) -> None:
    html = client.get(LOGIN).content.decode()
    assert '<label for="id_username">E-mail address' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="current-password"' in html


def test_login_with_email_and_password(client: Client, focal_point_mia, password) -> None:
    response = client.post(LOGIN, {"username": "focal.mia@example.org", "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("home:index")
    assert client.session["_auth_user_id"] == str(focal_point_mia.pk)


def test_login_ignores_the_case_of_the_email_address(client: Client, ngo_member, password) -> None:
    response = client.post(LOGIN, {"username": " NGO@Example.org ", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ngo_member.pk)


def test_login_goes_to_next_but_only_on_this_site(client: Client, ngo_member, password) -> None:
    data = {"username": ngo_member.email, "password": password}
    response = client.post(
        f"{LOGIN}?next=/accounts/profile/", {**data, "next": "/accounts/profile/"}
    )
    assert response["Location"] == "/accounts/profile/"

    other = Client()
    response = other.post(LOGIN, {**data, "next": "https://evil.example.org/"})
    assert response["Location"] == reverse("home:index")


def test_login_lands_on_the_home_page_in_the_preferred_language(
    client, ngo_member, password
) -> None:
    ngo_member.preferred_language = "ru"
    ngo_member.save()
    response = client.post(LOGIN, {"username": ngo_member.email, "password": password})
    assert response["Location"] == "/ru/home/"


def test_wrong_password_is_refused(client: Client, focal_point_mia) -> None:
    response = client.post(LOGIN, {"username": focal_point_mia.email, "password": "not it"})
    assert response.status_code == 200
    assert "The e-mail address or the password is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_log_in(client: Client, focal_point_mia, password) -> None:
    focal_point_mia.is_active = False
    focal_point_mia.save()
    response = client.post(LOGIN, {"username": focal_point_mia.email, "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client: Client, ngo_member) -> None:
    client = client_for(ngo_member)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_axes_locks_out_after_the_failure_limit(
    settings, client: Client, coordinator, password
) -> None:
    settings.AXES_ENABLED = True
    limit = settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        response = client.post(LOGIN, {"username": coordinator.email, "password": "wrong"})
        assert response.status_code == 200

    response = client.post(LOGIN, {"username": coordinator.email, "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()

    # Now even the right password is refused, and the account is not logged in.
    response = client.post(LOGIN, {"username": coordinator.email, "password": password})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_axes_counts_spellings_of_one_address_together(
    settings, client: Client, coordinator
) -> None:
    settings.AXES_ENABLED = True
    spellings = ["coordinator@example.org", "Coordinator@example.org", "COORDINATOR@EXAMPLE.ORG"]
    statuses = [
        client.post(LOGIN, {"username": spellings[n % 3], "password": "wrong"}).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429


def test_module_setting_hashes_passwords_with_argon2() -> None:
    # conftest swaps in a fast hasher for tests; production reads the settings module.
    import rightsmonitor.settings as production

    assert "Argon2" in production.PASSWORD_HASHERS[0]
    assert "Argon2" not in settings.PASSWORD_HASHERS[0]  # the test override is in force
