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

import json
import os
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import override

from unmask.exchange import formats
from unmask.exchange.files import sha256_file, write_atomically
from unmask.exchange.formats import Format
from unmask.exchange.selection import Selection
from unmask.record import version
from unmask.web import pagecache

MANIFEST = "manifest.json"
CURRENT = "current"  # the link to the set published now
SETS = "sets"  # the sets of files, one folder each


def base_name() -> str:
    return slugify(settings.SITE_NAME) or "unmask"


def file_name(fmt: Format) -> str:
    return f"{base_name()}.{fmt.suffix}"


def directory() -> Path:
    return Path(settings.EXPORT_DIR)


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
        and old.get("site_url", settings.SITE_URL) == settings.SITE_URL  # the files link to it
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


def _english(text) -> str:
    """A lazily translated string as its English source, whatever language is active (an
    export may run from a request): the manifest is for machines and keeps one language."""
    with override(None):
        return str(text)


def _write_set(folder: Path, current: int, campaign: int, log) -> dict:
    selection = Selection.everything()
    files = []
    for fmt in formats.written():
        started = time.perf_counter()
        path = folder / file_name(fmt)
        with path.open("wb") as handle:
            count = fmt.write(selection, handle)
            handle.flush()
            os.fsync(handle.fileno())
        entry = {
            "format": fmt.key,
            "name": path.name,
            "title": _english(fmt.title),  # the page shows the registry's, translated
            "media_type": fmt.media_type,
            "size": path.stat().st_size,
            "sha256": sha256_file(path),
            "items": count,
            "seconds": round(time.perf_counter() - started, 2),
        }
        if getattr(count, "left_out", None):  # what the format could not hold (ftm.Written)
            entry["left_out"] = count.left_out
        files.append(entry)
        if log:
            log(entry)
    manifest = {
        "site": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "record_version": current,
        "campaign_version": campaign,  # the FtM and CSV files hold the campaign too
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licence": settings.DATA_LICENCE,
        "licence_url": settings.DATA_LICENCE_URL,
        "files": files,
    }
    write_atomically(folder / MANIFEST, lambda h: h.write(json.dumps(manifest, indent=2).encode()))
    return manifest
