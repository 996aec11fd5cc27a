"""A copy of the SQLite database for work that must not hold its write lock: an import's dry
run (and the check before a real import) runs in a copy taken with SQLite's backup API, which
only reads the live database, so forms go on being saved meanwhile. Within `copy()`, this
thread's default connection is the copy's; it is deleted at the end."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections


def possible() -> bool:
    """SQLite on a file, outside any transaction (a test's in-memory database is not copied:
    work there runs in the caller's transaction, as before)."""
    conn = connections[DEFAULT_DB_ALIAS]
    return conn.vendor == "sqlite" and not conn.is_in_memory_db() and not conn.in_atomic_block


@contextlib.contextmanager
def copy() -> Iterator[None]:
    live = connections[DEFAULT_DB_ALIAS]
    folder = Path(live.settings_dict["NAME"]).parent
    for old in folder.glob(".staging-*.sqlite3*"):  # left by a process that was killed
        with contextlib.suppress(OSError):
            if time.time() - old.stat().st_mtime > 86400:
                old.unlink()
    handle, name = tempfile.mkstemp(prefix=".staging-", suffix=".sqlite3", dir=folder)
    os.close(handle)
    path = Path(name)
    staged = None
    try:
        live.ensure_connection()
        target = sqlite3.connect(path)
        try:
            live.connection.backup(target)  # a read transaction on the live database
        finally:
            target.close()
        staged = live.__class__({**live.settings_dict, "NAME": str(path)}, DEFAULT_DB_ALIAS)
        with staged.cursor() as cursor:  # a copy thrown away: no WAL, no syncing to disk
            cursor.execute("PRAGMA journal_mode=MEMORY")
            cursor.execute("PRAGMA synchronous=OFF")
        connections[DEFAULT_DB_ALIAS] = staged  # this thread's only
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = live
        if staged is not None:
            staged.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)


PATIENCE = 120_000  # ms a long job waits for SQLite's write lock, while forms write


@contextlib.contextmanager
def patient() -> Iterator[None]:
    """A long busy_timeout for this connection: a long job that commits a chunk at a time
    waits for its turn between the forms (which wait for it, and try again)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "sqlite":
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {PATIENCE}")
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {before}")
