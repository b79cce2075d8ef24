"""The life of an observation, declared once as data: draft → submitted → validated → published.

The agency enters and submits; the coordinator validates (or returns it to draft with a
comment) and publishes. Only published observations are public. A correction of a published
value is entered again: it goes back to draft and through the steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from rightsmonitor.indicators.models import ObservationState
from rightsmonitor.reporting.workflow import StrOrPromise

S = ObservationState


@dataclass(frozen=True)
class ObservationTransition:
    name: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str
    by_coordinator: bool  # else: whoever may enter the indicator's data
    comment_required: bool = False


TRANSITIONS: tuple[ObservationTransition, ...] = (
    ObservationTransition("submit", _("Submit"), frozenset({S.DRAFT}), S.SUBMITTED, False),
    ObservationTransition(
        "return", _("Return to draft"), frozenset({S.SUBMITTED, S.VALIDATED}), S.DRAFT, True, True
    ),
    ObservationTransition("validate", _("Validate"), frozenset({S.SUBMITTED}), S.VALIDATED, True),
    ObservationTransition("publish", _("Publish"), frozenset({S.VALIDATED}), S.PUBLISHED, True),
    ObservationTransition(
        "unpublish",
        _("Withdraw from publication"),
        frozenset({S.PUBLISHED}),
        S.VALIDATED,
        True,
        True,
    ),
)
# States in which the agency may still change a value.
EDITABLE_STATES = frozenset({S.DRAFT})


def transition_named(name: str) -> ObservationTransition | None:
    return next((t for t in TRANSITIONS if t.name == name), None)
