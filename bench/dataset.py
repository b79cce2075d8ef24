"""A deterministic synthetic data set at the scale of issue 17, for load tests and profiling.

Usage: ``uv run --frozen python bench/dataset.py [--scale 1.0|0.1] [--seed N] [--replace]
[--no-search]`` against the database in ``DATABASE_URL`` (migrated first), or from Python:
``build(scale=0.1, seed=1)``. At scale 1.0 it makes:

- 50 plans in ten countries (most in force, some completed, some drafts), one of 3,000 actions
  and the others sharing 47,000, with sections, a lead and co-executing agencies, forms of
  completion, titles of 80 to 300 characters and longer descriptions in English and Russian,
  deadlines as written and due dates spread over the plans' periods (past and future), and an
  action monitoring row (assessed status) for each action;
- quarterly reporting periods and 500,000 progress reports: older periods mostly accepted, the
  latest ones in every review state;
- 267,500 recommendations (``recommendations_data.synthetic_records``, inserted as
  ``recommendations.py``'s raw bulk insert does, with their themes, groups, SDG targets and
  countries), their full-text index, and a link to an action for every 50th of them;
- 2,000,000 indicator observations (100 indicators × 20 areas × sex × age × months, with their
  breakdown rows, as ``indicators.py`` makes them), mostly published;
- the site search's documents for all of it (``portal.search.indexing.refresh``, the path of
  ``rebuild_search_index``; ``--no-search`` skips it).

``--scale 0.1`` makes a tenth of everything (5 plans, one of 300 actions), small enough for
SQLite. Everything is written by ``bulk_create`` in batches inside transactions, without
history rows. Every code and key starts with ``bench-`` (recommendations: their source id), so
the set lives beside the demo plan (``manage.py load_demo``); agencies, themes, bodies, SDG
targets and dimensions are reused by key when they exist. A second run finds the set and
exits 0; ``--replace`` deletes it first. The same seed gives the same rows; dates are placed
relative to the day of the run (``--today`` fixes it), so that deadlines are never all overdue.

Measured on this 2-core machine on 7 December 2026, the demo already loaded, seconds per part
(PostgreSQL 15 and SQLite for the tenth; PostgreSQL for the whole set, a 16-minute run whose
Python process peaked at 625 MiB resident):

=================  ===============  =============  ===============
part               PostgreSQL 0.1   SQLite 0.1     PostgreSQL 1.0
=================  ===============  =============  ===============
actions                        1.9            1.7             21.4
reports                        4.4            5.4             56.1
recommendations                8.0            8.9             93.6
rec. full text                 2.9            1.3             31.0
indicators                    22.5           21.9            268.3
site search                   42.9           50.8            467.2
analyze                        2.1            0.0              9.3
total                         84.7           90.0            947.1
=================  ===============  =============  ===============

Half the whole run is the site search's documents (``refresh`` builds and stems 480,000 of them
in Python; ``--no-search`` leaves them out) and more than a quarter the observations. Deleting a
tenth's set with ``--replace`` took 12 s (PostgreSQL) and 9 s (SQLite). Two runs at the same
seed and day on SQLite gave the same actions, reports, recommendations and observations (a
digest of their texts, dates, states and values).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsmonitor.settings")

import django  # noqa: E402

django.setup()

import pycountry  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from rightsmonitor.indicators.breakdowns import breakdown_key  # noqa: E402
from rightsmonitor.indicators.models import (  # noqa: E402
    AREA,
    Attribute,
    Dimension,
    DimensionValue,
    Indicator,
    Observation,
    ObservationState,
    Right,
)
from rightsmonitor.indicators.periods import parse_period  # noqa: E402
from rightsmonitor.plans.deadlines import Recurrence  # noqa: E402
from rightsmonitor.plans.models import (  # noqa: E402
    Action,
    ActionAgency,
    Agency,
    FormOfCompletion,
    Plan,
    Section,
    Theme,
)
from rightsmonitor.portal.models import SearchDocument  # noqa: E402
from rightsmonitor.recommendations.models import (  # noqa: E402
    Body,
    Recommendation,
    RecommendationCountry,
    RecommendationLink,
    SdgTarget,
)
from rightsmonitor.recommendations.search import (  # noqa: E402
    RECOMMENDATION_INDEX,
    index_recommendations,
)
from rightsmonitor.reporting.models import (  # noqa: E402
    ActionMonitoring,
    ImplementationStatus,
    ProgressReport,
    ReportingPeriod,
    ReportTransition,
)
from rightsmonitor.reporting.workflow import ReportState  # noqa: E402

PREFIX = "bench-"
SEED = 17
BATCH = 2000

# At scale 1.0.
PLANS = 50
BIG_PLAN_ACTIONS = 3_000
ACTIONS = 50_000
REPORTS = 500_000
RECOMMENDATIONS = 267_500
LINK_EVERY = 50  # one recommendation in 50 is linked to an action
INDICATORS = 100
OBSERVATIONS = 2_000_000

COUNTRIES = ["KAZ", "KGZ", "UZB", "ARM", "GEO", "MDA", "MNG", "TJK", "UKR", "SRB"]
AGENCIES = [
    ("MOJ", "Ministry of Justice", "Министерство юстиции"),
    ("MIA", "Ministry of Internal Affairs", "Министерство внутренних дел"),
    ("MFA", "Ministry of Foreign Affairs", "Министерство иностранных дел"),
    ("MLSP", "Ministry of Labour and Social Protection", "Министерство труда и соцзащиты"),
    ("MOH", "Ministry of Health", "Министерство здравоохранения"),
    ("MOE", "Ministry of Education", "Министерство просвещения"),
    ("MCI", "Ministry of Culture and Information", "Министерство культуры и информации"),
    ("MNE", "Ministry of National Economy", "Министерство национальной экономики"),
    ("MOF", "Ministry of Finance", "Министерство финансов"),
    ("GPO", "Prosecutor General's Office", "Генеральная прокуратура"),
    ("SC", "Supreme Court", "Верховный суд"),
    ("PARL", "Parliament", "Парламент"),
    ("OMB", "Ombudsperson", "Уполномоченный по правам человека"),
    ("NCWA", "National Commission for Women's Affairs", "Национальная комиссия по делам женщин"),
    ("STAT", "Bureau of National Statistics", "Бюро национальной статистики"),
    ("AKIM", "Regional executive bodies", "Местные исполнительные органы"),
    ("ADM", "Presidential Administration", "Администрация Президента"),
    ("CEC", "Central Election Commission", "Центральная избирательная комиссия"),
    ("ACA", "Anti-Corruption Agency", "Агентство по противодействию коррупции"),
    ("MDDI", "Ministry of Digital Development", "Министерство цифрового развития"),
]
FORMS = [
    ("law", "Draft law", "Проект закона"),
    ("report", "Information to the Government", "Информация в Правительство"),
    ("order", "Departmental order", "Приказ ведомства"),
    ("decree", "Government decree", "Постановление Правительства"),
    ("event", "Events held", "Проведение мероприятий"),
]
THEMES = [
    ("torture", "Prevention of torture", "Предупреждение пыток"),
    ("justice", "Access to justice", "Доступ к правосудию"),
    ("expression", "Freedom of expression", "Свобода выражения мнений"),
    ("women", "Rights of women", "Права женщин"),
    ("children", "Rights of the child", "Права ребёнка"),
    ("disability", "Rights of persons with disabilities", "Права лиц с инвалидностью"),
    ("labour", "Labour rights", "Трудовые права"),
    ("health", "Right to health", "Право на здоровье"),
]

EN_VERBS = [
    "Develop and adopt",
    "Amend",
    "Carry out a review of",
    "Organise training on",
    "Establish a mechanism for",
    "Strengthen the monitoring of",
    "Introduce amendments to",
    "Conduct an information campaign on",
    "Ensure the implementation of",
    "Analyse the practice of",
]
EN_OBJECTS = [
    "the legislation on the prevention of torture and ill-treatment in places of detention",
    "the procedure for access to free legal aid for persons in vulnerable situations",
    "the protection of journalists and human rights defenders from harassment",
    "the prevention of domestic violence and the support services for survivors",
    "the juvenile justice system and alternatives to detention for children",
    "the accessibility of public buildings and transport for persons with disabilities",
    "the labour inspection and the protection of migrant workers' rights",
    "the quality of primary health care in rural areas",
    "the participation of civil society in the drafting of laws",
    "the independence of the judiciary and the selection of judges",
    "the national preventive mechanism's visits to closed institutions",
    "the collection of data disaggregated by sex, age and disability",
]
EN_TAILS = [
    "in line with the recommendations of the UN treaty bodies",
    "with the participation of non-governmental organisations",
    "taking into account international best practice",
    "including in the regions",
    "and report on the results to the coordinating body",
    "with a gender-sensitive approach",
]
RU_VERBS = [
    "Разработать и принять",
    "Внести изменения в",
    "Провести анализ",
    "Организовать обучение по вопросам",
    "Создать механизм",
    "Усилить мониторинг",
    "Провести информационную кампанию о",
    "Обеспечить реализацию",
]
RU_OBJECTS = [
    "законодательства о предупреждении пыток и жестокого обращения в местах содержания",
    "порядка доступа к бесплатной юридической помощи для лиц в уязвимом положении",
    "защиты журналистов и правозащитников от преследования",
    "предупреждения бытового насилия и услуг поддержки пострадавших",
    "системы ювенальной юстиции и альтернатив содержанию детей под стражей",
    "доступности общественных зданий и транспорта для лиц с инвалидностью",
    "трудовой инспекции и защиты прав трудящихся-мигрантов",
    "качества первичной медико-санитарной помощи в сельской местности",
    "участия гражданского общества в разработке законов",
    "независимости судебной системы и отбора судей",
]
RU_TAILS = [
    "с учётом рекомендаций договорных органов ООН",
    "с участием неправительственных организаций",
    "с учётом международной передовой практики",
    "в том числе в регионах",
    "и представить информацию о результатах координирующему органу",
]
EN_NARRATIVE = [
    "The draft was discussed at a meeting of the working group with NGOs.",
    "Training was held for 120 officers in five regions.",
    "The order was adopted and published on the official website.",
    "Amendments were submitted to the Government for approval.",
    "An information campaign reached 15,000 people through social networks.",
    "Monitoring visits were made to 14 institutions; findings were sent to the agencies.",
    "Work continues; the results will be reported in the next period.",
    "The methodology was agreed with the statistics bureau and piloted in two regions.",
]
REPORT_STATES = [
    ReportState.DRAFT,
    ReportState.SIGNED_OFF,
    ReportState.SUBMITTED,
    ReportState.RETURNED,
    ReportState.RESUBMITTED,
]
MONTHS_RU = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]
SEXES = ["_T", "F", "M"]
AGES = ["_T", "Y_LT18", "Y18T34", "Y_GE35"]
AREAS = 20


class Run:
    """What a build shares between its parts: the random stream, the scale and the results."""

    def __init__(self, scale: float, seed: int, today: date, out: Callable[[str], None]) -> None:
        self.scale, self.seed, self.today, self.out = scale, seed, today, out
        self.rng = random.Random(seed)
        self.made: dict[str, int] = {}
        self.agencies: list[int] = []
        self.themes: list[int] = []
        self.forms: list[int] = []
        self.plans: list[Plan] = []
        self.sizes: list[int] = []  # actions per plan
        self.actions: list[tuple[int, int, list[int]]] = []  # (action, plan, agencies)

    def n(self, full: int) -> int:
        return max(1, round(full * self.scale))

    def part(self, name: str, work: Callable[[], dict[str, int]], *, atomic: bool = True) -> None:
        start = time.perf_counter()
        with transaction.atomic() if atomic else contextlib.nullcontext():
            counts = work()
        seconds = time.perf_counter() - start
        self.made.update(counts)
        made = ", ".join(f"{count:,} {what}" for what, count in counts.items())
        self.out(f"{name:<18}{seconds:>8.1f} s  {made}")


def _text(
    rng: random.Random, verbs: list[str], objects: list[str], tails: list[str], low: int, high: int
) -> str:
    target = rng.randint(low, high)
    text = f"{rng.choice(verbs)} {rng.choice(objects)}"
    while len(text) < target:
        text += f" {rng.choice(tails)}" if rng.random() < 0.6 else f", {rng.choice(objects)}"
    return text[: high - 1].rstrip(" ,") + "."


def _title(rng: random.Random) -> tuple[str, str]:
    return (
        _text(rng, EN_VERBS, EN_OBJECTS, EN_TAILS, 80, 300),
        _text(rng, RU_VERBS, RU_OBJECTS, RU_TAILS, 80, 300),
    )


def _description(rng: random.Random) -> tuple[str, str]:
    return (
        _text(rng, EN_VERBS, EN_OBJECTS, EN_TAILS, 300, 1200),
        _text(rng, RU_VERBS, RU_OBJECTS, RU_TAILS, 300, 1200),
    )


def _bulk(model: Any, rows: Iterator[Any] | list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=BATCH)


# --- Existence and removal --------------------------------------------------------------------


def exists() -> bool:
    """Whether any part of a bench set is here (a run stopped half-way leaves some parts)."""
    return (
        Plan.objects.filter(code__startswith=PREFIX).exists()
        or Recommendation.objects.filter(source_id__startswith=PREFIX).exists()
        or Indicator.objects.filter(code__startswith=PREFIX).exists()
    )


def delete_bench() -> None:
    """Remove the bench data with plain DELETEs, dependants first (no history, no collector)."""

    def raw(queryset: Any) -> None:
        queryset._raw_delete(queryset.db)

    plans = Plan.objects.filter(code__startswith=PREFIX)
    recommendations = Recommendation.objects.filter(source_id__startswith=PREFIX)
    indicators = Indicator.objects.filter(code__startswith=PREFIX)
    with transaction.atomic():
        documents = SearchDocument.objects.filter(plan__in=plans) | SearchDocument.objects.filter(
            kind="recommendation", object_id__in=recommendations.values("pk")
        )
        documents |= SearchDocument.objects.filter(
            kind="indicator", object_id__in=indicators.values("pk")
        )
        document_ids = list(documents.values_list("pk", flat=True))
        for start in range(0, len(document_ids), BATCH):
            batch = document_ids[start : start + BATCH]
            from rightsmonitor.portal.search.documents import SEARCH_INDEX

            SEARCH_INDEX.delete(batch)
            SearchDocument.objects.filter(pk__in=batch).delete()
        rec_ids = list(recommendations.values_list("pk", flat=True))
        for start in range(0, len(rec_ids), BATCH):
            RECOMMENDATION_INDEX.delete(rec_ids[start : start + BATCH])
        through = Observation.breakdown.through
        raw(through.objects.filter(observation__indicator__in=indicators))
        raw(Observation.objects.filter(indicator__in=indicators))
        for m2m in (Indicator.dimensions.through, Indicator.sdg_indicators.through):
            raw(m2m.objects.filter(indicator__in=indicators))
        raw(Indicator.actions.through.objects.filter(indicator__in=indicators))
        raw(indicators)
        raw(Attribute.objects.filter(key__startswith=PREFIX))
        raw(Right.objects.filter(key__startswith=PREFIX))
        raw(DimensionValue.objects.filter(code__startswith=PREFIX))
        raw(RecommendationLink.objects.filter(recommendation__in=recommendations))
        raw(RecommendationLink.objects.filter(action__plan__in=plans))
        for m2m in (
            Recommendation.themes.through,
            Recommendation.affected_persons.through,
            Recommendation.sdg_targets.through,
        ):
            raw(m2m.objects.filter(recommendation__in=recommendations))
        raw(RecommendationCountry.objects.filter(recommendation__in=recommendations))
        raw(recommendations)
        raw(ReportTransition.objects.filter(report__action__plan__in=plans))
        raw(ProgressReport.objects.filter(action__plan__in=plans))
        raw(ReportingPeriod.objects.filter(plan__in=plans))
        raw(ActionMonitoring.objects.filter(action__plan__in=plans))
        raw(ActionAgency.objects.filter(action__plan__in=plans))
        raw(Action.themes.through.objects.filter(action__plan__in=plans))
        raw(Action.objects.filter(plan__in=plans))
        raw(Section.objects.filter(plan__in=plans))
        raw(plans)
        raw(Agency.objects.filter(abbreviation__startswith=PREFIX))
        raw(FormOfCompletion.objects.filter(key__startswith=PREFIX))
        raw(Theme.objects.filter(key__startswith=PREFIX, actions__isnull=True))


# --- The parts --------------------------------------------------------------------------------


def make_reference(run: Run) -> dict[str, int]:
    """Agencies, forms of completion and themes, reused by key when they exist."""
    for abbreviation, en, ru in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            abbreviation=f"{PREFIX}{abbreviation}", defaults={"name_en": en, "name_ru": ru}
        )
        run.agencies.append(agency.pk)
    for order, (key, en, ru) in enumerate(FORMS):
        form, _ = FormOfCompletion.objects.get_or_create(
            key=f"{PREFIX}{key}", defaults={"name_en": en, "name_ru": ru, "order": order}
        )
        run.forms.append(form.pk)
    for key, en, ru in THEMES:
        theme, _ = Theme.objects.get_or_create(
            key=f"{PREFIX}{key}", defaults={"kind": Theme.Kind.RIGHT, "name_en": en, "name_ru": ru}
        )
        run.themes.append(theme.pk)
    return {"agencies": len(run.agencies), "forms": len(run.forms), "themes": len(run.themes)}


def _plan_sizes(run: Run) -> list[int]:
    plans, total, big = run.n(PLANS), run.n(ACTIONS), run.n(BIG_PLAN_ACTIONS)
    weights = [run.rng.uniform(0.3, 1.7) for _ in range(plans - 1)]
    rest = total - big
    sizes = [max(1, int(rest * w / sum(weights))) for w in weights]
    sizes[-1] += rest - sum(sizes)
    return [big, *sizes]


def make_plans(run: Run) -> dict[str, int]:
    rng, year = run.rng, run.today.year
    sizes = _plan_sizes(run)
    statuses = [Plan.Status.IN_FORCE] * 8 + [Plan.Status.COMPLETED, Plan.Status.DRAFT]
    plans = []
    for index, size in enumerate(sizes):
        status = Plan.Status.IN_FORCE if index == 0 else rng.choice(statuses)
        start = {
            Plan.Status.IN_FORCE: year - rng.randint(1, 3),
            Plan.Status.COMPLETED: year - rng.randint(5, 7),
            Plan.Status.DRAFT: year + 1,
        }[status]
        country = COUNTRIES[index % len(COUNTRIES)]
        name = pycountry.countries.get(alpha_3=country).name
        description_en, description_ru = _description(rng)
        plans.append(
            Plan(
                code=f"{PREFIX}{index + 1:02d}-{country.lower()}",
                title_en=f"Human rights action plan of {name} for {start}–{start + 4} "
                f"({size:,} actions)",
                title_ru=f"План действий в области прав человека на {start}–{start + 4} годы",
                description_en=description_en,
                description_ru=description_ru,
                country=country,
                period_start=date(start, 1, 1),
                period_end=date(start + 4, 12, 31),
                status=status,
                coordinator_id=run.agencies[0],
            )
        )
    run.plans = _bulk(Plan, plans)
    sections = []
    for plan, size in zip(run.plans, sizes, strict=True):
        count = max(1, min(30, size // 60))
        for number in range(1, count + 1):
            en, ru = _title(rng)
            sections.append(
                Section(plan=plan, number=str(number), title_en=en, title_ru=ru, order=number)
            )
    _bulk(Section, sections)
    run.sizes = sizes
    return {"plans": len(run.plans), "sections": len(sections)}


def _deadline(rng: random.Random, plan: Plan) -> dict[str, Any]:
    assert plan.period_start and plan.period_end
    span = (plan.period_end - plan.period_start).days
    due = plan.period_start + timedelta(days=rng.randint(90, span))
    roll = rng.random()
    if roll < 0.15:
        return {
            "deadline_text": f"annually, by 25 {due:%B}",
            "due_date": date(due.year, due.month, 25),
            "recurrence": Recurrence.ANNUAL,
            "recurrence_month": due.month,
            "recurrence_day": 25,
        }
    if roll < 0.2:
        return {"deadline_text": "continuously", "recurrence": Recurrence.CONTINUOUS}
    if roll < 0.6:
        text = f"{due:%B %Y}" if rng.random() < 0.7 else f"{MONTHS_RU[due.month - 1]} {due.year}"
        return {"deadline_text": text, "due_date": due}
    return {"deadline_text": f"{due:%d.%m.%Y}", "due_date": due}


def make_actions(run: Run) -> dict[str, int]:
    """Actions with their agencies, themes and monitoring rows."""
    rng = run.rng
    sections: dict[int, list[int]] = {}
    for plan_id, section_id in Section.objects.filter(plan__in=run.plans).values_list(
        "plan_id", "pk"
    ):
        sections.setdefault(plan_id, []).append(section_id)
    counts = {"actions": 0, "agency assignments": 0, "monitoring rows": 0}
    statuses = list(ImplementationStatus.values)
    for plan, size in zip(run.plans, run.sizes, strict=True):
        plan_sections = sorted(sections[plan.pk])
        per_section = -(-size // len(plan_sections))
        for start in range(0, size, BATCH):
            actions, agencies = [], []
            for index in range(start, min(size, start + BATCH)):
                section_index, order = divmod(index, per_section)
                title_en, title_ru = _title(rng)
                description_en, description_ru = _description(rng)
                result_en, result_ru = _title(rng)
                actions.append(
                    Action(
                        plan=plan,
                        section_id=plan_sections[section_index],
                        number=f"{section_index + 1}.{order + 1}",
                        order=order,
                        title_en=title_en,
                        title_ru=title_ru,
                        description_en=description_en,
                        description_ru=description_ru,
                        expected_result_en=result_en,
                        expected_result_ru=result_ru,
                        form_of_completion_id=rng.choice(run.forms),
                        **_deadline(rng, plan),
                    )
                )
                agencies.append(rng.sample(run.agencies, 1 + rng.choice((0, 1, 1, 2))))
            created = _bulk(Action, actions)
            _bulk(
                ActionAgency,
                [
                    ActionAgency(
                        action_id=action.pk,
                        agency_id=agency,
                        role=ActionAgency.Role.CO_EXECUTOR if n else ActionAgency.Role.LEAD,
                        as_agreed=n > 0 and rng.random() < 0.1,
                        order=n,
                    )
                    for action, chosen in zip(created, agencies, strict=True)
                    for n, agency in enumerate(chosen)
                ],
            )
            through = Action.themes.through
            _bulk(
                through,
                [
                    through(action_id=action.pk, theme_id=theme)
                    for action in created
                    for theme in rng.sample(run.themes, rng.choice((1, 1, 2)))
                ],
            )
            _bulk(
                ActionMonitoring,
                [
                    ActionMonitoring(
                        action_id=action.pk,
                        assessed_status=rng.choice(statuses),
                        on_monitoring=rng.random() < 0.95,
                    )
                    for action in created
                ],
            )
            run.actions += [
                (action.pk, plan.pk, chosen)
                for action, chosen in zip(created, agencies, strict=True)
            ]
            counts["actions"] += len(created)
            counts["agency assignments"] += sum(len(chosen) for chosen in agencies)
            counts["monitoring rows"] += len(created)
    return counts


def _quarters(end: date, count: int) -> list[tuple[date, date]]:
    """``count`` calendar quarters, the last one the quarter holding ``end``."""
    quarters = []
    year, quarter = end.year, (end.month - 1) // 3
    for _ in range(count):
        start = date(year, quarter * 3 + 1, 1)
        stop = (date(year + quarter // 3, (quarter + 1) % 4 * 3 + 1, 1)) - timedelta(days=1)
        quarters.append((start, stop))
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    return quarters[::-1]


def make_reports(run: Run) -> dict[str, int]:
    """Eight quarterly periods per plan up to this quarter, and reports on the closed ones,
    oldest first, until the count is reached (so the latest closed period is partly filled)."""
    rng, target = run.rng, run.n(REPORTS)
    quarters = _quarters(run.today, 8)
    periods = _bulk(
        ReportingPeriod,
        [
            ReportingPeriod(
                plan=plan,
                start=start,
                end=end,
                submission_deadline=end + timedelta(days=15),
                review_deadline=end + timedelta(days=30),
            )
            for plan in run.plans
            for start, end in quarters
        ],
    )
    by_plan: dict[int, list[ReportingPeriod]] = {}
    for period in periods:
        by_plan.setdefault(period.plan_id, []).append(period)
    closed = [index for index, (_start, end) in enumerate(quarters) if end < run.today]
    statuses = list(ImplementationStatus.values)
    made, batch = 0, []
    for age, index in enumerate(reversed(closed)):
        for action_id, plan_id, agencies in run.actions:
            for n, agency_id in enumerate(agencies):
                if made >= target:
                    break
                if age == 0:
                    state = rng.choice([*REPORT_STATES, ReportState.ACCEPTED])
                else:
                    state = (
                        ReportState.ACCEPTED if rng.random() < 0.9 else rng.choice(REPORT_STATES)
                    )
                batch.append(
                    ProgressReport(
                        action_id=action_id,
                        agency_id=agency_id,
                        period=by_plan[plan_id][index],
                        kind=ProgressReport.Kind.CONTRIBUTION
                        if n
                        else ProgressReport.Kind.CONSOLIDATED,
                        state=state,
                        narrative=" ".join(rng.sample(EN_NARRATIVE, rng.randint(1, 4))),
                        proposed_status=rng.choice(statuses),
                        times_returned=1 if state == ReportState.RESUBMITTED else 0,
                    )
                )
                made += 1
                if len(batch) == BATCH:
                    _bulk(ProgressReport, batch)
                    batch = []
    _bulk(ProgressReport, batch)
    return {
        "reporting periods": len(periods),
        "progress reports": made,
        "acceptances": _accept(run),
    }


def _accept(run: Run) -> int:
    """Each accepted report's "accept" audit row, within a fortnight after its period's review
    deadline, as the review workflow writes it (the dashboard's latest reports read them)."""
    table = ReportTransition._meta.db_table
    if connection.vendor == "postgresql":
        at = "(p.review_deadline + (r.id %% 14) * interval '1 day' + interval '10 hours')"
    else:
        at = "datetime(p.review_deadline, '+' || (r.id %% 14) || ' days', '+10 hours')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (report_id, name, from_state, to_state, at, comment) "
            f"SELECT r.id, 'accept', %s, %s, {at}, '' "
            f"FROM {ProgressReport._meta.db_table} r "
            f"JOIN {ReportingPeriod._meta.db_table} p ON p.id = r.period_id "
            "WHERE r.state = %s AND p.plan_id IN (SELECT id FROM plans_plan WHERE code LIKE %s)",
            [ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.ACCEPTED, f"{PREFIX}%"],
        )
        return cursor.rowcount


def make_recommendations(run: Run) -> dict[str, int]:
    """``recommendations.py``'s raw bulk insert, with bench keys, and links to actions."""
    from recommendations import _recommendation
    from recommendations_data import AFFECTED_PERSONS, BODIES, SDGS, synthetic_records
    from recommendations_data import THEMES as UHRI_THEMES

    bodies = {
        code: Body.objects.get_or_create(
            code=code, defaults={"mechanism": mechanism, "name_en": code}
        )[0].pk
        for code, mechanism in BODIES
    }

    def themes(names: list[str], kind: str, letter: str) -> dict[str, int]:
        return {
            name: Theme.objects.get_or_create(
                key=f"{PREFIX}{letter}{n}", defaults={"kind": kind, "name_en": name}
            )[0].pk
            for n, name in enumerate(names)
        }

    rights = themes(UHRI_THEMES, Theme.Kind.RIGHT, "r")
    groups = themes(AFFECTED_PERSONS, Theme.Kind.GROUP, "g")
    sdgs = {
        code: SdgTarget.objects.get_or_create(code=code, defaults={"title": title})[0].pk
        for code, title in SDGS
    }
    theme_through = Recommendation.themes.through
    group_through = Recommendation.affected_persons.through
    sdg_through = Recommendation.sdg_targets.through
    records = synthetic_records(run.n(RECOMMENDATIONS), seed=run.seed)
    counts = dict.fromkeys(("recommendations", "recommendation links"), 0)
    link_rng = random.Random(run.seed + 1)
    while batch := [record for _n, record in zip(range(BATCH), records, strict=False)]:
        rows = []
        for record in batch:
            row = _recommendation(record, bodies[record.body])
            row.source_id = f"{PREFIX}{record.annotation_id}"
            rows.append(row)
        created = _bulk(Recommendation, rows)
        pairs = list(zip(created, batch, strict=True))
        _bulk(
            theme_through,
            [
                theme_through(recommendation_id=rec.pk, theme_id=rights[name])
                for rec, record in pairs
                for name in record.themes
            ],
        )
        _bulk(
            group_through,
            [
                group_through(recommendation_id=rec.pk, theme_id=groups[name])
                for rec, record in pairs
                for name in record.affected_persons
            ],
        )
        _bulk(
            sdg_through,
            [
                sdg_through(recommendation_id=rec.pk, sdgtarget_id=sdgs[code])
                for rec, record in pairs
                for code, _title in record.sdgs
            ],
        )
        RecommendationCountry.objects.bulk_create(
            [
                RecommendationCountry(recommendation_id=rec.pk, country=code)
                for rec, record in pairs
                for _name, code in record.countries
            ],
            batch_size=BATCH,
        )
        links = [
            RecommendationLink(recommendation_id=rec.pk, action_id=link_rng.choice(run.actions)[0])
            for n, rec in enumerate(created, start=counts["recommendations"])
            if n % LINK_EVERY == 0
        ]
        _bulk(RecommendationLink, links)
        counts["recommendations"] += len(created)
        counts["recommendation links"] += len(links)
    return counts


def index_bench_recommendations(run: Run) -> dict[str, int]:
    """The recommendations' full-text index, as the importer writes it."""
    rows = (
        Recommendation.objects.filter(source_id__startswith=PREFIX)
        .order_by("pk")
        .only("pk", "content_hash", "text", "symbol")
    )
    index_recommendations(rows.iterator(chunk_size=BATCH))
    return {"recommendations indexed": rows.count()}


def make_indicators(run: Run) -> dict[str, int]:
    """``indicators.py``'s indicators, areas, sex × age breakdowns and monthly observations."""
    rng = run.rng
    dimensions = {
        code: Dimension.objects.get_or_create(
            code=code, defaults={"name_en": name, "column_name": name}
        )[0]
        for code, name in ((AREA, "GeoCode"), ("SEX", "Sex"), ("AGE", "Age"))
    }
    values: dict[tuple[str, str], DimensionValue] = {}
    for code, choices in (("SEX", SEXES[1:]), ("AGE", AGES[1:])):
        for order, value in enumerate(choices):
            values[(code, value)] = DimensionValue.objects.get_or_create(
                dimension=dimensions[code], code=value, defaults={"name_en": value, "order": order}
            )[0]
    areas = [
        DimensionValue.objects.get_or_create(
            dimension=dimensions[AREA],
            code=f"{PREFIX}{n:02d}",
            defaults={"name_en": f"Bench region {n}", "order": n},
        )[0]
        for n in range(AREAS)
    ]
    right = Right.objects.create(key=f"{PREFIX}right", title_en="Benchmark right")
    attribute = Attribute.objects.create(right=right, key=f"{PREFIX}attribute", title_en="Bench")
    indicators = _bulk(
        Indicator,
        [
            Indicator(
                code=f"{PREFIX}{n:03d}",
                attribute=attribute,
                kind=rng.choice(Indicator.Kind.values),
                title_en=_title(rng)[0][:500],
                title_ru=_title(rng)[1][:500],
                unit="PT",
                unit_label_en="%",
                agency_id=rng.choice(run.agencies),
            )
            for n in range(1, run.n(INDICATORS) + 1)
        ],
    )
    dimension_through = Indicator.dimensions.through
    _bulk(
        dimension_through,
        [
            dimension_through(indicator_id=indicator.pk, dimension_id=dimensions[code].pk)
            for indicator in indicators
            for code in ("SEX", "AGE")
        ],
    )
    per_indicator = run.n(OBSERVATIONS) // len(indicators)
    per_month = AREAS * len(SEXES) * len(AGES)
    month_count = -(-per_indicator // per_month)
    first = run.today.year * 12 + run.today.month - 1 - month_count
    months = [
        parse_period(f"{(first + m) // 12}-{(first + m) % 12 + 1:02d}") for m in range(month_count)
    ]
    cells = [
        (month, area, sex, age)
        for month in months
        for area in areas
        for sex in SEXES
        for age in AGES
    ][:per_indicator]
    through = Observation.breakdown.through
    states = [ObservationState.PUBLISHED] * 8 + [ObservationState.VALIDATED, ObservationState.DRAFT]
    total = 0
    for indicator in indicators:
        for start in range(0, len(cells), BATCH * 5):
            chunk = cells[start : start + BATCH * 5]
            observations = [
                Observation(
                    indicator=indicator,
                    period_type=month.type,
                    period_start=month.start,
                    period_end=month.end,
                    area=area,
                    breakdown_key=breakdown_key({"AGE": age, "SEX": sex}),
                    value=Decimal(rng.randint(0, 10000)) / 100,
                    unit="PT",
                    state=rng.choice(states),
                )
                for month, area, sex, age in chunk
            ]
            created = _bulk(Observation, observations)
            _bulk(
                through,
                [
                    through(observation_id=o.pk, dimensionvalue_id=values[(code, value)].pk)
                    for o, (_m, _a, sex, age) in zip(created, chunk, strict=True)
                    for code, value in (("AGE", age), ("SEX", sex))
                    if value != "_T"
                ],
            )
            total += len(created)
    return {"indicators": len(indicators), "areas": len(areas), "observations": total}


def make_search_index(run: Run) -> dict[str, int]:
    """The site search's documents, by the path ``rebuild_search_index`` takes."""
    from rightsmonitor.portal.search.indexing import refresh

    summaries = refresh()
    return {f"{kind} documents": s.created + s.updated for kind, s in summaries.items()}


def analyse(run: Run) -> dict[str, int]:
    """Statistics and the visibility map, as autovacuum leaves tables shortly after an import:
    without the map PostgreSQL reads the table behind every index entry (no index-only scans)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    return {}


# --- The whole ------------------------------------------------------------------------------


def build(
    scale: float = 1.0,
    seed: int = SEED,
    *,
    replace: bool = False,
    search: bool = True,
    today: date | None = None,
    out: Callable[[str], None] = print,
) -> dict[str, int]:
    """Make the data set; return what it made (empty when the set was already there)."""
    if exists():
        if not replace:
            out("The bench data set is already in this database (--replace to rebuild it).")
            return {}
        start = time.perf_counter()
        delete_bench()
        out(f"{'deleted old set':<18}{time.perf_counter() - start:>8.1f} s")
    run = Run(scale, seed, today or date.today(), out)
    out(f"Scale {scale}, seed {seed}, dates around {run.today}, database {connection.vendor}:")
    start = time.perf_counter()
    run.part("reference", lambda: make_reference(run))
    run.part("plans", lambda: make_plans(run))
    run.part("actions", lambda: make_actions(run))
    run.part("reports", lambda: make_reports(run))
    run.part("recommendations", lambda: make_recommendations(run))
    run.part("rec. full text", lambda: index_bench_recommendations(run))
    run.part("indicators", lambda: make_indicators(run))
    if search:
        run.part("site search", lambda: make_search_index(run))
    run.part("vacuum, analyze", lambda: analyse(run), atomic=False)  # VACUUM: no transaction
    out(f"{'total':<18}{time.perf_counter() - start:>8.1f} s")
    return run.made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0, or 0.1 for SQLite.")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--replace", action="store_true", help="Delete the bench data first.")
    parser.add_argument("--no-search", action="store_true", help="Skip the site search index.")
    parser.add_argument("--today", type=date.fromisoformat, help="Place dates around this day.")
    args = parser.parse_args()
    if not 0 < args.scale <= 1:
        parser.error("--scale must be above 0 and at most 1.")
    build(args.scale, args.seed, replace=args.replace, search=not args.no_search, today=args.today)


if __name__ == "__main__":
    main()
