"""The staff's "Work" bar's queues: what each domain app offers its staff to work on.

`web` knows no domain app, so the apps register their own queues here from their
AppConfig.ready() (campaign: actions to moderate; record: replies to check; exchange: imported
drafts with sources), and {% staff_work %} (web/templatetags/staff.py) shows those the signed-in
person has the permission for, each with its count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class StaffQueue:
    """A queue offered to staff: who may work on it, where, and how many things wait in it."""

    key: str  # one registration per key: registering it again replaces it
    label: str  # a lazy translation (gettext_lazy), read in the request's language
    url_name: str  # reversed per request
    permission: str  # "app_label.codename"
    count: Callable[[], int]  # cheap: one indexed COUNT (the bar is on every staff page)
    query: str = ""  # appended to the URL, e.g. "?imported=ready"
    order: int = 0  # the bar's order, lowest first

    def url(self) -> str:
        return reverse(self.url_name) + self.query


_queues: dict[str, StaffQueue] = {}


def register(queue: StaffQueue) -> None:
    _queues[queue.key] = queue


def registered() -> list[StaffQueue]:
    return sorted(_queues.values(), key=lambda queue: (queue.order, queue.key))
