"""The record as the screening matcher knows it (unmask.screening): its public organizations
with their other names and identifiers, read as values, a kind at a time. The index is kept in
the process and made again when the record's version changes: at 100,000 organizations it
takes seconds to build, and every list screened after it reads it."""

from __future__ import annotations

import threading

from unmask.record import version
from unmask.record.models import Identifier, Organization, OrganizationName
from unmask.screening.matcher import Entry, Index

_lock = threading.Lock()
_kept: dict[str, Index] = {}


def record_index() -> Index:
    """The index of the record as it is now (kept per version of the record, and the moment
    it changed: a database restored from a backup, or a test's rolled back, can come back to
    a version number with other data)."""
    current = f"{version.stamp()}@{version.changed_at()}"
    index = _kept.get(current)
    if index is None:
        with _lock:
            index = _kept.get(current)
            if index is None:
                index = build_index()
                _kept.clear()  # one version at a time: the last one
                _kept[current] = index
    return index


def build_index() -> Index:
    orgs = Organization.objects.public().order_by("pk")
    names: dict[int, list[str]] = {}
    for pk, name in OrganizationName.objects.filter(organization__in=orgs).values_list(
        "organization_id", "name"
    ):
        names.setdefault(pk, []).append(name)
    identifiers: dict[int, list[str]] = {}
    for pk, scheme, value in Identifier.objects.filter(organization__in=orgs).values_list(
        "organization_id", "scheme", "value"
    ):
        identifiers.setdefault(pk, []).append(f"{scheme}:{value}")
    return Index(
        Entry(
            public_id,
            name,
            tuple(names.get(pk, ())),
            str(country or ""),
            tuple(identifiers.get(pk, ())),
        )
        for pk, public_id, name, country in orgs.values_list("pk", "public_id", "name", "country")
    )
