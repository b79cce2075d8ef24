"""Recommendation pages: the faceted search, a recommendation with its links and suggestions,
the coverage of the plans, the recommendations of an action, the import and its runs, and the
follow-up exports.

Everyone reads recommendations and the links to actions of the plans they may see
(``access.links_for_user``); coordinators and administrators link, unlink, answer suggestions
and import (``access.require_manage``, 403 for others). The writes go through
``recommendations.actions`` from small POST-only views that redirect back with a message (the
pages work without JavaScript). The search page, its exports and the API read the same query
string through ``queries.RecommendationFilter``; every page reads in a fixed number of queries.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from rightsmonitor.core import pagecache
from rightsmonitor.core.facets import (
    Chosen,
    CountedPaginator,
    Facet,
    FacetGroup,
    FacetValue,
    redirect_without_blanks,
)
from rightsmonitor.core.fulltext import Query, highlight
from rightsmonitor.plans.access import actions_for_user
from rightsmonitor.plans.models import Action, Theme
from rightsmonitor.plans.models import country_name as plan_country_name
from rightsmonitor.recommendations import access, actions, progress, suggestions
from rightsmonitor.recommendations.forms import CoverageForm, ImportForm, LinkForm
from rightsmonitor.recommendations.models import (
    ImportRun,
    Mechanism,
    Position,
    Recommendation,
    RecommendationLink,
)
from rightsmonitor.recommendations.queries import (
    LISTED,
    REPEATED,
    SINGLE,
    RecommendationFilter,
    cached_facets,
    coverage_by,
    filter_data,
    linked_for_action,
    newest_first,
    selected_facets,
)
from rightsmonitor.recommendations.search import correction
from rightsmonitor.recommendations.status import RecommendationStatus, linked_statuses
from rightsmonitor.reporting.queries import status_label, status_of

PAGE_SIZE = 25
UNLINKED_SHOWN = 50
UNANSWERED_SHOWN = 100
RECENT_RUNS = 20
FACET_ORDER = (
    "mechanism",
    "body",
    "theme",
    "affected",
    "position",
    "sdg",
    "country",
    "year",
    "type",
    "status",
    "linked",
)
COVERAGE_DIMENSIONS = (
    ("mechanism", gettext_lazy("Mechanism"), gettext_lazy("Coverage by mechanism")),
    ("theme", gettext_lazy("Theme"), gettext_lazy("Coverage by theme")),
    ("affected", gettext_lazy("Affected persons"), gettext_lazy("Coverage by affected persons")),
    ("position", gettext_lazy("Position"), gettext_lazy("Coverage by the State's position")),
)
EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _require_manager(request: HttpRequest) -> None:
    access.require_manage(request.user)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


# The query string ------------------------------------------------------------------------------


def _query_without(query: QueryDict, name: str, value: str | None = None) -> str:
    """The query string with one value (or every value) of ``name`` removed, and no page."""
    data = query.copy()
    data.pop("page", None)
    if value is None or name not in (*REPEATED, *LISTED):
        data.pop(name, None)
    else:
        kept = [v for v in selected_facets(query).get(name, []) if v != value]
        if kept:
            data.setlist(name, kept)
        else:
            data.pop(name, None)
    return data.urlencode()


def _query_with_words(query: QueryDict, words: str) -> str:
    data = query.copy()
    data.pop("page", None)
    data["q"] = words
    return data.urlencode()


def _export_query(query: QueryDict) -> str:
    data = query.copy()
    data.pop("page", None)
    encoded = data.urlencode()
    return f"?{encoded}" if encoded else ""


# What was chosen, in words ---------------------------------------------------------------------


def _value_labels(selected: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], str]:
    """Words for the chosen codes: choices' labels, theme names (one query), country names."""
    labels: dict[tuple[str, str], str] = {}
    choices: dict[str, dict[str, Any]] = {
        "mechanism": dict(Mechanism.choices),
        "position": dict(Position.choices),
        "status": dict(RecommendationStatus.choices),
        "linked": {"true": _("Yes"), "false": _("No")},
    }
    for name, known in choices.items():
        for value in selected.get(name, []):
            if value in known:
                labels[(name, value)] = str(known[value])
    keys = [*selected.get("theme", []), *selected.get("affected", [])]
    if keys:
        names = {theme.key: str(theme) for theme in Theme.objects.filter(key__in=keys)}
        for name in ("theme", "affected"):
            for key in selected.get(name, []):
                if key in names:
                    labels[(name, key)] = names[key]
    for code in selected.get("country", []):
        labels[("country", code)] = plan_country_name(code) if len(code) == 3 else code
    return labels


def _chosen(query: QueryDict, selected: Mapping[str, Sequence[str]]) -> list[Chosen]:
    filters = RecommendationFilter.base_filters
    labels = _value_labels(selected)
    chosen = []
    text = query.get("q", "").strip()
    if text:
        chosen.append(Chosen(str(filters["q"].label), text, _query_without(query, "q")))
    for name in FACET_ORDER:
        for value in selected.get(name, []):
            chosen.append(
                Chosen(
                    str(filters[name].label),
                    labels.get((name, value), value),
                    _query_without(query, name, value),
                )
            )
    for name in ("cycle", "symbol", "action", "plan"):
        value = query.get(name, "").strip()
        if value:
            chosen.append(Chosen(str(filters[name].label), value, _query_without(query, name)))
    return chosen


def _description(chosen: Sequence[Chosen]) -> str:
    if not chosen:
        return _("All recommendations.")
    return _("Recommendations chosen by %(filters)s.") % {
        "filters": "; ".join(
            _("%(filter)s: %(value)s") % {"filter": item.label, "value": item.value}
            for item in chosen
        )
    }


# Search ----------------------------------------------------------------------------------------


def _facet_groups(
    found: Sequence[Facet], selected: Mapping[str, Sequence[str]]
) -> list[FacetGroup]:
    by_name = {facet.name: facet for facet in found}
    status = by_name.get("status")
    if status is not None:
        unlinked = sum(
            v.count for v in status.values if v.value == RecommendationStatus.NOT_COVERED
        )
        linked = sum(v.count for v in status.values) - unlinked
        chosen = selected.get("linked", [])
        values = [
            FacetValue("true", _("Yes"), linked, "true" in chosen),
            FacetValue("false", _("No"), unlinked, "false" in chosen),
        ]
        by_name["linked"] = Facet(
            "linked", str(RecommendationFilter.base_filters["linked"].label), values
        )
    labels = _value_labels(selected)
    groups = []
    for name in FACET_ORDER:
        facet = by_name.get(name)
        values = list(facet.values) if facet else []
        shown = {value.value for value in values}
        for value in selected.get(name, []):
            if value not in shown:  # chosen but matching nothing: still shown, to untick
                values.append(FacetValue(value, labels.get((name, value), value), 0, True))
        if values:
            label = facet.label if facet else str(RecommendationFilter.base_filters[name].label)
            groups.append(FacetGroup(name, label, values, single=name in SINGLE))
    return groups


@dataclass
class Result:
    recommendation: Recommendation
    pieces: list[tuple[str, bool]]
    status: str
    status_label: str
    linked_actions: int


def _link_counts(user: Any, ids: Sequence[int]) -> dict[int, int]:
    rows = (
        access.links_for_user(user)
        .filter(recommendation_id__in=ids)
        .order_by()
        .values("recommendation_id")
        .annotate(n=Count("pk"))
    )
    return {row["recommendation_id"]: row["n"] for row in rows}


def _results(user: Any, recommendations: Sequence[Recommendation], stems: set[str]) -> list[Result]:
    ids = [recommendation.pk for recommendation in recommendations]
    statuses = linked_statuses(ids, user=user)
    counts = _link_counts(user, ids)
    labels = dict(RecommendationStatus.choices)
    results = []
    for recommendation in recommendations:
        status = statuses.get(recommendation.pk, RecommendationStatus.NOT_COVERED)
        results.append(
            Result(
                recommendation,
                highlight(recommendation.text, stems),
                status,
                str(labels.get(status, status)),
                counts.get(recommendation.pk, 0),
            )
        )
    return results


def _total(counted: Sequence[Facet]) -> int:
    """How many recommendations the facets counted: each has one status, "not covered" or
    the one derived from its links."""
    return sum(value.count for facet in counted if facet.name == "status" for value in facet.values)


def _listing(
    request: HttpRequest, found: QuerySet[Recommendation], selected: dict[str, Sequence[str]]
) -> dict[str, Any]:
    """The page of results of the filtered recommendations ``found``, the facets and what
    else the search page shows about them."""
    counted = cached_facets(found, selected, user=request.user)
    # The page's ids first, then their rows: sorting a large filtered set by date then moves
    # the sort's columns only, not every row's text. What a result shows: its body and themes
    # (``with_related`` would bring more).
    paginator = CountedPaginator(
        newest_first(found).values_list("pk", flat=True), PAGE_SIZE, count=_total(counted)
    )
    ids_page = paginator.get_page(request.GET.get("page"))
    # Sorting the filtered set by date: once a generation of content for the same page.
    ids = pagecache.cached_rows(ids_page.object_list)
    by_pk = Recommendation.objects.for_results().order_by().in_bulk(ids)
    shown = [by_pk[pk] for pk in ids if pk in by_pk]
    stems = Query.parse(request.GET.get("q", "")).highlight_stems()
    export_query = _export_query(request.GET)
    # Every word must occur: when the words find nothing, suggest the nearest indexed ones.
    suggestion = None
    if stems and not _total(counted):
        suggestion = correction(request.GET.get("q", ""))
    return {
        "page": Page(shown, ids_page.number, paginator),
        "results": _results(request.user, shown, stems),
        "facets": _facet_groups(counted, selected),
        "chosen": _chosen(request.GET, selected),
        "exports": [
            (label, reverse("recommendations:followup", args=[fmt]) + export_query)
            for fmt, label in (("xlsx", _("Excel (XLSX)")), ("docx", _("Word (DOCX)")))
        ],
        "suggestion": suggestion,
        "suggestion_query": _query_with_words(request.GET, suggestion.text) if suggestion else "",
    }


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Recommendations by words and facets; every choice is in the address, to share."""
    if redirect_to := redirect_without_blanks(request, "recommendations:search"):
        return redirect_to
    selected = selected_facets(request.GET)
    filterset = RecommendationFilter(
        filter_data(request.GET),
        queryset=access.recommendations_for_user(request.user),
        request=request,
    )
    context = {
        "filter": filterset,
        # The results and the facets: the same for every reader of an audience, read only when
        # the template's shared fragment that shows them is not in the cache.
        "listing": SimpleLazyObject(lambda: _listing(request, filterset.qs, selected)),
        "can_manage": access.can_manage(request.user),
    }
    return render(request, "recommendations/search.html", context)


# A recommendation ------------------------------------------------------------------------------


def _recommendation(pk: int) -> Recommendation:
    return get_object_or_404(Recommendation.objects.with_related(), pk=pk)


@dataclass
class LinkRow:
    link: RecommendationLink
    assessed: str  # the assessed status's label, "" before the first assessment
    assessed_code: str


@dataclass
class SuggestionRow:
    rank: int
    action: Action
    score: float
    method: str


def _link_rows(links: Iterable[RecommendationLink]) -> list[LinkRow]:
    rows = []
    for link in links:
        # One definition of an action's status: "not yet assessed" until a verdict.
        status = status_of(link.action)
        rows.append(LinkRow(link, status_label(status), status))
    return rows


def _linkable(request: HttpRequest) -> list[Action]:
    return list(
        access.linkable_actions(request.user)
        .select_related("plan")
        .order_by("plan__code", "section__order", "order", "pk")
    )


def _method(request: HttpRequest) -> str:
    chosen = request.GET.get("method", "")
    return chosen if chosen in suggestions.methods() else suggestions.default_method()


def _detail_context(
    request: HttpRequest, recommendation: Recommendation, link_form: LinkForm | None = None
) -> dict[str, Any]:
    links = (
        access.links_for_user(request.user)
        .filter(recommendation=recommendation)
        .select_related("action__plan", "action__monitoring")
    )
    status = linked_statuses([recommendation.pk], user=request.user).get(
        recommendation.pk, RecommendationStatus.NOT_COVERED
    )
    context: dict[str, Any] = {
        "recommendation": recommendation,
        "links": _link_rows(links),
        "status": status,
        "status_label": dict(RecommendationStatus.choices)[status],
        "countries": [
            plan_country_name(c.country) if len(c.country) == 3 else c.country
            for c in recommendation.countries.all()
        ],
        "can_manage": access.can_manage(request.user),
    }
    if context["can_manage"]:
        linkable = _linkable(request)
        method = _method(request)
        by_pk = {action.pk: action for action in linkable}
        ranked = suggestions.suggest_actions(recommendation, list(by_pk), method=method)
        context.update(
            {
                "link_form": link_form or LinkForm(actions=linkable),
                "suggestions": [
                    SuggestionRow(rank, by_pk[s.pk], s.score, s.method)
                    for rank, s in enumerate(ranked, start=1)
                    if s.pk in by_pk
                ],
                "method": method,
                "methods": suggestions.methods(),
                "next": (
                    request.get_full_path()
                    if request.method == "GET"
                    else recommendation.get_absolute_url()
                ),
            }
        )
    return context


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(pk)
    return render(request, "recommendations/detail.html", _detail_context(request, recommendation))


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the chosen action; a form with errors is shown again on the page (400)."""
    _require_manager(request)
    recommendation = _recommendation(pk)
    form = LinkForm(request.POST, actions=_linkable(request))
    if not form.is_valid():
        context = _detail_context(request, recommendation, link_form=form)
        return render(request, "recommendations/detail.html", context, status=400)
    action = form.cleaned_data["resolved"]
    actions.link_action(recommendation, action, by=request.user, note=form.cleaned_data["note"])
    messages.success(
        request,
        _("Action %(number)s is linked to the recommendation.") % {"number": action.number},
    )
    return redirect(f"{recommendation.get_absolute_url()}#links")


@login_required
@require_POST
def unlink(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    _require_manager(request)
    found = get_object_or_404(
        access.links_for_user(request.user).select_related("action"),
        pk=link_pk,
        recommendation_id=pk,
    )
    number = found.action.number
    actions.unlink_action(found, by=request.user)
    messages.success(request, _("The link to action %(number)s was removed.") % {"number": number})
    return redirect(_safe_next(request, reverse("recommendations:detail", args=[pk]) + "#links"))


def _suggested_pair(request: HttpRequest, pk: int, action_pk: int) -> tuple[Recommendation, Action]:
    _require_manager(request)
    recommendation = get_object_or_404(Recommendation, pk=pk)
    action = get_object_or_404(access.linkable_actions(request.user), pk=action_pk)
    return recommendation, action


def _posted_method(request: HttpRequest) -> str:
    method = request.POST.get("method", "")
    return method if method in suggestions.methods() else suggestions.default_method()


@login_required
@require_POST
def accept(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Accept a suggested link: the action is linked, and the suggestion recorded as accepted."""
    recommendation, action = _suggested_pair(request, pk, action_pk)
    actions.link_action(recommendation, action, by=request.user, method=_posted_method(request))
    messages.success(
        request,
        _("Action %(number)s is linked to the recommendation.") % {"number": action.number},
    )
    return redirect(_safe_next(request, f"{recommendation.get_absolute_url()}#links"))


@login_required
@require_POST
def reject(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Reject a suggested link: the pair is not suggested again."""
    recommendation, action = _suggested_pair(request, pk, action_pk)
    try:
        actions.reject_suggestion(
            recommendation, action, by=request.user, method=_posted_method(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Action %(number)s will not be suggested for this recommendation again.")
            % {"number": action.number},
        )
    return redirect(_safe_next(request, f"{recommendation.get_absolute_url()}#suggestions"))


# The recommendations of an action --------------------------------------------------------------


@require_safe
def action_recommendations(request: HttpRequest, action_pk: int) -> HttpResponse:
    """The recommendations linked to an action and, for coordinators, suggested ones.

    The public action page shows the linked ones itself and, for coordinators, has htmx load
    ``?part=suggestions`` from here; without JavaScript its link leads to this page. The
    forms of a block loaded into the action page come back to the action page.
    """
    action = get_object_or_404(actions_for_user(request.user).select_related("plan"), pk=action_pk)
    partial = bool(request.headers.get("HX-Request"))
    only_suggestions = request.GET.get("part") == "suggestions"
    context: dict[str, Any] = {
        "action": action,
        "can_manage": access.can_manage(request.user),
        "next": action.get_absolute_url() if partial else request.get_full_path(),
    }
    if not only_suggestions:
        context["linked"] = linked_for_action(request.user, action)
    if context["can_manage"]:
        ranked = suggestions.suggest_recommendations(action, country=action.plan.country)
        found = Recommendation.objects.select_related("body").in_bulk([s.pk for s in ranked])
        context["suggested"] = [
            (rank, found[s.pk], s.method) for rank, s in enumerate(ranked, start=1) if s.pk in found
        ]
    elif only_suggestions:
        raise PermissionDenied
    if only_suggestions:
        template = "recommendations/includes/action_recommendations_suggestions.html"
    elif partial:
        template = "recommendations/includes/action_recommendations_block.html"
    else:
        template = "recommendations/action_recommendations.html"
    return render(request, template, context)


# Coverage --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    label: str
    total: int
    linked: int

    @property
    def percent(self) -> int:
        return round(100 * self.linked / self.total) if self.total else 0


def _coverage_table(
    user: Any,
    recommendations: QuerySet[Recommendation],
    dimension: str,
    linked_ids: QuerySet[Any] | None = None,
) -> list[CoverageRow]:
    """Recommendations and, of them, those linked per value of ``dimension``: to actions of
    the plans the user may see (one grouped query) or, given ``linked_ids``, of one plan (two)."""
    rows = coverage_by(recommendations, dimension, user=user)
    if linked_ids is None:
        return [CoverageRow(label, total, linked) for label, total, linked in rows]
    linked = {
        label: total
        for label, total, _covered in coverage_by(
            recommendations.filter(pk__in=linked_ids), dimension, user=user
        )
    }
    return [CoverageRow(label, total, linked.get(label, 0)) for label, total, _covered in rows]


@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    """What the plans answer and what they leave out: recommendations without an action,
    actions without a recommendation, coverage by dimension and the derived statuses."""
    plans = list(access.visible_plans(request.user).order_by("code"))
    form = CoverageForm(request.GET or None, plans=plans)
    plan = form.chosen_plan
    links = access.links_for_user(request.user)
    visible_actions = actions_for_user(request.user)
    if plan is not None:
        links = links.filter(action__plan=plan)
        visible_actions = visible_actions.filter(plan=plan)
    linked_ids = links.values("recommendation_id")
    recommendations = access.recommendations_for_user(request.user)
    unlinked = recommendations.exclude(pk__in=linked_ids)
    unanswered = visible_actions.exclude(pk__in=links.values("action_id"))
    # Every visible link, or those to the chosen plan's actions (their status is still derived
    # from all the recommendation's visible links).
    linked_set = None if plan is None else set(links.values_list("recommendation_id", flat=True))
    counts: dict[str, int] = {RecommendationStatus.NOT_COVERED: unlinked.count()}
    for status in linked_statuses(linked_set, user=request.user).values():
        counts[status] = counts.get(status, 0) + 1
    tables = [
        (
            dimension,
            label,
            caption,
            _coverage_table(request.user, recommendations, dimension, linked_ids if plan else None),
        )
        for dimension, label, caption in COVERAGE_DIMENSIONS
    ]
    context = {
        "form": form,
        "plan": plan,
        "unlinked_count": counts[RecommendationStatus.NOT_COVERED],
        "unlinked": list(newest_first(unlinked).select_related("body")[:UNLINKED_SHOWN]),
        "unanswered_count": unanswered.count(),
        "unanswered": list(
            unanswered.select_related("plan").order_by(
                "plan__code", "section__order", "order", "pk"
            )[:UNANSWERED_SHOWN]
        ),
        "tables": tables,
        "statuses": [
            (value, label, counts.get(value, 0)) for value, label in RecommendationStatus.choices
        ],
        "total": sum(counts.values()),
    }
    return render(request, "recommendations/coverage.html", context)


# Follow-up exports -----------------------------------------------------------------------------


@require_safe
def followup(request: HttpRequest, fmt: str) -> FileResponse:
    """The search's recommendations (same query string) as a follow-up table, XLSX or DOCX."""
    if fmt not in EXPORTS:
        raise Http404
    from rightsmonitor.recommendations.exporters.followup import (
        followup_rows,
        write_docx,
        write_xlsx,
    )

    selected = selected_facets(request.GET)
    filterset = RecommendationFilter(
        filter_data(request.GET),
        queryset=access.recommendations_for_user(request.user),
        request=request,
    )
    rows = followup_rows(newest_first(filterset.qs), user=request.user)
    title = _("Follow-up of recommendations")
    # A file on disk rather than memory; the response closes it once sent.
    stream = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        if fmt == "xlsx":
            write_xlsx(rows, stream, title=title)
        else:
            description = [
                _description(_chosen(request.GET, selected)),
                _("Exported on %(date)s.") % {"date": timezone.localdate().isoformat()},
            ]
            write_docx(rows, stream, title=title, description=description)
    except BaseException:
        stream.close()
        raise
    stream.seek(0)
    filename = f"recommendations-follow-up-{timezone.localdate().isoformat()}.{fmt}"
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=EXPORTS[fmt])


# Imports ---------------------------------------------------------------------------------------


def _recent_runs() -> list[ImportRun]:
    return list(ImportRun.objects.select_related("requested_by")[:RECENT_RUNS])


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a file: it is checked at once (refused files are not kept), then queued."""
    _require_manager(request)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            run = actions.request_import(
                form.cleaned_data["file"],
                form.cleaned_data["format"],
                by=request.user,
                options=form.options(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The file %(name)s is queued for import.") % {"name": run.filename},
            )
            return redirect(run)
    context = {"form": form, "runs": _recent_runs()}
    return render(request, "recommendations/import.html", context, status=400 if posted else 200)


def _run(request: HttpRequest, pk: int) -> ImportRun:
    _require_manager(request)
    return get_object_or_404(ImportRun.objects.select_related("requested_by"), pk=pk)


def _run_context(run: ImportRun) -> dict[str, Any]:
    active = run.status in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}
    percent = progress.percent(run.pk)
    if run.status in {ImportRun.Status.DONE, ImportRun.Status.FAILED}:
        percent = 100
    lines = [line for line in run.errors.splitlines() if line.strip()]
    failed = run.status == ImportRun.Status.FAILED
    return {
        "run": run,
        "active": active,
        "percent": percent,
        "problems": lines if failed else [],
        "notes": [] if failed else lines,
    }


@login_required
@require_safe
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    return render(request, "recommendations/import_run.html", _run_context(run))


@login_required
@require_safe
def import_run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's status block alone, which htmx polls while the import is queued or running."""
    run = _run(request, pk)
    return render(request, "recommendations/includes/import_progress.html", _run_context(run))


@login_required
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed import's file again."""
    run = _run(request, pk)
    try:
        actions.retry_import(run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The import is queued again."))
    return redirect("recommendations:import_run", pk=run.pk)


@login_required
@require_safe
def import_rejected(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows the import left out, with the reasons, as CSV."""
    run = _run(request, pk)
    response = HttpResponse(actions.rejected_rows_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{run.pk}.csv"'
    return response
