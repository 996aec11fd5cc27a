"""The "Follow" panel's entries: what a page can be subscribed to, as absolute URLs.

`web` knows no domain app: each app builds the entries for its own feeds with these helpers
(record/templatetags/record_follow.py: changes; campaign/templatetags/campaign_follow.py:
actions) and the pages hand them to {% follow_panel %} (web/templatetags/follow.py), which
renders web/includes/follow.html.

URLs are built from the request, like the feeds' own links (Host checked against
ALLOWED_HOSTS, the scheme as the proxy reports it: operations.md), and keep the page's
language prefix, so a reader subscribes to the feed in the language they read.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest


@dataclass(frozen=True)
class Subscription:
    """One thing to follow: an Atom feed, a calendar, or both for the same selection; or the
    OPML list of the site's feeds."""

    title: str
    atom: str = ""  # absolute URL of the Atom feed
    ics: str = ""  # absolute https (or http) URL of the iCalendar file
    opml: str = ""  # absolute URL of an OPML list of feeds

    @property
    def webcal(self) -> str:
        """The calendar as a subscription (webcal://host/path): calendar apps poll it."""
        if not self.ics:
            return ""
        return "webcal://" + self.ics.split("://", 1)[1]


def absolute(request: HttpRequest, path: str, params: dict | None = None) -> str:
    query = f"?{urlencode(params)}" if params else ""
    return request.build_absolute_uri(path + query)


def combine(*groups) -> list[Subscription]:
    """Entries from several apps, in order, each URL once."""
    seen, out = set(), []
    for group in groups:
        for item in group or ():
            key = (item.atom, item.ics, item.opml)
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out
