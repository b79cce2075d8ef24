"""Every status count the public is shown agrees, on the demo plan: the dashboard's figures,
each action page's status, the open data (CSV, JSON), the API and a newly generated and
published assessment (its snapshot and its web page); first as the demo is loaded, then after
the coordinator gives a verdict on one action and accepts a report without one.

Actions the coordinator never assessed are "Not yet assessed" everywhere, never "Not started"
(``reporting.queries``, the one definition). The demo is loaded once for the module (about a
minute), inside a transaction rolled back at its end.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import json
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rightsmonitor.accounts.models import Role, User
from rightsmonitor.assessments import actions as assessment_actions
from rightsmonitor.plans.models import Plan
from rightsmonitor.reporting import actions as reporting_actions
from rightsmonitor.reporting.models import ActionMonitoring, ImplementationStatus, ProgressReport
from rightsmonitor.reporting.queries import (
    NOT_ASSESSED,
    STATUSES,
    status_counts,
    status_label,
    status_of,
    with_monitoring,
)
from rightsmonitor.reporting.workflow import ReportState

DEMO_PLAN = "kz-hr-2022"
LABELS = {status_label(key): key for key in STATUSES}
_EDITIONS = itertools.count()


@pytest.fixture
def plan(demo_data, db) -> Plan:  # type: ignore[no-untyped-def]
    return Plan.objects.get(code=DEMO_PLAN)


# Reading what each place shows ----------------------------------------------------------------


class _Tables(HTMLParser):
    """Every table of a page: its caption and its rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._caption):
            if part is not None:
                part.append(data)


def table(html: str, caption: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(html)
    return next(t["rows"] for t in parser.tables if t["caption"] == caption)


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def zero() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


def dashboard_counts(plan: Plan) -> list[dict[str, int]]:
    """The status table, and the column sums of the tables by section and by lead agency."""
    html = Client().get(reverse("portal:dashboard", args=[plan.code])).content.decode()
    shown = zero()
    for row in table(html, "Actions by assessed status"):
        if row[0] in LABELS:
            shown[LABELS[row[0]]] = number(row[1])
    found = [shown]
    for caption in (
        "Actions by assessed status and section",
        "Actions by assessed status and lead agency",
    ):
        header, *rows = table(html, caption)
        keys = [LABELS[label] for label in header[1:-1]]
        sums = zero()
        for row in rows:
            for key, cell in zip(keys, row[1:-1], strict=True):
                sums[key] += number(cell)
        found.append(sums)
    assert "Not assessed yet" not in html
    return found


STATUS_ON_PAGE = re.compile(
    r'<dt>Implementation status</dt><dd><span class="badge badge-(\w+)">([^<]+)</span></dd>'
)
OFFICIAL_ON_PAGE = re.compile(
    r'Official \(coordinator\)</th>\s*<td><span class="badge badge-(\w+)">([^<]+)</span>'
)


def action_page_counts(plan: Plan) -> dict[str, int]:
    """Each action page's status label; the participation panel's "official" agrees."""
    shown = zero()
    client = Client()
    for action in plan.actions.all():
        html = client.get(action.get_absolute_url()).content.decode()
        ((key, label),) = STATUS_ON_PAGE.findall(html)
        assert label == status_label(key)
        for official_key, official_label in OFFICIAL_ON_PAGE.findall(html):
            assert (official_key, official_label) == (key, label)
        assert "Not assessed yet" not in html
        shown[key] += 1
    return shown


def open_data_counts(plan: Plan) -> list[dict[str, int]]:
    client = Client()
    found = []
    response = client.get(
        reverse("portal:data_download", args=["actions", "csv"]), {"plan": plan.code}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    found.append(_tally(row["status"] for row in csv.DictReader(io.StringIO(text))))
    response = client.get(
        reverse("portal:data_download", args=["actions", "json"]), {"plan": plan.code}
    )
    data = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    found.append(_tally(row["status"] for row in data["rows"]))
    return found


def api_counts(plan: Plan) -> list[dict[str, int]]:
    client = Client()
    found = []
    for path in ("/api/v1/actions/", "/api/v1/monitoring/"):
        statuses: list[str] = []
        url: str | None = f"{path}?plan={plan.code}"
        while url:
            page = client.get(url).json()
            statuses += [item["assessed_status"] for item in page["results"]]
            url = page["next"]
        found.append(_tally(statuses))
    return found


def assessment_counts(plan: Plan) -> list[dict[str, int]]:
    """A new assessment of the plan's whole period, approved and published: its snapshot's
    summary and the figures of its public web page."""
    coordinator = User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk").first()
    # A period of its own each time (one assessment per period); the statuses are as of now.
    end = plan.period_end - datetime.timedelta(days=next(_EDITIONS))
    assessment = assessment_actions.create_assessment(
        plan, start=plan.period_start, end=end, by=coordinator
    )
    for step in ("approve", "publish"):
        assessment_actions.take_transition(assessment, step, by=coordinator)
    assessment.refresh_from_db()
    (summary,) = [b["data"] for b in assessment.snapshot["blocks"] if b["key"] == "summary"]
    from_snapshot = zero() | summary["by_status"]
    html = Client().get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    shown = zero()
    for row in table(html, "Key figures"):
        if row[0] in LABELS:
            shown[LABELS[row[0]]] = number(row[1])
    return [from_snapshot, shown]


def _tally(keys: Any) -> dict[str, int]:
    counted = Counter(keys)
    assert set(counted) <= set(STATUSES), counted
    return zero() | dict(counted)


def truth(plan: Plan) -> dict[str, int]:
    """Counted here without the shared helpers: a monitoring row is a verdict, none is none."""
    verdicts = dict(
        ActionMonitoring.objects.filter(action__plan=plan).values_list("action", "assessed_status")
    )
    return _tally(
        verdicts.get(pk, NOT_ASSESSED) for pk in plan.actions.values_list("pk", flat=True)
    )


def assert_all_agree(plan: Plan) -> dict[str, int]:
    expected = truth(plan)
    assert status_counts(plan) == expected
    assert sum(expected.values()) == plan.actions.count()
    places = {
        "dashboard": dashboard_counts(plan),
        "action pages": [action_page_counts(plan)],
        "open data": open_data_counts(plan),
        "API": api_counts(plan),
        "assessment": assessment_counts(plan),
    }
    for place, counts in places.items():
        for shown in counts:
            assert shown == expected, place
    return expected


# The tests ------------------------------------------------------------------------------------


def test_the_demo_as_loaded(plan: Plan) -> None:
    counts = assert_all_agree(plan)
    # The demo's coordinator gave verdicts on some actions only; the others were never
    # assessed, and no verdict said "not started".
    assert counts[NOT_ASSESSED] > 0
    assert counts[ImplementationStatus.NOT_STARTED] == 0


def test_after_a_verdict_and_an_acceptance_without_one(plan: Plan) -> None:
    before = assert_all_agree(plan)
    coordinator = User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk").first()
    never = next(
        a for a in with_monitoring(plan.actions.order_by("pk")) if status_of(a) == NOT_ASSESSED
    )
    reporting_actions.set_assessed_status(never, ImplementationStatus.NOT_STARTED, by=coordinator)

    waiting = (
        ProgressReport.objects.filter(
            action__plan=plan,
            kind=ProgressReport.Kind.CONSOLIDATED,
            state__in=[ReportState.SUBMITTED, ReportState.RESUBMITTED],
        )
        .exclude(action=never)
        .select_related("action")
        .order_by("pk")
        .first()
    )
    assert waiting is not None
    status_before = status_of(with_monitoring(plan.actions.all()).get(pk=waiting.action_id))
    assert waiting.proposed_status != status_before  # so keeping it is visible
    reporting_actions.take_transition(waiting, "accept", by=coordinator)
    assert waiting.state == ReportState.ACCEPTED
    assert status_of(with_monitoring(plan.actions.all()).get(pk=waiting.action_id)) == status_before

    after = assert_all_agree(plan)
    # Only the verdict moved a count: one action from "not yet assessed" to "not started".
    assert after[NOT_ASSESSED] == before[NOT_ASSESSED] - 1
    assert after[ImplementationStatus.NOT_STARTED] == before[ImplementationStatus.NOT_STARTED] + 1
    assert {k: v for k, v in after.items() if k not in (NOT_ASSESSED, "not_started")} == {
        k: v for k, v in before.items() if k not in (NOT_ASSESSED, "not_started")
    }
