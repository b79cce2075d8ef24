"""Which texts of an assessment fall back to another language, to warn before approving.

An assessment is published in every interface language at once. A text written in one
language only (an introduction in English) would be shown in that language on the Russian
and Kazakh pages, so approval lists each such fallback and asks for a confirmation, and the
published page marks it (``lang`` and a note, ``templatetags/assessment_tags.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from rightsmonitor.assessments.models import Assessment
from rightsmonitor.core.translation import LANGUAGE_LABELS, language_codes


@dataclass(frozen=True)
class Fallback:
    text: str  # which text, e.g. "Introduction" or "Comment on section 2"
    language: str  # the language it is missing in
    shown_in: str  # the language readers of ``language`` will see instead

    @property
    def language_label(self) -> str:
        return str(LANGUAGE_LABELS.get(self.language, self.language))

    @property
    def shown_in_label(self) -> str:
        return str(LANGUAGE_LABELS.get(self.shown_in, self.shown_in))


def _fallbacks(name: str, values: dict[str, str]) -> list[Fallback]:
    written = [code for code in language_codes() if values.get(code, "").strip()]
    if not written:
        return []  # left out of every language: nothing falls back
    return [Fallback(name, code, written[0]) for code in language_codes() if code not in written]


def untranslated_texts(assessment: Assessment) -> list[Fallback]:
    """Every text written in some languages but not in others, in document order."""
    found = _fallbacks(_("Introduction"), _texts(assessment, "introduction"))
    comments = assessment.section_comments.select_related("section").order_by(
        "section__order", "section__pk"
    )
    for comment in comments:
        values = {code: getattr(comment, f"comment_{code}") or "" for code in language_codes()}
        label = _("Comment on section %(number)s") % {"number": comment.section.number}
        found += _fallbacks(label, values)
    return found + _fallbacks(_("Conclusions"), _texts(assessment, "conclusions"))


def _texts(assessment: Assessment, field: str) -> dict[str, str]:
    return {code: getattr(assessment, f"{field}_{code}") or "" for code in language_codes()}
