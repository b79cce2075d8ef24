"""Benchmark: uploading indicator data and reading an indicator page with a large data set.

Usage: ``make bench`` (or ``uv run python bench/indicators.py [--rows 2000000] [--requests 40]``).
Runs against a throw-away SQLite database (or DATABASE_URL). It makes ``--rows`` observations
(100 indicators × 20 regions and the country × sex × age × months), then:

1. inserts them with a raw ``bulk_create`` of rows and breakdown links (the baseline), and
   deletes them again;
2. uploads the same observations as SDMX-CSV files, one per indicator, through the real
   importer (parsing, validation, history rows), and prints the upload rate as a ratio to 1;
3. requests one indicator's page (plain, and broken down by sex) and prints the median and
   95th percentile of the response time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_tmp = tempfile.mkdtemp(prefix="rm-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsmonitor.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from rightsmonitor.accounts.tests.factories import AdministratorFactory  # noqa: E402
from rightsmonitor.indicators.breakdowns import breakdown_key  # noqa: E402
from rightsmonitor.indicators.importers.observations import import_observations  # noqa: E402
from rightsmonitor.indicators.models import (  # noqa: E402
    AREA,
    DimensionValue,
    Indicator,
    Observation,
    ObservationState,
)
from rightsmonitor.indicators.periods import parse_period  # noqa: E402
from rightsmonitor.indicators.tests.factories import build_indicator_world  # noqa: E402

SEXES = ["_T", "F", "M"]
AGES = ["_T", "Y_LT18", "Y18T34", "Y_GE35"]


def months(count: int) -> list[str]:
    return [f"{2000 + index // 12}-{index % 12 + 1:02d}" for index in range(count)]


def cells(areas: list[str], periods: list[str]) -> Iterator[tuple[str, str, str, str]]:
    for period in periods:
        for area in areas:
            for sex in SEXES:
                for age in AGES:
                    yield period, area, sex, age


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    world = build_indicator_world(observations=False)
    admin = AdministratorFactory(email="bench@example.org")
    area_dimension = world.dimensions[AREA]
    for number in range(10, 28):
        DimensionValue.objects.get_or_create(
            dimension=area_dimension, code=f"KZ-{number}", defaults={"name_en": f"Region {number}"}
        )
    areas = list(area_dimension.values.values_list("code", flat=True))
    per_period = len(areas) * len(SEXES) * len(AGES)
    period_count = max(1, args.rows // (args.indicators * per_period))
    periods = months(period_count)
    indicators = [world.detainees]
    template = world.detainees
    for index in range(1, args.indicators):
        copy = Indicator.objects.create(
            code=f"BENCH-{index}",
            attribute=template.attribute,
            kind=template.kind,
            title_en=f"Benchmark indicator {index}",
            unit="PT",
            agency=template.agency,
        )
        copy.dimensions.set(template.dimensions.all())
        indicators.append(copy)
    total = len(indicators) * per_period * period_count
    print(
        f"{total:,} observations: {len(indicators)} indicators × {len(areas)} areas × "
        f"{len(SEXES)} sexes × {len(AGES)} ages × {period_count} months"
    )
    values = {
        (v.dimension.code, v.code): v for v in DimensionValue.objects.select_related("dimension")
    }

    # 1. The baseline: a raw bulk insert of the same rows and links.
    start = time.perf_counter()
    through = Observation.breakdown.through
    for indicator in indicators:
        batch, chosen = [], []
        for period, area, sex, age in cells(areas, periods):
            parsed = parse_period(period)
            picked = [values[(d, c)] for d, c in (("AGE", age), ("SEX", sex)) if c != "_T"]
            batch.append(
                Observation(
                    indicator=indicator,
                    period_type=parsed.type,
                    period_start=parsed.start,
                    period_end=parsed.end,
                    area=values[(AREA, area)],
                    breakdown_key=breakdown_key({"AGE": age, "SEX": sex}),
                    value=Decimal("12.5"),
                    unit="PT",
                    state=ObservationState.DRAFT,
                )
            )
            chosen.append(picked)
        created = Observation.objects.bulk_create(batch, batch_size=2000)
        through.objects.bulk_create(
            [
                through(observation_id=o.pk, dimensionvalue_id=v.pk)
                for o, picked in zip(created, chosen, strict=True)
                for v in picked
            ],
            batch_size=5000,
        )
    raw_seconds = time.perf_counter() - start
    # A plain DELETE: .delete() would fetch every row and write a history row for each.
    through.objects.all()._raw_delete(through.objects.db)
    Observation.objects.all()._raw_delete(Observation.objects.db)

    # 2. The real upload: SDMX-CSV files through the importer.
    files = Path(_tmp) / "files"
    files.mkdir()
    for indicator in indicators:
        lines = ["DATAFLOW,SERIES,REF_AREA,SEX,AGE,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE"]
        lines += [
            f"RM:HR(1.0),{indicator.code},{area},{sex},{age},{period},12.5,PT"
            for period, area, sex, age in cells(areas, periods)
        ]
        (files / f"{indicator.code}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.perf_counter()
    for indicator in indicators:
        path = files / f"{indicator.code}.csv"
        import_observations(path.read_bytes(), filename=path.name, format="sdmx-csv", by=admin)
    upload_seconds = time.perf_counter() - start
    assert Observation.objects.count() == total
    Observation.objects.update(state=ObservationState.PUBLISHED)

    # 3. The indicator page.
    client = Client()
    timings: dict[str, list[float]] = {}
    for label, query in (("indicator page", ""), ("indicator page by sex", "?by=SEX")):
        url = f"{world.detainees.get_absolute_url()}{query}"
        assert client.get(url).status_code == 200
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(url)
            timings.setdefault(label, []).append(time.perf_counter() - start)

    raw_rate, upload_rate = total / raw_seconds, total / upload_seconds
    print(f"{'measurement':<34}{'seconds':>10}{'rows/s':>12}{'ratio':>8}")
    print(f"{'raw bulk insert (baseline)':<34}{raw_seconds:>10.1f}{raw_rate:>12,.0f}{1:>8.2f}")
    print(
        f"{'upload through the importer':<34}{upload_seconds:>10.1f}{upload_rate:>12,.0f}"
        f"{upload_rate / raw_rate:>8.2f}"
    )
    for label, samples in timings.items():
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
        print(
            f"{label:<34} median {statistics.median(samples) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
