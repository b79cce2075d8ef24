"""The indicators' part of the annual assessment, plugged in through the block registry.

For the indicators linked to the plan's actions, the latest published national total up to the
end of the assessed period, the value before it and the direction of change. Left out when no
such indicator has data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rightsmonitor.assessments.blocks import AssessmentBlock, BlockData
from rightsmonitor.assessments.content import pick, texts
from rightsmonitor.assessments.renderers.common import Cell
from rightsmonitor.indicators.models import Indicator, Observation, ObservationState
from rightsmonitor.indicators.periods import format_period

if TYPE_CHECKING:
    from rightsmonitor.assessments.content import PlanFacts
    from rightsmonitor.assessments.renderers.docx import DocxWriter
    from rightsmonitor.assessments.renderers.xlsx import XlsxWriter


def _trend(latest: Any, previous: Any, higher_is_better: bool | None) -> str:
    """ "up", "down" or "flat", and whether that is good: "up-good", "down-bad", "flat"."""
    if previous is None or latest == previous:
        return "flat"
    direction = "up" if latest > previous else "down"
    if higher_is_better is None:
        return direction
    good = (direction == "up") == higher_is_better
    return f"{direction}-{'good' if good else 'bad'}"


TREND_LABELS = {
    "flat": gettext_lazy("no change"),
    "up": gettext_lazy("up"),
    "down": gettext_lazy("down"),
    "up-good": gettext_lazy("up (better)"),
    "up-bad": gettext_lazy("up (worse)"),
    "down-good": gettext_lazy("down (better)"),
    "down-bad": gettext_lazy("down (worse)"),
}


class IndicatorHighlightsBlock(AssessmentBlock):
    key = "indicator_highlights"
    title = gettext_lazy("Indicator highlights")
    order = 45
    template = "indicators/assessment_block.html"

    def collect(self, facts: PlanFacts) -> BlockData | None:
        indicators = list(
            Indicator.objects.published()
            .filter(actions__plan=facts.plan)
            .distinct()
            .prefetch_related("actions")
            .order_by("code")
        )
        if not indicators:
            return None
        totals: dict[int, list[Observation]] = {}
        for observation in (
            Observation.objects.filter(
                indicator__in=indicators,
                state=ObservationState.PUBLISHED,
                breakdown_key="",
                period_end__lte=facts.assessment.end,
            )
            .exclude(area__code__contains="-")
            .order_by("period_end")
        ):  # national: "KZ", not "KZ-75"
            totals.setdefault(observation.indicator_id, []).append(observation)
        rows = []
        for indicator in indicators:
            series = totals.get(indicator.pk)
            if not series:
                continue
            latest = series[-1]
            previous = series[-2] if len(series) > 1 else None
            rows.append(
                {
                    "code": indicator.code,
                    "title": texts(indicator, "title"),
                    "unit": texts(indicator, "unit_label"),
                    "period": format_period(
                        latest.period_type, latest.period_start, latest.period_end
                    ),
                    "value": str(latest.value.normalize()),
                    "previous": str(previous.value.normalize()) if previous else None,
                    "trend": _trend(
                        latest.value,
                        previous.value if previous else None,
                        indicator.higher_is_better,
                    ),
                    "actions": sorted(
                        a.number for a in indicator.actions.all() if a.plan_id == facts.plan.pk
                    ),
                }
            )
        return {"indicators": rows} if rows else None

    def headers(self) -> list[str]:
        return [
            _("Code"),
            _("Indicator"),
            _("Period"),
            _("Value"),
            _("Previous value"),
            _("Change"),
            _("Actions"),
        ]

    def rows(self, data: BlockData, language: str) -> list[list[Cell]]:
        return [
            [
                row["code"],
                pick(row["title"], language),
                row["period"],
                f"{row['value']} {pick(row['unit'], language)}".strip(),
                row["previous"] or "—",
                str(TREND_LABELS.get(row["trend"], row["trend"])),
                ", ".join(row["actions"]),
            ]
            for row in data["indicators"]
        ]

    def write_docx(self, writer: DocxWriter, data: BlockData) -> None:
        writer.heading(str(self.title), 1)
        writer.table(self.headers(), self.rows(data, writer.language), landscape=True)

    def write_xlsx(self, writer: XlsxWriter, data: BlockData) -> None:
        writer.sheet(str(self.title), self.headers(), self.rows(data, writer.language))
