"""Password reset by e-mail, password change, and the profile page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from rightsmonitor.accounts.models import AccountEvent
from rightsmonitor.accounts.tests.helpers import enable_two_factor, link_in
from rightsmonitor.conftest import client_for

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "another long passphrase 31"


def test_password_reset_email_link_sets_a_new_password(client: Client, ngo_member) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "NGO@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ngo_member.email]
    assert "Choose a new password" in message.subject
    assert "&#x27;" not in message.body and "&amp;" not in message.body

    response = client.get(link_in(message.body))
    assert response.status_code == 302  # Django swaps the token for a session marker
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    assert 'autocomplete="new-password"' in page.content.decode()

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert AccountEvent.objects.filter(user=ngo_member, kind="password_reset").exists()

    response = Client().post(
        reverse("accounts:login"), {"username": ngo_member.email, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    # The link works once.
    assert (
        "This link no longer works"
        in client.get(link_in(message.body), follow=True).content.decode()
    )


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_unlocks_a_throttled_account(settings, client, coordinator) -> None:
    settings.AXES_ENABLED = True
    login = reverse("accounts:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(login, {"username": coordinator.email, "password": "wrong"})
    assert response.status_code == 429

    client.post(reverse("accounts:password_reset"), {"email": coordinator.email})
    form_url = client.get(link_in(mail.outbox[0].body))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post(login, {"username": coordinator.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_password_change(ngo_member, password) -> None:
    client = client_for(ngo_member)
    url = reverse("accounts:password_change")
    page = client.get(url).content.decode()
    assert 'autocomplete="current-password"' in page
    response = client.post(
        url,
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    assert client.get(reverse("accounts:profile")).status_code == 200  # still logged in
    ngo_member.refresh_from_db()
    assert ngo_member.check_password(NEW_PASSWORD)
    assert AccountEvent.objects.filter(user=ngo_member, kind="password_changed").exists()


def test_profile_shows_account_and_saves_details(focal_point_mia) -> None:
    client = client_for(focal_point_mia)
    url = reverse("accounts:profile")
    html = client.get(url).content.decode()
    for text in (focal_point_mia.email, "Agency focal point", "MIA", "English", "Off"):
        assert text in html
    assert reverse("accounts:password_change") in html
    assert reverse("accounts:two_factor") in html

    response = client.post(
        url, {"first_name": "Dana", "last_name": "Sarsen", "preferred_language": "ru"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ru/accounts/profile/"
    focal_point_mia.refresh_from_db()
    assert (focal_point_mia.first_name, focal_point_mia.preferred_language) == ("Dana", "ru")


def test_profile_sets_how_hand_offs_are_mailed(focal_point_mia) -> None:
    client = client_for(focal_point_mia)
    url = reverse("accounts:profile")
    html = client.get(url).content.decode()
    assert "An e-mail at each hand-off" in html  # the current choice, and the radio buttons
    assert 'name="notice_delivery" value="daily_digest"' in html
    data = {"first_name": "Dana", "last_name": "Sarsen", "preferred_language": "en"}
    assert client.post(url, {**data, "notice_delivery": "daily_digest"}).status_code == 302
    focal_point_mia.refresh_from_db()
    assert focal_point_mia.notice_delivery == "daily_digest"
    assert client.post(url, data).status_code == 302  # left out: kept
    focal_point_mia.refresh_from_db()
    assert focal_point_mia.notice_delivery == "daily_digest"


def test_profile_shows_two_factor_state(ngo_member) -> None:
    enable_two_factor(ngo_member)
    html = client_for(ngo_member).get(reverse("accounts:profile")).content.decode()
    assert "On, 10 backup codes left" in html


def test_account_pages_need_login(client: Client) -> None:
    for name in ("profile", "password_change", "two_factor", "two_factor_setup", "user_list"):
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
