"""The life of an observation, declared once as data: draft → submitted → validated → published.

The agency enters and submits; the coordinator validates (or returns it to draft with a
comment) and publishes. Only published observations are public. A correction of a published
value is entered again: it goes back to draft and through the steps.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.workflow import Transition, Workflow
from rightsmonitor.indicators.models import ObservationState


class Actor(StrEnum):
    """Who takes a step; ``indicators.access`` decides whether a user is that actor."""

    DATA_ENTRY = "data_entry"  # whoever may enter the indicator's data
    COORDINATOR = "coordinator"


S = ObservationState
WORKFLOW = Workflow(
    ObservationState,
    (
        Transition(
            "submit",
            _("Submit"),
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            who=frozenset({Actor.DATA_ENTRY}),
        ),
        Transition(
            "return",
            _("Return to draft"),
            frozenset({S.SUBMITTED, S.VALIDATED}),
            S.DRAFT,
            who=frozenset({Actor.COORDINATOR}),
            comment_required=True,
        ),
        Transition(
            "validate",
            _("Validate"),
            frozenset({S.SUBMITTED}),
            S.VALIDATED,
            who=frozenset({Actor.COORDINATOR}),
        ),
        Transition(
            "publish",
            _("Publish"),
            frozenset({S.VALIDATED}),
            S.PUBLISHED,
            who=frozenset({Actor.COORDINATOR}),
        ),
        Transition(
            "unpublish",
            _("Withdraw from publication"),
            frozenset({S.PUBLISHED}),
            S.VALIDATED,
            who=frozenset({Actor.COORDINATOR}),
            comment_required=True,
        ),
    ),
    name="observation",
)
TRANSITIONS = WORKFLOW.transitions
# States in which the agency may still change a value.
EDITABLE_STATES = frozenset({S.DRAFT})


def transition_named(name: str) -> Transition | None:
    return WORKFLOW.get(name, None)
