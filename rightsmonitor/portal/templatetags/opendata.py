"""``{% downloads "actions" plan=plan.code %}``: the links to a dataset's files, with the
page's current query string (without its ``page``) and any filters the page implies."""

from __future__ import annotations

from typing import Any

from django import template

from rightsmonitor.portal import datasets
from rightsmonitor.portal.views.opendata import download_links

register = template.Library()


@register.inclusion_tag("includes/downloads.html", takes_context=True)
def downloads(context: dict[str, Any], slug: str, **filters: Any) -> dict[str, Any]:
    dataset = datasets.get(slug)
    if dataset is None:
        raise template.TemplateSyntaxError(f"No dataset {slug!r}")
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    encoded = ""
    if query is not None:
        query.pop("page", None)
        for name, value in filters.items():
            query[name] = str(value)
        encoded = query.urlencode()
    return {"dataset": dataset, "links": download_links(slug, encoded)}
