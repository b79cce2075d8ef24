"""The reporting journey, each person in their own browser session on the demo installation.

MIA (which here uses the "ready for sign-off" step) : its focal point drafts a report with a
PDF and marks it ready, MIA's validating authority signs it off, the focal point submits, the
coordinator returns it with a comment, the focal point revises, it is marked ready and signed
off again and resubmitted, the coordinator accepts it, assesses the action completed and takes
it off monitoring, and the public action page shows that verdict. Each irreversible step asks
for confirmation first.

The mails of every hand-off are checked (the live server runs in this process, so Django's
test mail backend collects them in ``mail.outbox``): who receives which, in their language (the
deputy reads Russian, the focal point Kazakh), with the coordinator's comment in the return
mail; and the daily digest run twice on the same day sends nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rightsmonitor.accounts.models import User
from rightsmonitor.plans.models import Plan
from rightsmonitor.reporting.models import (
    AgencyReportingSettings,
    ProgressReport,
    ReminderDigest,
    ReportTransition,
)
from rightsmonitor.reporting.reminders import send_reminders

from .conftest import Axe, PageProblems
from .test_login import DEMO_COORDINATOR, DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser

FOCAL_POINT = "focal.mia@demo.rightsmonitor.org"
VALIDATOR = "deputy.mia@demo.rightsmonitor.org"
ACTION = "5.3"  # led by MIA; the demo has no report on it yet
REPORT_NAME = f"(report {ACTION}, MIA)"
# The smallest file the evidence check accepts as a PDF.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def session_of(
    browser: Browser, live_server: LiveServer, page_problems: PageProblems
) -> Iterator[Callable[[str], Page]]:
    """A logged-in page per person, each in its own browser context (own cookies).

    What goes wrong in any of them is recorded in ``page_problems`` too.
    """
    pages: dict[str, Page] = {}
    contexts = []

    def open_as(email: str) -> Page:
        if email not in pages:
            context = browser.new_context(base_url=live_server.url, locale="en-GB")
            context.set_default_timeout(10_000)
            contexts.append(context)
            pages[email] = context.new_page()
            pages[email].on("console", page_problems.on_console)
            pages[email].on("pageerror", page_problems.on_page_error)
            pages[email].on("requestfailed", page_problems.on_request_failed)
            pages[email].on("response", page_problems.on_response)
            log_in(pages[email], email, DEMO_PASSWORD)
            expect(pages[email].get_by_role("button", name="Log out")).to_be_visible()
        return pages[email]

    yield open_as
    for context in contexts:
        context.close()


def _report_page(page: Page, report: ProgressReport) -> None:
    page.goto(f"/reporting/reports/{report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Report on action {ACTION} (MIA)")


def _take_step(page: Page, step: str, comment: str = "", *, confirm: bool = True) -> None:
    """Press the step's button; an irreversible step shows a summary and asks again."""
    form = page.locator("form", has=page.get_by_role("button", name=f"{step} {REPORT_NAME}"))
    if comment:
        form.get_by_label(re.compile("^Comment")).fill(comment)
    form.get_by_role("button", name=f"{step} {REPORT_NAME}").click()
    if confirm:
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{step}: report {ACTION} (MIA)?")
        if comment:
            expect(page.get_by_text(comment)).to_be_visible()
        page.get_by_role("button", name=f"Yes: {step}").click()
    expect(page.get_by_role("status")).to_be_visible()


def _mails() -> list[tuple[str, str, str]]:
    """(recipient, language of the HTML part, plain text) of the mails sent since last asked."""
    found = []
    for message in mail.outbox:
        html = message.alternatives[0][0] if message.alternatives else ""
        lang = re.search(r'<html lang="([^"]+)"', str(html))
        found.append((message.to[0], lang.group(1) if lang else "", str(message.body)))
    mail.outbox.clear()
    return found


def _to(mails: list[tuple[str, str, str]]) -> dict[str, str]:
    """Recipient -> language."""
    return {to: lang for to, lang, _body in mails}


def test_report_from_draft_to_off_monitoring(
    demo_plan: Plan,
    session_of: Callable[[str], Page],
    page: Page,
    page_problems: PageProblems,
    media_root: Path,
    axe: Axe,
) -> None:
    # The deputy reads Russian, the focal point Kazakh (set once they are logged in: logging in
    # lands on the home page in that language); MIA uses the ready step.
    author, validator = session_of(FOCAL_POINT), session_of(VALIDATOR)
    User.objects.filter(email=VALIDATOR).update(preferred_language="ru")
    User.objects.filter(email=FOCAL_POINT).update(preferred_language="kk")
    AgencyReportingSettings.objects.filter(agency__abbreviation="MIA").update(ready_step=True)
    coordinators = set(
        User.objects.filter(role="coordinator", is_active=True).values_list("email", flat=True)
    )
    mia_focal_points = set(
        User.objects.filter(
            role="focal_point", is_active=True, agency__abbreviation="MIA"
        ).values_list("email", flat=True)
    )
    mail.outbox.clear()  # what loading the demo sent

    # The focal point starts the report from "My tasks" and writes it.
    author = session_of(FOCAL_POINT)
    author.get_by_role("navigation", name="Main").get_by_role("link", name="My tasks").click()
    expect(author.get_by_role("heading", level=1)).to_have_text("My tasks")
    axe.assert_accessible(author)
    author.get_by_role(
        "button", name=f"Start report (action {ACTION}, period 1 January 2023–31 December 2023)"
    ).click()
    expect(author.get_by_role("heading", level=1)).to_contain_text(f"action {ACTION} (MIA)")
    report = ProgressReport.objects.get(action__plan=demo_plan, action__number=ACTION)
    author.goto(f"/reporting/reports/{report.pk}/edit/")
    author.get_by_label("What was done").fill("Draft amendments were sent to the Government.")
    author.get_by_label("Proposed status").select_option("completed")
    author.get_by_label("Type").fill("Order")
    author.get_by_label("Number").fill("77")
    author.get_by_role("button", name="Save report").click()
    expect(author.get_by_role("status")).to_contain_text("saved")
    axe.assert_accessible(author)

    # ... attaches the adopted order as a PDF ...
    author.get_by_label("File").set_input_files(
        {"name": "order-77.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    author.get_by_label("Description").fill("The signed order")
    author.get_by_role("button", name=f"Add evidence {REPORT_NAME}").click()
    expect(author.get_by_role("link", name="order-77.pdf")).to_be_visible()
    assert len(list((media_root / "evidence").rglob("*.pdf"))) == 1

    # The focal point marks it ready: the deputy is told, in Russian.
    assert _mails() == []
    _take_step(author, "Mark ready for sign-off", confirm=False)
    assert _to(_mails()) == {VALIDATOR: "ru"}

    # The validating authority signs it off (the focal points hear of it); it is submitted.
    validator = session_of(VALIDATOR)
    _report_page(validator, report)
    _take_step(validator, "Sign off")
    expect(validator.get_by_text("Signed off by the agency").first).to_be_visible()
    signed_off = _to(_mails())
    assert set(signed_off) == mia_focal_points - {VALIDATOR}
    assert signed_off[FOCAL_POINT] == "kk"
    _report_page(author, report)
    _take_step(author, "Submit")
    assert set(_to(_mails())) == coordinators

    # The coordinator finds it on the dashboard and returns it with a comment.
    coordinator = session_of(DEMO_COORDINATOR)
    coordinator.goto("/reporting/dashboard/")
    axe.assert_accessible(coordinator)
    coordinator.get_by_role("link", name=f"Review report {ACTION} (MIA)").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        f"Report on action {ACTION} (MIA)"
    )
    _take_step(coordinator, "Return for revision", "Give the date the order was registered.")
    returned = _mails()
    assert {to for to, _lang, _body in returned} == mia_focal_points
    assert all("Give the date the order was registered." in body for _to, _l, body in returned)
    assert _to(returned)[FOCAL_POINT] == "kk" and _to(returned)[VALIDATOR] == "ru"

    # The focal point sees the comment, revises; signed off again, resubmitted.
    _report_page(author, report)
    expect(author.get_by_text("Give the date the order was registered.").first).to_be_visible()
    author.get_by_role("link", name=f"Edit report {REPORT_NAME}").click()
    author.get_by_label("Date").fill("2023-11-20")
    author.get_by_role("button", name="Save report").click()
    expect(author.get_by_role("status")).to_contain_text("saved")
    _report_page(author, report)
    _take_step(author, "Mark ready for sign-off", confirm=False)
    _report_page(validator, report)
    _take_step(validator, "Sign off")
    _report_page(author, report)
    _mails()
    _take_step(author, "Resubmit")
    assert set(_to(_mails())) == coordinators

    # The coordinator accepts, assesses the action completed and takes it off monitoring.
    _report_page(coordinator, report)
    _take_step(coordinator, "Accept")
    expect(coordinator.get_by_text("Accepted").first).to_be_visible()
    accepted = _to(_mails())
    assert set(accepted) == mia_focal_points
    assert (accepted[FOCAL_POINT], accepted[VALIDATOR]) == ("kk", "ru")
    coordinator.goto(f"/reporting/actions/{report.action_id}/monitoring/")
    axe.assert_accessible(coordinator)
    coordinator.get_by_role("combobox", name="Assessed status").select_option("completed")
    coordinator.get_by_role("button", name="Save status").click()
    expect(coordinator.get_by_role("status")).to_be_visible()
    coordinator.get_by_label("Reason for taking the action off monitoring").fill(
        "Completed: the order is in force."
    )
    coordinator.get_by_role("button", name="Take off monitoring").click()
    expect(coordinator.get_by_role("status")).to_be_visible()

    # The audit trail holds exactly the journey.
    assert [
        (row.from_state, row.to_state, row.actor.email if row.actor else None)
        for row in ReportTransition.objects.filter(report=report).order_by("pk")
    ] == [
        ("draft", "ready", FOCAL_POINT),
        ("ready", "signed_off", VALIDATOR),
        ("signed_off", "submitted", FOCAL_POINT),
        ("submitted", "returned", DEMO_COORDINATOR),
        ("returned", "ready", FOCAL_POINT),
        ("ready", "signed_off", VALIDATOR),
        ("signed_off", "resubmitted", FOCAL_POINT),
        ("resubmitted", "accepted", DEMO_COORDINATOR),
    ]

    # The public (no login) sees the verdict on the action page.
    page.goto(f"/plans/{demo_plan.code}/actions/{ACTION}/")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("Completed")
    expect(facts).to_contain_text("Off monitoring")
    expect(facts).to_contain_text("Completed: the order is in force.")
    # ... and the accepted report, with its evidence.
    expect(page.get_by_text("Draft amendments were sent to the Government.")).to_be_visible()
    expect(page.get_by_role("link", name="order-77.pdf")).to_be_visible()
    axe.assert_accessible(page)
    # The evidence link downloads the file without login (its public address).
    with page.expect_download() as download:
        page.get_by_role("link", name="order-77.pdf").click()
    assert download.value.suggested_filename == "order-77.pdf"
    assert Path(download.value.path()).read_bytes() == PDF_BYTES
    assert not page_problems.problems, "\n".join(page_problems.problems)

    # The daily digest, run twice on the same day: the second run sends nothing.
    today = timezone.localdate()
    send_reminders(on=today)
    first = _mails()
    assert ReminderDigest.objects.filter(day=today).count() == len(first)
    send_reminders(on=today)
    assert _mails() == []
