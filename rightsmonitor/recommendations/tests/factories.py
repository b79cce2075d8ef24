"""Recommendations for tests, saved the way an import saves them (``engine.save_records``).

- ``make_record(**overrides)``: a ``Record`` as a reader would give it (a CAT recommendation
  on torture by default, with a fresh id at the source each time).
- ``make_recommendations(n, **overrides)``: ``n`` saved recommendations, in order (full-text
  index, themes, countries and SDG targets included). Override ``source_id`` only for n=1.
- ``recommendation_world()``: a plan and four recommendations of different bodies, themes and
  languages, two of them linked to actions (links saved directly, without history rows).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.recommendations.importers.engine import save_records
from rightsmonitor.recommendations.importers.records import Record, text_key
from rightsmonitor.recommendations.models import (
    Mechanism,
    Position,
    Recommendation,
    RecommendationLink,
    Source,
)

_numbers = itertools.count(1)


def make_record(**overrides: Any) -> Record:
    number = next(_numbers)
    record = Record(
        text=(
            f"Take effective measures to prevent torture and ill-treatment in places of "
            f"detention and investigate every allegation promptly (case {number})."
        ),
        body="CAT",
        mechanism=Mechanism.TREATY_BODY,
        source=Source.UHRI,
        source_id=f"test-{number}",
        language="en",
        paragraph=str(number),
        symbol="CAT/C/KAZ/CO/4",
        document_date=date(2021, 1, 10),
        position=Position.NO_RESPONSE,
        themes=["Torture and other cruel, inhuman or degrading treatment or punishment"],
        affected_persons=["Persons deprived of their liberty"],
        sdg_targets=[("16.3", "Promote the rule of law")],
        countries=["KAZ"],
    )
    return replace(record, **overrides)


def make_recommendations(n: int, **overrides: Any) -> list[Recommendation]:
    records = [make_record(**overrides) for _ in range(n)]
    save_records(records)
    by_key = {
        (r.source, r.source_id): r
        for r in Recommendation.objects.filter(source_id__in=[rec.source_id for rec in records])
    }
    found = []
    for record in records:
        recommendation = by_key.get((record.source, record.source_id))
        if recommendation is None:  # matched by symbol and text instead
            recommendation = Recommendation.objects.get(
                symbol=record.symbol, text_key=text_key(record.text)
            )
        found.append(recommendation)
    return found


@dataclass
class RecommendationWorld:
    plan: Plan
    actions: list[Action]  # 1.1, 1.2, 2.1, 2.2
    torture: Recommendation  # CAT, torture; linked to 1.1
    upr: Recommendation  # UPR, supported, journalists; linked to 1.2
    women: Recommendation  # CEDAW, violence against women; not linked
    russian: Recommendation  # CCPR, in Russian (пытки); not linked


def recommendation_world(**plan_fields: Any) -> RecommendationWorld:
    plan = build_plan(sections=2, actions_per_section=2, **plan_fields)
    actions = list(plan.actions.order_by("section__order", "order"))
    (torture,) = make_recommendations(1, document_date=date(2021, 12, 1))
    (upr,) = make_recommendations(
        1,
        text="Guarantee the safety of journalists and human rights defenders.",
        body="UPR",
        mechanism=Mechanism.UPR,
        symbol="A/HRC/44/10",
        paragraph="138.12",
        session="34",
        cycle="3",
        document_date=date(2020, 3, 1),
        recommending_states=["Norway", "Canada"],
        position=Position.SUPPORTED,
        themes=["Freedom of opinion and expression"],
        affected_persons=["Journalists", "Human rights defenders"],
        sdg_targets=[("16.10", "Ensure public access to information")],
    )
    (women,) = make_recommendations(
        1,
        text="Adopt a comprehensive law criminalising domestic violence against women.",
        body="CEDAW",
        symbol="CEDAW/C/KAZ/CO/5",
        paragraph="22",
        document_date=date(2019, 11, 12),
        themes=["Domestic violence"],
        affected_persons=["Women and girls"],
        sdg_targets=[("5.2", "Eliminate all forms of violence against women and girls")],
    )
    (russian,) = make_recommendations(
        1,
        text="Расследовать все сообщения о пытках и наказать виновных в применении пытки.",
        body="CCPR",
        language="ru",
        symbol="CCPR/C/KAZ/CO/3",
        paragraph="19",
        document_date=date(2022, 8, 5),
        themes=["Torture and other cruel, inhuman or degrading treatment or punishment"],
        affected_persons=[],
        sdg_targets=[],
    )
    RecommendationLink.objects.create(recommendation=torture, action=actions[0])
    RecommendationLink.objects.create(recommendation=upr, action=actions[1], note="Media law")
    return RecommendationWorld(plan, actions, torture, upr, women, russian)
