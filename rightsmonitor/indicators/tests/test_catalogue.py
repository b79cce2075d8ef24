"""The shipped indicator catalogue and areas list, loaded through the loader and the command."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rightsmonitor.core.translation import language_codes
from rightsmonitor.indicators.breakdowns import Codebook
from rightsmonitor.indicators.catalogue import (
    DEFAULT_AREAS,
    DEFAULT_CATALOGUE,
    CatalogueError,
    load_catalogue,
)
from rightsmonitor.indicators.models import (
    AREA,
    Attribute,
    Dimension,
    DimensionValue,
    Indicator,
    Right,
    SdgIndicator,
)
from rightsmonitor.plans.models import Action

pytestmark = pytest.mark.django_db

# The ISO 3166-2:KZ codes and the older letter codes, as docs DATA_FORMATS.md lists them.
KZ_AREAS = {
    "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
    "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79",
}  # fmt: skip
OLD_LETTER_CODES = {
    "ALA": "KZ-75", "ALM": "KZ-19", "AKM": "KZ-11", "AKT": "KZ-15", "ATY": "KZ-23",
    "ZAP": "KZ-27", "MAN": "KZ-47", "AST": "KZ-71", "PAV": "KZ-55", "KAR": "KZ-35",
    "KUS": "KZ-39", "KZY": "KZ-43", "VOS": "KZ-63", "SHY": "KZ-79", "SEV": "KZ-59",
    "YUZ": "KZ-61", "ZHA": "KZ-31",
}  # fmt: skip
# The illustrative tables of Annex I of HR/PUB/12/5 that a reference may name.
ANNEX_I_TABLES = (
    "Right to life",
    "Right to liberty and security of person",
    "Right to participate in public affairs",
    "Right not to be subjected to torture",
    "Right to freedom of opinion and expression",
    "Right to a fair trial",
    "Right to non-discrimination and equality",
    "Violence against women",
    "Right to adequate food",
    "Right to adequate housing",
    "Right to health",
    "Right to social security",
    "Right to education",
    "Right to work",
)
REFERENCE = re.compile(
    r"^(After|Adapted from) HR/PUB/12/5, Annex I, (?P<table>.+) — "
    r"(?P<kind>structural|process|outcome)( \(.+\))?$"
)
MINIMAL_CATALOGUE = """
dimensions:
  - code: SEX
    name: {en: Sex}
    values:
      - {code: F, name: {en: Female}}
rights:
  - key: torture
    title: {en: Freedom from torture}
    attributes:
      - key: detention
        title: {en: Detention}
        indicators:
          - code: TORT-P1
            kind: process
            title: {en: Complaints investigated}
            unit: PT
            dimensions: [SEX, COLOUR]
"""


def counts() -> dict[str, int]:
    return {
        "dimensions": Dimension.objects.count(),
        "values": DimensionValue.objects.count(),
        "sdg": SdgIndicator.objects.count(),
        "rights": Right.objects.count(),
        "attributes": Attribute.objects.count(),
        "indicators": Indicator.objects.count(),
        "indicator history": Indicator.history.count(),
        "indicator links": sum(
            i.dimensions.count() + i.sdg_indicators.count() + i.actions.count()
            for i in Indicator.objects.all()
        ),
    }


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_catalogue_loads_complete_in_three_languages():
    summary = load_catalogue()

    indicators = list(Indicator.objects.select_related("attribute__right"))
    assert 25 <= len(indicators) <= 40
    assert {i.kind for i in indicators} == set(Indicator.Kind.values)
    assert summary.indicators.created == len(indicators)
    for indicator in indicators:
        for name in ("title", "definition", "rationale", "method", "source", "limitations"):
            for language in language_codes():
                assert getattr(indicator, f"{name}_{language}"), (indicator.code, name, language)
        assert indicator.unit and indicator.unit_label_en, indicator.code
        match = REFERENCE.match(indicator.ohchr_reference)
        assert match, (indicator.code, indicator.ohchr_reference)
        assert match["table"].startswith(ANNEX_I_TABLES), (indicator.code, match["table"])
        assert match["kind"] == indicator.kind, indicator.code
    rights = Right.objects.all()
    assert 8 <= len(rights) <= 10
    for right in rights:
        assert right.title_en and right.title_ru and right.title_kk and right.ohchr_table
        assert 1 <= right.attributes.count() <= 4
    # Without the plan register nothing is linked, and the summary says so.
    assert not summary.plan_found
    assert summary.missing_actions
    assert not Indicator.actions.through.objects.exists()


def test_dimensions_have_names_in_every_language_and_sdmx_codes():
    load_catalogue()

    for dimension in Dimension.objects.all():
        assert dimension.name_en and dimension.name_ru and dimension.name_kk, dimension.code
        assert dimension.column_name, dimension.code
    codes = set(DimensionValue.objects.filter(dimension__code="SEX").values_list("code", flat=True))
    assert codes == {"F", "M"}
    book = Codebook.load()
    assert book.dimension_for_header("Sex") == "SEX"
    assert book.dimension_for_header("Location") == "URBANISATION"
    assert book.value("SEX", "женщины").code == "F"
    assert book.value("SEX", "Әйелдер").code == "F"
    assert book.value("URBANISATION", "Rural").code == "R"
    assert book.value("DISABILITY_STATUS", "Persons with disability").code == "PD"


def test_ref_area_holds_the_twenty_areas_of_kazakhstan_and_the_country():
    summary = load_catalogue()

    areas = set(DimensionValue.objects.filter(dimension__code=AREA).values_list("code", flat=True))
    assert areas == KZ_AREAS | {"KZ"}
    assert summary.country == "KZ"
    assert summary.areas_as_of == date(2026, 11, 23)
    assert Codebook.load().national_area().code == "KZ"
    for area in DimensionValue.objects.filter(dimension__code=AREA):
        assert area.name_en and area.name_ru and area.name_kk, area.code


def test_the_2022_regions_exist_from_8_june_2022():
    load_catalogue()

    new = DimensionValue.objects.filter(dimension__code=AREA, code__in=["KZ-10", "KZ-33", "KZ-62"])
    assert {(a.code, a.valid_from) for a in new} == {
        ("KZ-10", date(2022, 6, 8)),
        ("KZ-33", date(2022, 6, 8)),
        ("KZ-62", date(2022, 6, 8)),
    }
    assert DimensionValue.objects.get(dimension__code=AREA, code="KZ-19").valid_from is None


def test_every_old_letter_code_is_an_alias_of_its_numeric_code():
    load_catalogue()

    book = Codebook.load()
    for letters, code in OLD_LETTER_CODES.items():
        area = DimensionValue.objects.get(dimension__code=AREA, code=code)
        assert letters in area.aliases and f"KZ-{letters}" in area.aliases, code
        assert book.area(letters).code == code
        assert book.area(f"kz-{letters.lower()}").code == code
    assert book.area("Nur-Sultan").code == "KZ-71"
    assert book.area("Almaty").code == "KZ-75"
    assert book.area("Алматинская область").code == "KZ-19"


def test_loading_twice_changes_nothing():
    load_catalogue()
    before = counts()

    summary = load_catalogue()

    assert counts() == before
    assert not summary.changed
    assert summary.indicators.unchanged == before["indicators"]
    assert summary.areas.unchanged == len(KZ_AREAS) + 1


def test_a_reload_puts_back_what_the_file_says_and_keeps_the_rest():
    load_catalogue()
    indicator = Indicator.objects.get(code="LIB-O1")
    indicator.title_ru = "Изменено в интерфейсе"
    indicator.is_public = False
    indicator.save()
    indicator.dimensions.clear()
    version = Indicator.objects.get(code="LIB-O1").version

    summary = load_catalogue()

    indicator.refresh_from_db()
    assert summary.indicators.updated == 1
    assert indicator.title_ru.startswith("Доля лиц")
    assert set(indicator.dimensions.values_list("code", flat=True)) == {"SEX", "AGE"}
    assert indicator.is_public is False
    assert indicator.version == version + 1


def test_with_the_demo_plan_indicators_link_to_actions_themes_and_agencies():
    call_command("load_demo", force=True, stdout=io.StringIO())

    summary = load_catalogue()

    assert summary.plan_found
    assert summary.missing_actions == []
    assert summary.missing_themes == {}
    assert summary.missing_agencies == {}
    torture = Indicator.objects.get(code="TORT-S1")
    assert list(torture.actions.values_list("plan__code", "number")) == [("kz-hr-2022", "5.7")]
    assert torture.agency.abbreviation == "GPO"
    assert torture.attribute.right.theme.key == "freedom_from_torture"
    assert (
        Action.objects.get(plan__code="kz-hr-2022", number="5.5").indicators.get().code == "FT-P1"
    )
    assert Indicator.objects.get(code="LIB-O1").sdg_indicators.get().code == "16.3.2"
    assert load_catalogue().changed is False


def test_an_unknown_dimension_is_refused_and_nothing_is_written(tmp_path):
    catalogue = write(tmp_path, "catalogue.yaml", MINIMAL_CATALOGUE)

    with pytest.raises(CatalogueError, match=r"indicator TORT-P1: unknown dimension 'COLOUR'"):
        load_catalogue(catalogue, DEFAULT_AREAS)

    assert not Dimension.objects.exists()
    assert not DimensionValue.objects.exists()
    assert not Right.objects.exists()


def test_an_error_found_while_writing_rolls_everything_back(tmp_path):
    text = MINIMAL_CATALOGUE.replace("[SEX, COLOUR]", "[SEX]").replace(
        "title: {en: Freedom from torture}", f"title: {{en: {'x' * 300}}}"
    )
    catalogue = write(tmp_path, "catalogue.yaml", text)

    with pytest.raises(CatalogueError, match=r"right torture: title_en: .*255"):
        load_catalogue(catalogue, DEFAULT_AREAS)

    assert not Dimension.objects.exists()
    assert not DimensionValue.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("code: TORT-P1", "code: TORT-P1\n            actions: [5.10]"), "in quotes"),
        (("kind: process", "kind: procedural"), "kind 'procedural'"),
        (("title: {en: Detention}", "title: {en: Detention}\n        titel: x"), "'titel'"),
        (("title: {en: Complaints investigated}", "title: {kz: x}"), "unknown language 'kz'"),
        (("[SEX, COLOUR]", "[SEX, REF_AREA]"), "leave REF_AREA out"),
    ],
)
def test_bad_entries_are_named(tmp_path, change, message):
    text = MINIMAL_CATALOGUE.replace(*change).replace("[SEX, COLOUR]", "[SEX]")
    catalogue = write(tmp_path, "catalogue.yaml", text)

    with pytest.raises(CatalogueError, match=re.escape(message)):
        load_catalogue(catalogue, None)


def test_two_areas_answering_to_the_same_alias_are_refused(tmp_path):
    text = DEFAULT_AREAS.read_text(encoding="utf-8").replace('"Abay", ', '"Abay", "AKM", ')
    areas = write(tmp_path, "areas.yaml", text)

    with pytest.raises(CatalogueError, match="'akm' names both KZ-10 and KZ-11"):
        load_catalogue(DEFAULT_CATALOGUE, areas)


def test_another_country_loads_its_own_areas(tmp_path):
    catalogue = write(tmp_path, "catalogue.yaml", MINIMAL_CATALOGUE.replace(", COLOUR", ""))
    areas = write(
        tmp_path,
        "uz_areas.yaml",
        """
country: UZ
country_name: {en: Uzbekistan}
as_of: 2026-01-01
source: ISO 3166-2:UZ
areas:
  - {code: UZ-TK, kind: city, name: {en: Tashkent}}
  - {code: UZ-SA, kind: region, name: {en: Samarkand Region}, aliases: [Samarqand]}
""",
    )

    summary = load_catalogue(catalogue, areas)

    assert summary.country == "UZ"
    codes = set(DimensionValue.objects.filter(dimension__code=AREA).values_list("code", flat=True))
    assert codes == {"UZ", "UZ-TK", "UZ-SA"}
    assert Codebook.load().national_area().code == "UZ"
    with pytest.raises(CatalogueError, match="already holds the areas of UZ"):
        load_catalogue(catalogue, DEFAULT_AREAS)


def test_the_command_prints_counts():
    out = io.StringIO()

    call_command("load_indicator_catalogue", stdout=out)

    text = out.getvalue()
    assert re.search(r"indicators\s+\d+ \(\d+ created, 0 updated, 0 unchanged\)", text)
    assert "areas of KZ as of 2026-11-23" in text
    assert "Catalogue loaded." in text


def test_the_command_dry_run_saves_nothing():
    out = io.StringIO()

    call_command("load_indicator_catalogue", "--dry-run", stdout=out)

    assert "dry run: nothing was saved" in out.getvalue()
    assert not Indicator.objects.exists()


def test_the_command_fails_on_a_bad_file(tmp_path):
    catalogue = write(tmp_path, "catalogue.yaml", MINIMAL_CATALOGUE)

    with pytest.raises(CommandError, match="unknown dimension 'COLOUR'"):
        call_command("load_indicator_catalogue", "--catalogue", str(catalogue))

    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_indicator_catalogue", "--catalogue", str(tmp_path / "missing.yaml"))
    assert not Dimension.objects.exists()
