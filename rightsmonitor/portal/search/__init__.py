"""The site search's index: ``SearchDocument`` rows and their full-text side table.

- ``documents``: what is copied of each kind of content (``BUILDERS``), public content only;
- ``indexing``: writing documents that changed (``index_objects``, ``refresh``);
- ``receivers``: noticing saves and refreshing on commit (``WATCHED``, ``connect``);
- ``queries``: the search page's filter, facet counts (cached per generation of content), the
  ids of a page of results, snippets and the corrected query ("Did you mean").

Freshness is incremental: saves in the source apps are noted by light signal receivers and
refreshed once, on commit, per transaction; ``refresh()`` compares every document
(``manage.py rebuild_search_index``, the demo loader).
"""

from rightsmonitor.portal.search.documents import (
    BUILDERS,
    SEARCH_INDEX,
    SOURCES,
    Document,
)
from rightsmonitor.portal.search.indexing import (
    RefreshSummary,
    index_objects,
    refresh,
)
from rightsmonitor.portal.search.queries import (
    STATUS_CHOICES,
    SiteSearchFilter,
    cached_correction,
    cached_facets,
    cached_page_ids,
    counted_total,
    facets,
    page_ids,
    snippet,
)
from rightsmonitor.portal.search.receivers import (
    WATCHED,
    Changes,
    connect,
    note,
    refresh_changes,
)

__all__ = [
    "BUILDERS",
    "SEARCH_INDEX",
    "SOURCES",
    "STATUS_CHOICES",
    "WATCHED",
    "Changes",
    "Document",
    "RefreshSummary",
    "SiteSearchFilter",
    "cached_correction",
    "cached_facets",
    "cached_page_ids",
    "connect",
    "counted_total",
    "facets",
    "index_objects",
    "note",
    "page_ids",
    "refresh",
    "refresh_changes",
    "snippet",
]
