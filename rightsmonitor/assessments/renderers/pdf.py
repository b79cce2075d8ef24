"""The assessment as PDF: the web page's markup laid out on paper by WeasyPrint.

The PDF renders ``templates/assessments/includes/document.html``, as the web page does, so the
two cannot disagree; what only paper needs (cover, contents with page numbers, running header
and footer, landscape pages for the wide tables) is in ``assessment_pdf.css``. Rendering never
touches the network: the fetcher reads only the project's files and ``data:`` URLs, so a link
or image in a coordinator's text cannot make the worker call out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from rightsmonitor.assessments.renderers.common import blocks_of

TEMPLATE = "assessments/pdf/assessment.html"
STYLESHEET = Path(__file__).with_name("assessment_pdf.css")


class ProjectFilesOnly(URLFetcher):
    """Fetch ``data:`` URLs and files under the project directory; refuse everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"})

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(Path(settings.BASE_DIR).resolve()):
                raise ValueError(f"Outside the project, not fetched: {url}")
        return super().fetch(url, headers)


def render_pdf(snapshot: dict[str, Any], *, language: str, draft: bool) -> bytes:
    """The document in ``language``; a draft says so on its cover and on every page."""
    with translation.override(language):
        html = render_to_string(
            TEMPLATE, {"snapshot": snapshot, "blocks": blocks_of(snapshot), "draft": draft}
        )
        fetcher = ProjectFilesOnly()
        document = HTML(string=html, base_url=f"{settings.BASE_DIR}/", url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(
            stylesheets=[CSS(filename=STYLESHEET, url_fetcher=fetcher)],
            # Tagged PDF: headings, tables and reading order for screen readers.
            pdf_tags=True,
        )
    return pdf
