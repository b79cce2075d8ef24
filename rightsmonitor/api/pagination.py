"""The API's pages: limit and offset, with the total counted once per generation of content,
and the items of a page of public content serialized once per generation (``SharedListPages``).

Counting every row a filter keeps (2,000,000 observations) cost more than the page itself, and
the total changes only when content does; ``core.pagecache`` keeps it until then. The key is the
query's SQL with its parameters, so each filter and each audience (staff see drafts) has its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from rightsmonitor.core import pagecache
from rightsmonitor.core.filtering import WHOLE_NUMBER
from rightsmonitor.core.roles import audience

# Longer numbers are beyond any page or count: no need to read them whole.
_LONGEST = 18


class CountedOncePagination(LimitOffsetPagination):
    # A larger ?limit= gives this many: a page is read and serialized whole, and a number
    # beyond what a database LIMIT holds was a server error.
    max_limit = 1000

    def get_limit(self, request: Request) -> int | None:
        limit = _given_number(request, self.limit_query_param, minimum=1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        return _given_number(request, self.offset_query_param, minimum=0) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"]["minimum"] = 1
        offset["schema"]["minimum"] = 0
        return [limit, offset]

    def get_count(self, queryset: QuerySet[Any] | Sequence[Any]) -> int:
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        key = pagecache.query_key(queryset)
        if key is None:
            return 0
        count = super().get_count
        return pagecache.cached(f"api-count:{key}", lambda: count(queryset))

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: Any = None
    ) -> Any:
        """As ``LimitOffsetPagination`` does, but the page is returned unread (a sliced query):
        ``SharedListPages`` may find its items serialized in the cache, by the query's SQL."""
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.count = self.get_count(queryset)
        self.offset = self.get_offset(request)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            return []
        return queryset[self.offset : self.offset + self.limit]


def _given_number(request: Request, name: str, *, minimum: int) -> int | None:
    """The whole number given as ``name`` (None when absent or empty, as for the filters).

    Anything else is a 400 naming the parameter: DRF's own pagination took a wrong limit or
    offset for none, so a client's mistake gave it another page than it asked for."""
    given = request.query_params.get(name, "")
    if given == "":
        return None
    messages = serializers.IntegerField.default_error_messages
    if not WHOLE_NUMBER.fullmatch(given):
        raise serializers.ValidationError({name: [messages["invalid"]]})
    digits = given.removeprefix("-")
    number = int(digits) if len(digits) <= _LONGEST else 10**_LONGEST
    if given.startswith("-"):
        number = -number
    if number < minimum:
        message = str(messages["min_value"]).format(min_value=minimum)
        raise serializers.ValidationError({name: [message]})
    return number


class SharedListPages:
    """For read-only viewsets of public content whose items depend on nothing but the query
    and the reader's audience (staff see drafts and their links; ``core.roles.audience``): a
    page's items are serialized once per generation of content, for every reader of that
    audience, signed in or with a token. The key holds the page's SQL (the filters, the order,
    the page, and whatever the query itself keeps from the reader), the audience, the address
    the links are written with, the API version and the language."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        queryset = view.filter_queryset(view.get_queryset())
        page = view.paginate_queryset(queryset)
        if page is None:
            return Response(self.page_data(queryset))
        return view.get_paginated_response(self._shared_page_data(request, page))

    def page_data(self, rows: Any) -> Any:
        """The serialized items of ``rows`` (a viewset adding to them overrides this)."""
        view: Any = self
        return view.get_serializer(rows, many=True).data

    def _shared_page_data(self, request: Request, page: Any) -> Any:
        if not isinstance(page, QuerySet):
            return self.page_data(page)
        query = pagecache.query_key(page)
        if query is None:
            return self.page_data([])
        key = repr(
            (
                "api-page",
                type(self).__name__,
                request.version,
                audience(request.user),
                request.build_absolute_uri("/"),
                get_language(),
                query,
            )
        )
        return pagecache.cached(key, lambda: self.page_data(page))
