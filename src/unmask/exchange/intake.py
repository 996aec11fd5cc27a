"""Which import a file is for, from what it holds (not its name): a CSV bundle (a zip or a
folder with datapackage.json) -> bundle_import; FollowTheMoney JSON lines (gzip or not) ->
ftm_import; anything else is read as a CSV of organizations -> importer. The command and the
admin's import page take any of them."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from unmask.exchange import bundle_import, csv_import, ftm_import, importer, locks, staging
from unmask.exchange.checksum import sha256_file


def kind_of(path: Path) -> str:
    """The import a file is for: "bundle", "ftm" or "csv"."""
    if path.is_dir() or zipfile.is_zipfile(path):
        return "bundle"
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
    return "ftm" if head.startswith((b"{", b"\x1f\x8b")) else "csv"


def import_any(path, *, actor=None, dry_run: bool = False, name: str = "") -> importer.Outcome:
    """Import a file of any kind; one import of a given file at a time (locks.ImportBusy for a
    second caller; dry runs write nothing and need no lock)."""
    path = Path(path)
    if dry_run:
        return _import(path, actor=actor, dry_run=True, name=name)
    if path.is_file():
        key = sha256_file(path)
    else:  # a bundle's folder
        key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()
    with staging.patient(), locks.import_lock(key):
        return _import(path, actor=actor, dry_run=False, name=name)


def _import(path: Path, *, actor, dry_run: bool, name: str) -> importer.Outcome:
    kind = kind_of(path)
    run = {"bundle": bundle_import.import_bundle, "ftm": ftm_import.import_ftm}.get(
        kind, csv_import.import_file
    )
    if not staging.possible() or (kind != "csv" and not dry_run):
        return run(path, actor=actor, dry_run=dry_run, name=name)
    # SQLite: holding the write lock for a whole import would stop every form meanwhile. The
    # dry run (and the check before a CSV import) runs in a copy of the database; the CSV
    # import itself then commits a chunk at a time.
    with staging.copy():
        checked = run(path, actor=actor, dry_run=True, name=name)
    if dry_run or not checked.ok:
        checked.dry_run = dry_run
        return checked
    return csv_import.import_file(path, actor=actor, name=name, in_chunks=True)
