"""Plain text out of whatever a document's source holds: rich text (assessments), HTML pasted
into report narratives, recommendation texts with markup, or plain text.

Search indexes and shows plain text only: tags go (the content of ``script`` and ``style``
too), entities are decoded and whitespace collapsed, so that a snippet cut from it can be
escaped whole and only our own ``<mark>`` is markup on the page.
"""

from __future__ import annotations

from html.parser import HTMLParser

# Tags whose content is not text to read.
_HIDDEN = frozenset({"script", "style", "template", "head", "title", "noscript"})
# Tags that end a word (an inline tag such as <b> may sit inside one: "tor<b>ture</b>").
_BREAKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td"),
        *("tfoot", "th", "thead", "tr", "ul", "img", "caption"),
    }
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def plain_text(text: str) -> str:
    """``text`` without tags, with entities decoded and runs of whitespace made one space.

    Apply once, to the source: the result may hold "<" and "&" as characters (a decoded
    "&lt;b&gt;"), which are text to escape, not markup to strip again."""
    if not text:
        return ""
    if "<" in text or "&" in text:
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    return " ".join(text.split())
