"""The consultation summary: every published comment with the authorities' responses.

Streams through ``core.exports`` (CSV, XLSX), so it escapes formula-like cells; comments are
written as plain text (``markup.comment_text``): markup means nothing in a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.exports import CONTENT_TYPES, Column, ColumnType, Row, iter_chunks
from rightsmonitor.participation.markup import comment_text
from rightsmonitor.participation.models import Comment, Consultation

FORMATS = ("csv", "xlsx")

COLUMNS = (
    Column("action", _("Action number")),
    Column("action_title", _("Action")),
    Column("organisation", _("Organisation")),
    Column("written", _("Written"), ColumnType.DATETIME),
    Column("comment", _("Comment")),
    Column("response", _("Response")),
    Column("responded_by", _("Responded by")),
)


def summary_rows(consultation: Consultation) -> Iterator[Row]:
    public = Comment.objects.public()
    comments = (
        public.filter(consultation=consultation, parent__isnull=True)
        .select_related("action__section", "organisation")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=public.select_related("author").order_by("created_at", "pk"),
            )
        )
        .order_by("action__section__order", "action__order", "created_at", "pk")
    )
    for comment in comments.iterator(chunk_size=500):
        replies = list(comment.replies.all())
        action = comment.action
        yield (
            action.number if action else "",
            str(action.title) if action else "",
            comment.organisation.name if comment.organisation else "",
            comment.created_at,
            comment_text(comment.body),
            "\n\n".join(comment_text(reply.body) for reply in replies),
            ", ".join(str(reply.author) for reply in replies if reply.author),
        )


def summary_response(consultation: Consultation, fmt: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        iter_chunks(COLUMNS, summary_rows(consultation), fmt, dataset="consultation"),
        content_type=CONTENT_TYPES[fmt],
    )
    filename = f"{consultation.plan.code}-consultation-{consultation.pk}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
