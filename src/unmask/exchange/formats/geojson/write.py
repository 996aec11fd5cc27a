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

import gzip
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from unmask.exchange.selection import Selection
from unmask.maps.geojson import DECIMALS
from unmask.urlcache import fast_reverse

try:  # several times faster than json, and the same JSON (floats in their shortest form)
    from orjson import dumps as _orjson_dumps

    def _dumps(feature: dict) -> str:
        return _orjson_dumps(feature).decode()

except ImportError:  # pragma: no cover - orjson comes with followthemoney

    def _dumps(feature: dict) -> str:
        return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


CHUNK = 2000
FIELDS = (
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


def features(selection: Selection) -> Iterator[dict[str, Any]]:
    """The selection's public sites that have a point, as GeoJSON features, by database key."""
    sites = (
        selection.sites.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("pk")
        .values_list(*FIELDS)
    )
    profiles: dict[str, str] = {}  # organization -> the path of its profile, made once
    for row in sites.iterator(chunk_size=CHUNK):
        public_id, name, role, address, city, country, lat, lon, precision, org, org_name = row[:11]
        places = DECIMALS.get(precision, 2)
        url = profiles.get(org)
        if url is None:
            url = profiles[org] = fast_reverse("record:organization", org, row[11])
        yield {
            "type": "Feature",
            "id": public_id,
            "geometry": {
                "type": "Point",
                "coordinates": [round(lon, places), round(lat, places)],
            },
            "properties": {
                "id": public_id,
                "organization": org_name,
                "organization_id": org,
                "organization_url": url,
                "role": role,
                "precision": precision,
                "city": city,
                "country": country or "",
                "name": name,
                "address": address,
            },
        }


def write(selection: Selection, out: IO[str]) -> int:
    """Write the FeatureCollection to a UTF-8 text stream, feature by feature; return how many."""
    out.write('{"type":"FeatureCollection","features":[')
    count, lines = 0, []
    for feature in features(selection):
        lines.append(_dumps(feature))
        count += 1
        if len(lines) == CHUNK:
            out.write(("\n" if count == len(lines) else ",\n") + ",\n".join(lines))
            lines.clear()
    if lines:
        out.write(("\n" if count == len(lines) else ",\n") + ",\n".join(lines))
    out.write("\n]}\n")
    return count


def write_gzip(selection: Selection, out: IO[bytes]) -> int:
    """The same, gzip-compressed into a binary file (no time stamp: the same sites give the
    same bytes), at level 6: level 9 took twice as long for files 3% smaller."""
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as zipped:
        text = io.TextIOWrapper(zipped, encoding="utf-8", newline="\n")
        count = write(selection, text)
        text.flush()
        text.detach()
    return count
