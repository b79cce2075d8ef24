"""The review workflow of progress reports, declared once as data.

States and transitions drive the buttons on pages, the API's validation and the tests. A
transition names who may take it (``actor``), the states it leaves from, the state it leads
to, whether a comment is required, and a guard on the agency's settings or the report's past.

    draft ──sign_off──▶ signed_off ──submit──▶ submitted ──accept──▶ accepted
      │                                          │
      └────────────submit (no sign-off)──────────┤ return (comment)
                                                 ▼
    returned ──sign_off──▶ signed_off ──resubmit──▶ resubmitted ──accept / return──▶ …
      └──────────resubmit (no sign-off)───────────┘

Whether an agency uses the sign-off step decides only how a report *leaves* ``draft`` or
``returned``: a report that is already signed off can always be (re)submitted, so an agency
that turns the step off while one of its reports is signed off does not strand that report.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

StrOrPromise = str | Promise


class ReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report state", "Draft")
    SIGNED_OFF = "signed_off", _("Signed off by the agency")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")


class Actor(StrEnum):
    """Who takes a transition; ``reporting.access`` decides whether a user is that actor."""

    AUTHOR = "author"  # a focal point of the report's agency
    VALIDATOR = "validator"  # the agency's validating authority
    COORDINATOR = "coordinator"


class Guard(StrEnum):
    """A condition on the agency's settings or the report's past, besides the source state."""

    NONE = "none"
    SIGN_OFF_SKIPPED = "sign_off_skipped"  # the agency does not use the sign-off step
    SIGN_OFF_REQUIRED = "sign_off_required"
    FIRST_SUBMISSION = "first_submission"  # never returned before
    AFTER_RETURN = "after_return"  # returned at least once


@dataclass(frozen=True)
class Transition:
    name: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str
    actor: Actor
    guards: tuple[Guard, ...] = ()
    comment_required: bool = False


S = ReportState
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "sign_off",
        _("Sign off"),
        frozenset({S.DRAFT, S.RETURNED}),
        S.SIGNED_OFF,
        Actor.VALIDATOR,
        (Guard.SIGN_OFF_REQUIRED,),
    ),
    Transition(
        "submit",
        _("Submit"),
        frozenset({S.SIGNED_OFF}),
        S.SUBMITTED,
        Actor.AUTHOR,
        (Guard.FIRST_SUBMISSION,),
    ),
    Transition(
        "submit",
        _("Submit"),
        frozenset({S.DRAFT}),
        S.SUBMITTED,
        Actor.AUTHOR,
        (Guard.SIGN_OFF_SKIPPED, Guard.FIRST_SUBMISSION),
    ),
    Transition(
        "resubmit",
        _("Resubmit"),
        frozenset({S.SIGNED_OFF}),
        S.RESUBMITTED,
        Actor.AUTHOR,
        (Guard.AFTER_RETURN,),
    ),
    Transition(
        "resubmit",
        _("Resubmit"),
        frozenset({S.RETURNED}),
        S.RESUBMITTED,
        Actor.AUTHOR,
        (Guard.SIGN_OFF_SKIPPED, Guard.AFTER_RETURN),
    ),
    Transition(
        "return",
        _("Return for revision"),
        frozenset({S.SUBMITTED, S.RESUBMITTED}),
        S.RETURNED,
        Actor.COORDINATOR,
        comment_required=True,
    ),
    Transition(
        "accept",
        _("Accept"),
        frozenset({S.SUBMITTED, S.RESUBMITTED}),
        S.ACCEPTED,
        Actor.COORDINATOR,
    ),
)

TRANSITION_NAMES = tuple(dict.fromkeys(t.name for t in TRANSITIONS))
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})  # the author may change the text and files
AWAITING_REVIEW = frozenset({S.SUBMITTED, S.RESUBMITTED})


def guards_hold(guards: tuple[Guard, ...], *, sign_off_required: bool, times_returned: int) -> bool:
    checks = {
        Guard.NONE: True,
        Guard.SIGN_OFF_SKIPPED: not sign_off_required,
        Guard.SIGN_OFF_REQUIRED: sign_off_required,
        Guard.FIRST_SUBMISSION: times_returned == 0,
        Guard.AFTER_RETURN: times_returned > 0,
    }
    return all(checks[guard] for guard in guards)


def find_transition(
    name: str, state: str, *, sign_off_required: bool, times_returned: int
) -> Transition | None:
    """The transition called ``name`` that applies from ``state``, or None."""
    for transition in TRANSITIONS:
        if (
            transition.name == name
            and state in transition.sources
            and guards_hold(
                transition.guards,
                sign_off_required=sign_off_required,
                times_returned=times_returned,
            )
        ):
            return transition
    return None


def available_transitions(
    state: str, *, sign_off_required: bool, times_returned: int
) -> list[Transition]:
    return [
        t
        for t in TRANSITIONS
        if state in t.sources
        and guards_hold(
            t.guards, sign_off_required=sign_off_required, times_returned=times_returned
        )
    ]
