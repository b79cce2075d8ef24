"""The life of a case, declared once as data: new → in progress → answered → closed.

Staff take a case up, answer it (the answer comes with its own form, and may be rewritten
while the case is open) and close it; closed cases are purged after the retention period.
A reply from the submitter puts an open case back under review ("reply", taken by
``actions.reply_to_case``, not by a button).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.workflow import Transition, Workflow
from rightsmonitor.feedback.models import CaseStatus

S = CaseStatus
OPEN = frozenset({S.NEW, S.IN_PROGRESS, S.ANSWERED})
# Whoever may read the case takes every step (``actions`` asks ``access``): no actors named.
WORKFLOW = Workflow(
    CaseStatus,
    (
        Transition("take", _("Take up the case"), frozenset({S.NEW}), S.IN_PROGRESS),
        Transition("answer", _("Answer"), OPEN, S.ANSWERED),
        Transition("close", _("Close the case"), OPEN, S.CLOSED),
        Transition("reply", _("The submitter replied"), OPEN, S.IN_PROGRESS),
    ),
    name="case",
)
BUTTON_TRANSITIONS = ("take", "close")  # "answer" comes with its own form
