"""Full-text indexes in the database, the same behaviour on SQLite (FTS5) and PostgreSQL.

Text is analysed in Python before it reaches the database (``analysis``: words, stop words from
``stopwords/*.txt``, Snowball stems). The database then indexes those stems as plain tokens in a
side table (``index``: FTS5 on SQLite, ``tsvector`` on PostgreSQL), so a query finds the same
rows on both, and ranking differs only in its arithmetic (``ranking``: FTS5's bm25; on
PostgreSQL the sum of the matched terms' inverse document frequencies). An index may keep its
words (``vocabulary``) to suggest the nearest one to a misspelt query word ("Did you mean");
``plain`` makes plain text of rich text before it is indexed or shown.

Import from here; the modules are the seams, not separate interfaces.
"""

from rightsmonitor.core.fulltext.analysis import (
    WORD,
    analyse,
    highlight,
    index_forms,
    index_terms,
    matches,
    stem,
    stop_words,
    words,
)
from rightsmonitor.core.fulltext.index import (
    FullTextIndex,
    create_index_table,
    create_vocabulary,
    drop_index_table,
    drop_vocabulary,
)
from rightsmonitor.core.fulltext.plain import plain_text
from rightsmonitor.core.fulltext.ranking import Query
from rightsmonitor.core.fulltext.vocabulary import Correction, Vocabulary

__all__ = [
    "WORD",
    "Correction",
    "FullTextIndex",
    "Query",
    "Vocabulary",
    "analyse",
    "create_index_table",
    "create_vocabulary",
    "drop_index_table",
    "drop_vocabulary",
    "highlight",
    "index_forms",
    "index_terms",
    "matches",
    "plain_text",
    "stem",
    "stop_words",
    "words",
]
