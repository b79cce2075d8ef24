"""Civil society ratings in the annual assessment, plugged in through the block registry.

For every action that an approved organisation rated for a reporting period ending within the
assessed period: the official (assessed) status when the content is built, each
organisation's latest rating in that range, and whether any of them differs — said in words
(and a sign), not by colour alone. Left out when no organisation rated anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rightsmonitor.assessments.blocks import AssessmentBlock, BlockData
from rightsmonitor.assessments.content import pick, texts
from rightsmonitor.assessments.renderers.common import Cell, status_label
from rightsmonitor.participation.models import ShadowRating
from rightsmonitor.participation.queries import latest_by_organisation

if TYPE_CHECKING:
    from rightsmonitor.assessments.content import PlanFacts
    from rightsmonitor.assessments.renderers.docx import DocxWriter
    from rightsmonitor.assessments.renderers.xlsx import XlsxWriter


def difference_label(differs: bool) -> str:
    return _("≠ Differs") if differs else _("= Same")


class CivilSocietyRatingsBlock(AssessmentBlock):
    key = "civil_society_ratings"
    title = gettext_lazy("Civil society ratings")
    order = 48
    template = "participation/assessment_block.html"

    def collect(self, facts: PlanFacts) -> BlockData | None:
        ratings = (
            ShadowRating.objects.accredited()
            .filter(
                action__plan=facts.plan,
                period__end__gte=facts.assessment.start,
                period__end__lte=facts.assessment.end,
            )
            .select_related("organisation", "period")
        )
        latest = latest_by_organisation(ratings)
        if not latest:
            return None
        organisations = sorted(
            {r.organisation for r in latest.values()}, key=lambda o: (o.name, o.pk)
        )
        rows = []
        for action in facts.actions:
            statuses = [latest.get((action.pk, org.pk)) for org in organisations]
            if not any(statuses):
                continue
            official = facts.status(action)
            rows.append(
                {
                    "number": action.number,
                    "title": texts(action, "title"),
                    "official": official,
                    "ratings": [r.status if r else None for r in statuses],
                    "differs": any(r is not None and r.status != official for r in statuses),
                }
            )
        return {
            "organisations": [org.name for org in organisations],
            "actions": rows,
            "differing": sum(1 for row in rows if row["differs"]),
        }

    def headers(self, data: BlockData) -> list[str]:
        return [
            _("No."),
            _("Action"),
            _("Official status"),
            *data["organisations"],
            _("Difference"),
        ]

    def rows(self, data: BlockData, language: str) -> list[list[Cell]]:
        return [
            [
                row["number"],
                pick(row["title"], language),
                status_label(row["official"]),
                *(status_label(s) if s else "—" for s in row["ratings"]),
                difference_label(row["differs"]),
            ]
            for row in data["actions"]
        ]

    @staticmethod
    def introduction(data: BlockData) -> str:
        return _(
            "Approved civil society organisations rated %(count)d actions; their rating differs "
            "from the official status for %(differing)d."
        ) % {"count": len(data["actions"]), "differing": data["differing"]}

    def write_docx(self, writer: DocxWriter, data: BlockData) -> None:
        writer.heading(str(self.title), 1)
        writer.paragraph(self.introduction(data))
        writer.table(self.headers(data), self.rows(data, writer.language), landscape=True)

    def write_xlsx(self, writer: XlsxWriter, data: BlockData) -> None:
        writer.sheet(str(self.title), self.headers(data), self.rows(data, writer.language))


def block_cells(row: dict[str, Any]) -> list[tuple[str | None, bool]]:
    """Each organisation's status of a row and whether it differs from the official one."""
    return [(s, s is not None and s != row["official"]) for s in row["ratings"]]
