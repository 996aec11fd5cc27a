"""The record's version: a counter raised by every write, read by caches of derived public data.

`bump()` runs inside the writer's transaction (visibility.refresh_for and refresh_all call it),
so a reader never sees new data with an old version, and a rolled-back write raises nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from unmask.record.models import RecordVersion
from unmask.web import pagecache

# One row per scope: the record's, and the campaign's (calls, groups, actions), so that a new
# action does not throw away the map's cached sites, nor an edit to the record the feeds.
RECORD = 1
CAMPAIGN = 2
PAGES = 3  # the site's own texts (unmask.pages)


def current(scope: int = RECORD) -> int:
    """The version now: 0 for a database that has never been written to."""
    return RecordVersion.objects.filter(pk=scope).values_list("value", flat=True).first() or 0


def changed_at(scope: int = RECORD):
    """When the scope last changed (None before any write): a Last-Modified. Read it before the
    version, so that it is never later than the data answered with."""
    return RecordVersion.objects.filter(pk=scope).values_list("changed_at", flat=True).first()


def bump(scope: int = RECORD) -> None:
    updated = RecordVersion.objects.filter(pk=scope).update(
        value=F("value") + 1, changed_at=timezone.now()
    )
    if not updated:
        RecordVersion.objects.get_or_create(pk=scope, defaults={"value": 1})
    pagecache.versions_changed()  # this process sees it at once, others within a second
    transaction.on_commit(pagecache.versions_changed)


def stamp(*scopes: int) -> str:
    """The versions of several scopes read in one query, for a cache key: "812-37" (the
    record's alone when no scope is given)."""
    scopes = scopes or (RECORD,)
    values = dict(RecordVersion.objects.filter(pk__in=scopes).values_list("pk", "value"))
    return "-".join(str(values.get(scope, 0)) for scope in scopes)


def everything() -> str:
    """Every scope's version in one query, for the page cache (web/pagecache.py): "1.812-2.37"."""
    rows = RecordVersion.objects.order_by("pk").values_list("pk", "value")
    return "-".join(f"{pk}.{value}" for pk, value in rows)


T = TypeVar("T")
KEPT_SECONDS = 24 * 3600  # a new version makes new keys; this bounds the memory


def kept(name: str, params: dict, build: Callable[[], T], *scopes: int) -> T:
    """build(), kept in the cache under the versions of `scopes` (the record's alone when none
    is given) and `params` (what else it depends on: filters, a month): derived data that only
    a write changes, such as a count that scans what grows with the record. The first reader
    after a write builds it again; the others read it back."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:24]
    key = f"{name}:{stamp(*scopes)}:{digest}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, KEPT_SECONDS)
    return found
