"""A first look at the map while the browser indexes every site: the public sites (with the
map's filters) grouped on a grid at the zooms a world or continent view uses, computed here and
cached per record version like the GeoJSON. The page draws these at once and replaces them with
the clusters of every site as soon as those are drawn (frontend/src/map/preview.js);
at 100,000 sites that index takes the browser seconds, this file a few kilobytes.

A cell is RADIUS screen pixels wide at its zoom, as MapLibre's clusters are about: one point per
occupied cell, at the mean position of its sites, with their count (`n`) and the zoom (`z`).
A cell at zoom z - 1 is four cells at zoom z, so every site is placed once, at MAX_ZOOM."""

from __future__ import annotations

import json
import math
from collections import defaultdict

from unmask.maps.geojson import DECIMALS, raw_rows
from unmask.record.filters import NetworkFilters

MAX_ZOOM = 5  # beyond, the page waits for the real clusters
RADIUS = 48  # pixels: the sites source's clusterRadius (frontend/src/map/style.js)
TILE = 512  # MapLibre's world is 512 pixels wide at zoom 0


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """The point on the unit square of Web Mercator (x east, y south)."""
    lat = max(-85.05112878, min(85.05112878, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180) / 360, 0.5 - y / (2 * math.pi)


def _lon_lat(x: float, y: float) -> tuple[float, float]:
    lat = math.degrees(2 * math.atan(math.exp((0.5 - y) * 2 * math.pi)) - math.pi / 2)
    return x * 360 - 180, lat


def cells(points) -> dict[int, dict[tuple[int, int], list[float]]]:
    """zoom -> (column, row) -> [count, sum of x, sum of y], for (longitude, latitude) points."""
    per_cell = RADIUS / (TILE * 2**MAX_ZOOM)  # the width of a cell at MAX_ZOOM, unit square
    found: dict[int, dict] = {MAX_ZOOM: defaultdict(lambda: [0, 0.0, 0.0])}
    top = found[MAX_ZOOM]
    for lon, lat in points:
        x, y = _mercator(lon, lat)
        cell = top[(int(x / per_cell), int(y / per_cell))]
        cell[0] += 1
        cell[1] += x
        cell[2] += y
    for zoom in range(MAX_ZOOM - 1, -1, -1):
        level = found[zoom] = defaultdict(lambda: [0, 0.0, 0.0])
        for (column, row), (n, sx, sy) in found[zoom + 1].items():
            cell = level[(column // 2, row // 2)]
            cell[0] += n
            cell[1] += sx
            cell[2] += sy
    return found


def preview_geojson(filters: NetworkFilters) -> bytes:
    rows = raw_rows(filters.sites().values_list("longitude", "latitude", "precision"))
    # Rounded as the GeoJSON rounds them: a site known to its city is not placed to the metre.
    points = [
        (round(lon, DECIMALS.get(p, 2)), round(lat, DECIMALS.get(p, 2))) for lon, lat, p in rows
    ]
    features = []
    for zoom, level in sorted(cells(points).items()):
        for n, sx, sy in level.values():
            lon, lat = _lon_lat(sx / n, sy / n)
            features.append(
                '{"type":"Feature","geometry":{"type":"Point","coordinates":['
                f'{lon:.4f},{lat:.4f}]}},"properties":{{"z":{zoom},"n":{n}}}}}'
            )
    document = {"type": "FeatureCollection", "maxZoom": MAX_ZOOM, "sites": len(rows)}
    head = json.dumps(document)[:-1]
    return (head + ',"features":[' + ",".join(features) + "]}").encode()
