"""A decree's annex as governments publish it, a Word document or a legal-database page,
imports to the same plan as the workbook: through the reader, the command and the web page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from rightsmonitor.conftest import client_for
from rightsmonitor.core.tabular import TableError, read_table
from rightsmonitor.plans.importers.plan_table import load_plan_table, parse_plan_table, read_rows
from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.plans.tests.data import DATA_DIR, load_reference
from rightsmonitor.plans.tests.factories import PlanFactory

DOCUMENTS = ["kz_plan_ru.docx", "kz_plan_ru.html"]


@pytest.fixture
def register(db: Any) -> None:
    load_reference()


def make_plan(code: str) -> Plan:
    return PlanFactory(code=code, title_en=f"Plan {code}")


def structure(plan: Plan) -> list[tuple[Any, ...]]:
    """What a plan's table says, apart from the language of its texts and the plan's period."""
    rows = []
    actions = Action.objects.filter(plan=plan).select_related("section", "form_of_completion")
    for action in actions.order_by("section__order", "order"):
        agencies = tuple(
            (a.agency.abbreviation, a.role, a.as_agreed)
            for a in action.assignments.order_by("order")
        )
        rows.append(
            (
                action.section.number,
                action.number,
                action.form_of_completion.key if action.form_of_completion else None,
                # A recurring deadline's next date depends on the plan's period: compare the rule.
                (action.recurrence, action.recurrence_month, action.recurrence_day)
                if action.recurrence
                else action.due_date,
                agencies,
            )
        )
    return rows


def english_structure(coordinator: Any) -> list[tuple[Any, ...]]:
    reference = make_plan("from-xlsx")
    load_plan_table(DATA_DIR / "kz_plan_en.xlsx", reference, by=coordinator)
    return structure(reference)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_plan_table_is_found_among_the_documents_tables(name: str) -> None:
    table = read_rows(DATA_DIR / name)
    assert table.format == name.rsplit(".", 1)[1]
    assert table.sheet == "Table 2"  # an unrelated table comes first
    parsed = parse_plan_table(table)
    assert [section.number for section in parsed.sections] == [str(n) for n in range(1, 9)]
    assert sum(len(section.actions) for section in parsed.sections) == 27
    first = parsed.sections[0]
    assert first.title.startswith("Ликвидация дискриминации в отношении женщин")
    footnoted = next(a for s in parsed.sections for a in s.actions if a.number == "5.1")
    assert not footnoted.title.endswith("1"), "the footnote mark is dropped"
    by_number = {a.number: a for s in parsed.sections for a in s.actions}
    # A form of completion merged down over several actions belongs to each of them.
    assert all(action.form for action in by_number.values())
    # Line breaks inside a cell (two paragraphs, <br>) keep the agency list whole.
    assert [a.abbreviation for a in by_number["1.1"].agencies] == ["LEB", "MIC", "NCWAFDP"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_document_imports_to_the_same_plan_as_the_workbook(
    name: str, register: None, coordinator: Any
) -> None:
    expected = english_structure(coordinator)
    plan = make_plan("from-document")
    report = load_plan_table(DATA_DIR / name, plan, by=coordinator, language="ru")
    assert (report.sections_created, report.actions_created) == (8, 27)
    assert structure(plan) == expected
    action = Action.objects.get(plan=plan, number="1.1")
    assert action.title_ru.startswith("Включить в планы развития")
    assert plan.sections.get(number="2").title_ru == "Свобода объединений"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_command_creates_the_plan_from_a_document(
    name: str, register: None, coordinator: Any
) -> None:
    expected = english_structure(coordinator)
    out = io.StringIO()
    call_command(
        "import_plan",
        str(DATA_DIR / name),
        "--plan",
        "kz-annex",
        "--create",
        "--title",
        "План действий в области прав человека",
        "--country",
        "kaz",
        "--language",
        "ru",
        stdout=out,
    )
    plan = Plan.objects.get(code="kz-annex")
    assert plan.status == Plan.Status.DRAFT
    assert (plan.title_ru, plan.country) == ("План действий в области прав человека", "KAZ")
    assert structure(plan) == expected
    assert "Created the draft plan 'kz-annex'." in out.getvalue()


def test_create_needs_a_title_and_a_country_and_creates_nothing_on_a_bad_table(
    register: None,
) -> None:
    with pytest.raises(CommandError, match="--create needs --title and --country"):
        call_command("import_plan", str(DATA_DIR / "kz_plan_ru.docx"), "--plan", "x", "--create")
    with pytest.raises(CommandError, match=r"No plan with the code 'x'\. Add --create"):
        call_command("import_plan", str(DATA_DIR / "kz_plan_ru.docx"), "--plan", "x")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_plan",
            str(DATA_DIR / "bad_empty_title.csv"),
            *("--plan", "x", "--create", "--title", "X", "--country", "KAZ"),
            stderr=err,
        )
    assert "Row 4" in err.getvalue()
    with pytest.raises(CommandError, match="The plan cannot be created"):
        call_command(
            "import_plan",
            str(DATA_DIR / "kz_plan_ru.docx"),
            *("--plan", "x", "--create", "--title", "X", "--country", "ZZZ"),
            stderr=io.StringIO(),
        )
    assert not Plan.objects.filter(code="x").exists()


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_web_page_imports_a_document(name: str, register: None, coordinator: Any) -> None:
    expected = english_structure(coordinator)
    client = client_for(coordinator)
    plan = make_plan("into-existing")
    upload = SimpleUploadedFile(name, (DATA_DIR / name).read_bytes())
    response = client.post(f"/manage/plans/{plan.code}/import/", {"file": upload, "language": "ru"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert structure(plan) == expected

    upload = SimpleUploadedFile(name, (DATA_DIR / name).read_bytes())
    response = client.post(
        "/manage/import/",
        {"code": "new-one", "title": "Новый", "country": "KAZ", "file": upload, "language": "ru"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert structure(Plan.objects.get(code="new-one")) == expected


def test_merged_cells_in_html_are_resolved() -> None:
    page = (
        b"<table><tr><th>A</th><th>B</th><th>C</th></tr>"
        b'<tr><td colspan="3">1. Section</td></tr>'
        b'<tr><td rowspan="2">x</td><td>b1</td><td rowspan="3">c</td></tr>'
        b"<tr><td>b2</td></tr>"
        b"<tr><td>y</td><td>b3<sup>2</sup></td></tr></table>"
    )
    rows = [values for _n, values in read_table(page, filename="t.html").rows]
    assert rows == [
        ["A", "B", "C"],
        ["1. Section", None, None],
        ["x", "b1", "c"],
        ["x", "b2", "c"],
        ["y", "b3", "c"],
    ]


def test_unreadable_documents_are_refused_clearly() -> None:
    with pytest.raises(TableError, match="not a valid Word document"):
        read_table(b"PK\x03\x04 not really a zip", filename="annex.docx")
    with pytest.raises(TableError, match="old Word"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), filename="annex.doc")
    with pytest.raises(TableError, match="RTF"):
        read_table(b"{\\rtf1\\ansi hello}", filename="annex.rtf")
    with pytest.raises(TableError, match="holds no table"):
        read_table(b"<html><body><p>No table here</p></body></html>", filename="a.html")


def test_a_table_broken_across_pages_is_read_whole() -> None:
    """Documents converted from PDF break the plan's table at each page, repeating its header;
    a narrower table after it (the signatures) is not part of it."""
    header = "<tr><th>№</th><th>Мероприятие</th><th>Срок</th><th>Ответственные</th></tr>"
    page = (
        "<table><tr><td>Утверждён</td></tr></table>"
        f"<table>{header}"
        '<tr><td colspan="4">1. Суды</td></tr>'
        "<tr><td>1.1</td><td>Принять положение</td><td>2023</td><td>МЮ</td></tr></table>"
        f"<table>{header}"
        "<tr><td>1.2</td><td>Обучить судей</td><td>2024</td><td>ВС</td></tr></table>"
        "<table><tr><td>1.3</td><td>Издать доклад</td><td>2025</td><td>МИД</td></tr></table>"
        "<table><tr><td>Премьер-министр</td><td>подпись</td></tr></table>"
    ).encode()
    table = read_rows(page, filename="annex.html")
    assert table.sheet == "Tables 2 to 4"
    assert [values[0] for _n, values in table.rows] == ["№", "1. Суды", "1.1", "1.2", "1.3"]
