"""The record's version: a counter raised by every write, read by caches of derived public data.

`bump()` runs inside the writer's transaction (visibility.refresh_for and refresh_all call it),
so a reader never sees new data with an old version, and a rolled-back write raises nothing.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from unmask.record.models import RecordVersion


def current() -> int:
    """The version now: 0 for a database that has never been written to."""
    return RecordVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def bump() -> None:
    updated = RecordVersion.objects.filter(pk=1).update(
        value=F("value") + 1, changed_at=timezone.now()
    )
    if not updated:
        RecordVersion.objects.get_or_create(pk=1, defaults={"value": 1})
