"""Workflows as data: the one ``Transition`` and ``Workflow`` type for every app's table.

A workflow is a ``TextChoices`` of states and a table of transitions. A transition has a name
(what URLs, the API and audit rows say), a label (what the button says), the states it may
start from, the state it leads to, who may take it, guards (conditions besides the state, each
with the sentence that says why not), whether a comment is required, and a help text. Pages
show the buttons the table allows, actions refuse what it does not, and tests read it.

A name is one step. A step may have several rows when its condition depends on the state it
leaves from (the review workflow's ``submit`` needs no sign-off from ``signed_off`` but does
from ``draft``); such rows agree on everything but their sources and guards, and never share
a source, so that a name and a state pick at most one row.

"Who may take it" is either a set of actor values, which the app's ``access.py`` resolves for a
user and an object (the table stays free of queries and imports of access code), or a predicate
``(user, subject) -> bool``. An empty set means that the table names nobody: one access check
of the app covers all its steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, Protocol, TypeVar, overload

from django.db import models
from django.utils.functional import Promise

StrOrPromise = str | Promise

# A predicate on a user and the object the step is taken on.
WhoCheck = Callable[[Any, Any], bool]


class Guard(Protocol):
    """A condition besides the source state: called with the context the app passes, it says
    whether the step may be taken; ``message`` says why not, to the person who cannot."""

    @property
    def message(self) -> StrOrPromise: ...

    def __call__(self, context: Any, /) -> bool: ...


@dataclass(frozen=True)
class Check:
    """The plain guard: a predicate on the context and the sentence shown when it fails."""

    test: Callable[[Any], bool]
    message: StrOrPromise

    def __call__(self, context: Any, /) -> bool:
        return bool(self.test(context))


@dataclass(frozen=True)
class Transition:
    """One row of a workflow table: a step from any of ``sources`` to ``target``."""

    name: str
    label: StrOrPromise
    sources: frozenset[str]  # the states it may start from
    target: str
    who: frozenset[str] | WhoCheck = frozenset()
    guards: tuple[Guard, ...] = ()
    comment_required: bool = False
    help_text: StrOrPromise = ""

    @property
    def actor(self) -> str:
        """The one actor of a step that names exactly one (as every review step does)."""
        if callable(self.who) or len(self.who) != 1:
            raise ValueError(f"Transition {self.name!r} does not name exactly one actor.")
        return next(iter(self.who))

    def may_be_taken_by(
        self, user: Any, subject: Any, checks: Mapping[str, WhoCheck] | None = None
    ) -> bool:
        """Whether ``user`` may take this step on ``subject``.

        ``checks`` maps each actor value to the app's predicate; a step whose ``who`` is a
        predicate needs none. A step that names nobody is refused: its app decides elsewhere.
        """
        if callable(self.who):
            return bool(self.who(user, subject))
        if not self.who:
            return False
        if checks is None:
            raise TypeError(f"Transition {self.name!r} names actors: pass the checks for them.")
        return any(checks[actor](user, subject) for actor in self.who)

    def allows(self, context: Any) -> bool:
        """Whether every guard holds for ``context``."""
        return all(guard(context) for guard in self.guards)

    def refusal(self, context: Any) -> StrOrPromise | None:
        """The message of the first guard that fails for ``context``, or None if all hold."""
        return next((guard.message for guard in self.guards if not guard(context)), None)


class WorkflowError(ValueError):
    """A table that contradicts itself or its states; raised when the module is imported."""


class UnknownTransition(KeyError):
    """A name that is no transition of the workflow."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


_NO_CONTEXT: Any = object()
_NO_DEFAULT: Any = object()
_D = TypeVar("_D")

# Rows that share a name differ only in these.
_PER_ROW = {"sources", "guards"}


class Workflow:
    """States and the transitions between them, checked when declared.

    Iterating gives the rows in the order declared, which is the order of buttons on pages.
    """

    def __init__(
        self,
        states: type[models.TextChoices],
        transitions: Iterable[Transition],
        *,
        name: str = "",
    ) -> None:
        self.states = states
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        self.name = name or states.__name__
        by_name: dict[str, list[Transition]] = {}
        for transition in self.transitions:
            by_name.setdefault(transition.name, []).append(transition)
        self._by_name = {key: tuple(rows) for key, rows in by_name.items()}
        self._validate()

    def _validate(self) -> None:
        valid = set(self.states.values)
        for t in self.transitions:
            if not t.sources:
                raise WorkflowError(f"{self.name}: {t.name!r} starts from no state.")
            unknown = sorted(str(state) for state in {*t.sources, t.target} - valid)
            if unknown:
                raise WorkflowError(
                    f"{self.name}: {t.name!r} names states that {self.states.__name__} does "
                    f"not have: {', '.join(unknown)}."
                )
        for name, rows in self._by_name.items():
            first = rows[0]
            for row in rows[1:]:
                differing = [
                    f.name
                    for f in fields(Transition)
                    if f.name not in _PER_ROW and getattr(row, f.name) != getattr(first, f.name)
                ]
                if differing:
                    raise WorkflowError(
                        f"{self.name}: the rows of {name!r} differ in {', '.join(differing)}; "
                        "rows of one step may differ only in their sources and guards."
                    )
            seen: set[str] = set()
            for row in rows:
                shared = seen & row.sources
                if shared:
                    raise WorkflowError(
                        f"{self.name}: two rows of {name!r} start from "
                        f"{', '.join(sorted(shared))}; a name and a state must pick one row."
                    )
                seen |= row.sources

    @property
    def names(self) -> tuple[str, ...]:
        """The steps' names, each once, in the order declared."""
        return tuple(self._by_name)

    def __iter__(self) -> Iterator[Transition]:
        return iter(self.transitions)

    def __len__(self) -> int:
        return len(self.transitions)

    def __contains__(self, item: object) -> bool:
        """A step's name or a row of this table."""
        if isinstance(item, Transition):
            return item in self.transitions
        return item in self._by_name

    def __getitem__(self, name: str) -> Transition:
        return self.get(name)

    def __repr__(self) -> str:
        return f"<Workflow {self.name}: {', '.join(self.names)}>"

    @overload
    def get(self, name: str) -> Transition: ...

    @overload
    def get(self, name: str, default: _D) -> Transition | _D: ...

    def get(self, name: str, default: Any = _NO_DEFAULT) -> Any:
        """The step called ``name`` (its first row, when it has one per source state).

        Raises ``UnknownTransition`` for a name that is not in the table, unless a ``default``
        is given to return instead.
        """
        if default is not _NO_DEFAULT and name not in self._by_name:
            return default
        return self.rows(name)[0]

    def rows(self, name: str) -> tuple[Transition, ...]:
        """Every row of the step called ``name``."""
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownTransition(
                f"{self.name} has no transition called {name!r}; it has: {', '.join(self.names)}."
            ) from None

    def from_state(self, state: str, context: Any = _NO_CONTEXT) -> list[Transition]:
        """The rows that may start from ``state`` and whose guards hold for ``context``.

        ``context`` is what the guards read; a table without guards needs none.
        """
        return [t for t in self.transitions if state in t.sources and self._holds(t, context)]

    def find(self, name: str, state: str, context: Any = _NO_CONTEXT) -> Transition | None:
        """The row called ``name`` that may start from ``state`` now, or None."""
        return next((t for t in self.from_state(state, context) if t.name == name), None)

    def _holds(self, transition: Transition, context: Any) -> bool:
        if not transition.guards:
            return True
        if context is _NO_CONTEXT:
            raise TypeError(
                f"{self.name}: {transition.name!r} has guards: pass the context they read."
            )
        return transition.allows(context)
