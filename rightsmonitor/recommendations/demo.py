"""The demo's recommendations: the labelled set in ``data/kazakhstan_labelled.yaml``.

The set was written for evaluation and demonstration (see the file's header): 120
recommendations in the style of those addressed to Kazakhstan, each with the demo plan actions
that answer it. The demo links two thirds of them as a coordinator would; the rest are left for
the suggestions. The benchmark (``bench/recommendations.py``) measures the suggestion methods'
recall@5 against every labelled pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from rightsmonitor.plans.models import Plan
from rightsmonitor.recommendations.actions import link_action
from rightsmonitor.recommendations.importers.engine import save_records
from rightsmonitor.recommendations.importers.records import Record
from rightsmonitor.recommendations.models import Recommendation, Source

LABELLED_SET = Path(__file__).parent / "data" / "kazakhstan_labelled.yaml"
DEMO_COUNTRY = "KAZ"


@dataclass(frozen=True)
class Labelled:
    record: Record
    actions: tuple[str, ...]  # numbers of the demo plan's actions that answer it


def read_labelled_set(path: Path = LABELLED_SET) -> list[Labelled]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [_labelled(entry) for entry in data["recommendations"]]


def _labelled(entry: dict[str, Any]) -> Labelled:
    document_date = entry.get("date")
    record = Record(
        text=str(entry["text"]).strip(),
        body=str(entry["body"]),
        mechanism=str(entry["mechanism"]),
        source=Source.DEMO,
        source_id=str(entry["id"]),
        language=str(entry.get("language", "")),
        paragraph=str(entry.get("paragraph", "")),
        symbol=str(entry.get("symbol", "")),
        session=str(entry.get("session", "")),
        cycle=str(entry.get("cycle", "")),
        document_date=document_date if isinstance(document_date, date) else None,
        recommending_states=[str(s) for s in entry.get("recommending_states", [])],
        position=str(entry.get("position", "no_response")),
        action_category=entry.get("action_category"),
        themes=[str(t) for t in entry.get("themes", [])],
        affected_persons=[str(t) for t in entry.get("affected_persons", [])],
        sdg_targets=[(str(code), "") for code in entry.get("sdgs", [])],
        countries=[DEMO_COUNTRY],
    )
    return Labelled(record, tuple(str(number) for number in entry.get("actions", [])))


def load_demo_recommendations(plan: Plan, *, coordinator: Any) -> int:
    """Save the labelled set and link two of every three to their actions."""
    labelled = read_labelled_set()
    save_records(item.record for item in labelled)
    actions = {action.number: action for action in plan.actions.all()}
    recommendations = {r.source_id: r for r in Recommendation.objects.filter(source=Source.DEMO)}
    for index, item in enumerate(labelled):
        if index % 3 == 2:
            continue
        for number in item.actions:
            link_action(recommendations[item.record.source_id], actions[number], by=coordinator)
    return len(labelled)
