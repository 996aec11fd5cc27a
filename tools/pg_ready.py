"""Exit 0 if a PostgreSQL server answers at the URL given (within about 2 s), else 1.

    python tools/pg_ready.py postgres://postgres@127.0.0.1:5432/unmask

Connects to the `postgres` maintenance database on that server, so the target database need
not exist yet (the test run creates its own). Prints one line on failure, nothing on success.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit

TIMEOUT_SECONDS = 2


def maintenance_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql", "pgsql") else parts.scheme
    return urlunsplit((scheme, parts.netloc, "/postgres", parts.query, ""))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: pg_ready.py postgres://user@host:port/dbname", file=sys.stderr)
        return 2
    try:
        import psycopg
    except ImportError:
        print("pg_ready: psycopg is not installed", file=sys.stderr)
        return 1
    try:
        with psycopg.connect(maintenance_url(argv[1]), connect_timeout=TIMEOUT_SECONDS) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"pg_ready: no PostgreSQL at {urlsplit(argv[1]).hostname}: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
