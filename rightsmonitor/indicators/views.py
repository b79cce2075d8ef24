"""Indicator pages: the public overview, an indicator's sheet with its chart, table and
downloads; the agencies' data-entry grid and file upload; the coordinator's validation queue.

An indicator is loaded through ``access.indicators_for_user`` (404 when the user may not see
it, whether or not it exists) and its values through ``access.observations_for_user``;
entering data asks ``access.can_enter_data`` (403), the queue ``access.can_validate``. Writes
go through ``indicators.actions``, whose refusals are shown next to the cells or fields they
are about, with status 400. Every page reads in a fixed number of queries (``queries``).

The importer and the exporter are imported when used: they bring spreadsheet libraries that
the pages do not otherwise need.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rightsmonitor.core.charts import line_chart, line_series_for
from rightsmonitor.core.tabular import TableError, iter_messages
from rightsmonitor.indicators import access
from rightsmonitor.indicators.actions import (
    ObservationRow,
    SaveSummary,
    save_observations,
    take_transition,
)
from rightsmonitor.indicators.breakdowns import parse_breakdown_key
from rightsmonitor.indicators.filters import IndicatorFilter, ReviewQueueFilter
from rightsmonitor.indicators.forms import (
    CellFormSet,
    ChartForm,
    EntryOptionsForm,
    GridOperationForm,
    GridSourceForm,
    ObservationUploadForm,
    QueueStepForm,
    plain_number,
)
from rightsmonitor.indicators.models import (
    AREA,
    Attribute,
    DimensionValue,
    Indicator,
    IndicatorQuerySet,
    Observation,
    ObservationState,
    Right,
)
from rightsmonitor.indicators.periods import Period
from rightsmonitor.indicators.queries import (
    Headline,
    LineChoice,
    SeriesTable,
    by_code,
    dimension_values,
    entry_cells,
    headlines,
    national_area,
    national_of,
    series_table,
    valid_during,
)
from rightsmonitor.indicators.workflow import EDITABLE_STATES
from rightsmonitor.plans.access import actions_for_user

QUEUE_PAGE_SIZE = 50
PUBLISHED = ObservationState.PUBLISHED


# Loading through the access helpers --------------------------------------------------------------


def _visible_indicators(request: HttpRequest) -> IndicatorQuerySet:
    return access.indicators_for_user(request.user).with_headings()


def _visible_indicator(request: HttpRequest, code: str) -> Indicator:
    """The indicator, with what its sheet shows, if the user may see it; 404 otherwise."""
    indicators = _visible_indicators(request).for_sheet(actions_for_user(request.user))
    return get_object_or_404(indicators, code=code)


def _entry_indicator(request: HttpRequest, code: str) -> Indicator:
    indicator = _visible_indicator(request, code)
    if not access.can_enter_data(request.user, indicator):
        raise PermissionDenied
    return indicator


def _may_see_unpublished(user: Any, indicator: Indicator) -> bool:
    return access.can_validate(user) or access.can_enter_data(user, indicator)


def _value_names(values: Mapping[str, Sequence[DimensionValue]]) -> dict[tuple[str, str], str]:
    """(dimension code, value code) → the value's name in the active language."""
    return {(dim, v.code): str(v.name or v.code) for dim, items in values.items() for v in items}


def _dimension_names(indicator: Indicator) -> dict[str, str]:
    return {d.code: str(d.name or d.code) for d in indicator.dimensions.all()}


# Overview ----------------------------------------------------------------------------------------


@dataclass
class AttributeGroup:
    attribute: Attribute
    items: list[tuple[Indicator, Headline]] = field(default_factory=list)


@dataclass
class RightGroup:
    right: Right
    attributes: list[AttributeGroup] = field(default_factory=list)


def _grouped(indicators: Sequence[Indicator], lines: Mapping[int, Headline]) -> list[RightGroup]:
    """By right, then attribute, in the catalogue's order (the indicators come ordered so)."""
    rights: list[RightGroup] = []
    for _right_id, by_right in groupby(indicators, key=lambda i: i.attribute.right_id):
        items = list(by_right)
        group = RightGroup(items[0].attribute.right)
        for _attribute_id, by_attribute in groupby(items, key=lambda i: i.attribute_id):
            chosen = list(by_attribute)
            group.attributes.append(
                AttributeGroup(chosen[0].attribute, [(i, lines[i.pk]) for i in chosen])
            )
        rights.append(group)
    return rights


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    """Every indicator the user may see, with its latest published national total."""
    filterset = IndicatorFilter(
        request.GET or None, queryset=_visible_indicators(request), request=request
    )
    indicators = list(filterset.qs)
    published = access.observations_for_user(request.user).filter(state=PUBLISHED)
    lines = headlines(indicators, published, area=national_area())
    context = {
        "filter": filterset,
        "groups": _grouped(indicators, lines),
        "count": len(indicators),
    }
    return render(request, "indicators/overview.html", context)


# An indicator's sheet ------------------------------------------------------------------------------

# The address suffix of each download, its exporter format and the name of the format.
DOWNLOADS: dict[str, tuple[str, str]] = {
    "csv": ("opensdg-csv", "CSV (Open SDG)"),
    "xlsx": ("opensdg-xlsx", "XLSX (Open SDG)"),
    "sdmx.csv": ("sdmx-csv", "SDMX-CSV"),
}


def _chart_caption(indicator: Indicator, choice: LineChoice, values: Mapping[str, Any]) -> str:
    """What the lines show, in words: the chart's title and the table's caption."""
    names = _value_names(values)
    dimension_names = _dimension_names(indicator)
    area = str(choice.area.name or choice.area.code)
    if choice.by == AREA:
        where = _("by area")
    elif choice.by:
        where = _("%(area)s, by %(dimension)s") % {
            "area": area,
            "dimension": dimension_names.get(choice.by, choice.by),
        }
    else:
        where = area
    parts = [f"{indicator.code}: {indicator.title}", where]
    for dim, code in sorted(choice.fixed.items()):
        if dim != choice.by:
            parts.append(
                _("%(dimension)s: %(value)s")
                % {
                    "dimension": dimension_names.get(dim, dim),
                    "value": names.get((dim, code), code),
                }
            )
    return " · ".join(parts)


def _chart(indicator: Indicator, table: SeriesTable, caption: str) -> SafeString | None:
    if not table.lines:
        return None
    labels = [period.label for period in table.periods]
    description = ngettext(
        "%(count)d line, from %(first)s to %(last)s. The table below the chart gives every value.",
        "%(count)d lines, from %(first)s to %(last)s. The table below the chart gives every value.",
        len(table.lines),
    ) % {"count": len(table.lines), "first": labels[0], "last": labels[-1]}
    series = line_series_for(
        [line.key for line in table.lines], {line.key: line.label for line in table.lines}
    )
    return line_chart(
        labels,
        [(item, line.values) for item, line in zip(series, table.lines, strict=True)],
        title=caption,
        description=description,
        x_label=_("Period"),
        y_label=str(indicator.unit_label or indicator.unit),
        decimals=indicator.decimals,
    )


def _download_query(form: ChartForm) -> str:
    return "?unpublished=1" if form.include_unpublished else ""


@require_safe
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The metadata sheet, the chosen lines as a chart and a table, and the downloads.

    Everyone sees published values; those who enter or validate the indicator's data may
    add the others (``unpublished``), marked with their state in the table.
    """
    indicator = _visible_indicator(request, code)
    values = dimension_values(indicator)
    national = national_of(values.get(AREA, []))
    may_see_unpublished = _may_see_unpublished(request.user, indicator)
    form = ChartForm(
        request.GET or None,
        values=values,
        dimensions=list(indicator.dimensions.all()),
        national=national,
        may_see_unpublished=may_see_unpublished,
    )
    visible = access.observations_for_user(request.user).filter(indicator=indicator)
    shown = visible if form.include_unpublished else visible.filter(state=PUBLISHED)
    choice = form.choice()

    def data() -> dict[str, Any]:
        table = (
            series_table(shown, choice, values, total_label=_("Total"))
            if choice
            else SeriesTable([], [])
        )
        caption = _chart_caption(indicator, choice, values) if choice else str(indicator)
        return {"table": table, "caption": caption, "chart": _chart(indicator, table, caption)}

    suffix = _download_query(form)
    context = {
        "indicator": indicator,
        "headline": headlines([indicator], visible.filter(state=PUBLISHED), area=national)[
            indicator.pk
        ],
        "form": form,
        # The chosen lines as a chart and a table: published values are the same for every
        # reader, read only when the template's shared fragment is not in the cache; values
        # not yet published are the reader's own.
        "data": SimpleLazyObject(data),
        "data_reader": request.user.pk if form.include_unpublished else None,
        "downloads": [
            (label, reverse("indicators:download", args=[indicator.code, suffix_name]) + suffix)
            for suffix_name, (_format, label) in DOWNLOADS.items()
        ],
        "can_enter": access.can_enter_data(request.user, indicator),
        "may_see_unpublished": may_see_unpublished,
    }
    if request.headers.get("HX-Request"):
        return render(request, "indicators/includes/indicator_data.html", context)
    return render(request, "indicators/indicator_detail.html", context)


@require_safe
def download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Every value of the indicator the user may download, in an exchange format."""
    if fmt not in DOWNLOADS:
        raise Http404
    from rightsmonitor.indicators.exporters.observations import (
        CONTENT_TYPES,
        export_observations,
        suggested_filename,
    )

    indicator = get_object_or_404(access.indicators_for_user(request.user), code=code)
    observations = access.observations_for_user(request.user).filter(indicator=indicator)
    if not (request.GET.get("unpublished") and _may_see_unpublished(request.user, indicator)):
        observations = observations.filter(state=PUBLISHED)
    exporter_format = DOWNLOADS[fmt][0]
    content = export_observations(
        observations, format=exporter_format, language=get_language() or "en"
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[exporter_format])
    filename = suggested_filename(indicator, exporter_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The data-entry grid --------------------------------------------------------------------------------


@dataclass
class GridRow:
    """One row of the grid as the page shows it: its form, where it is and what is stored."""

    form: Any
    area: DimensionValue | None
    label: str
    observation: Observation | None


@dataclass
class GridArea:
    area: DimensionValue | None
    rows: list[GridRow]


def _breakdown_label(
    key: str, names: Mapping[tuple[str, str], str], dims: Mapping[str, str]
) -> str:
    """``AGE=Y18T34|SEX=F`` as "Age: 18–34, Sex: Female"; a key that does not parse as is."""
    try:
        parts = parse_breakdown_key(key)
    except ValueError:
        return key
    if not parts:
        return _("Total")
    return ", ".join(
        _("%(dimension)s: %(value)s")
        % {"dimension": dims.get(dim, dim), "value": names.get((dim, code), code)}
        for dim, code in parts.items()
    )


def _grid_areas(
    formset: Any,
    *,
    values: Mapping[str, Sequence[DimensionValue]],
    dimension_names: Mapping[str, str],
    stored: Mapping[tuple[int, str], Observation],
    staff: bool,
) -> list[GridArea]:
    """The grid's rows grouped by area, each named from the codes its form carries (so that
    a refused POST shows the rows the user sent, in their order)."""
    known = by_code(values)
    names = _value_names(values)
    rows = []
    for form in formset.forms:
        area = known.get((AREA, str(form["area"].value() or "")))
        key = str(form["key"].value() or "")
        observation = stored.get((area.pk, key)) if area else None
        attrs = form.fields["value"].widget.attrs
        if observation and observation.state not in EDITABLE_STATES and not staff:
            attrs["readonly"] = True
        if form.errors:
            attrs["aria-describedby"] = f"{form.prefix}-errors"
        rows.append(GridRow(form, area, _breakdown_label(key, names, dimension_names), observation))
    return [GridArea(area, list(group)) for area, group in groupby(rows, key=lambda row: row.area)]


def _options_data(request: HttpRequest) -> QueryDict:
    """The grid's GET options, with last year as the period when none is given."""
    data = request.GET.copy()
    if not data.get("period"):
        data["period"] = str(timezone.localdate().year - 1)
    return data


def _canonical_options(indicator: Indicator, options: EntryOptionsForm) -> str:
    """The grid's address for the chosen options, with a new combination in ``combination``."""
    query = QueryDict(mutable=True)
    query["period"] = options.cleaned_data["period"].label
    query.setlist("areas", options.cleaned_data["areas"])
    query.setlist("combination", options.cleaned_data["combination"])
    return f"{reverse('indicators:enter', args=[indicator.code])}?{query.urlencode()}"


def _changed_rows(
    formset: Any,
    indicator: Indicator,
    period: Period,
    stored: Mapping[tuple[int, str], Observation],
    source: str,
) -> tuple[list[ObservationRow], int]:
    """The new and changed values, numbered by their row in the grid; and how many were
    left as they were. A blank cell is left alone (values are not deleted here)."""
    rows, unchanged = [], 0
    for number, form in enumerate(formset.forms, start=1):
        value = form.cleaned_data.get("value")
        if value is None:
            continue
        area, breakdown = form.cleaned_data["area_value"], form.cleaned_data["breakdown"]
        current = stored.get((area.pk, form.cleaned_data.get("key") or ""))
        if current is not None and current.value == value:
            unchanged += 1
            continue
        rows.append(
            ObservationRow(
                indicator=indicator,
                period=period,
                area=area,
                breakdown=breakdown,
                value=value,
                unit=current.unit if current else "",
                source=source or (current.source if current else ""),
                note=current.note if current else "",
                row=number,
                value_column=str(form.fields["value"].label),
            )
        )
    return rows, unchanged


def _show_row_errors(formset: Any, error: TableError) -> list[str]:
    """Each problem next to its cell; those about no row in the grid, for the top of the page."""
    elsewhere = []
    for item in error.errors:
        if item.row is not None and 1 <= item.row <= len(formset.forms):
            formset.forms[item.row - 1].add_error("value", item.message)
        else:
            elsewhere.append(str(item))
    return elsewhere


def _submit_drafts(request: HttpRequest, indicator: Indicator, period: Period) -> None:
    drafts = access.observations_for_user(request.user).filter(
        indicator=indicator,
        period_start=period.start,
        period_end=period.end,
        state=ObservationState.DRAFT,
    )
    try:
        moved = take_transition(drafts, "submit", by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return
    if moved:
        messages.success(
            request,
            ngettext(
                "%(count)d value was sent to the coordinator for validation.",
                "%(count)d values were sent to the coordinator for validation.",
                moved,
            )
            % {"count": moved},
        )
    else:
        messages.info(request, _("There is no draft value for this period to submit."))


@login_required
def enter(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's grid for one period: a value per area and breakdown; save, then submit.

    Saving writes every new or changed value or, if any is refused, none; the refusals are
    shown next to their cells. Submitting sends the period's drafts to the coordinator.
    """
    indicator = _entry_indicator(request, code)
    values = dimension_values(indicator)
    national = national_of(values.get(AREA, []))
    options = EntryOptionsForm(_options_data(request), values=values, national=national)
    status = 200
    if not options.is_valid():
        context = {"indicator": indicator, "options": options, "areas": []}
        return render(request, "indicators/enter.html", context, status=400)
    if any(request.GET.get(f"add_{dim}") for dim in options.dimension_codes):
        return redirect(_canonical_options(indicator, options))
    period: Period = options.cleaned_data["period"]
    in_use = {dim: valid_during(items, period) for dim, items in values.items()}
    cells = entry_cells(
        indicator,
        period,
        observations=access.observations_for_user(request.user),
        values=in_use,
        areas=options.chosen_areas(),
        combinations=options.cleaned_data["combination"],
    )
    stored = {(c.area.pk, c.key): c.observation for c in cells if c.observation is not None}
    initial = [
        {
            "area": cell.area.code,
            "key": cell.key,
            "value": plain_number(cell.observation.value) if cell.observation else None,
        }
        for cell in cells
    ]
    formset = CellFormSet(initial=initial, by_code=by_code(values))
    source_form = GridSourceForm()
    page_errors: list[str] = []
    if request.method == "POST":
        operation = GridOperationForm(request.POST)
        if not operation.is_valid():
            raise BadRequest("operation must be save or submit")
        if operation.cleaned_data["operation"] == GridOperationForm.SUBMIT:
            _submit_drafts(request, indicator, period)
            return redirect(request.get_full_path())
        formset = CellFormSet(request.POST, initial=initial, by_code=by_code(values))
        source_form = GridSourceForm(request.POST)
        status = 400
        if formset.is_valid() and source_form.is_valid():
            rows, unchanged = _changed_rows(
                formset, indicator, period, stored, source_form.cleaned_data["source"]
            )
            try:
                summary = save_observations(rows, by=request.user)
            except TableError as exc:
                page_errors = _show_row_errors(formset, exc)
            else:
                messages.success(
                    request,
                    _("Saved: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
                    % {
                        "created": summary.created,
                        "updated": summary.updated,
                        "unchanged": summary.unchanged + unchanged,
                    },
                )
                for warning in summary.warnings:
                    messages.warning(request, _("Please check: %(warning)s") % {"warning": warning})
                return redirect(request.get_full_path())
    dimension_names = _dimension_names(indicator)
    drafts = sum(1 for o in stored.values() if o.state == ObservationState.DRAFT)
    context = {
        "indicator": indicator,
        "options": options,
        "period": period,
        "formset": formset,
        "source_form": source_form,
        "areas": _grid_areas(
            formset,
            values=values,
            dimension_names=dimension_names,
            stored=stored,
            staff=access.can_validate(request.user),
        ),
        "page_errors": page_errors,
        "drafts": drafts,
    }
    return render(request, "indicators/enter.html", context, status=status)


# Upload -------------------------------------------------------------------------------------------


def _summary_lines(summary: SaveSummary) -> list[str]:
    """The counts as a sentence, then each consistency warning (worth a look, not refused)."""
    counts = _("%(created)d new values, %(updated)d changed, %(unchanged)d unchanged.") % {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
    }
    warnings = [_("Please check: %(warning)s") % {"warning": w} for w in summary.warnings]
    return [counts, *warnings]


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """A file of values (Open SDG or SDMX-CSV): all saved, or none and every problem listed."""
    indicators = access.entry_indicators(request.user).order_by("code")
    # Bound on every POST: a POST with only a file has an empty ``request.POST``.
    posted = request.method == "POST"
    form = ObservationUploadForm(
        request.POST if posted else None, request.FILES if posted else None, indicators=indicators
    )
    context: dict[str, Any] = {"form": form, "errors": [], "report": []}
    if not posted or not form.is_valid():
        return render(request, "indicators/upload.html", context, status=400 if posted else 200)
    from rightsmonitor.indicators.importers.observations import import_observations

    data = form.cleaned_data
    try:
        result = import_observations(
            data["file"],
            filename=data["file"].name,
            format=data["format"],
            by=request.user,
            indicator=data["indicator"],
            dry_run=data["dry_run"],
        )
    except TableError as exc:
        context["errors"] = list(iter_messages(exc))
        return render(request, "indicators/upload.html", context, status=400)
    if data["dry_run"]:
        context["report"] = _summary_lines(result)
        return render(request, "indicators/upload.html", context)
    for line in _summary_lines(result):
        messages.info(request, line)
    messages.success(
        request, _("The file was imported. Submit the new values when they are complete.")
    )
    return redirect("indicators:upload")


# The validation queue -------------------------------------------------------------------------------


@dataclass
class QueueGroup:
    """The submitted and validated values of one indicator for one period."""

    indicator: Indicator
    period: Period
    submitted: int
    validated: int
    updated_at: Any
    form: QueueStepForm

    @property
    def enter_url(self) -> str:
        query = QueryDict(mutable=True)
        query["period"] = self.period.label
        return f"{reverse('indicators:enter', args=[self.indicator.code])}?{query.urlencode()}"


def _queue_groups(page: Iterable[Mapping[str, Any]]) -> list[QueueGroup]:
    rows = list(page)
    indicators = Indicator.objects.select_related("agency").in_bulk(
        {row["indicator_id"] for row in rows}
    )
    groups = []
    for index, row in enumerate(rows):
        indicator = indicators[row["indicator_id"]]
        period = Period(row["period_type"], row["period_start"], row["period_end"])
        form = QueueStepForm(
            initial={"indicator": indicator.code, "period": period.label},
            auto_id=f"id_queue{index}_%s",
        )
        groups.append(
            QueueGroup(
                indicator, period, row["submitted"], row["validated"], row["updated_at"], form
            )
        )
    return groups


def _take_queue_step(request: HttpRequest, form: QueueStepForm) -> bool:
    """The chosen step on every value of the group it may apply to; False if refused."""
    data = form.cleaned_data
    period: Period = data["period"]
    transition = form.transition
    observations = access.observations_for_user(request.user).filter(
        indicator__code=data["indicator"],
        period_start=period.start,
        period_end=period.end,
        state__in=transition.sources,
    )
    try:
        moved = take_transition(
            observations, transition.name, by=request.user, comment=data["comment"]
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "comment" in exc.error_dict:
            form.add_error("comment", exc.error_dict["comment"])
        else:
            form.add_error(None, exc)
        return False
    messages.success(
        request,
        ngettext(
            "“%(step)s”: done for %(count)d value of %(indicator)s, %(period)s.",
            "“%(step)s”: done for %(count)d values of %(indicator)s, %(period)s.",
            moved,
        )
        % {
            "step": transition.label,
            "count": moved,
            "indicator": data["indicator"],
            "period": period.label,
        },
    )
    return True


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """Values sent by the agencies, by indicator and period, to validate, return or publish."""
    if not access.can_validate(request.user):
        raise PermissionDenied
    refused: QueueStepForm | None = None
    if request.method == "POST":
        form = QueueStepForm(request.POST)
        if not form.is_valid():
            raise BadRequest("indicator, period and step are required")
        if _take_queue_step(request, form):
            return redirect(request.get_full_path())
        refused = form
    filterset = ReviewQueueFilter(
        request.GET or None, queryset=access.observations_for_user(request.user)
    )
    grouped = (
        filterset.qs.values("indicator_id", "period_type", "period_start", "period_end")
        .annotate(
            submitted=Count("pk", filter=Q(state=ObservationState.SUBMITTED)),
            validated=Count("pk", filter=Q(state=ObservationState.VALIDATED)),
            updated_at=Max("updated_at"),
        )
        .order_by("indicator__code", "period_start", "period_end", "period_type")
    )
    paginator: Paginator[Any] = Paginator(grouped, QUEUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    groups = _queue_groups(page.object_list)
    if refused is not None:
        for group in groups:
            if (group.indicator.code, group.period.label) == (
                refused.cleaned_data["indicator"],
                refused.cleaned_data["period"].label,
            ):
                refused.auto_id = group.form.auto_id
                group.form = refused
    context = {"filter": filterset, "page": page, "groups": groups}
    return render(request, "indicators/review.html", context, status=400 if refused else 200)
