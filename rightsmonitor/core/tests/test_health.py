"""The liveness answer costs no query and is never cached."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_health_answers_ok_without_a_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
