"""The staff's "Work" bar in base.html: each queue the signed-in person may work on, with how
many things wait in it.

Readers must get the very same page as before, cacheable and cookie-free: without a session
cookie in the request nothing is read, not even the session (reading it would add
"Vary: Cookie" to every public page). Only a request that carries one is looked at, and then
only staff who pass the staff area's own check (signed in, staff, two-factor when required)
see the bar. Each count is one COUNT on an indexed column, or cached per record version.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@dataclass
class Queue:
    label: str
    url: str
    count: int


def _queues(user) -> list[Queue]:
    queues = []
    if user.has_perm("campaign.moderate_action"):
        from unmask.campaign.moderation import waiting_count

        queues.append(
            Queue(_("Actions to moderate"), reverse("campaign:moderate"), waiting_count())
        )
    if user.has_perm("record.publish_response"):
        from unmask.record.staff import waiting_count

        queues.append(
            Queue(_("Replies to check"), reverse("record:replies-queue"), waiting_count())
        )
    if user.has_perm("record.publish_organization"):
        from unmask.exchange.drafts import ready_count

        url = reverse("admin:record_organization_changelist") + "?imported=ready"
        queues.append(Queue(_("Imported drafts with sources"), url, ready_count()))
    return queues


@register.simple_tag(takes_context=True)
def staff_work(context) -> list[Queue] | None:
    """The queues for the "Work" bar, or None for anyone who is not signed-in staff."""
    request = context.get("request")
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    if not admin.site.has_permission(request):
        return None
    return _queues(request.user)
