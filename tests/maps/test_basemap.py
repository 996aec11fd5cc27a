"""The map's basemap, as `make assets` builds it (frontend/basemap.mjs): country shapes a flat Web
Mercator map can draw without artifacts, and a label point for each named country."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

BASEMAP = (
    Path(__file__).resolve().parents[2] / "src/unmask/web/static/unmask/dist/basemap/countries.json"
)
MAX_LAT = 85.05  # Web Mercator ends at ±85.0511°


@pytest.fixture(scope="module")
def basemap() -> dict:
    if not BASEMAP.exists():
        pytest.skip(f"{BASEMAP} is not built: run `make assets`")
    return json.loads(BASEMAP.read_text())


def polygons(feature: dict) -> list:
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return geometry["coordinates"]


def shapes(basemap: dict) -> list[dict]:
    return [f for f in basemap["features"] if "l" not in f["properties"]]


def labels(basemap: dict) -> list[dict]:
    return [f for f in basemap["features"] if "l" in f["properties"]]


def signed_area(ring: list) -> float:
    return (
        sum((x1 - x2) * (y1 + y2) for (x1, y1), (x2, y2) in zip(ring[1:], ring[:-1], strict=True))
        / -2
    )


def test_no_ring_jumps_across_the_antimeridian_or_leaves_mercator(basemap):
    rings = 0
    for feature in shapes(basemap):
        for polygon in polygons(feature):
            for ring in polygon:
                rings += 1
                assert len(ring) >= 4 and ring[0] == ring[-1], "a ring must be closed"
                for (lon1, lat1), (lon2, lat2) in itertools.pairwise(ring):
                    assert abs(lon2 - lon1) <= 180, (
                        f"country {feature['properties']['c']}: a segment jumps from "
                        f"{lon1} to {lon2}"
                    )
                    assert -MAX_LAT <= lat1 <= MAX_LAT and -MAX_LAT <= lat2 <= MAX_LAT
    assert rings > 1000  # the 1:50m shapes, with their islands


def test_russia_goes_on_past_180_degrees_east(basemap):
    """Chukotka is drawn in one piece across the antimeridian, not cut back to 180° west."""
    [russia] = [f for f in shapes(basemap) if f["properties"]["c"] == "643"]
    crossing = [
        polygon
        for polygon in polygons(russia)
        if any(lon < 180 for lon, _ in polygon[0]) and any(lon > 180 for lon, _ in polygon[0])
    ]
    assert crossing


def test_antarctica_is_closed_along_the_bottom_of_the_map(basemap):
    [antarctica] = [f for f in shapes(basemap) if f["properties"]["c"] == "010"]
    largest = max(polygons(antarctica), key=lambda polygon: abs(signed_area(polygon[0])))
    outer = largest[0]
    assert min(p[1] for p in outer) == -85
    assert max(p[0] for p in outer) - min(p[0] for p in outer) == pytest.approx(360, abs=1)


def test_outer_rings_run_counter_clockwise_and_holes_clockwise(basemap):
    for feature in shapes(basemap):
        for polygon in polygons(feature):
            assert signed_area(polygon[0]) > 0
            for hole in polygon[1:]:
                assert signed_area(hole) < 0


def test_each_named_country_has_one_label_inside_the_map(basemap):
    points = labels(basemap)
    codes = [f["properties"]["c"] for f in points if f["properties"]["c"]]
    assert len(codes) == len(set(codes))
    assert {"276", "840", "643", "792"} <= set(codes)  # Germany, USA, Russia, Türkiye
    for feature in points:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -MAX_LAT <= lat <= MAX_LAT
    ranks = sorted(f["properties"]["r"] for f in points)
    assert ranks == list(range(len(points)))  # 0 = the largest, placed first
    russia = next(f for f in points if f["properties"]["c"] == "643")
    assert russia["properties"]["r"] == 0
