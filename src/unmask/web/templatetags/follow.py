"""{% follow_panel feeds more_feeds ... %}: the "Follow" panel (web/includes/follow.html) with
the entries each app's tag built (web/follow.py), in order. `heading_level` sets the heading."""

from __future__ import annotations

from django import template

from unmask.web.follow import combine

register = template.Library()


@register.inclusion_tag("web/includes/follow.html")
def follow_panel(*groups, heading_level: int = 2):
    return {"subscriptions": combine(*groups), "h": heading_level}
