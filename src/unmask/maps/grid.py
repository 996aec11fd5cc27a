"""The server's clusters of the map's sites (maps.preview, maps.tiles): cells of RADIUS screen
pixels at a zoom, as MapLibre's clusters are about, counted by the database.

Reading a million sites into Python to place each in its cell took seconds. Instead the
database groups them on a fine grid of longitude and latitude (GROUPS_PER_CELL squares to a
cell's width), through the index of their points, and returns a few thousand groups with their
count and the sums of their coordinates; each group goes whole to the cell its square's centre
lies in. A site is in exactly one group and each group in exactly one cell, so every site is
counted once, at every zoom and in exactly one tile; a cell's point is the mean of its sites.
A group square may straddle a cell's edge, which moves a site near it into the next cell: less
than an eighth of a cell, never a site's count.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, F, FloatField, Func, IntegerField, Min, Sum, Value, When

from unmask.maps.geojson import DECIMALS, raw_rows

RADIUS = 48  # pixels: the sites' clusterRadius (frontend/src/map/clusters.js)
TILE = 512  # MapLibre's world is 512 pixels wide at zoom 0
GROUPS_PER_CELL = 8
MAX_LAT = 85.05112878


class GridKey(Func):
    """floor(expression) as an integer: the group's column or row (the expression is never
    negative, so SQLite's CAST, which truncates, is the floor)."""

    output_field = IntegerField()
    template = "FLOOR(%(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(%(expressions)s AS INTEGER)", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="FLOOR(%(expressions)s)::integer", **extra
        )


class Placed(Func):
    """A coordinate where the map places it: rounded to what the site's precision claims
    (geojson.DECIMALS), as the GeoJSON rounds it, so that a cluster's mean never tells more
    than its sites do."""

    output_field = FloatField()
    template = "ROUND(%(expressions)s)"

    def __init__(self, field: str):
        digits = Case(
            *(When(precision=key, then=Value(places)) for key, places in DECIMALS.items()),
            default=Value(2),
            output_field=IntegerField(),
        )
        super().__init__(F(field), digits)

    def as_postgresql(self, compiler, connection, **extra):
        # PostgreSQL rounds to a number of places only a numeric.
        field, digits = (compiler.compile(part) for part in self.get_source_expressions())
        sql = f"CAST(ROUND(CAST({field[0]} AS numeric), {digits[0]}) AS double precision)"
        return sql, [*field[1], *digits[1]]


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """The point on the unit square of Web Mercator (x east, y south)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180) / 360, 0.5 - y / (2 * math.pi)


def lon_lat(x: float, y: float) -> tuple[float, float]:
    lat = math.degrees(2 * math.atan(math.exp((0.5 - y) * 2 * math.pi)) - math.pi / 2)
    return x * 360 - 180, lat


def cell_width(zoom: int) -> float:
    """A cell's width on the unit square of Web Mercator at `zoom`."""
    return RADIUS / (TILE * 2**zoom)


def groups_per_degree(zoom: int) -> float:
    """How many group squares to a degree, for the cells of `zoom`."""
    return GROUPS_PER_CELL / (cell_width(zoom) * 360)


@dataclass
class Group:
    n: int
    x: float  # the mean of its sites, Web Mercator
    y: float
    centre: tuple[float, float]  # its square's centre, Web Mercator: which cell it goes to
    key: int  # one of its sites (the only one when n is 1)


def groups(sites, per_degree: float) -> list[Group]:
    """The sites of a queryset grouped on squares of 1 / per_degree degrees."""
    query = (
        sites.annotate(
            gx=GridKey((F("longitude") + 180) * per_degree),
            gy=GridKey((F("latitude") + 90) * per_degree),
        )
        .order_by()
        .values("gx", "gy")
        .annotate(
            n=Count("pk"), sx=Sum(Placed("longitude")), sy=Sum(Placed("latitude")), key=Min("pk")
        )
        .values_list("gx", "gy", "n", "sx", "sy", "key")
    )
    out = []
    for gx, gy, n, sx, sy, key in raw_rows(query):
        x, y = mercator(sx / n, sy / n)
        centre = mercator((gx + 0.5) / per_degree - 180, (gy + 0.5) / per_degree - 90)
        out.append(Group(n, x, y, centre, key))
    return out


def cells(found: list[Group], zoom: int, keep=None) -> dict[tuple[int, int], list]:
    """(column, row) -> [count, sum of x, sum of y, key] of the cells of `zoom` that `keep`
    (column, row) accepts (all by default)."""
    width = cell_width(zoom)
    out: dict[tuple[int, int], list] = defaultdict(lambda: [0, 0.0, 0.0, None])
    for group in found:
        place = (int(group.centre[0] / width), int(group.centre[1] / width))
        if keep is not None and not keep(*place):
            continue
        cell = out[place]
        cell[0] += group.n
        cell[1] += group.x * group.n
        cell[2] += group.y * group.n
        cell[3] = group.key
    return out
