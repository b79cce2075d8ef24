"""What the indicator pages and the API read, each in a fixed number of queries.

- ``national_area``: the area that stands for the whole country.
- ``headlines``: per indicator, its latest and previous national total, the trend between
  them and the progress from baseline to target: two queries for any number of indicators
  (a window function keeps two rows per indicator, however long its history).
- ``dimension_values``: the values an indicator may be broken down by, and the areas: one query.
- ``series_table``: the lines of the indicator page's chart and the rows of the table under it:
  one query, whatever the number of dimensions and years.
- ``entry_cells``: the cells of the data-entry grid for one period: one query.
- ``breakdown_filter``: observations with one dimension at one value, for the API's filters.

Every function takes the observations the caller may see (``access.observations_for_user``),
so none of them decides who sees what.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from rightsmonitor.indicators.breakdowns import breakdown_key, parse_breakdown_key
from rightsmonitor.indicators.models import (
    AREA,
    TOTAL,
    DimensionValue,
    Indicator,
    Observation,
    ObservationState,
    Target,
    TargetKind,
    progress_towards_target,
)
from rightsmonitor.indicators.periods import Period, format_period

# Areas ----------------------------------------------------------------------------------------


def national_of(areas: Iterable[DimensionValue]) -> DimensionValue | None:
    """The area whose code has no hyphen (``KZ``, not ``KZ-75``), as ``Codebook`` decides.

    None when there is no such area or more than one, so that no page guesses.
    """
    found = [area for area in areas if "-" not in area.code]
    return found[0] if len(found) == 1 else None


def national_area() -> DimensionValue | None:
    """``national_of`` every area, in one query."""
    return national_of(
        DimensionValue.objects.filter(dimension__code=AREA).exclude(code__contains="-")[:2]
    )


# Latest value, trend and progress ----------------------------------------------------------------


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"


@dataclass(frozen=True)
class Headline:
    """An indicator's latest national total, compared with the one before and the target."""

    value: Decimal | None = None
    period: str = ""
    previous: Decimal | None = None
    previous_period: str = ""
    trend: Trend | None = None
    # True: the change is an improvement; False: a deterioration; None: neither direction is
    # better (``higher_is_better`` unset), nothing changed, or there is nothing to compare.
    improving: bool | None = None
    baseline: Target | None = None
    target: Target | None = None
    progress: float | None = None

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)

    @property
    def progress_bar(self) -> int:
        """The progress clamped to 0..100, for a bar that cannot go below empty or over full."""
        return max(0, min(100, self.progress_percent or 0))


def _rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals))


def _trend(indicator: Indicator, latest: Decimal, previous: Decimal) -> tuple[Trend, bool | None]:
    """Compared as the page shows the values (to the indicator's decimals), so that two values
    that read the same are never called a rise."""
    now, before = _rounded(latest, indicator.decimals), _rounded(previous, indicator.decimals)
    if now == before:
        return Trend.FLAT, None
    trend = Trend.UP if now > before else Trend.DOWN
    if indicator.higher_is_better is None:
        return trend, None
    return trend, (trend == Trend.UP) == indicator.higher_is_better


class _Point(NamedTuple):
    start: date
    end: date
    value: Decimal


def _latest_first(points: list[_Point]) -> list[_Point]:
    """The period that ends last first; of two ending together, the longer."""
    return sorted(points, key=lambda p: (p.end, -p.start.toordinal()), reverse=True)


def _headline(
    indicator: Indicator,
    by_type: Mapping[str, list[_Point]],
    baseline: Target | None,
    target: Target | None,
) -> Headline:
    if not by_type:
        return Headline(baseline=baseline, target=target)
    ordered = {period_type: _latest_first(points) for period_type, points in by_type.items()}
    period_type, points = max(
        ordered.items(), key=lambda item: (item[1][0].end, -item[1][0].start.toordinal())
    )
    latest = points[0]
    previous = points[1] if len(points) > 1 else None
    trend, improving = _trend(indicator, latest.value, previous.value) if previous else (None, None)
    return Headline(
        value=latest.value,
        period=format_period(period_type, latest.start, latest.end),
        previous=previous.value if previous else None,
        previous_period=format_period(period_type, previous.start, previous.end)
        if previous
        else "",
        trend=trend,
        improving=improving,
        baseline=baseline,
        target=target,
        progress=progress_towards_target(
            baseline.value if baseline else None, target.value if target else None, latest.value
        ),
    )


def headlines(
    indicators: Sequence[Indicator],
    observations: QuerySet[Observation],
    *,
    area: DimensionValue | None,
) -> dict[int, Headline]:
    """Each indicator's headline, by indicator id, in two queries.

    The values are the totals (no breakdown) for ``area``, the national one as a rule, among
    ``observations``. When an indicator has values for periods of several lengths (years and
    quarters), the latest period wins, and it is compared with the previous period of the
    same length.
    """
    ids = [indicator.pk for indicator in indicators]
    points: dict[int, dict[str, list[_Point]]] = defaultdict(lambda: defaultdict(list))
    if area is not None and ids:
        ranked = (
            observations.filter(indicator_id__in=ids, area=area, breakdown_key="")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("indicator_id"), F("period_type")],
                    order_by=[F("period_end").desc(), F("period_start").desc()],
                )
            )
            .filter(rank__lte=2)
            .order_by()
            .values_list("indicator_id", "period_type", "period_start", "period_end", "value")
        )
        for indicator_id, period_type, start, end, value in ranked:
            points[indicator_id][period_type].append(_Point(start, end, value))
    targets = {
        (target.indicator_id, target.kind): target
        for target in Target.objects.filter(indicator_id__in=ids)
    }
    return {
        indicator.pk: _headline(
            indicator,
            points.get(indicator.pk, {}),
            targets.get((indicator.pk, TargetKind.BASELINE)),
            targets.get((indicator.pk, TargetKind.TARGET)),
        )
        for indicator in indicators
    }


# Dimension values --------------------------------------------------------------------------------


def dimension_values(indicator: Indicator) -> dict[str, list[DimensionValue]]:
    """The values of the indicator's dimensions and of the area, by dimension code, in order.

    One query; ``indicator.dimensions`` should be prefetched (else one more).
    """
    dimension_ids = [dimension.pk for dimension in indicator.dimensions.all()]
    found: dict[str, list[DimensionValue]] = defaultdict(list)
    for value in DimensionValue.objects.filter(
        Q(dimension_id__in=dimension_ids) | Q(dimension__code=AREA)
    ).select_related("dimension"):
        found[value.dimension.code].append(value)
    return dict(found)


def by_code(
    values: Mapping[str, Sequence[DimensionValue]],
) -> dict[tuple[str, str], DimensionValue]:
    """``dimension_values`` keyed by (dimension code, value code), to resolve codes sent back."""
    return {(dim, value.code): value for dim, items in values.items() for value in items}


def valid_during(values: Iterable[DimensionValue], period: Period) -> list[DimensionValue]:
    """The values in use at some time during ``period`` (areas merge and split)."""
    return [
        value
        for value in values
        if (value.valid_from is None or value.valid_from <= period.end)
        and (value.valid_to is None or value.valid_to >= period.start)
    ]


# The chart and its table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: Decimal
    state: str

    @property
    def state_label(self) -> str:
        return str(ObservationState(self.state).label)


@dataclass
class SeriesLine:
    """One line of the chart, one column of the table."""

    key: str  # the breakdown key, or the area code when the lines are areas
    label: str
    cells: list[Cell | None] = field(default_factory=list)  # one per period, in order

    @property
    def values(self) -> list[float | None]:
        return [float(cell.value) if cell else None for cell in self.cells]


@dataclass
class SeriesTable:
    periods: list[Period]
    lines: list[SeriesLine]

    @property
    def rows(self) -> list[tuple[Period, list[Cell | None]]]:
        """The table: one row per period, one cell per line."""
        return [
            (period, [line.cells[index] for line in self.lines])
            for index, period in enumerate(self.periods)
        ]

    @property
    def unpublished(self) -> bool:
        return any(
            cell is not None and cell.state != ObservationState.PUBLISHED
            for line in self.lines
            for cell in line.cells
        )


@dataclass(frozen=True)
class LineChoice:
    """Which lines to draw: one per value of ``by`` (plus the total), at ``area``, with the
    other dimensions at ``fixed`` values (the rest at their totals)."""

    area: DimensionValue
    by: str = ""  # a dimension code, AREA for one line per area, or "" for the total alone
    fixed: Mapping[str, str] = field(default_factory=dict)

    @property
    def base_key(self) -> str:
        return breakdown_key({dim: code for dim, code in self.fixed.items() if dim != self.by})


def series_table(
    observations: QuerySet[Observation],
    choice: LineChoice,
    values: Mapping[str, Sequence[DimensionValue]],
    *,
    total_label: str,
) -> SeriesTable:
    """The chosen lines, from one query. Lines without any value are left out."""
    if choice.by == AREA:
        wanted = observations.filter(breakdown_key=choice.base_key)
        keys = [(area.code, str(area.name or area.code)) for area in values.get(AREA, [])]
        key_of = "area__code"
    else:
        wanted = observations.filter(area=choice.area)
        keys = [(choice.base_key, total_label)]
        if choice.by:
            keys += [
                (
                    breakdown_key({**choice.fixed, choice.by: value.code}),
                    str(value.name or value.code),
                )
                for value in values.get(choice.by, [])
            ]
        wanted = wanted.filter(breakdown_key__in=[key for key, _label in keys])
        key_of = "breakdown_key"
    found: dict[tuple[date, date, str], dict[str, Cell]] = defaultdict(dict)
    for period_type, start, end, key, value, state in wanted.order_by().values_list(
        "period_type", "period_start", "period_end", key_of, "value", "state"
    ):
        found[(start, end, period_type)][key] = Cell(value, state)
    periods = [Period(period_type, start, end) for start, end, period_type in sorted(found)]
    lines = []
    for key, label in keys:
        cells = [found[(p.start, p.end, p.type)].get(key) for p in periods]
        if any(cells):
            lines.append(SeriesLine(key, label, cells))
    return SeriesTable(periods, lines)


# The data-entry grid -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryCell:
    """One row of the grid: an area and a breakdown, and what is stored there, if anything."""

    area: DimensionValue
    breakdown: tuple[DimensionValue, ...]
    observation: Observation | None = None

    @property
    def key(self) -> str:
        return breakdown_key({value.dimension.code: value.code for value in self.breakdown})


def entry_cells(
    indicator: Indicator,
    period: Period,
    *,
    observations: QuerySet[Observation],
    values: Mapping[str, Sequence[DimensionValue]],
    areas: Iterable[DimensionValue],
    combinations: Iterable[str] = (),
) -> list[EntryCell]:
    """The grid's rows: for the national area and each chosen area, the total, each value of
    each dimension alone, and each chosen combination; plus every cell already stored for the
    period, whatever its area or breakdown. One query.

    Stored cells whose codes are no longer known are left out (the API and the exports still
    show them); combinations naming unknown values are ignored.
    """
    known = by_code(values)
    stored = {
        (observation.area_id, observation.breakdown_key): observation
        for observation in observations.filter(
            indicator=indicator, period_start=period.start, period_end=period.end
        ).select_related("area")
    }
    chosen_areas = {area.pk: area for area in areas}
    areas_by_pk = {value.pk: value for value in values.get(AREA, [])}
    for area_id, _key in stored:
        if area_id in areas_by_pk:
            chosen_areas.setdefault(area_id, areas_by_pk[area_id])
    keys: list[str] = [""]
    for dim, items in values.items():
        if dim != AREA:
            keys += [breakdown_key({dim: value.code}) for value in valid_during(items, period)]
    keys += list(combinations)
    wanted = {(area_id, key) for area_id in chosen_areas for key in keys} | set(stored)

    cells = []
    for area_id, key in wanted:
        area = chosen_areas.get(area_id)
        parts = parse_breakdown_key(key)
        breakdown = tuple(known.get((dim, code)) for dim, code in parts.items())
        if area is None or None in breakdown:
            continue
        cells.append(EntryCell(area, tuple(v for v in breakdown if v), stored.get((area_id, key))))
    dimension_order = {dim: index for index, dim in enumerate(values)}
    cells.sort(
        key=lambda cell: (
            cell.area.order,
            cell.area.code,
            len(cell.breakdown),
            [(dimension_order.get(v.dimension.code, 0), v.order, v.code) for v in cell.breakdown],
        )
    )
    return cells


# Filters on breakdowns -----------------------------------------------------------------------------


def breakdown_filter(dimension: str, code: str) -> Q:
    """Observations broken down by ``dimension`` = ``code`` (among other dimensions, or alone);
    with ``code`` ``_T``, those where the dimension is at its total (absent from the key).

    Matched on the canonical key, whose codes hold no ``|`` or ``=``, so no join is needed.
    """
    if code == TOTAL:
        return ~Q(breakdown_key__startswith=f"{dimension}=") & ~Q(
            breakdown_key__contains=f"|{dimension}="
        )
    part = f"{dimension}={code}"
    return (
        Q(breakdown_key=part)
        | Q(breakdown_key__startswith=f"{part}|")
        | Q(breakdown_key__endswith=f"|{part}")
        | Q(breakdown_key__contains=f"|{part}|")
    )
