"""Full-text indexes in the database, the same behaviour on SQLite (FTS5) and PostgreSQL.

Text is analysed in Python before it reaches the database (``analysis``: words, stop words from
``stopwords/*.txt``, Snowball stems). The database then indexes those stems as plain tokens in a
side table (``index``: FTS5 on SQLite, ``tsvector`` on PostgreSQL), so a query finds the same
rows on both, and ranking differs only in its arithmetic (``ranking``: FTS5's bm25; on
PostgreSQL the sum of the matched terms' inverse document frequencies).

Import from here; the modules are the seams, not separate interfaces.
"""

from rightsmonitor.core.fulltext.analysis import (
    WORD,
    analyse,
    highlight,
    index_terms,
    matches,
    stem,
    stop_words,
    words,
)
from rightsmonitor.core.fulltext.index import (
    FullTextIndex,
    create_index_table,
    drop_index_table,
)
from rightsmonitor.core.fulltext.ranking import Query

__all__ = [
    "WORD",
    "FullTextIndex",
    "Query",
    "analyse",
    "create_index_table",
    "drop_index_table",
    "highlight",
    "index_terms",
    "matches",
    "stem",
    "stop_words",
    "words",
]
