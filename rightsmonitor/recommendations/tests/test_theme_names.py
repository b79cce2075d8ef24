"""The UN's English theme names are shown in the reader's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from rightsmonitor.plans.models import Theme
from rightsmonitor.recommendations.importers.engine import save_records
from rightsmonitor.recommendations.importers.records import Record
from rightsmonitor.recommendations.models import Source
from rightsmonitor.recommendations.themes import theme_label


def _record(**fields: object) -> Record:
    return Record(
        text="Take measures to prevent torture in places of detention and investigate complaints.",
        body="CAT",
        source=Source.MANUAL,
        symbol="CAT/C/KAZ/CO/4",
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.django_db
def test_an_import_names_the_un_themes_in_every_language() -> None:
    save_records([_record(themes=["Right to life", "A theme nobody translated"])])

    life = Theme.objects.get(name_en="Right to life")
    assert (life.name_ru, life.name_kk) == ("Право на жизнь", "Өмір сүру құқығы")
    unknown = Theme.objects.get(name_en="A theme nobody translated")
    assert (unknown.name_ru, unknown.name_kk) == ("", "")


@pytest.mark.django_db
def test_themes_saved_in_english_only_are_translated_on_pages() -> None:
    theme = Theme.objects.create(
        key="death-penalty", kind=Theme.Kind.RIGHT, name_en="Death penalty"
    )
    with translation.override("kk"):
        assert theme_label(theme) == "Өлім жазасы"
    save_records(
        [_record(themes=["Death penalty"], affected_persons=["Persons deprived of their liberty"])]
    )

    html = Client().get("/ru/recommendations/").content.decode()
    assert "Смертная казнь" in html
    assert "Лица, лишённые свободы" in html
    assert "Death penalty" not in html
