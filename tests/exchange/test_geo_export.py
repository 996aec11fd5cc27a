"""The public sites as GeoJSON (RFC 7946): a FeatureCollection of Points, one for each public
site with a point, with the right properties and coordinates rounded to what the site's
precision claims; nothing private, nothing without a point."""

from __future__ import annotations

import importlib.util
import io
import json
from decimal import Decimal

from unmask.exchange.formats.geojson import write as geo
from unmask.exchange.selection import Selection
from unmask.maps.geojson import DECIMALS
from unmask.record import services
from unmask.record.models import Site

PROPERTIES = {
    "id",
    "organization",
    "organization_id",
    "organization_url",
    "role",
    "precision",
    "city",
    "country",
    "name",
    "address",
}


def exported(selection=None) -> tuple[str, dict, int]:
    out = io.StringIO()
    count = geo.write(selection or Selection.everything(), out)
    text = out.getvalue()
    return text, json.loads(text, parse_float=Decimal), count


def decimals(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return max(0, -exponent)


def check_rfc7946(document: dict) -> None:
    """The structure RFC 7946 asks of a FeatureCollection of Points."""
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # RFC 7946 § 4: WGS84 only, no crs member
    assert isinstance(document["features"], list)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature.get("id"), str | int | float)
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]  # longitude first (§ 3.1.1), two positions
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def check_with_libraries(text: str, count: int) -> None:
    """Validated by a GeoJSON library too, when one is installed."""
    if importlib.util.find_spec("geojson"):
        import geojson

        collection = geojson.loads(text)
        assert collection.is_valid, collection.errors()
        assert len(collection["features"]) == count
    if importlib.util.find_spec("shapely"):
        from shapely.geometry import shape

        for feature in json.loads(text)["features"]:
            point = shape(feature["geometry"])
            assert point.geom_type == "Point" and point.is_valid


def test_a_feature_for_every_public_site_with_a_point(network):
    text, document, count = exported()
    check_rfc7946(document)
    check_with_libraries(text, count)
    features = {f["properties"]["id"]: f for f in document["features"]}
    assert count == len(features) == len(network["sites"])
    assert set(features) == {site.public_id for site in network["sites"].values()}
    for feature in features.values():
        assert set(feature["properties"]) == PROPERTIES
        assert feature["id"] == feature["properties"]["id"]

    engines = network["orgs"]["engines"]
    lyon = features[network["sites"]["engines_fr"].public_id]["properties"]
    assert lyon == {
        "id": network["sites"]["engines_fr"].public_id,
        "organization": "Korvex Aerodynamics",
        "organization_id": engines.public_id,
        "organization_url": engines.get_absolute_url(),
        "role": "factory",
        "precision": "street",
        "city": "Lyon",
        "country": "FR",
        "name": "",
        "address": "",
    }
    bank = features[network["sites"]["bank"].public_id]["properties"]
    assert bank["role"] == "headquarters" and bank["organization"] == "Ostmark Kreditbank"


def test_coordinates_are_rounded_to_the_precision(network):
    _text, document, _count = exported()
    points = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in document["features"]}
    sites = network["sites"]

    def at(name):
        return [str(c) for c in points[sites[name].public_id]]

    assert at("integrator") == ["32.85975", "39.93341"]  # exact: 5 decimals
    assert at("engines_fr") == ["4.8357", "45.764"]  # street: 4
    assert at("engines") == ["9.48", "51.31"]  # city: 2, not the metre of 51.3127114
    assert at("blades") == ["22.2", "65.6"]  # region: 1
    for feature in document["features"]:
        places = DECIMALS[feature["properties"]["precision"]]
        assert all(decimals(c) <= places for c in feature["geometry"]["coordinates"])


def test_drafts_and_sites_without_a_point_are_left_out(network, make_org, make_site, source):
    draft_org = make_org("Unpublished Holding", country="DE", publish=False)
    draft_site = services.save_record(
        Site(
            organization=network["orgs"]["engines"],
            role="office",
            city="Bonn",
            country="DE",
            latitude=50.7,
            longitude=7.1,
        )
    )
    pointless = services.save_record(
        Site(organization=network["orgs"]["bank"], role="office", city="Mainz", country="DE")
    )
    services.add_citation(pointless, source, locator="p. 5")
    services.publish(pointless)
    text, document, count = exported()
    assert count == len(network["sites"])
    for absent in (draft_org, draft_site, pointless):
        assert absent.public_id not in text
    assert "Unpublished Holding" not in text
    check_rfc7946(document)


def test_negative_coordinates_and_unusual_text(make_org, make_site):
    org = make_org('Porto "Alegre" Drones\n=1', country="BR")
    site = make_site(org, "Porto Alegre", "BR", -30.0346316, -51.2176584, precision="city")
    text, document, count = exported()
    assert count == 1
    check_rfc7946(document)
    check_with_libraries(text, count)
    feature = document["features"][0]
    assert feature["properties"]["organization"] == 'Porto "Alegre" Drones\n=1'
    assert feature["properties"]["id"] == site.public_id
    assert [str(c) for c in feature["geometry"]["coordinates"]] == ["-51.22", "-30.03"]


def test_a_filtered_export_holds_only_its_part(network):
    _text, document, count = exported(Selection.from_params({"country": "SE"}))
    assert count == 1
    assert [f["properties"]["city"] for f in document["features"]] == ["Luleå"]


def test_an_empty_selection_is_an_empty_collection(db):
    text, document, count = exported()
    assert count == 0 and document == {"type": "FeatureCollection", "features": []}
    check_rfc7946(document)
    check_with_libraries(text, count)
