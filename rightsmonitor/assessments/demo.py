"""Load the demo assessment (``demo/kazakhstan_2022.yaml``) through the real actions.

It is approved (its content frozen) and published like any other; its files are written by
the background worker that ``make run`` starts.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from rightsmonitor.accounts.models import User
from rightsmonitor.assessments import actions
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans.models import Plan

DEMO_ASSESSMENT_FILE = Path(__file__).resolve().parent / "demo" / "kazakhstan_2022.yaml"


@transaction.atomic
def load_demo_assessment(
    plan: Plan, *, coordinator: User, path: Path = DEMO_ASSESSMENT_FILE
) -> Assessment:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    period = plan.reporting_periods.get(end=data["period_end"])
    assessment = actions.create_assessment(plan, period=period, by=coordinator)
    sections = {section.number: section.pk for section in plan.sections.all()}
    for language in language_codes():
        actions.update_texts(
            assessment,
            language=language,
            texts={name: (data.get(name) or {}).get(language, "") for name in actions.TEXT_FIELDS},
            section_comments={
                sections[str(number)]: texts.get(language, "")
                for number, texts in (data.get("section_comments") or {}).items()
            },
            by=coordinator,
            expected_version=None,
        )
        assessment.refresh_from_db()
    if data.get("publish"):
        for name in ("approve", "publish"):
            actions.take_transition(assessment, name, by=coordinator)
    return assessment
