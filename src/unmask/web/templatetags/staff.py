"""The staff's "Work" bar in base.html: each queue the signed-in person may work on, with how
many things wait in it.

Readers must get the very same page as before, cacheable and cookie-free: without a session
cookie in the request nothing is read, not even the session (reading it would add
"Vary: Cookie" to every public page). Only a request that carries one is looked at, and then
only staff who pass the staff area's own check (signed in, staff, two-factor when required)
see the bar. The queues are registered by the domain apps (web/staff.py), each count one COUNT
the database answers from an index.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.contrib import admin

from unmask.web import staff

register = template.Library()


@dataclass
class Queue:
    label: str
    url: str
    count: int


def _queues(user) -> list[Queue]:
    """The registered queues (web/staff.py) this person may work on, with their counts."""
    return [
        Queue(str(queue.label), queue.url(), queue.count())
        for queue in staff.registered()
        if user.has_perm(queue.permission)
    ]


@register.simple_tag(takes_context=True)
def staff_work(context) -> list[Queue] | None:
    """The queues for the "Work" bar, or None for anyone who is not signed-in staff."""
    request = context.get("request")
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    if not admin.site.has_permission(request):
        return None
    return _queues(request.user)
