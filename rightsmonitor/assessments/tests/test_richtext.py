"""Rich text: what the sanitiser keeps, and how sloppy HTML becomes paragraphs for the files."""

from __future__ import annotations

import pytest

from rightsmonitor.assessments.richtext import (
    Paragraph,
    Run,
    html_to_paragraphs,
    html_to_text,
    safe_url,
    sanitize_html,
)


def test_sanitiser_keeps_the_allowed_tags_only() -> None:
    html = (
        '<p onclick="x()" style="color:red">A <strong>b</strong> <b>c</b> <em>d</em> <i>e</i> '
        "<u>f</u><br>g</p><h3>H3</h3><h4>H4</h4><blockquote>Q</blockquote>"
        "<ul><li>u</li></ul><ol><li>o</li></ol>"
        "<script>alert(1)</script><style>p {}</style><img src=x onerror=y><iframe></iframe>"
    )
    assert sanitize_html(html) == (
        "<p>A <strong>b</strong> <b>c</b> <em>d</em> <i>e</i> <u>f</u><br>g</p>"
        "<h3>H3</h3><h4>H4</h4><blockquote>Q</blockquote><ul><li>u</li></ul><ol><li>o</li></ol>"
    )


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://adilet.example.org/doc?id=1&amp;lang=ru", True),
        ("http://example.org/", True),
        ("mailto:office@example.org", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("/relative/path", False),
        ("//evil.example/", False),
    ],
)
def test_links_go_to_the_web_or_e_mail_only(href: str, kept: bool) -> None:
    html = sanitize_html(f'<a href="{href}" title="t" target="_blank">link</a>')
    assert ("href=" in html) is kept
    assert 'rel="noopener noreferrer"' in html
    assert "title=" not in html and "target=" not in html


def test_blocks_the_report_does_not_keep_stay_apart() -> None:
    assert sanitize_html("<div>One</div><DIV class='x'>Two</DIV><h1>Big</h1><h6>Small</h6>") == (
        "<p>One</p><p>Two</p><h3>Big</h3><h4>Small</h4>"
    )


def test_paragraph_kinds_and_runs() -> None:
    html = (
        "<h3>Heading</h3><h4>Sub</h4>"
        '<p>Plain <strong>bold <em>both</em></strong> <i>italic</i> <a href="https://e.org/x">'
        "linked <b>bold link</b></a>.</p>"
        "<blockquote><p>Quoted</p>also quoted</blockquote>"
    )
    assert html_to_paragraphs(html) == [
        Paragraph("h3", [Run("Heading")]),
        Paragraph("h4", [Run("Sub")]),
        Paragraph(
            "p",
            [
                Run("Plain "),
                Run("bold ", bold=True),
                Run("both", bold=True, italic=True),
                Run(" "),
                Run("italic", italic=True),
                Run(" "),
                Run("linked ", url="https://e.org/x"),
                Run("bold link", bold=True, url="https://e.org/x"),
                Run("."),
            ],
        ),
        Paragraph("quote", [Run("Quoted")]),
        Paragraph("quote", [Run("also quoted")]),
    ]
    # A run is a plain tuple too: (text, bold, italic, url).
    assert tuple(html_to_paragraphs("<b>x</b>")[0].runs[0]) == ("x", True, False, None)


def test_lists_nest_and_number_from_one() -> None:
    html = (
        "<ul><li>One<ul><li>Nested</li></ul></li><li><p>Two</p></li></ul>"
        "<ol><li>First</li><li>Second<ol><li>Inner</li></ol></li></ol>"
        "<ol><li>Again</li></ol>"
    )
    found = [(p.kind, p.level, p.number, p.text) for p in html_to_paragraphs(html)]
    assert found == [
        ("li-bullet", 0, None, "One"),
        ("li-bullet", 1, None, "Nested"),
        ("li-bullet", 0, None, "Two"),
        ("li-number", 0, 1, "First"),
        ("li-number", 0, 2, "Second"),
        ("li-number", 1, 1, "Inner"),
        ("li-number", 0, 1, "Again"),
    ]


def test_sloppy_html() -> None:
    html = (
        "  Loose text &amp; entities&nbsp;&#1241;&eacute; <p>unclosed <b>bold<p>next</b>"
        "</li></ul></blockquote> stray closers\n\n  <li>lonely item</li>"
        "<p>line<br>break <br/> <br> end </p><p>  </p><p><br></p>"
        "<script>ignored()</script><style>p {}</style>after\x0bcontrol\x01"
    )
    assert [(p.kind, p.text) for p in html_to_paragraphs(html)] == [
        ("p", "Loose text & entities\xa0әé"),
        ("p", "unclosed bold"),
        ("p", "next"),
        ("p", "stray closers"),
        ("li-bullet", "lonely item"),
        ("p", "line\nbreak\n\nend"),
        ("p", "after control"),
    ]
    assert html_to_paragraphs("") == [] and html_to_paragraphs("   ") == []


def test_unsafe_links_lose_their_address_but_keep_their_text() -> None:
    paragraphs = html_to_paragraphs(
        '<a href="javascript:alert(1)">bad</a> <a href="https://e.org/a b?q=ä">good</a>'
    )
    assert paragraphs[0].runs == [Run("bad "), Run("good", url="https://e.org/a%20b?q=%C3%A4")]
    assert safe_url("https://e.org/%20ok") == "https://e.org/%20ok"  # escapes are kept
    assert safe_url(None) is None and safe_url("ftp://e.org") is None


def test_plain_text() -> None:
    html = (
        "<p>Intro</p><ul><li>a<ul><li>b</li></ul></li></ul><ol><li>c</li><li>d</li></ol><p>End</p>"
    )
    assert html_to_text(html) == "Intro\n\n• a\n  • b\n1. c\n2. d\n\nEnd"
