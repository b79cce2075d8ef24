"""Consistency warnings on data being saved: they do not refuse anything, they ask for a look.

- **Total and breakdown disagree**: for counts (additive units such as ``NUMBER``), when the
  values of every category of one dimension are there (women and men), their sum should equal
  the total of the same indicator, period and area. Shares and rates are not additive and are
  not checked.
- **Far from the previous period**: a value that changed by more than half (up or down) from
  the same cell's value in the period just before (stored or in the same batch).

Reads the stored neighbours of the batch in two queries, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from rightsmonitor.indicators.breakdowns import parse_breakdown_key
from rightsmonitor.indicators.exporters.observations import plain_number
from rightsmonitor.indicators.models import DimensionValue, Observation
from rightsmonitor.indicators.periods import parse_period

if TYPE_CHECKING:
    from rightsmonitor.indicators.actions import ObservationRow

ADDITIVE_UNITS = frozenset({"NUMBER", "PERSONS", "PS", "CASES", "NUM"})
# More than this relative change from the previous period deserves a second look.
JUMP = Decimal("0.5")
# Rounding in published tables: a sum within this share of the total is fine.
TOLERANCE = Decimal("0.005")


@dataclass(frozen=True)
class ConsistencyWarning:
    message: str
    row: int | None = None

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


Cell = tuple[int, Any, Any, int, str]  # indicator, period start, end, area, breakdown key


def consistency_warnings(rows: Sequence[ObservationRow]) -> list[ConsistencyWarning]:
    if not rows:
        return []
    values: dict[Cell, Decimal] = {}
    units: dict[int, str] = {}
    for observation in _stored_neighbours(rows):
        cell = (
            observation.indicator_id,
            observation.period_start,
            observation.period_end,
            observation.area_id,
            observation.breakdown_key,
        )
        values[cell] = observation.value
    for row in rows:
        values[row.cell] = row.value  # what is being saved wins over what is stored
        units[row.indicator.pk] = (row.unit or row.indicator.unit).upper()
    categories = _categories(rows)
    warnings = _total_warnings(rows, values, units, categories)
    warnings += _jump_warnings(rows, values)
    return sorted(warnings, key=lambda w: (w.row or 0, w.message))


def _stored_neighbours(rows: Sequence[ObservationRow]) -> list[Observation]:
    """Stored cells of the batch's indicators and areas in its periods and the year before."""
    query = Q()
    spans: dict[int, tuple[Any, Any]] = {}
    for row in rows:
        low, high = spans.get(row.indicator.pk, (row.period.start, row.period.end))
        spans[row.indicator.pk] = (min(low, row.period.start), max(high, row.period.end))
    for indicator_id, (low, high) in spans.items():
        query |= Q(
            indicator_id=indicator_id,
            period_end__gte=low - timedelta(days=366),  # not .replace(): 29 February
            period_start__lte=high,
        )
    areas = {row.area.pk for row in rows}
    return list(
        Observation.objects.filter(query, area_id__in=areas).only(
            "indicator_id", "period_start", "period_end", "area_id", "breakdown_key", "value"
        )
    )


def _categories(rows: Sequence[ObservationRow]) -> dict[str, list[str]]:
    """Every value code of each dimension the batch uses (one query)."""
    dimensions = {value.dimension.code for row in rows for value in row.breakdown}
    found: dict[str, list[str]] = defaultdict(list)
    for dimension, code in DimensionValue.objects.filter(
        dimension__code__in=dimensions
    ).values_list("dimension__code", "code"):
        found[dimension].append(code)
    return found


def _total_warnings(
    rows: Sequence[ObservationRow],
    values: dict[Cell, Decimal],
    units: dict[int, str],
    categories: dict[str, list[str]],
) -> list[ConsistencyWarning]:
    warnings = []
    checked: set[tuple[Any, ...]] = set()
    for row in rows:
        if units[row.indicator.pk] not in ADDITIVE_UNITS or len(row.breakdown) != 1:
            continue
        dimension = row.breakdown[0].dimension.code
        group = (row.indicator.pk, row.period.start, row.period.end, row.area.pk, dimension)
        if group in checked:
            continue
        checked.add(group)
        total = values.get((*group[:4], ""))
        found = [values.get((*group[:4], f"{dimension}={code}")) for code in categories[dimension]]
        parts = [part for part in found if part is not None]
        if total is None or len(parts) != len(found):
            continue  # only a complete set of categories adds up to the total
        summed = sum(parts, Decimal(0))
        if abs(summed - total) > max(abs(total) * TOLERANCE, Decimal("0.5")):
            warnings.append(
                ConsistencyWarning(
                    _(
                        "%(code)s, %(period)s: the values by %(dimension)s add up to "
                        "%(sum)s, but the total is %(total)s."
                    )
                    % {
                        "code": row.indicator.code,
                        "period": row.period.label,
                        "dimension": dimension,
                        "sum": plain_number(summed),
                        "total": plain_number(total),
                    },
                    row=row.row,
                )
            )
    return warnings


def _jump_warnings(
    rows: Sequence[ObservationRow], values: dict[Cell, Decimal]
) -> list[ConsistencyWarning]:
    # The previous period of a cell: the latest one of the same length that ends before it.
    by_series: dict[tuple[int, int, str], list[tuple[Any, Any, Decimal]]] = defaultdict(list)
    for (indicator_id, start, end, area_id, key), value in values.items():
        by_series[(indicator_id, area_id, key)].append((start, end, value))
    for series in by_series.values():
        series.sort()
    warnings = []
    for row in rows:
        series = by_series[(row.indicator.pk, row.area.pk, row.key)]
        length = row.period.end - row.period.start
        earlier = [
            (start, end, value)
            for start, end, value in series
            if end < row.period.start and abs((end - start) - length).days <= 3
        ]
        if not earlier:
            continue
        start, end, previous = earlier[-1]
        if previous == 0 or (row.period.start - end).days > 400:
            continue
        change = (row.value - previous) / abs(previous)
        if abs(change) > JUMP:
            breakdown = ", ".join(f"{d}={c}" for d, c in parse_breakdown_key(row.key).items())
            warnings.append(
                ConsistencyWarning(
                    _(
                        "%(code)s %(breakdown)s: %(value)s in %(period)s is %(change)s%% away "
                        "from %(previous)s in %(previous_period)s. Is it right?"
                    )
                    % {
                        "code": row.indicator.code,
                        "breakdown": breakdown or _("total"),
                        "value": plain_number(row.value),
                        "period": row.period.label,
                        "change": f"{change * 100:+.0f}",
                        "previous": plain_number(previous),
                        "previous_period": _period_label(start, end),
                    },
                    row=row.row,
                )
            )
    return warnings


def _period_label(start: Any, end: Any) -> str:
    return parse_period(f"{start.isoformat()}/{end.isoformat()}").label
