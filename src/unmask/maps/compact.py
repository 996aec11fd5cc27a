"""The map's sites in a compact binary form, what the map page loads (maps.geojson's GeoJSON stays
the download for other tools, and the static mirror's data).

The same sites as the GeoJSON, with the same filters, rounding and public ids, but as columns of
little-endian numbers a browser reads straight into typed arrays (frontend/src/map/sites-data.js)
with no JSON to parse. Two payloads: what the map draws and clusters (`sites_compact`, about 0.8 MB
compressed at 100,000 sites where the GeoJSON is 2.2), and the sites' public ids
(`site_ids`, about 0.5 MB: random, they hardly compress), needed only to open a site, so the map
fetches them after the first and clusters meanwhile. Layouts, every part starting at a multiple
of 4 bytes:

    "UMS2"                      4 bytes, the format and its version
    n                           uint32, the number of sites
    m                           uint32, the length of the header that follows
    header                      m bytes of UTF-8 JSON, padded with spaces: {"organizations":
                                [[public id, name, kind], ...], "roles": [...], "precisions":
                                [...], "idsCheck": "<hex>"}
    longitude, latitude         2 × n int32: hundred-thousandths of a degree, each column
                                stored as the difference from the site before
    organization                n uint32: index into the header's organizations
    role, precision             2 × n uint8: index into the header's roles and precisions

    "UMI1", n, m                the ids: as above
    header                      {"idsCheck": "<hex>", "idWidth": w} (and "ids": [...] when a
                                public id is not plain ASCII, in place of the column)
    ids                         n × w bytes of ASCII, each public id padded with spaces

`idsCheck` is a digest of the ids in order: the same in both payloads when they were built from
the same version of the record (after an edit one can come from the cache's last build while the
other is new; the map then loads both again).

The sites are ordered by organization, then by position, so the organization column is runs,
and the coordinates of one organization's sites differ little from one to the next: both
compress to little. Coordinates are rounded to what the site's precision claims first (as the
GeoJSON's are), so a site known to its city is not given to the metre here either.
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array

from unmask.maps.geojson import DECIMALS, organization_rows, site_rows
from unmask.record.filters import NetworkFilters
from unmask.record.models import Precision, SiteRole

MAGIC = b"UMS2"
IDS_MAGIC = b"UMI1"
SCALE = 100_000  # units per degree: a metre or so, what an exact site's five decimals give
CONTENT_TYPE = "application/vnd.unmask.sites"
IDS_CONTENT_TYPE = "application/vnd.unmask.site-ids"


def _padded(data: bytes, fill: bytes = b"\0") -> bytes:
    return data + fill * (-len(data) % 4)


def _little(values: array) -> bytes:
    if sys.byteorder != "little":
        values.byteswap()
    return values.tobytes()


def _deltas(values: list[int]) -> array:
    out = array("i", values)
    for i in range(len(out) - 1, 0, -1):
        out[i] -= out[i - 1]
    return out


def _placed(filters: NetworkFilters):
    """The organizations (by public id), the role and precision tables, and the sites as
    (organization index, x, y, public id, role index, precision index), in the payloads' order."""
    sites = filters.sites()
    rows = site_rows(sites)
    org_rows = organization_rows(sites)
    # Organizations by their public id (a stable order that tells nothing), their sites after.
    org_rows.sort(key=lambda row: row[1])
    org_index = {row[0]: i for i, row in enumerate(org_rows)}
    # Each table ends with "": a value not in it (none today) reads as none, never a wrong one.
    roles = [*SiteRole.values, ""]
    precisions = [*Precision.values, ""]
    role_index = {value: i for i, value in enumerate(roles)}
    precision_index = {value: i for i, value in enumerate(precisions)}

    placed = []
    for public_id, lon, lat, precision, role, org_id in rows:
        places = DECIMALS.get(precision, 2)
        placed.append(
            (
                org_index[org_id],
                round(round(lon, places) * SCALE),
                round(round(lat, places) * SCALE),
                public_id,
                role_index.get(role, len(roles) - 1),
                precision_index.get(precision, len(precisions) - 1),
            )
        )
    placed.sort()
    return org_rows, roles, precisions, placed


def _check(ids: list[str]) -> str:
    return hashlib.blake2b("\n".join(ids).encode(), digest_size=8).hexdigest()


def _framed(magic: bytes, n: int, header: dict) -> list[bytes]:
    meta = _padded(
        json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode(), fill=b" "
    )
    return [magic, _little(array("I", [n, len(meta)])), meta]


def sites_compact(filters: NetworkFilters) -> bytes:
    org_rows, roles, precisions, placed = _placed(filters)
    header = {
        "organizations": [[public_id, name, kind] for _pk, public_id, name, kind in org_rows],
        "roles": roles,
        "precisions": precisions,
        "idsCheck": _check([row[3] for row in placed]),
    }
    parts = [
        *_framed(MAGIC, len(placed), header),
        _little(_deltas([row[1] for row in placed])),
        _little(_deltas([row[2] for row in placed])),
        _little(array("I", [row[0] for row in placed])),
        _padded(bytes(row[4] for row in placed) + bytes(row[5] for row in placed)),
    ]
    return b"".join(parts)


def site_ids(filters: NetworkFilters) -> bytes:
    """The public ids of `sites_compact`'s sites, in its order."""
    ids = [row[3] for row in _placed(filters)[3]]
    plain = all(public_id.isascii() for public_id in ids)
    width = max((len(public_id) for public_id in ids), default=0) if plain else 0
    header = {"idsCheck": _check(ids), "idWidth": width}
    if not plain:
        header["ids"] = ids
    parts = _framed(IDS_MAGIC, len(ids), header)
    if plain:
        parts.append("".join(public_id.ljust(width) for public_id in ids).encode("ascii"))
    return b"".join(parts)


def _frame(data: bytes, magic: bytes) -> tuple[int, dict, int]:
    if data[:4] != magic:
        raise ValueError(f"not an unmask payload of this kind (no {magic.decode()} at its start)")
    head = array("I")
    head.frombytes(data[4:12])
    if sys.byteorder != "little":
        head.byteswap()
    n, m = head
    return n, json.loads(data[12 : 12 + m]), 12 + m


def read_ids(data: bytes) -> tuple[str, list[str]]:
    """The ids payload read back: its check and the ids."""
    n, header, offset = _frame(data, IDS_MAGIC)
    if "ids" in header:
        return header["idsCheck"], header["ids"]
    width = header["idWidth"]
    raw = data[offset : offset + n * width].decode("ascii")
    return header["idsCheck"], [raw[i * width : (i + 1) * width].rstrip(" ") for i in range(n)]


def read_compact(data: bytes, ids: bytes) -> dict:
    """The two payloads read back (for tests and tools): the header and one dict per site."""
    n, header, offset = _frame(data, MAGIC)

    def column(code: str, size: int) -> list[int]:
        nonlocal offset
        values = array(code)
        values.frombytes(data[offset : offset + n * size])
        if sys.byteorder != "little":
            values.byteswap()
        offset += n * size
        return list(values)

    lon, lat, org = column("i", 4), column("i", 4), column("I", 4)
    for values in (lon, lat):
        for i in range(1, n):
            values[i] += values[i - 1]
    role, precision = data[offset : offset + n], data[offset + n : offset + 2 * n]
    check, public_ids = read_ids(ids)
    if check != header["idsCheck"] or len(public_ids) != n:
        raise ValueError("the ids are not those of these sites (built from another version)")
    sites = [
        {
            "s": public_ids[i],
            "o": org[i],
            "lon": lon[i] / SCALE,
            "lat": lat[i] / SCALE,
            "r": header["roles"][role[i]],
            "p": header["precisions"][precision[i]],
        }
        for i in range(n)
    ]
    return {"header": header, "sites": sites}
