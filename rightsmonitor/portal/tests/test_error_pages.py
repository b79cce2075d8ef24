"""403, 404, 500 and CSRF failure pages: the site's layout, the URL's language, a way back."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.csrf import csrf_failure
from django.views.defaults import server_error

from rightsmonitor.accounts.models import User
from rightsmonitor.conftest import client_for


def _assert_way_back(html: str) -> None:
    assert 'class="brand"' in html  # the base layout
    assert 'role="search"' in html
    assert 'href="/' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "heading"),
    [("", "Page not found"), ("/ru", "Страница не найдена"), ("/kk", "Бет табылмады")],
)
def test_not_found_page_is_in_the_language_of_the_address(prefix: str, heading: str) -> None:
    response = Client().get(f"{prefix}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert heading in html
    _assert_way_back(html)


@pytest.mark.django_db
def test_forbidden_page_is_russian_under_ru(ngo_member: User) -> None:
    response = client_for(ngo_member).get("/ru/accounts/users/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Доступ запрещён" in html
    assert 'lang="ru"' in html
    _assert_way_back(html)


def test_server_error_page_renders_without_the_database() -> None:
    # No django_db mark: any query here would fail the test, as with the database down.
    request = RequestFactory().get("/ru/plans/")
    with translation.override("ru"):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "На нашей стороне произошла ошибка" in html
    assert "Rights Monitor" in html
    _assert_way_back(html)


def test_csrf_failure_page_is_styled_and_translated() -> None:
    request = RequestFactory().post("/kk/feedback/")
    with translation.override("kk"):
        response = csrf_failure(request, reason="CSRF token missing.")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Форманың мерзімі өтіп кетті" in html
    _assert_way_back(html)
