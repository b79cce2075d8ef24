"""Saving observations and moving them through the workflow (``indicators.actions``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.core.tabular import TableErrors
from rightsmonitor.indicators import actions
from rightsmonitor.indicators.breakdowns import Codebook, breakdown_key, parse_breakdown_key
from rightsmonitor.indicators.models import AREA, Observation, ObservationState
from rightsmonitor.indicators.periods import PeriodError, format_period, parse_period
from rightsmonitor.indicators.tests.factories import IndicatorWorld

pytestmark = pytest.mark.django_db


def row(
    world: IndicatorWorld, period: str, value: str, *, area: str = "KZ", line: int = 2, **by: str
) -> actions.ObservationRow:
    return actions.ObservationRow(
        indicator=world.detainees,
        period=parse_period(period),
        area=world.value(f"{AREA}={area}"),
        breakdown=[world.value(f"{dim}={code}") for dim, code in sorted(by.items())],
        value=Decimal(value),
        row=line,
        value_column="Value",
    )


@pytest.fixture
def gpo_focal_point(indicator_world: IndicatorWorld):  # type: ignore[no-untyped-def]
    return FocalPointFactory(email="focal.gpo@example.org", agency=indicator_world.agency)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("2022", "2022"),
        ("2022-Q3", "2022-Q3"),
        ("Q3 2022", "2022-Q3"),
        ("2022-M03", "2022-03"),
        ("2022-03", "2022-03"),
        ("2022-S1", "2022-01-01/2022-06-30"),
        ("2022-01-01/2022-12-31", "2022"),
        ("2022-02-15/2022-03-14", "2022-02-15/2022-03-14"),
        (2022, "2022"),
        (2022.0, "2022"),
    ],
)
def test_periods_read_and_write_back(text: object, label: str) -> None:
    period = parse_period(text)  # type: ignore[arg-type]
    assert period.label == label
    assert parse_period(period.label) == period
    assert format_period(period.type, period.start, period.end) == label


@pytest.mark.parametrize(
    "text",
    ["", "22", "2022-13", "2022-Q5", "2022-02-30/2022-03-01", "2023-01-01/2022-01-01", "last year"],
)
def test_bad_periods_say_what_is_accepted(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_breakdown_keys_are_canonical(indicator_world: IndicatorWorld) -> None:
    assert breakdown_key({"SEX": "F", "AGE": "Y18T34"}) == "AGE=Y18T34|SEX=F"
    assert breakdown_key({"SEX": "_T"}) == ""
    assert parse_breakdown_key("AGE=Y18T34|SEX=F") == {"AGE": "Y18T34", "SEX": "F"}
    book = Codebook.load()
    assert book.value("SEX", "female").code == "F"  # type: ignore[union-attr]
    assert book.value("SEX", "Женщины").code == "F"  # type: ignore[union-attr]
    assert book.area("ALA").code == "KZ-75"  # type: ignore[union-attr]
    assert book.dimension_for_header("geocode") == AREA
    assert book.is_total("Total") and book.is_total("_T") and book.is_total("")
    assert book.national_area().code == "KZ"  # type: ignore[union-attr]


def test_save_creates_drafts_and_updates_changed_values(
    indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    world = indicator_world
    summary = actions.save_observations(
        [
            row(world, "2023", "27.0"),
            row(world, "2023", "10.5", SEX="F"),
            row(world, "2022", "29.0"),
        ],
        by=gpo_focal_point,
    )
    assert summary.as_dict() == {"created": 2, "updated": 0, "unchanged": 1}
    female = Observation.objects.get(breakdown_key="SEX=F", period_start__year=2023)
    assert (female.state, female.value, female.unit) == (
        ObservationState.DRAFT,
        Decimal("10.5"),
        "PT",
    )
    assert [v.code for v in female.breakdown.all()] == ["F"]
    assert female.history.get().history_user == gpo_focal_point

    summary = actions.save_observations([row(world, "2023", "11.0", SEX="F")], by=gpo_focal_point)
    assert summary.updated == 1
    female.refresh_from_db()
    assert female.value == Decimal("11.0")


def test_nothing_is_written_when_any_row_is_refused(
    indicator_world: IndicatorWorld, gpo_focal_point
) -> None:
    world = indicator_world
    before = Observation.objects.count()
    rows = [
        row(world, "2023", "27.0", line=2),
        row(world, "2023", "28.0", line=3),  # the same cell again
        row(world, "2023", "5.0", line=4, DISABILITY_STATUS="PD"),  # not a dimension of it
        row(world, "2022", "30.0", line=5),  # already published: not the agency's to change
    ]
    with pytest.raises(TableErrors) as refused:
        actions.save_observations(rows, by=gpo_focal_point)
    messages = [str(error) for error in refused.value.errors]
    assert messages[0].startswith("Row 3, column “Value”: This value repeats row 2")
    assert any(m.startswith("Row 4, column “DISABILITY_STATUS”") for m in messages)
    assert Observation.objects.count() == before
    with pytest.raises(TableErrors) as refused:
        actions.save_observations([rows[3]], by=gpo_focal_point)
    assert "already “Published”" in str(refused.value)


def test_other_agencies_may_not_enter_data(
    indicator_world: IndicatorWorld, focal_point_mia, coordinator
) -> None:
    world = indicator_world
    with pytest.raises(TableErrors) as refused:
        actions.save_observations([row(world, "2023", "1")], by=focal_point_mia)
    assert "You may not enter data for indicator TORT-O1" in str(refused.value)
    # The coordinator may, and may correct a published value: it goes back to draft.
    actions.save_observations([row(world, "2022", "30.0")], by=coordinator)
    corrected = Observation.objects.get(
        period_start__year=2022, breakdown_key="", area__code="KZ", indicator=world.detainees
    )
    assert (corrected.value, corrected.state) == (Decimal("30.0"), ObservationState.DRAFT)


def test_workflow(indicator_world: IndicatorWorld, gpo_focal_point, coordinator) -> None:
    world = indicator_world
    actions.save_observations([row(world, "2023", "27.0")], by=gpo_focal_point)
    draft = Observation.objects.filter(state=ObservationState.DRAFT)
    with pytest.raises(PermissionDenied):
        actions.take_transition(draft, "validate", by=gpo_focal_point)
    assert actions.take_transition(draft, "submit", by=gpo_focal_point) == 1
    submitted = Observation.objects.filter(state=ObservationState.SUBMITTED)
    with pytest.raises(ValidationError):
        actions.take_transition(submitted, "return", by=coordinator)  # needs a comment
    with pytest.raises(ValidationError) as refused:
        actions.take_transition(submitted, "publish", by=coordinator)
    assert refused.value.code == "invalid_transition"
    actions.take_transition(submitted, "validate", by=coordinator)
    observation = Observation.objects.get(period_start__year=2023)
    actions.take_transition([observation], "publish", by=coordinator)
    observation.refresh_from_db()
    assert observation.state == ObservationState.PUBLISHED
    steps = [(h.state, h.history_user) for h in observation.history.order_by("history_id")]
    assert steps == [
        ("draft", gpo_focal_point),
        ("submitted", gpo_focal_point),
        ("validated", coordinator),
        ("published", coordinator),
    ]


def test_the_database_allows_one_observation_per_cell(indicator_world: IndicatorWorld) -> None:
    existing = indicator_world.observations[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(
            indicator=existing.indicator,
            period_type=existing.period_type,
            period_start=existing.period_start,
            period_end=existing.period_end,
            area=existing.area,
            breakdown_key=existing.breakdown_key,
            value=Decimal("1"),
            unit="PT",
        )


def test_consistency_warnings_do_not_refuse(indicator_world: IndicatorWorld, coordinator) -> None:
    world = indicator_world
    world.detainees.unit = "NUMBER"  # counts add up; shares would not be checked
    world.detainees.save()
    summary = actions.save_observations(
        [
            row(world, "2023", "100", line=2),
            row(world, "2023", "40", line=3, SEX="F"),
            row(world, "2023", "50", line=4, SEX="M"),
        ],
        by=coordinator,
    )
    assert summary.created == 3  # saved all the same
    messages = [str(warning) for warning in summary.warnings]
    assert "Row 3: TORT-O1, 2023: the values by SEX add up to 90, but the total is 100." in messages
    # 2022's total was 29: 100 is far away.
    assert any(
        m.startswith("Row 2: TORT-O1 total: 100 in 2023 is +245% away from 29") for m in messages
    )

    summary = actions.save_observations(
        [
            row(world, "2023", "30", line=2),
            row(world, "2023", "10", line=3, SEX="F"),
            row(world, "2023", "20", line=4, SEX="M"),
        ],
        by=coordinator,
    )
    totals = [str(w) for w in summary.warnings]
    assert not any("add up" in w for w in totals)  # 10 + 20 = 30
    assert not any("TORT-O1 total" in w for w in totals)  # 30 is near 29
