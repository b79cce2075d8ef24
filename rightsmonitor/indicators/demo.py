"""Demo indicator data: the starter catalogue and a few INVENTED series, published.

The numbers are made up (a smooth trend with a fixed wobble), only so that the demo's
indicator pages have charts and tables to show; they are not statistics of Kazakhstan. They go
through the real actions: saved as drafts, submitted, validated, published by the coordinator.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from rightsmonitor.indicators import actions
from rightsmonitor.indicators.breakdowns import Codebook
from rightsmonitor.indicators.catalogue import load_catalogue
from rightsmonitor.indicators.models import (
    DimensionValue,
    Indicator,
    Observation,
    ObservationState,
)
from rightsmonitor.indicators.periods import parse_period

YEARS = range(2016, 2024)
# indicator code → (national value in the first year, yearly change, {breakdown: offset})
SERIES: dict[str, tuple[float, float, dict[tuple[tuple[str, str], ...], float]]] = {
    "LIB-O1": (28.0, -1.1, {(("SEX", "F"),): -9.0, (("SEX", "M"),): 1.2}),
    "PART-O1": (26.0, 0.4, {}),
    "TORT-O1": (96.0, -2.5, {}),
}
REGIONS = {"KZ-75": 3.5, "KZ-71": -2.0, "KZ-79": 1.5, "KZ-63": -0.8}


def _value(base: float, step: float, index: int, offset: float) -> Decimal:
    wobble = ((index * 7) % 5 - 2) * 0.3
    return Decimal(f"{max(0.0, base + step * index + offset + wobble):.1f}")


@transaction.atomic
def load_demo_indicators(*, coordinator: Any) -> int:
    """Load the catalogue (linked to the demo plan) and publish the invented series."""
    load_catalogue()
    book = Codebook.load()
    national = book.national_area()
    rows = []
    for code, (base, step, breakdowns) in SERIES.items():
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None or national is None:
            continue
        for index, year in enumerate(YEARS):
            cells: list[tuple[tuple[tuple[str, str], ...], DimensionValue | None, float]] = [
                ((), national, 0.0)
            ]
            cells += [(key, national, offset) for key, offset in breakdowns.items()]
            if code == "LIB-O1":
                cells += [((), book.area(area), offset) for area, offset in REGIONS.items()]
            for key, area, offset in cells:
                if area is None:
                    continue
                rows.append(
                    actions.ObservationRow(
                        indicator=indicator,
                        period=parse_period(year),
                        area=area,
                        breakdown=[book.values[pair] for pair in key],
                        value=_value(base, step, index, offset),
                        source="Invented for the demonstration",
                    )
                )
    actions.save_observations(rows, by=coordinator)
    drafts = Observation.objects.filter(state=ObservationState.DRAFT)
    for step_name in ("submit", "validate", "publish"):
        actions.take_transition(list(drafts), step_name, by=coordinator)
        drafts = Observation.objects.filter(
            state={
                "submit": ObservationState.SUBMITTED,
                "validate": ObservationState.VALIDATED,
            }.get(step_name, ObservationState.PUBLISHED)
        )
    return len(rows)
