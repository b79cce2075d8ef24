"""The one workflow type: lookups, checks when a table is declared, who may take a step, guards,
and every app's table declared with it."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType
from typing import Any

import pytest
from django.db import models

import rightsmonitor
from rightsmonitor.core.workflow import (
    Check,
    Transition,
    UnknownTransition,
    Workflow,
    WorkflowError,
)


class Door(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    LOCKED = "locked", "Locked"


D = Door
HAS_KEY = Check(lambda facts: facts["key"], "Find the key first.")
NOT_JAMMED = Check(lambda facts: not facts["jammed"], "The lock is jammed.")


def door() -> Workflow:
    return Workflow(
        Door,
        (
            Transition("close", "Close", frozenset({D.OPEN}), D.CLOSED, who=frozenset({"anyone"})),
            Transition("open", "Open", frozenset({D.CLOSED}), D.OPEN, who=frozenset({"anyone"})),
            Transition(
                "lock",
                "Lock",
                frozenset({D.CLOSED}),
                D.LOCKED,
                who=frozenset({"keeper"}),
                guards=(HAS_KEY, NOT_JAMMED),
            ),
            # A step with a row per source: from "open" it needs no key, only a good lock.
            Transition(
                "lock",
                "Lock",
                frozenset({D.OPEN}),
                D.LOCKED,
                who=frozenset({"keeper"}),
                guards=(NOT_JAMMED,),
            ),
            Transition(
                "unlock",
                "Unlock",
                frozenset({D.LOCKED}),
                D.CLOSED,
                who=lambda user, _door: user == "locksmith",
                comment_required=True,
                help_text="Say why the door was locked.",
            ),
        ),
        name="door",
    )


# Lookups --------------------------------------------------------------------------------------


def test_lookups_by_name() -> None:
    workflow = door()
    assert workflow.names == ("close", "open", "lock", "unlock")
    assert workflow["open"].target == D.OPEN
    assert workflow.get("unlock").comment_required
    assert workflow.get("unlock").help_text == "Say why the door was locked."
    assert [t.sources for t in workflow.rows("lock")] == [
        frozenset({D.CLOSED}),
        frozenset({D.OPEN}),
    ]
    assert workflow["lock"] is workflow.rows("lock")[0]
    assert workflow.get("kick", None) is None


def test_an_unknown_name_is_a_clear_error() -> None:
    workflow = door()
    with pytest.raises(UnknownTransition) as error:
        workflow["kick"]
    assert str(error.value) == (
        "door has no transition called 'kick'; it has: close, open, lock, unlock."
    )
    with pytest.raises(KeyError):  # it is a KeyError, as a mapping's would be
        workflow.get("kick")


def test_iteration_length_and_membership() -> None:
    workflow = door()
    assert [t.name for t in workflow] == ["close", "open", "lock", "lock", "unlock"]
    assert len(workflow) == 5
    assert tuple(workflow) == workflow.transitions
    assert "lock" in workflow
    assert "kick" not in workflow
    assert workflow.transitions[0] in workflow
    assert Transition("close", "Close", frozenset({D.OPEN}), D.LOCKED) not in workflow
    assert workflow.states is Door


def test_from_state_and_find() -> None:
    workflow = door()
    free = {"key": True, "jammed": False}
    assert [t.name for t in workflow.from_state(D.OPEN, free)] == ["close", "lock"]
    assert [t.name for t in workflow.from_state(D.CLOSED, free)] == ["open", "lock"]
    assert [t.name for t in workflow.from_state(D.LOCKED)] == ["unlock"]  # no guards to read
    found = workflow.find("lock", D.OPEN, free)
    assert found is not None and found.sources == frozenset({D.OPEN})
    assert workflow.find("open", D.OPEN, free) is None
    assert workflow.find("kick", D.OPEN, free) is None  # find never raises for a name
    assert workflow.find("unlock", D.LOCKED) is workflow["unlock"]


# Checks when a table is declared ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [Transition("open", "Open", frozenset({"ajar"}), D.OPEN)],
            "door: 'open' names states that Door does not have: ajar.",
        ),
        (
            [Transition("open", "Open", frozenset({D.CLOSED}), "wide")],
            "door: 'open' names states that Door does not have: wide.",
        ),
        (
            [Transition("open", "Open", frozenset(), D.OPEN)],
            "door: 'open' starts from no state.",
        ),
        (
            [
                Transition("open", "Open", frozenset({D.CLOSED}), D.OPEN),
                Transition("open", "Open", frozenset({D.LOCKED}), D.CLOSED),
            ],
            "door: the rows of 'open' differ in target; "
            "rows of one step may differ only in their sources and guards.",
        ),
        (
            [
                Transition("open", "Open", frozenset({D.CLOSED}), D.OPEN),
                Transition("open", "Open up", frozenset({D.LOCKED}), D.OPEN, comment_required=True),
            ],
            "door: the rows of 'open' differ in label, comment_required; "
            "rows of one step may differ only in their sources and guards.",
        ),
        (
            [
                Transition("open", "Open", frozenset({D.CLOSED}), D.OPEN),
                Transition("open", "Open", frozenset({D.CLOSED, D.LOCKED}), D.OPEN),
            ],
            "door: two rows of 'open' start from closed; a name and a state must pick one row.",
        ),
    ],
)
def test_a_table_that_contradicts_itself_is_refused(rows: list[Transition], message: str) -> None:
    with pytest.raises(WorkflowError) as error:
        Workflow(Door, rows, name="door")
    assert str(error.value) == message


def test_the_name_defaults_to_the_states() -> None:
    workflow = Workflow(Door, [Transition("open", "Open", frozenset({D.CLOSED}), D.OPEN)])
    assert workflow.name == "Door"
    assert repr(workflow) == "<Workflow Door: open>"


# Who may take a step ---------------------------------------------------------------------------

CHECKS = {
    "anyone": lambda user, _door: True,
    "keeper": lambda user, _door: user == "keeper",
}


def test_actors_are_resolved_by_the_apps_checks() -> None:
    workflow = door()
    assert workflow["lock"].may_be_taken_by("keeper", None, CHECKS)
    assert not workflow["lock"].may_be_taken_by("visitor", None, CHECKS)
    assert workflow["close"].may_be_taken_by("visitor", None, CHECKS)
    with pytest.raises(TypeError):
        workflow["lock"].may_be_taken_by("keeper", None)  # actors named, no checks given


def test_who_may_be_a_predicate() -> None:
    unlock = door()["unlock"]
    assert unlock.may_be_taken_by("locksmith", None)
    assert not unlock.may_be_taken_by("keeper", None, CHECKS)


def test_a_step_that_names_nobody_is_refused() -> None:
    step = Transition("open", "Open", frozenset({D.CLOSED}), D.OPEN)
    assert not step.may_be_taken_by("keeper", None, CHECKS)


def test_the_one_actor() -> None:
    workflow = door()
    assert workflow["lock"].actor == "keeper"
    with pytest.raises(ValueError):
        _ = workflow["unlock"].actor  # a predicate, not an actor
    with pytest.raises(ValueError):
        _ = Transition(
            "open", "Open", frozenset({D.CLOSED}), D.OPEN, who=frozenset({"a", "b"})
        ).actor


# Guards ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "allowed", "refusal"),
    [
        ({"key": True, "jammed": False}, True, None),
        ({"key": False, "jammed": False}, False, "Find the key first."),
        ({"key": True, "jammed": True}, False, "The lock is jammed."),
        ({"key": False, "jammed": True}, False, "Find the key first."),  # the first that fails
    ],
)
def test_guards(facts: dict[str, bool], allowed: bool, refusal: str | None) -> None:
    lock = door().find("lock", D.CLOSED, {"key": True, "jammed": False})
    assert lock is not None
    assert lock.allows(facts) is allowed
    assert lock.refusal(facts) == refusal
    assert (lock in door().from_state(D.CLOSED, facts)) is allowed


def test_a_guarded_step_needs_the_context_its_guards_read() -> None:
    with pytest.raises(TypeError, match="'lock' has guards"):
        door().from_state(D.CLOSED)


def test_a_check_is_a_guard() -> None:
    assert HAS_KEY({"key": True}) is True
    assert HAS_KEY.message == "Find the key first."


# Every app's table -----------------------------------------------------------------------------


def workflow_modules() -> list[ModuleType]:
    """Every app's ``rightsmonitor.<app>.workflow`` module (core's is the type itself)."""
    return [
        importlib.import_module(f"rightsmonitor.{app.name}.workflow")
        for app in pkgutil.iter_modules(rightsmonitor.__path__)
        if app.ispkg
        and app.name != "core"
        and importlib.util.find_spec(f"rightsmonitor.{app.name}.workflow")
    ]


def tables(module: ModuleType) -> dict[str, Any]:
    """Module-level names that hold transitions: workflows, and tuples of rows."""
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, Workflow)
        or (isinstance(value, tuple) and value and all(hasattr(row, "sources") for row in value))
    }


def test_the_apps_with_a_workflow() -> None:
    assert {m.__name__.split(".")[1] for m in workflow_modules()} == {
        "assessments",
        "feedback",
        "indicators",
        "participation",
        "reporting",
    }


@pytest.mark.parametrize("module", workflow_modules(), ids=lambda m: m.__name__.split(".")[1])
def test_every_workflow_table_is_a_core_workflow(module: ModuleType) -> None:
    found = tables(module)
    workflows = {name: value for name, value in found.items() if isinstance(value, Workflow)}
    assert workflows, f"{module.__name__} declares no core Workflow"
    for name, value in found.items():
        if not isinstance(value, Workflow):
            # A thin name kept for old callers: the rows of one of the module's workflows.
            assert any(value == workflow.transitions for workflow in workflows.values()), name
    for workflow in workflows.values():
        assert all(type(row) is Transition for row in workflow)
    # No app-specific transition type next to the core one.
    own_classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__
    ]
    assert not [
        cls
        for cls in own_classes
        if hasattr(cls, "sources") or "sources" in getattr(cls, "__dataclass_fields__", {})
    ]
