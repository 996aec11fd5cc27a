"""The campaign's part of the record's map, answered through the map's signals
(maps/signals.py): the map never imports the campaign, which imports the map.

- site_popup: a site's popup (/map/sites/<id>.json) lists the next upcoming public actions aimed
  at the site or at its organization as a whole (ActionTarget rows, public ones only), soonest
  first at their next occurrence, with the number of the others, and where to announce one
  there (the submission form with the site as its target). Two queries at most.
- map_layers: the actions layer of /actions/map/ (geo.actions_layer_config), which the record's
  map draws over its sites when the reader asks (?actions=1), unfiltered by the sites' filters.

Connected in CampaignConfig.ready() (apps.py).
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from unmask.campaign import geo
from unmask.campaign.models import ActionKind, ActionStatus, ActionTarget
from unmask.campaign.queries import next_occurrence, public_actions

SHOWN = 3  # actions listed in a popup; the others are counted
SCAN = 50  # actions read to find the soonest (a recurring one may come before a newer one)


def site_actions(sender, *, site, language: str | None = None, **kwargs) -> dict:
    """{"actions": [...], "more_actions": n, "announce_url": ..., "actions_url": ...} for the
    popup of `site` (public, its organization selected), in `language`."""
    now = timezone.now()
    aimed = ActionTarget.objects.public().filter(
        Q(site=site) | Q(organization_id=site.organization_id)
    )
    actions = (
        public_actions()
        .filter(pk__in=aimed.values("action_id"), last_ends_at__gte=now)
        .order_by("starts_at", "pk")
    )
    read = list(actions[:SCAN])
    total = len(read) if len(read) < SCAN else actions.count()
    found = [occurrence for action in read if (occurrence := next_occurrence(action, now))]
    found.sort(key=lambda o: (o.starts.astimezone(UTC), o.action.pk))
    kinds = dict(ActionKind.choices)
    with translation.override(language or translation.get_language()):
        rows = [
            {
                "id": o.action.public_id,
                "title": o.action.title,
                "url": o.action.get_absolute_url(),
                "start": o.starts.isoformat(timespec="minutes"),
                "zone": o.action.timezone,
                "kind": str(kinds.get(o.action.kind, o.action.kind)),
                "city": o.action.city,
                "cancelled": o.action.status == ActionStatus.CANCELLED,
            }
            for o in found[:SHOWN]
        ]
        target = urlencode({"target": f"site:{site.public_id}"}, safe=":")
        org = site.organization.public_id
        return {
            "actions": rows,
            "more_actions": max(total - len(rows), 0),
            "announce_url": f"{reverse('campaign:submit')}?{target}",
            "actions_url": f"{reverse('campaign:actions')}?{urlencode({'org': org})}",
        }


def actions_layer(sender, *, language: str | None = None, **kwargs) -> dict:
    """The actions layer for the record's map, and the page listing the same actions."""
    with translation.override(language or translation.get_language()):
        return {
            "actions": {
                **geo.actions_layer_config(filtered=False),
                "pageUrl": reverse("campaign:actions-map"),
            }
        }


def connect() -> None:
    from unmask.maps import signals

    signals.site_popup.connect(site_actions, dispatch_uid="campaign-site-popup")
    signals.map_layers.connect(actions_layer, dispatch_uid="campaign-map-layers")
