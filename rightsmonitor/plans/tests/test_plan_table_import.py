"""Importing plan tables into the register: real files, real database, all or nothing."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from rightsmonitor.plans import actions as plan_actions
from rightsmonitor.plans.deadlines import Recurrence
from rightsmonitor.plans.importers import plan_table
from rightsmonitor.plans.importers.plan_table import (
    PlanNotEmptyError,
    TableError,
    form_key,
    load_plan_table,
    parse_plan_table,
    read_rows,
)
from rightsmonitor.plans.models import (
    Action,
    ActionAgency,
    Agency,
    FormOfCompletion,
    Plan,
    Section,
    Theme,
)
from rightsmonitor.plans.tests.data import DATA_DIR, load_reference
from rightsmonitor.plans.tests.factories import PlanFactory

LEAD, CO = ActionAgency.Role.LEAD, ActionAgency.Role.CO_EXECUTOR


@pytest.fixture
def register(db):
    load_reference()


@pytest.fixture
def plan(register) -> Plan:
    return PlanFactory(
        code="kz-hr-2022",
        title_en="Action plan for human rights and the rule of law",
        title_ru="План действий в области прав человека и верховенства закона",
    )


def row_counts() -> dict[str, int]:
    """Rows in every table an import writes, history included."""
    models = [Plan, Section, Action, ActionAgency, Agency, FormOfCompletion, Theme]
    counts = {model.__name__: model.objects.count() for model in models}
    for model in (Section, Action, ActionAgency, Agency):
        counts[f"{model.__name__} history"] = model.history.count()
    counts["Action themes"] = Action.themes.through.objects.count()
    return counts


def agencies_of(action: Action) -> list[tuple[str, str, bool]]:
    return [
        (a.agency.abbreviation, a.role, a.as_agreed) for a in action.assignments.order_by("order")
    ]


def problems(error: TableError) -> list[str]:
    return [str(item) for item in error.errors]


# --- Good files -------------------------------------------------------------------------------


def test_the_27_action_plan_from_xlsx(plan, coordinator):
    report = load_plan_table(DATA_DIR / "kz_plan_en.xlsx", plan, by=coordinator)

    assert (report.sections_created, report.actions_created) == (8, 27)
    assert (report.actions_updated, report.actions_deleted, report.agencies_created) == (0, 0, [])
    assert report.forms_created == [] and report.deadlines_needing_review == []
    assert list(plan.sections.values_list("number", "order")) == [(str(n), n) for n in range(1, 9)]
    assert plan.sections.get(number="2").title_en == "Freedom of association"
    numbers = list(Action.objects.filter(plan=plan).values_list("number", flat=True))
    assert len(numbers) == 27 and numbers[:6] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2"]

    action = Action.objects.get(plan=plan, number="1.1")
    assert action.title_en.startswith("Include commitments on the implementation of gender policy")
    assert action.title_ru == ""
    assert action.form_of_completion.key == "action_plan"
    assert (action.deadline_text, action.due_date) == ("December 2022", datetime.date(2022, 12, 31))
    assert agencies_of(action) == [("LEB", LEAD, False), ("MIC", CO, False), ("NCWAFDP", CO, True)]
    assert sorted(action.themes.values_list("key", flat=True)) == ["gender_equality", "women"]
    assert action.expected_result_en.startswith("Gender policy commitments included")
    assert action.description_en.startswith("Local executive bodies")
    assert action.history.get().history_user == coordinator

    annual = Action.objects.get(plan=plan, number="8.2")
    assert annual.title_en.endswith("\nThe report covers the follow-up to the UPR recommendations.")
    assert (annual.recurrence, annual.recurrence_month, annual.recurrence_day) == (
        Recurrence.ANNUAL,
        1,
        25,
    )


def test_russian_xlsx_goes_into_the_russian_columns(plan, coordinator):
    report = load_plan_table(DATA_DIR / "kz_plan_ru.xlsx", plan, by=coordinator, language="ru")

    assert (report.sections_created, report.actions_created) == (3, 9)
    assert report.forms_created == ["Приказ министра"]
    new_form = FormOfCompletion.objects.get(name_ru="Приказ министра")
    assert new_form.key == "prikaz-ministra"
    section = plan.sections.get(number="1")
    assert (section.title_ru, section.title_en) == (
        "Ликвидация дискриминации в отношении женщин и обеспечение гендерного равенства",
        "",
    )
    action = Action.objects.get(plan=plan, number="1.2")
    assert action.title_ru.startswith("Внести предложения по увеличению представленности женщин")
    assert action.form_of_completion.key == "proposal_to_pa"
    assert (action.deadline_text, action.due_date) == (
        "IV квартал 2022 года",
        datetime.date(2022, 12, 31),
    )
    assert agencies_of(action)[1] == ("ACSA", CO, True)  # "(по согласованию)"
    excel_date = Action.objects.get(plan=plan, number="1.4")
    assert (excel_date.deadline_text, excel_date.due_date) == (
        "25.12.2022",
        datetime.date(2022, 12, 25),
    )
    assert Action.objects.get(plan=plan, number="3.3").form_of_completion == new_form


def test_windows_1251_csv_with_semicolons(plan, coordinator):
    report = load_plan_table(DATA_DIR / "plan_ru_cp1251.csv", plan, by=coordinator, language="ru")

    assert (report.sections_created, report.actions_created) == (2, 5)
    assert list(plan.sections.values_list("number", "title_ru")) == [
        ("4", "Права лиц с инвалидностью"),
        ("5", "Уголовная юстиция и уголовно-исполнительная система"),
    ]
    action = Action.objects.get(plan=plan, number="5.3")
    assert action.form_of_completion.key == "other"  # «Иное»
    assert (action.deadline_text, action.due_date) == (
        "до конца 2023 года",
        datetime.date(2023, 12, 31),
    )


def test_utf8_csv_with_bom_and_extra_columns(plan, coordinator):
    report = load_plan_table(DATA_DIR / "plan_en_bom.csv", plan, by=coordinator)

    assert (report.sections_created, report.actions_created) == (2, 4)
    assert report.ignored_columns == ["Notes"]
    action = Action.objects.get(plan=plan, number="7.1")
    assert "\nwith " in action.title_en
    assert sorted(action.themes.values_list("key", flat=True)) == [
        "civil_society",
        "human_rights_defenders",
    ]
    assert action.description_en and action.expected_result_en


def test_kazakh_tab_separated_csv(plan, coordinator):
    load_plan_table(DATA_DIR / "plan_kk_tab.csv", plan, by=coordinator, language="kk")

    action = Action.objects.get(plan=plan, number="1.3")
    assert action.title_kk.startswith("Әйелдер мен балаларға қатысты зорлық-зомбылықтың")
    assert action.form_of_completion.key == "draft_law"  # «Заң жобасы»
    assert action.due_date == datetime.date(2023, 6, 30)
    assert agencies_of(action)[-1] == ("NCWAFDP", CO, True)  # «(келісім бойынша)»


def test_a_table_without_sections_becomes_one_section_titled_like_the_plan(plan, coordinator):
    load_plan_table(DATA_DIR / "plan_no_sections.csv", plan, by=coordinator)

    section = plan.sections.get()
    assert (section.number, section.title_en) == ("1", plan.title_en)
    assert list(section.actions.values_list("number", flat=True)) == ["1.1", "1.2"]


def test_excel_dates_and_unreadable_deadlines(plan, coordinator):
    report = load_plan_table(DATA_DIR / "deadlines.xlsx", plan, by=coordinator)

    got = {
        a.number: (a.deadline_text, a.due_date, a.deadline_needs_review)
        for a in Action.objects.all()
    }
    assert got == {
        "1.1": ("25.12.2022", datetime.date(2022, 12, 25), False),  # an Excel date
        "1.2": ("31.12.2022", datetime.date(2022, 12, 31), False),  # a date serial number
        "1.3": ("2023", datetime.date(2023, 12, 31), False),  # a year typed as a number
        "1.4": ("when funds allow", None, True),  # kept as written, flagged
    }
    assert report.deadlines_needing_review == ["1.4"]
    assert any("1.4" in line and "review" in line for line in report.lines())


def test_unknown_forms_get_a_unique_key():
    assert form_key("Проект закона") == "proekt-zakona"
    assert form_key("Заң жобасы") == "zang-zhobasy"
    assert form_key("Draft law (new)") == "draft-law-new"
    assert form_key("!!!") == "form"


def test_a_new_form_whose_key_is_taken_gets_a_suffix(plan, coordinator, tmp_path):
    FormOfCompletion.objects.create(key="proekt-zakona", name_en="Something else")
    path = tmp_path / "plan.csv"
    path.write_text(
        "No.,Action,Form of completion,Deadline,Responsible agencies\n1. S,,,,\n"
        "1.1,Do it,Проект  закона (новый),2023,MIA\n1.2,Again,проект закона (НОВЫЙ),2023,MIA\n",
        encoding="utf-8",
    )
    report = load_plan_table(path, plan, by=coordinator, language="ru")
    assert report.forms_created == ["Проект закона (новый)"]
    form = FormOfCompletion.objects.get(key="proekt-zakona-novyj")
    assert form.name_ru == "Проект закона (новый)"
    assert set(Action.objects.values_list("form_of_completion", flat=True)) == {form.pk}


# --- Broken files: every problem named, nothing written -----------------------------------------

ENCODING = (
    "Cannot read the file's encoding. Save the table as an Excel workbook, or as CSV in UTF-8."
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "bad_missing_deadline.xlsx",
            ["Row 2, column “Deadline”: The table has no “Deadline” column."],
        ),
        ("bad_empty_title.csv", ["Row 4, column “Action”: The action has no title."]),
        (
            "bad_unknown_agency.xlsx",
            [
                "Row 3, column “Responsible agencies”: Unknown agency “MXX”. Add it first, or allow "
                "new agencies to be created.",
                "Row 4, column “Responsible agencies”: Unknown agency “NEWCOM”. Add it first, or "
                "allow new agencies to be created.",
            ],
        ),
        (
            "bad_action_before_section.csv",
            [
                "Row 2, column “Action”: This action comes before the first section row. Add a "
                "section row above it, or remove every section row to import the plan as one section."
            ],
        ),
        ("bad_utf16_no_bom.csv", [ENCODING]),
        ("bad_random_bytes.csv", [ENCODING]),
        ("bad_latin1.csv", [ENCODING]),
        ("bad_not_a_workbook.xlsx", ["The file is not a valid Excel workbook (.xlsx)."]),
    ],
)
def test_broken_files_are_refused_and_nothing_is_written(plan, coordinator, name, expected):
    before = row_counts()
    with pytest.raises(TableError) as caught:
        load_plan_table(DATA_DIR / name, plan, by=coordinator)
    assert problems(caught.value) == expected
    assert row_counts() == before


def test_problems_in_rows_and_in_the_register_are_reported_together(plan, coordinator):
    before = row_counts()
    with pytest.raises(TableError) as caught:
        load_plan_table(DATA_DIR / "bad_several.csv", plan, by=coordinator)
    assert problems(caught.value) == [
        "Row 3, column “Action”: This action comes before the first section row. Add a section "
        "row above it, or remove every section row to import the plan as one section.",
        "Row 6, column “No.”: The number 1.2 is already used in row 5.",
        "Row 7, column “Responsible agencies”: Cannot read the agency “MIA (partly)”.",
        "Row 8, column “Action”: The action has no title.",
        "Row 9, column “Responsible agencies”: Unknown agency “QQQ”. Add it first, or allow new "
        "agencies to be created.",
        "Row 9, column “Themes”: Unknown theme “no_such_theme”.",
        "Row 10, column “Responsible agencies”: Name at least one responsible agency.",
    ]
    assert row_counts() == before


def test_the_same_agency_under_two_names(plan, coordinator, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        'Action,Deadline,Responsible agencies\nDo it,2023,"MIA, Ministry of Internal Affairs"\n',
        encoding="utf-8",
    )
    with pytest.raises(TableError) as caught:
        load_plan_table(path, plan, by=coordinator)
    assert problems(caught.value) == [
        "Row 2, column “Responsible agencies”: MIA and Ministry of Internal Affairs are the same agency."
    ]


def test_an_error_while_writing_rolls_everything_back(plan, coordinator, monkeypatch):
    real_create_action = plan_actions.create_action
    calls = []

    def create_action_failing_on_the_fifth(section, **kwargs):
        calls.append(kwargs["number"])
        if len(calls) == 5:
            raise ValidationError({"title_en": ["Refused by the database."]})
        return real_create_action(section, **kwargs)

    monkeypatch.setattr(
        plan_table.plan_actions, "create_action", create_action_failing_on_the_fifth
    )
    before = row_counts()
    with pytest.raises(TableError) as caught:
        load_plan_table(DATA_DIR / "kz_plan_en.xlsx", plan, by=coordinator, create_agencies=True)
    assert problems(caught.value) == ["Row 12, column “Action”: Refused by the database."]
    assert row_counts() == before


def test_unknown_agencies_can_be_created(plan, coordinator):
    report = load_plan_table(
        DATA_DIR / "bad_unknown_agency.xlsx", plan, by=coordinator, create_agencies=True
    )

    assert report.agencies_created == ["MXX", "NEWCOM"]
    new = Agency.objects.get(abbreviation="NEWCOM")
    assert (new.kind, new.history.get().history_user) == (Agency.Kind.OTHER, coordinator)
    assert agencies_of(Action.objects.get(number="1.2")) == [
        ("SC", LEAD, True),
        ("NEWCOM", CO, True),
    ]


def test_dry_run_checks_everything_and_saves_nothing(plan, coordinator):
    before = row_counts()
    report = load_plan_table(
        DATA_DIR / "bad_unknown_agency.xlsx",
        plan,
        by=coordinator,
        create_agencies=True,
        dry_run=True,
    )
    assert (report.dry_run, report.actions_created, report.agencies_created) == (
        True,
        2,
        ["MXX", "NEWCOM"],
    )
    assert report.lines()[-1] == "Dry run: nothing was saved."
    assert row_counts() == before


def test_unknown_language_is_refused(plan, coordinator):
    with pytest.raises(TableError, match="Unknown language “de”"):
        load_plan_table(DATA_DIR / "plan_no_sections.csv", plan, by=coordinator, language="de")


# --- Importing again: --replace -------------------------------------------------------------------


def test_a_plan_with_actions_needs_replace(plan, coordinator):
    load_plan_table(DATA_DIR / "plan_no_sections.csv", plan, by=coordinator)
    before = row_counts()
    with pytest.raises(TableError, match="already has 2 actions; use --replace"):
        load_plan_table(DATA_DIR / "plan_no_sections.csv", plan, by=coordinator)
    assert row_counts() == before


def amended_copy(tmp_path):
    """The 27-action table as a later decree amended it, saved as a plain workbook."""
    source = openpyxl.load_workbook(DATA_DIR / "kz_plan_en.xlsx")
    rows = [list(row) for row in source.active.iter_rows(values_only=True)]
    amended = []
    for row in rows:
        number = str(row[0]) if row[0] is not None else ""
        if number.startswith("7") or number == "8.2":
            continue  # section 7 and action 8.2 are dropped
        if number == "1.1":
            row[1] = "Include gender policy commitments in all regional development plans"
        if number == "2.1":
            row[3] = "first half of 2023"
        if number == "3.3":
            row[4] = "MIA, LEB, GPO (as agreed)"  # MIC no longer takes part
        amended.append(row)
        if number == "8.1":
            amended.append(
                ["8.3", "Submit the mid-term report", "Report", "Q2 2023", "MJ", "", "", ""]
            )
    workbook = openpyxl.Workbook()
    for row in amended:
        workbook.active.append(row)
    path = tmp_path / "amended.xlsx"
    workbook.save(path)
    return path


def test_replace_updates_matched_actions_and_deletes_the_rest(
    plan, coordinator, administrator, tmp_path
):
    load_plan_table(DATA_DIR / "kz_plan_en.xlsx", plan, by=coordinator)
    first = Action.objects.get(plan=plan, number="1.1")
    plan_actions.update_action(first, {"title_ru": "Русский текст"}, by=coordinator)
    history_before = Action.history.count()

    report = load_plan_table(amended_copy(tmp_path), plan, by=administrator, replace=True)

    # Section 8 moves up to 7th place: an update of its order.
    assert (report.sections_created, report.sections_updated, report.sections_deleted) == (0, 1, 1)
    assert plan.sections.get(number="8").order == 7
    assert (report.actions_created, report.actions_updated, report.actions_deleted) == (1, 3, 3)
    assert report.actions_unchanged == 27 - 3 - 3
    first.refresh_from_db()
    assert first.title_en == "Include gender policy commitments in all regional development plans"
    assert first.title_ru == "Русский текст"  # other languages are kept
    assert Action.objects.get(plan=plan, number="2.1").due_date == datetime.date(2023, 6, 30)
    assert [a[0] for a in agencies_of(Action.objects.get(plan=plan, number="3.3"))] == [
        "MIA",
        "LEB",
        "GPO",
    ]
    assert not Action.objects.filter(plan=plan, number__in=["7.1", "7.2", "8.2"]).exists()
    assert not plan.sections.filter(number="7").exists()
    assert list(plan.sections.get(number="8").actions.values_list("number", "order")) == [
        ("8.1", 1),
        ("8.3", 2),
    ]

    # History: one row per changed or deleted action, each naming who imported the file.
    new_rows = Action.history.filter().order_by("-history_id")[
        : Action.history.count() - history_before
    ]
    assert sorted((row.number, row.history_type) for row in new_rows) == [
        ("1.1", "~"),
        ("2.1", "~"),
        ("3.3", "~"),
        ("7.1", "-"),
        ("7.2", "-"),
        ("8.2", "-"),
        ("8.3", "+"),
    ]
    assert {row.history_user for row in new_rows} == {administrator}
    removed = ActionAgency.history.filter(
        history_type="-", action_id=Action.objects.get(number="3.3").pk
    )
    assert [(row.agency.abbreviation, row.history_user) for row in removed] == [
        ("MIC", administrator)
    ]


def test_a_plan_with_sections_only_needs_replace_too(plan, coordinator):
    plan_actions.create_section(plan, by=coordinator, number="1", title_en="Courts")
    with pytest.raises(PlanNotEmptyError, match="already has 1 section; use --replace") as caught:
        load_plan_table(DATA_DIR / "plan_no_sections.csv", plan, by=coordinator)
    assert (caught.value.actions, caught.value.sections) == (0, 1)


def test_progress_is_reported_action_by_action(plan, coordinator):
    calls = []
    load_plan_table(
        DATA_DIR / "kz_plan_en.xlsx",
        plan,
        by=coordinator,
        progress=lambda *done: calls.append(done),
    )
    assert calls == [(n, 27) for n in range(1, 28)]


def test_replace_with_the_same_file_changes_nothing(plan, coordinator):
    load_plan_table(DATA_DIR / "kz_plan_en.xlsx", plan, by=coordinator)
    before = row_counts()
    report = load_plan_table(DATA_DIR / "kz_plan_en.xlsx", plan, by=coordinator, replace=True)
    assert (report.actions_unchanged, report.actions_updated, report.sections_updated) == (27, 0, 0)
    assert row_counts() == before


def test_replace_in_another_language_keeps_the_english_text(plan, coordinator):
    load_plan_table(DATA_DIR / "kz_plan_en.xlsx", plan, by=coordinator)
    report = load_plan_table(
        DATA_DIR / "kz_plan_ru.xlsx", plan, by=coordinator, language="ru", replace=True
    )
    assert report.actions_deleted == 27 - 9  # the Russian file holds sections 1-3 only
    action = Action.objects.get(plan=plan, number="1.1")
    assert action.title_en.startswith("Include commitments")
    assert action.title_ru.startswith("Включить в планы развития")


def test_parsed_table_can_be_imported_directly(plan, coordinator):
    parsed = parse_plan_table(read_rows(DATA_DIR / "plan_no_sections.csv"))
    report = plan_table.import_plan_table(plan, parsed, by=coordinator)
    assert report.actions_created == 2
