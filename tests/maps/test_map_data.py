"""The map's data endpoints: what a filter shows, what the payload says (and does not), how it is
compressed and cached, and that an edit shows on the next request."""

from __future__ import annotations

import gzip
import json

import pytest
from django.test import override_settings

from unmask.maps.compact import CONTENT_TYPE, IDS_CONTENT_TYPE, read_compact, read_ids
from unmask.record import services
from unmask.record.models import Site


def geojson(client, **params) -> dict:
    response = client.get("/map/sites.geojson", params, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Encoding"] == "gzip"
    return json.loads(gzip.decompress(response.content))


def site_ids(payload: dict) -> set[str]:
    return {f["properties"]["s"] for f in payload["features"]}


@pytest.fixture
def ids(network):
    return {name: site.public_id for name, site in network["sites"].items()}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"integrator", "engines", "engines_fr", "blades", "bank"}),
        ({"relation": "finances"}, {"bank", "integrator"}),
        ({"country": "DE"}, {"engines", "bank"}),  # where the site is, not the organization
        ({"kind": "financial"}, {"bank"}),
        # A program takes in its parts: the blade is part of the engine, part of the program.
        ({"product": "PROGRAM"}, {"integrator", "engines", "engines_fr", "blades"}),
        ({"product": "PROGRAM", "country": "FR"}, {"engines_fr"}),
        ({"status": "disputed"}, set()),
        ({"product": "nosuchid"}, set()),
        ({"relation": "not-a-relation"}, {"integrator", "engines", "engines_fr", "blades", "bank"}),
    ],
)
def test_filters_choose_the_sites(client, network, ids, params, expected):
    params = {k: network["chain"][0].public_id if v == "PROGRAM" else v for k, v in params.items()}
    assert site_ids(geojson(client, **params)) == {ids[name] for name in expected}


def test_still_active_drops_organizations_whose_only_links_ended(client, network, ids):
    services.change_status(
        network["links"]["loan"], "ended", note="Loan repaid", effective="2024-02"
    )
    shown = site_ids(geojson(client, relation="finances", active="1"))
    assert shown == set()
    assert site_ids(geojson(client, relation="finances")) == {ids["bank"], ids["integrator"]}


def test_the_payload_carries_only_what_the_map_draws(client, network):
    payload = geojson(client)
    by_site = {f["properties"]["s"]: f for f in payload["features"]}
    exact = by_site[network["sites"]["integrator"].public_id]
    city = by_site[network["sites"]["engines"].public_id]
    # Coordinates no finer than the precision claims: a city-level site is not given to the metre.
    assert exact["geometry"]["coordinates"] == [32.85975, 39.93341]
    assert city["geometry"]["coordinates"] == [9.48, 51.31]
    assert city["properties"]["p"] == "city" and city["properties"]["r"] == "factory"
    org = payload["organizations"][city["properties"]["o"]]
    assert org == [network["orgs"]["engines"].public_id, "Korvex Aerodynamics", "company"]
    assert set(exact["properties"]) == {"s", "o", "p", "r"}  # no address, no internal id


def compact_parts(client, **params) -> tuple[bytes, bytes]:
    """What the map loads: the sites' columns, then their public ids (a second request)."""
    response = client.get("/map/sites.bin", params, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Type"] == CONTENT_TYPE
    ids = client.get("/map/site-ids.bin", params, HTTP_ACCEPT_ENCODING="gzip")
    assert ids.status_code == 200 and ids["Content-Type"] == IDS_CONTENT_TYPE
    return gzip.decompress(response.content), gzip.decompress(ids.content)


def compact(client, **params) -> dict:
    return read_compact(*compact_parts(client, **params))


def as_features(payload: dict) -> dict[str, tuple]:
    """Each site of either payload by its public id: organization, place, role, precision."""
    if "features" in payload:
        orgs = payload["organizations"]
        return {
            f["properties"]["s"]: (
                orgs[f["properties"]["o"]],
                tuple(f["geometry"]["coordinates"]),
                f["properties"]["r"],
                f["properties"]["p"],
            )
            for f in payload["features"]
        }
    orgs = payload["header"]["organizations"]
    return {
        site["s"]: (orgs[site["o"]], (site["lon"], site["lat"]), site["r"], site["p"])
        for site in payload["sites"]
    }


@pytest.mark.parametrize("params", [{}, {"country": "DE"}, {"product": "PROGRAM"}, {"kind": "x"}])
def test_the_compact_payload_holds_what_the_geojson_holds(client, network, params):
    """What the map page loads (maps.compact, read by frontend/src/map/sites-data.js) is the
    GeoJSON's sites, filtered, rounded and named the same: only smaller."""
    params = {k: network["chain"][0].public_id if v == "PROGRAM" else v for k, v in params.items()}
    assert as_features(compact(client, **params)) == as_features(geojson(client, **params))


def test_the_compact_payload_carries_ids_it_cannot_pack(client, network):
    """A public id that is not plain ASCII (none is made so, an import could bring one) is
    listed in the header rather than packed into the fixed-width column."""
    columns_before, ids_before = compact_parts(client)
    Site.objects.filter(pk=network["sites"]["bank"].pk).update(public_id="bänk-1")
    services.soft_delete(network["orgs"]["integrator"], reason="bump the version")
    columns, ids = compact_parts(client)
    assert "bänk-1" in read_ids(ids)[1]
    payload = read_compact(columns, ids)
    assert as_features(payload) == as_features(geojson(client))
    # Ids of another version of the record are told apart (the map then loads both again).
    with pytest.raises(ValueError, match="another version"):
        read_compact(columns, ids_before)
    with pytest.raises(ValueError, match="another version"):
        read_compact(columns_before, ids)
    # ETag and 304 as for the GeoJSON, and no leak of what is not public.
    response = client.get("/map/sites.bin")
    again = client.get("/map/sites.bin", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert network["sites"]["integrator"].public_id not in as_features(payload)


def test_a_draft_site_or_one_without_a_point_is_not_on_the_map(client, network, ids):
    site = network["sites"]["bank"]
    services.unpublish(site, reason="Address unconfirmed")
    assert ids["bank"] not in site_ids(geojson(client))


def test_etag_answers_304_until_an_edit_changes_the_data(client, network, ids):
    first = client.get("/map/sites.geojson", {"country": "DE"})
    etag = first["ETag"]
    assert etag.startswith('W/"') and "Accept-Encoding" in first["Vary"]
    again = client.get("/map/sites.geojson", {"country": "DE"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    # Other filters are other data.
    other = client.get("/map/sites.geojson", {"country": "SE"}, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200
    # An edit anywhere in the record: the next request rebuilds and shows it.
    services.soft_delete(network["orgs"]["bank"], reason="Entered by mistake")
    after = client.get("/map/sites.geojson", {"country": "DE"}, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag
    assert site_ids(json.loads(after.content)) == {ids["engines"]}  # no gzip asked: plain JSON


def test_site_details_for_the_popup(client, network):
    site = network["sites"]["engines"]
    body = client.get(f"/map/sites/{site.public_id}.json").json()
    assert body["organization"]["name"] == "Korvex Aerodynamics"
    assert body["organization"]["url"] == network["orgs"]["engines"].get_absolute_url()
    assert body["site"]["role"] == "Factory" and body["site"]["precision"] == "City"
    texts = {(link["text"], link["other"]) for link in body["links"]}
    assert ("supplies components to", "Talvik Aerosystems") in texts
    assert ("receives components from", "Lindqvist Composites") in texts
    # The program's filter keeps the links about it and its parts.
    program = network["chain"][0].public_id
    body = client.get(f"/map/sites/{site.public_id}.json", {"product": program}).json()
    assert {link["product"] for link in body["links"]} == {"KX-40 engine", "KX-40 turbine blade"}
    # In another language, in that language (country names come translated with
    # django-countries; our own catalogues do not exist yet).
    german = client.get(f"/de/map/sites/{site.public_id}.json").json()
    assert german["site"]["country"] == "Deutschland"
    assert german["organization"]["url"].startswith("/de/org/")
    services.unpublish(site, reason="Checking")
    assert client.get(f"/map/sites/{site.public_id}.json").status_code == 404


def test_the_map_page_works_without_javascript(client, network):
    page = client.get("/map/", {"country": "DE"}).content.decode()
    assert "Korvex Aerodynamics" in page and "Ostmark Kreditbank" in page
    assert "Talvik Aerosystems" not in page.split("data-map-list")[1]
    assert '<link rel="canonical" href="http://testserver/map/?country=DE">' in page


def test_the_embed_is_framed_where_the_operator_allows(client, network):
    response = client.get("/embed/map/")  # by default, by any site
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    with override_settings(EMBED_ANCESTORS=["'none'"]):
        response = client.get("/embed/map/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    with override_settings(EMBED_ANCESTORS=["https://campaign.example.org"]):
        response = client.get("/embed/map/")
    assert "X-Frame-Options" not in response
    assert "frame-ancestors https://campaign.example.org" in response["Content-Security-Policy"]
    # Every other page stays unframable.
    with override_settings(EMBED_ANCESTORS=["https://campaign.example.org"]):
        assert client.get("/map/")["X-Frame-Options"] == "DENY"


def test_the_basemap_file_is_served_in_ranges(client, tmp_path):
    (tmp_path / "basemap").mkdir()
    (tmp_path / "basemap" / "region.pmtiles").write_bytes(bytes(range(100)))
    with override_settings(VAR_DIR=tmp_path, BASEMAP_PMTILES="region.pmtiles"):
        part = client.get("/basemap/region.pmtiles", HTTP_RANGE="bytes=10-19")
        assert part.status_code == 206 and part.content == bytes(range(10, 20))
        assert part["Content-Range"] == "bytes 10-19/100"
        tail = client.get("/basemap/region.pmtiles", HTTP_RANGE="bytes=-5")
        assert tail.content == bytes(range(95, 100))
        assert client.get("/basemap/region.pmtiles", HTTP_RANGE="bytes=200-").status_code == 416
        assert client.get("/basemap/other.pmtiles").status_code == 404
    assert client.get("/basemap/region.pmtiles").status_code == 404  # not configured


def test_odd_values_written_around_the_services_still_make_valid_json(client, network):
    """The payload is written by hand for speed: anything not a known choice is encoded."""
    from unmask.record.models import Site

    site = network["sites"]["bank"]
    Site.objects.filter(pk=site.pk).update(role='other"}]', precision="\u2028")
    feature = next(f for f in geojson(client)["features"] if f["properties"]["s"] == site.public_id)
    assert feature["properties"]["r"] == 'other"}]' and feature["properties"]["p"] == "\u2028"


def test_every_range_of_the_basemap_carries_the_same_etag(client, tmp_path):
    """Readers of PMTiles check that the ranges they combine come from one version of the file."""
    (tmp_path / "basemap").mkdir()
    (tmp_path / "basemap" / "region.pmtiles").write_bytes(bytes(range(100)))
    with override_settings(VAR_DIR=tmp_path, BASEMAP_PMTILES="region.pmtiles"):
        etags = {
            client.get("/basemap/region.pmtiles", HTTP_RANGE=r)["ETag"]
            for r in ("bytes=0-9", "bytes=50-59", "bytes=-5")
        }
        assert len(etags) == 1
        (etag,) = etags
        stale = client.get("/basemap/region.pmtiles", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
        assert stale.status_code == 200 and len(stale.content) == 100
        fresh = client.get("/basemap/region.pmtiles", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
        assert fresh.status_code == 206


@pytest.mark.parametrize("params", [{}, {"country": "DE"}, {"kind": "financial"}])
def test_the_preview_counts_every_site_of_the_map_at_every_zoom(client, network, params):
    sites = geojson(client, **params)["features"]
    response = client.get("/map/sites.preview.geojson", params, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["ETag"]
    preview = json.loads(gzip.decompress(response.content))
    assert preview["sites"] == len(sites)
    for zoom in range(preview["maxZoom"] + 1):
        cells = [f for f in preview["features"] if f["properties"]["z"] == zoom]
        assert sum(f["properties"]["n"] for f in cells) == len(sites)
    # at the last zoom a lone site is drawn where it is (within the rounding of the preview)
    points = {tuple(f["geometry"]["coordinates"]) for f in sites}
    lone = [f for f in cells if f["properties"]["n"] == 1]
    for cell in lone:
        lon, lat = cell["geometry"]["coordinates"]
        assert any(abs(lon - x) < 1e-3 and abs(lat - y) < 1e-3 for x, y in points)
