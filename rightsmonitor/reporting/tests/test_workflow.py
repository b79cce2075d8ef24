"""The workflow table: every transition's sources, target, actor and guards, and the lookups."""

from __future__ import annotations

import pytest

from rightsmonitor.reporting.workflow import (
    AWAITING_REVIEW,
    EDITABLE_STATES,
    TRANSITION_NAMES,
    TRANSITIONS,
    Actor,
    Guard,
    ReportState,
    available_transitions,
    find_transition,
    guards_hold,
)

S = ReportState


def rows() -> set[tuple[str, frozenset[str], str, Actor, tuple[Guard, ...], bool]]:
    return {
        (t.name, t.sources, t.target, t.actor, t.guards, t.comment_required) for t in TRANSITIONS
    }


def test_the_table_is_exactly_the_reviewed_one() -> None:
    assert rows() == {
        ("mark_ready", frozenset({S.DRAFT, S.RETURNED}), S.READY, Actor.AUTHOR,
         (Guard.SIGN_OFF_REQUIRED, Guard.READY_STEP), False),
        ("sign_off", frozenset({S.DRAFT, S.RETURNED}), S.SIGNED_OFF, Actor.VALIDATOR,
         (Guard.SIGN_OFF_REQUIRED, Guard.READY_STEP_SKIPPED), False),
        ("sign_off", frozenset({S.READY}), S.SIGNED_OFF, Actor.VALIDATOR,
         (Guard.SIGN_OFF_REQUIRED,), False),
        ("send_back", frozenset({S.READY}), S.DRAFT, Actor.VALIDATOR, (), True),
        ("take_back", frozenset({S.READY}), S.DRAFT, Actor.AUTHOR, (), False),
        ("submit", frozenset({S.SIGNED_OFF}), S.SUBMITTED, Actor.AUTHOR,
         (Guard.FIRST_SUBMISSION,), False),
        ("submit", frozenset({S.DRAFT}), S.SUBMITTED, Actor.AUTHOR,
         (Guard.SIGN_OFF_SKIPPED, Guard.FIRST_SUBMISSION), False),
        ("resubmit", frozenset({S.SIGNED_OFF}), S.RESUBMITTED, Actor.AUTHOR,
         (Guard.AFTER_RETURN,), False),
        ("resubmit", frozenset({S.RETURNED}), S.RESUBMITTED, Actor.AUTHOR,
         (Guard.SIGN_OFF_SKIPPED, Guard.AFTER_RETURN), False),
        ("return", frozenset({S.SUBMITTED, S.RESUBMITTED}), S.RETURNED, Actor.COORDINATOR,
         (), True),
        ("accept", frozenset({S.SUBMITTED, S.RESUBMITTED}), S.ACCEPTED, Actor.COORDINATOR,
         (), False),
    }  # fmt: skip
    assert TRANSITION_NAMES == (
        "mark_ready",
        "sign_off",
        "send_back",
        "take_back",
        "submit",
        "resubmit",
        "return",
        "accept",
    )


def test_every_state_but_accepted_can_be_left_and_every_state_reached() -> None:
    sources = set().union(*(t.sources for t in TRANSITIONS))
    targets = {t.target for t in TRANSITIONS}
    assert sources == set(S.values) - {S.ACCEPTED}
    assert targets == set(S.values)


def test_only_return_and_send_back_need_a_comment() -> None:
    for transition in TRANSITIONS:
        assert transition.comment_required == (transition.name in {"return", "send_back"})
        assert (transition.actor == Actor.COORDINATOR) == (
            transition.target in {S.RETURNED, S.ACCEPTED}
        )


def test_state_groups() -> None:
    assert {S.DRAFT, S.RETURNED} == EDITABLE_STATES
    assert {S.SUBMITTED, S.RESUBMITTED} == AWAITING_REVIEW


@pytest.mark.parametrize(
    ("guard", "sign_off_required", "times_returned", "holds"),
    [
        (Guard.NONE, True, 0, True),
        (Guard.NONE, False, 3, True),
        (Guard.SIGN_OFF_REQUIRED, True, 0, True),
        (Guard.SIGN_OFF_REQUIRED, False, 0, False),
        (Guard.SIGN_OFF_SKIPPED, False, 0, True),
        (Guard.SIGN_OFF_SKIPPED, True, 0, False),
        (Guard.FIRST_SUBMISSION, True, 0, True),
        (Guard.FIRST_SUBMISSION, True, 1, False),
        (Guard.AFTER_RETURN, False, 1, True),
        (Guard.AFTER_RETURN, False, 0, False),
    ],
)
def test_guards(guard: Guard, sign_off_required: bool, times_returned: int, holds: bool) -> None:
    assert (
        guards_hold((guard,), sign_off_required=sign_off_required, times_returned=times_returned)
        is holds
    )


def test_no_guards_always_hold() -> None:
    assert guards_hold((), sign_off_required=True, times_returned=0)


def names(state: str, *, sign_off_required: bool, times_returned: int) -> list[tuple[str, str]]:
    return [
        (t.name, t.target)
        for t in available_transitions(
            state, sign_off_required=sign_off_required, times_returned=times_returned
        )
    ]


# (state, times returned) -> what may happen, with the sign-off step and without it.
AVAILABLE = [
    (S.DRAFT, 0, [("sign_off", S.SIGNED_OFF)], [("submit", S.SUBMITTED)]),
    (S.SIGNED_OFF, 0, [("submit", S.SUBMITTED)], [("submit", S.SUBMITTED)]),
    (S.SUBMITTED, 0, [("return", S.RETURNED), ("accept", S.ACCEPTED)],
     [("return", S.RETURNED), ("accept", S.ACCEPTED)]),
    (S.RETURNED, 1, [("sign_off", S.SIGNED_OFF)], [("resubmit", S.RESUBMITTED)]),
    (S.SIGNED_OFF, 1, [("resubmit", S.RESUBMITTED)], [("resubmit", S.RESUBMITTED)]),
    (S.RESUBMITTED, 1, [("return", S.RETURNED), ("accept", S.ACCEPTED)],
     [("return", S.RETURNED), ("accept", S.ACCEPTED)]),
    (S.RETURNED, 2, [("sign_off", S.SIGNED_OFF)], [("resubmit", S.RESUBMITTED)]),
    (S.ACCEPTED, 0, [], []),
    (S.ACCEPTED, 2, [], []),
]  # fmt: skip


@pytest.mark.parametrize(("state", "times_returned", "with_sign_off", "without"), AVAILABLE)
def test_available_transitions(
    state: str,
    times_returned: int,
    with_sign_off: list[tuple[str, str]],
    without: list[tuple[str, str]],
) -> None:
    assert names(state, sign_off_required=True, times_returned=times_returned) == with_sign_off
    assert names(state, sign_off_required=False, times_returned=times_returned) == without


def test_a_signed_off_report_can_be_submitted_after_the_agency_drops_the_sign_off_step() -> None:
    # Otherwise turning the setting off would strand the agency's signed-off reports.
    found = find_transition("submit", S.SIGNED_OFF, sign_off_required=False, times_returned=0)
    assert found is not None and found.target == S.SUBMITTED


@pytest.mark.parametrize(
    ("name", "state", "sign_off_required", "times_returned", "target"),
    [
        ("sign_off", S.DRAFT, True, 0, S.SIGNED_OFF),
        ("sign_off", S.RETURNED, True, 1, S.SIGNED_OFF),
        ("submit", S.SIGNED_OFF, True, 0, S.SUBMITTED),
        ("submit", S.DRAFT, False, 0, S.SUBMITTED),
        ("resubmit", S.SIGNED_OFF, True, 1, S.RESUBMITTED),
        ("resubmit", S.RETURNED, False, 1, S.RESUBMITTED),
        ("return", S.SUBMITTED, True, 0, S.RETURNED),
        ("return", S.RESUBMITTED, False, 1, S.RETURNED),
        ("accept", S.SUBMITTED, False, 0, S.ACCEPTED),
        ("accept", S.RESUBMITTED, True, 1, S.ACCEPTED),
    ],
)
def test_find_transition(
    name: str, state: str, sign_off_required: bool, times_returned: int, target: str
) -> None:
    found = find_transition(
        name, state, sign_off_required=sign_off_required, times_returned=times_returned
    )
    assert found is not None
    assert (found.name, found.target) == (name, target)


@pytest.mark.parametrize(
    ("name", "state", "sign_off_required", "times_returned"),
    [
        ("submit", S.DRAFT, True, 0),  # the validating authority signs off first
        ("sign_off", S.DRAFT, False, 0),  # the agency does not use the step
        ("submit", S.SIGNED_OFF, True, 1),  # after a return it is "resubmit"
        ("resubmit", S.SIGNED_OFF, True, 0),  # never returned
        ("resubmit", S.RETURNED, True, 1),  # sign-off first
        ("submit", S.RETURNED, False, 1),
        ("accept", S.DRAFT, False, 0),
        ("accept", S.RETURNED, False, 1),
        ("accept", S.ACCEPTED, False, 0),
        ("return", S.ACCEPTED, False, 0),
        ("return", S.DRAFT, False, 0),
        ("sign_off", S.SUBMITTED, True, 0),
        ("publish", S.SUBMITTED, True, 0),  # no such transition
    ],
)
def test_find_transition_refuses(
    name: str, state: str, sign_off_required: bool, times_returned: int
) -> None:
    assert (
        find_transition(
            name, state, sign_off_required=sign_off_required, times_returned=times_returned
        )
        is None
    )


# (state, times returned) -> what may happen when the agency uses the ready step.
READY_STEP = [
    (S.DRAFT, 0, [("mark_ready", S.READY)]),
    (S.RETURNED, 1, [("mark_ready", S.READY)]),
    (S.READY, 0, [("sign_off", S.SIGNED_OFF), ("send_back", S.DRAFT), ("take_back", S.DRAFT)]),
    (S.READY, 1, [("sign_off", S.SIGNED_OFF), ("send_back", S.DRAFT), ("take_back", S.DRAFT)]),
    (S.SIGNED_OFF, 1, [("resubmit", S.RESUBMITTED)]),
]  # fmt: skip


@pytest.mark.parametrize(("state", "times_returned", "expected"), READY_STEP)
def test_with_the_ready_step_only_ready_reports_are_signed_off(
    state: str, times_returned: int, expected: list[tuple[str, str]]
) -> None:
    possible = available_transitions(
        state, sign_off_required=True, times_returned=times_returned, ready_step=True
    )
    assert [(t.name, t.target) for t in possible] == expected


def test_a_ready_report_is_not_stranded_when_the_agency_turns_the_steps_off() -> None:
    without_ready = available_transitions(S.READY, sign_off_required=True, times_returned=0)
    assert [t.name for t in without_ready] == ["sign_off", "send_back", "take_back"]
    without_sign_off = available_transitions(S.READY, sign_off_required=False, times_returned=0)
    assert [t.name for t in without_sign_off] == ["send_back", "take_back"]
