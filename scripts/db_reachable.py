"""Exit 0 when the database at the given URL accepts connections (used by `make test`)."""

import sys

import psycopg

try:
    url = sys.argv[1].replace("postgres://", "postgresql://", 1)
    psycopg.connect(url, connect_timeout=3).close()
except (psycopg.Error, IndexError):
    sys.exit(1)
