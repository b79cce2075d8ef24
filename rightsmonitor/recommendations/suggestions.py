"""Suggested links between recommendations and actions, and the methods that rank them.

The default method ranks by full-text match in the database (``core.fulltext``: stems of the
recommendation's words against the stems of the actions' texts in every language, weighed by how
rare each word is), so it works in the base install, offline, in English and Russian. When the
optional ``embeddings`` extra is installed, the all-MiniLM-L6-v2 sentence embedding model ranks
by meaning instead (``recommendations.embeddings``). Pairs a coordinator has already linked or
rejected are never suggested again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rightsmonitor.core.fulltext import Query, analyse
from rightsmonitor.plans.models import Action
from rightsmonitor.recommendations import embeddings
from rightsmonitor.recommendations.models import (
    Recommendation,
    RecommendationCountry,
    RecommendationLink,
    SuggestionDecision,
)
from rightsmonitor.recommendations.search import (
    ACTION_INDEX,
    ACTION_TEXT_FIELDS,
    RECOMMENDATION_INDEX,
    action_text,
    sync_action_index,
)

LIMIT = 5
MAX_QUERY_TERMS = 40
FULLTEXT = "fulltext"
EMBEDDING = "embedding"


def methods() -> list[str]:
    return [FULLTEXT, EMBEDDING] if embeddings.available() else [FULLTEXT]


def default_method() -> str:
    return FULLTEXT


@dataclass(frozen=True)
class Suggestion:
    pk: int  # of the suggested action or recommendation
    score: float
    method: str


def query_for(text: str) -> Query:
    """The distinct stems of ``text``, the first ``MAX_QUERY_TERMS`` of them."""
    stems = list(dict.fromkeys(analyse(text)))[:MAX_QUERY_TERMS]
    return Query(terms=tuple(stems), phrases=())


def _decided_actions(recommendation: Recommendation) -> set[int]:
    linked = RecommendationLink.objects.filter(recommendation=recommendation)
    decided = SuggestionDecision.objects.filter(recommendation=recommendation)
    return set(linked.values_list("action_id", flat=True)) | set(
        decided.values_list("action_id", flat=True)
    )


def suggest_actions(
    recommendation: Recommendation,
    candidates: Sequence[int],
    *,
    method: str = FULLTEXT,
    limit: int = LIMIT,
    exclude_decided: bool = True,
) -> list[Suggestion]:
    """The ``limit`` actions among ``candidates`` most likely to answer ``recommendation``."""
    excluded = _decided_actions(recommendation) if exclude_decided else set()
    among = [pk for pk in candidates if pk not in excluded]
    if not among:
        return []
    if method == EMBEDDING:
        texts = {
            values["pk"]: action_text(values)
            for values in Action.objects.filter(pk__in=among).values("pk", *ACTION_TEXT_FIELDS)
        }
        ranked = embeddings.rank(recommendation.text, texts, limit=limit)
    else:
        sync_action_index(among)
        ranked = ACTION_INDEX.rank_any(query_for(recommendation.text), limit=limit, among=among)
    return [Suggestion(pk, score, method) for pk, score in ranked]


def suggest_recommendations(
    action: Action, *, limit: int = LIMIT, country: str = ""
) -> list[Suggestion]:
    """The ``limit`` recommendations (concerning ``country`` if any do) that ``action`` most
    likely answers, leaving out those already linked to it or rejected for it."""
    values = Action.objects.filter(pk=action.pk).values(*ACTION_TEXT_FIELDS).get()
    excluded = set(
        RecommendationLink.objects.filter(action=action).values_list("recommendation_id", flat=True)
    ) | set(
        SuggestionDecision.objects.filter(action=action).values_list("recommendation_id", flat=True)
    )
    among: list[int] | None = None
    if country:
        among = (
            list(
                RecommendationCountry.objects.filter(country=country).values_list(
                    "recommendation_id", flat=True
                )
            )
            or None
        )
    if among is not None:
        among = [pk for pk in among if pk not in excluded]
    ranked = RECOMMENDATION_INDEX.rank_any(
        query_for(action_text(values)), limit=limit + len(excluded), among=among
    )
    return [Suggestion(pk, score, FULLTEXT) for pk, score in ranked if pk not in excluded][:limit]
