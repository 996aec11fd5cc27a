"""The server's clusters for maps too big to load whole (maps/tiles.py): every site counted once
at every zoom whatever the tile edges, the filters and drafts as on every map payload, and the
map page switching to them past UNMASK_MAP_TILED_FROM."""

from __future__ import annotations

import gzip
import json
import math
import random

import pytest
from django.core.cache import cache
from django.test import override_settings

from unmask.maps import tiles
from unmask.maps.geojson import DECIMALS
from unmask.record.models import Site


def get_json(client, url, **params):
    response = client.get(url, params, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, (url, response.status_code)
    body = response.content
    return json.loads(gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body)


def block_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    blocks = 2 ** tiles.block_zoom(zoom)
    lat = max(-85.05, min(85.05, lat))
    x = (lon + 180) / 360
    y = 0.5 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)
    return min(int(x * blocks), blocks - 1), min(int(y * blocks), blocks - 1)


def tiles_around(points, zoom: int) -> set[tuple[int, int]]:
    """The blocks holding these points and their neighbours: where a site may be placed."""
    blocks = 2 ** tiles.block_zoom(zoom)
    found = set()
    for lon, lat in points:
        x, y = block_of(lon, lat, zoom)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if 0 <= y + dy < blocks:
                    found.add(((x + dx) % blocks, y + dy))
    return found


@pytest.fixture
def crowd(network):
    """The network's five sites and 300 more around the world, some on a tile's edge (longitude 0,
    the equator) and some known to their city that rounding moves across it."""
    org = network["orgs"]["engines"]
    rng = random.Random(4)
    sites = []
    for i in range(300):
        if i < 200:  # a cluster around one city, as real records are
            lon, lat = 9.4 + rng.uniform(-0.6, 0.6), 51.3 + rng.uniform(-0.4, 0.4)
        else:
            lon, lat = rng.uniform(-179.9, 179.9), rng.uniform(-60, 70)
        sites.append((lon, lat, "exact"))
    sites += [
        (0.0, 0.0, "exact"),  # on the corner of four tiles at every zoom
        (-0.004, 10.0, "city"),  # stored west of the meridian, placed on it (0.00)
        (-0.004, 10.0, "city"),
        (179.999, -0.001, "region"),  # placed at 180.0: the world's last column
        (20.0, 88.5, "exact"),  # nearer the pole than Web Mercator reaches: on its edge
        (-40.0, -89.0, "exact"),
    ]
    Site.objects.bulk_create(
        Site(
            organization=org,
            role="factory",
            city="Testville",
            country="DE",
            longitude=lon,
            latitude=lat,
            precision=precision,
            is_public=True,
        )
        for lon, lat, precision in sites
    )
    Site.objects.create(  # a draft: never on the map
        organization=org, role="factory", city="Draft", country="DE", longitude=9.5, latitude=51.3
    )
    return Site.objects.public().filter(latitude__isnull=False)


@pytest.mark.parametrize("zoom", [tiles.FIRST_ZOOM, 9, 12, tiles.SINGLES_FROM, tiles.MAX_ZOOM])
def test_every_site_is_counted_once_at_every_zoom(client, crowd, zoom):
    public = {site.public_id for site in crowd}
    # Where each is stored, and where it is placed: rounded to what its precision claims (a
    # region's to a tenth of a degree, many tiles away at zoom 17).
    points = []
    for site in crowd:
        places = DECIMALS[site.precision]
        points.append((site.longitude, site.latitude))
        points.append((round(site.longitude, places), round(site.latitude, places)))
    counted = 0
    singles = []
    for x, y in sorted(tiles_around(points, zoom)):
        tile = get_json(client, f"/map/tiles/{zoom}/{x}/{y}.json")
        assert tile["z"] == zoom
        counted += sum(n for _lon, _lat, n in tile["clusters"]) + len(tile["sites"])
        singles += [site[2] for site in tile["sites"]]
        assert all(n >= 2 for _lon, _lat, n in tile["clusters"])
    assert counted == len(public)
    assert len(singles) == len(set(singles)) and set(singles) <= public
    if zoom >= tiles.SINGLES_FROM:
        assert set(singles) == public  # every site on its own, as the map's own clusters end


def test_a_site_on_its_own_carries_what_the_list_and_popup_need(client, network):
    engines = network["sites"]["engines"]  # known to its city: placed to the hundredth
    x, y = block_of(engines.longitude, engines.latitude, 12)
    tile = get_json(client, f"/map/tiles/12/{x}/{y}.json")
    assert tile["clusters"] == []
    assert tile["sites"] == [
        [
            9.48,
            51.31,
            engines.public_id,
            "city",
            "factory",
            network["orgs"]["engines"].public_id,
            "Korvex Aerodynamics",
        ]
    ]


def test_filters_apply_to_tiles_as_to_every_map_payload(client, crowd, network):
    bank = network["sites"]["bank"]
    x, y = block_of(bank.longitude, bank.latitude, 7)
    everything = get_json(client, f"/map/tiles/7/{x}/{y}.json")
    financial = get_json(client, f"/map/tiles/7/{x}/{y}.json", kind="financial")
    assert sum(n for *_, n in everything["clusters"]) + len(everything["sites"]) > 200
    # The bank's site in Frankfurt is the one financial site there.
    assert financial["clusters"] == []
    assert [site[2] for site in financial["sites"]] == [bank.public_id]


def test_a_tile_outside_the_world_or_its_zooms_is_not_found(client, network):
    assert client.get(f"/map/tiles/{tiles.FIRST_ZOOM - 1}/0/0.json").status_code == 404
    assert client.get(f"/map/tiles/{tiles.MAX_ZOOM + 1}/0/0.json").status_code == 404
    side = 2 ** tiles.block_zoom(8)
    assert client.get(f"/map/tiles/8/{side}/0.json").status_code == 404
    ok = client.get("/map/tiles/8/0/0.json")
    assert ok.status_code == 200 and ok["ETag"]
    assert client.get("/map/tiles/8/0/0.json", HTTP_IF_NONE_MATCH=ok["ETag"]).status_code == 304


def map_config(client) -> dict:
    response = client.get("/map/")
    html = response.content.decode()
    start = html.index('id="map-config-main"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_the_map_loads_every_site_until_too_many_then_the_servers_clusters(client, network):
    sites = map_config(client)["layers"]["sites"]
    assert sites["compactUrl"] and not sites["tilesUrl"]
    preview = get_json(client, "/map/sites.preview.geojson")
    assert all(set(f["properties"]) == {"z", "n"} for f in preview["features"])
    with override_settings(MAP_TILED_FROM=5):  # the network has five sites
        sites = map_config(client)["layers"]["sites"]
        assert not sites["compactUrl"] and not sites["idsUrl"]
        assert sites["tilesUrl"] == "/map/tiles/{z}/{x}/{y}.json"
        # The preview's cells of one site name it, as the tiles' sites do: they open.
        cache.clear()  # the preview built above, for the same version of the record
        preview = get_json(client, "/map/sites.preview.geojson")
        lone = [f["properties"] for f in preview["features"] if f["properties"]["n"] == 1]
        assert lone
        bank = network["sites"]["bank"]
        names = {p["k"]: (p["name"], p["org"], p["p"], p["r"]) for p in lone}
        assert names[bank.public_id] == (
            "Ostmark Kreditbank",
            network["orgs"]["bank"].public_id,
            "exact",
            "headquarters",
        )


def test_a_country_pages_map_draws_the_servers_clusters_past_the_limit_too(client, network):
    def config() -> dict:
        html = client.get("/country/DE/").content.decode()
        start = html.index('id="map-config-country"')
        return json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])

    assert config()["layers"]["sites"]["compactUrl"]  # two sites: loaded whole
    with override_settings(MAP_TILED_FROM=2):
        cache.clear()  # the rendered page
        sites = config()["layers"]["sites"]
        assert sites["tilesUrl"] and not sites["compactUrl"]
        assert config()["fixed"] == {"country": "DE"}  # the tiles get the page's filter


def test_the_maps_count_is_kept_until_the_record_changes(client, network, make_site):
    assert "5 sites" in client.get("/map/").content.decode()
    assert "2 sites" in client.get("/map/", {"country": "DE"}).content.decode()
    make_site(network["orgs"]["bank"], "Hamburg", "DE", 53.55, 9.99)  # published: a new version
    assert "6 sites" in client.get("/map/").content.decode()
    assert "3 sites" in client.get("/map/", {"country": "DE"}).content.decode()
