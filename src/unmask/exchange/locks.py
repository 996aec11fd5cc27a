"""One import of a file at a time: `import_lock(key)` holds an ImportLock row while the import
runs and raises ImportBusy for a second caller. A crash leaves nothing held: on PostgreSQL the
row goes with a session advisory lock (released with the connection); on SQLite (one machine)
a row whose process is gone is taken over."""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from unmask.exchange.models import ImportLock

HOST = socket.gethostname()[:255]
EXPIRES = timedelta(days=1)  # a row older than this is taken over whatever its holder
_held: set[str] = set()  # the keys this process holds


class ImportBusy(Exception):
    """The same file is being imported already; `started_at` says since when."""

    def __init__(self, started_at):
        self.started_at = started_at
        super().__init__(
            f"this file is being imported already (started at {started_at:%Y-%m-%d %H:%M:%S %Z})."
        )


def _advisory_key(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def alive(host: str, pid: int | None, started_at) -> bool:
    """Is the process `pid` of `host`, at work since `started_at`, still running? A process of
    another machine cannot be asked: it is taken as running until EXPIRES (so is one whose pid
    was given to another process since). The rule of ImportLock (on SQLite; PostgreSQL asks its
    advisory lock) and of an import batch being written (batches.recover)."""
    if timezone.now() - started_at > EXPIRES:
        return False
    if host != HOST:
        return True
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def import_lock(key: str) -> Iterator[None]:
    """Hold the import of `key` (a file's SHA-256) for the block; ImportBusy if it is held."""
    postgres = connection.vendor == "postgresql"
    advisory = _advisory_key(key)
    if key in _held:  # in this process (an advisory lock is taken again by its own session)
        held = ImportLock.objects.filter(key=key).first()
        raise ImportBusy(held.started_at if held else timezone.now())
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [advisory])
            if not cursor.fetchone()[0]:
                held = ImportLock.objects.filter(key=key).first()
                raise ImportBusy(held.started_at if held else timezone.now())
    try:
        held = ImportLock.objects.filter(key=key).first()
        if held is not None:
            if not postgres and alive(held.host, held.pid, held.started_at):
                raise ImportBusy(held.started_at)
            ImportLock.objects.filter(pk=held.pk, started_at=held.started_at).delete()
        try:
            with transaction.atomic():
                lock = ImportLock.objects.create(key=key, host=HOST, pid=os.getpid())
        except IntegrityError:
            held = ImportLock.objects.filter(key=key).first()
            raise ImportBusy(held.started_at if held else timezone.now()) from None
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)
            ImportLock.objects.filter(pk=lock.pk).delete()
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [advisory])
