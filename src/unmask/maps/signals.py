"""Signals the map sends for apps built on it, which the map itself never imports (the campaign
imports the map: asking it directly would go round in a circle).

- site_popup(sender=Site, site=, language=): sent by views.site for a site's popup
  (/map/sites/<id>.json), `site` public with its organization selected, `language` the
  request's. Each receiver returns a dict of keys added to the popup's JSON (the campaign:
  `actions`, the upcoming actions aimed at the site or its organization, and `announce_url`;
  campaign/map_popup.py). A fixed number of queries each, whatever the record's size.
- map_layers(sender=None, language=): sent by the map page and the embed. Each receiver returns
  a dict of layers map.js may draw over the sites when the reader asks for them, by name, each
  that layer's config for frontend/src/map/layers.js plus `pageUrl`, a page that lists the same
  without JavaScript (the campaign: `actions`). No query.
"""

from __future__ import annotations

from django.dispatch import Signal

site_popup = Signal()
map_layers = Signal()


def collect(signal: Signal, sender=None, **kwargs) -> dict:
    """What every receiver of `signal` returned, merged into one dict (the first to give a key
    keeps it)."""
    merged: dict = {}
    for _receiver, extra in signal.send(sender=sender, **kwargs):
        for key, value in (extra or {}).items():
            merged.setdefault(key, value)
    return merged
