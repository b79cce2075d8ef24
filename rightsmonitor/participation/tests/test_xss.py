"""Script and markup in comments never execute: a set of classic payloads goes through posting,
moderation and the public thread, the moderation queue, the action page and the consultation
summary, and comes out inert.

Inert means: inside a comment only the allow-list's elements (p, br, strong, em, ul, ol, li,
blockquote, a) with no attribute but a link's ``href`` (http, https or mailto) and its ``rel``;
and anywhere in the page no event-handler attribute, no ``javascript:``/``data:``/``vbscript:``
address, and no script, iframe, object, embed, form field or style other than the site's own.
Template syntax stays text: comments are values in templates, never template source.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.participation import actions
from rightsmonitor.participation.markup import ALLOWED_TAGS, comment_html, comment_text
from rightsmonitor.participation.models import Comment
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<body onload=alert(1)>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab entity</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">ent</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="/relative">relative</a>',
    '<a href="https://example.org" onclick="alert(1)" style="color:red">styled link</a>',
    '<p style="background:url(javascript:alert(1))">style url</p>',
    '<div style="width: expression(alert(1))">expression</div>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="password"><button>Log in</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<<script>script>alert(1)<</script>/script>",
    "<p>unclosed <strong>bold <em>nested",
    '<IMG """><SCRIPT>alert(1)</SCRIPT>">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "{{ request.user.password }}{% debug %}{% load static %}{{ 7|add:1 }}",
    "{% include 'base.html' %}${alert(1)}#{alert(1)}",
    '-->"><script>alert(1)</script><!--',
    "]]><script>alert(1)</script>",
    '<a href="https://example.org/ok">a good link</a> and <strong>bold</strong>',
    '=HYPERLINK("https://evil.example","click")',
]

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "style",
    "svg",
    "math",
    "img",
    "meta",
    "base",
    "link",
    "video",
    "source",
    "details",
    "body",
    "frame",
}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


@pytest.fixture(autouse=True)
def _no_rate_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARTICIPATION_COMMENTS_PER_HOUR = 10_000


class PageAudit(HTMLParser):
    """Collects every element of a page, and the elements inside comment bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.in_comment: list[tuple[str, dict[str, str]]] = []
        self.depth = 0  # >0 inside <div class="comment-body">
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if self.depth:
            self.in_comment.append((tag, attributes))
        if tag in {"br", "img", "input", "meta", "link", "source", "embed", "base"}:
            return
        self.stack.append(tag)
        if self.depth:
            self.depth += 1
        elif tag == "div" and attributes.get("class") == "comment-body":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack:
                if self.depth:
                    self.depth -= 1
                if self.stack.pop() == tag:
                    break


def assert_inert(html: str, *, site_forms: bool = True) -> None:
    audit = PageAudit()
    audit.feed(html)
    for tag, attributes in audit.elements:
        for name, value in attributes.items():
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            if name in {"href", "src", "action", "formaction", "srcdoc", "data"}:
                assert not value.strip().lower().startswith(BAD_SCHEMES), f"<{tag} {name}={value}>"
        if tag == "script":
            assert attributes.get("src", "").startswith("/static/"), f"foreign script {attributes}"
        if tag in {"iframe", "object", "embed", "svg", "math", "base", "meta"}:
            assert tag == "meta" and "http-equiv" not in attributes, f"<{tag}> in the page"
    for tag, attributes in audit.in_comment:
        assert tag in ALLOWED_TAGS, f"<{tag}> inside a comment"
        assert tag not in DANGEROUS_TAGS
        allowed = {"href", "rel"} if tag == "a" else set()
        assert set(attributes) <= allowed, f"<{tag} {attributes}> inside a comment"
        if tag == "a":
            href = attributes.get("href", "")  # a refused address leaves a plain <a>
            assert not href or href.startswith(("http://", "https://", "mailto:"))
            assert attributes["rel"] == "nofollow noopener ugc"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitiser_keeps_only_the_allow_list(payload: str) -> None:
    html = f'<div class="comment-body">{comment_html(payload)}</div>'
    assert_inert(html)
    assert "<script" not in html.lower()
    assert "javascript:" not in html.lower()
    assert "onerror" not in html.lower() or "onerror" in comment_text(payload).lower()


def test_allowed_markup_survives() -> None:
    html = comment_html(
        'First line\nsecond line\n\n<strong>bold</strong> <em>it</em> <a href="https://e.org">l</a>'
        "<ul><li>one</li></ul><blockquote>quoted</blockquote>"
    )
    assert "<p>First line<br>second line</p>" in html
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert '<a href="https://e.org" rel="nofollow noopener ugc">l</a>' in html
    assert "<li>one</li>" in html and "<blockquote>quoted</blockquote>" in html


@pytest.fixture
def posted(reporting_world, member, coordinator) -> list[Comment]:  # type: ignore[no-untyped-def]
    """Every payload posted publicly on action 1.1 and published by the coordinator."""
    comments = []
    for payload in PAYLOADS:
        comment = actions.post_comment(
            body=payload, visibility="public", action=reporting_world.action, by=member
        )
        comments.append(comment)
    return comments


def test_payloads_are_inert_in_the_moderation_queue(settings, posted, coordinator) -> None:  # type: ignore[no-untyped-def]
    response = client_for(coordinator).get(reverse("participation:moderation"))
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html)
    # The text as sent is shown to the moderator, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture
def published(posted, coordinator) -> list[Comment]:  # type: ignore[no-untyped-def]
    for comment in posted:
        actions.moderate(comment, "publish", by=coordinator)
    return posted


@pytest.mark.parametrize("role", ["public", "member", "coordinator", "focal_point_mia"])
def test_payloads_are_inert_on_the_public_thread(request, reporting_world, published, role) -> None:  # type: ignore[no-untyped-def]
    user = None if role == "public" else request.getfixturevalue(role)
    url = reverse("participation:action_comments", args=[reporting_world.action.pk])
    response = client_for(user).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="comment-body"') == len(PAYLOADS)
    assert_inert(html)
    # Template syntax is shown as written, never evaluated.
    assert "{{ request.user.password }}{% debug %}" in html
    assert "{{ 7|add:1 }}" in html


def test_payloads_are_inert_on_the_action_page(client, reporting_world, published) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reporting_world.action.get_absolute_url())
    assert response.status_code == 200
    assert_inert(response.content.decode())
    assert f"{len(PAYLOADS)} public comments on this action" in response.content.decode()


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_payloads_are_inert_in_the_consultation_and_its_summary(coordinator, member) -> None:  # type: ignore[no-untyped-def]
    plan = build_plan(status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    action = plan.actions.get()
    consultation = actions.create_consultation(
        plan,
        title="Draft plan 2026",
        opens_on=date(2026, 3, 1),
        closes_on=date(2026, 3, 31),
        by=coordinator,
    )
    actions.consultation_step(consultation, "open", by=coordinator)
    for payload in PAYLOADS:
        comment = actions.post_comment(
            body=payload,
            visibility="public",
            action=action,
            consultation=consultation,
            by=member,
        )
        actions.moderate(comment, "publish", by=coordinator)
        actions.reply(comment, body=payload, by=coordinator)
    page = client_for(None).get(
        reverse("participation:consultation_action", args=[consultation.pk, action.pk])
    )
    assert page.status_code == 200
    assert page.content.decode().count('class="comment-body"') == 2 * len(PAYLOADS)
    assert_inert(page.content.decode())

    export = client_for(None).get(
        reverse("participation:consultation_summary", args=[consultation.pk, "csv"])
    )
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == len(PAYLOADS)
    for row in rows:
        for cell in (row["comment"], row["response"]):
            assert "<script" not in cell.lower() or cell.lower().startswith("<script>alert(1)")
            assert "onerror=" not in cell and "javascript:" not in cell.lower()
            assert not cell.startswith(("=", "+", "@"))  # no formula runs in a spreadsheet
    assert any(row["comment"].startswith("'=HYPERLINK") for row in rows)

    workbook = client_for(None).get(
        reverse("participation:consultation_summary", args=[consultation.pk, "xlsx"])
    )
    with zipfile.ZipFile(io.BytesIO(b"".join(workbook.streaming_content))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<script" not in sheet.lower() and "<iframe" not in sheet.lower()
    assert "onerror=" not in sheet


def test_rating_evidence_is_escaped_and_links_are_web_addresses(reporting_world, member) -> None:  # type: ignore[no-untyped-def]
    world = reporting_world
    for url in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>"):
        with pytest.raises(ValidationError):
            actions.save_rating(
                action=world.action,
                period=world.period,
                status="in_progress",
                evidence="x",
                evidence_url=url,
                by=member,
            )
    actions.save_rating(
        action=world.action,
        period=world.period,
        status="in_progress",
        evidence=PAYLOADS[0] + PAYLOADS[3],
        by=member,
    )
    for url in (
        reverse("participation:action_ratings", args=[world.action.pk]),
        reverse("participation:plan_ratings", args=[world.plan.code]),
        world.action.get_absolute_url(),
    ):
        html = client_for(None).get(url).content.decode()
        assert_inert(html)
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
        in client_for(None)
        .get(reverse("participation:action_ratings", args=[world.action.pk]))
        .content.decode()
    )
    api = client_for(None).get("/api/v1/shadow-ratings/").json()["results"][0]
    assert api["evidence"] == PAYLOADS[0] + PAYLOADS[3]  # JSON data, for programs to escape
