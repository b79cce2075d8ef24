"""A small indicator world for tests: dimensions, areas, two indicators, a few observations."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rightsmonitor.indicators.models import (
    AREA,
    Attribute,
    Dimension,
    DimensionValue,
    Indicator,
    Observation,
    ObservationState,
    Right,
    SdgIndicator,
)
from rightsmonitor.indicators.periods import parse_period
from rightsmonitor.plans.models import Agency


@dataclass
class IndicatorWorld:
    dimensions: dict[str, Dimension]
    values: dict[str, DimensionValue]  # "SEX=F", "REF_AREA=KZ-75", ...
    detainees: Indicator  # TORT-O1: by SEX and AGE, supplied by GPO
    women_mps: Indicator  # PART-O1: by nothing but area, supplied by MIA
    agency: Agency
    observations: list[Observation] = field(default_factory=list)

    def value(self, key: str) -> DimensionValue:
        return self.values[key]


DIMENSIONS = {
    "SEX": ("Sex", ["F", "M"], {"F": ["Female", "Женщины"], "M": ["Male", "Мужчины"]}),
    "AGE": ("Age", ["Y_LT18", "Y18T34", "Y_GE35"], {}),
    "DISABILITY_STATUS": ("Disability status", ["PD", "NPD"], {}),
    AREA: ("GeoCode", ["KZ", "KZ-71", "KZ-75"], {"KZ-75": ["ALA", "KZ-ALA"], "KZ-71": ["AST"]}),
}


def build_indicator_world(*, observations: bool = True) -> IndicatorWorld:
    dimensions, values = {}, {}
    for order, (code, (column, codes, aliases)) in enumerate(DIMENSIONS.items()):
        dimension = Dimension.objects.create(
            code=code, name_en=column, column_name=column, order=order
        )
        dimensions[code] = dimension
        for position, value_code in enumerate(codes):
            values[f"{code}={value_code}"] = DimensionValue.objects.create(
                dimension=dimension,
                code=value_code,
                name_en=value_code,
                aliases=aliases.get(value_code, []),
                order=position,
            )
    right = Right.objects.create(key="torture", title_en="Freedom from torture")
    attribute = Attribute.objects.create(right=right, key="detention", title_en="Detention")
    gpo = Agency.objects.get_or_create(abbreviation="GPO", defaults={"name_en": "Prosecutor"})[0]
    mia = Agency.objects.get_or_create(abbreviation="MIA", defaults={"name_en": "Interior"})[0]
    detainees = Indicator.objects.create(
        code="TORT-O1",
        attribute=attribute,
        kind=Indicator.Kind.OUTCOME,
        title_en="Unsentenced detainees as a share of all detainees",
        unit="PT",
        unit_label_en="%",
        agency=gpo,
        higher_is_better=False,
    )
    detainees.dimensions.set([dimensions["SEX"], dimensions["AGE"]])
    sdg = SdgIndicator.objects.create(code="16.3.2", title_en="Unsentenced detainees")
    detainees.sdg_indicators.add(sdg)
    women_mps = Indicator.objects.create(
        code="PART-O1",
        attribute=attribute,
        kind=Indicator.Kind.OUTCOME,
        title_en="Women in parliament",
        unit="PT",
        agency=mia,
        higher_is_better=True,
    )
    world = IndicatorWorld(dimensions, values, detainees, women_mps, gpo)
    if observations:
        world.observations = [
            add_observation(world, detainees, "2021", "KZ", {}, "31.5"),
            add_observation(world, detainees, "2021", "KZ", {"SEX": "F"}, "12.0"),
            add_observation(world, detainees, "2021", "KZ", {"SEX": "M"}, "34.0"),
            add_observation(world, detainees, "2022", "KZ", {}, "29.0"),
            add_observation(
                world, detainees, "2022", "KZ-75", {"SEX": "F", "AGE": "Y18T34"}, "9.5"
            ),
            add_observation(world, women_mps, "2022", "KZ", {}, "18.4"),
        ]
    return world


def add_observation(
    world: IndicatorWorld,
    indicator: Indicator,
    period: str,
    area: str,
    breakdown: dict[str, str],
    value: str,
    *,
    state: str = ObservationState.PUBLISHED,
) -> Observation:
    parsed = parse_period(period)
    chosen = [world.values[f"{dim}={code}"] for dim, code in sorted(breakdown.items())]
    observation = Observation.objects.create(
        indicator=indicator,
        period_type=parsed.type,
        period_start=parsed.start,
        period_end=parsed.end,
        area=world.values[f"{AREA}={area}"],
        breakdown_key="|".join(f"{v.dimension.code}={v.code}" for v in chosen),
        value=Decimal(value),
        unit=indicator.unit,
        state=state,
    )
    observation.breakdown.set(chosen)
    return observation
