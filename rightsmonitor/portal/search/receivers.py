"""Noticing changes: light signal receivers (``connect``, from ``PortalConfig.ready``) note
what a transaction saved or deleted and refresh those documents once, when it commits, with
what copies their data. Bulk imports of recommendations are refreshed when their ``ImportRun``
is done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model, signals

from rightsmonitor.assessments.models import Assessment, SectionComment
from rightsmonitor.indicators.models import Indicator
from rightsmonitor.plans.models import Action, ActionAgency, Plan
from rightsmonitor.portal.search.documents import Kind
from rightsmonitor.portal.search.indexing import RefreshSummary, index_objects
from rightsmonitor.recommendations.models import (
    ImportRun,
    Recommendation,
    RecommendationLink,
)
from rightsmonitor.reporting.models import ActionMonitoring, ProgressReport


@dataclass
class Changes:
    """Objects saved or deleted in one transaction, refreshed together when it commits."""

    ids: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    plans: set[int] = field(default_factory=set)
    import_runs: set[int] = field(default_factory=set)

    def expand(self) -> dict[str, set[int]]:
        """The objects to re-index: besides those changed, what copies their data (a plan's
        status, an action's title and status) or derives from it (a recommendation's status)."""
        ids = {kind: set(values) for kind, values in self.ids.items()}
        actions = ids.setdefault(Kind.ACTION, set())
        if self.plans:
            actions |= set(Action.objects.filter(plan__in=self.plans).values_list("pk", flat=True))
            ids.setdefault(Kind.ASSESSMENT, set()).update(
                Assessment.objects.filter(plan__in=self.plans).values_list("pk", flat=True)
            )
        if actions:
            ids.setdefault(Kind.REPORT, set()).update(
                ProgressReport.objects.filter(action__in=actions).values_list("pk", flat=True)
            )
            ids.setdefault(Kind.RECOMMENDATION, set()).update(
                RecommendationLink.objects.filter(action__in=actions).values_list(
                    "recommendation_id", flat=True
                )
            )
        if self.import_runs:
            ids.setdefault(Kind.RECOMMENDATION, set()).update(
                Recommendation.objects.filter(import_run__in=self.import_runs).values_list(
                    "pk", flat=True
                )
            )
        return {kind: values for kind, values in ids.items() if values}


def refresh_changes(changes: Changes) -> RefreshSummary:
    summary = RefreshSummary()
    for kind, ids in changes.expand().items():
        summary.add(index_objects(kind, ids))
    return summary


class _OnCommit:
    """The refresh waiting for the current transaction to commit, gathering its changes.

    It lives only in the connection's list of commit callbacks, so a rolled-back transaction
    takes its changes with it.
    """

    def __init__(self) -> None:
        self.changes = Changes()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        refresh_changes(self.changes)


def _pending() -> Changes:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # One refresh per transaction: join the one already waiting (Django's own
        # captureOnCommitCallbacks reads this list too). A finished one (tests run them early)
        # takes no more changes.
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _OnCommit) and not callback.done:
                return callback.changes
    waiting = _OnCommit()
    transaction.on_commit(waiting)  # outside a transaction this runs at once: register last
    return waiting.changes


def note(kind: str, *ids: int | None) -> None:
    """Re-index these objects when the current transaction commits."""
    found = [pk for pk in ids if pk is not None]
    if not found:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        index_objects(kind, found)
        return
    _pending().ids[kind].update(found)


def _note_plan(sender: Any, instance: Plan, **kwargs: Any) -> None:
    if not transaction.get_connection().in_atomic_block:
        refresh_changes(Changes(plans={instance.pk}))
        return
    _pending().plans.add(instance.pk)


def _note_import_run(sender: Any, instance: ImportRun, **kwargs: Any) -> None:
    if instance.status != ImportRun.Status.DONE:
        return
    if not transaction.get_connection().in_atomic_block:
        refresh_changes(Changes(import_runs={instance.pk}))
        return
    _pending().import_runs.add(instance.pk)


def _receiver(kind: str, attribute: str = "pk") -> Callable[..., None]:
    def receive(sender: Any, instance: Model, **kwargs: Any) -> None:
        note(kind, getattr(instance, attribute))

    return receive


def _note_action_themes(
    sender: Any, instance: Model, action: str, reverse: bool, pk_set: set[int] | None, **kw: Any
) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # theme.actions.add(...): the actions are in pk_set
        note(Kind.ACTION, *(pk_set or ()))
    else:
        note(Kind.ACTION, instance.pk)


# (model, kind noted, attribute holding that kind's id): what to re-index when a row changes.
WATCHED: list[tuple[type[Model], str, str]] = [
    (Action, Kind.ACTION, "pk"),
    (ActionAgency, Kind.ACTION, "action_id"),
    (ActionMonitoring, Kind.ACTION, "action_id"),
    (ProgressReport, Kind.REPORT, "pk"),
    (Assessment, Kind.ASSESSMENT, "pk"),
    (SectionComment, Kind.ASSESSMENT, "assessment_id"),
    (Indicator, Kind.INDICATOR, "pk"),
    (Recommendation, Kind.RECOMMENDATION, "pk"),
    (RecommendationLink, Kind.RECOMMENDATION, "recommendation_id"),
]
_receivers: list[Callable[..., None]] = []  # signals hold receivers weakly: keep them alive


def connect() -> None:
    """Connect the receivers (``PortalConfig.ready``)."""
    for model, kind, attribute in WATCHED:
        receive = _receiver(kind, attribute)
        _receivers.append(receive)
        uid = f"portal-search-{model._meta.label_lower}"
        signals.post_save.connect(receive, sender=model, dispatch_uid=uid)
        signals.post_delete.connect(receive, sender=model, dispatch_uid=uid)
    signals.post_save.connect(_note_plan, sender=Plan, dispatch_uid="portal-search-plan")
    signals.post_save.connect(_note_import_run, sender=ImportRun, dispatch_uid="portal-search-run")
    signals.m2m_changed.connect(
        _note_action_themes, sender=Action.themes.through, dispatch_uid="portal-search-themes"
    )
