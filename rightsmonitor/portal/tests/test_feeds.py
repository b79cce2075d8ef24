"""Atom feeds and iCalendar deadlines of plans and agencies, read as a subscriber reads them.

The world: plan "kz" (in force 28.04.2022–31.12.2025, annual reporting) with four actions, all
led by MIA with GPO co-executing: 1.1 due 31.12.2022; 1.2 "annually, by 25 January"; 2.1
quarterly; 2.2 ongoing (no date). MIA's report on 1.1 for 2022 is accepted, a draft is not;
the 2022 assessment is published, the 2023 one is a draft; an amendment of 1 March 2023; and
"kz" is later superseded by "kz-2". Plan "other" has one action led by a third agency.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import feedparser
import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from rightsmonitor.accounts.models import User
from rightsmonitor.assessments import actions as assessment_actions
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.conftest import client_for
from rightsmonitor.plans import actions as plan_actions
from rightsmonitor.plans.models import Action, Agency, Plan
from rightsmonitor.plans.tests.factories import (
    ActionAgencyFactory,
    ActionFactory,
    InstrumentFactory,
    PlanFactory,
    SectionFactory,
    build_plan,
)
from rightsmonitor.reporting import actions as reporting_actions
from rightsmonitor.reporting.models import ProgressReport, ReportingPeriod
from rightsmonitor.reporting.tests.factories import ProgressReportFactory
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db

CREATED_ON = datetime.datetime(2022, 4, 1, 9, 0, tzinfo=datetime.UTC)
ACCEPTED_ON = datetime.datetime(2023, 1, 20, 10, 0, tzinfo=datetime.UTC)
PUBLISHED_ON = datetime.datetime(2023, 2, 10, 9, 0, tzinfo=datetime.UTC)
SUPERSEDED_ON = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)
QUARTER_ENDS = [
    datetime.date(year, month, day)
    for year in range(2022, 2026)
    for month, day in ((3, 31), (6, 30), (9, 30), (12, 31))
    if datetime.date(year, month, day) >= datetime.date(2022, 4, 28)
]


@dataclass
class FeedWorld:
    plan: Plan
    actions: dict[str, Action]
    report: ProgressReport
    draft_report: ProgressReport
    assessment: Assessment
    draft_assessment: Assessment
    periods: list[ReportingPeriod]
    other_action: Action


def _set_deadline(action: Action, text: str) -> None:
    plan_actions.apply_deadline(action, text)
    action.save()


@pytest.fixture
def world(coordinator: User, focal_point_mia: User) -> FeedWorld:
    # History rows are dated by the clock: the plan is created before anything happens to it.
    with time_machine.travel(CREATED_ON, tick=False):
        plan = build_plan(
            code="kz",
            sections=2,
            actions_per_section=2,
            period_end=datetime.date(2025, 12, 31),
            title_ru="План по правам человека",
        )
        other_agency = Agency.objects.create(abbreviation="MJ", name_en="Ministry of Justice")
        other_action = ActionFactory(section=SectionFactory(plan=PlanFactory(code="other")))
        ActionAgencyFactory(action=other_action, agency=other_agency)
    actions = {action.number: action for action in plan.actions.select_related("plan")}
    _set_deadline(actions["1.2"], "annually, by 25 January")
    _set_deadline(actions["2.1"], "quarterly")
    _set_deadline(actions["2.2"], "ongoing")
    periods = reporting_actions.ensure_periods(plan, until=datetime.date(2025, 12, 31))
    with time_machine.travel(ACCEPTED_ON, tick=False):
        report = reporting_actions.start_report(
            actions["1.1"], focal_point_mia.agency, periods[0], by=focal_point_mia
        )
        reporting_actions.take_transition(report, "submit", by=focal_point_mia)
        reporting_actions.take_transition(report, "accept", by=coordinator)
        draft_report = reporting_actions.start_report(
            actions["1.1"], focal_point_mia.agency, periods[1], by=focal_point_mia
        )
    with time_machine.travel(PUBLISHED_ON, tick=False):
        assessment = assessment_actions.create_assessment(plan, period=periods[0], by=coordinator)
        assessment_actions.take_transition(assessment, "approve", by=coordinator)
        assessment_actions.take_transition(assessment, "publish", by=coordinator)
        draft_assessment = assessment_actions.create_assessment(
            plan, period=periods[1], by=coordinator
        )
    plan_actions.add_amendment(
        plan,
        instrument=InstrumentFactory(number="77", date=datetime.date(2023, 3, 1)),
        date=datetime.date(2023, 3, 1),
        summary={"en": "Adds two actions on torture prevention.", "ru": "Добавляет две меры."},
        by=coordinator,
    )
    return FeedWorld(
        plan=plan,
        actions=actions,
        report=report,
        draft_report=draft_report,
        assessment=assessment,
        draft_assessment=draft_assessment,
        periods=periods,
        other_action=other_action,
    )


def _feed(client: Client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def _calendar(client: Client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar, category: str = "Action deadline") -> list:
    return [
        event
        for event in calendar.walk("VEVENT")
        if category in [str(c) for c in event["CATEGORIES"].cats]
    ]


# Atom feeds ----------------------------------------------------------------------------------


def test_plan_feed_has_reports_assessments_and_changes(client: Client, world: FeedWorld) -> None:
    feed = _feed(client, "/plans/kz/feed.atom")
    assert feed.feed.title == f"{world.plan.title_en}: reports, assessments and changes"
    assert feed.feed.link == "http://testserver/plans/kz/"
    assert feed.feed.language == "en"
    entries = {entry.id.split(":", 2)[2]: entry for entry in feed.entries}
    assert set(entries) == {
        f"report/{world.report.pk}",
        f"assessment/{world.assessment.pk}",
        f"amendment/{world.plan.amendments.get().pk}",
        f"plan-change/{world.plan.history.earliest('history_date').history_id}",  # in force
    }
    assert all(entry.id.startswith("tag:127.0.0.1,") for entry in feed.entries)

    report = entries[f"report/{world.report.pk}"]
    assert report.title.startswith("Progress report on 1.1. Draft a law")
    assert report.link == f"http://testserver/plans/kz/actions/1.1/#report-{world.report.pk}"
    assert report.published_parsed[:5] == (2023, 1, 20, 10, 0)
    assert report.updated_parsed[:5] == (2023, 1, 20, 10, 0)
    assert report.author == "Agency MIA"
    assert "Reported by Agency MIA" in report.summary

    assessment = entries[f"assessment/{world.assessment.pk}"]
    assert assessment.title == f"Assessment of {world.plan.title_en} for 28.04.2022–31.12.2022"
    assert assessment.link == f"http://testserver/assessments/{world.assessment.pk}/"
    assert assessment.published_parsed[:4] == (2023, 2, 10, 9)
    assert "implementation is published" in assessment.summary  # no introduction

    amendment = entries[f"amendment/{world.plan.amendments.get().pk}"]
    assert "Government decree No. 77 of 1 March 2023" in amendment.title
    assert amendment.summary == "<p>Adds two actions on torture prevention.</p>"
    assert amendment.published.startswith("2023-03-01T00:00:00")  # midnight, local time
    # Newest first.
    assert [e.id.split(":", 2)[2].split("/")[0] for e in feed.entries] == [
        "amendment",
        "assessment",
        "report",
        "plan-change",
    ]


def test_plan_feed_in_russian(client: Client, world: FeedWorld) -> None:
    feed = _feed(client, "/ru/plans/kz/feed.atom")
    assert feed.feed.language == "ru"
    assert feed.feed.link == "http://testserver/ru/plans/kz/"
    assert "План по правам человека" in feed.feed.title
    links = {entry.link for entry in feed.entries}
    assert f"http://testserver/ru/plans/kz/actions/1.1/#report-{world.report.pk}" in links
    assert f"http://testserver/ru/assessments/{world.assessment.pk}/" in links
    amendment = next(e for e in feed.entries if "amendment/" in e.id)
    assert amendment.summary == "<p>Добавляет две меры.</p>"
    # The same entries as in English: ids do not depend on the language.
    english = _feed(client, "/plans/kz/feed.atom")
    assert {e.id for e in feed.entries} == {e.id for e in english.entries}


def test_new_version_appears_in_both_plans_feeds(
    client: Client, world: FeedWorld, coordinator: User
) -> None:
    with time_machine.travel(SUPERSEDED_ON - datetime.timedelta(days=30), tick=False):
        new = build_plan(code="kz-2", status=Plan.Status.DRAFT, title_en="Second plan")
    with time_machine.travel(SUPERSEDED_ON, tick=False):
        plan_actions.update_plan(new, {"status": Plan.Status.IN_FORCE}, by=coordinator)
        plan_actions.supersede_plan(world.plan, new, by=coordinator)
    old_feed = _feed(client, "/plans/kz/feed.atom")
    new_feed = _feed(client, "/plans/kz-2/feed.atom")
    superseded = f"{world.plan.title_en} is superseded by a new version: Second plan"
    (old_entry,) = [e for e in old_feed.entries if e.title == superseded]
    (new_entry,) = [e for e in new_feed.entries if e.title == superseded]
    assert old_entry.id == new_entry.id
    assert old_entry.published_parsed[:3] == (2025, 6, 1)
    assert "Second plan is in force" in [e.title for e in new_feed.entries]
    # Its creation as a draft is no news.
    assert len(new_feed.entries) == 2


def test_agency_feed(client: Client, world: FeedWorld) -> None:
    mia = _feed(client, "/agencies/MIA/feed.atom")
    assert mia.feed.title == "Agency MIA: reports, assessments and plan changes"
    assert mia.feed.link == "http://testserver/agencies/MIA/"
    kinds = sorted(entry.id.split(":", 2)[2].split("/")[0] for entry in mia.entries)
    assert kinds == ["amendment", "assessment", "plan-change", "report"]
    # GPO co-executes every action of the plan but wrote no report.
    gpo = _feed(client, "/agencies/GPO/feed.atom")
    assert sorted(e.id.split(":", 2)[2].split("/")[0] for e in gpo.entries) == [
        "amendment",
        "assessment",
        "plan-change",
    ]
    # MJ has actions only in "other", which has no reports, assessments or amendments.
    mj = _feed(client, "/agencies/MJ/feed.atom")
    assert [e.title for e in mj.entries] == [f"{world.other_action.plan.title_en} is in force"]
    assert client.get("/agencies/NOPE/feed.atom").status_code == 404


def test_drafts_are_not_in_feeds(client: Client, world: FeedWorld, coordinator: User) -> None:
    ids = {entry.id for entry in _feed(client_for(coordinator), "/plans/kz/feed.atom").entries}
    assert not any(f"report/{world.draft_report.pk}" in i for i in ids)
    assert not any(f"assessment/{world.draft_assessment.pk}" in i for i in ids)


def test_draft_plan_is_404_for_the_public(client: Client, coordinator: User, ngo_member) -> None:
    build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    for url in ("/plans/draft/feed.atom", "/plans/draft/deadlines.ics"):
        assert client.get(url).status_code == 404
        assert client_for(ngo_member).get(url).status_code == 404
        assert client_for(coordinator).get(url).status_code == 200
    # Nor do its actions reach an agency's calendar or feed.
    calendar = _calendar(client, "/agencies/MIA/deadlines.ics")
    assert not calendar.walk("VEVENT")


# Calendars -----------------------------------------------------------------------------------


def _uids(calendar: Calendar) -> list[str]:
    return [str(event["UID"]) for event in calendar.walk("VEVENT")]


def test_plan_calendar_has_every_dated_action(client: Client, world: FeedWorld) -> None:
    calendar = _calendar(client, "/plans/kz/deadlines.ics")
    assert str(calendar["X-WR-CALNAME"]) == f"Deadlines: {world.plan.title_en}"
    assert calendar["REFRESH-INTERVAL"].dt == datetime.timedelta(hours=12)
    by_action: dict[str, list[datetime.date]] = {}
    for event in _events(calendar):
        number = str(event["SUMMARY"]).split(" ", 1)[0]
        by_action.setdefault(number, []).append(event["DTSTART"].dt)
        assert not isinstance(event["DTSTART"].dt, datetime.datetime)  # all-day
        assert event["DTEND"].dt - event["DTSTART"].dt == datetime.timedelta(days=1)
        assert "RRULE" not in event
        assert event["DTSTAMP"].dt.tzinfo is not None
    assert by_action == {
        "1.1": [datetime.date(2022, 12, 31)],
        # One event per occurrence within the plan's period.
        "1.2": [datetime.date(year, 1, 25) for year in (2023, 2024, 2025)],
        "2.1": QUARTER_ENDS,
        # 2.2 is ongoing: nothing to put in a calendar.
    }
    # Every action with a due date is there.
    dated = {a.number for a in world.plan.actions.filter(due_date__isnull=False)}
    assert dated <= by_action.keys()

    first = next(e for e in _events(calendar) if str(e["SUMMARY"]).startswith("1.1 "))
    action = world.actions["1.1"]
    assert str(first["SUMMARY"]) == f"1.1 Deadline: {action.title_en}"
    assert str(first["UID"]) == f"action-{action.pk}-20221231@127.0.0.1"
    assert str(first["URL"]) == "http://testserver/plans/kz/actions/1.1/"
    description = str(first["DESCRIPTION"])
    assert "Lead agency: Agency MIA" in description
    assert "Co-executors: Agency GPO" in description
    assert "Deadline as written: December 2022" in description
    assert "http://testserver/plans/kz/actions/1.1/" in description


def test_plan_calendar_has_reporting_deadlines(client: Client, world: FeedWorld) -> None:
    calendar = _calendar(client, "/plans/kz/deadlines.ics")
    events = _events(calendar, "Reporting deadline")
    assert [e["DTSTART"].dt for e in events] == [p.submission_deadline for p in world.periods]
    assert str(events[0]["SUMMARY"]) == "Progress reports due (kz, 28.04.2022–31.12.2022)"


def test_uids_are_stable_between_requests(client: Client, world: FeedWorld) -> None:
    first = _uids(_calendar(client, "/plans/kz/deadlines.ics"))
    second = _uids(_calendar(client, "/ru/plans/kz/deadlines.ics"))
    assert first == second
    assert len(set(first)) == len(first)


def test_calendar_in_russian(client: Client, world: FeedWorld) -> None:
    calendar = _calendar(client, "/ru/plans/kz/deadlines.ics")
    assert "План по правам человека" in str(calendar["X-WR-CALNAME"])
    urls = {str(event["URL"]) for event in calendar.walk("VEVENT")}
    assert "http://testserver/ru/plans/kz/actions/1.1/" in urls


def test_agency_calendar_has_only_its_actions(client: Client, world: FeedWorld) -> None:
    gpo_led = ActionFactory(
        section=world.actions["1.1"].section, plan=world.plan, number="1.3", order=3
    )
    ActionAgencyFactory(action=gpo_led, agency=Agency.objects.get(abbreviation="GPO"))
    calendar = _calendar(client, "/agencies/GPO/deadlines.ics")
    events = _events(calendar)
    summaries = {str(e["SUMMARY"]) for e in events}
    assert f"1.3 Deadline (lead agency): {gpo_led.title_en}" in summaries
    assert f"1.1 Deadline (co-executor): {world.actions['1.1'].title_en}" in summaries
    roles = {
        str(e["SUMMARY"]).split(" ", 1)[0]: [str(c) for c in e["CATEGORIES"].cats] for e in events
    }
    assert roles["1.3"] == ["Action deadline", "Lead agency"]
    assert roles["1.1"] == ["Action deadline", "Co-executor"]
    assert world.other_action.title_en not in " ".join(summaries)
    assert len(events) == 1 + 1 + 3 + len(QUARTER_ENDS)
    # The reporting deadlines of the plans it takes part in, not of "other".
    assert len(_events(calendar, "Reporting deadline")) == len(world.periods)

    mj = _events(_calendar(client, "/agencies/MJ/deadlines.ics"))
    assert [str(e["SUMMARY"]) for e in mj] == [
        f"{world.other_action.number} Deadline (lead agency): {world.other_action.title_en}"
    ]


def test_feed_list_page(client: Client, world: FeedWorld) -> None:
    build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    html = client.get("/feeds/").content.decode()
    assert 'href="http://testserver/plans/kz/feed.atom"' in html
    assert 'href="webcal://testserver/plans/kz/deadlines.ics"' in html
    assert 'href="http://testserver/plans/kz/deadlines.ics"' in html
    assert 'href="webcal://testserver/agencies/GPO/deadlines.ics"' in html
    assert "/plans/draft/" not in html
    assert (
        'href="http://testserver/ru/plans/kz/feed.atom"'
        in client.get("/ru/feeds/").content.decode()
    )


def test_detail_pages_link_their_feeds(client: Client, world: FeedWorld) -> None:
    plan_page = client.get("/plans/kz/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in plan_page
    assert 'href="/plans/kz/deadlines.ics"' in plan_page
    agency_page = client.get("/agencies/MIA/").content.decode()
    assert 'href="/agencies/MIA/feed.atom"' in agency_page
    assert 'href="/agencies/MIA/deadlines.ics"' in agency_page


@pytest.mark.parametrize(
    "url",
    [
        "/plans/{code}/feed.atom",
        "/plans/{code}/deadlines.ics",
        "/agencies/MIA/feed.atom",
        "/agencies/MIA/deadlines.ics",
        "/feeds/",
    ],
)
def test_query_count_does_not_grow(
    client: Client, django_assert_max_num_queries, coordinator: User, url: str
) -> None:
    small = build_plan(code="small", sections=1, actions_per_section=2)
    with django_assert_max_num_queries(8):
        assert client.get(url.format(code=small.code)).status_code == 200
    big = build_plan(code="big", sections=5, actions_per_section=20)
    for action in big.actions.all()[:30]:
        _set_deadline(action, "quarterly")
    (period,) = reporting_actions.ensure_periods(big, until=datetime.date(2022, 12, 31))
    mia = Agency.objects.get(abbreviation="MIA")
    for action in big.actions.all()[:10]:
        ProgressReportFactory(action=action, agency=mia, period=period, state=ReportState.ACCEPTED)
    for n in range(5):
        plan_actions.add_amendment(
            big,
            instrument=InstrumentFactory(),
            date=datetime.date(2023, 1, n + 1),
            summary={"en": f"Change {n}"},
            by=coordinator,
        )
    with django_assert_max_num_queries(8):
        assert client.get(url.format(code=big.code)).status_code == 200
