"""The /data/ page: the bulk files with their size, date, licence and checksum, and downloads of
any filtered part in the same formats."""

from __future__ import annotations

import gzip
import io
from urllib.parse import urlencode

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

from unmask.exchange import bundle
from unmask.exchange.checksum import sha256_file
from unmask.exchange.selection import Selection
from unmask.maps import options as map_options
from unmask.record import version
from unmask.record.filters import NetworkFilters
from unmask.web.payloads import derived_response


def data_page(request):
    filters = NetworkFilters.from_params(request.GET)
    manifest = bundle.read_manifest()
    files = []
    if manifest:
        for entry in manifest["files"]:
            fmt = bundle.BY_KEY.get(entry["format"])
            files.append({**entry, "description": fmt.description if fmt else ""})
    return render(
        request,
        "exchange/data.html",
        {
            "manifest": manifest,
            "files": files,
            "created": parse_datetime(manifest["created"]) if manifest else None,
            "stale": bool(manifest)
            and (
                manifest.get("record_version") != version.current()
                or manifest.get("campaign_version", 0) != version.current(version.CAMPAIGN)
            ),
            "formats": bundle.FORMATS,
            "filters": filters,
            "options": map_options.filter_options(),
            "query": urlencode(filters.as_params()),
        },
    )


def bulk_file(request, name: str):
    """A bulk file, if the manifest lists it: never any other path."""
    folder = bundle.published()  # once: the manifest and the file from the same set
    manifest = bundle.read_manifest(folder) or {"files": []}
    path = folder / name
    if name == bundle.MANIFEST and manifest["files"]:
        digest = sha256_file(path)
        entry = {"sha256": digest, "media_type": "application/json"}
    else:
        entry = next((f for f in manifest["files"] if f["name"] == name), None)
    if entry is None or not path.is_file():
        raise Http404
    etag = f'"{entry["sha256"]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = FileResponse(status=304)
    else:
        response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
        response["Content-Type"] = entry["media_type"]
    response["ETag"] = etag
    response["Last-Modified"] = http_date(path.stat().st_mtime)
    response["Cache-Control"] = "public, max-age=300"
    return response


MEDIA = {
    "ftm": ("application/x-ndjson; charset=utf-8", "ftm.jsonl"),
    "geojson": ("application/geo+json", "sites.geojson"),
    "graphml": ("application/graphml+xml", "network.graphml"),
}


def part(request, fmt: str):
    """A filtered part of the record (the map's filters in the query) in one format; cached per
    record version and filters, like the map's data (and per the campaign's version for the
    formats that hold the campaign)."""
    if fmt not in bundle.BY_KEY:
        raise Http404
    filters = NetworkFilters.from_params(request.GET)
    params = {**filters.as_params(), "fmt": fmt}
    if fmt in ("ftm", "csv"):  # they hold the campaign too: cached per its version as well
        params["campaign"] = version.current(version.CAMPAIGN)

    def build() -> bytes:
        buffer = io.BytesIO()
        bundle.write_format(bundle.BY_KEY[fmt], Selection.from_params(request.GET), buffer)
        data = buffer.getvalue()
        return data if fmt == "csv" else gzip.decompress(data)

    if fmt == "csv":
        content_type, suffix = "application/zip", "csv.zip"
    else:
        content_type, suffix = MEDIA[fmt]
    return derived_response(
        request,
        f"export-{fmt}",
        params,
        build,
        content_type,
        filename=f"{bundle.base_name()}-part.{suffix}",
    )
