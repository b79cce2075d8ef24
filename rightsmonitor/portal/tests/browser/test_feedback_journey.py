"""The confidential feedback journey on the demo installation (issue 9).

A citizen, without an account, sends a complaint about a section of the demo plan with a file
and gets a receipt code and a secret (copied with the button); the demo coordinator (assigned
to the demo plan by the demo loader) reads it and answers; the citizen reads the answer with
the code and secret and replies, which puts the case back under review. axe checks the
submission form, the receipt, the case page and the answer page; at 360 px wide the receipt,
the case page and the answer page do not scroll sideways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rightsmonitor.accounts.models import User
from rightsmonitor.feedback.actions import submit_case
from rightsmonitor.feedback.models import AccessLog, Case
from rightsmonitor.plans.models import Plan

from .conftest import Axe, PageProblems
from .test_login import DEMO_COORDINATOR, DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MESSAGE = "At the district police station my complaint about my detention was not registered."
ANSWER = "The prosecutor's office has opened an inquiry into the station's refusal."
REPLY = "The station's register number of my visit is 1147."


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], f"{page.url} scrolls sideways at 360 px: {width}"


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_citizen_submits_coordinator_answers_citizen_reads(
    demo_plan: Plan,
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    page_problems: PageProblems,
    media_root: Path,
    axe: Axe,
) -> None:
    section = demo_plan.sections.order_by("order").first()
    assert section is not None

    # The citizen finds the form from any page and sends a complaint with a file.
    page.goto("/")
    page.get_by_role("link", name="Tell us: send an appeal, complaint or suggestion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us")
    axe.assert_accessible(page)
    page.get_by_label("Complaint").check()
    page.get_by_label("Which part of the plan is it about?").select_option(
        value=f"section:{section.pk}"
    )
    page.get_by_label("Your message").fill(MESSAGE)
    page.get_by_label("E-mail address").fill("citizen@example.kz")
    page.get_by_label("File (optional)").set_input_files(
        {"name": "refusal.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Send in confidence").click()

    # The receipt: code and secret, once, with a warning to write them down.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your message was received")
    expect(page.get_by_role("alert")).to_contain_text("Write down your receipt code")
    code = page.locator("#receipt-code").inner_text()
    secret = page.locator("#receipt-secret").inner_text()
    axe.assert_accessible(page)
    # The copy button puts the secret on the clipboard and says so to screen readers.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy the secret").click()
    expect(page.locator("#copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    # Printed, the receipt is the codes, the date and how to check, without the site around it.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("button", name="Copy the secret")).to_be_hidden()
    expect(page.locator("#receipt-secret")).to_be_visible()
    expect(page.get_by_text("Keep this sheet somewhere safe")).to_be_visible()
    page.emulate_media(media="screen")
    case = Case.objects.get()
    assert case.display_reference == code
    assert MESSAGE not in case.content

    # The coordinator, in their own browser session, reads and answers it.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    staff = context.new_page()
    staff.on("console", page_problems.on_console)
    staff.on("pageerror", page_problems.on_page_error)
    staff.on("response", page_problems.on_response)
    log_in(staff, DEMO_COORDINATOR, DEMO_PASSWORD)
    expect(staff.get_by_role("button", name="Log out")).to_be_visible()
    staff.get_by_role("link", name="Feedback cases", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Feedback cases")
    staff.get_by_role("link", name=code).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Case {code}")
    expect(staff.get_by_text(MESSAGE)).to_be_visible()
    axe.assert_accessible(staff)
    staff.set_viewport_size({"width": 360, "height": 740})
    assert_no_sideways_scroll(staff)
    staff.set_viewport_size({"width": 1280, "height": 800})
    staff.get_by_label("Answer to the submitter").fill(ANSWER)
    staff.get_by_role("button", name="Save the answer").click()
    expect(staff.get_by_role("status")).to_contain_text("The answer was saved")
    context.close()
    assert AccessLog.objects.filter(
        case=case, kind=AccessLog.Kind.READ_CONTENT, user__email=DEMO_COORDINATOR
    ).exists()

    # The citizen reads the answer with the code and the secret, and sees nothing else.
    page.get_by_role("link", name="Check your case").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your case")
    page.get_by_label("Receipt code").fill(code)
    page.get_by_label("Secret").fill(secret)
    page.get_by_role("button", name="Show the answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {code}")
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.get_by_text("Answered", exact=True)).to_be_visible()
    expect(page.get_by_text(MESSAGE)).to_have_count(0)
    expect(page.get_by_text("citizen@example.kz")).to_have_count(0)
    axe.assert_accessible(page)

    # The citizen replies on the same page; the case is under review again.
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_sideways_scroll(page)
    page.get_by_label("Your reply").fill(REPLY)
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your reply was sent")
    expect(page.get_by_text("Under review", exact=True)).to_be_visible()
    assert_no_sideways_scroll(page)
    axe.assert_accessible(page)
    case.refresh_from_db()
    assert case.status == "in_progress" and REPLY not in case.notes.get().text
    assert page_problems.problems == []


DEMO_FOCAL_MIA = "focal.mia@demo.rightsmonitor.org"


def test_coordinator_refers_and_the_focal_point_responds_on_a_phone(
    demo_plan: Plan, page: Page, browser: Browser, live_server: LiveServer, axe: Axe
) -> None:
    """The coordinator refers a case to MIA from the case page; MIA's focal point, at 360 px,
    finds only that case, reads it and writes the agency's response, which the coordinator
    then reads."""
    section = demo_plan.sections.order_by("order").first()
    assert section is not None
    referred = submit_case(kind="appeal", plan=demo_plan, section=section, content=MESSAGE).case
    other = submit_case(kind="complaint", plan=demo_plan, section=section, content="Another.").case

    log_in(page, DEMO_COORDINATOR, DEMO_PASSWORD)
    page.goto(f"/feedback/cases/{referred.pk}/")
    page.get_by_text("Refer to an agency").click()
    mia = User.objects.get(email=DEMO_FOCAL_MIA).agency_id
    page.get_by_role("combobox", name="Agency").select_option(value=str(mia))
    page.get_by_label("Note to the agency").fill("Please check the district station's register.")
    page.get_by_role("button", name="Refer the case").click()
    expect(page.get_by_role("status")).to_contain_text("The case was referred to MIA")
    axe.assert_accessible(page)

    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 360, "height": 740}
    )
    context.set_default_timeout(10_000)
    phone = context.new_page()
    log_in(phone, DEMO_FOCAL_MIA, DEMO_PASSWORD)
    phone.goto("/feedback/cases/")
    expect(phone.get_by_role("link", name=referred.display_reference)).to_be_visible()
    expect(phone.get_by_role("link", name=other.display_reference)).to_have_count(0)
    assert_no_sideways_scroll(phone)
    axe.assert_accessible(phone)
    phone.get_by_role("link", name=referred.display_reference).click()
    expect(phone.get_by_text(MESSAGE)).to_be_visible()
    expect(phone.get_by_text("Please check the district station's register.")).to_be_visible()
    expect(phone.get_by_role("button", name="Save the answer")).to_have_count(0)
    assert_no_sideways_scroll(phone)
    axe.assert_accessible(phone)
    phone.get_by_role("textbox", name="Note").fill(
        "The register shows no visit on that day; we are checking."
    )
    phone.get_by_label("The agency's response to the coordinator").check()
    phone.get_by_role("button", name="Add the note").click()
    expect(phone.get_by_role("status")).to_contain_text("The note was saved")
    assert_no_sideways_scroll(phone)
    context.close()

    page.reload()
    expect(page.get_by_text("The register shows no visit on that day")).to_be_visible()
    expect(page.get_by_text("Agency response", exact=True)).to_be_visible()
