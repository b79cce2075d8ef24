"""Template tags of the assessment document: ``{% load assessment_tags %}``.

The block partials render a snapshot, which keeps texts in every language and dates as ISO
strings. These tags pick the active language and write dates, status names, tables and figures
with the same helpers as the DOCX and XLSX writers, so that every format says the same thing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rightsmonitor.assessments.blocks import BlockData
from rightsmonitor.assessments.content import STATUSES, Texts, pick
from rightsmonitor.assessments.core_blocks import (
    SectionTablesBlock,
    StatusOverPeriodsBlock,
    SummaryBlock,
    _count_rows,
    _status_headers,
)
from rightsmonitor.assessments.renderers import common
from rightsmonitor.assessments.renderers.common import Cell
from rightsmonitor.core.charts import Series, series_for, stacked_bars
from rightsmonitor.core.translation import Translation, active_language, fallback_order
from rightsmonitor.plans.deadline_display import deadline_label

register = template.Library()


# Texts, dates and names --------------------------------------------------------------------


@register.filter
def tr(values: Texts | str | None) -> str:
    """``{{ section.title|tr }}``: the text in the active language, else the usual fallback."""
    return pick(values, get_language())


@register.filter
def tr_text(values: Texts | str | None) -> Translation:
    """Like ``tr``, keeping the language the text is in, so that a fallback is marked:
    ``<div{{ text|lang_attr }}>`` and ``{% fallback_mark text %}``."""
    requested = active_language()
    if isinstance(values, dict):
        for code in fallback_order(requested):
            if values.get(code):
                return Translation(values[code], code, requested)
        return Translation("", requested, requested)
    return Translation(values or "", requested, requested)


@register.simple_tag
def fallback_mark(text: Translation | None) -> SafeString:
    """A small "(in English)" before a text shown in another language than the page's."""
    if not isinstance(text, Translation) or not text.is_fallback:
        return mark_safe("")
    notes = {"en": _("(in English)"), "ru": _("(in Russian)"), "kk": _("(in Kazakh)")}
    note = notes.get(text.language, text.language)
    return format_html('<p class="fallback-note fallback-mark">{}</p>', note)


@register.filter
def status_name(key: str) -> str:
    return common.status_label(key)


@register.filter
def long_date(value: str | None) -> str:
    """An ISO date written out as documents in the active language do."""
    return common.format_date(value)


@register.filter
def deadline(row: dict[str, Any]) -> str:
    """An action row's deadline as the plan words it, else its due date."""
    return deadline_label(row.get("deadline_text")) or common.format_date(row.get("due_date"))


@register.filter
def agencies(row: dict[str, Any]) -> str:
    return SectionTablesBlock.agencies(row)


@register.filter
def report_text(report: dict[str, Any] | None) -> str:
    """The accepted report's narrative and adopted document (plain text; use ``linebreaks``)."""
    return SectionTablesBlock.report_text(report)


@register.simple_tag
def section_frame(snapshot: dict[str, Any], section_id: int) -> dict[str, Any]:
    """The section's title and the coordinator's comment, kept apart from the blocks' data."""
    return next((s for s in snapshot.get("sections", []) if s["id"] == section_id), {})


# The document's frame ------------------------------------------------------------------------


@register.simple_tag
def document_title(snapshot: dict[str, Any]) -> str:
    return common.document_title(snapshot, get_language())


@register.simple_tag
def period_label(snapshot: dict[str, Any]) -> str:
    return common.period_label(snapshot)


@register.simple_tag
def edition_label(snapshot: dict[str, Any]) -> str:
    return common.edition_label(snapshot)


@register.simple_tag
def draft_notice() -> str:
    return common.draft_notice()


@register.simple_tag
def method_notes() -> list[tuple[str, str]]:
    return common.method_notes()


@register.simple_tag
def page_of_pages() -> SafeString:
    """ "Page X of Y" with empty spans where the PDF's stylesheet writes the page counters.

    The numbers cannot be filled in before layout, and the words' order differs by language
    (Kazakh names the total first), so the translation keeps the order and CSS the numbers.
    """
    # The translation is escaped; the spans are ours.
    return mark_safe(
        conditional_escape(_("Page %(number)s of %(total)s"))
        % {
            "number": '<span class="page-number"></span>',
            "total": '<span class="page-count"></span>',
        }
    )


# Figures, tables and charts ----------------------------------------------------------------


@register.simple_tag
def summary_figures(data: BlockData) -> list[tuple[str, Any]]:
    return SummaryBlock.figures(data)


@register.simple_tag
def status_table(rows: list[dict[str, Any]], kind: str) -> dict[str, list[Any]]:
    """Headers and rows of actions counted by status, per "section", "agency" or "period"."""
    body: list[list[Cell]]
    if kind == "period":
        first = _("Reporting period")
        body = StatusOverPeriodsBlock()._rows({"periods": rows})
    else:
        first = _("Section") if kind == "section" else _("Lead agency")
        body = _count_rows(rows, get_language() or "", name_key=kind)
    return {"headers": _status_headers(first), "rows": body}


def _status_series() -> list[Series]:
    return series_for(STATUSES, {key: common.status_label(key) for key in STATUSES})


@register.simple_tag
def status_by_section_chart(data: BlockData) -> SafeString:
    """The summary's stacked bars: one per section, labelled with the section's number."""
    rows = [
        (_("Section %(number)s") % {"number": row["number"]}, row["counts"])
        for row in data["by_section"]
    ]
    return stacked_bars(
        rows,
        _status_series(),
        title=_("Actions by assessed status and section"),
        description=_(
            "One bar per section, divided by assessed status; the table gives the figures."
        ),
    )


@register.simple_tag
def status_over_periods_chart(data: BlockData) -> SafeString:
    """One bar per reporting period, labelled with its last day (short, to fit the label)."""
    rows = [
        (date_format(date.fromisoformat(row["end"]), "SHORT_DATE_FORMAT"), row["counts"])
        for row in data["periods"]
    ]
    return stacked_bars(
        rows,
        _status_series(),
        title=_("Actions by assessed status in each reporting period"),
        description=_(
            "One bar per reporting period, labelled with its last day and divided by assessed "
            "status; the table gives the figures."
        ),
    )
