"""Atom feeds and iCalendar deadlines of a plan or an agency, and the page that lists them.

A feed says what was published: accepted consolidated progress reports, published
assessments, amendments, and changes of a plan's status (in force, completed, superseded by a
new version). Status changes are read from the plan's history table: nothing else records
when they happened. An agency's feed has its own reports and everything about the plans it
has actions in. Everything is read through the apps' access helpers with the requesting
user, so a feed shows what the same user's pages show, and a draft plan is a 404 for the
public. Entry ids are tag URIs on SITE_URL's host, the same in every language.

Calendars are built by ``portal.calendars``; see there how recurring deadlines are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F, Max, Q, Window
from django.db.models.functions import Coalesce, Lag
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from rightsmonitor.assessments.access import assessments_for_user
from rightsmonitor.plans.access import actions_for_user, plans_for_user, visible_plan_or_404
from rightsmonitor.plans.models import Agency, Amendment, Plan
from rightsmonitor.portal.calendars import DeadlineCalendar, uid_host
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.models import ProgressReport, ProgressReportQuerySet, ReportingPeriod
from rightsmonitor.reporting.workflow import ReportState

# Entries of each kind in a feed: the most recent ones; older ones are on the pages.
FEED_SIZE = 50
SUMMARY_WORDS = 60


@dataclass(frozen=True)
class Entry:
    key: str  # "report/12": the language-neutral part of the entry's id
    title: str
    link: str  # a path; the feed adds the domain
    summary: str  # HTML
    published: datetime
    updated: datetime
    author: str

    @property
    def tag(self) -> str:
        """A tag URI (RFC 4151): unique and permanent, whatever the language or host used."""
        return f"tag:{uid_host()},{self.published:%Y-%m-%d}:{self.key}"


@dataclass(frozen=True)
class Channel:
    title: str
    subtitle: str
    link: str
    author: str
    entries: list[Entry]


def _summary(*paragraphs: str) -> str:
    """HTML paragraphs, cut after SUMMARY_WORDS words; empty when there is no text at all."""
    text = "\n\n".join(p for p in paragraphs if p)
    return linebreaks(Truncator(text).words(SUMMARY_WORDS), autoescape=True) if text else ""


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _name(plan: Plan) -> str:
    return str(plan.title or plan.code)


def _coordinator(plan: Plan) -> str:
    coordinator = plan.coordinator
    return str(coordinator.name or coordinator.abbreviation) if coordinator else settings.SITE_NAME


# Entries -------------------------------------------------------------------------------------


def _report_entries(reports: ProgressReportQuerySet) -> list[Entry]:
    """Accepted consolidated reports, dated by their acceptance."""
    accepted_at = Max("transitions__at", filter=Q(transitions__to_state=ReportState.ACCEPTED))
    accepted = (
        reports.filter(kind=ProgressReport.Kind.CONSOLIDATED, state=ReportState.ACCEPTED)
        .for_feed()
        # Reports accepted before the audit rows existed fall back to their last change.
        .annotate(accepted_at=Coalesce(accepted_at, "updated_at"))
        .order_by("-accepted_at", "-pk")[:FEED_SIZE]
    )
    entries = []
    for report in accepted:
        action, agency = report.action, report.agency
        values = {
            "number": action.number,
            "action": Truncator(action.title).words(12),
            "period": str(report.period),
        }
        reported = _("Reported by %(agency)s; status reported: %(status)s.") % {
            "agency": agency.name or agency.abbreviation,
            "status": report.get_proposed_status_display(),
        }
        entries.append(
            Entry(
                key=f"report/{report.pk}",
                title=_("Progress report on %(number)s. %(action)s (%(period)s)") % values,
                link=f"{action.get_absolute_url()}#report-{report.pk}",
                summary=_summary(reported, report.narrative),
                published=report.accepted_at,
                updated=report.accepted_at,
                author=str(agency.name or agency.abbreviation),
            )
        )
    return entries


def _assessment_entries(user: Any, plan_ids: list[int]) -> list[Entry]:
    published = (
        assessments_for_user(user)
        .published()
        .filter(plan__in=plan_ids)
        .select_related("plan__coordinator")
        .order_by("-published_at", "-pk")[:FEED_SIZE]
    )
    entries = []
    for assessment in published:
        values = {
            "plan": _name(assessment.plan),
            "period": f"{assessment.start:%d.%m.%Y}–{assessment.end:%d.%m.%Y}",  # as periods
            "edition": assessment.edition,
        }
        title = (
            _("Assessment of %(plan)s for %(period)s, edition %(edition)s") % values
            if assessment.edition > 1
            else _("Assessment of %(plan)s for %(period)s") % values
        )
        day = assessment.published_at or assessment.updated_at
        entries.append(
            Entry(
                key=f"assessment/{assessment.pk}",
                title=title,
                link=assessment.get_absolute_url(),
                summary=_summary(
                    unescape(strip_tags(assessment.introduction or assessment.conclusions))
                    or _("The assessment of the plan's implementation is published.")
                ),
                published=day,
                updated=day,
                author=_coordinator(assessment.plan),
            )
        )
    return entries


def _amendment_entries(plan_ids: list[int]) -> list[Entry]:
    """Amendments, dated by the day they came into force (nothing records when they were added)."""
    amendments = (
        Amendment.objects.filter(plan__in=plan_ids)
        .select_related("instrument", "plan")
        .order_by("-date", "-pk")[:FEED_SIZE]
    )
    return [
        Entry(
            key=f"amendment/{amendment.pk}",
            title=_("Amendment to %(plan)s: %(instrument)s")
            % {
                "plan": _name(amendment.plan),
                "instrument": amendment.instrument,
            },
            link=amendment.plan.get_absolute_url(),
            summary=_summary(amendment.summary),
            published=_midnight(amendment.date),
            updated=_midnight(amendment.date),
            author=amendment.instrument.issuing_authority,
        )
        for amendment in amendments
    ]


def _status_title(plan: Plan, status: str, successor: Plan | None) -> str:
    values = {"plan": _name(plan), "new": _name(successor) if successor else ""}
    if status == Plan.Status.SUPERSEDED and successor is not None:
        return _("%(plan)s is superseded by a new version: %(new)s") % values
    titles = {
        Plan.Status.DRAFT: _("%(plan)s is a draft again"),
        Plan.Status.IN_FORCE: _("%(plan)s is in force"),
        Plan.Status.COMPLETED: _("%(plan)s is completed"),
        Plan.Status.SUPERSEDED: _("%(plan)s is superseded"),
    }
    return titles[Plan.Status(status)] % values


def _status_entries(user: Any, plan_ids: list[int]) -> list[Entry]:
    """Status changes of the plans, and of older plans they replaced (a new version is news too).

    One query reads the history rows with each row's previous status (the window function
    LAG, over every row of the plans involved), one loads the plans they name.
    """
    replaced = plans_for_user(user).filter(superseded_by__in=plan_ids).values("pk")
    history = Plan.history.model.objects
    rows = (
        history.filter(Q(id__in=plan_ids) | Q(id__in=replaced))
        .annotate(
            previous=Window(
                Lag("status"),
                partition_by=[F("id")],
                order_by=[F("history_date").asc(), F("history_id").asc()],
            )
        )
        .order_by("-history_date", "-history_id")
        .values_list("history_id", "id", "status", "superseded_by_id", "history_date", "previous")
    )
    # A change is a new status; a plan created as a draft is no news, one created in force is.
    changes = [
        (history_id, plan_id, status, successor_id, when)
        for history_id, plan_id, status, successor_id, when, previous in rows
        if status != previous and not (previous is None and status == Plan.Status.DRAFT)
    ]
    named = {pk for change in changes for pk in (change[1], change[3]) if pk is not None}
    plans = plans_for_user(user).select_related("coordinator").in_bulk(named)
    entries = []
    for history_id, plan_id, status, successor_id, when in changes:
        plan = plans.get(plan_id)
        own = plan_id in plan_ids
        if plan is None or not (
            own or (status == Plan.Status.SUPERSEDED and successor_id in plan_ids)
        ):
            continue
        successor = plans.get(successor_id) if status == Plan.Status.SUPERSEDED else None
        summary = (
            _("The plan was replaced by a new version: %(plan)s.") % {"plan": _name(successor)}
            if successor is not None
            else _("Status of the plan: %(status)s.") % {"status": Plan.Status(status).label}
        )
        entries.append(
            Entry(
                key=f"plan-change/{history_id}",
                title=_status_title(plan, status, successor),
                link=plan.get_absolute_url(),
                summary=_summary(summary),
                published=when,
                updated=when,
                author=_coordinator(plan),
            )
        )
        if len(entries) == FEED_SIZE:
            break
    return entries


def _entries(user: Any, plan_ids: list[int], reports: ProgressReportQuerySet) -> list[Entry]:
    entries = [
        *_report_entries(reports),
        *_assessment_entries(user, plan_ids),
        *_amendment_entries(plan_ids),
        *_status_entries(user, plan_ids),
    ]
    entries.sort(key=lambda entry: (entry.updated, entry.key), reverse=True)
    return entries


# Atom feeds ----------------------------------------------------------------------------------


class _ChannelFeed(Feed):
    """An Atom feed of a ``Channel``; subclasses find the channel for the request."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def title(self, obj: Channel) -> str:
        return obj.title

    def subtitle(self, obj: Channel) -> str:
        return obj.subtitle

    def link(self, obj: Channel) -> str:
        return obj.link

    def author_name(self, obj: Channel) -> str:
        return obj.author

    def items(self, obj: Channel) -> list[Entry]:
        return obj.entries

    def item_title(self, item: Entry) -> str:
        return item.title  # the feed writer escapes it

    def item_description(self, item: Entry) -> str:
        return item.summary

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_guid(self, item: Entry) -> str:
        return item.tag

    def item_pubdate(self, item: Entry) -> datetime:
        return item.published

    def item_updateddate(self, item: Entry) -> datetime:
        return item.updated

    def item_author_name(self, item: Entry) -> str:
        return item.author


class PlanFeed(_ChannelFeed):
    def get_object(self, request: HttpRequest, code: str) -> Channel:
        plan = visible_plan_or_404(request.user, code)
        reports = reports_for_user(request.user).filter(action__plan=plan)
        return Channel(
            title=_("%(plan)s: reports, assessments and changes") % {"plan": _name(plan)},
            subtitle=_(
                "Accepted progress reports, published assessments, amendments and status "
                "changes of the plan."
            ),
            link=plan.get_absolute_url(),
            author=_coordinator(plan),
            entries=_entries(request.user, [plan.pk], reports),
        )


class AgencyFeed(_ChannelFeed):
    def get_object(self, request: HttpRequest, abbreviation: str) -> Channel:
        agency = get_object_or_404(Agency, abbreviation=abbreviation)
        plan_ids = list(
            plans_for_user(request.user)
            .filter(actions__assignments__agency=agency)
            .order_by()
            .values_list("pk", flat=True)
            .distinct()
        )
        reports = reports_for_user(request.user).filter(agency=agency)
        name = agency.name or agency.abbreviation
        return Channel(
            title=_("%(agency)s: reports, assessments and plan changes") % {"agency": name},
            subtitle=_(
                "Accepted progress reports of the agency, and published assessments, "
                "amendments and status changes of the plans it has actions in."
            ),
            link=agency.get_absolute_url(),
            author=str(name),
            entries=_entries(request.user, plan_ids, reports),
        )


plan_feed = PlanFeed()
agency_feed = AgencyFeed()


# Calendars -----------------------------------------------------------------------------------


def _calendar_response(calendar: DeadlineCalendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def plan_calendar(request: HttpRequest, code: str) -> HttpResponse:
    plan = visible_plan_or_404(request.user, code)
    calendar = DeadlineCalendar(
        name=_("Deadlines: %(plan)s") % {"plan": _name(plan)},
        description=_("Action deadlines and reporting deadlines of the plan."),
        absolute=request.build_absolute_uri,
        agency=None,
    )
    actions = plan.actions.with_related().order_by("section__order", "order", "pk")
    calendar.add_actions(actions)
    calendar.add_periods(plan.reporting_periods.with_plan().order_by("end"))
    return _calendar_response(calendar, f"{plan.code}-deadlines.ics")


def agency_calendar(request: HttpRequest, abbreviation: str) -> HttpResponse:
    agency = get_object_or_404(Agency, abbreviation=abbreviation)
    name = agency.name or agency.abbreviation
    calendar = DeadlineCalendar(
        name=_("Deadlines: %(agency)s") % {"agency": name},
        description=_(
            "Deadlines of the actions the agency leads or co-executes, and reporting deadlines "
            "of their plans."
        ),
        absolute=request.build_absolute_uri,
        agency=agency,
    )
    actions = (
        actions_for_user(request.user)
        .filter(assignments__agency=agency)
        .with_related()
        .order_by("plan__code", "section__order", "order", "pk")
    )
    calendar.add_actions(actions)
    plans = plans_for_user(request.user).filter(actions__assignments__agency=agency)
    periods = (
        ReportingPeriod.objects.filter(plan__in=plans.values("pk"))
        .with_plan()
        .order_by("end", "plan__code")
    )
    calendar.add_periods(periods)
    return _calendar_response(calendar, f"{agency.abbreviation}-deadlines.ics")


# The list of feeds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    name: str
    page: str
    feed: str
    calendar: str  # an https (or http) address
    webcal: str  # the same calendar for calendar programs that open webcal:// links


def _subscription(
    request: HttpRequest, name: str, page: str, feed: str, calendar: str
) -> Subscription:
    address = request.build_absolute_uri(calendar)
    return Subscription(
        name=name,
        page=page,
        feed=request.build_absolute_uri(feed),
        calendar=address,
        webcal=urlsplit(address)._replace(scheme="webcal").geturl(),
    )


def feed_list(request: HttpRequest) -> HttpResponse:
    plans = plans_for_user(request.user).order_by("status", "-period_start", "code")
    agencies = (
        Agency.objects.filter(assignments__action__in=actions_for_user(request.user))
        .distinct()
        .order_by("abbreviation")
    )
    plan_subscriptions = [
        _subscription(
            request,
            _name(plan),
            plan.get_absolute_url(),
            reverse("portal:plan_feed", args=[plan.code]),
            reverse("portal:plan_calendar", args=[plan.code]),
        )
        for plan in plans
    ]
    agency_subscriptions = [
        _subscription(
            request,
            str(agency),
            agency.get_absolute_url(),
            reverse("portal:agency_feed", args=[agency.abbreviation]),
            reverse("portal:agency_calendar", args=[agency.abbreviation]),
        )
        for agency in agencies
    ]
    groups = [
        {
            "heading": _("Plans"),
            "column": _("Plan"),
            "items": plan_subscriptions,
            "empty": _("No plans yet."),
        },
        {
            "heading": _("Agencies"),
            "column": _("Agency"),
            "items": agency_subscriptions,
            "empty": _("No agencies yet."),
        },
    ]
    return render(request, "portal/feeds.html", {"groups": groups})
