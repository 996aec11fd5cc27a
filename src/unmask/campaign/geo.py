"""The map of upcoming actions (a layer of the record's map component, map.js) and its data.

- /actions/map/actions.geojson: public actions with a point that are upcoming or still running
  (their last occurrence ends now or later), narrowed by `call`, `group` (public ids),
  `country`, `city` (any case) and `kind`. Each feature's properties: `id` (public id),
  `title`, `kind` (the kind's label in the request's language), `start` (the next occurrence's
  local start, ISO 8601 with its offset), `zone` (the IANA zone it is in), `city`, and
  `cancelled` (true for an action cancelled after publication: it stays on the map, struck).
  The browser builds the link from the id. Cached per campaign version, language, filters and
  UTC hour: "upcoming" moves with the clock, so no cached answer outlives its hour.
- /calls/<id>/sites.geojson: the sites of what a call targets (its organizations, and the
  organizations linked to its products and their parts), in maps.geojson's format, built by
  maps.geojson's builder. The record never imports the campaign: the campaign asks the record.
- /actions/map/: the page, with a filter form whose state is the address and a list of the same
  actions rendered by the server (the page works without JavaScript).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from unmask.campaign.models import Action, ActionKind, ActionStatus, Call, CallTarget, LocalGroup
from unmask.campaign.queries import (
    ActionFilters,
    action_countries,
    count_upcoming,
    occurrences_of,
    public_calls,
    soonest,
)
from unmask.maps import geojson as site_geojson
from unmask.maps import options as map_options
from unmask.record import version
from unmask.record.models import Involvement, Site
from unmask.record.queries import public_part_ids
from unmask.web.payloads import derived_response

LIST_LIMIT = 100  # actions listed under the map (and without JavaScript), as the graph lists links
FILTER_KEYS = ("call", "group", "country", "city", "kind")


# --- filters --------------------------------------------------------------------------------------


def _actions(filters: ActionFilters, now: datetime) -> QuerySet:
    """The actions the map draws (ActionFilters.actions), the city compared as matches_city
    compares it: in Python, for every script."""
    actions = filters.actions(now)
    if filters.city:
        cities = actions.values_list("pk", "city")
        actions = actions.filter(pk__in=[pk for pk, city in cities if filters.matches_city(city)])
    return actions


def upcoming(filters: ActionFilters, now: datetime | None = None, limit: int | None = None):
    """(action, local start of its next occurrence) pairs in the filters, soonest first: the
    first `limit`, or all."""
    now = now or timezone.now()
    found = occurrences_of(soonest(_actions(filters, now), now, limit), now)
    return [(occurrence.action, occurrence.starts) for occurrence in found]


def count(filters: ActionFilters, now: datetime | None = None) -> int:
    """How many actions upcoming() has in all (kept with their order: count_upcoming)."""
    now = now or timezone.now()
    return count_upcoming(_actions(filters, now), now)


def actions_document(filters: ActionFilters, now: datetime | None = None) -> bytes:
    kinds = dict(ActionKind.choices)
    features = []
    for action, start in upcoming(filters, now):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(action.longitude, 5), round(action.latitude, 5)],
                },
                "properties": {
                    "id": action.public_id,
                    "title": action.title,
                    "kind": str(kinds.get(action.kind, action.kind)),
                    "start": start.isoformat(timespec="minutes"),
                    "zone": action.timezone,
                    "city": action.city,
                    "cancelled": action.status == ActionStatus.CANCELLED,
                },
            }
        )
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _hour(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H")


def actions_geojson(request):
    """GeoJSON of the upcoming public actions in the filters: compressed, cached, with ETag."""
    filters = ActionFilters.from_params(request.GET)
    now = timezone.now()
    params = {**filters.as_params(), "hour": _hour(now), "lang": get_language() or ""}
    return derived_response(
        request,
        "actions",
        params,
        lambda: actions_document(filters, now),
        "application/geo+json",
        scope=version.CAMPAIGN,
    )


# --- what a call targets ----------------------------------------------------------------------


@dataclass
class TargetSites:
    """What maps.geojson's builder asks of its filters (`sites()`), for a call's targets: the
    public sites of the organizations it names and of those linked to its products (and their
    parts, at every tier)."""

    call: Call

    def organization_ids(self) -> set[int]:
        targets = CallTarget.objects.public().filter(call=self.call)
        ids = set(targets.filter(organization__isnull=False).values_list("organization", flat=True))
        product_ids: set[int] = set()
        for pk in targets.filter(product__isnull=False).values_list("product", flat=True):
            product_ids.update(public_part_ids(pk))
        if product_ids:
            ids.update(
                Involvement.objects.filter(product__in=product_ids).values_list(
                    "organization_id", flat=True
                )
            )
        return ids

    def sites(self) -> QuerySet:
        """Every site of a targeted organization, and each targeted site."""
        site_ids = CallTarget.objects.public().filter(call=self.call, site__isnull=False)
        return Site.objects.public().filter(
            Q(organization__in=sorted(self.organization_ids())) | Q(pk__in=site_ids.values("site")),
            latitude__isnull=False,
            longitude__isnull=False,
        )


def call_sites(request, public_id: str):
    """The sites a call targets, as the record's map draws them. Depends on the campaign (the
    call's targets) and on the record (the sites): the record's version is in the cache key."""
    call = public_calls().filter(public_id=public_id).first()
    if call is None:
        raise Http404
    params = {"call": call.public_id, "record": version.current(version.RECORD)}
    return derived_response(
        request,
        "call-sites",
        params,
        lambda: site_geojson.sites_geojson(TargetSites(call)),
        "application/geo+json",
        scope=version.CAMPAIGN,
    )


# --- the map's configuration (map.js) --------------------------------------------------------------


def actions_layer_config(*, filtered: bool = True) -> dict:
    return {
        "url": reverse("campaign:actions-geojson"),
        "filtered": filtered,
        "actionUrl": reverse("campaign:action-short", args=["__ID__"]),
    }


def actions_map_config(
    filters: ActionFilters, *, fixed: dict | None = None, targets: Call | None = None
) -> dict:
    """The JSON the page hands to map.js: the actions layer (filtered by the page's form, or by
    `fixed` filters that never show in the address), and with `targets`, the sites that call
    targets as a second layer, drawn under the actions."""
    layers = {"actions": actions_layer_config()}
    if targets is not None:
        url = reverse("campaign:call-sites", args=[targets.public_id])
        layers["sites"] = map_options.sites_layer_config(url, filtered=False)
    return {
        **map_options.basemap_config(),
        "layers": layers,
        "list": "actions",
        "filterKeys": list(FILTER_KEYS),
        "params": {} if fixed else filters.as_params(),
        "fixed": fixed or {},
    }


# --- the page -------------------------------------------------------------------------------------


def filter_options() -> dict:
    return {
        "countries": [(code, str(name)) for code, name in action_countries(upcoming=True)],
        "calls": list(public_calls().order_by("title", "pk")),
        "groups": _active_groups(),
        "kinds": ActionKind.choices,
    }


def _active_groups() -> list[dict]:
    """The groups with an upcoming action: {public_id, name}, by name. Kept a minute under the
    campaign's version (a write starts afresh; actions also end as time passes), as the
    countries are: reading them meant every upcoming action's group."""
    key = f"action-map-groups:{version.stamp(version.CAMPAIGN)}"
    groups = cache.get(key)
    if groups is None:
        active = Action.objects.public().filter(last_ends_at__gte=timezone.now())
        rows = (
            LocalGroup.objects.alive()
            .filter(pk__in=active.values("group_id"))
            .order_by("name", "pk")
            .values("public_id", "name")
        )
        groups = list(rows)
        cache.set(key, groups, 60)
    return groups


PLURAL_SAMPLES = (0, 1, 2, 3, 11, 100)  # one of each plural category in the site's languages


def list_rows(pairs) -> list[dict]:
    """What the list under the map shows of each action: its local start as wall-clock time
    (naive, so templates print it as it is there) with the zone's abbreviation."""
    return [
        {
            "action": action,
            "start": start,
            "local": start.replace(tzinfo=None),
            "zone_abbr": start.tzname() or action.timezone,
            "cancelled": action.status == ActionStatus.CANCELLED,
        }
        for action, start in pairs
    ]


def actions_map(request):
    filters = ActionFilters.from_params(request.GET)
    now = timezone.now()
    rows = list_rows(upcoming(filters, now, limit=LIST_LIMIT))
    total = count(filters, now)
    query = urlencode(filters.as_params())
    return render(
        request,
        "campaign/actions_map.html",
        {
            "page_path": reverse("campaign:actions-map") + (f"?{query}" if query else ""),
            "filters": filters,
            "options": filter_options(),
            "rows": rows,
            "more_actions": total > len(rows),
            "total": total,
            "map_id": "actions",
            "map_config_id": "map-config-actions",
            "map_config": actions_map_config(filters),
            "compact": False,
            "show_sites": False,
            "plural_samples": PLURAL_SAMPLES,
            "ics_url": reverse("campaign:actions-ics") + (f"?{query}" if query else ""),
        },
    )
