"""Comments as safe HTML: the one place that decides what markup a comment may carry.

Comments are stored exactly as submitted and sanitised every time they are shown (pages, API,
exports), not once at save: the moderator sees what was really sent, and a tighter allow-list
applies to every old comment at once. The allow-list is small: paragraphs, line breaks,
emphasis, lists, quotations and links to http, https and mailto addresses, which get
``rel="nofollow noopener ugc"`` (user-generated content that search engines should not credit).
Everything else is dropped; the content of script and style elements with it.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a"}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener ugc"

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes={"a": {"href"}, "*": set()},
    url_schemes=URL_SCHEMES,
    url_relative="deny",  # an address must say where it goes
    link_rel=LINK_REL,
    strip_comments=True,
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"}, attributes={})
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def comment_html(body: str) -> SafeString:
    """The comment as HTML safe to put in a page: plain-text line breaks become paragraphs and
    ``<br>``, then the sanitiser has the last word on the whole result."""
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return mark_safe("")
    paragraphs = (part.strip().replace("\n", "<br>") for part in _PARAGRAPH_BREAK.split(text))
    wrapped = "".join(f"<p>{part}</p>" for part in paragraphs if part)
    return mark_safe(_CLEANER.clean(wrapped))


def comment_text(body: str) -> str:
    """The comment as plain text, for files (CSV, XLSX) where markup means nothing."""
    return html.unescape(_TEXT_ONLY.clean(body)).strip()
