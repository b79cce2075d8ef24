"""The import_plan and export_plan commands, run as an operator runs them."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.core.management import base as management_base

from rightsmonitor.plans.models import Action, ActionAgency, Agency, FormOfCompletion, Plan, Section
from rightsmonitor.plans.tests.data import DATA_DIR, load_reference
from rightsmonitor.plans.tests.factories import PlanFactory


@pytest.fixture
def plan(db) -> Plan:
    load_reference()
    return PlanFactory(code="kz-hr-2022", title_en="Action plan")


def counts() -> tuple[int, ...]:
    models = (Plan, Section, Action, ActionAgency, Agency, FormOfCompletion)
    return (*(model.objects.count() for model in models), Action.history.count())


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_the_report(plan, coordinator):
    out, err = run(
        "import_plan",
        str(DATA_DIR / "kz_plan_en.xlsx"),
        "--plan",
        plan.code,
        "--user",
        coordinator.email,
    )
    assert out.splitlines()[:2] == [
        "Sections: 8 created, 0 updated, 0 deleted.",
        "Actions: 27 created, 0 updated, 0 unchanged, 0 deleted.",
    ]
    assert err == ""
    assert Action.objects.filter(plan=plan).count() == 27
    assert Action.objects.get(plan=plan, number="1.1").history.get().history_user == coordinator


def test_import_options(plan):
    out, _err = run(
        "import_plan",
        str(DATA_DIR / "bad_unknown_agency.xlsx"),
        "--plan",
        plan.code,
        "--create-agencies",
    )
    assert "New agencies: MXX, NEWCOM." in out
    out, _err = run(
        "import_plan",
        str(DATA_DIR / "kz_plan_ru.xlsx"),
        "--plan",
        plan.code,
        "--language",
        "ru",
        "--replace",
        "--sheet",
        "План",
    )
    # Actions 1.1 and 1.2 are matched by number and updated; section 1 gets the Russian title.
    assert out.splitlines()[:2] == [
        "Sections: 2 created, 1 updated, 0 deleted.",
        "Actions: 7 created, 2 updated, 0 unchanged, 0 deleted.",
    ]
    assert "New forms of completion: Приказ министра." in out
    assert Action.objects.get(plan=plan, number="1.1").title_ru.startswith("Включить")


def test_dry_run_saves_nothing(plan):
    before = counts()
    out, _err = run(
        "import_plan", str(DATA_DIR / "deadlines.xlsx"), "--plan", plan.code, "--dry-run"
    )
    assert "Actions: 4 created" in out
    assert "1 deadline could not be read and needs review: 1.4." in out
    assert out.splitlines()[-1] == "Dry run: nothing was saved."
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "first_line"),
    [
        (
            "bad_missing_deadline.xlsx",
            "Row 2, column “Deadline”: The table has no “Deadline” column.",
        ),
        ("bad_empty_title.csv", "Row 4, column “Action”: The action has no title."),
        ("bad_unknown_agency.xlsx", "Row 3, column “Responsible agencies”: Unknown agency “MXX”."),
        ("bad_utf16_no_bom.csv", "Cannot read the file's encoding."),
        ("bad_random_bytes.csv", "Cannot read the file's encoding."),
    ],
)
def test_import_errors_go_to_stderr_and_change_nothing(plan, name, first_line):
    before = counts()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported") as caught:
        call_command(
            "import_plan", str(DATA_DIR / name), "--plan", plan.code, stdout=out, stderr=err
        )
    assert caught.value.returncode == 1
    assert err.getvalue().startswith(first_line)
    assert out.getvalue() == ""
    assert counts() == before


def test_all_problems_are_listed(plan):
    err = io.StringIO()
    with pytest.raises(CommandError, match="7 problems; nothing was imported"):
        call_command(
            "import_plan", str(DATA_DIR / "bad_several.csv"), "--plan", plan.code, stderr=err
        )
    lines = err.getvalue().splitlines()
    assert len(lines) == 7
    assert lines[5] == "Row 9, column “Themes”: Unknown theme “no_such_theme”."


def test_import_exits_with_status_1_from_the_command_line(plan, capsys, monkeypatch):
    # run_from_argv closes the database connections when it ends; the test's must stay open.
    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)
    before = counts()
    utility = ManagementUtility(
        ["manage.py", "import_plan", str(DATA_DIR / "bad_empty_title.csv"), "--plan", plan.code]
    )
    with pytest.raises(SystemExit) as caught:
        utility.execute()
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert "Row 4, column “Action”: The action has no title." in err
    assert counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "no-such-plan"], "No plan with the code 'no-such-plan'."),
        (["--plan", "kz-hr-2022", "--user", "nobody@example.org"], "No user with the email"),
        (["--plan", "kz-hr-2022", "--sheet", "Other"], "1 problem; nothing was imported"),
    ],
)
def test_import_refuses_bad_arguments(plan, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_plan", str(DATA_DIR / "kz_plan_en.xlsx"), *args, stderr=io.StringIO())


def test_import_into_a_plan_with_actions_needs_replace(plan):
    run("import_plan", str(DATA_DIR / "plan_no_sections.csv"), "--plan", plan.code)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan", str(DATA_DIR / "plan_no_sections.csv"), "--plan", plan.code, stderr=err
        )
    assert "already has 2 actions; use --replace" in err.getvalue()


def test_export_writes_code_xlsx_in_the_current_directory(plan, tmp_path, monkeypatch):
    run("import_plan", str(DATA_DIR / "kz_plan_en.xlsx"), "--plan", plan.code)
    monkeypatch.chdir(tmp_path)
    out, _err = run("export_plan", plan.code)
    assert out.strip() == "Wrote kz-hr-2022.xlsx (27 actions)."
    sheet = openpyxl.load_workbook(tmp_path / "kz-hr-2022.xlsx").active
    assert sheet["A5"].value == "No."


def test_export_csv_to_a_file_and_to_stdout(plan, tmp_path):
    run("import_plan", str(DATA_DIR / "kz_plan_en.xlsx"), "--plan", plan.code)
    target = tmp_path / "plan.csv"
    run("export_plan", plan.code, "--output", str(target), "--language", "ru", "--standard-columns")
    assert target.read_bytes().startswith("\ufeff№ п/п,Наименование мероприятия".encode())
    out, _err = run("export_plan", plan.code, "--format", "csv", "--output", "-")
    assert out.startswith("No.,Action,Form of completion,Deadline,Responsible agencies,")
    assert out.count("\n") > 35

    copy = PlanFactory(code="copy")
    export = tmp_path / "export.csv"
    export.write_text(out, encoding="utf-8")
    out, _err = run("import_plan", str(export), "--plan", copy.code)
    assert "Actions: 27 created" in out


def test_export_refuses_bad_arguments(plan):
    with pytest.raises(CommandError, match="No plan with the code 'nope'"):
        call_command("export_plan", "nope")
    with pytest.raises(CommandError, match="XLSX is a binary format"):
        call_command("export_plan", plan.code, "--output", "-")
