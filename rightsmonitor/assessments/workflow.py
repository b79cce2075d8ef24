"""The assessment's life, declared once as data: draft → approved → published.

Approving freezes the content (``Assessment.snapshot``) and starts writing the files; reopening
an approved draft thaws it; publishing makes it public for good. A published assessment is
never changed: a correction is a new edition (``actions.new_edition``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rightsmonitor.assessments.models import AssessmentState
from rightsmonitor.core.workflow import Transition, Workflow

S = AssessmentState
# Whoever manages assessments takes every step (``access.can_manage``): the table names no one.
WORKFLOW = Workflow(
    AssessmentState,
    (
        Transition(
            "approve",
            _("Approve"),
            frozenset({S.DRAFT}),
            S.APPROVED,
            help_text=_("Freezes the figures and the texts, and writes the files from them."),
        ),
        Transition(
            "reopen",
            _("Reopen as draft"),
            frozenset({S.APPROVED}),
            S.DRAFT,
            help_text=_(
                "Thaws the content: the figures follow the data again and the texts can be edited."
            ),
        ),
        Transition(
            "publish",
            _("Publish"),
            frozenset({S.APPROVED}),
            S.PUBLISHED,
            help_text=_(
                "Makes the assessment and its files public. A published assessment cannot change."
            ),
        ),
    ),
    name="assessment",
)
TRANSITIONS = WORKFLOW.transitions


def transition_named(name: str, state: str) -> Transition | None:
    return WORKFLOW.find(name, state)


def transitions_from(state: str) -> list[Transition]:
    return WORKFLOW.from_state(state)
