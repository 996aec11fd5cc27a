"""Full-text search over organizations' names, other names and identifiers, case- and
diacritics-insensitive in every script: the indexed text and the query are both folded to
lower-case ASCII (record.text.fold), so "baykar" finds "BAYKAR" and "sirketi" finds "Şirketi".

One interface, two engines: SQLite FTS5 (an external-content index kept by triggers) and
PostgreSQL full-text search (a GIN index on to_tsvector('simple', search_text)). Every token is a
prefix match, so "kor aero" finds "Korvex Aerodynamics".
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from unmask.record.text import fold

MAX_TOKENS = 8


def tokens(query: str) -> list[str]:
    return [t for t in fold(query).split() if t][:MAX_TOKENS]


def search_organizations(queryset: QuerySet, query: str) -> QuerySet:
    """Narrow `queryset` (of Organization) to those matching every token of `query`."""
    words = tokens(query)
    if not words:
        return queryset
    if connection.vendor == "sqlite":
        match = " ".join(f'"{w}"*' for w in words)  # each token quoted: no FTS5 syntax injection
        ids = RawSQL(
            "SELECT rowid FROM record_organization_fts WHERE record_organization_fts MATCH %s",
            [match],
        )
        return queryset.filter(id__in=ids)
    if connection.vendor == "postgresql":
        tsquery = " & ".join(
            f"{re.sub(r'[^a-z0-9]', '', w)}:*" for w in words if re.sub(r"[^a-z0-9]", "", w)
        )
        if not tsquery:
            return queryset.none()
        matches = RawSQL(
            "to_tsvector('simple', record_organization.search_text) @@ to_tsquery('simple', %s)",
            [tsquery],
            output_field=BooleanField(),
        )
        return queryset.filter(matches)
    for word in words:  # any other database: slower, same results
        queryset = queryset.filter(search_text__contains=word)
    return queryset
