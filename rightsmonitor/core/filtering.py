"""The base of every filter set (pages, the API, exports): numbers within what the database
and the calendar can hold.

A number filter reads a decimal, so ``?action=99999999999999999999`` or ``?year=1e16`` went to
the database as they were and came back as an ``OverflowError``: a server error for what is
the reader's mistake. Here such a value is invalid like any other: the API answers 400 naming
the parameter, the pages leave the filter out and say so.
"""

from __future__ import annotations

from typing import Any

import django_filters

# A database integer (PostgreSQL's bigint, SQLite's integer) holds no more than this.
LARGEST_INTEGER = 2**63 - 1
# The years a date can have (``datetime.MINYEAR`` to ``MAXYEAR``).
YEARS = (1, 9999)


class BoundedFilterSet(django_filters.FilterSet):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # ``self.filters`` are this instance's copies; their form fields are made on first use.
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.NumberFilter):
                low, high = _bounds(filter_)
                filter_.extra.setdefault("min_value", low)
                filter_.extra.setdefault("max_value", high)


def _bounds(filter_: django_filters.NumberFilter) -> tuple[int, int]:
    if filter_.field_name == "year" or filter_.field_name.endswith("__year"):
        return YEARS
    return -LARGEST_INTEGER, LARGEST_INTEGER
