"""The full-text indexes of recommendations and of plan actions (``core.fulltext``).

Recommendations are indexed by the importer as it writes them (stamp: the content hash).
Actions change in the plans app, which knows nothing of this one: their index is brought up to
date, by version, just before it is searched (``sync_action_index``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from rightsmonitor.core import pagecache
from rightsmonitor.core.fulltext import Correction, FullTextIndex
from rightsmonitor.core.translation import translated_names
from rightsmonitor.plans.models import Action
from rightsmonitor.recommendations.models import Recommendation

# With its words: a search that finds nothing suggests the nearest ("Did you mean").
RECOMMENDATION_INDEX = FullTextIndex("recommendations_fulltext", vocabulary=True)
ACTION_INDEX = FullTextIndex("recommendations_action_fulltext")
ACTION_TEXT_FIELDS = [
    *translated_names("title"),
    *translated_names("description"),
    *translated_names("expected_result"),
]


def index_text(recommendation: Recommendation) -> str:
    return f"{recommendation.text}\n{recommendation.symbol}"


def index_recommendations(recommendations: Iterable[Recommendation]) -> None:
    RECOMMENDATION_INDEX.update((r.pk, r.content_hash, index_text(r)) for r in recommendations)


def correction(text: str) -> Correction | None:
    """The search ``text`` with each word that matches no recommendation replaced by the
    nearest indexed word, or None; once per generation of content for the same words."""
    vocabulary = RECOMMENDATION_INDEX.vocabulary
    assert vocabulary is not None  # the index is made with its vocabulary
    key = repr(("recommendation-correction", text))
    return pagecache.cached(key, lambda: (vocabulary.correct(text),))[0]  # None is a miss


def action_text(values: dict[str, object]) -> str:
    """Every language of an action's title, description and expected result."""
    return "\n".join(str(values[name]) for name in ACTION_TEXT_FIELDS if values.get(name))


def sync_action_index(action_ids: Sequence[int]) -> None:
    """Re-index the actions among ``action_ids`` whose text changed since last indexed.

    The stamp is a hash of the text itself, not the version: a database emptied and filled
    again (tests, a restored backup) reuses ids and versions for other texts.
    """
    texts = {
        values["pk"]: action_text(values)
        for values in Action.objects.filter(pk__in=action_ids).values("pk", *ACTION_TEXT_FIELDS)
    }
    stamps = {pk: _stamp(text) for pk, text in texts.items()}
    ACTION_INDEX.sync(stamps, lambda ids: ((pk, stamps[pk], texts[pk]) for pk in ids))


def _stamp(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]
