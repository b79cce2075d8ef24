"""The API's pages: limit and offset, with the total counted once per generation of content.

Counting every row a filter keeps (2,000,000 observations) cost more than the page itself, and
the total changes only when content does; ``core.pagecache`` keeps it until then. The key is the
query's SQL with its parameters, so each filter and each audience (staff see drafts) has its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from rest_framework.pagination import LimitOffsetPagination

from rightsmonitor.core import pagecache


class CountedOncePagination(LimitOffsetPagination):
    def get_count(self, queryset: QuerySet[Any] | Sequence[Any]) -> int:
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return 0
        key = f"api-count:{queryset.db}:{sql}:{params!r}"
        return pagecache.cached(key, lambda: super(CountedOncePagination, self).get_count(queryset))
