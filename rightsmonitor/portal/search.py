"""The site search's index: ``SearchDocument`` rows and their full-text side table.

What is copied is what anonymous visitors may see, read through each app's own access helper
(public plans' actions, their accepted consolidated reports, published assessments, public
indicators, every recommendation). The text of all three languages goes into one index entry,
so a word in any language finds the document.

Freshness is incremental: ``index_objects(kind, ids)`` builds the documents of those objects,
compares each one's stamp (a hash of everything copied) with the stored one and writes only
what differs, dropping the documents of objects that are gone or no longer public. Saves in the
source apps are noted by light signal receivers (``connect``) and refreshed once, on commit, per
transaction; bulk imports of recommendations are refreshed when their ``ImportRun`` is done.
``refresh()`` compares every document (``manage.py rebuild_search_index``, the demo loader).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Count, Exists, Model, OuterRef, QuerySet, signals
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rightsmonitor.assessments.access import assessments_for_user
from rightsmonitor.assessments.models import Assessment, SectionComment
from rightsmonitor.core.facets import Facet, FacetValue
from rightsmonitor.core.fulltext import WORD, FullTextIndex, Query, highlight, matches
from rightsmonitor.core.translation import fallback_order, language_codes, translated_names
from rightsmonitor.indicators.access import indicators_for_user
from rightsmonitor.indicators.models import Indicator
from rightsmonitor.plans.access import actions_for_user
from rightsmonitor.plans.models import Action, ActionAgency, Plan, Theme
from rightsmonitor.portal.models import SearchDocument
from rightsmonitor.recommendations.access import recommendations_for_user
from rightsmonitor.recommendations.models import (
    ImportRun,
    Mechanism,
    Recommendation,
    RecommendationLink,
)
from rightsmonitor.recommendations.queries import FACET_LIMIT
from rightsmonitor.recommendations.status import RecommendationStatus, linked_statuses
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.models import ActionMonitoring, ImplementationStatus, ProgressReport

SEARCH_INDEX = FullTextIndex("portal_search_fulltext")
BATCH = 1000
Kind = SearchDocument.Kind
# The document's own columns written on each refresh (besides the many-to-many sets).
COLUMNS = [
    "plan_id",
    "section_id",
    "status",
    "mechanism",
    "date",
    "year",
    "label",
    *(f"title_{code}" for code in ("en", "ru", "kk")),
    *(f"summary_{code}" for code in ("en", "ru", "kk")),
    "route",
    "route_args",
    "anchor",
    "stamp",
]


@dataclass(frozen=True)
class Document:
    """What the index holds about one object, before it is written."""

    kind: str
    object_id: int
    route: str
    route_args: tuple[Any, ...]
    titles: Mapping[str, str]
    summaries: Mapping[str, str]
    label: str = ""
    anchor: str = ""
    plan_id: int | None = None
    section_id: int | None = None
    agency_ids: tuple[int, ...] = ()
    theme_ids: tuple[int, ...] = ()
    affected_ids: tuple[int, ...] = ()
    status: str = ""
    mechanism: str = ""
    date: date | None = None
    extra_text: str = ""  # searched, not shown (e.g. a document symbol)

    @property
    def text(self) -> str:
        parts = [self.label, *self.titles.values(), *self.summaries.values(), self.extra_text]
        return "\n".join(part for part in parts if part)

    @property
    def stamp(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()


def _translations(instance: Model, name: str) -> dict[str, str]:
    return {code: getattr(instance, f"{name}_{code}", "") or "" for code in language_codes()}


def _same(text: str) -> dict[str, str]:
    """One text for every language (reports and recommendations are written in one)."""
    return dict.fromkeys(language_codes(), text)


def _split_themes(themes: Iterable[Theme]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(rights, affected groups): an action's one theme list serves both facets."""
    rights = tuple(sorted(t.pk for t in themes if t.kind == Theme.Kind.RIGHT))
    groups = tuple(sorted(t.pk for t in themes if t.kind == Theme.Kind.GROUP))
    return rights, groups


def _public() -> AnonymousUser:
    return AnonymousUser()


# Building documents, kind by kind (a fixed number of queries per batch) ----------------------


def _action_documents(ids: Sequence[int]) -> Iterator[Document]:
    actions = (
        actions_for_user(_public())
        .filter(pk__in=ids)
        .select_related("plan", "monitoring")
        .prefetch_related("assignments", "themes")
    )
    for action in actions:
        rights, groups = _split_themes(action.themes.all())
        monitoring = getattr(action, "monitoring", None)
        summary = _translations(action, "description")
        expected = _translations(action, "expected_result")
        yield Document(
            kind=Kind.ACTION,
            object_id=action.pk,
            route="portal:action",
            route_args=(action.plan.code, action.number),
            titles=_translations(action, "title"),
            summaries={code: summary[code] or expected[code] for code in summary},
            label=action.number,
            plan_id=action.plan_id,
            section_id=action.section_id,
            agency_ids=tuple(sorted(a.agency_id for a in action.assignments.all())),
            theme_ids=rights,
            affected_ids=groups,
            status=monitoring.assessed_status if monitoring else "",
            date=action.due_date,
            extra_text="\n".join(expected.values()),
        )


def _report_documents(ids: Sequence[int]) -> Iterator[Document]:
    reports = (
        reports_for_user(_public())
        .filter(pk__in=ids, kind=ProgressReport.Kind.CONSOLIDATED)
        .select_related("action__plan", "agency", "period")
        .prefetch_related("action__themes")
    )
    for report in reports:
        action = report.action
        rights, groups = _split_themes(action.themes.all())
        yield Document(
            kind=Kind.REPORT,
            object_id=report.pk,
            # Accepted reports are public on their action's page, not on a page of their own.
            route="portal:action",
            route_args=(action.plan.code, action.number),
            anchor=f"report-{report.pk}",
            titles=_translations(action, "title"),
            summaries=_same(report.narrative),
            label=f"{action.number} · {report.agency.abbreviation}",
            plan_id=action.plan_id,
            section_id=action.section_id,
            agency_ids=(report.agency_id,),
            theme_ids=rights,
            affected_ids=groups,
            status=report.proposed_status,
            date=report.period.end,
            extra_text=f"{report.document_type} {report.document_number}",
        )


def _recommendation_documents(ids: Sequence[int]) -> Iterator[Document]:
    recommendations = list(
        recommendations_for_user(_public())
        .filter(pk__in=ids)
        .select_related("body")
        .prefetch_related("themes", "affected_persons")
    )
    # Derived from the links to public plans' actions only, as anonymous visitors see it.
    statuses = linked_statuses([r.pk for r in recommendations], user=_public())
    for recommendation in recommendations:
        reference = ", ".join(p for p in (recommendation.symbol, recommendation.paragraph) if p)
        yield Document(
            kind=Kind.RECOMMENDATION,
            object_id=recommendation.pk,
            route="recommendations:detail",
            route_args=(recommendation.pk,),
            titles={
                code: name or recommendation.body.code
                for code, name in _translations(recommendation.body, "name").items()
            },
            summaries=_same(recommendation.text),
            label=" · ".join(p for p in (recommendation.body.code, reference) if p),
            theme_ids=tuple(sorted(t.pk for t in recommendation.themes.all())),
            affected_ids=tuple(sorted(t.pk for t in recommendation.affected_persons.all())),
            status=statuses.get(recommendation.pk, "not_covered"),
            mechanism=recommendation.body.mechanism,
            date=recommendation.document_date,
        )


def _indicator_documents(ids: Sequence[int]) -> Iterator[Document]:
    indicators = (
        indicators_for_user(_public()).filter(pk__in=ids).select_related("attribute__right")
    )
    for indicator in indicators:
        theme_id = indicator.attribute.right.theme_id
        extra = [
            *_translations(indicator, "rationale").values(),
            *_translations(indicator, "method").values(),
            *_translations(indicator, "source").values(),
            *_translations(indicator, "limitations").values(),
        ]
        yield Document(
            kind=Kind.INDICATOR,
            object_id=indicator.pk,
            route="indicators:detail",
            route_args=(indicator.code,),
            titles=_translations(indicator, "title"),
            summaries=_translations(indicator, "definition"),
            label=indicator.code,
            agency_ids=(indicator.agency_id,) if indicator.agency_id else (),
            theme_ids=(theme_id,) if theme_id else (),
            extra_text="\n".join(text for text in extra if text),
        )


def _assessment_documents(ids: Sequence[int]) -> Iterator[Document]:
    assessments = (
        assessments_for_user(_public())
        .filter(pk__in=ids)
        .select_related("plan")
        .prefetch_related("section_comments")
    )
    for assessment in assessments:
        conclusions = _translations(assessment, "conclusions")
        introduction = _translations(assessment, "introduction")
        comments = [
            text
            for comment in assessment.section_comments.all()
            for text in _translations(comment, "comment").values()
            if text
        ]
        yield Document(
            kind=Kind.ASSESSMENT,
            object_id=assessment.pk,
            route="assessments:detail",
            route_args=(assessment.pk,),
            titles=_translations(assessment.plan, "title"),
            summaries={code: conclusions[code] or introduction[code] for code in conclusions},
            label=f"{assessment.start:%d.%m.%Y}–{assessment.end:%d.%m.%Y}",
            plan_id=assessment.plan_id,
            status="",
            date=assessment.end,
            extra_text="\n".join([*introduction.values(), *comments]),
        )


BUILDERS: dict[str, Callable[[Sequence[int]], Iterator[Document]]] = {
    Kind.ACTION: _action_documents,
    Kind.REPORT: _report_documents,
    Kind.RECOMMENDATION: _recommendation_documents,
    Kind.INDICATOR: _indicator_documents,
    Kind.ASSESSMENT: _assessment_documents,
}
SOURCES: dict[str, type[Model]] = {
    Kind.ACTION: Action,
    Kind.REPORT: ProgressReport,
    Kind.RECOMMENDATION: Recommendation,
    Kind.INDICATOR: Indicator,
    Kind.ASSESSMENT: Assessment,
}


# Writing ---------------------------------------------------------------------------------------


@dataclass
class RefreshSummary:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def add(self, other: RefreshSummary) -> None:
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.unchanged += other.unchanged


def _fill(document: SearchDocument, built: Document) -> None:
    document.plan_id = built.plan_id
    document.section_id = built.section_id
    document.status = built.status
    document.mechanism = built.mechanism
    document.date = built.date
    document.year = built.date.year if built.date else None
    document.label = built.label
    for code in ("en", "ru", "kk"):
        setattr(document, f"title_{code}", built.titles.get(code, ""))
        setattr(document, f"summary_{code}", built.summaries.get(code, ""))
    document.route = built.route
    document.route_args = list(built.route_args)
    document.anchor = built.anchor
    document.stamp = built.stamp


def _relate(written: Sequence[tuple[SearchDocument, Document]]) -> None:
    """Replace the agencies, themes and affected persons of the written documents."""
    ids = [document.pk for document, _built in written]
    relations: tuple[tuple[Any, str, str], ...] = (
        (SearchDocument.agencies.through, "agency_id", "agency_ids"),
        (SearchDocument.themes.through, "theme_id", "theme_ids"),
        (SearchDocument.affected_persons.through, "theme_id", "affected_ids"),
    )
    for through, column, attribute in relations:
        through.objects.filter(searchdocument_id__in=ids).delete()
        through.objects.bulk_create(
            [
                through(searchdocument_id=document.pk, **{column: value})
                for document, built in written
                for value in getattr(built, attribute)
            ]
        )


def _index_batch(kind: str, ids: Sequence[int]) -> RefreshSummary:
    summary = RefreshSummary()
    built = {document.object_id: document for document in BUILDERS[kind](ids)}
    existing = {d.object_id: d for d in SearchDocument.objects.filter(kind=kind, object_id__in=ids)}
    gone = [document.pk for pk, document in existing.items() if pk not in built]
    to_create: list[tuple[SearchDocument, Document]] = []
    to_update: list[tuple[SearchDocument, Document]] = []
    for object_id, document in built.items():
        stored = existing.get(object_id)
        if stored is not None and stored.stamp == document.stamp:
            summary.unchanged += 1
            continue
        row = stored or SearchDocument(kind=kind, object_id=object_id)
        _fill(row, document)
        (to_update if stored else to_create).append((row, document))
    if gone:
        SearchDocument.objects.filter(pk__in=gone).delete()
        SEARCH_INDEX.delete(gone)
    if to_create:
        SearchDocument.objects.bulk_create([row for row, _built in to_create])
    if to_update:
        SearchDocument.objects.bulk_update([row for row, _built in to_update], COLUMNS)
    written = to_create + to_update
    if written:
        _relate(written)
        SEARCH_INDEX.update((row.pk, row.stamp, built.text) for row, built in written)
    summary.created, summary.updated, summary.deleted = len(to_create), len(to_update), len(gone)
    return summary


def index_objects(kind: str, ids: Iterable[int]) -> RefreshSummary:
    """Bring the documents of these objects of ``kind`` up to date; only changed ones are
    written, and those of objects gone or no longer public are dropped."""
    if kind not in BUILDERS:
        raise ValueError(f"Not a kind of search document: {kind!r}")
    wanted = sorted(set(ids))
    summary = RefreshSummary()
    with transaction.atomic():
        for start in range(0, len(wanted), BATCH):
            summary.add(_index_batch(kind, wanted[start : start + BATCH]))
    return summary


def refresh(
    kinds: Iterable[str] | None = None, *, force: bool = False
) -> dict[str, RefreshSummary]:
    """Compare every document of ``kinds`` (all by default) with its object; ``force`` rewrites
    them all (after a change to the text analysis)."""
    result = {}
    for kind in kinds or BUILDERS:
        if force:
            SearchDocument.objects.filter(kind=kind).update(stamp="")
        ids = set(SOURCES[kind]._default_manager.values_list("pk", flat=True))
        ids |= set(SearchDocument.objects.filter(kind=kind).values_list("object_id", flat=True))
        result[kind] = index_objects(kind, ids)
    return result


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


# Noticing changes ------------------------------------------------------------------------------


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


# Reading ---------------------------------------------------------------------------------------

SNIPPET = 320  # characters of a summary shown around its first matched word


def snippet(text: str, stems: set[str], size: int = SNIPPET) -> list[tuple[str, bool]]:
    """A window of ``text`` around the first searched word, cut into highlighted pieces."""
    if not text:
        return []
    start = 0
    if stems and len(text) > size:
        for match in WORD.finditer(text):
            if matches(match.group(0).lower().replace("ё", "е"), stems):
                start = max(0, match.start() - size // 4)
                break
    window = text[start : start + size]
    if start + size < len(text):
        window = re.sub(r"\s+\S*$", "", window) + " …"
    if start:
        window = "… " + re.sub(r"^\S*\s+", "", window)
    return highlight(window, stems)


# Searching -------------------------------------------------------------------------------------

STATUS_CHOICES = [
    *ImplementationStatus.choices,
    *(
        (value, label)
        for value, label in RecommendationStatus.choices
        if value not in ImplementationStatus.values
    ),
]


class SiteSearchFilter(django_filters.FilterSet):
    """The search page's query string: the same words, on the page and in a shared link."""

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Words"),
        help_text=_('Every word must occur; "quoted words" as a phrase.'),
    )
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices, label=_("Type of content"))
    plan = django_filters.CharFilter(field_name="plan__code", label=_("Plan"))
    section = django_filters.NumberFilter(field_name="section_id", label=_("Section"))
    agency = django_filters.CharFilter(method="filter_agency", label=_("Agency"))
    status = django_filters.MultipleChoiceFilter(choices=STATUS_CHOICES, label=_("Status"))
    theme = django_filters.CharFilter(method="filter_theme", label=_("Theme"))
    affected = django_filters.CharFilter(method="filter_affected", label=_("Affected persons"))
    mechanism = django_filters.MultipleChoiceFilter(choices=Mechanism.choices, label=_("Mechanism"))
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))

    class Meta:
        model = SearchDocument
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        query = Query.parse(value)
        return queryset.filter(SEARCH_INDEX.filter_q(query)) if query else queryset

    def _each(self, queryset: QuerySet[Any], through: Any, value: str, **lookup: str) -> Any:
        # Every chosen value must hold, as on the recommendations page.
        (column,) = lookup.values()
        for item in _values(value):
            queryset = queryset.filter(
                Exists(through.objects.filter(searchdocument_id=OuterRef("pk"), **{column: item}))
            )
        return queryset

    def filter_agency(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        through = SearchDocument.agencies.through
        return self._each(queryset, through, value, column="agency__abbreviation")

    def filter_theme(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return self._each(queryset, SearchDocument.themes.through, value, column="theme__key")

    def filter_affected(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        through = SearchDocument.affected_persons.through
        return self._each(queryset, through, value, column="theme__key")


def _values(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _translated(row: Mapping[str, Any], prefix: str) -> str:
    """The active language's text of ``<prefix>_<lang>`` columns in a values() row."""
    for code in fallback_order(get_language()):
        if row.get(f"{prefix}_{code}"):
            return str(row[f"{prefix}_{code}"])
    return ""


def facets(
    queryset: QuerySet[SearchDocument], selected: Mapping[str, Sequence[str]]
) -> list[Facet]:
    """How many documents of ``queryset`` each value of each facet keeps: one grouped query
    per facet, whatever the number of documents."""
    ids = queryset.order_by().values("pk")
    documents = SearchDocument.objects.filter(pk__in=ids).order_by()

    def value(name: str, key: Any, label: str, count: int) -> FacetValue:
        return FacetValue(str(key), label, count, str(key) in selected.get(name, ()))

    def by_column(name: str, column: str, labels: Mapping[str, Any]) -> list[FacetValue]:
        rows = documents.exclude(**{column: ""}).values(column).annotate(n=Count("pk"))
        return [
            value(name, row[column], str(labels.get(row[column], row[column])), row["n"])
            for row in rows.order_by("-n", column)
        ]

    def named(name: str, label: str, rows: QuerySet[Any], key: str, text: str) -> Facet:
        """Values named in each language (``<text>_<lang>``), those keeping most first."""
        counted = (
            rows.values(key, *translated_names(text))
            .annotate(n=Count("pk"))
            .order_by("-n", key)[:FACET_LIMIT]
        )
        return Facet(
            name,
            label,
            [value(name, r[key], _translated(r, text) or r[key], r["n"]) for r in counted],
        )

    result = [
        Facet("kind", str(_("Type of content")), by_column("kind", "kind", dict(Kind.choices))),
        named(
            "plan",
            str(_("Plan")),
            documents.filter(plan__isnull=False),
            "plan__code",
            "plan__title",
        ),
    ]
    if selected.get("plan"):  # section numbers mean something within one plan only
        sections = (
            documents.filter(section__isnull=False)
            .values("section_id", "section__number", *translated_names("section__title"))
            .annotate(n=Count("pk"))
            .order_by("section__order", "section_id")
        )
        result.append(
            Facet(
                "section",
                str(_("Section")),
                [
                    value(
                        "section",
                        r["section_id"],
                        f"{r['section__number']}. {_translated(r, 'section__title')}",
                        r["n"],
                    )
                    for r in sections
                ],
            )
        )
    result.append(
        named(
            "agency",
            str(_("Agency")),
            SearchDocument.agencies.through.objects.filter(searchdocument_id__in=ids),
            "agency__abbreviation",
            "agency__name",
        )
    )
    result.append(
        Facet("status", str(_("Status")), by_column("status", "status", dict(STATUS_CHOICES)))
    )
    for name, label, through in (
        ("theme", _("Theme"), SearchDocument.themes.through),
        ("affected", _("Affected persons"), SearchDocument.affected_persons.through),
    ):
        result.append(
            named(
                name,
                str(label),
                through.objects.filter(searchdocument_id__in=ids),
                "theme__key",
                "theme__name",
            )
        )
    result.append(
        Facet(
            "mechanism",
            str(_("Mechanism")),
            by_column("mechanism", "mechanism", dict(Mechanism.choices)),
        )
    )
    years = (
        documents.filter(year__isnull=False)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")[:FACET_LIMIT]
    )
    result.append(
        Facet(
            "year",
            str(_("Year")),
            [value("year", r["year"], str(r["year"]), r["n"]) for r in years],
        )
    )
    return result
