"""Reads from a PostgreSQL streaming replica, when DATABASE_REPLICA_URL names one.

Every write goes to the primary ("default"). A reader's request (GET, HEAD or OPTIONS) reads from
the replica ("replica"), which may be a moment behind; everything else reads from the primary:
a request that writes, the views that show a caller what they just wrote (`reads_primary`),
management commands and tests, and any read inside a transaction on the primary. A signed-in
user who has just written gets a short signed cookie (REPLICA_PIN_COOKIE) that keeps their reads
on the primary for REPLICA_PIN_SECONDS, so staff see their own edit at once while readers catch
up within the replica's lag.

Security state is always read from the primary: sessions, sign-in throttling and rate limits,
spent proof-of-work challenges, second factors. The versions of the data (RecordVersion), which
key every cache of derived pages, are read from the replica in any web request: then no cache
entry can hold content older than its key, whichever database the content came from.

A reader's request that meets a replica it cannot reach is answered again from the primary, and
for DOWN_SECONDS the next readers this process serves read from the primary, then the replica is tried
again.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connections

PRIMARY = "default"
REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Apps whose rows decide who may do what: never read a moment late.
ALWAYS_PRIMARY = frozenset(
    {"sessions", "accounts", "axes", "otp_static", "otp_totp", "django_otp", "django_cache"}
)
VERSIONS = ("record", "recordversion")
_SALT = "unmask.web.replica.pin"
DOWN_SECONDS = 30  # after the replica failed, how long reads go to the primary instead
logger = logging.getLogger(__name__)
_down_until = 0.0  # time.monotonic() until which the replica is left alone

# Where this request reads: REPLICA, PRIMARY, or None outside a web request (all on the primary).
_reads: contextvars.ContextVar[str | None] = contextvars.ContextVar("unmask_reads", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _in_write_transaction() -> bool:
    return connections[PRIMARY].in_atomic_block


class ReplicaRouter:
    """Django's database router for a primary and one replica (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is None or _in_write_transaction():
            return PRIMARY
        meta = model._meta
        if (meta.app_label, meta.model_name) == VERSIONS:
            return PRIMARY if replica_down() else REPLICA
        if meta.app_label in ALWAYS_PRIMARY:
            return PRIMARY
        return reads

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # the replica follows by replication


def _pinned(request) -> bool:
    """The request carries a valid pin: its user wrote within REPLICA_PIN_SECONDS."""
    try:
        request.get_signed_cookie(
            settings.REPLICA_PIN_COOKIE, salt=_SALT, max_age=settings.REPLICA_PIN_SECONDS
        )
    except (KeyError, signing.BadSignature):
        return False
    return True


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class ReplicaMiddleware:
    """Decides where each request reads (first in MIDDLEWARE: the page cache reads too) and pins
    a signed-in user who just wrote to the primary for a few seconds."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = configured()

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        reads = REPLICA if safe and not _pinned(request) and not replica_down() else PRIMARY
        response = self._respond(request, reads)
        if reads == REPLICA and getattr(request, "database_unavailable", False):
            # The replica failed (web/pagecache.py noted it): this reader and the next ones,
            # for DOWN_SECONDS, read from the primary.
            _mark_down()
            request.database_unavailable = False
            response = self._respond(request, PRIMARY)
        if not safe and response.status_code < 400 and _signed_in(request):
            response.set_signed_cookie(
                settings.REPLICA_PIN_COOKIE,
                str(int(time.time())),
                salt=_SALT,
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def _respond(self, request, reads: str):
        token = _reads.set(reads)
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)


def replica_down() -> bool:
    return time.monotonic() < _down_until


def _mark_down() -> None:
    global _down_until
    _down_until = time.monotonic() + DOWN_SECONDS
    logger.warning("The replica failed: reads go to the primary for %s s", DOWN_SECONDS)
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def reads_primary(view):
    """For a view that shows its caller what they just wrote (a submitter's own page after the
    form): read from the primary, as a write would."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        token = _reads.set(PRIMARY)
        try:
            return view(*args, **kwargs)
        finally:
            _reads.reset(token)

    return wrapped
