"""Open data: the data page (every dataset, its columns, row count and licence) and the
downloads, ``data/<dataset>.<csv|xlsx|json>`` with the query string of the page that lists
the dataset, streamed (``core.exports``) without a row cap.

Unknown datasets and formats are 404; filter values that do not validate are 400 with the
FilterSet's messages, before anything is streamed.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rightsmonitor.core import exports
from rightsmonitor.portal import datasets

DEFAULT_LICENCE = "CC BY 4.0"
LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL 1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON"}


def licence() -> tuple[str, str]:
    """The licence's name (setting ``OPEN_DATA_LICENCE``) and its address, if known."""
    name = settings.OPEN_DATA_LICENCE or DEFAULT_LICENCE
    return name, LICENCE_URLS.get(name, "")


def download_links(slug: str, query: str = "") -> list[tuple[str, str]]:
    """(format label, address) of each format of the dataset, with ``query`` appended."""
    suffix = f"?{query}" if query else ""
    return [
        (label, reverse("portal:data_download", args=[slug, fmt]) + suffix)
        for fmt, label in FORMAT_LABELS.items()
    ]


@require_safe
def data_catalogue(request: HttpRequest) -> HttpResponse:
    name, url = licence()
    catalogue = [
        {
            "dataset": dataset,
            # Unfiltered: what this user may download (one COUNT per dataset).
            "count": dataset.visible(request.user).count(),
            "downloads": download_links(dataset.slug),
            "api": reverse(dataset.api) if dataset.api else "",
            "page": reverse(dataset.page) if dataset.page else "",
        }
        for dataset in datasets.DATASETS.values()
    ]
    context = {
        "catalogue": catalogue,
        "licence": name,
        "licence_url": url,
        "api_docs": reverse("api-docs"),
    }
    return render(request, "portal/data.html", context)


def _in_language(chunks: Iterator[bytes], language: str) -> Iterator[bytes]:
    """The rows are read while the response streams, after the view has returned: keep the
    request's language for their texts."""
    with translation.override(language):
        yield from chunks


@require_safe
def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    found = datasets.get(dataset)
    if found is None or fmt not in exports.FORMATS:
        raise Http404
    try:
        queryset = found.select(request)
    except datasets.InvalidFilters as error:
        problems = "\n".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.errors.items()
        )
        message = _("The filters are not valid:\n%(problems)s") % {"problems": problems}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    name, url = licence()
    now = timezone.now()
    filters = {key: values if len(values) > 1 else values[0] for key, values in request.GET.lists()}
    filters.pop("page", None)
    chunks = exports.iter_chunks(
        found.columns,
        found.rows(queryset, request.user),
        fmt,
        dataset=found.slug,
        title=str(found.title),
        description=str(found.description),
        licence=name,
        licence_url=url,
        source=request.build_absolute_uri(),
        generated_at=now.isoformat(),
        filters=filters,
    )
    response = StreamingHttpResponse(
        _in_language(chunks, get_language() or settings.LANGUAGE_CODE),
        content_type=exports.CONTENT_TYPES[fmt],
    )
    filename = f"{found.slug}-{timezone.localdate(now).isoformat()}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
