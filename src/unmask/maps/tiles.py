"""The map's sites cut into clusters on the server, for records too big to send whole.

Up to MAP_TILED_FROM public sites (settings; 300,000 by default) the map loads every site in the
compact payload (maps.compact) and clusters them in the browser. Past it (a million sites would
be about 8 MB compressed, and ten seconds of clustering in the browser), the map draws what this
module cuts instead:

- up to preview.MAX_ZOOM, the preview's cells (maps.preview), which the page already has;
- beyond, a *tile*: the clusters of one zoom `z` over one block of the world, the area of a
  512-pixel tile at zoom `z - BLOCK_SHIFT` (so a view needs a few tiles, not dozens), fetched by
  the map as the reader moves and cached per record version like every derived payload;
- from SINGLES_FROM on, every site on its own, as the browser's clustering gives them.

A cluster is a cell of grid.RADIUS screen pixels at its zoom, at the mean position of its
sites, as the preview's are (counted by the database: maps.grid); a cell with one site is that
site. Cells are numbered over the whole world at their zoom, and a tile holds the cells whose
top-left corner lies in its block, so no cell is cut in two at a tile's edge. A tile is JSON:

    {"z": 7, "clusters": [[lon, lat, count], ...],
     "sites": [[lon, lat, public id, precision, role, organization's public id, name], ...]}

The sites are found through the index on their longitude (record.models.Site: site_public_point),
so a tile costs what it holds, not what the record holds."""

from __future__ import annotations

import json
import math

from unmask.maps import grid
from unmask.maps.geojson import DECIMALS, raw_rows, site_details
from unmask.maps.preview import MAX_ZOOM as PREVIEW_MAX_ZOOM
from unmask.record.filters import NetworkFilters

BLOCK_SHIFT = 2  # a tile covers 4 × 4 of its zoom's 512-pixel tiles: 2,048 pixels a side
FIRST_ZOOM = PREVIEW_MAX_ZOOM + 1  # the preview draws the zooms before
SINGLES_FROM = 14  # frontend/src/map/clusters.js's CLUSTER_MAX_ZOOM: every site on its own
MAX_ZOOM = 17  # the map's own limit (component.js)


class TileError(ValueError):
    """A tile that does not exist: a zoom out of range or a block outside the world."""


def block_zoom(zoom: int) -> int:
    return max(zoom - BLOCK_SHIFT, 0)


def check(zoom: int, x: int, y: int) -> None:
    if not FIRST_ZOOM <= zoom <= MAX_ZOOM:
        raise TileError(f"zoom {zoom}: tiles are cut from zoom {FIRST_ZOOM} to {MAX_ZOOM}")
    blocks = 2 ** block_zoom(zoom)
    if not (0 <= x < blocks and 0 <= y < blocks):
        raise TileError(f"block {x}/{y}: at zoom {zoom} blocks run from 0 to {blocks - 1}")


def _cells_of_block(zoom: int, x: int, y: int) -> tuple[int, int, int, int]:
    """The columns and rows of the cells whose top-left corner lies in the block: first, end."""
    size = 1 / 2 ** block_zoom(zoom)
    width = grid.cell_width(zoom)
    return (
        math.ceil(x * size / width),
        math.ceil(y * size / width),
        math.ceil((x + 1) * size / width),
        math.ceil((y + 1) * size / width),
    )


def query_box(zoom: int, x: int, y: int, margin: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees: the block's cells, whole, and `margin` degrees."""
    first_column, first_row, end_column, end_row = _cells_of_block(zoom, x, y)
    width = grid.cell_width(zoom)
    west, north = grid.lon_lat(first_column * width, first_row * width)
    east, south = grid.lon_lat(min(end_column * width, 1.0), min(end_row * width, 1.0))
    # Web Mercator ends at 85.05°: a site nearer a pole is drawn on its edge, as MapLibre does.
    if first_row == 0:
        north = 90.0
    if end_row * width >= 1.0:
        south = -90.0
    return west - margin, south - margin, east + margin, north + margin


def tile(filters: NetworkFilters, zoom: int, x: int, y: int) -> dict:
    """The clusters and sites of one tile, as a dict (tile_json writes it)."""
    check(zoom, x, y)
    first_column, first_row, end_column, end_row = _cells_of_block(zoom, x, y)

    def keep(column: int, row: int) -> bool:
        return first_column <= column < end_column and first_row <= row < end_row

    per_degree = grid.groups_per_degree(zoom)
    # A group goes to the cell of its square's centre: the squares along the block's edge
    # reach a square beyond it. Each site is kept by exactly one tile.
    west, south, east, north = query_box(zoom, x, y, margin=1 / per_degree)
    sites = filters.sites().filter(
        longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north
    )
    singles: list[int] = []
    clusters = []
    width = grid.cell_width(zoom)
    if zoom >= SINGLES_FROM:
        rows = raw_rows(sites.values_list("pk", "longitude", "latitude"))
        for pk, lon, lat in rows:
            mx, my = grid.mercator(lon, lat)
            if keep(int(mx / width), int(my / width)):
                singles.append(pk)
    else:
        cells = grid.cells(grid.groups(sites, per_degree), zoom, keep)
        for n, sx, sy, key in cells.values():
            if n == 1:
                singles.append(key)
            else:
                lon, lat = grid.lon_lat(sx / n, sy / n)
                clusters.append([round(lon, 5), round(lat, 5), n])
    clusters.sort(key=lambda c: (-c[2], c[0], c[1]))  # the biggest first
    return {"z": zoom, "clusters": clusters, "sites": _placed(singles)}


def _placed(keys: list[int]) -> list[list]:
    """Sites on their own: [longitude, latitude, public id, precision, role, organization's
    public id, organization's name], placed as the GeoJSON places them, by organization."""
    details = site_details(keys)
    out = []
    for pk in keys:
        if pk not in details:  # it left the record since the sites were counted
            continue
        public_id, precision, role, org_id, org_name, lon, lat = details[pk]
        places = DECIMALS.get(precision, 2)
        out.append(
            [round(lon, places), round(lat, places), public_id, precision, role, org_id, org_name]
        )
    out.sort(key=lambda site: (site[6], site[2]))
    return out


def tile_json(filters: NetworkFilters, zoom: int, x: int, y: int) -> bytes:
    return json.dumps(tile(filters, zoom, x, y), ensure_ascii=False, separators=(",", ":")).encode()
