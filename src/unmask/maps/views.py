"""The map: the page, its embeddable twin, and the data they load. Thin: filters and payloads
come from record.filters and maps.geojson; the map itself is drawn in the browser (map.js)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language

from unmask.maps import compact, geojson, options, preview, signals, tiles
from unmask.record.filters import NetworkFilters
from unmask.record.models import Link, Site
from unmask.web.embed import embeddable
from unmask.web.payloads import derived_response

LIST_LIMIT = 100  # sites listed under the map (and without JavaScript)
PLURAL_SAMPLES = (0, 1, 2, 3, 11, 100)  # one of each plural category in the site's languages


def _map_context(request, filters: NetworkFilters) -> dict:
    sites = (
        filters.sites()
        .select_related("organization")
        .order_by("-created_at", "-pk")[: LIST_LIMIT + 1]  # newest first: an index, no sort
    )
    sites = list(sites)
    total = options.site_count(filters)
    # Layers other apps offer over the sites (the campaign's actions), shown by ?actions=1: in
    # the address with the filters, but never a filter of the sites (maps.options.map_config).
    optional = options.optional_layers()
    shown = options.shown_layers(request.GET, optional)
    switched_on = {name: "1" for name in shown}
    query = urlencode(sorted({**filters.as_params(), **switched_on}.items()))
    actions_layer = optional.get("actions")
    return {
        "page_path": reverse("maps:map") + (f"?{query}" if query else ""),
        "share_query": query,  # the filters and layers, for the "Share or embed" code
        "clear_path": request.path + (f"?{urlencode(switched_on)}" if switched_on else ""),
        "filters": filters,
        "params": filters.as_params(),
        "options": options.filter_options(),
        "sites": sites[:LIST_LIMIT],
        "more_sites": len(sites) > LIST_LIMIT,
        "total": total,
        "map_config": options.map_config(
            filters, optional=optional, shown=shown, tiled=preview.tiled(total)
        ),
        "actions_layer": actions_layer,
        "show_actions": "actions" in shown,
        "actions_page": (actions_layer or {}).get("pageUrl", ""),
        "plural_samples": PLURAL_SAMPLES,
    }


def map_page(request):
    filters = NetworkFilters.from_params(request.GET)
    return render(request, "maps/map.html", _map_context(request, filters))


@embeddable
def embed(request):
    """The map alone, for campaign sites: framed by any site unless UNMASK_EMBED_ANCESTORS
    lists the origins that may (web/embed.py)."""
    filters = NetworkFilters.from_params(request.GET)
    response = render(request, "maps/embed.html", _map_context(request, filters))
    return response


def _sites_payload(request, kind: str, build, content_type: str = "application/geo+json"):
    filters = NetworkFilters.from_params(request.GET)
    return derived_response(
        request, kind, filters.as_params(), lambda: build(filters), content_type
    )


def sites(request):
    """GeoJSON of the public sites in view: compressed, cached per record version, with ETag."""
    return _sites_payload(request, "sites", geojson.sites_geojson)


def sites_compact(request):
    """The same sites in the compact binary form the map page loads (maps.compact)."""
    return _sites_payload(request, "sites-compact", compact.sites_compact, compact.CONTENT_TYPE)


def site_ids(request):
    """The public ids of those sites, in the same order: fetched after them, to open a site."""
    return _sites_payload(request, "site-ids", compact.site_ids, compact.IDS_CONTENT_TYPE)


def sites_preview(request):
    """The sites grouped for a first look (maps.preview), with the same filters and caching."""
    return _sites_payload(request, "sites-preview", preview.preview_geojson)


def sites_tile(request, zoom: int, x: int, y: int):
    """The server's clusters of one tile (maps.tiles), drawn by maps of more sites than the
    browser should load; with the same filters, caching and ETag."""
    try:
        tiles.check(zoom, x, y)
    except tiles.TileError as error:
        raise Http404(str(error)) from error
    filters = NetworkFilters.from_params(request.GET)
    return derived_response(
        request,
        f"sites-tile-{zoom}-{x}-{y}",
        filters.as_params(),
        lambda: tiles.tile_json(filters, zoom, x, y),
        "application/json",
    )


def site(request, public_id: str):
    """What a site's popup shows: the organization, the site, and its public links that match
    the map's link filters (NetworkFilters.links), labels in the page's language; then what other
    apps add (signals.site_popup: the campaign's upcoming actions aimed here). Not cached on
    the server: the ETag is the body's hash (ConditionalGetMiddleware), so a new action or an
    edit changes it, with the pages' short max-age."""
    item = get_object_or_404(
        Site.objects.public().select_related("organization"), public_id=public_id
    )
    org = item.organization
    filters = NetworkFilters.from_params(request.GET)
    links = filters.links().filter(Q(subject=org) | Q(object=org))
    shown = list(links.select_related("subject", "object", "product").order_by("-pk")[:5])
    body = popup_body(item, shown, more_links=links.count() > len(shown))
    # What other apps add (the campaign: the upcoming actions aimed here), asked through a
    # signal: the map never imports them.
    extra = signals.collect(signals.site_popup, sender=Site, site=item, language=get_language())
    for key, value in extra.items():
        body.setdefault(key, value)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def popup_body(site: Site, shown: list[Link], *, more_links: bool) -> dict:
    """A site's popup, in the active language: its organization, the site, the links shown
    (the newest five) and whether there are more; the mirror writes the same (exchange/mirror.py)."""
    org = site.organization
    return {
        "organization": {
            "name": org.name,
            "url": org.get_absolute_url(),
            "kind": org.kind_label,
            "country": org.country_name,
        },
        "site": {
            "name": site.name,
            "role": site.role_label,
            "city": site.city,
            "country": site.country_name,
            "precision": site.precision_label,
        },
        "links": [popup_link_row(link, org) for link in shown],
        "more_links": more_links,
        "language": get_language(),
    }


def popup_link_row(link: Link, org) -> dict:
    """A link as seen from `org`: "supplies components to X" or "X supplies components to it"."""
    if link.object_id == org.pk:
        text, other = link.inverse_label, link.subject
    else:
        text, other = link.relation_label, link.object
    return {
        "text": str(text),
        "other": other.name if other else "",
        "other_url": other.get_absolute_url() if other else "",
        "product": link.product.name if link.product_id else "",
        "status": str(link.status_label),
        "status_code": link.status,
    }


def basemap(request, name: str):
    """The operator's PMTiles basemap, from UNMASK_VAR_DIR/basemap/, with HTTP range requests:
    the map reads the few tiles it shows, never the whole file. Only the configured file is
    served. A reverse proxy may serve /basemap/ itself (docs/operations.md)."""
    if not settings.BASEMAP_PMTILES or name != settings.BASEMAP_PMTILES:
        raise Http404
    path = Path(settings.VAR_DIR) / "basemap" / settings.BASEMAP_PMTILES
    if not path.is_file():
        raise Http404
    stat = path.stat()
    size = stat.st_size
    # One ETag for the file, the same on every range: readers of PMTiles (and browsers) check
    # that the ranges they combine come from one version of the file. Set here, the conditional
    # middleware keeps it instead of hashing each range's bytes.
    etag = f'"{size:x}-{stat.st_mtime_ns:x}"'
    asked = request.headers.get("Range", "").strip()
    if request.headers.get("If-Range") not in (None, etag):
        asked = ""  # the file changed since the reader's last range: send all of it
    start, end = 0, size - 1
    status = 200
    ranged = re.fullmatch(r"bytes=(\d*)-(\d*)", asked)
    if ranged and (ranged[1] or ranged[2]):
        if ranged[1]:
            start = int(ranged[1])
            end = min(int(ranged[2]), size - 1) if ranged[2] else size - 1
        else:  # the last N bytes
            start = max(size - int(ranged[2]), 0)
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206
    with path.open("rb") as handle:
        handle.seek(start)
        body = handle.read(end - start + 1)
    response = HttpResponse(body, status=status, content_type="application/octet-stream")
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Cache-Control"] = "public, max-age=86400"
    return response
