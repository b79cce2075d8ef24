"""The coordinator's rich text: sanitised HTML for the web, neutral paragraphs for the files.

Texts (introduction, conclusions, section comments) are stored as HTML limited to a few tags
(``sanitize_html``), so the web page and the PDF show them as they are. Word and Excel need the
same text as paragraphs and runs rather than markup: ``html_to_paragraphs`` turns the HTML into
``Paragraph`` objects (kind, list level and runs of bold, italic or linked text), and
``html_to_text`` into plain text. The converter reads sloppy HTML too (text outside tags,
unclosed or stray tags, lists in lists, entities), since texts saved before sanitising exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal, NamedTuple
from urllib.parse import quote, urlsplit

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
}
URL_SCHEMES = {"http", "https", "mailto"}
ParagraphKind = Literal["p", "li-bullet", "li-number", "h3", "h4", "quote"]

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes={"a": {"href"}, "*": set()},  # "*": no title or lang either
    url_schemes=URL_SCHEMES,
    url_relative="deny",  # a relative address means nothing in a downloaded file
    link_rel="noopener noreferrer",
)

# Block tags the report does not keep, renamed before cleaning so that their texts stay apart
# ("<div>One</div><div>Two</div>" is two paragraphs, not "OneTwo"); the cleaner checks the rest.
_RENAMED: dict[str, ParagraphKind] = {"h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4"}
_RENAMED_TO_P = ("div", "section", "article", "header", "footer", "pre", "tr", "dd", "dt")
_BLOCK_TAG = re.compile(rf"<(/?)({'|'.join([*_RENAMED, *_RENAMED_TO_P])})\b[^>]*>", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")

# Characters XML 1.0 forbids; lxml and openpyxl refuse them, which would fail a whole file
# for one character. Text pasted from Word carries vertical tabs for its line breaks.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
# HTML's white space, which collapses; not \s, which would also swallow no-break spaces.
_HTML_SPACE = re.compile("[ \t\n\r\f]+")
# What quote() leaves alone: the URL syntax and escapes already made.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"

_HEADINGS: dict[str, ParagraphKind] = {**_RENAMED, "h3": "h3", "h4": "h4"}
_BLOCKS = {"p", *_RENAMED_TO_P}
_BOLD = {"strong", "b"}
_ITALIC = {"em", "i"}
_SKIPPED = {"script", "style"}


def sanitize_html(html: str) -> str:
    """The HTML with only the tags the report shows; links only to web and e-mail addresses."""
    renamed = _BLOCK_TAG.sub(lambda m: f"<{m[1]}{_RENAMED.get(m[2].lower(), 'p')}>", html or "")
    return _EMPTY_PARAGRAPH.sub("", _CLEANER.clean(renamed)).strip()


def xml_text(text: str) -> str:
    """The text without the control characters XML cannot hold (Word's breaks become "\\n")."""
    return _XML_ILLEGAL.sub("", text.translate(_LINE_BREAKS))


def safe_url(url: str | None) -> str | None:
    """The address if it is a web or e-mail address, percent-encoded so that any reader
    accepts it (Word refuses a file whose link holds a space); else None."""
    url = (url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in URL_SCHEMES:
        return None
    return quote(xml_text(url), safe=_URL_SAFE)


class Run(NamedTuple):
    text: str
    bold: bool = False
    italic: bool = False
    url: str | None = None


@dataclass
class Paragraph:
    kind: ParagraphKind
    runs: list[Run] = field(default_factory=list)
    level: int = 0  # list nesting: 0 for a top-level item
    number: int | None = None  # the item's place in its numbered list, from 1

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[Paragraph] = []
        self.current: Paragraph | None = None
        self.bold = self.italic = self.quote = self.skip = 0
        self.urls: list[str | None] = []
        self.lists: list[list[int]] = []  # per open list: [numbered (0/1), items so far]

    # Tags ------------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        elif self.skip:
            return
        elif tag == "br":
            self._line_break()
        elif tag in _BLOCKS:
            # <li><p>…</p></li> keeps the item's paragraph.
            if self.current is None or self.current.runs:
                self._flush()
                self.current = Paragraph(self._context_kind())
        elif tag in _HEADINGS:
            self._flush()
            self.current = Paragraph(_HEADINGS[tag])
        elif tag == "blockquote":
            self._flush()
            self.quote += 1
        elif tag in {"ul", "ol"}:
            self._flush()
            self.lists.append([int(tag == "ol"), 0])
        elif tag == "li":
            self._start_item()
        elif tag == "a":
            self.urls.append(safe_url(dict(attrs).get("href")))
        elif tag in _BOLD:
            self.bold += 1
        elif tag in _ITALIC:
            self.italic += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif self.skip:
            return
        elif tag in _BLOCKS or tag in _HEADINGS or tag == "li":
            self._flush()
        elif tag == "blockquote":
            self._flush()
            self.quote = max(0, self.quote - 1)
        elif tag in {"ul", "ol"}:
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "a":
            if self.urls:
                self.urls.pop()
        elif tag in _BOLD:
            self.bold = max(0, self.bold - 1)
        elif tag in _ITALIC:
            self.italic = max(0, self.italic - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = _HTML_SPACE.sub(" ", xml_text(data))
        if self.current is None or not self.current.runs or self.current.text[-1] in " \n":
            text = text.lstrip(" ")
        if not text:
            return
        if self.current is None:
            self.current = Paragraph(self._context_kind(), level=max(0, len(self.lists) - 1))
        self._append(
            Run(text, self.bold > 0, self.italic > 0, self.urls[-1] if self.urls else None)
        )

    # Paragraphs ------------------------------------------------------------------------------

    def _context_kind(self) -> ParagraphKind:
        return "quote" if self.quote else "p"

    def _start_item(self) -> None:
        self._flush()
        if not self.lists:  # an item outside any list: a bullet
            self.lists.append([0, 0])
        numbered, count = self.lists[-1]
        self.lists[-1][1] = count + 1
        self.current = Paragraph(
            "li-number" if numbered else "li-bullet",
            level=len(self.lists) - 1,
            number=count + 1 if numbered else None,
        )

    def _append(self, run: Run) -> None:
        assert self.current is not None
        runs = self.current.runs
        last = runs[-1] if runs else None
        if last and (last.bold, last.italic, last.url) == (run.bold, run.italic, run.url):
            runs[-1] = last._replace(text=last.text + run.text)
        else:
            runs.append(run)

    def _line_break(self) -> None:
        if self.current is None or not self.current.runs:
            return
        last = self.current.runs[-1]
        self.current.runs[-1] = last._replace(text=last.text.rstrip(" "))
        self._append(Run("\n", last.bold, last.italic, last.url))

    def _flush(self) -> None:
        paragraph, self.current = self.current, None
        if paragraph is None:
            return
        runs = paragraph.runs
        while runs and not runs[-1].text.rstrip(" \n"):
            runs.pop()
        if runs:
            runs[-1] = runs[-1]._replace(text=runs[-1].text.rstrip(" \n"))
            self.paragraphs.append(paragraph)

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_paragraphs(html: str) -> list[Paragraph]:
    """The HTML's paragraphs, headings, quotes and list items, in order, without empty ones."""
    converter = _Converter()
    converter.feed(html or "")
    converter.close()
    return converter.paragraphs


def html_to_text(html: str) -> str:
    """The HTML as plain text: blank lines between paragraphs, list items marked and indented."""
    parts: list[str] = []
    previous: Paragraph | None = None
    for paragraph in html_to_paragraphs(html):
        item = paragraph.kind in {"li-bullet", "li-number"}
        if previous is not None:
            parts.append("\n" if item and previous.kind in {"li-bullet", "li-number"} else "\n\n")
        if item:
            marker = f"{paragraph.number}." if paragraph.number else "•"
            parts.append(f"{'  ' * paragraph.level}{marker} ")
        parts.append(paragraph.text)
        previous = paragraph
    return "".join(parts)
