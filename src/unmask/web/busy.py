"""A busy database makes a request wait, not fail. On SQLite one writer writes at a time: a
request that cannot get the write lock within busy_timeout (settings) raises "database is
locked". BusyDatabaseMiddleware then runs the view again a few times, a little later each time,
and if the database is still busy answers 503 with Retry-After and the form as it was sent
(with a button that sends it again)."""

from __future__ import annotations

import threading
import time

from django.db import OperationalError, connection, transaction
from django.shortcuts import render

RETRY_DELAYS = (0.1, 0.4, 1.0, 2.0)  # seconds before each new try
GIVE_UP_AFTER = 20.0  # seconds since the first try: no new try begins later
RETRY_AFTER = 5  # seconds, in the 503's Retry-After

_BUSY = ("database is locked", "database table is locked", "database is busy")


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and str(exc).startswith(_BUSY)


class BusyDatabaseMiddleware:
    """Last in MIDDLEWARE. On SQLite, a form's view (POST...) runs in one transaction, which
    waits for the write lock at its start: when the lock does not come, nothing is written yet
    (no rate-limit count, no spent proof of work) and the view runs again, cleanly. The admin's
    views keep their own transactions (an import commits a chunk at a time): a view of theirs
    that met a busy database outside any transaction runs again too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._busy_view = (view_func, view_args, view_kwargs)
        match = getattr(request, "resolver_match", None)
        if (
            request.method in ("GET", "HEAD", "OPTIONS", "TRACE")
            or connection.vendor != "sqlite"
            or connection.in_atomic_block
            or (match is not None and "admin" in match.namespaces)
        ):
            return None
        return self._retried(request, lambda: _atomic(view_func, request, view_args, view_kwargs))

    def process_exception(self, request, exception):
        view = getattr(request, "_busy_view", None)
        if view is None or not is_busy(exception) or connection.in_atomic_block:
            return None
        view_func, args, kwargs = view
        return self._retried(request, lambda: view_func(request, *args, **kwargs), tried=True)

    @staticmethod
    def _retried(request, run, tried: bool = False):
        """run() again, after a short wait each time, while the database is busy; a 503 once
        GIVE_UP_AFTER seconds have passed."""
        started = time.monotonic()
        for delay in (0, *RETRY_DELAYS) if not tried else RETRY_DELAYS:
            if time.monotonic() - started + delay > GIVE_UP_AFTER:
                break
            time.sleep(delay)
            try:
                return run()
            except OperationalError as exc:
                if not is_busy(exc) or connection.in_atomic_block:
                    raise
        return busy_page(request)


# The views of one process that write take turns here, in order, rather than all polling
# SQLite's lock (its busy handler sleeps up to 100 ms between looks, and the lock idles).
_turn = threading.Lock()


def _atomic(view_func, request, args, kwargs):
    if not _turn.acquire(timeout=GIVE_UP_AFTER):
        raise OperationalError("database is locked (waited for this process's other writers)")
    try:
        with transaction.atomic():
            return view_func(request, *args, **kwargs)
    finally:
        _turn.release()


def busy_page(request):
    """503, with what was typed in a form that sends it again."""
    fields = []
    if request.method == "POST":
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name != "csrfmiddlewaretoken"
            for value in values
        ]
    response = render(request, "web/busy.html", {"fields": fields}, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
