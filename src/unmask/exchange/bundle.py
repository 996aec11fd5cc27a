"""The bulk files of the public record, for the /data/ page and `unmask export`.

One set of files, written into EXPORT_DIR: FollowTheMoney entities (JSON lines, gzip), the CSV
bundle with its Frictionless datapackage.json (zip), the sites as GeoJSON (gzip) and the network
as GraphML (gzip). Each file is written under a temporary name and renamed into place, and the
manifest (manifest.json: the record's and the campaign's versions, date, licence, and each
file's size and SHA-256) is written last, the same way: a reader never downloads half a file,
and the page never lists a file that is not complete. `--if-changed` skips the work when neither
the record nor the campaign (which the FtM and CSV files hold too) has changed since the last
export.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from unmask.exchange import csvbundle, ftm, geo
from unmask.exchange.checksum import sha256_file
from unmask.exchange.selection import Selection
from unmask.graph import network
from unmask.record import version
from unmask.record.filters import NetworkFilters

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Format:
    key: str
    suffix: str
    title: str
    media_type: str
    description: str


FORMATS = [
    Format(
        "ftm",
        "ftm.jsonl.gz",
        "FollowTheMoney entities",
        "application/gzip",
        "Organizations, sites, products and links, and the campaign's public actions, as "
        "FollowTheMoney entities, one JSON object a line: for Aleph, OpenSanctions' tools and "
        "followthemoney itself.",
    ),
    Format(
        "csv",
        "csv.zip",
        "CSV tables",
        "application/zip",
        "One CSV file per table with a Frictionless datapackage.json describing their columns "
        "and the keys between them: for spreadsheets, R, pandas and databases.",
    ),
    Format(
        "geojson",
        "sites.geojson.gz",
        "Sites (GeoJSON)",
        "application/gzip",
        "Every public site with a position, with its organization and how precise the position "
        "is: for QGIS and web maps.",
    ),
    Format(
        "graphml",
        "network.graphml.gz",
        "Network (GraphML)",
        "application/gzip",
        "Organizations and products as nodes, links as edges: for Gephi, yEd and networkx.",
    ),
]
BY_KEY = {f.key: f for f in FORMATS}


def base_name() -> str:
    return slugify(settings.SITE_NAME) or "unmask"


def file_name(fmt: Format) -> str:
    return f"{base_name()}.{fmt.suffix}"


def directory() -> Path:
    return Path(settings.EXPORT_DIR)


# --- writing ---------------------------------------------------------------------------------
def write_format(fmt: Format, selection: Selection, out) -> int:
    """Write one format into a binary file object; return how many items (entities, rows,
    features or edges) it holds."""
    if fmt.key == "ftm":
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as zipped:
            text = io.TextIOWrapper(zipped, encoding="utf-8", newline="\n")
            count = ftm.write(selection, text)
            text.flush()
            text.detach()
        return count
    if fmt.key == "csv":
        return csvbundle.write_zip(selection, out)
    if fmt.key == "geojson":
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as zipped:
            text = io.TextIOWrapper(zipped, encoding="utf-8", newline="\n")
            count = geo.write(selection, text)
            text.flush()
            text.detach()
        return count
    if fmt.key == "graphml":
        filters = selection.filters or NetworkFilters.from_params({})
        graph = network.build(filters, uncapped=True)
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as zipped:
            zipped.write(network.graphml(graph))
        return len(graph.edges)
    raise ValueError(f"unknown format {fmt.key!r}")


def _write_atomically(path: Path, write: Callable) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def read_manifest(where: Path | None = None) -> dict | None:
    try:
        return json.loads(((where or directory()) / MANIFEST).read_text())
    except (FileNotFoundError, ValueError):
        return None


def export_all(where: Path | None = None, *, if_changed: bool = False, log=None) -> dict:
    """Write every format of the whole public record, then the manifest. Returns the
    manifest (the old one, untouched, when `if_changed` and nothing changed)."""
    where = where or directory()
    where.mkdir(parents=True, exist_ok=True)
    current, campaign = version.current(), version.current(version.CAMPAIGN)
    old = read_manifest(where)
    if (
        if_changed
        and old
        and old.get("record_version") == current
        and old.get("campaign_version", 0) == campaign
    ):
        return old
    selection = Selection.everything()
    files = []
    for fmt in FORMATS:
        started = time.perf_counter()
        path = where / file_name(fmt)
        counted: dict[str, int] = {}

        def write(handle, fmt=fmt, counted=counted):
            counted["n"] = write_format(fmt, selection, handle)

        _write_atomically(path, write)
        entry = {
            "format": fmt.key,
            "name": path.name,
            "title": fmt.title,
            "media_type": fmt.media_type,
            "size": path.stat().st_size,
            "sha256": sha256_file(path),
            "items": counted["n"],
            "seconds": round(time.perf_counter() - started, 2),
        }
        files.append(entry)
        if log:
            log(entry)
    manifest = {
        "site": settings.SITE_NAME,
        "record_version": current,
        "campaign_version": campaign,  # the FtM and CSV files hold the campaign too
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licence": settings.DATA_LICENCE,
        "licence_url": settings.DATA_LICENCE_URL,
        "files": files,
    }
    _write_atomically(where / MANIFEST, lambda h: h.write(json.dumps(manifest, indent=2).encode()))
    return manifest
