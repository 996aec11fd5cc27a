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


# --- first-level boundaries, populated places and country boxes (frontend/data/) --------------

DIST = BASEMAP.parent


def built(name: str) -> dict:
    path = DIST / name
    if not path.exists():
        pytest.skip(f"{path} is not built: run `make assets`")
    return json.loads(path.read_text())


def test_first_level_boundaries_are_lines_inside_most_countries():
    regions = built("regions.json")
    by_country = {f["properties"]["c"]: f for f in regions["features"]}
    assert len(by_country) > 150
    assert {"deu", "usa", "tur", "fra", "bra", "ind", "rus"} <= set(by_country)
    for feature in regions["features"]:
        assert feature["geometry"]["type"] == "MultiLineString"
        for line in feature["geometry"]["coordinates"]:
            assert len(line) >= 2
            for (lon1, _), (lon2, _) in itertools.pairwise(line):
                assert abs(lon2 - lon1) <= 180, feature["properties"]["c"]
    # Berlin's border with Brandenburg is among Germany's.
    germany = [p for line in by_country["deu"]["geometry"]["coordinates"] for p in line]
    assert any(13.0 < lon < 13.8 and 52.3 < lat < 52.7 for lon, lat in germany)


def test_places_are_ranked_capitals_first_and_named_in_some_languages():
    places = built("places.json")["features"]
    assert len(places) > 7000
    by_name = {f["properties"]["n"]: f["properties"] for f in places}
    berlin, potsdam = by_name["Berlin"], by_name["Potsdam"]
    assert berlin.get("k") == 1 and "k" not in potsdam
    assert berlin["z"] < potsdam["z"] and berlin["r"] < potsdam["r"]
    assert by_name["Vienna"]["n_de"] == "Wien"
    ranks = [f["properties"]["r"] for f in places]
    assert sorted(ranks) == list(range(len(places)))
    # A place's rank never comes before one shown from an earlier zoom.
    by_rank = sorted(places, key=lambda f: f["properties"]["r"])
    zooms = [f["properties"]["z"] for f in by_rank]
    assert zooms == sorted(zooms)


def test_country_boxes_cover_the_main_land():
    bounds = built("bounds.json")
    west, south, east, north = bounds["792"]  # Türkiye
    assert 25 < west < 27 and 35 < south < 37 and 44 < east < 46 and 41 < north < 43
    # The United States: the contiguous states, not the Aleutians across the antimeridian.
    west, south, east, north = bounds["840"]
    assert -126 < west < -123 and east < -65 and north < 50
    # Russia runs on past 180° east, as its shape does.
    assert bounds["643"][2] > 180


def test_every_map_is_told_where_the_basemap_files_are(settings):
    from unmask.maps.options import basemap_config, country_numbers

    config = basemap_config()
    assert config["regions"].endswith("basemap/regions.json")
    assert config["places"].endswith("basemap/places.json")
    assert country_numbers()["TR"] == "792"
