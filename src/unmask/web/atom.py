"""Ids and authorship shared by the site's Atom feeds (RFC 4287). Ids are tag: URIs (RFC 4151)
built from the configured site address (settings.SITE_URL), a date and public ids, never from
the request's Host header or a name: a rename, a new slug or another port keeps every id."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from django.conf import settings

# The tagging date of feeds that belong to the site itself rather than to one record.
SITE_TAG_DATE = date(2026, 1, 1)


def site_host() -> str:
    return (urlsplit(settings.SITE_URL).hostname or "localhost").lower()


def tag(when: date | datetime, specific: str) -> str:
    """tag:<site host>,<day>:<specific>; `when` is the day the site first minted it (a record's
    creation, a change's date), in UTC."""
    if isinstance(when, datetime):
        when = when.astimezone(UTC).date()
    return f"tag:{site_host()},{when:%Y-%m-%d}:{specific}"


def change_tag(kind: str, public_id: str, when: datetime) -> str:
    """The id of one change to a record: the record's public id and the change's UTC instant."""
    return tag(when, f"{kind}/{public_id}/{when.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}")


def author() -> dict:
    """The feed's atom:author (RFC 4287 4.1.1): the site, for Atom1Feed's keyword arguments."""
    return {"author_name": settings.SITE_NAME, "author_link": settings.SITE_URL}
