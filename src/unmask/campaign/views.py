"""Public views of the campaign. For now: the actions' iCalendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from unmask.campaign import ics
from unmask.campaign.models import Action

RECENT_DAYS = 30  # ended actions stay in the feed this long, then calendars keep their copy


def actions_ics(request):
    """Published (and cancelled) actions, upcoming and of the last month, optionally for one call
    (`?call=<public id>`), one country (`?country=DE`) or one group (`?group=<public id>`)."""
    actions = Action.objects.public().filter(
        last_ends_at__gte=timezone.now() - timedelta(days=RECENT_DAYS)
    )
    name = settings.SITE_NAME
    if call := request.GET.get("call", "").strip()[:12]:
        actions = actions.filter(call__public_id=call)
    if country := request.GET.get("country", "").strip().upper()[:2]:
        actions = actions.filter(country=country)
    if group := request.GET.get("group", "").strip()[:12]:
        actions = actions.filter(group__public_id=group)
    body = ics.calendar(
        actions.select_related("call", "group").order_by("starts_at", "pk"),
        name=name,
        host=request.get_host().split(":")[0],
        base_url=f"{request.scheme}://{request.get_host()}",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="actions.ics"'
    return response


def _todo(request, *args, **kwargs):
    from django.http import Http404

    raise Http404


upcoming = month = action = action_ics = group = calls = call = embed_actions = _todo
submit = challenge = submitted = manage = _todo
