"""Benchmark: importing the whole UHRI, searching it, and the recall of the suggested links.

Usage: ``make bench`` (or ``uv run python bench/recommendations.py [--records 267500]
[--xlsx-records N] [--requests 5] [--quick] [--search-only]``). Runs against a throw-away SQLite database (or
DATABASE_URL, whose recommendations it empties and fills). It writes a synthetic UHRI export of
``--records`` recommendations (the size of the whole index) as JSON and as Excel, and a tenth of
it as well (``bench/recommendations_data.py``), then:

1. inserts the same rows with a raw ``bulk_create`` of recommendations, their theme, group and
   SDG links and their countries, in batches of 1,000 in one transaction: the baseline;
2. imports each file through the real importer (``import_recommendations``: reading, cleaning,
   matching, the full-text index) into an empty database, each in a fresh process whose peak
   resident memory is read from ``/proc/self/status``; the rate is printed as a ratio to the baseline,
   and the peak at a tenth of the size next to the peak at the full size: it must not grow.
   The same Excel file as Excel itself saves it (texts in a shared-strings part) is only read,
   at a tenth and a fifth of the size, to show the memory that part takes;
3. imports the full JSON again (every row unchanged);
4. times the search page (the faceted search over every recommendation) for a set of usual
   queries: median and 95th percentile;
5. loads the demo plan and the labelled set (``recommendations/data/kazakhstan_labelled.yaml``)
   and prints, per suggestion method, the share of the labelled recommendation-action pairs
   found among the first five suggestions (recall@5), both ways.

``--search-only`` measures the search page alone, in minutes rather than hours: it fills the
database by the raw bulk insert (1.), indexes the texts, loads the demo plan and links every
150th recommendation to one of its actions (their assessed statuses varied), then times 4.
With ``--keep`` and the same ``RM_BENCH_TMP`` (or ``DATABASE_URL``) a second run finds the
recommendations there and only times the search again.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
_tmp = os.environ.get("RM_BENCH_TMP") or tempfile.mkdtemp(prefix="rm-bench-")
os.environ["RM_BENCH_TMP"] = _tmp  # the child processes use the same directory and database
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsmonitor.settings")
os.environ.setdefault("MEDIA_ROOT", f"{_tmp}/media")
os.environ.setdefault("LOGIN_THROTTLING", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Measure what production does, without its HTTPS and static-file manifest: DEBUG on keeps
# every query's SQL (the bulk inserts' too) and the templates' debugging information.
settings.DEBUG = False

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from rightsmonitor.plans.models import Plan, Theme  # noqa: E402
from rightsmonitor.recommendations import suggestions  # noqa: E402
from rightsmonitor.recommendations.importers.engine import (  # noqa: E402
    import_recommendations,
    save_records,
)
from rightsmonitor.recommendations.importers.readers import reader_for  # noqa: E402
from rightsmonitor.recommendations.models import (  # noqa: E402
    Body,
    ImportRun,
    Recommendation,
    RecommendationCountry,
    RecommendationLink,
    SdgTarget,
    Source,
    SuggestionDecision,
)
from rightsmonitor.recommendations.queries import RecommendationFilter, facets  # noqa: E402
from rightsmonitor.recommendations.search import (  # noqa: E402
    ACTION_INDEX,
    RECOMMENDATION_INDEX,
    index_recommendations,
)

BATCH = 1000
THROUGH = (
    Recommendation.themes.through,
    Recommendation.affected_persons.through,
    Recommendation.sdg_targets.through,
)


def memory_kib(field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (the peak) of this process, in KiB.

    Not ``getrusage``'s ``ru_maxrss``: Linux carries it over ``exec``, so a child started by
    ``subprocess`` reports the parent's size as its own peak when the parent was larger.
    """
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise RuntimeError(f"No {field} in /proc/self/status")


def empty() -> None:
    """Remove every recommendation and what the importer creates with them (plain DELETEs)."""
    with transaction.atomic():
        for model in (
            *THROUGH,
            RecommendationCountry,
            RecommendationLink.history.model,
            RecommendationLink,
            SuggestionDecision.history.model,
            SuggestionDecision,
            Recommendation,
            ImportRun,
            Body,
            SdgTarget,
        ):
            model.objects.all()._raw_delete(model.objects.db)
        if not Plan.objects.exists():
            Theme.objects.all()._raw_delete(Theme.objects.db)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {RECOMMENDATION_INDEX.table}")
            cursor.execute(f"DELETE FROM {ACTION_INDEX.table}")


# --- 1. The baseline --------------------------------------------------------------------------


def raw_insert(count: int) -> float:
    """Seconds to bulk-insert ``count`` prepared rows with their links (no parsing, no index)."""
    from recommendations_data import AFFECTED_PERSONS, BODIES, SDGS, THEMES, synthetic_records

    bodies = {
        code: Body.objects.create(code=code, mechanism=mechanism, name_en=code).pk
        for code, mechanism in BODIES
    }
    # (get_or_create: ``empty`` keeps the themes while a plan uses them.)
    rights = {
        name: Theme.objects.get_or_create(
            key=f"r{n}", defaults={"kind": Theme.Kind.RIGHT, "name_en": name}
        )[0].pk
        for n, name in enumerate(THEMES)
    }
    groups = {
        name: Theme.objects.get_or_create(
            key=f"g{n}", defaults={"kind": Theme.Kind.GROUP, "name_en": name}
        )[0].pk
        for n, name in enumerate(AFFECTED_PERSONS)
    }
    sdgs = {code: SdgTarget.objects.create(code=code, title=title).pk for code, title in SDGS}
    theme_through, group_through, sdg_through = THROUGH
    records = synthetic_records(count)
    seconds = 0.0
    with transaction.atomic():
        while batch := [record for _n, record in zip(range(BATCH), records, strict=False)]:
            start = time.perf_counter()
            created = Recommendation.objects.bulk_create(
                [_recommendation(record, bodies[record.body]) for record in batch]
            )
            pairs = list(zip(created, batch, strict=True))
            theme_through.objects.bulk_create(
                [
                    theme_through(recommendation_id=rec.pk, theme_id=rights[name])
                    for rec, record in pairs
                    for name in record.themes
                ]
            )
            group_through.objects.bulk_create(
                [
                    group_through(recommendation_id=rec.pk, theme_id=groups[name])
                    for rec, record in pairs
                    for name in record.affected_persons
                ]
            )
            sdg_through.objects.bulk_create(
                [
                    sdg_through(recommendation_id=rec.pk, sdgtarget_id=sdgs[code])
                    for rec, record in pairs
                    for code, _title in record.sdgs
                ]
            )
            RecommendationCountry.objects.bulk_create(
                [
                    RecommendationCountry(recommendation_id=rec.pk, country=code)
                    for rec, record in pairs
                    for _name, code in record.countries
                ]
            )
            seconds += time.perf_counter() - start
    assert Recommendation.objects.count() == count
    return seconds


def _recommendation(record: Any, body_id: int) -> Recommendation:
    position = {"Supported": "supported", "Noted": "noted", "Supported/Noted": "supported_in_part"}
    return Recommendation(
        body_id=body_id,
        text=record.text,
        language="en",
        paragraph=record.paragraph,
        symbol=record.symbol,
        session=record.session,
        cycle=record.cycle,
        document_date=record.document_date,
        recommending_states=record.recommending_states,
        position=position.get(record.position, "no_response"),
        source=Source.UHRI,
        source_id=record.annotation_id,
        annotation_type="Recommendation",  # as the UHRI's JSON export says
        text_key=record.annotation_id[:40],
        content_hash=record.annotation_id[:40],
    )


# --- 2, 3. The importer, in a fresh process ---------------------------------------------------


def in_child(path: Path, format: str, *, save: bool = True) -> dict[str, Any]:
    """Import (or with ``save=False`` only read) ``path`` in a new Python process: its
    timing, counts and memory."""
    command = [sys.executable, __file__, "--child", str(path), "--format", format]
    if not save:
        command.append("--read-only")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"The import of {path.name} failed (exit status {result.returncode}).")
    return json.loads(result.stdout.strip().splitlines()[-1])


def child(path: Path, format: str, *, save: bool) -> None:
    """The child's part: import or read the file, then print a JSON line of what it measured.

    The process's peak resident memory is its peak over its whole life, and nothing but
    setting up Django came before: the peak less the memory at the start is what the import
    took.
    """
    rss_before = memory_kib("VmRSS")
    start = time.perf_counter()
    if save:
        run = ImportRun.objects.create(
            format=format, filename=path.name, status=ImportRun.Status.RUNNING
        )
        counts = import_recommendations(path, format, run=run, rejected_to=None).as_dict()
    else:
        reader = reader_for(format, path)
        reader.check()
        counts = {"read": 0, "rejected": 0}
        for item in reader.items():
            counts["read" if item.record else "rejected"] += 1
    seconds = time.perf_counter() - start
    peak = memory_kib("VmHWM")
    print(json.dumps({"seconds": seconds, "rss_kib": rss_before, "peak_kib": peak, **counts}))


# --- 4. The search page -----------------------------------------------------------------------


def search_queries() -> list[tuple[str, dict[str, str]]]:
    through = Recommendation.themes.through
    top_theme = through.objects.values("theme__key").annotate(n=Count("pk")).order_by("-n").first()
    theme = top_theme["theme__key"] if top_theme else ""
    return [
        ("no filter", {}),
        ("mechanism=treaty_body", {"mechanism": "treaty_body"}),
        (f"theme={theme[:24]}", {"theme": theme}),
        ("q=torture", {"q": "torture"}),
        ('q="domestic violence"', {"q": '"domestic violence"'}),
        ("body=UPR&position=supported", {"body": "UPR", "position": "supported"}),
        ("body=CEDAW&affected=…", {"body": "CEDAW", "affected": _group_key("Women & girls")}),
        ("country=KAZ&q=torture", {"country": "KAZ", "q": "torture"}),
        ("year=2019&mechanism=upr", {"year": "2019", "mechanism": "upr"}),
        ("q=torture&page=50", {"q": "torture", "page": "50"}),
    ]


def _group_key(name: str) -> str:
    theme = Theme.objects.filter(kind=Theme.Kind.GROUP, name_en=name).first()
    return theme.key if theme else ""


def search_work() -> tuple[str, Callable[[dict[str, str]], object]]:
    """The search page through the test client, or (until it exists) what it computes."""
    try:
        url = reverse("recommendations:search")
    except NoReverseMatch:
        url = ""
    if url:
        client = Client()
        if client.get(url).status_code != 200:
            from rightsmonitor.accounts.models import User

            user = User.objects.create_superuser(email="bench@example.org", password="x")
            client.force_login(user)

        def page(params: dict[str, str]) -> object:
            response = client.get(url, params)
            assert response.status_code == 200, (params, response.status_code)
            return response

        return f"GET {url} (test client)", page

    def direct(params: dict[str, str]) -> object:
        queryset = RecommendationFilter(params, queryset=Recommendation.objects.all()).qs
        selected = {name: [value] for name, value in params.items()}
        result = facets(queryset, selected, user=AnonymousUser())
        count = queryset.count()
        offset = max(0, int(params.get("page", "1")) - 1) * 20
        rows = list(queryset.with_related()[offset : offset + 20])
        return result, count, rows

    return "queries.facets() + count + a page of 20 (the page's URL is not there yet)", direct


def time_search(requests: int) -> tuple[str, list[tuple[str, list[float]]]]:
    label, work = search_work()
    timings = []
    for name, params in search_queries():
        work(params)  # warm the caches once
        samples = []
        for _ in range(requests):
            start = time.perf_counter()
            work(params)
            samples.append(time.perf_counter() - start)
        timings.append((name, samples))
    return label, timings


def fill_for_search(records: int) -> None:
    """The raw insert of ``records`` recommendations, their full-text index, and links from
    every 150th of them to the demo plan's actions, whose assessed statuses vary."""
    from rightsmonitor.plans.document import load_plan_document, read_document
    from rightsmonitor.portal.management.commands._demo import DEMO_PLAN_FILE
    from rightsmonitor.reporting.models import ActionMonitoring, ImplementationStatus

    start = time.perf_counter()
    raw_insert(records)
    print(f"Raw insert of {records:,} recommendations: {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    with transaction.atomic():
        rows = Recommendation.objects.order_by("pk").only("pk", "content_hash", "text", "symbol")
        index_recommendations(rows.iterator(chunk_size=2000))
    print(f"Full-text index: {time.perf_counter() - start:.0f} s")
    if not Plan.objects.exists():
        load_plan_document(read_document(DEMO_PLAN_FILE))
    actions = list(
        Plan.objects.get(code=read_document(DEMO_PLAN_FILE)["plan"]["code"]).actions.all()
    )
    statuses = list(ImplementationStatus.values)
    with transaction.atomic():
        for n, action in enumerate(actions):
            ActionMonitoring.objects.update_or_create(
                action=action, defaults={"assessed_status": statuses[n % len(statuses)]}
            )
        ids = Recommendation.objects.order_by("pk").values_list("pk", flat=True)[::150]
        links = [
            RecommendationLink(recommendation_id=pk, action=actions[n % len(actions)])
            for n, pk in enumerate(ids)
        ]
        # Some recommendations answered by two actions, so that statuses combine.
        links += [
            RecommendationLink(recommendation_id=pk, action=actions[(n * 7 + 3) % len(actions)])
            for n, pk in enumerate(ids[::3])
        ]
        RecommendationLink.objects.bulk_create(links, ignore_conflicts=True)
    print(
        f"{RecommendationLink.objects.count():,} links to {len(actions)} actions of the demo plan."
    )
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a large import: the planner's statistics, and the
        # visibility map without which no index-only scan is possible.
        with connection.cursor() as cursor:
            for model in (Recommendation, *THROUGH, RecommendationCountry, RecommendationLink):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def report_search(requests: int) -> None:
    label, timings = time_search(requests)
    total = Recommendation.objects.count()
    print()
    print(
        f"Search over {total:,} recommendations ({connection.vendor}): {label};\n"
        f"{len(timings)} queries, each requested once to warm up, then {requests} times."
    )
    print(f"{'query':<32}{'median ms':>11}{'max ms':>9}")
    everything: list[float] = []
    for name, samples in timings:
        everything += samples
        print(f"{name:<32}{statistics.median(samples) * 1000:>11.0f}{max(samples) * 1000:>9.0f}")
    print(
        f"All {len(everything)} requests: median {statistics.median(everything) * 1000:.0f} ms, "
        f"95th percentile {_p95(everything) * 1000:.0f} ms."
    )


def search_only(records: int, requests: int) -> None:
    call_command("migrate", verbosity=0)
    if Recommendation.objects.count() == records and RecommendationLink.objects.exists():
        print(f"Reusing the {records:,} recommendations in the database.")
    else:
        empty()
        fill_for_search(records)
    report_search(requests)


# --- 5. Recall of the suggestions -------------------------------------------------------------


def recall() -> list[str]:
    from rightsmonitor.plans.document import load_plan_document, read_document
    from rightsmonitor.portal.management.commands._demo import DEMO_PLAN_FILE
    from rightsmonitor.recommendations import embeddings
    from rightsmonitor.recommendations.demo import read_labelled_set

    plan = load_plan_document(read_document(DEMO_PLAN_FILE))
    actions = {action.number: action for action in plan.actions.all()}
    action_ids = [action.pk for action in actions.values()]
    labelled = read_labelled_set()
    save_records(item.record for item in labelled)
    by_id = {r.source_id: r for r in Recommendation.objects.filter(source=Source.DEMO)}
    gold = {
        (by_id[item.record.source_id].pk, actions[number].pk)
        for item in labelled
        for number in item.actions
    }
    with_gold = [by_id[item.record.source_id] for item in labelled if item.actions]
    lines = [
        f"Labelled set: {len(labelled)} recommendations, {len(with_gold)} of them with "
        f"{len(gold)} recommendation-action pairs; demo plan {plan.code}, {len(actions)} actions."
    ]
    lines.append(f"{'method':<12}{'direction':<48}{'pairs':>7}{'found':>7}{'recall':>8}")
    for method in suggestions.methods():
        for limit in (5, 10):
            found = 0
            for rec in with_gold:
                ranked = suggestions.suggest_actions(
                    rec, action_ids, method=method, limit=limit, exclude_decided=False
                )
                found += sum((rec.pk, s.pk) in gold for s in ranked)
            lines.append(
                f"{method:<12}{f'actions suggested for a recommendation, top {limit}':<48}"
                f"{len(gold):>7}{found:>7}{found / len(gold):>8.2f}"
            )
    gold_actions = {action_id for _rec, action_id in gold}
    for limit in (5, 10):
        found = 0
        for action in plan.actions.filter(pk__in=gold_actions):
            ranked = suggestions.suggest_recommendations(action, limit=limit)
            found += sum((s.pk, action.pk) in gold for s in ranked)
        lines.append(
            f"{suggestions.FULLTEXT:<12}"
            f"{f'recommendations suggested for an action, top {limit}':<48}"
            f"{len(gold):>7}{found:>7}{found / len(gold):>8.2f}"
        )
    if not embeddings.available():
        lines.append(f"{suggestions.EMBEDDING}: not installed (uv sync --extra embeddings)")
    return lines


# --- The report -------------------------------------------------------------------------------


def mib(kib: int) -> float:
    return kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=267_500, help="The whole UHRI's size.")
    parser.add_argument("--xlsx-records", type=int, help="Default: --records.")
    parser.add_argument("--requests", type=int, default=5, help="Timed requests per query.")
    parser.add_argument("--quick", action="store_true", help="10,000 records, 3 requests.")
    parser.add_argument("--keep", action="store_true", help="Keep the files and the database.")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="Fill the database by the raw insert and time the search page only.",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    parser.add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.format, save=not args.read_only)
        return
    if args.quick:
        args.records, args.requests = 10_000, 3
    try:
        if args.search_only:
            search_only(args.records, args.requests)
        else:
            run(args.records, args.xlsx_records or args.records, args.requests)
    finally:
        if not args.keep:
            shutil.rmtree(_tmp, ignore_errors=True)


def run(records: int, xlsx_records: int, requests: int) -> None:
    # Imported here, not above: the child processes measuring memory need none of it.
    from recommendations_data import write_uhri_json, write_uhri_xlsx

    call_command("migrate", verbosity=0)
    empty()
    files = Path(_tmp) / "files"
    files.mkdir(exist_ok=True)
    small, small_xlsx = max(1, records // 10), max(1, xlsx_records // 10)
    shared = {"shared_strings": True}
    made = []
    for name, count, write, options in (
        ("uhri-small.json", small, write_uhri_json, {}),
        ("uhri.json", records, write_uhri_json, {}),
        ("uhri-small.xlsx", small_xlsx, write_uhri_xlsx, {}),
        ("uhri.xlsx", xlsx_records, write_uhri_xlsx, {}),
        ("excel-small.xlsx", small_xlsx, write_uhri_xlsx, shared),
        ("excel-double.xlsx", 2 * small_xlsx, write_uhri_xlsx, shared),
    ):
        start = time.perf_counter()
        size = write(files / name, count, **options)
        made.append((name, count, size, time.perf_counter() - start))
    print(
        f"Synthetic UHRI exports (database: {connection.vendor}; writing them is not timed below):"
    )
    for name, count, size, seconds in made:
        print(
            f"  {name:<19}{count:>9,} records {size / 2**20:>8.1f} MiB "
            f"{size / count:>7,.0f} bytes/record, written in {seconds:.0f} s"
        )
    print(
        "  (uhri*.xlsx hold their texts in the cells, as openpyxl writes them; excel*.xlsx in a "
        "shared-strings part, as Excel saves them.)"
    )

    raw_seconds = raw_insert(records)
    empty()
    rows: list[tuple[str, int, dict[str, Any]]] = []
    for label, name, format, count in (
        ("import XLSX", "uhri-small.xlsx", "uhri-xlsx", small_xlsx),
        ("import XLSX", "uhri.xlsx", "uhri-xlsx", xlsx_records),
        ("read Excel-saved XLSX *", "excel-small.xlsx", "uhri-xlsx", small_xlsx),
        ("read Excel-saved XLSX *", "excel-double.xlsx", "uhri-xlsx", 2 * small_xlsx),
        ("import JSON", "uhri-small.json", "uhri-json", small),
        ("import JSON", "uhri.json", "uhri-json", records),
        ("re-import JSON, unchanged", "uhri.json", "uhri-json", records),
    ):
        reading = label.startswith("read ")
        if not reading and not label.startswith("re-"):
            empty()
        connection.close()
        result = in_child(files / name, format, save=not reading)
        expected = "read" if reading else "unchanged" if label.startswith("re-") else "created"
        assert result[expected] == count and result["rejected"] == 0, (label, result)
        rows.append((label, count, result))
    rate = records / raw_seconds
    print()
    print(
        "Import: rows/s and its ratio to a raw bulk insert of the same rows in this run. Each "
        "import runs in its own process:\nmemory at its start, its peak, and the growth."
    )
    print(
        f"{'measurement':<27}{'records':>9}{'seconds':>9}{'rows/s':>9}{'ratio':>7}"
        f"{'start MiB':>11}{'peak MiB':>10}{'growth MiB':>12}"
    )
    print(
        f"{'raw bulk insert (baseline)':<27}{records:>9,}{raw_seconds:>9.1f}{rate:>9,.0f}{1:>7.2f}"
    )
    for label, count, result in rows:
        seconds, start, peak = result["seconds"], result["rss_kib"], result["peak_kib"]
        ratio = "" if label.startswith("read ") else f"{count / seconds / rate:.2f}"
        print(
            f"{label:<27}{count:>9,}{seconds:>9.1f}{count / seconds:>9,.0f}{ratio:>7}"
            f"{mib(start):>11.0f}{mib(peak):>10.0f}{mib(peak - start):>12.0f}"
        )
    growth = {(label, count): mib(r["peak_kib"] - r["rss_kib"]) for label, count, r in rows}
    print("Peak growth of the larger file against the smaller one, for the same format:")
    for label, low, high in (
        ("import JSON", small, records),
        ("import XLSX", small_xlsx, xlsx_records),
        ("read Excel-saved XLSX *", small_xlsx, 2 * small_xlsx),
    ):
        print(
            f"  {label.rstrip(' *')}: {high / low:.0f}× the rows, "
            f"{growth[(label, high)] / growth[(label, low)]:.2f}× the memory"
        )
    print("* Reading only (no saving): the memory that the shared strings take.")

    report_search(requests)

    print()
    empty()
    for line in recall():
        print(line)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


if __name__ == "__main__":
    main()
