"""The assessment's PDF and the HTML partials it shares with the web page, on real data.

A plan of two sections and six actions gets verdicts on known days (one action completed on
time, one late, one in progress, one taken off monitoring), an accepted report with evidence,
two reporting periods and texts in three languages. The PDF is rendered once per language
(WeasyPrint takes about a second each) and read back with pypdf: every action and section,
the summary figures (checked against counts from the database), the contents' page numbers
and the footer's "page X of Y".
"""

from __future__ import annotations

import datetime
import io
import re
import socket
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from rightsmonitor.assessments import actions as assessment_actions
from rightsmonitor.assessments.content import build_snapshot
from rightsmonitor.assessments.core_blocks import SummaryBlock
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.assessments.renderers.common import blocks_of, document_title, format_date
from rightsmonitor.assessments.renderers.pdf import ProjectFilesOnly, render_pdf
from rightsmonitor.plans.models import Action, Agency, Plan, Section
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.reporting import actions as reporting_actions
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    Frequency,
    ImplementationStatus,
    MonitoringChange,
)
from rightsmonitor.reporting.queries import NOT_ASSESSED, DueKind, due_items
from rightsmonitor.reporting.tests.factories import EvidenceLinkFactory, ProgressReportFactory
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2024, 3, 1)
EVIDENCE_URL = (
    "https://adilet.example.org/documents/order-of-the-minister-no-1042-of-18-november-2022"
)
TITLES = {
    "1.1": {
        "ru": "Разработать проект закона о правах человека",
        "kk": "Адам құқықтары туралы заң жобасын әзірлеу",
    },
    "2.1": {
        "ru": "Обучить сотрудников полиции применению силы",
        "kk": "Полиция қызметкерлерін күш қолдануға оқыту",
    },
}
SECTION_TITLES = {"ru": "Равенство и недискриминация", "kk": "Теңдік және кемсітпеушілік"}


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


@dataclass
class World:
    plan: Plan
    assessment: Assessment
    snapshot: dict[str, Any]


@pytest.fixture
def world(coordinator) -> World:  # type: ignore[no-untyped-def]
    plan = build_plan(code="kz-test", sections=2, actions_per_section=3)
    for number, titles in TITLES.items():
        Action.objects.filter(plan=plan, number=number).update(
            title_ru=titles["ru"], title_kk=titles["kk"]
        )
    Section.objects.filter(plan=plan, number="1").update(
        title_ru=SECTION_TITLES["ru"], title_kk=SECTION_TITLES["kk"]
    )
    action = {a.number: a for a in plan.actions.all()}
    reporting_actions.set_schedule(
        plan, frequency=Frequency.ANNUAL, submission_days=10, review_days=25, by=coordinator
    )
    period_2022, _period_2023 = reporting_actions.ensure_periods(
        plan, until=datetime.date(2023, 12, 31)
    )
    report = ProgressReportFactory(
        action=action["1.1"],
        agency=Agency.objects.get(abbreviation="MIA"),
        period=period_2022,
        state=ReportState.ACCEPTED,
        narrative="The draft law was written.\n\nIt went to Parliament in December.",
        proposed_status=ImplementationStatus.COMPLETED,
        document_type="Order of the Minister",
        document_number="1042",
        document_date=datetime.date(2022, 11, 18),
    )
    EvidenceLinkFactory(report=report, url=EVIDENCE_URL, description="Register of legal acts")
    verdicts = [
        (datetime.date(2022, 12, 15), "1.1", ImplementationStatus.COMPLETED),  # on time
        (datetime.date(2023, 1, 20), "1.2", ImplementationStatus.IN_PROGRESS),
        (datetime.date(2023, 1, 20), "2.1", ImplementationStatus.COMPLETED),  # late
    ]
    for day, number, status in verdicts:
        with time_machine.travel(at(day), tick=False):
            reporting_actions.set_assessed_status(action[number], status, by=coordinator)
    with time_machine.travel(at(datetime.date(2023, 2, 1)), tick=False):
        reporting_actions.take_off_monitoring(
            action["2.2"], reason="Merged into action 2.3.", by=coordinator
        )
    assessment = assessment_actions.create_assessment(
        plan, by=coordinator, start=datetime.date(2022, 4, 28), end=datetime.date(2023, 12, 31)
    )
    section = plan.sections.get(number="1")
    for language, (introduction, comment) in {
        "en": ("Introduction in English.", "Comment on section one."),
        "ru": ("Введение на русском.", "Комментарий к первому разделу."),
        "kk": ("Қазақша кіріспе.", "Бірінші бөлімге түсініктеме."),
    }.items():
        assessment = assessment_actions.update_texts(
            assessment,
            language=language,
            texts={"introduction": introduction, "conclusions": ""},
            section_comments={section.pk: comment},
            by=coordinator,
            expected_version=None,
        )
    return World(plan, assessment, build_snapshot(assessment, as_of=AS_OF))


def figures_from_database(plan: Plan, end: datetime.date) -> dict[str, Any]:
    """The summary's figures counted straight from the tables, as the summary defines them."""
    actions = Action.objects.filter(plan=plan)
    monitoring = ActionMonitoring.objects.filter(action__plan=plan)
    by_status = {
        status: monitoring.filter(assessed_status=status).count()
        for status in ImplementationStatus.values
    }
    by_status[NOT_ASSESSED] = actions.count() - monitoring.count()  # never assessed
    completed_on: dict[int, datetime.date] = {}
    for change in MonitoringChange.objects.filter(
        action__plan=plan,
        field=MonitoringChange.Field.ASSESSED_STATUS,
        new_value=ImplementationStatus.COMPLETED,
    ):
        completed_on[change.action_id] = timezone.localdate(change.at)
    due = actions.filter(due_date__lte=end)
    on_time = sum(1 for a in due if a.pk in completed_on and completed_on[a.pk] <= a.due_date)
    overdue = {
        item.action.pk
        for item in due_items(on=AS_OF, horizon_days=0, plan=plan)
        if item.kind == DueKind.ACTION_DEADLINE and item.overdue
    }
    return {
        "total": actions.count(),
        "by_status": by_status,
        "due": due.count(),
        "completed_on_time": on_time,
        "completed_late": sum(1 for a in due if a.pk in completed_on) - on_time,
        "overdue": len(overdue),
        "off_monitoring": monitoring.filter(on_monitoring=False).count(),
    }


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_in_every_language(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    connections: list[Any] = []
    monkeypatch.setattr(socket.socket, "connect", lambda *args: connections.append(args))
    # An image in a text (the sanitiser drops them; a snapshot may predate it) is not fetched.
    world.snapshot["assessment"]["introduction"]["en"] += (
        '<p><img src="https://example.org/tracker.png" alt=""></p>'
    )
    data = next(d for block, d in blocks_of(world.snapshot) if block.key == "summary")
    expected = figures_from_database(world.plan, world.assessment.end)
    assert {key: data[key] for key in expected} == expected
    assert expected["completed_on_time"] == 1 and expected["completed_late"] == 1

    for language, draft in (("en", True), ("ru", False), ("kk", False)):
        pdf = PdfReader(io.BytesIO(render_pdf(world.snapshot, language=language, draft=draft)))
        pages = [flat(page.extract_text()) for page in pdf.pages]
        text = " ".join(pages)
        with translation.override(language):
            check_content(world, pages, text, language)
            check_summary_figures(text, data)
            check_contents_and_page_numbers(world, pdf, pages)
            check_draft(pages, draft)
    assert connections == []


def check_content(world: World, pages: list[str], text: str, language: str) -> None:
    """Title, every action (number and title) and section, texts and evidence, in the language."""
    assert flat(document_title(world.snapshot, language)) in pages[0]
    for action in world.plan.actions.all():
        title = getattr(action, f"title_{language}") or action.title_en
        assert f"{action.number} {title}" in text
    for section in world.plan.sections.all():
        title = getattr(section, f"title_{language}") or section.title_en
        assert f"{section.number}. {title}" in text
    introduction = world.snapshot["assessment"]["introduction"][language]
    assert re.sub("<[^>]+>", "", introduction) in text
    assert "Register of legal acts" in text
    assert EVIDENCE_URL in text.replace(" ", "")  # printed in full, wrapped where needed
    adopted = _("Adopted document: %(type)s No. %(number)s of %(date)s") % {
        "type": "Order of the Minister",
        "number": "1042",
        "date": format_date("2022-11-18"),
    }
    assert flat(adopted) in text


def check_summary_figures(text: str, data: dict[str, Any]) -> None:
    """The key figures table lists every figure with its value, in order."""
    start = text.index(_("Key figures"))
    table = text[start : text.index(_("Actions by assessed status and section"), start)]
    rows = " ".join(f"{label} {value}" for label, value in SummaryBlock.figures(data))
    assert rows in table


def check_contents_and_page_numbers(world: World, pdf: PdfReader, pages: list[str]) -> None:
    """Each contents entry's page number leads to its heading; every page but the cover is
    numbered "page X of Y"; the section tables alone are on landscape pages."""
    total = len(pages)
    contents = pages[1]
    assert contents.startswith(_("Contents"))
    titles = [block.title for block, _data in blocks_of(world.snapshot)]
    titles += [_("Introduction"), _("How the figures are computed")]
    for title in map(str, titles):
        match = re.search(re.escape(title) + r" \.+ (\d+)", contents)
        assert match, title
        page = int(match[1])
        assert title in pages[page - 1]
        box = pdf.pages[page - 1].mediabox
        landscape = title == str(_("Implementation by section"))
        assert (box.width > box.height) is landscape, title
    footer = _("Page %(number)s of %(total)s")
    assert footer % {"number": 1, "total": total} not in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert footer % {"number": number, "total": total} in page
        assert "kz-test" in page


def check_draft(pages: list[str], draft: bool) -> None:
    notice = flat(_("DRAFT: not approved; the figures change with the data until approval."))
    assert (notice in pages[0]) is draft
    assert all((_("Draft").upper() in page) is draft for page in pages[1:])


# The HTML partials, as the web page renders them ------------------------------------------


class Outline(HTMLParser):
    """Headings, tables (caption, column headers' scope), links and charts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tables: list[dict[str, Any]] = []
        self.charts: list[dict[str, str | None]] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if tag == "a":
            self.links.append(attributes.get("href") or "")
        elif tag == "table":
            self.tables.append({"caption": "", "scopes": []})
        elif tag == "th" and "thead" in self._in:
            self.tables[-1]["scopes"].append(attributes.get("scope"))
        elif tag == "svg":
            self.charts.append(attributes)
        if tag in {"thead", "caption"}:
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "caption":
            self.tables[-1]["caption"] += data


def test_the_document_partials(world: World) -> None:
    with translation.override("ru"):
        html = render_to_string(
            "assessments/includes/document.html",
            {"snapshot": world.snapshot, "blocks": blocks_of(world.snapshot), "draft": False},
        )
        caption = _("Actions of section %(number)s") % {"number": "1"}
    outline = Outline()
    outline.feed(html)
    # Every table has a caption and column headers with scope="col": the summary's three
    # (figures, by section, by lead agency), periods, overdue, off monitoring, one per section.
    assert len(outline.tables) == 3 + 1 + 1 + 1 + 2
    for table in outline.tables:
        assert table["caption"].strip()
        assert table["scopes"] and set(table["scopes"]) == {"col"}
    assert [t for t in outline.tables if t["caption"].strip() == caption]
    # The contents link to headings that exist, one per block.
    internal = [link[1:] for link in outline.links if link.startswith("#")]
    assert internal == [
        "intro",
        *(f"block-{b.key}" for b, _d in blocks_of(world.snapshot)),
        "method",
    ]
    assert set(internal) <= outline.ids
    # Charts are images with a title and a description, next to their tables.
    assert len(outline.charts) == 2
    for chart in outline.charts:
        assert chart["role"] == "img"
        assert chart["aria-labelledby"]
    assert all(part in html for part in ("<title", "<desc"))
    # The coordinator's texts are sanitised HTML, shown as such.
    assert "<p>Введение на русском.</p>" in html
    assert "<p>Комментарий к первому разделу.</p>" in html
    assert f'href="{EVIDENCE_URL}"' in html
    assert "Разработать проект закона о правах человека" in html
    assert "<style" not in html and " style=" not in html and "<script" not in html


def test_rendering_fetches_nothing_from_the_network_nor_outside_the_project() -> None:
    fetcher = ProjectFilesOnly()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://example.org/tracker.png")
    with pytest.raises(ValueError, match="Outside the project"):
        fetcher.fetch("file:///etc/hostname")
