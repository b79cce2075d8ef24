"""Deadlines are shown in the reader's language from their parsed form."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from rightsmonitor.plans.deadline_display import deadline_label


@pytest.mark.parametrize(
    ("text", "en", "ru", "kk"),
    [
        (
            "first half of 2023",
            "first half of 2023",
            "первое полугодие 2023 года",
            "2023 жылдың бірінші жартыжылдығы",
        ),
        (
            "I полугодие 2023 года",
            "first half of 2023",
            "первое полугодие 2023 года",
            "2023 жылдың бірінші жартыжылдығы",
        ),
        (
            "IV квартал 2022 года",
            "fourth quarter of 2022",
            "IV квартал 2022 года",
            "2022 жылғы IV тоқсан",
        ),
        ("декабрь 2022 года", "December 2022", "декабрь 2022 года", "2022 жылғы желтоқсан"),
        ("2023 год", "2023", "2023 год", "2023 жыл"),
        (
            "до конца 2023 года",
            "by the end of 2023",
            "до конца 2023 года",
            "2023 жылдың соңына дейін",
        ),
        ("2024-2026", "2024–2026", "2024–2026 годы", "2024–2026 жылдар"),
        ("by 1 July 2023", "by 1 July 2023", "до 1 июля 2023 г.", "2023 жылғы 1 шілдеге дейін"),
        ("annually", "annually", "ежегодно", "жыл сайын"),
        (
            "ежегодно, до 25 января",
            "annually, by 25 January",
            "ежегодно, до 25 января",
            "жыл сайын, 25 қаңтарға дейін",
        ),
        ("quarterly", "quarterly", "ежеквартально", "тоқсан сайын"),
        ("постоянно", "ongoing", "на постоянной основе", "тұрақты түрде"),
    ],
)
def test_parsed_deadlines_are_written_in_each_language(
    text: str, en: str, ru: str, kk: str
) -> None:
    assert deadline_label(text, language="en") == en
    assert deadline_label(text, language="ru") == ru
    assert deadline_label(text, language="kk") == kk


def test_unreadable_text_is_shown_as_written() -> None:
    assert deadline_label("after the law is adopted", language="ru") == "after the law is adopted"
    assert deadline_label("", language="ru") == ""


def test_template_filter_uses_the_active_language() -> None:
    template = Template("{% load deadlines %}{{ text|deadline_label }}")
    with translation.override("ru"):
        assert template.render(Context({"text": "Q4 2022"})) == "IV квартал 2022 года"


@pytest.mark.django_db
def test_the_api_gives_the_deadline_as_written_and_in_each_language() -> None:
    from django.test import Client

    from rightsmonitor.plans.tests.factories import build_plan

    build_plan(code="p1", sections=1, actions_per_section=1)
    deadline = Client().get("/api/v1/actions/").json()["results"][0]["deadline"]
    assert deadline["text"] == "December 2022"
    assert deadline["display"] == {
        "en": "December 2022",
        "ru": "декабрь 2022 года",
        "kk": "2022 жылғы желтоқсан",
    }
