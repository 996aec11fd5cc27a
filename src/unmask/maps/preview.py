"""A first look at the map while the browser indexes every site: the public sites (with the
map's filters) grouped in cells at the zooms a world or continent view uses, counted by the
database (maps.grid) and cached per record version like the GeoJSON. The page draws these at
once and replaces them with the clusters of every site as soon as those are drawn
(frontend/src/map/first-screen.js, preview.js); at 100,000 sites that index takes the browser
a second, this file a few kilobytes. Past MAP_TILED_FROM sites the map never loads every site:
it draws these cells up to MAX_ZOOM, then the server's tiles (maps.tiles).

A cell is RADIUS screen pixels wide at its zoom, as MapLibre's clusters are about: one point per
occupied cell, at the mean position of its sites, with their count (`n`) and the zoom (`z`). A
cell at zoom z - 1 is four cells at zoom z, so every site is placed once, at MAX_ZOOM. A cell of
one site is drawn where the GeoJSON draws that site; on a map too big to load whole it also
names the site (`k`, its precision `p` and role `r`, its organization's public id `org` and
`name`), so that it opens as the tiles' sites do."""

from __future__ import annotations

import json

from django.conf import settings

from unmask.maps import grid
from unmask.maps.geojson import DECIMALS, site_details
from unmask.record.filters import NetworkFilters

MAX_ZOOM = 5  # beyond, the browser's clusters of every site, or the server's tiles


def tiled(count: int) -> bool:
    """Whether a map of `count` sites draws the server's clusters (maps.tiles) rather than
    loading every site (maps.compact)."""
    return count >= settings.MAP_TILED_FROM


def levels(filters: NetworkFilters) -> dict[int, dict[tuple[int, int], list]]:
    """zoom -> (column, row) -> [count, sum of x, sum of y, key of one of its sites]."""
    found = grid.groups(filters.sites(), grid.groups_per_degree(MAX_ZOOM))
    out = {MAX_ZOOM: grid.cells(found, MAX_ZOOM)}
    for zoom in range(MAX_ZOOM - 1, -1, -1):
        level = out[zoom] = {}
        for (column, row), (n, sx, sy, key) in out[zoom + 1].items():
            cell = level.setdefault((column // 2, row // 2), [0, 0.0, 0.0, None])
            cell[0] += n
            cell[1] += sx
            cell[2] += sy
            cell[3] = key
    return out


def preview_geojson(filters: NetworkFilters) -> bytes:
    cells = levels(filters)
    total = sum(cell[0] for cell in cells[0].values())
    named = tiled(total)
    # A site alone in its cell is drawn where the GeoJSON draws it: rounded to its precision.
    singles = {cell[3] for level in cells.values() for cell in level.values() if cell[0] == 1}
    details = site_details(singles)
    features = []
    for zoom, level in sorted(cells.items()):
        for n, sx, sy, key in level.values():
            lon, lat = grid.lon_lat(sx / n, sy / n)
            lon, lat = round(lon, 4), round(lat, 4)
            properties = f'"z":{zoom},"n":{n}'
            if n == 1 and key in details:  # (not if it left the record since the count)
                public_id, precision, role, org_id, org_name, lon, lat = details[key]
                places = DECIMALS.get(precision, 2)
                lon, lat = round(lon, places), round(lat, places)
                if named:
                    site = {"k": public_id, "p": precision, "r": role, "org": org_id}
                    site["name"] = org_name
                    properties += "," + json.dumps(site, ensure_ascii=False)[1:-1]
            features.append(
                '{"type":"Feature","geometry":{"type":"Point","coordinates":['
                f'{lon},{lat}]}},"properties":{{{properties}}}}}'
            )
    document = {"type": "FeatureCollection", "maxZoom": MAX_ZOOM, "sites": total}
    head = json.dumps(document)[:-1]
    return (head + ',"features":[' + ",".join(features) + "]}").encode()
