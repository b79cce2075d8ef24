"""Every change to indicator data goes through these functions.

``save_observations`` writes the rows of a form grid or a file: all of them, or, if any row is
refused, none (one transaction; the caller sees every problem with its row and column).
``take_transition`` moves observations through the workflow of ``workflow.py``. Each change
leaves a history row naming the user (django-simple-history, also for bulk writes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from rightsmonitor.core.pagecache import content_changed
from rightsmonitor.core.tabular import Problems, TableError, TableErrors
from rightsmonitor.indicators import access
from rightsmonitor.indicators.breakdowns import breakdown_key
from rightsmonitor.indicators.consistency import ConsistencyWarning, consistency_warnings
from rightsmonitor.indicators.models import (
    DimensionValue,
    Indicator,
    Observation,
    ObservationState,
)
from rightsmonitor.indicators.periods import Period
from rightsmonitor.indicators.workflow import EDITABLE_STATES, transition_named

UPDATED_FIELDS = ["value", "unit", "source", "note", "state", "entered_by"]


class ObservationError(TableError):
    """A refused observation, naming the row and column of the file or grid it came from."""


@dataclass
class ObservationRow:
    """One value to write, as read from a file or a form, with where it came from."""

    indicator: Indicator
    period: Period
    area: DimensionValue
    breakdown: list[DimensionValue]
    value: Decimal
    unit: str = ""
    source: str = ""
    note: str = ""
    row: int | None = None  # as the file or the grid numbers it
    value_column: str | None = None

    @property
    def key(self) -> str:
        return breakdown_key({value.dimension.code: value.code for value in self.breakdown})

    @property
    def cell(self) -> tuple[int, Any, Any, int, str]:
        return (self.indicator.pk, self.period.start, self.period.end, self.area.pk, self.key)


@dataclass
class SaveSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    indicators: set[str] = field(default_factory=set)
    # Not refusals: things worth a second look (see ``consistency.py``).
    warnings: list[ConsistencyWarning] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _existing(rows: Sequence[ObservationRow]) -> dict[tuple[Any, ...], Observation]:
    """The stored observations of the rows' cells, in one query per indicator and period span."""
    found: dict[tuple[Any, ...], Observation] = {}
    spans: dict[int, tuple[Any, Any]] = {}
    for row in rows:
        low, high = spans.get(row.indicator.pk, (row.period.start, row.period.end))
        spans[row.indicator.pk] = (min(low, row.period.start), max(high, row.period.end))
    if not spans:
        return found
    query = Q()
    for indicator_id, (low, high) in spans.items():
        query |= Q(indicator_id=indicator_id, period_start__gte=low, period_end__lte=high)
    for observation in Observation.objects.filter(query):
        cell = (
            observation.indicator_id,
            observation.period_start,
            observation.period_end,
            observation.area_id,
            observation.breakdown_key,
        )
        found[cell] = observation
    return found


@transaction.atomic
def save_observations(
    rows: Sequence[ObservationRow], *, by: Any, dry_run: bool = False
) -> SaveSummary:
    """Write every row or none; raise ``TableErrors`` (of ``ObservationError``) listing all.

    A new cell is created as a draft. A stored one is updated when its value, unit, source or
    note differ; the agency may change only drafts, the coordinator any state, and a changed
    value goes back to draft so that it is validated again. Two rows for the same cell are
    refused. ``dry_run`` checks everything and writes nothing.
    """
    problems = Problems()
    seen: dict[tuple[Any, ...], ObservationRow] = {}
    allowed: dict[int, bool] = {}
    dimensions: dict[int, set[str]] = {}
    for row in rows:
        indicator = row.indicator
        if indicator.pk not in allowed:
            allowed[indicator.pk] = access.can_enter_data(by, indicator)
            dimensions[indicator.pk] = {d.code for d in indicator.dimensions.all()}
        if not allowed[indicator.pk]:
            problems.add(
                _("You may not enter data for indicator %(code)s.") % {"code": indicator.code},
                row=row.row,
            )
            continue
        for value in row.breakdown:
            if value.dimension.code not in dimensions[indicator.pk]:
                problems.add(
                    _("Indicator %(code)s is not broken down by %(dimension)s.")
                    % {"code": indicator.code, "dimension": value.dimension.code},
                    row=row.row,
                    column=value.dimension.code,
                )
        if row.cell in seen:
            problems.add(
                _("This value repeats row %(other)s: same indicator, period, area and breakdown.")
                % {"other": seen[row.cell].row},
                row=row.row,
                column=row.value_column,
            )
        seen.setdefault(row.cell, row)
    if problems.items:
        raise TableErrors(problems.items, truncated=problems.truncated)

    summary = SaveSummary()
    stored = _existing(rows)
    staff = access.can_validate(by)
    new: list[tuple[ObservationRow, Observation]] = []
    changed: list[Observation] = []
    for row in rows:
        summary.indicators.add(row.indicator.code)
        unit = row.unit or row.indicator.unit
        current = stored.get(row.cell)
        if current is None:
            observation = Observation(
                indicator=row.indicator,
                period_type=row.period.type,
                period_start=row.period.start,
                period_end=row.period.end,
                area=row.area,
                breakdown_key=row.key,
                value=row.value,
                unit=unit,
                source=row.source,
                note=row.note,
                state=ObservationState.DRAFT,
                entered_by=by if getattr(by, "is_authenticated", False) else None,
            )
            new.append((row, observation))
            continue
        same = (current.value, current.unit, current.source, current.note) == (
            row.value,
            unit,
            row.source,
            row.note,
        )
        if same:
            summary.unchanged += 1
            continue
        if current.state not in EDITABLE_STATES and not staff:
            problems.add(
                _("This value is already “%(state)s”: ask the coordinator to return it to draft.")
                % {"state": current.get_state_display()},
                row=row.row,
                column=row.value_column,
            )
            continue
        if current.value != row.value:
            current.state = ObservationState.DRAFT
        current.value, current.unit, current.source, current.note = (
            row.value,
            unit,
            row.source,
            row.note,
        )
        current.entered_by = by if getattr(by, "is_authenticated", False) else None
        changed.append(current)
    if problems.items:
        raise TableErrors(problems.items, truncated=problems.truncated)
    summary.created, summary.updated = len(new), len(changed)
    summary.warnings = consistency_warnings(rows)
    if dry_run:
        return summary
    content_changed()  # bulk writes send no signal
    user = by if getattr(by, "is_authenticated", False) else None
    created = bulk_create_with_history(
        [observation for _row, observation in new], Observation, batch_size=1000, default_user=user
    )
    through = Observation.breakdown.through
    links = [
        through(observation_id=observation.pk, dimensionvalue_id=value.pk)
        for (row, _unsaved), observation in zip(new, created, strict=True)
        for value in row.breakdown
    ]
    through.objects.bulk_create(links, batch_size=5000)
    if changed:
        bulk_update_with_history(
            changed, Observation, UPDATED_FIELDS, batch_size=1000, default_user=user
        )
    return summary


@transaction.atomic
def take_transition(
    observations: Iterable[Observation], name: str, *, by: Any, comment: str = ""
) -> int:
    """Move observations through the workflow; all or none. Returns how many moved."""
    transition = transition_named(name)
    if transition is None:
        raise ValidationError(_("Unknown step “%(name)s”.") % {"name": name})
    if transition.comment_required and not comment.strip():
        raise ValidationError({"comment": _("Say why, for the agency.")})
    ids = [o.pk for o in observations]
    locked = list(
        Observation.objects.select_for_update().filter(pk__in=ids).select_related("indicator")
    )
    for observation in locked:
        if not access.can_take(by, observation, transition):
            raise PermissionDenied
        if observation.state not in transition.sources:
            raise ValidationError(
                _("“%(step)s” is not possible for a value that is “%(state)s”.")
                % {"step": transition.label, "state": observation.get_state_display()},
                code="invalid_transition",
            )
        observation.state = transition.target
        observation._change_reason = f"{name}: {comment}".strip(": ")  # type: ignore[attr-defined]
    content_changed()  # bulk writes send no signal
    bulk_update_with_history(
        locked,
        Observation,
        ["state"],
        default_user=by if getattr(by, "is_authenticated", False) else None,
        default_change_reason=f"{name}: {comment}".strip(": "),
    )
    return len(locked)
