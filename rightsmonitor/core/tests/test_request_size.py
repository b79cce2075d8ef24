"""A request body larger than any upload is refused before anything reads it."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_body_larger_than_the_limit_gets_413_in_the_pages_language(settings) -> None:
    settings.MAX_REQUEST_BYTES = 1000
    client = Client()
    response = client.post("/ru/feedback/", {"content": "x" * 2000})
    assert response.status_code == 413
    assert "Запрос слишком велик" in response.content.decode()
    assert response["Connection"] == "close"


def test_a_body_within_the_limit_goes_through(settings) -> None:
    settings.MAX_REQUEST_BYTES = 100_000
    response = Client().post("/feedback/", {"content": "x" * 2000})
    assert response.status_code != 413
