"""The one error of plan-table imports that is about plans rather than files."""

from __future__ import annotations

from rightsmonitor.core.tabular import TableError


class PlanNotEmptyError(TableError):
    """The plan already has sections or actions and the import does not replace them."""

    def __init__(self, message: str, *, actions: int, sections: int) -> None:
        super().__init__(message)
        self.actions = actions
        self.sections = sections
