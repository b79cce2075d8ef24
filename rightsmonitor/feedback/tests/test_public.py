"""The public side: the form, the receipt, the check, and the protections against abuse."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rightsmonitor.feedback import actions
from rightsmonitor.feedback.models import Case, format_code

from .conftest import PDF_BYTES

SUBMIT = reverse("feedback:submit")
CHECK = reverse("feedback:check")


def _form(section, **extra: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "kind": "suggestion",
        "area": f"section:{section.pk}",
        "content": "Please publish the reports in Kazakh too.",
        "name": "",
        "email": "",
        "phone": "",
        "website": "",
        **extra,
    }


def test_the_form_lists_the_areas_of_published_plans(client: Client, section, db) -> None:  # type: ignore[no-untyped-def]
    from rightsmonitor.plans.tests.factories import PlanFactory

    PlanFactory(code="secret-draft", status="draft", title_en="A draft nobody may see")
    page = client.get(SUBMIT).content.decode()
    assert "Other or general" in page
    assert f'value="section:{section.pk}"' in page
    assert f'value="plan:{section.plan.pk}"' in page
    assert "A draft nobody may see" not in page
    assert 'lang="en"' in page


def test_submitting_shows_the_code_and_secret_once(client: Client, section, settings) -> None:  # type: ignore[no-untyped-def]
    response = client.post(SUBMIT, _form(section, email="me@example.org"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    case = Case.objects.get()
    page = response.content.decode()
    assert case.display_reference in page
    secret = re.search(r'id="receipt-secret"[^>]*>([A-Z0-9-]+)<', page).group(1)
    assert actions.check_case(case.reference, secret) is not None
    assert case.section == section and case.plan == section.plan and case.has_contact
    # Nothing is kept for the submitter on the server: no session, so the secret is nowhere.
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_attachment_is_accepted_and_stored_encrypted(client: Client, section, media_root) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("photo.pdf", PDF_BYTES, "application/pdf")
    assert client.post(SUBMIT, _form(section, attachment=upload)).status_code == 200
    (stored,) = [path for path in media_root.rglob("*") if path.is_file()]
    assert PDF_BYTES not in stored.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.exe", b"MZ\x90\x00", "cannot be attached"),
        ("fake.pdf", b"not a pdf at all", "not a real PDF file"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    client: Client, section, name, content, message
) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, content)
    response = client.post(SUBMIT, _form(section, attachment=upload))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Case.objects.exists()


def test_files_over_the_size_limit_are_refused(
    client: Client, section, settings, media_root
) -> None:  # type: ignore[no-untyped-def]
    settings.FEEDBACK_MAX_ATTACHMENT_BYTES = 1000
    upload = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2000, "application/pdf")
    response = client.post(SUBMIT, _form(section, attachment=upload))
    assert response.status_code == 400
    assert "The file is larger than" in response.content.decode()
    assert not Case.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_uploads_never_go_to_a_temporary_file(client: Client, section, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django would write anything bigger to /tmp
    settings.FILE_UPLOAD_TEMP_DIR = "/nonexistent-directory"  # ... and fail here if it tried
    upload = SimpleUploadedFile("photo.pdf", PDF_BYTES * 50, "application/pdf")
    assert client.post(SUBMIT, _form(section, attachment=upload)).status_code == 200


def test_missing_and_too_long_fields_are_explained(client: Client, section) -> None:  # type: ignore[no-untyped-def]
    response = client.post(SUBMIT, _form(section, content="", kind="", area="section:999999"))
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("This field is required.") >= 2
    assert 'href="#id_content"' in page  # the error summary links to the field
    too_long = client.post(SUBMIT, _form(section, content="x" * 10_001))
    assert "at most 10000 characters" in too_long.content.decode()
    assert not Case.objects.exists()


def test_the_honeypot_refuses_robots(client: Client, section) -> None:  # type: ignore[no-untyped-def]
    response = client.post(SUBMIT, _form(section, website="http://spam.example"))
    assert response.status_code == 400
    assert "could not be sent" in response.content.decode()
    assert not Case.objects.exists()


def test_submissions_are_rate_limited_per_address(section, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FEEDBACK_SUBMISSIONS_PER_HOUR = 2
    here, elsewhere = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    assert [here.post(SUBMIT, _form(section)).status_code for _ in range(3)] == [200, 200, 429]
    assert "Too many messages" in here.post(SUBMIT, _form(section)).content.decode()
    assert elsewhere.post(SUBMIT, _form(section)).status_code == 200
    assert Case.objects.count() == 3


def test_rate_limits_keep_no_address(section, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    Client(REMOTE_ADDR="10.9.8.7").post(SUBMIT, _form(section))
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  (locmem)
    assert keys and not [key for key in keys if "10.9.8.7" in key]


# Checking a case ------------------------------------------------------------------------------


def test_code_and_secret_show_the_answer_and_nothing_else(  # type: ignore[no-untyped-def]
    client: Client, submit, assigned
) -> None:
    receipt = submit(contact=actions.Contact(name="Dana", email="dana@example.org"))
    before = client.post(CHECK, {"code": receipt.code, "secret": receipt.secret})
    assert before.status_code == 200
    assert "There is no answer yet" in before.content.decode()
    actions.answer_case(receipt.case, text="We have asked the ministry to act.", by=assigned)
    # Typed carelessly: lower case, no dashes.
    response = client.post(
        CHECK, {"code": receipt.code.lower(), "secret": receipt.secret.replace("-", " ")}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "We have asked the ministry to act." in page and "Answered" in page
    for private in ("refused to register", "Dana", "dana@example.org", "Test"):
        assert private not in page  # not the message, the contact details, nor the staff


def test_a_wrong_secret_or_code_shows_nothing(client: Client, submit) -> None:  # type: ignore[no-untyped-def]
    receipt = submit()
    for code, secret in ((receipt.code, "AAAA-BBBB-CCCC-DDDD"), ("ZZZZ-ZZZZ", receipt.secret)):
        response = client.post(CHECK, {"code": code, "secret": secret})
        assert response.status_code == 400
        assert "No case matches this code and secret" in response.content.decode()


def test_guessing_is_rate_limited(submit, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FEEDBACK_FAILED_CHECKS_PER_HOUR = 3
    receipt = submit()
    guesser, other = Client(REMOTE_ADDR="10.0.0.5"), Client(REMOTE_ADDR="10.0.0.6")
    wrong = {"code": receipt.code, "secret": "WRONG-WRONG"}
    assert [guesser.post(CHECK, wrong).status_code for _ in range(4)] == [400, 400, 400, 429]
    # Even the right secret is refused while the address is paused.
    refused = guesser.post(CHECK, {"code": receipt.code, "secret": receipt.secret})
    assert refused.status_code == 429
    assert "checking is paused for up to an hour" in refused.content.decode()
    assert other.post(CHECK, {"code": receipt.code, "secret": receipt.secret}).status_code == 200


def test_codes_use_an_unambiguous_alphabet(submit) -> None:  # type: ignore[no-untyped-def]
    receipt = submit()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", receipt.code)
    assert re.fullmatch(r"([A-HJKMNP-Z2-9]{4}-){3}[A-HJKMNP-Z2-9]{4}", receipt.secret)
    assert format_code(receipt.case.reference) == receipt.code


def test_only_the_attachment_field_is_read(client: Client, section) -> None:  # type: ignore[no-untyped-def]
    extra = SimpleUploadedFile("other.pdf", PDF_BYTES, "application/pdf")
    upload = SimpleUploadedFile("photo.pdf", PDF_BYTES, "application/pdf")
    response = client.post(SUBMIT, _form(section, attachment=upload, other=extra))
    assert response.status_code == 200
    assert Case.objects.get().has_attachment
