"""iCalendar files of deadlines (RFC 5545) that calendar programs subscribe to.

A calendar holds one all-day event per date an action falls due and one per reporting
period's submission deadline (the day agencies send their progress reports).

Recurring deadlines ("annually, by 25 January", quarterly, ...) become one event per
occurrence within the plan's period, not an RRULE: the dates are exactly those that reminders
and due lists use (``reporting.queries.recurring_due_dates``, so 29 February falls back to the
28th the same way), each occurrence has a UID of its own that stays the same across requests
(``action-<pk>-<yyyymmdd>@<host>``), and no occurrence is shown after the plan ends. An action's
stored due date is always shown, so every dated action appears; a plan without a start or an
end shows a recurring action on that date only. Continuous actions and actions without a date
have nothing to put in a calendar and are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from rightsmonitor.plans.models import Action, ActionAgency, Agency
from rightsmonitor.reporting.models import ReportingPeriod
from rightsmonitor.reporting.queries import recurring_due_dates

# How often subscribers should fetch the calendar again; clients may ignore it.
REFRESH_INTERVAL = timedelta(hours=12)


def uid_host() -> str:
    """The host part of UIDs: the site's configured address, whatever host a request used."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def deadline_dates(action: Action) -> list[date]:
    """Every date ``action`` falls due: its due date and each occurrence within the plan."""
    dates = {action.due_date} if action.due_date else set()
    plan = action.plan
    if plan.period_start and plan.period_end:
        dates.update(recurring_due_dates(action, first=plan.period_start, last=plan.period_end))
    return sorted(dates)


def _agency_name(agency: Agency) -> str:
    return str(agency.name or agency.abbreviation)


def _summary(action: Action, role: str | None) -> str:
    """The event's title, "5.3 Deadline: ...", naming the agency's part in its own calendar."""
    values = {"number": action.number, "title": action.title}
    if role == ActionAgency.Role.LEAD:
        return _("%(number)s Deadline (lead agency): %(title)s") % values
    if role == ActionAgency.Role.CO_EXECUTOR:
        return _("%(number)s Deadline (co-executor): %(title)s") % values
    return _("%(number)s Deadline: %(title)s") % values


def _action_description(action: Action, url: str) -> str:
    lead = action.lead  # assignments are prefetched
    lines = [
        _("Lead agency: %(agency)s") % {"agency": _agency_name(lead.agency)}
        if lead
        else _("Lead agency: not named")
    ]
    if co_executors := action.co_executors:
        names = ", ".join(_agency_name(assignment.agency) for assignment in co_executors)
        lines.append(_("Co-executors: %(agencies)s") % {"agencies": names})
    if action.deadline_text:
        lines.append(_("Deadline as written: %(text)s") % {"text": action.deadline_text})
    lines.append(url)
    return "\n".join(lines)


class DeadlineCalendar:
    """Builds one calendar; ``absolute`` turns a path into a URL (request.build_absolute_uri)."""

    def __init__(
        self, *, name: str, description: str, absolute: Callable[[str], str], agency: Agency | None
    ) -> None:
        self.absolute = absolute
        self.agency = agency
        self.host = uid_host()
        self.stamp = timezone.now().replace(microsecond=0)
        self.calendar = Calendar()
        language = (get_language() or settings.LANGUAGE_CODE).upper()
        self.calendar.add("prodid", f"-//{settings.SITE_NAME}//Deadlines//{language}")
        self.calendar.add("version", "2.0")
        self.calendar.add("calscale", "GREGORIAN")
        self.calendar.add("method", "PUBLISH")
        self.calendar.add("name", name)
        self.calendar.add("x-wr-calname", name)
        self.calendar.add("x-wr-caldesc", description)
        self.calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        # An X- property has no known type: say that it is a duration ("PT12H").
        self.calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))

    def _event(self, *, uid: str, day: date, summary: str, description: str, url: str) -> Event:
        event = Event()
        event.add("uid", f"{uid}@{self.host}")
        event.add("dtstamp", self.stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))  # all-day: the end is exclusive
        event.add("summary", summary)
        event.add("description", description)
        event.add("url", url)
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        self.calendar.add_component(event)
        return event

    def add_actions(self, actions: Iterable[Action]) -> None:
        """``actions`` with ``plan`` and ``assignments`` (with their agencies) loaded."""
        for action in actions:
            role = None
            categories = [_("Action deadline")]
            if self.agency is not None:
                assignment = next(
                    (a for a in action.assignments.all() if a.agency_id == self.agency.pk), None
                )
                if assignment is not None:
                    role = assignment.role
                    categories.append(str(assignment.get_role_display()))
            url = self.absolute(action.get_absolute_url())
            for day in deadline_dates(action):
                event = self._event(
                    uid=f"action-{action.pk}-{day:%Y%m%d}",
                    day=day,
                    summary=_summary(action, role),
                    description=_action_description(action, url),
                    url=url,
                )
                event.add("categories", categories)

    def add_periods(self, periods: Iterable[ReportingPeriod]) -> None:
        """``periods`` with ``plan`` loaded: their submission deadlines."""
        for period in periods:
            # Numeric dates, as the period is written everywhere else ("28.04.2022–31.12.2022").
            values = {
                "plan": period.plan.code,
                "period": str(period),
                "review": f"{period.review_deadline:%d.%m.%Y}",
            }
            url = self.absolute(period.plan.get_absolute_url())
            description = _(
                "Responsible agencies send their progress reports for %(period)s. "
                "The coordinator reviews them by %(review)s."
            )
            event = self._event(
                uid=f"period-{period.pk}-submission",
                day=period.submission_deadline,
                summary=_("Progress reports due (%(plan)s, %(period)s)") % values,
                description=f"{description % values}\n{url}",
                url=url,
            )
            event.add("categories", [_("Reporting deadline")])

    def to_ical(self) -> bytes:
        return self.calendar.to_ical()
