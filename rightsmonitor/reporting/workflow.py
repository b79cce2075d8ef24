"""The review workflow of progress reports, declared once as data.

States and transitions drive the buttons on pages, the API's validation and the tests. The
table is a ``core.workflow.Workflow``: a transition names who may take it (``actor``), the
states it leaves from, the state it leads to, whether a comment is required, and guards on the
agency's settings or the report's past (read from ``ReportFacts``).

    draft ──sign_off──▶ signed_off ──submit──▶ submitted ──accept──▶ accepted
      │                                          │
      └────────────submit (no sign-off)──────────┤ return (comment)
                                                 ▼
    returned ──sign_off──▶ signed_off ──resubmit──▶ resubmitted ──accept / return──▶ …
      └──────────resubmit (no sign-off)───────────┘

With the "ready for sign-off" step, sign-off leaves only from ``ready``:

    draft / returned ──mark_ready (author)──▶ ready ──sign_off──▶ signed_off
          ▲                                     │
          └──take_back (author) / send_back (validator, comment)──┘  (back to draft)

Whether an agency uses the sign-off step decides only how a report *leaves* ``draft`` or
``returned``: a report that is already signed off can always be (re)submitted, so an agency
that turns the step off while one of its reports is signed off does not strand that report.

The "ready for sign-off" step is optional too (``AgencyReportingSettings.ready_step``): with
it, the author marks a draft (or returned report) ready, and the validating authority signs off
only ready reports, or sends one back to draft with a comment; the author may take it back. A
ready report is signed off even if the agency turns the step off meanwhile, and can always be
taken back, so no report is stranded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rightsmonitor.core.workflow import StrOrPromise, Transition, Workflow


class ReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report state", "Draft")
    READY = "ready", _("Ready for sign-off")
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


@dataclass(frozen=True)
class ReportFacts:
    """What the guards read besides the state: the agency's setting and the report's past."""

    sign_off_required: bool
    times_returned: int
    ready_step: bool = False  # the agency's validating authority signs off only ready reports


class Guard(StrEnum):
    """A condition on the agency's settings or the report's past, besides the source state.

    Each is a ``core.workflow`` guard: called with a report's ``ReportFacts``, it says whether
    the step may be taken, and ``message`` says why not.
    """

    NONE = "none"
    SIGN_OFF_SKIPPED = "sign_off_skipped"  # the agency does not use the sign-off step
    SIGN_OFF_REQUIRED = "sign_off_required"
    FIRST_SUBMISSION = "first_submission"  # never returned before
    AFTER_RETURN = "after_return"  # returned at least once
    READY_STEP = "ready_step"  # the agency uses the "ready for sign-off" step
    READY_STEP_SKIPPED = "ready_step_skipped"

    def __call__(self, facts: ReportFacts, /) -> bool:
        holds = {
            Guard.NONE: True,
            Guard.SIGN_OFF_SKIPPED: not facts.sign_off_required,
            Guard.SIGN_OFF_REQUIRED: facts.sign_off_required,
            Guard.FIRST_SUBMISSION: facts.times_returned == 0,
            Guard.AFTER_RETURN: facts.times_returned > 0,
            Guard.READY_STEP: facts.ready_step,
            Guard.READY_STEP_SKIPPED: not facts.ready_step,
        }
        return holds[self]

    @property
    def message(self) -> StrOrPromise:
        return GUARD_MESSAGES[self]


GUARD_MESSAGES: dict[Guard, StrOrPromise] = {
    Guard.NONE: "",  # never fails
    Guard.SIGN_OFF_SKIPPED: _("The agency's validating authority signs the report off first."),
    Guard.SIGN_OFF_REQUIRED: _("The agency does not use the sign-off step."),
    Guard.FIRST_SUBMISSION: _("A report returned for revision is resubmitted."),
    Guard.AFTER_RETURN: _("Only a report returned for revision is resubmitted."),
    Guard.READY_STEP: _("The agency does not use the “ready for sign-off” step."),
    Guard.READY_STEP_SKIPPED: _(
        "The validating authority signs off only reports marked ready for sign-off."
    ),
}

S = ReportState
WORKFLOW = Workflow(
    ReportState,
    (
        Transition(
            "mark_ready",
            _("Mark ready for sign-off"),
            frozenset({S.DRAFT, S.RETURNED}),
            S.READY,
            who=frozenset({Actor.AUTHOR}),
            guards=(Guard.SIGN_OFF_REQUIRED, Guard.READY_STEP),
        ),
        Transition(
            "sign_off",
            _("Sign off"),
            frozenset({S.DRAFT, S.RETURNED}),
            S.SIGNED_OFF,
            who=frozenset({Actor.VALIDATOR}),
            guards=(Guard.SIGN_OFF_REQUIRED, Guard.READY_STEP_SKIPPED),
        ),
        Transition(
            "sign_off",
            _("Sign off"),
            frozenset({S.READY}),
            S.SIGNED_OFF,
            who=frozenset({Actor.VALIDATOR}),
            guards=(Guard.SIGN_OFF_REQUIRED,),
        ),
        Transition(
            "send_back",
            _("Send back to draft"),
            frozenset({S.READY}),
            S.DRAFT,
            who=frozenset({Actor.VALIDATOR}),
            comment_required=True,
        ),
        Transition(
            "take_back",
            _("Take back to draft"),
            frozenset({S.READY}),
            S.DRAFT,
            who=frozenset({Actor.AUTHOR}),
        ),
        Transition(
            "submit",
            _("Submit"),
            frozenset({S.SIGNED_OFF}),
            S.SUBMITTED,
            who=frozenset({Actor.AUTHOR}),
            guards=(Guard.FIRST_SUBMISSION,),
        ),
        Transition(
            "submit",
            _("Submit"),
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            who=frozenset({Actor.AUTHOR}),
            guards=(Guard.SIGN_OFF_SKIPPED, Guard.FIRST_SUBMISSION),
        ),
        Transition(
            "resubmit",
            _("Resubmit"),
            frozenset({S.SIGNED_OFF}),
            S.RESUBMITTED,
            who=frozenset({Actor.AUTHOR}),
            guards=(Guard.AFTER_RETURN,),
        ),
        Transition(
            "resubmit",
            _("Resubmit"),
            frozenset({S.RETURNED}),
            S.RESUBMITTED,
            who=frozenset({Actor.AUTHOR}),
            guards=(Guard.SIGN_OFF_SKIPPED, Guard.AFTER_RETURN),
        ),
        Transition(
            "return",
            _("Return for revision"),
            frozenset({S.SUBMITTED, S.RESUBMITTED}),
            S.RETURNED,
            who=frozenset({Actor.COORDINATOR}),
            comment_required=True,
        ),
        Transition(
            "accept",
            _("Accept"),
            frozenset({S.SUBMITTED, S.RESUBMITTED}),
            S.ACCEPTED,
            who=frozenset({Actor.COORDINATOR}),
        ),
    ),
    name="review",
)

TRANSITIONS = WORKFLOW.transitions
TRANSITION_NAMES = WORKFLOW.names
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})  # the author may change the text and files
AWAITING_REVIEW = frozenset({S.SUBMITTED, S.RESUBMITTED})
# Steps that cannot be undone by the one who takes them: the page asks again before taking them.
IRREVERSIBLE = frozenset({"sign_off", "submit", "resubmit", "accept", "return"})


def guards_hold(
    guards: tuple[Guard, ...],
    *,
    sign_off_required: bool,
    times_returned: int,
    ready_step: bool = False,
) -> bool:
    facts = ReportFacts(sign_off_required, times_returned, ready_step)
    return all(guard(facts) for guard in guards)


def find_transition(
    name: str, state: str, *, sign_off_required: bool, times_returned: int, ready_step: bool = False
) -> Transition | None:
    """The transition called ``name`` that applies from ``state``, or None."""
    return WORKFLOW.find(name, state, ReportFacts(sign_off_required, times_returned, ready_step))


def available_transitions(
    state: str, *, sign_off_required: bool, times_returned: int, ready_step: bool = False
) -> list[Transition]:
    return WORKFLOW.from_state(state, ReportFacts(sign_off_required, times_returned, ready_step))
