"""The assessment as a Word document that people go on editing.

Hence real Word structure rather than look-alikes: built-in heading styles (the table of
contents and the navigation pane use them), tables whose header row repeats on every page,
links as hyperlinks, numbered lists that restart, page numbers and a table of contents as
fields, which Word fills in when the document is opened.

Wide tables go on landscape pages. A table's lead-in (the heading and text written since the
previous table) moves to the landscape pages with it, so that a heading never ends a page
apart from its table; consecutive landscape tables share their pages.
"""

from __future__ import annotations

import copy
import io
from typing import Any

import docx
from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_UNDERLINE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from rightsmonitor.assessments.content import pick
from rightsmonitor.assessments.renderers.common import (
    Cell,
    Link,
    blocks_of,
    cell_text,
    document_title,
    draft_notice,
    edition_label,
    format_date,
    method_notes,
    period_label,
)
from rightsmonitor.assessments.richtext import Paragraph as TextParagraph
from rightsmonitor.assessments.richtext import (
    html_to_paragraphs,
    safe_url,
    sanitize_html,
    xml_text,
)
from rightsmonitor.core import office

# Word's proofing language per interface language.
LANGUAGE_TAGS = {"en": "en-GB", "ru": "ru-RU", "kk": "kk-KZ"}
MUTED = RGBColor(0x59, 0x59, 0x59)
WARNING = RGBColor(0xC0, 0x00, 0x00)
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)
HEADER_FILL = "D9D9D9"
# Column widths are shared out by the longest line in each column, within these bounds.
NARROWEST, WIDEST = 4, 60
LONGEST_WORD = 14  # a longer word (a URL, a code) may break rather than widen its column
# Children of w:settings that follow w:updateFields (the schema fixes their order).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)
_LIST_STYLES = {
    "li-bullet": ("List Bullet", "List Bullet 2", "List Bullet 3"),
    "li-number": ("List Number", "List Number 2", "List Number 3"),
}
_TEXT_STYLES = {"p": None, "h3": "Heading 3", "h4": "Heading 4", "quote": "Quote"}


class DocxWriter:
    """What the blocks write with (see ``AssessmentBlock.write_docx``), and the document's frame."""

    def __init__(self, snapshot: dict[str, Any], *, language: str) -> None:
        self.snapshot = snapshot
        self.language = language
        self.document = docx.Document()
        self._landscape = False
        # Where a change of orientation puts its section break: after the last table. None
        # when no break is needed: at the start, after the front matter's own break, or when
        # no table came since the last change.
        self._break_after: BaseOxmlElement | None = None
        self._list_numbers: dict[int, int] = {}  # per list level: the numbering instance in use
        self._set_up()

    # The blocks' interface -------------------------------------------------------------------

    def heading(self, text: str, level: int) -> None:
        """A heading in Word's own style (level 1 and 2 go in the table of contents)."""
        self.document.add_heading(xml_text(text), min(max(level, 1), 9))

    def paragraph(self, text: str, *, muted: bool = False) -> None:
        run = self.document.add_paragraph().add_run(xml_text(text))
        if muted:
            run.font.color.rgb = MUTED

    def html(self, html: str) -> None:
        """The coordinator's rich text (sanitised first: snapshots keep what was saved)."""
        for item in html_to_paragraphs(sanitize_html(html)):
            self._text_paragraph(item)

    def table(self, headers: list[str], rows: list[list[Cell]], *, landscape: bool = False) -> None:
        self._orient(landscape=landscape)
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = self.document.styles["Table Grid"]
        header = table.rows[0]
        office.repeat_header_row(header)
        for cell, text in zip(header.cells, headers, strict=True):
            cell.paragraphs[0].add_run(xml_text(text)).bold = True
            _shade(cell, HEADER_FILL)
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                self._write_cell(cell, value)
        # Each column gets its longest word, then the longer texts share the rest.
        words = _longest_words(headers, rows)
        weights = _column_weights(headers, rows)
        extra = [max(weight - word, 0) for weight, word in zip(weights, words, strict=True)]
        office.fit_table_widths(
            table, self.document.sections[-1], extra if any(extra) else weights, words=words
        )
        self._break_after = table._tbl

    # The frame -------------------------------------------------------------------------------

    def front_matter(self, *, draft: bool) -> None:
        """Cover and table of contents, in a section of their own (always portrait)."""
        snapshot, document = self.snapshot, self.document
        document.add_paragraph(xml_text(document_title(snapshot, self.language)), style="Title")
        for line in self._cover_lines():
            document.add_paragraph(xml_text(line), style="Subtitle")
        if draft:
            run = document.add_paragraph().add_run(draft_notice())
            run.bold = True
            run.font.color.rgb = WARNING
        contents = document.add_paragraph(_("Contents"), style="TOC Heading")
        contents.paragraph_format.page_break_before = True
        toc = document.add_paragraph()
        _add_field(
            toc,
            r'TOC \o "1-2" \h \z \u',
            _("Update the fields (F9) to show the table of contents."),
            dirty=True,
        )
        self._break_section_after(toc._p)
        self._break_after = None

    def rich_section(self, title: str, texts: dict[str, str] | str | None) -> None:
        """A heading and the coordinator's text in the language, if there is any."""
        html = pick(texts, self.language)
        if html.strip():
            self.heading(title, 1)
            self.html(html)

    def back_matter(self) -> None:
        """Conclusions and the method, on portrait pages."""
        self._orient(landscape=False)
        self.rich_section(_("Conclusions"), self.snapshot["assessment"].get("conclusions"))
        self.heading(_("Method"), 1)
        for term, definition in method_notes():
            name = self.document.add_paragraph()
            name.add_run(term).bold = True
            name.paragraph_format.keep_with_next = True
            self.document.add_paragraph(definition).paragraph_format.left_indent = Cm(1)

    def finish(self) -> bytes:
        output = io.BytesIO()
        self.document.save(output)
        return output.getvalue()

    def _cover_lines(self) -> list[str]:
        snapshot = self.snapshot
        lines = [
            _("Plan %(code)s") % {"code": snapshot["plan"]["code"]},
            period_label(snapshot),
            edition_label(snapshot),
        ]
        instrument = snapshot["plan"].get("instrument")
        if instrument:
            lines.append(
                _("Adopted by %(title)s No. %(number)s of %(date)s")
                % {
                    "title": pick(instrument["title"], self.language),
                    "number": instrument["number"],
                    "date": format_date(instrument["date"]),
                }
            )
        return lines

    # Set-up ----------------------------------------------------------------------------------

    def _set_up(self) -> None:
        document = self.document
        section = document.sections[0]
        office.docx_page(section, landscape=False)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_field(footer, "PAGE", "1")

        tag = LANGUAGE_TAGS.get(self.language, self.language)
        for lang in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
            lang.set(qn("w:val"), tag)
        link_style = document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link_style.font.color.rgb = LINK_COLOUR
        link_style.font.underline = WD_UNDERLINE.SINGLE

        # Ask Word to fill in the table of contents and page numbers on opening.
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        document.settings.element.insert_element_before(update, *_AFTER_UPDATE_FIELDS)

        properties = document.core_properties
        properties.title = document_title(self.snapshot, self.language)
        properties.language = self.language
        properties.author = properties.last_modified_by = settings.SITE_NAME
        properties.comments = ""
        properties.created = properties.modified = timezone.now()

    # Orientation -----------------------------------------------------------------------------

    def _orient(self, *, landscape: bool) -> None:
        """Make the coming content (with its lead-in) portrait or landscape."""
        if landscape == self._landscape:
            return
        if self._break_after is not None:
            self._break_section_after(self._break_after)
            self._break_after = None
        section = self.document.sections[-1]
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = section.page_height, section.page_width
        self._landscape = landscape

    def _break_section_after(self, element: BaseOxmlElement) -> None:
        """End a section after ``element`` with the current page settings.

        The document's last section (the body's w:sectPr) goes on with whatever changes next.
        The footer stays with the first section only: later sections inherit it.
        """
        body_properties = self.document.sections[-1]._sectPr
        paragraph = OxmlElement("w:p")
        paragraph_properties = OxmlElement("w:pPr")
        paragraph_properties.append(copy.deepcopy(body_properties))
        paragraph.append(paragraph_properties)
        element.addnext(paragraph)
        for tag in ("w:headerReference", "w:footerReference"):
            for reference in body_properties.findall(qn(tag)):
                body_properties.remove(reference)

    # Contents --------------------------------------------------------------------------------

    def _text_paragraph(self, item: TextParagraph) -> None:
        if item.kind in _LIST_STYLES:
            styles = _LIST_STYLES[item.kind]
            style: str | None = styles[min(item.level, len(styles) - 1)]
        else:
            style = _TEXT_STYLES[item.kind]
        paragraph = self.document.add_paragraph(style=style)
        if item.kind == "li-number":
            self._number(paragraph, item)
        for text, bold, italic, url in item.runs:
            run = self._link(paragraph, text, url) if url else paragraph.add_run(text)
            run.bold, run.italic = bold or None, italic or None

    def _number(self, paragraph: Paragraph, item: TextParagraph) -> None:
        """Each numbered list starts at 1 (a list style alone would count on across lists)."""
        if item.number == 1 or item.level not in self._list_numbers:
            numbering = self.document.part.numbering_part.element
            style_numbers = paragraph.style.element.pPr.numPr  # type: ignore[union-attr]
            abstract = numbering.num_having_numId(style_numbers.numId.val).abstractNumId.val
            instance = numbering.add_num(abstract)
            instance.add_lvlOverride(ilvl=0).add_startOverride(1)
            self._list_numbers[item.level] = instance.numId
        numbers = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numbers.get_or_add_numId().val = self._list_numbers[item.level]

    def _write_cell(self, cell: _Cell, value: Cell) -> None:
        paragraph = cell.paragraphs[0]
        if isinstance(value, Link):
            self._link(paragraph, value.label, value.url)
        elif isinstance(value, list):  # links, one a line
            for index, link in enumerate(value):
                self._link(paragraph if index == 0 else cell.add_paragraph(), link.label, link.url)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            paragraph.add_run(number_format(value))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.add_run(xml_text(cell_text(value)))

    def _link(self, paragraph: Paragraph, text: str, url: str | None) -> Run:
        """A hyperlink run (python-docx reads hyperlinks but does not write them)."""
        address = safe_url(url)
        if address is None:
            return paragraph.add_run(xml_text(text))
        relationship = paragraph.part.relate_to(
            address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True
        )
        hyperlink = OxmlElement("w:hyperlink", attrs={qn("r:id"): relationship})
        paragraph._p.append(hyperlink)
        run = Run(OxmlElement("w:r"), paragraph)
        hyperlink.append(run._r)
        run.style = self.document.styles["Hyperlink"]
        run.text = xml_text(text)
        return run


def _column_weights(headers: list[str], rows: list[list[Cell]]) -> list[int]:
    """A share per column: its longest line (or header word), within NARROWEST and WIDEST."""
    weights = []
    for index, header in enumerate(headers):
        longest_word = max((len(word) for word in header.split()), default=0)
        longest_line = max(
            (len(line) for row in rows for line in cell_text(row[index]).splitlines()), default=0
        )
        weights.append(max(NARROWEST, longest_word, min(WIDEST, longest_line)))
    return weights


def _longest_words(headers: list[str], rows: list[list[Cell]]) -> list[int]:
    """Per column, its longest word (at most LONGEST_WORD characters): what must fit a line."""
    return [
        min(
            LONGEST_WORD,
            max(
                len(word)
                for text in (header, *(cell_text(row[index]) for row in rows))
                for word in [*text.split(), ""]
            ),
        )
        for index, header in enumerate(headers)
    ]


def _shade(cell: _Cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(
        OxmlElement("w:shd", attrs={qn("w:val"): "clear", qn("w:fill"): fill})
    )


def _add_field(
    paragraph: Paragraph, instruction: str, placeholder: str, *, dirty: bool = False
) -> None:
    """A Word field (TOC, PAGE), showing ``placeholder`` until Word computes it."""

    def field_char(kind: str) -> None:
        attrs = {qn("w:fldCharType"): kind}
        if dirty and kind == "begin":
            attrs[qn("w:dirty")] = "true"
        paragraph.add_run()._r.append(OxmlElement("w:fldChar", attrs=attrs))

    field_char("begin")
    code = OxmlElement("w:instrText", attrs={qn("xml:space"): "preserve"})
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    field_char("separate")
    paragraph.add_run(placeholder)
    field_char("end")


def render_docx(snapshot: dict[str, Any], *, language: str, draft: bool) -> bytes:
    """The assessment in ``language`` as a DOCX file; ``draft`` adds the draft notice."""
    with override(language):
        writer = DocxWriter(snapshot, language=language)
        writer.front_matter(draft=draft)
        writer.rich_section(_("Introduction"), snapshot["assessment"].get("introduction"))
        for block, data in blocks_of(snapshot):
            block.write_docx(writer, data)
        writer.back_matter()
        return writer.finish()
