"""One long date format per language in text; the short numeric one for dense tables only."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from rightsmonitor.core.translation import long_date

DAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "7 December 2026", "2026-12-07"),
        ("ru", "7 декабря 2026 г.", "07.12.2026"),
        ("kk", "2026 жылғы 7 желтоқсан", "07.12.2026"),
    ],
)
def test_each_language_writes_one_long_date(language: str, long: str, short: str) -> None:
    with translation.override(language):
        assert date_format(DAY) == long
        assert date_format(DAY, "DATE_FORMAT") == long
        assert long_date(DAY) == long  # the helper the templates' |long_date uses agrees
        assert Template("{{ day|date }}").render(Context({"day": DAY})) == long
        assert date_format(DAY, "SHORT_DATE_FORMAT") == short


def test_date_and_time() -> None:
    moment = datetime(2026, 12, 7, 9, 5)
    with translation.override("kk"):
        assert date_format(moment, "DATETIME_FORMAT") == "2026 жылғы 7 желтоқсан, 09:05"
    with translation.override("en"):
        assert date_format(moment, "DATETIME_FORMAT") == "7 December 2026, 09:05"
