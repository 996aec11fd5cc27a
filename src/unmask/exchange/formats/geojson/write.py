"""The public sites as a GeoJSON FeatureCollection (RFC 7946), for QGIS, uMap, kepler.gl and any
GIS that reads GeoJSON: one Point feature for each public site of the selection that has a
point, with WGS84 coordinates [longitude, latitude].

Each feature carries its site's public id as the feature `id` and these properties: id (the
site's public id), organization (its name), organization_id (its public id),
organization_url (the path of its profile on the site), role, precision, city, country (ISO
3166-1), name and address. Codes are written as codes (role "factory", precision "city").

Coordinates are rounded to what the precision claims, as on the map
(unmask.maps.geojson.DECIMALS): five decimals (about a metre) for an exact point, four for a
street, two (about a kilometre) for a city, one for a region or a country. A site known to its
city is not given to the metre.

The features are read with a streaming cursor and written one by one, so 100,000 sites hold a
few thousand in memory at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from unmask.exchange.selection import Selection
from unmask.maps.geojson import DECIMALS

CHUNK = 2000


def features(selection: Selection) -> Iterator[dict[str, Any]]:
    """The selection's public sites that have a point, as GeoJSON features, by database key."""
    sites = (
        selection.sites.filter(latitude__isnull=False, longitude__isnull=False)
        .select_related("organization")
        .only(
            "public_id",
            "name",
            "role",
            "address",
            "city",
            "country",
            "latitude",
            "longitude",
            "precision",
            "organization__public_id",
            "organization__name",
            "organization__slug",
        )
        .order_by("pk")
    )
    for site in sites.iterator(chunk_size=CHUNK):
        places = DECIMALS.get(site.precision, 2)
        org = site.organization
        yield {
            "type": "Feature",
            "id": site.public_id,
            "geometry": {
                "type": "Point",
                "coordinates": [round(site.longitude, places), round(site.latitude, places)],
            },
            "properties": {
                "id": site.public_id,
                "organization": org.name,
                "organization_id": org.public_id,
                "organization_url": org.get_absolute_url(),
                "role": site.role,
                "precision": site.precision,
                "city": site.city,
                "country": str(site.country or ""),
                "name": site.name,
                "address": site.address,
            },
        }


def write(selection: Selection, out: IO[str]) -> int:
    """Write the FeatureCollection to a UTF-8 text stream, feature by feature; return how many."""
    out.write('{"type":"FeatureCollection","features":[')
    count = 0
    for feature in features(selection):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        count += 1
    out.write("\n]}\n")
    return count
