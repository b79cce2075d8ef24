"""An assessment is built from blocks, so that other modules add their part without editing ours.

A block collects its data from the database into plain JSON (``collect``), which is frozen in
the snapshot when the assessment is approved, and renders that data in every format: an HTML
partial (``template``, used by the web page and the PDF), and ``write_docx`` / ``write_xlsx``.
The core blocks (summary figures, charts, overdue actions, actions off monitoring, the table per
section) live in ``core_blocks.py``. Another app registers its blocks in its ``AppConfig.ready``::

    from rightsmonitor.assessments.blocks import register
    register(IndicatorHighlights())

A block whose ``collect`` returns None is left out (for example: no indicator has data yet).
Blocks are rendered in ``order``; the snapshot keeps them by ``key``, and a snapshot's block
whose app is gone is skipped rather than failing the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rightsmonitor.core.workflow import StrOrPromise

if TYPE_CHECKING:
    from rightsmonitor.assessments.content import PlanFacts
    from rightsmonitor.assessments.renderers.docx import DocxWriter
    from rightsmonitor.assessments.renderers.xlsx import XlsxWriter

BlockData = dict[str, Any]


class AssessmentBlock:
    key: ClassVar[str]
    title: ClassVar[StrOrPromise]
    order: ClassVar[int] = 100
    template: ClassVar[str]  # an HTML partial; gets ``data``, ``snapshot`` and ``block``

    def collect(self, facts: PlanFacts) -> BlockData | None:
        raise NotImplementedError

    def write_docx(self, writer: DocxWriter, data: BlockData) -> None:
        raise NotImplementedError

    def write_xlsx(self, writer: XlsxWriter, data: BlockData) -> None:
        raise NotImplementedError


_REGISTRY: dict[str, AssessmentBlock] = {}


def register(block: AssessmentBlock) -> None:
    """Add a block (idempotent per key: the last registration wins, as on reload)."""
    _REGISTRY[block.key] = block


def registered_blocks() -> list[AssessmentBlock]:
    return sorted(_REGISTRY.values(), key=lambda block: (block.order, block.key))


def block_for(key: str) -> AssessmentBlock | None:
    return _REGISTRY.get(key)
