"""Errors of reading a table file: each names the row and the column it is about."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

MAX_ERRORS = 50


class TableError(Exception):
    """A problem with a table file, naming the row and the column where it has them.

    ``row`` is the row number as a spreadsheet shows it (the record number in a CSV file);
    ``column`` is the header as the file writes it. ``errors`` lists every problem found.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.row = row
        self.column = column

    @property
    def errors(self) -> list[TableError]:
        return [self]

    def __str__(self) -> str:
        values = {"row": self.row, "column": self.column, "message": self.message}
        if self.row is not None and self.column:
            return _("Row %(row)d, column “%(column)s”: %(message)s") % values
        if self.row is not None:
            return _("Row %(row)d: %(message)s") % values
        if self.column:
            return _("Column “%(column)s”: %(message)s") % values
        return self.message


class TableErrors(TableError):
    """Every problem found in one pass (at most ``MAX_ERRORS``; ``truncated`` says if more)."""

    def __init__(self, errors: Sequence[TableError], *, truncated: bool = False) -> None:
        first = errors[0]
        super().__init__(first.message, row=first.row, column=first.column)
        self._errors = list(errors)
        self.truncated = truncated

    @property
    def errors(self) -> list[TableError]:
        return list(self._errors)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self._errors)


class Problems:
    """Collects problems so that the user sees them all at once."""

    def __init__(self) -> None:
        self.items: list[TableError] = []
        self.truncated = False

    def add(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        if len(self.items) >= MAX_ERRORS:
            self.truncated = True
            return
        self.items.append(TableError(message, row=row, column=column))

    def extend(self, error: TableError) -> None:
        for item in error.errors:
            self.add(item.message, row=item.row, column=item.column)

    def raise_if_any(self) -> None:
        if self.items:
            items = sorted(self.items, key=lambda item: item.row or 0)
            raise TableErrors(items, truncated=self.truncated)


def iter_messages(error: TableError) -> Iterable[str]:
    """Each problem as "Row R, column C: message", then a note if the list was cut short."""
    for item in error.errors:
        yield str(item)
    if getattr(error, "truncated", False):
        yield _("… and more; only the first %(count)d problems are listed.") % {"count": MAX_ERRORS}
