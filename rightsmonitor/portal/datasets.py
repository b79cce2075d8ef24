"""The public datasets: what the data page describes and ``data/<slug>.<fmt>`` downloads.

Each dataset says what it holds (title, description, columns), asks the owning app's access
helper what the user may download (so a coordinator's file holds what their pages show them,
drafts included, and the public's only what is public), reads the same query string as the
page that lists it, through that page's FilterSet (so a page's current filters give the same
rows), and yields its rows from a database iterator, ``CHUNK`` at a time: values, never model
instances; many-valued columns (agencies, themes, ...) read once per chunk. The query count
depends on the number of chunks only.

Published things only where a thing has a publication step: progress reports accepted as the
lead agency's consolidated report, published assessments, published observations.

Texts are in the active language, falling back to another language where a translation is
missing, as the pages show them (``/ru/data/actions.csv`` gives Russian titles). Choices are
written as their codes (``in_force``), which do not change with the language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, cast

import django_filters
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rightsmonitor.assessments.access import assessments_for_user
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.core.exports import Column, Row
from rightsmonitor.core.exports import ColumnType as T
from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.core.translation import fallback_order
from rightsmonitor.indicators.access import indicators_for_user, observations_for_user
from rightsmonitor.indicators.filters import IndicatorFilter
from rightsmonitor.indicators.models import Indicator, ObservationState
from rightsmonitor.indicators.periods import format_period
from rightsmonitor.plans.access import actions_for_user, plans_for_user
from rightsmonitor.plans.agency_list import AgencyMention, format_agency_list
from rightsmonitor.plans.filters import ActionFilter, AgencyFilter, PlanFilter
from rightsmonitor.plans.models import Action, ActionAgency, Agency, PlanQuerySet
from rightsmonitor.recommendations.access import links_for_user, recommendations_for_user
from rightsmonitor.recommendations.models import Recommendation, RecommendationCountry
from rightsmonitor.recommendations.queries import (
    RecommendationFilter,
    filter_data,
    newest_first,
)
from rightsmonitor.recommendations.status import RecommendationStatus, linked_statuses
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.filters import ReportFilter
from rightsmonitor.reporting.models import ProgressReport
from rightsmonitor.reporting.queries import NOT_ASSESSED, STATUSES, has_status, status_label
from rightsmonitor.reporting.workflow import ReportState

CHUNK = 1000  # rows read at a time, and ids per query for the many-valued columns
LIST_SEPARATOR = "; "  # between the values of a many-valued column

RowsFunction = Callable[[QuerySet[Any], Any], Iterator[Row]]


class InvalidFilters(ValueError):
    """The query string does not validate: the FilterSet's errors, by parameter."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any  # lazy translations
    description: Any
    columns: tuple[Column, ...]
    visible: Callable[[Any], QuerySet[Any]]  # user → what they may download, unfiltered
    rows: RowsFunction  # (selected queryset, user) → rows in the columns' order
    filterset: type[django_filters.FilterSet] | None = None
    # A dataset filtered by another list's filters (links by the recommendation search): the
    # FilterSet filters ``filter_source(user)`` and the dataset keeps ``<filter_path>__in`` it.
    filter_source: Callable[[Any], QuerySet[Any]] | None = None
    filter_path: str = ""
    filter_data: Callable[[QueryDict], QueryDict] | None = None  # the page's own reading
    api: str = ""  # the URL name of the API's list of the same things
    page: str = ""  # the URL name of the public page that lists them

    @property
    def parameters(self) -> list[str]:
        return list(self.filterset.base_filters) if self.filterset else []

    def select(self, request: Any) -> QuerySet[Any]:
        """What ``request.user`` may download, filtered by ``request.GET``.

        Raises ``InvalidFilters`` when a parameter does not validate; unknown parameters
        (``page``, ...) are ignored, as the pages ignore them."""
        queryset = self.visible(request.user)
        if self.filterset is None:
            return queryset
        source = self.filter_source(request.user) if self.filter_source else queryset
        data = self.filter_data(request.GET) if self.filter_data else request.GET
        filterset = self.filterset(data, queryset=source, request=request)
        if not filterset.is_valid():
            raise InvalidFilters(filterset.errors)
        if self.filter_path:
            return queryset.filter(**{f"{self.filter_path}__in": filterset.qs.values("pk")})
        return filterset.qs


# Reading helpers ------------------------------------------------------------------------------


def _chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _translated(name: str) -> list[str]:
    """The columns of a translated text, the active language first (``TranslatedField``)."""
    return [f"{name}_{code}" for code in fallback_order(get_language())]


def _first(values: Iterable[Any]) -> str:
    return next((value for value in values if value), "")


def _grouped(pairs: Iterable[tuple[int, Any]]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for key, value in pairs:
        found[key].append(value)
    return found


def _joined(values: Iterable[Any]) -> str:
    return LIST_SEPARATOR.join(str(value) for value in values)


# Plans ----------------------------------------------------------------------------------------


def _plan_rows(plans: QuerySet[Any], user: Any) -> Iterator[Row]:
    titles = _translated("title")
    values = (
        cast(PlanQuerySet, plans)
        .with_counts()
        .order_by("-period_start", "code")
        .values_list(
            "code",
            "country",
            "status",
            "period_start",
            "period_end",
            "adopting_instrument__number",
            "adopting_instrument__date",
            "coordinator__abbreviation",
            "superseded_by__code",
            "section_count",
            "action_count",
            *titles,
        )
    )
    for row in values.iterator(chunk_size=CHUNK):
        code, country, status, start, end, number, adopted, coordinator, successor = row[:9]
        sections, actions = row[9:11]
        yield (
            code, _first(row[11:]), country, status, start, end, number or "", adopted,
            coordinator or "", successor or "", sections, actions,
        )  # fmt: skip


PLAN_COLUMNS = (
    Column("code", _("Plan code, as in the plan's address"), T.TEXT),
    Column("title", _("Title"), T.TEXT),
    Column("country", _("Country (ISO 3166-1 alpha-3)"), T.TEXT),
    Column("status", _("Status: in_force, completed, superseded (draft for staff)"), T.TEXT),
    Column("period_start", _("Period start"), T.DATE),
    Column("period_end", _("Period end"), T.DATE),
    Column("instrument_number", _("Number of the adopting act"), T.TEXT),
    Column("instrument_date", _("Date of the adopting act"), T.DATE),
    Column("coordinator", _("Coordinating agency (abbreviation)"), T.TEXT),
    Column("superseded_by", _("Code of the plan that superseded it"), T.TEXT),
    Column("sections", _("Number of sections"), T.INTEGER),
    Column("actions", _("Number of actions"), T.INTEGER),
)


# Actions --------------------------------------------------------------------------------------


class ActionDataFilter(ActionFilter):
    """The API's action filters and the coordinator's assessed status."""

    status = django_filters.ChoiceFilter(
        choices=lambda: [(key, status_label(key)) for key in STATUSES],
        method="filter_status",
        label=_("Assessed status"),
    )

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(has_status(value))


def _action_rows(actions: QuerySet[Any], user: Any) -> Iterator[Row]:
    language = get_language() or "en"
    values = actions.order_by("plan__code", "section__order", "order", "pk").values_list(
        "pk", "plan__code", "section__number", "number", "form_of_completion__key",
        "deadline_text", "due_date", "recurrence", "monitoring__assessed_status",
        "monitoring__on_monitoring", *_translated("title"),
    )  # fmt: skip
    for chunk in _chunks(values.iterator(chunk_size=CHUNK)):
        ids = [row[0] for row in chunk]
        assignments = _grouped(
            (action_id, (abbreviation, role == ActionAgency.Role.LEAD, as_agreed))
            for action_id, abbreviation, role, as_agreed in ActionAgency.objects.filter(
                action_id__in=ids
            )
            .order_by("order", "pk")
            .values_list("action_id", "agency__abbreviation", "role", "as_agreed")
        )
        themes = _grouped(
            Action.themes.through.objects.filter(action_id__in=ids)
            .order_by("theme__key")
            .values_list("action_id", "theme__key")
        )
        for row in chunk:
            pk, plan, section, number, form, deadline, due, recurrence, status, on = row[:10]
            agencies = assignments.get(pk, [])
            mentions = [AgencyMention(a, agreed) for a, _lead, agreed in agencies]
            yield (
                plan, section, number, _first(row[10:]), form or "", deadline, due, recurrence,
                next((a for a, lead, _agreed in agencies if lead), ""),
                format_agency_list(mentions, language=language),
                _joined(themes.get(pk, [])), status or NOT_ASSESSED, on,
            )  # fmt: skip


ACTION_COLUMNS = (
    Column("plan", _("Plan code"), T.TEXT),
    Column("section", _("Section number"), T.TEXT),
    Column("number", _("Action number within the plan"), T.TEXT),
    Column("title", _("Action"), T.TEXT),
    Column("form_of_completion", _("Form of completion (key)"), T.TEXT),
    Column("deadline", _("Deadline as the plan writes it"), T.TEXT),
    Column("due_date", _("Due date"), T.DATE),
    Column("recurrence", _("Recurrence: none, annual, half_yearly, quarterly, ..."), T.TEXT),
    Column("lead_agency", _("Lead agency (abbreviation)"), T.TEXT),
    Column(
        "agencies", _('Responsible agencies as plans write them: "MIA, GPO (as agreed)"'), T.TEXT
    ),
    Column("themes", _("Themes (keys, separated by semicolons)"), T.TEXT),
    Column(
        "status",
        _("Status assessed by the coordinator (not_assessed before the first verdict)"),
        T.TEXT,
    ),
    Column("on_monitoring", _("Still on monitoring"), T.BOOLEAN),
)


# Agencies -------------------------------------------------------------------------------------


def _agency_rows(agencies: QuerySet[Any], user: Any) -> Iterator[Row]:
    """With the counts the agency list shows: actions of plans ``user`` may see."""
    visible = actions_for_user(user)
    values = (
        agencies.annotate(
            lead_count=Count(
                "assignments",
                filter=Q(assignments__action__in=visible, assignments__role=ActionAgency.Role.LEAD),
                distinct=True,
            ),
            action_count=Count(
                "assignments", filter=Q(assignments__action__in=visible), distinct=True
            ),
        )
        .order_by("abbreviation")
        .values_list(
            "abbreviation",
            "kind",
            "parent__abbreviation",
            "lead_count",
            "action_count",
            *_translated("name"),
        )
    )
    for abbreviation, kind, parent, leads, actions, *names in values.iterator(chunk_size=CHUNK):
        yield (abbreviation, _first(names), kind, parent or "", leads, actions)


AGENCY_COLUMNS = (
    Column("abbreviation", _("Abbreviation, as plans write it"), T.TEXT),
    Column("name", _("Name"), T.TEXT),
    Column("kind", _("Kind: ministry, agency, court, prosecutor, ..."), T.TEXT),
    Column("parent", _("Parent body (abbreviation)"), T.TEXT),
    Column("leads", _("Actions it leads"), T.INTEGER),
    Column("takes_part_in", _("Actions it takes part in"), T.INTEGER),
)


# Progress reports -----------------------------------------------------------------------------


def _accepted_reports(user: Any) -> QuerySet[Any]:
    return reports_for_user(user).filter(
        kind=ProgressReport.Kind.CONSOLIDATED, state=ReportState.ACCEPTED
    )


def _report_rows(reports: QuerySet[Any], user: Any) -> Iterator[Row]:
    values = reports.order_by(
        "action__plan__code", "period__end", "action__section__order", "action__order", "pk"
    ).values_list(
        "action__plan__code", "action__number", "agency__abbreviation", "period__start",
        "period__end", "proposed_status", "narrative", "document_type", "document_number",
        "document_date",
    )  # fmt: skip
    yield from values.iterator(chunk_size=CHUNK)


REPORT_COLUMNS = (
    Column("plan", _("Plan code"), T.TEXT),
    Column("action", _("Action number"), T.TEXT),
    Column("agency", _("Reporting agency (the lead agency)"), T.TEXT),
    Column("period_start", _("Reporting period start"), T.DATE),
    Column("period_end", _("Reporting period end"), T.DATE),
    Column("proposed_status", _("Status the agency reported"), T.TEXT),
    Column("narrative", _("What was done"), T.TEXT),
    Column("document_type", _("Adopted document: type"), T.TEXT),
    Column("document_number", _("Adopted document: number"), T.TEXT),
    Column("document_date", _("Adopted document: date"), T.DATE),
)


# Assessments ----------------------------------------------------------------------------------


class AssessmentFilter(BoundedFilterSet):
    plan = django_filters.CharFilter(field_name="plan__code", label=_("Plan code"))

    class Meta:
        model = Assessment
        fields = ["plan"]


def _assessment_rows(assessments: QuerySet[Any], user: Any) -> Iterator[Row]:
    values = assessments.order_by("plan__code", "-end", "-edition").values_list(
        "pk", "plan__code", "start", "end", "edition", "published_at"
    )
    yield from values.iterator(chunk_size=CHUNK)


ASSESSMENT_COLUMNS = (
    Column("id", _("Number of the assessment, as in its address"), T.INTEGER),
    Column("plan", _("Plan code"), T.TEXT),
    Column("start", _("Assessed from"), T.DATE),
    Column("end", _("Assessed to"), T.DATE),
    Column("edition", _("Edition"), T.INTEGER),
    Column("published_at", _("Published at"), T.DATETIME),
)


# Indicators and observations ------------------------------------------------------------------


def _indicator_rows(indicators: QuerySet[Any], user: Any) -> Iterator[Row]:
    values = indicators.order_by(
        "attribute__right__order", "attribute__order", "order", "code"
    ).values_list(
        "pk", "code", "kind", "attribute__right__key", "attribute__key", "unit", "periodicity",
        "agency__abbreviation", *_translated("title"),
    )  # fmt: skip
    for chunk in _chunks(values.iterator(chunk_size=CHUNK)):
        ids = [row[0] for row in chunk]
        dimensions = _grouped(
            Indicator.dimensions.through.objects.filter(indicator_id__in=ids)
            .order_by("dimension__order", "dimension__code")
            .values_list("indicator_id", "dimension__code")
        )
        sdgs = _grouped(
            Indicator.sdg_indicators.through.objects.filter(indicator_id__in=ids)
            .order_by("sdgindicator__code")
            .values_list("indicator_id", "sdgindicator__code")
        )
        for pk, code, kind, right, attribute, unit, periodicity, agency, *titles in chunk:
            yield (
                code, _first(titles), kind, right, attribute, unit, periodicity, agency or "",
                _joined(dimensions.get(pk, [])), _joined(sdgs.get(pk, [])),
            )  # fmt: skip


INDICATOR_COLUMNS = (
    Column("code", _("Indicator code, as in its address"), T.TEXT),
    Column("title", _("Indicator"), T.TEXT),
    Column("kind", _("Type: structural, process or outcome"), T.TEXT),
    Column("right", _("Right (key)"), T.TEXT),
    Column("attribute", _("Attribute of the right (key)"), T.TEXT),
    Column("unit", _("Unit (code)"), T.TEXT),
    Column("periodicity", _("Periodicity"), T.TEXT),
    Column("agency", _("Agency supplying the data"), T.TEXT),
    Column("dimensions", _("Dimensions it is broken down by (codes)"), T.TEXT),
    Column("sdg_indicators", _("Related SDG indicators"), T.TEXT),
)


def _published_observations(user: Any) -> QuerySet[Any]:
    return observations_for_user(user).filter(state=ObservationState.PUBLISHED)


def _observation_rows(observations: QuerySet[Any], user: Any) -> Iterator[Row]:
    values = observations.order_by(
        "indicator__code", "period_start", "period_end", "area__code", "breakdown_key"
    ).values_list(
        "indicator__code", "period_type", "period_start", "period_end", "area__code",
        "breakdown_key", "value", "unit", "source", "note",
    )  # fmt: skip
    for code, kind, start, end, area, breakdown, value, unit, source, note in values.iterator(
        chunk_size=CHUNK
    ):
        yield (
            code, format_period(kind, start, end), kind, start, end, area, breakdown, value,
            unit, source, note,
        )  # fmt: skip


OBSERVATION_COLUMNS = (
    Column("indicator", _("Indicator code"), T.TEXT),
    Column("period", _("Period: 2022, 2022-Q1, 2022-03 or start/end"), T.TEXT),
    Column("period_type", _("Period type: year, quarter, month, range"), T.TEXT),
    Column("period_start", _("Period start"), T.DATE),
    Column("period_end", _("Period end"), T.DATE),
    Column("area", _("Area (ISO 3166-2 code)"), T.TEXT),
    Column("breakdown", _('Breakdown: "SEX=F|AGE=Y18T34"; empty for the total'), T.TEXT),
    Column("value", _("Value"), T.DECIMAL),
    Column("unit", _("Unit (code)"), T.TEXT),
    Column("source", _("Source"), T.TEXT),
    Column("note", _("Note"), T.TEXT),
)


# Recommendations and their links to actions ---------------------------------------------------


def _recommendation_rows(recommendations: QuerySet[Any], user: Any) -> Iterator[Row]:
    values = newest_first(recommendations).values_list(
        "pk", "symbol", "paragraph", "body__code", "body__mechanism", "annotation_type",
        "language", "text", "document_date", "session", "cycle", "recommending_states",
        "position",
    )  # fmt: skip
    through: dict[str, Any] = {
        "themes": Recommendation.themes.through,
        "affected": Recommendation.affected_persons.through,
    }
    for chunk in _chunks(values.iterator(chunk_size=CHUNK)):
        ids = [row[0] for row in chunk]
        themes = {
            name: _grouped(
                model.objects.filter(recommendation_id__in=ids)
                .order_by("theme__key")
                .values_list("recommendation_id", "theme__key")
            )
            for name, model in through.items()
        }
        sdgs = _grouped(
            Recommendation.sdg_targets.through.objects.filter(recommendation_id__in=ids)
            .order_by("sdgtarget__code")
            .values_list("recommendation_id", "sdgtarget__code")
        )
        countries = _grouped(
            RecommendationCountry.objects.filter(recommendation_id__in=ids)
            .order_by("country")
            .values_list("recommendation_id", "country")
        )
        statuses = linked_statuses(ids, user=user)
        for pk, *fields, states, position in chunk:
            yield (
                pk, *fields, _joined(states or []), position,
                _joined(themes["themes"].get(pk, [])), _joined(themes["affected"].get(pk, [])),
                _joined(sdgs.get(pk, [])), _joined(countries.get(pk, [])),
                statuses.get(pk, RecommendationStatus.NOT_COVERED),
            )  # fmt: skip


RECOMMENDATION_COLUMNS = (
    Column("id", _("Number of the recommendation, as in its address"), T.INTEGER),
    Column("symbol", _("Document symbol"), T.TEXT),
    Column("paragraph", _("Paragraph"), T.TEXT),
    Column("body", _("Recommending body"), T.TEXT),
    Column("mechanism", _("Mechanism: upr, treaty_body, special_procedure, ..."), T.TEXT),
    Column("type", _("Type, as the source classes it"), T.TEXT),
    Column("language", _("Language of the text"), T.TEXT),
    Column("text", _("Text"), T.TEXT),
    Column("document_date", _("Date of the document"), T.DATE),
    Column("session", _("Session"), T.TEXT),
    Column("cycle", _("UPR cycle"), T.TEXT),
    Column("recommending_states", _("Recommending states (UPR)"), T.TEXT),
    Column("position", _("The State's position"), T.TEXT),
    Column("themes", _("Themes (keys)"), T.TEXT),
    Column("affected_persons", _("Affected persons (keys)"), T.TEXT),
    Column("sdg_targets", _("SDG targets"), T.TEXT),
    Column("countries", _("Countries concerned"), T.TEXT),
    Column("status", _("Status derived from the linked actions"), T.TEXT),
)


def _link_rows(links: QuerySet[Any], user: Any) -> Iterator[Row]:
    values = links.order_by(
        "recommendation_id", "action__plan__code", "action__section__order", "action__order"
    ).values_list(
        "recommendation_id", "recommendation__symbol", "recommendation__paragraph",
        "recommendation__body__code", "action__plan__code", "action__number", "note",
        "created_at", *_translated("action__title"),
    )  # fmt: skip
    for row in values.iterator(chunk_size=CHUNK):
        note, created = row[6:8]
        yield (*row[:6], _first(row[8:]), note, created)


LINK_COLUMNS = (
    Column("recommendation", _("Number of the recommendation"), T.INTEGER),
    Column("symbol", _("Document symbol"), T.TEXT),
    Column("paragraph", _("Paragraph"), T.TEXT),
    Column("body", _("Recommending body"), T.TEXT),
    Column("plan", _("Plan code"), T.TEXT),
    Column("action", _("Action number"), T.TEXT),
    Column("action_title", _("Action"), T.TEXT),
    Column("note", _("Note on the link"), T.TEXT),
    Column("linked_at", _("Linked at"), T.DATETIME),
)


# The registry ---------------------------------------------------------------------------------

DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            "plans",
            _("Plans"),
            _("National human rights action plans: their period, status and adopting act."),
            PLAN_COLUMNS,
            lambda user: plans_for_user(user),
            _plan_rows,
            filterset=PlanFilter,
            api="v1:plan-list",
            page="portal:plan_list",
        ),
        Dataset(
            "actions",
            _("Actions"),
            _(
                "Every action of the plans: what must be done, by when, by which agencies, and "
                "its status as the coordinator assessed it."
            ),
            ACTION_COLUMNS,
            lambda user: actions_for_user(user),
            _action_rows,
            filterset=ActionDataFilter,
            api="v1:action-list",
        ),
        Dataset(
            "agencies",
            _("Agencies"),
            _("The bodies responsible for actions, and how many actions each leads."),
            AGENCY_COLUMNS,
            lambda user: Agency.objects.all(),
            _agency_rows,
            filterset=AgencyFilter,
            api="v1:agency-list",
            page="portal:agency_list",
        ),
        Dataset(
            "progress-reports",
            _("Progress reports"),
            _(
                "What the lead agencies reported on each action for each period, once the "
                "coordinator accepted the report."
            ),
            REPORT_COLUMNS,
            _accepted_reports,
            _report_rows,
            filterset=ReportFilter,
            api="v1:report-list",
        ),
        Dataset(
            "assessments",
            _("Assessments"),
            _("The published annual assessments of the plans' implementation."),
            ASSESSMENT_COLUMNS,
            lambda user: assessments_for_user(user).published(),
            _assessment_rows,
            filterset=AssessmentFilter,
            page="assessments:list",
        ),
        Dataset(
            "indicators",
            _("Indicators"),
            _("The human rights indicators (OHCHR framework) and what they measure."),
            INDICATOR_COLUMNS,
            indicators_for_user,
            _indicator_rows,
            filterset=IndicatorFilter,
            api="v1:indicator-list",
            page="indicators:overview",
        ),
        Dataset(
            "observations",
            _("Indicator values"),
            _("The published values of the indicators, by period, area and breakdown."),
            OBSERVATION_COLUMNS,
            _published_observations,
            _observation_rows,
            filterset=IndicatorFilter,
            filter_source=indicators_for_user,
            filter_path="indicator",
            api="v1:observation-list",
        ),
        Dataset(
            "recommendations",
            _("Recommendations"),
            _(
                "Recommendations of the UN human rights mechanisms to the State, with the "
                "status derived from the actions linked to them."
            ),
            RECOMMENDATION_COLUMNS,
            recommendations_for_user,
            _recommendation_rows,
            filterset=RecommendationFilter,
            filter_data=filter_data,
            api="v1:recommendation-list",
            page="recommendations:search",
        ),
        Dataset(
            "recommendation-links",
            _("Recommendations linked to actions"),
            _("Which actions of the plans answer which recommendation."),
            LINK_COLUMNS,
            links_for_user,
            _link_rows,
            filterset=RecommendationFilter,
            filter_source=recommendations_for_user,
            filter_path="recommendation",
            filter_data=filter_data,
        ),
    )
}


def get(slug: str) -> Dataset | None:
    return DATASETS.get(slug)
