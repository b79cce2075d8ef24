"""Fixtures for the assessment tests: a plan with verdicts, an accepted report, a draft.

``assessed`` is an ``AssessedPlan``: plan "kz" (2 sections of 3 actions, MIA leads, GPO
co-executes, in force 28.04.2022–31.12.2023, annual periods), with verdicts on four actions
(1.1 completed on 15.12.2022, then taken off monitoring; 1.2 in progress, chosen when accepting
MIA's report for 2022, which has a link; 2.1, due 30.06.2023, partially completed; 2.3 not
completed), all other actions due 31.12.2022, and a draft assessment of 2022 made by the
coordinator. ``WRITING_DAY`` (25.01.2023) is when the assessment is written: four actions are
then 25 days overdue (1.2, 1.3, 2.2, 2.3). MEDIA_ROOT is a fresh temporary directory (autouse).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine

from rightsmonitor.accounts.models import User
from rightsmonitor.assessments import actions as assessment_actions
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.reporting import actions as reporting_actions
from rightsmonitor.reporting.models import AgencyReportingSettings, ReportingPeriod

REPORT_TEXT = "The order on gender focal points was adopted on 1 December 2022."
LINK = "https://adilet.example.org/docs/V2200031234"
ON_TIME_DAY = datetime.datetime(2022, 12, 15, 10, 0, tzinfo=datetime.UTC)
VERDICT_DAY = datetime.datetime(2023, 1, 20, 10, 0, tzinfo=datetime.UTC)
WRITING_DAY = datetime.datetime(2023, 1, 25, 10, 0, tzinfo=datetime.UTC)


@dataclass
class AssessedPlan:
    plan: Plan
    period_2022: ReportingPeriod
    period_2023: ReportingPeriod
    assessment: Assessment
    coordinator: User
    focal_point: User


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def assessed(coordinator: User, focal_point_mia: User) -> AssessedPlan:
    plan = build_plan(code="kz", sections=2, actions_per_section=3)
    plan.sections.filter(number="1").update(
        title_en="Gender equality", title_ru="Гендерное равенство"
    )
    plan.sections.filter(number="2").update(
        title_en="Criminal justice", title_kk="Қылмыстық сот төрелігі"
    )
    AgencyReportingSettings.objects.filter(agency=focal_point_mia.agency).delete()  # no sign-off
    period_2022, period_2023 = reporting_actions.ensure_periods(
        plan, until=datetime.date(2023, 12, 31)
    )
    action = {a.number: a for a in plan.actions.all()}
    plan.actions.filter(number="2.1").update(due_date=datetime.date(2023, 6, 30))
    with time_machine.travel(ON_TIME_DAY, tick=False):
        reporting_actions.set_assessed_status(action["1.1"], "completed", by=coordinator)
    with time_machine.travel(VERDICT_DAY, tick=False):
        report = reporting_actions.start_report(
            action["1.2"], focal_point_mia.agency, period_2022, by=focal_point_mia
        )
        reporting_actions.save_report(
            report,
            {
                "narrative": REPORT_TEXT,
                "proposed_status": "in_progress",
                "document_type": "Order",
                "document_number": "12",
                "document_date": datetime.date(2022, 12, 1),
            },
            by=focal_point_mia,
            expected_version=None,
        )
        reporting_actions.add_evidence_link(
            report, LINK, by=focal_point_mia, description="The order"
        )
        reporting_actions.take_transition(report, "submit", by=focal_point_mia)
        reporting_actions.take_transition(
            report, "accept", by=coordinator, assessed_status="in_progress"
        )
        for number, status in {"2.1": "partially_completed", "2.3": "not_completed"}.items():
            reporting_actions.set_assessed_status(action[number], status, by=coordinator)
        reporting_actions.take_off_monitoring(
            action["1.1"], reason="Done: order adopted.", by=coordinator
        )
    with time_machine.travel(WRITING_DAY, tick=False):
        assessment = assessment_actions.create_assessment(plan, period=period_2022, by=coordinator)
    return AssessedPlan(plan, period_2022, period_2023, assessment, coordinator, focal_point_mia)
