"""The map's data: public sites as GeoJSON, only what the map draws; details load on click.

A FeatureCollection whose features carry the site's public id (`s`), the index of its
organization in the collection's `organizations` list (`o`: [public id, name, kind]), its
`precision` (`p`) and `role` (`r`). The organizations are listed once, not per site, so the list
of what is in view can name them without a request per site. Coordinates are rounded to what
the precision claims: a site known to the city is not given to the metre.
"""

from __future__ import annotations

import json

from unmask.record.filters import NetworkFilters
from unmask.record.models import Organization, Precision

DECIMALS = {
    Precision.EXACT: 5,  # about a metre
    Precision.STREET: 4,
    Precision.CITY: 2,  # about a kilometre
    Precision.REGION: 1,
    Precision.COUNTRY: 1,
}


def sites_geojson(filters: NetworkFilters) -> bytes:
    rows = (
        filters.sites()
        .order_by("pk")
        .values_list("public_id", "longitude", "latitude", "precision", "role", "organization_id")
    )
    org_index: dict[int, int] = {}
    features = []
    for public_id, lon, lat, precision, role, org_id in rows.iterator(chunk_size=5000):
        index = org_index.setdefault(org_id, len(org_index))
        places = DECIMALS.get(precision, 2)
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(lon, places), round(lat, places)],
                },
                "properties": {"s": public_id, "o": index, "p": precision, "r": role},
            }
        )
    names = dict.fromkeys(org_index)
    orgs = Organization.objects.filter(pk__in=filters.sites().values("organization_id"))
    for pk, public_id, name, kind in orgs.values_list("pk", "public_id", "name", "kind"):
        if pk in names:
            names[pk] = [public_id, name, kind]
    payload = {
        "type": "FeatureCollection",
        "organizations": [names[pk] for pk in org_index],
        "features": features,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
