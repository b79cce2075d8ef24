"""Two-factor authentication: log-in with a code, set-up, backup codes, turning it off, and
the rule that staff must use it. Real django-otp devices and real TOTP codes throughout."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rightsmonitor.accounts.models import AccountEvent
from rightsmonitor.accounts.tests.helpers import (
    BACKUP_CODES,
    code_for,
    enable_two_factor,
    wrong_code_for,
)
from rightsmonitor.accounts.views import MAX_CODE_ATTEMPTS, PENDING_LOGIN_KEY
from rightsmonitor.conftest import client_for

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:login_verify")
SETUP = reverse("accounts:two_factor_setup")
PROFILE = reverse("accounts:profile")


def _password_step(client: Client, user, password, next_url: str = "") -> None:
    data = {"username": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN, data)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session  # not logged in yet


# Log-in ----------------------------------------------------------------------------------


def test_login_with_an_authenticator_code(client: Client, ngo_member, password) -> None:
    device = enable_two_factor(ngo_member)
    _password_step(client, ngo_member, password, next_url=PROFILE)
    page = client.get(VERIFY).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page

    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert client.session["_auth_user_id"] == str(ngo_member.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_LOGIN_KEY not in client.session


def test_login_with_a_backup_code_uses_it_up(client: Client, ngo_member, password) -> None:
    enable_two_factor(ngo_member)
    _password_step(client, ngo_member, password)
    response = client.post(VERIFY, {"backup_code": BACKUP_CODES[3].upper()}, follow=True)
    assert client.session["_auth_user_id"] == str(ngo_member.pk)
    assert "You used a backup code; 9 are left" in response.content.decode()
    assert not StaticToken.objects.filter(token=BACKUP_CODES[3]).exists()

    # The same backup code does not work twice.
    client.post(reverse("accounts:logout"))
    _password_step(client, ngo_member, password)
    response = client.post(VERIFY, {"backup_code": BACKUP_CODES[3]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_code_is_rejected(client: Client, ngo_member, password) -> None:
    device = enable_two_factor(ngo_member)
    _password_step(client, ngo_member, password)
    response = client.post(VERIFY, {"code": wrong_code_for(device)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That code is not right" in html
    assert 'aria-describedby="id_code_error"' in html  # the error is tied to the input
    assert "_auth_user_id" not in client.session
    assert client.session[PENDING_LOGIN_KEY]["failures"] == 1

    response = client.post(VERIFY, {"backup_code": "notacode"})
    html = response.content.decode()
    assert 'aria-describedby="id_backup_code_error"' in html
    assert "<details open>" in html
    assert client.session[PENDING_LOGIN_KEY]["failures"] == 2


def test_malformed_or_missing_code_is_a_field_error_not_an_attempt(
    client, ngo_member, password
) -> None:
    enable_two_factor(ngo_member)
    _password_step(client, ngo_member, password)
    response = client.post(VERIFY, {"code": "12ab"})
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(VERIFY, {"code": "", "backup_code": ""})
    assert "Enter the code from your authenticator app" in response.content.decode()
    assert client.session[PENDING_LOGIN_KEY]["failures"] == 0


def test_pending_login_is_dropped_after_five_wrong_codes(client, ngo_member, password) -> None:
    device = enable_two_factor(ngo_member)
    _password_step(client, ngo_member, password)
    wrong = wrong_code_for(device)
    for _attempt in range(MAX_CODE_ATTEMPTS - 1):
        assert client.post(VERIFY, {"code": wrong}).status_code == 200
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert PENDING_LOGIN_KEY not in client.session
    # Even the right code now needs the password again first.
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_pending_login_expires(client: Client, ngo_member, password) -> None:
    device = enable_two_factor(ngo_member)
    _password_step(client, ngo_member, password)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11)):
        response = client.post(VERIFY, {"code": code_for(device)})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_verify_page_without_a_password_first_goes_to_login(client: Client) -> None:
    assert client.get(VERIFY)["Location"] == LOGIN


# Staff must use it ----------------------------------------------------------------------------


def test_required_two_factor_sends_coordinator_to_setup_and_lets_focal_point_through(
    settings, coordinator, focal_point_mia
) -> None:
    settings.REQUIRE_2FA_FOR_STAFF = True
    response = client_for(coordinator).get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Faccounts%2Fprofile%2F"

    assert client_for(focal_point_mia).get(PROFILE).status_code == 200


def test_full_setup_confirms_a_device_and_shows_backup_codes_once(settings, coordinator) -> None:
    settings.REQUIRE_2FA_FOR_STAFF = True
    client = client_for(coordinator)
    setup_url = client.get(PROFILE)["Location"]

    page = client.get(setup_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<img src="data:image/svg+xml;base64,' in html
    assert "style=" not in html  # the CSP forbids inline styles
    device = TOTPDevice.objects.get(user=coordinator)
    assert not device.confirmed
    # Reloading the page keeps the same secret rather than making another device.
    client.get(setup_url)
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1

    response = client.post(SETUP, {"code": wrong_code_for(device), "next": PROFILE})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()

    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next attempt wait a second
    response = client.post(SETUP, {"code": code_for(device), "next": PROFILE})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_backup_codes")
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=coordinator).count() == 10
    assert AccountEvent.objects.filter(user=coordinator, kind="two_factor_enabled").exists()

    codes_page = client.get(response["Location"]).content.decode()
    for token in StaticToken.objects.filter(device__user=coordinator):
        assert token.token in codes_page
    assert f'href="{PROFILE}"' in codes_page  # continue to where the user was going
    # Shown once only.
    assert client.get(reverse("accounts:two_factor_backup_codes")).status_code == 302
    # And the session now counts as verified.
    assert client.get(PROFILE).status_code == 200


def test_setup_asks_for_a_code_when_a_device_already_exists(settings, coordinator) -> None:
    settings.REQUIRE_2FA_FOR_STAFF = True
    device = enable_two_factor(coordinator)
    client = client_for(coordinator)  # logged in, but the session has not passed 2FA

    page = client.get(f"{SETUP}?next={PROFILE}")
    assert "Enter your authentication code" in page.content.decode()
    assert "data:image/svg+xml" not in page.content.decode()
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1

    response = client.post(SETUP, {"code": code_for(device), "next": PROFILE})
    assert response["Location"] == PROFILE
    assert client.get(PROFILE).status_code == 200


# Managing it ----------------------------------------------------------------------------------


def test_status_page_shows_state_and_backup_codes_left(ngo_member) -> None:
    client = client_for(ngo_member)
    html = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Set up two-factor authentication" in html
    enable_two_factor(ngo_member)
    html = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Backup codes left" in html
    assert 'id="id_disable-code"' in html
    assert 'id="id_regenerate-code"' in html


def test_turning_off_needs_a_current_code(ngo_member) -> None:
    device = enable_two_factor(ngo_member)
    client = client_for(ngo_member)
    url = reverse("accounts:two_factor_disable")
    assert client.get(url).status_code == 405

    response = client.post(url, {"disable-code": wrong_code_for(device)})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=ngo_member).exists()

    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(url, {"disable-code": code_for(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=ngo_member).exists()
    assert not StaticToken.objects.filter(device__user=ngo_member).exists()
    assert AccountEvent.objects.filter(user=ngo_member, kind="two_factor_disabled").exists()


def test_turning_off_is_refused_when_the_role_requires_it(settings, coordinator) -> None:
    settings.REQUIRE_2FA_FOR_STAFF = True
    device = enable_two_factor(coordinator)
    client = client_for(coordinator)
    client.post(SETUP, {"code": code_for(device)})  # pass the second factor in this session

    response = client.post(
        reverse("accounts:two_factor_disable"), {"disable-backup_code": BACKUP_CODES[0]}
    )
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("requires two-factor authentication" in m for m in messages)
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


def test_new_backup_codes_replace_the_old_ones(ngo_member) -> None:
    enable_two_factor(ngo_member)
    client = client_for(ngo_member)
    response = client.post(
        reverse("accounts:two_factor_regenerate"), {"regenerate-backup_code": BACKUP_CODES[0]}
    )
    assert response["Location"] == reverse("accounts:two_factor_backup_codes")
    html = client.get(response["Location"]).content.decode()
    tokens = list(
        StaticToken.objects.filter(device__user=ngo_member).values_list("token", flat=True)
    )
    assert len(tokens) == 10
    assert not set(tokens) & set(BACKUP_CODES)
    assert all(token in html for token in tokens)


def test_setup_when_already_verified_goes_to_the_status_page(client, ngo_member, password) -> None:
    device = enable_two_factor(ngo_member)
    _password_step(client, ngo_member, password)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.get(SETUP)
    assert response["Location"] == reverse("accounts:two_factor")
    assert TOTPDevice.objects.filter(user=ngo_member).count() == 1
