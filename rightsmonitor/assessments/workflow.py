"""The assessment's life, declared once as data: draft → approved → published.

Approving freezes the content (``Assessment.snapshot``) and starts writing the files; reopening
an approved draft thaws it; publishing makes it public for good. A published assessment is
never changed: a correction is a new edition (``actions.new_edition``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from rightsmonitor.assessments.models import AssessmentState
from rightsmonitor.reporting.workflow import StrOrPromise

S = AssessmentState


@dataclass(frozen=True)
class AssessmentTransition:
    name: str
    label: StrOrPromise
    source: str
    target: str
    help_text: StrOrPromise


TRANSITIONS: tuple[AssessmentTransition, ...] = (
    AssessmentTransition(
        "approve",
        _("Approve"),
        S.DRAFT,
        S.APPROVED,
        _("Freezes the figures and the texts, and writes the files from them."),
    ),
    AssessmentTransition(
        "reopen",
        _("Reopen as draft"),
        S.APPROVED,
        S.DRAFT,
        _("Thaws the content: the figures follow the data again and the texts can be edited."),
    ),
    AssessmentTransition(
        "publish",
        _("Publish"),
        S.APPROVED,
        S.PUBLISHED,
        _("Makes the assessment and its files public. A published assessment cannot change."),
    ),
)


def transition_named(name: str, state: str) -> AssessmentTransition | None:
    return next((t for t in TRANSITIONS if t.name == name and t.source == state), None)


def transitions_from(state: str) -> list[AssessmentTransition]:
    return [t for t in TRANSITIONS if t.source == state]
