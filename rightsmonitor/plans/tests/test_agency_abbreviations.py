"""Agencies' abbreviations per language: pages show the reader's, imports read any of them."""

from __future__ import annotations

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from rightsmonitor.plans.importers.plan_table import load_plan_table
from rightsmonitor.plans.models import Action, ActionAgency, Agency
from rightsmonitor.plans.tests.factories import PlanFactory

LEAD, CO = ActionAgency.Role.LEAD, ActionAgency.Role.CO_EXECUTOR


@pytest.fixture
def agencies(db) -> None:
    for key, ru, kk, name_ru in [
        ("MIA", "МВД", "ІІМ", "Министерство внутренних дел"),
        ("GPO", "ГП", "БП", "Генеральная прокуратура"),
        ("MJ", "МЮ", "ӘМ", "Министерство юстиции"),
    ]:
        Agency.objects.create(
            abbreviation=key, abbreviation_ru=ru, abbreviation_kk=kk, name_ru=name_ru
        )


def test_the_abbreviation_follows_the_language(agencies: None) -> None:
    mia = Agency.objects.get(abbreviation="MIA")
    with translation.override("ru"):
        assert mia.short_name == "МВД"
    with translation.override("kk"):
        assert mia.short_name == "ІІМ"
    with translation.override("en"):
        assert mia.short_name == "MIA"
    assert Agency(abbreviation="XYZ").abbreviation_in("ru") == "XYZ"  # no Russian one: the key


def test_a_russian_workbook_names_agencies_by_their_russian_abbreviations(
    agencies: None, coordinator, tmp_path
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "№",
            "Наименование мероприятия",
            "Форма завершения",
            "Срок исполнения",
            "Ответственные исполнители",
        ]
    )
    sheet.append(["1. Права человека в уголовном правосудии", None, None, None, None])
    sheet.append(
        [
            "1.1",
            "Усилить контроль за условиями содержания",
            None,
            "IV квартал 2022 года",
            "МВД, ГП (по согласованию)",
        ]
    )
    sheet.append(
        [
            "1.2",
            "Внести изменения в законодательство",
            None,
            "2023 год",
            "Министерство юстиции, ІІМ",
        ]
    )
    path = tmp_path / "план.xlsx"
    workbook.save(path)
    plan = PlanFactory(code="kz-ru")

    report = load_plan_table(path, plan, by=coordinator, language="ru")

    assert report.agencies_created == []
    first = Action.objects.get(plan=plan, number="1.1")
    assert [
        (a.agency.abbreviation, a.role, a.as_agreed) for a in first.assignments.order_by("order")
    ] == [
        ("MIA", LEAD, False),
        ("GPO", CO, True),
    ]
    second = Action.objects.get(plan=plan, number="1.2")
    assert [a.agency.abbreviation for a in second.assignments.order_by("order")] == ["MJ", "MIA"]


def test_pages_show_the_abbreviation_of_the_page_language(agencies: None) -> None:
    client = Client()
    html = client.get("/ru/agencies/").content.decode()
    assert "МВД" in html and ">MIA<" not in html
    html = client.get("/kk/agencies/MIA/").content.decode()
    assert "ІІМ" in html
