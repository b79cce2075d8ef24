"""Importing real-layout files (``tests/data/``, written by ``make_files.py``) with the engine.

Each layout imports field by field as the format means it; importing a file again changes
nothing; an updated file updates in place; rows that cannot be read are listed with their row
number and reason while the rest is imported; a file that is not what its format says, or
that breaks half way, is refused and the database is left as it was. The command in front of
the engine has its own tests (``test_import_command.py``).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from rightsmonitor.core.tabular import TableError
from rightsmonitor.plans.models import Theme
from rightsmonitor.recommendations.importers.engine import (
    ImportSummary,
    check_file,
    import_recommendations,
)
from rightsmonitor.recommendations.models import (
    Body,
    Mechanism,
    Position,
    Recommendation,
    RecommendationCountry,
    RecommendationLink,
    SdgTarget,
    Source,
)

DATA = Path(__file__).parent / "data"
GENERIC_OPTIONS = {
    "mapping": {
        "text": "Рекомендация",
        "symbol": "Документ",
        "document_date": "Дата",
        "themes": "Темы",
        "affected_persons": "Группы",
        "paragraph": "№",
    },
    "body": "Уполномоченный по правам человека",
    "mechanism": "national",
}

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    """Rows of every table an import writes to (and of the links, which it must not touch)."""
    models: list[Any] = [
        Recommendation,
        Body,
        Theme,
        SdgTarget,
        RecommendationCountry,
        RecommendationLink,
        Recommendation.themes.through,
        Recommendation.affected_persons.through,
        Recommendation.sdg_targets.through,
    ]
    return {model._meta.label: model.objects.count() for model in models}


def run(name: str | Path, format: str, **options: Any) -> ImportSummary:
    path = name if isinstance(name, Path) else DATA / name
    return import_recommendations(path, format, options=options)


def counts(summary: ImportSummary) -> tuple[int, int, int, int]:
    return summary.created, summary.updated, summary.unchanged, summary.rejected


def by_paragraph(paragraph: str, symbol: str) -> Recommendation:
    return Recommendation.objects.with_related().get(paragraph=paragraph, symbol=symbol)


def names(themes: Any) -> list[str]:
    return sorted(theme.name_en for theme in themes.all())


def snapshot() -> dict[int, tuple[Any, ...]]:
    return {
        rec.pk: (rec.version, rec.updated_at, rec.content_hash, rec.text)
        for rec in Recommendation.objects.all()
    }


# --- UHRI Excel ---------------------------------------------------------------------------------


def test_uhri_xlsx_imports_every_field() -> None:
    summary = run("uhri.xlsx", "uhri-xlsx")

    assert counts(summary) == (8, 0, 0, 0)
    assert summary.notes == []

    upr = by_paragraph("136.1", "A/HRC/43/10")
    assert upr.text == (
        "Consider ratifying the Optional Protocol to the International Covenant on Economic, "
        "Social and Cultural Rights (Portugal);"
    )
    assert upr.source == Source.UHRI
    assert upr.source_id == "7f1e2c3a-5b6d-4e8f-9a0b-1c2d3e4f5a61"
    assert upr.body.code == "UPR"
    assert upr.body.mechanism == Mechanism.UPR
    assert upr.position == Position.SUPPORTED
    assert upr.document_date == date(2019, 12, 19)  # an Excel serial number
    assert upr.recommending_states == ["Portugal"]
    assert upr.session == "34"
    assert upr.language == "en"
    assert upr.annotation_type == "Recommendation"
    assert [c.country for c in upr.countries.all()] == ["KAZ"]
    assert names(upr.themes) == [
        "Economic, social & cultural rights - general measures of implementation",
        "International instruments",
    ]
    assert {theme.kind for theme in upr.themes.all()} == {Theme.Kind.RIGHT}
    assert names(upr.affected_persons) == ["General"]
    assert {theme.kind for theme in upr.affected_persons.all()} == {Theme.Kind.GROUP}
    assert sorted((t.code, t.title) for t in upr.sdg_targets.all()) == [
        (
            "10.3",
            "Ensure equal opportunity and reduce inequalities of outcome, including by "
            "eliminating discriminatory laws, policies and practices",
        ),
        (
            "16.3",
            "Promote the rule of law at the national and international levels and ensure "
            "equal access to justice for all",
        ),
    ]

    noted = by_paragraph("136.45", "A/HRC/43/10")  # "136.45&nbsp;Decriminalize"
    assert noted.text.startswith("Decriminalize defamation")
    assert noted.position == Position.NOTED
    assert noted.recommending_states == ["Czechia", "Estonia"]
    assert noted.document_date == date(2019, 12, 19)  # "19/12/2019" as text
    assert names(noted.affected_persons) == ["Human rights defenders", "Media"]

    in_part = by_paragraph("136.102", "A/HRC/43/10")
    assert in_part.position == Position.SUPPORTED_IN_PART  # "Supported/Noted"
    assert in_part.document_date == date(2019, 12, 19)  # a date cell
    assert in_part.sdg_targets.count() == 0

    cedaw = by_paragraph("12", "CEDAW/C/KAZ/CO/5")
    assert cedaw.text.startswith("The Committee recommends that the State party adopt")
    assert "women & girls" in cedaw.text  # &amp;
    assert "<" not in cedaw.text and "&nbsp;" not in cedaw.text and "\xa0" not in cedaw.text
    assert cedaw.body.code == "CEDAW"
    assert cedaw.body.mechanism == Mechanism.TREATY_BODY
    assert cedaw.body.name_en == "Committee on the Elimination of Discrimination against Women"
    assert cedaw.position == Position.NO_RESPONSE
    assert cedaw.recommending_states == []
    assert cedaw.session == ""
    assert cedaw.document_date == date(2019, 11, 12)

    ccpr = by_paragraph("36", "CCPR/C/KAZ/CO/3")  # "36.The State party" without a space
    assert ccpr.text == (
        "The State party should:\n"
        "(a) Bring its legislation on peaceful assemblies into line with article 21 of the "
        "Covenant;\n"
        "(b) Ensure that organizers and participants are not prosecuted for the peaceful "
        "exercise of their rights."
    )
    assert ccpr.document_date == date(2023, 8, 11)

    special = by_paragraph("98", "A/HRC/29/25/Add.2")
    assert special.body.mechanism == Mechanism.SPECIAL_PROCEDURE
    assert special.body.code == (
        "Special Rapporteur on the rights to freedom of peaceful assembly and of association"
    )

    crc = by_paragraph("27(b)", "CRC/C/KAZ/CO/4")
    assert crc.source_id == "1234567"  # held by Excel as the number 1234567.0
    assert crc.document_date == date(2015, 10, 30)  # "30 October 2015"
    assert sorted(t.code for t in crc.sdg_targets.all()) == ["16.2", "16.3"]

    cat = by_paragraph("10", "CAT/C/KAZ/CO/4")
    assert len(cat.text) > 4000  # a long text is kept whole
    assert cat.text.endswith("to notify a relative;")
    assert [t.code for t in cat.sdg_targets.all()] == ["16.a"]

    # Shared values are stored once: one SDG target 16.3, one body per code, one theme each.
    assert SdgTarget.objects.filter(code="16.3").count() == 1
    assert Body.objects.count() == 6
    assert Theme.objects.filter(name_en="Civil society", kind=Theme.Kind.GROUP).count() == 1


def test_columns_in_another_order_give_the_same_recommendations() -> None:
    run("uhri.xlsx", "uhri-xlsx")
    before = snapshot()

    summary = run("uhri_reordered.xlsx", "uhri-xlsx")

    assert counts(summary) == (0, 0, 8, 0)
    assert summary.notes == ["Columns ignored: Mandate code."]
    assert snapshot() == before


def test_reordered_columns_alone_import_the_same_fields() -> None:
    summary = run("uhri_reordered.xlsx", "uhri-xlsx")

    assert counts(summary) == (8, 0, 0, 0)
    crc = by_paragraph("27(b)", "CRC/C/KAZ/CO/4")
    assert crc.source_id == "1234567"
    assert by_paragraph("136.45", "A/HRC/43/10").recommending_states == ["Czechia", "Estonia"]


def test_importing_the_same_file_twice_changes_nothing() -> None:
    run("uhri.xlsx", "uhri-xlsx")
    before, tables = snapshot(), table_counts()

    summary = run("uhri.xlsx", "uhri-xlsx")

    assert counts(summary) == (0, 0, 8, 0)
    assert snapshot() == before
    assert table_counts() == tables
    assert set(Recommendation.objects.values_list("version", flat=True)) == {1}


def test_an_updated_file_updates_in_place() -> None:
    run("uhri.xlsx", "uhri-xlsx")
    before, tables = snapshot(), table_counts()

    summary = run("uhri_updated.xlsx", "uhri-xlsx")

    assert counts(summary) == (0, 2, 6, 0)
    after = snapshot()
    assert after.keys() == before.keys()  # the same primary keys: nothing new
    changed = {pk for pk in after if after[pk] != before[pk]}
    noted = by_paragraph("136.45", "A/HRC/43/10")
    cedaw = by_paragraph("12", "CEDAW/C/KAZ/CO/5")
    assert changed == {noted.pk, cedaw.pk}
    assert noted.text.startswith("Decriminalize defamation and insult")
    assert noted.version == 2
    assert names(cedaw.themes) == [
        "Equality & non-discrimination",
        "Violence against women",
        "Women's rights",
    ]
    assert cedaw.version == 2
    assert {rec.version for rec in Recommendation.objects.exclude(pk__in=changed)} == {1}
    # One theme more and one theme link more; nothing else grew.
    label = Recommendation.themes.through._meta.label
    assert table_counts() == tables | {
        "plans.Theme": tables["plans.Theme"] + 1,
        label: tables[label] + 1,
    }

    again = run("uhri_updated.xlsx", "uhri-xlsx")
    assert counts(again) == (0, 0, 8, 0)


def test_an_update_keeps_the_links_to_actions(coordinator: Any) -> None:
    from rightsmonitor.plans.tests.factories import ActionFactory
    from rightsmonitor.recommendations.actions import link_action

    run("uhri.xlsx", "uhri-xlsx")
    cedaw = by_paragraph("12", "CEDAW/C/KAZ/CO/5")
    action = ActionFactory()
    link_action(cedaw, action, by=coordinator, note="Answers it")

    run("uhri_updated.xlsx", "uhri-xlsx")

    assert RecommendationLink.objects.get().recommendation_id == cedaw.pk


# --- UHRI JSON ---------------------------------------------------------------------------------


def test_uhri_json_imports_the_same_recommendations_as_the_workbook() -> None:
    summary = run("uhri.json", "uhri-json")

    assert counts(summary) == (8, 0, 0, 0)
    upr = by_paragraph("136.1", "A/HRC/43/10")
    assert upr.body.code == "UPR"  # "- UPR"
    assert upr.position == Position.SUPPORTED  # ["Supported"]
    assert upr.session == "34"  # ["34"]
    assert upr.cycle == "3"
    assert upr.document_date == date(2019, 12, 19)  # "2019-12-19T00:00:00"
    assert [c.country for c in upr.countries.all()] == ["KAZ"]
    assert by_paragraph("27(b)", "CRC/C/KAZ/CO/4").source_id == "1234567"  # a JSON number
    assert by_paragraph("136.102", "A/HRC/43/10").position == Position.SUPPORTED_IN_PART


def test_json_after_the_workbook_creates_nothing() -> None:
    run("uhri.xlsx", "uhri-xlsx")
    before, tables = snapshot(), table_counts()

    summary = run("uhri.json", "uhri-json")

    # Same annotation ids, same recommendations; the JSON adds the UPR cycle (the Excel
    # export has no cycle column) to the three UPR recommendations.
    assert counts(summary) == (0, 3, 5, 0)
    assert snapshot().keys() == before.keys()
    assert table_counts() == tables
    assert set(Recommendation.objects.filter(body__code="UPR").values_list("cycle", flat=True)) == {
        "3"
    }

    assert counts(run("uhri.json", "uhri-json")) == (0, 0, 8, 0)
    assert counts(run("uhri.xlsx", "uhri-xlsx")) == (0, 3, 5, 0)  # the cycle goes again


def test_a_json_cut_short_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    run("uhri.xlsx", "uhri-xlsx")
    before, tables = snapshot(), table_counts()
    data = (DATA / "uhri.json").read_bytes()
    broken = tmp_path / "cut.json"
    broken.write_bytes(data[: len(data) * 2 // 3])

    check_file(broken, "uhri-json")  # the head is fine: the upload page accepts it
    with pytest.raises(TableError, match="The JSON is broken after about 7 objects"):
        run(broken, "uhri-json")

    assert snapshot() == before
    assert table_counts() == tables


def test_a_json_element_that_is_not_a_uhri_object_refuses_the_file(tmp_path: Path) -> None:
    objects = json.loads((DATA / "uhri.json").read_text())
    bad = tmp_path / "mixed.json"
    bad.write_text(json.dumps([*objects[:3], {"id": 1, "text": "Ratify"}]))

    with pytest.raises(TableError, match="Object 4 lacks the UHRI fields"):
        run(bad, "uhri-json")

    assert Recommendation.objects.count() == 0


def test_json_with_a_bom_and_nulls_imports(tmp_path: Path) -> None:
    objects = json.loads((DATA / "uhri.json").read_text())
    objects[3] |= {"Sdgs": None, "Themes": None, "Countries": None, "UprPositions": None}
    path = tmp_path / "bom.json"
    path.write_bytes(codecs.BOM_UTF8 + json.dumps(objects[3:5]).encode())

    summary = run(path, "uhri-json")

    assert counts(summary) == (2, 0, 0, 0)
    cedaw = by_paragraph("12", "CEDAW/C/KAZ/CO/5")
    assert cedaw.themes.count() == 0
    assert cedaw.countries.count() == 0


# --- Rejected rows -------------------------------------------------------------------------------


def test_rows_that_cannot_be_read_are_listed_and_the_rest_imported() -> None:
    rejected = io.StringIO()

    summary = import_recommendations(DATA / "uhri_rejects.xlsx", "uhri-xlsx", rejected_to=rejected)

    assert counts(summary) == (2, 0, 0, 3)
    assert set(Recommendation.objects.values_list("paragraph", flat=True)) == {"12", "13"}
    rows = list(csv.reader(io.StringIO(rejected.getvalue())))
    assert rows[0][:4] == ["Row", "Column", "Reason", "Text"]
    assert "OHCHR Annotation Id" in rows[0]
    assert [row[:3] for row in rows[1:]] == [
        ["3", "Text", "The recommendation has no text."],
        ["5", "Document Publication Date", "“sometime in 2019” is not a date."],
        [
            "6",
            "Sdgs",
            "“Goal sixteen: peace and justice” is not an SDG target (like “16.3 - …”).",
        ],
    ]
    # The row's own values follow, so that the user can correct and import them again.
    id_column = rows[0].index("OHCHR Annotation Id")
    assert rows[2][id_column] == "d0000000-0000-4000-8000-000000000003"


def test_the_same_id_twice_with_other_content_is_rejected(tmp_path: Path) -> None:
    objects = json.loads((DATA / "uhri.json").read_text())
    twin = dict(objects[3], Text="<p>13. Another text under the same id.</p>")
    path = tmp_path / "twins.json"
    path.write_text(json.dumps([objects[3], objects[3], twin]))
    rejected = io.StringIO()

    summary = import_recommendations(path, "uhri-json", rejected_to=rejected)

    assert counts(summary) == (1, 0, 1, 1)
    assert "The same recommendation (same id) as row #1, with other content." in rejected.getvalue()


# --- UPR Info (Uwazi CSV) -----------------------------------------------------------------------


def test_uprinfo_csv_imports_every_field() -> None:
    summary = run("uprinfo.csv", "uprinfo-csv")

    assert counts(summary) == (6, 0, 0, 0)
    assert summary.notes == []  # Date added, Template, Geolocation... are known and ignored
    recs = {rec.recommending_states[0]: rec for rec in Recommendation.objects.with_related()}
    portugal = recs["Portugal"]
    assert portugal.text.startswith("Consider ratifying the Optional Protocol")
    assert portugal.source == Source.UPR_INFO
    assert portugal.source_id.startswith("h:")
    assert portugal.body.code == "UPR"
    assert portugal.body.mechanism == Mechanism.UPR
    assert portugal.position == Position.SUPPORTED
    assert portugal.action_category == 3  # "3 - Considering action"
    assert portugal.session == "34"  # "34 - November 2019"
    assert portugal.cycle == "3"  # "3rd Cycle"
    assert portugal.document_date == date(2019, 11, 1)  # the month of the session
    assert [c.country for c in portugal.countries.all()] == ["KAZ"]
    assert names(portugal.themes) == ["ESC rights - general", "International instruments"]
    assert recs["Czechia"].position == Position.NOTED
    assert recs["Germany"].position == Position.NOTED  # "Not Supported"
    assert recs["Germany"].session == "48"
    assert recs["Germany"].cycle == "4"
    assert recs["Germany"].document_date == date(2025, 1, 1)
    assert recs["Canada"].action_category == 4
    assert names(recs["Canada"].themes) == [
        "Persons with disabilities",
        "Racial discrimination",
        "Women's rights",
    ]

    assert counts(run("uprinfo.csv", "uprinfo-csv")) == (0, 0, 6, 0)


def test_uprinfo_as_excel_unicode_text_is_the_same_file() -> None:
    run("uprinfo.csv", "uprinfo-csv")

    summary = run("uprinfo_utf16.csv", "uprinfo-csv")  # UTF-16 with a BOM, tab-separated

    assert counts(summary) == (0, 0, 6, 0)


def test_an_updated_uprinfo_export_updates_in_place(tmp_path: Path) -> None:
    run("uprinfo.csv", "uprinfo-csv")
    before = snapshot()
    text = (DATA / "uprinfo.csv").read_text()
    text = text.replace("Not Supported,5 - Specific action", "Supported,5 - Specific action")
    text = text.replace(
        "Death penalty|International instruments", "Death penalty|International instruments|Justice"
    )
    path = tmp_path / "uprinfo.csv"
    path.write_text(text)

    summary = run(path, "uprinfo-csv")

    assert counts(summary) == (0, 2, 4, 0)
    assert snapshot().keys() == before.keys()
    germany = Recommendation.objects.get(recommending_states=["Germany"])
    assert germany.position == Position.SUPPORTED
    assert germany.version == 2
    montenegro = Recommendation.objects.get(recommending_states=["Montenegro"])
    assert names(montenegro.themes) == ["Death penalty", "International instruments", "Justice"]


def test_uprinfo_labels_we_do_not_know_are_mapped_by_the_user(tmp_path: Path) -> None:
    path = tmp_path / "uprinfo.csv"
    text = (DATA / "uprinfo.csv").read_text()
    header, rest = text.split("\n", 1)
    header = header.replace("Title", "Name").replace("Recommendation,", "Recommendation text (EN),")
    header = header.replace("Response", "SuR Position 2025")
    path.write_text(f"{header}\n{rest}")

    with pytest.raises(TableError, match="neither a “Title” nor a “Recommendation” column"):
        check_file(path, "uprinfo-csv")

    summary = run(
        path,
        "uprinfo-csv",
        mapping={"text": "Recommendation text (EN)", "position": "SuR position 2025"},
    )

    assert counts(summary) == (6, 0, 0, 0)
    assert Recommendation.objects.filter(position=Position.NOTED).count() == 2
    assert "Columns ignored: Name." in summary.notes


def test_a_mapping_to_a_column_the_file_lacks_is_refused() -> None:
    with pytest.raises(TableError, match="The file has no column “Text EN”"):
        run("uprinfo.csv", "uprinfo-csv", mapping={"text": "Text EN"})
    with pytest.raises(TableError, match="“colour” is not a field that can be mapped"):
        run("uprinfo.csv", "uprinfo-csv", mapping={"colour": "Title"})


# --- Generic CSV with a mapping -----------------------------------------------------------------


def test_a_generic_csv_imports_with_a_mapping_and_a_body() -> None:
    summary = run("generic.csv", "csv", **GENERIC_OPTIONS)  # Windows-1251, semicolons

    assert counts(summary) == (3, 0, 0, 0)
    first = Recommendation.objects.with_related().get(paragraph="1")
    assert (
        first.text == "Обеспечить доступ адвокатов к задержанным с момента фактического задержания."
    )
    assert first.language == "ru"
    assert first.source == Source.FILE
    assert first.body.code == "Уполномоченный по правам человека"
    assert first.body.mechanism == Mechanism.NATIONAL
    assert first.symbol == "Ежегодный доклад за 2023 год"
    assert first.document_date == date(2024, 3, 15)
    assert names(first.themes) == ["Право на справедливое судебное разбирательство", "Пытки"]
    assert names(first.affected_persons) == ["Лица, лишённые свободы"]
    assert Theme.objects.filter(name_en="Пытки").count() == 1

    # No id, and the third row has no symbol either: matched by its text.
    assert counts(run("generic.csv", "csv", **GENERIC_OPTIONS)) == (0, 0, 3, 0)
    assert Recommendation.objects.count() == 3


@pytest.mark.parametrize("kind", ["docx", "xlsx", "html"])
def test_the_generic_format_takes_a_table_in_word_excel_or_a_page(
    tmp_path: Path, kind: str
) -> None:
    """A national institution's report lists its recommendations in a Word table: the same
    rows as generic.csv, under a title, read with the same mapping to the same records."""
    import csv as csv_module
    import html

    import docx
    import openpyxl

    text = (DATA / "generic.csv").read_bytes().decode("cp1251")
    rows = list(csv_module.reader(io.StringIO(text, newline=""), delimiter=";"))
    path = tmp_path / f"report.{kind}"
    if kind == "docx":
        document = docx.Document()
        document.add_paragraph("Рекомендации Уполномоченного")
        table = document.add_table(rows=0, cols=len(rows[0]))
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = value
        document.save(path)
    elif kind == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(["Рекомендации Уполномоченного"])
        for row in rows:
            book.active.append(row)
        book.save(path)
    else:
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape(v).replace(chr(10), '<br>')}</td>" for v in row)
            + "</tr>"
            for row in rows
        )
        path.write_text(f"<h1>Рекомендации</h1><table>{body}</table>", encoding="utf-8")

    summary = run(path, "csv", **GENERIC_OPTIONS)

    assert counts(summary) == (3, 0, 0, 0)
    first = Recommendation.objects.with_related().get(paragraph="1")
    assert first.text.startswith("Обеспечить доступ адвокатов")
    assert first.document_date == date(2024, 3, 15)
    assert names(first.themes) == ["Право на справедливое судебное разбирательство", "Пытки"]
    assert counts(run("generic.csv", "csv", **GENERIC_OPTIONS)) == (0, 0, 3, 0)


def test_a_generic_csv_needs_a_body() -> None:
    options = {"mapping": GENERIC_OPTIONS["mapping"]}
    with pytest.raises(TableError, match="Say which column holds the recommending body"):
        run("generic.csv", "csv", **options)


def test_a_generic_csv_without_a_text_column_is_refused() -> None:
    with pytest.raises(TableError, match="Required column missing: “text”"):
        run("generic.csv", "csv", body="CAT")


# --- Real-world variety ---------------------------------------------------------------------------


def test_a_title_above_the_header_and_empty_columns_after_it(tmp_path: Path) -> None:
    source = openpyxl.load_workbook(DATA / "uhri.xlsx")
    rows = list(source.active.iter_rows(values_only=True))
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "About"
    cover.append(["Exported from the Universal Human Rights Index"])
    sheet = workbook.create_sheet("Results")
    sheet.append(["Universal Human Rights Index: search results"])
    sheet.append([])
    for row in rows:
        sheet.append([*row, None, None])
    path = tmp_path / "titled.xlsx"
    workbook.save(path)

    summary = run(path, "uhri-xlsx")

    assert counts(summary) == (8, 0, 0, 0)


def test_a_csv_with_a_title_row_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_text(
        "UPR Info database, export of 2 May 2025\n\n" + (DATA / "uprinfo.csv").read_text()
    )

    summary = run(path, "uprinfo-csv")

    assert counts(summary) == (6, 0, 0, 0)


def test_a_workbook_kept_under_another_name(tmp_path: Path) -> None:
    path = tmp_path / "upload-1234"  # an uploaded file, stored without its extension
    shutil.copy(DATA / "uhri.xlsx", path)

    assert counts(run(path, "uhri-xlsx")) == (8, 0, 0, 0)


def test_a_utf16_file_larger_than_the_sample(tmp_path: Path) -> None:
    # The encoding is judged on the first 64 KiB: cut there, UTF-16 must stay whole.
    lines = (DATA / "uprinfo.csv").read_text().splitlines()
    body = [line.replace("Kazakhstan", f"Kazakhstan{n}") for n in range(60) for line in lines[1:]]
    text = "\r\n".join([lines[0], *body]) + "\r\n"
    path = tmp_path / "big_utf16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert path.stat().st_size > 128 * 1024

    summary = run(path, "uprinfo-csv")

    assert counts(summary) == (360, 0, 0, 0)


def test_an_empty_file_is_refused_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    for format in ("uhri-xlsx", "uhri-json", "uprinfo-csv", "csv"):
        with pytest.raises(TableError, match="The file is empty"):
            run(path, format, body="CAT")


# --- Matching -------------------------------------------------------------------------------------


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of three rows, so that a small file crosses batch boundaries."""
    monkeypatch.setattr("rightsmonitor.recommendations.importers.engine.BATCH", 3)


@pytest.mark.usefixtures("small_batches")
def test_batches_change_nothing() -> None:
    assert counts(run("uhri.xlsx", "uhri-xlsx")) == (8, 0, 0, 0)
    assert counts(run("uhri.json", "uhri-json")) == (0, 3, 5, 0)
    assert counts(run("uhri.json", "uhri-json")) == (0, 0, 8, 0)
    assert Recommendation.objects.count() == 8


@pytest.mark.usefixtures("small_batches")
def test_annotations_with_the_same_words_are_different_recommendations(tmp_path: Path) -> None:
    # UHRI may index the same words twice in one document (two paragraphs, two annotations):
    # their ids say they are two recommendations, in whichever batch they fall.
    template = json.loads((DATA / "uhri.json").read_text())[3]
    path = tmp_path / "same_words.json"
    path.write_text(json.dumps([dict(template, AnnotationId=f"same-{n}") for n in range(7)]))

    assert counts(run(path, "uhri-json")) == (7, 0, 0, 0)
    assert counts(run(path, "uhri-json")) == (0, 0, 7, 0)
    assert Recommendation.objects.count() == 7
    assert table_counts()[Recommendation.themes.through._meta.label] == 14


def test_a_recommendation_typed_in_is_found_by_its_symbol_and_text() -> None:
    from rightsmonitor.recommendations.importers.engine import save_records
    from rightsmonitor.recommendations.importers.records import Record

    typed = Record(
        text="The Committee recommends that the State party adopt a comprehensive definition of "
        "discrimination against women & girls, covering direct and indirect discrimination "
        "in the public and private spheres, in line with articles 1 and 2 of the Convention.",
        body="CEDAW",
        source=Source.MANUAL,
        symbol="CEDAW/C/KAZ/CO/5",
    )
    save_records([typed])
    pk = Recommendation.objects.get().pk

    summary = run("uhri.xlsx", "uhri-xlsx")

    assert counts(summary) == (7, 1, 0, 0)
    cedaw = Recommendation.objects.get(pk=pk)
    assert (cedaw.source, cedaw.source_id) == (Source.UHRI, "c3a1d2e4-6f70-4812-93a4-b5c6d7e8f901")
    assert counts(run("uhri.xlsx", "uhri-xlsx")) == (0, 0, 8, 0)


def test_the_same_row_twice_without_an_id_is_one_recommendation(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "Text;Body\nRatify the OP-CAT.;CAT\nEnsure access to a lawyer.;CAT\nRatify the OP-CAT.;CAT\n"
    )

    assert counts(run(path, "csv")) == (2, 0, 1, 0)
    assert counts(run(path, "csv")) == (0, 0, 3, 0)
    assert Recommendation.objects.count() == 2
