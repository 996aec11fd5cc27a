"""The bulk files of the public record, for the /data/ page and `unmask export`.

One set of files: FollowTheMoney entities (JSON lines, gzip), the CSV bundle with its
Frictionless datapackage.json (zip), the sites as GeoJSON (gzip) and the network as GraphML
(gzip), and the manifest (manifest.json: the record's and the campaign's versions, date, licence,
and each file's size and SHA-256). A set is written into a folder of its own, EXPORT_DIR/sets/,
then published at once by replacing the symbolic link EXPORT_DIR/current (the files' names in
EXPORT_DIR link through it): the manifest always describes the files served with it, during an
export and after one that failed. `--if-changed` skips the work when neither the record nor the
campaign (which the FtM and CSV files hold too) has changed since the last export.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
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
from unmask.web import pagecache

MANIFEST = "manifest.json"
CURRENT = "current"  # the link to the set published now
SETS = "sets"  # the sets of files, one folder each


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


def write_atomically(path: Path, write: Callable) -> None:
    """Write `path` through a temporary file beside it, renamed into place: never half a file,
    and the old one kept when writing fails."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def published(where: Path | None = None) -> Path:
    """The folder of the set published now, resolved once: read its manifest and its files
    from it, and they agree even if an export publishes another set meanwhile."""
    where = where or directory()
    current = where / CURRENT
    return current.resolve() if current.is_symlink() else where  # where: before sets existed


def published_set() -> str:
    """The name of the set published now ("" before any), for the page cache."""
    try:
        return os.readlink(directory() / CURRENT).rpartition("/")[2]
    except OSError:
        return ""


def read_manifest(where: Path | None = None) -> dict | None:
    try:
        return json.loads((published(where) / MANIFEST).read_text())
    except (FileNotFoundError, ValueError):
        return None


def _link(where: Path, name: str, target: str) -> None:
    """Make where/name a symbolic link to target, in one step (rename over what is there)."""
    temporary = where / f".{name}.{os.getpid()}.link"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    temporary.replace(where / name)


def _tidy(sets: Path, keep: set[str]) -> None:
    """Delete the sets neither published now nor just before (a reader may still be in it),
    and the half-written ones of exports that were killed."""
    for folder in sets.iterdir():
        if folder.name in keep:
            continue
        if folder.name.endswith(".partial") and _running(folder.name.split(".")[-2]):
            continue  # another export, writing now
        shutil.rmtree(folder, ignore_errors=True)


def _running(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return int(pid) != os.getpid()


def export_all(where: Path | None = None, *, if_changed: bool = False, log=None) -> dict:
    """Write every format of the whole public record and the manifest into a new set, then
    publish it. Returns the manifest (the old one, untouched, when `if_changed` and nothing
    changed)."""
    where = where or directory()
    sets = where / SETS
    sets.mkdir(parents=True, exist_ok=True)
    current, campaign = version.current(), version.current(version.CAMPAIGN)
    old = read_manifest(where)
    if (
        if_changed
        and old
        and old.get("record_version") == current
        and old.get("campaign_version", 0) == campaign
    ):
        return old
    before = published(where)
    _tidy(sets, {before.name})
    stamp = f"{timezone.now():%Y%m%dT%H%M%S%f}-{current}"
    folder = sets / f"{stamp}.{os.getpid()}.partial"
    folder.mkdir()
    try:
        manifest = _write_set(folder, current, campaign, log)
        folder = folder.rename(sets / stamp)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _link(where, CURRENT, f"{SETS}/{stamp}")
    pagecache.versions_changed()
    for name in (MANIFEST, *(entry["name"] for entry in manifest["files"])):
        if not (where / name).is_symlink():
            _link(where, name, f"{CURRENT}/{name}")
    _tidy(sets, {stamp, before.name})
    return manifest


def _write_set(folder: Path, current: int, campaign: int, log) -> dict:
    selection = Selection.everything()
    files = []
    for fmt in FORMATS:
        started = time.perf_counter()
        path = folder / file_name(fmt)
        with path.open("wb") as handle:
            count = write_format(fmt, selection, handle)
            handle.flush()
            os.fsync(handle.fileno())
        entry = {
            "format": fmt.key,
            "name": path.name,
            "title": fmt.title,
            "media_type": fmt.media_type,
            "size": path.stat().st_size,
            "sha256": sha256_file(path),
            "items": count,
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
    write_atomically(folder / MANIFEST, lambda h: h.write(json.dumps(manifest, indent=2).encode()))
    return manifest
