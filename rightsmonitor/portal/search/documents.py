"""What the site search copies of each kind of content: a ``Document`` per object, built in
batches by ``BUILDERS`` (a fixed number of queries per batch, whatever its size).

What is copied is what anonymous visitors may see, read through each app's own access helper
(public plans' actions, their accepted consolidated reports, published assessments, public
indicators, every recommendation). The text of all three languages goes into one index entry,
so a word in any language finds the document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from rightsmonitor.assessments.access import assessments_for_user
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.core.fulltext import FullTextIndex, plain_text
from rightsmonitor.core.translation import language_codes
from rightsmonitor.indicators.access import indicators_for_user
from rightsmonitor.indicators.models import Indicator
from rightsmonitor.plans.access import actions_for_user
from rightsmonitor.plans.models import Action, Theme
from rightsmonitor.portal.models import SearchDocument
from rightsmonitor.recommendations.access import recommendations_for_user
from rightsmonitor.recommendations.models import Recommendation
from rightsmonitor.recommendations.status import linked_statuses
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.models import ProgressReport

SEARCH_INDEX = FullTextIndex("portal_search_fulltext", vocabulary=True)
Kind = SearchDocument.Kind


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

    def __post_init__(self) -> None:
        # Whatever the source holds (rich text, pasted HTML, markup in a recommendation), the
        # index and the snippets cut from the summaries read plain text; pages escape it.
        set_ = object.__setattr__  # the dataclass is frozen
        set_(self, "titles", {code: plain_text(text) for code, text in self.titles.items()})
        set_(self, "summaries", {code: plain_text(text) for code, text in self.summaries.items()})
        set_(self, "label", plain_text(self.label))
        set_(self, "extra_text", plain_text(self.extra_text))

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
