"""Dates written out as each language writes them, on the site's calendar day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils import translation

from rightsmonitor.core.translation import long_date


def test_each_language_writes_the_date_its_own_way() -> None:
    day = date(2021, 6, 9)
    expected = {"en": "9 June 2021", "ru": "9 июня 2021 г.", "kk": "2021 жылғы 9 маусым"}
    for language, text in expected.items():
        with translation.override(language):
            assert long_date(day) == text
    assert long_date(None) == ""


def test_a_moment_is_dated_where_the_site_is(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Asia/Almaty"  # UTC+5
    late_evening_utc = datetime(2022, 12, 31, 21, 0, tzinfo=UTC)
    with translation.override("en"):
        assert long_date(late_evening_utc) == "1 January 2023"
