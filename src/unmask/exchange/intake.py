"""Which import a file is for, from what it holds (not its name): a CSV bundle (a zip or a
folder with datapackage.json) -> bundle_import; FollowTheMoney JSON lines (gzip or not) ->
ftm_import; anything else is read as a CSV of organizations -> importer. The command and the
admin's import page take any of them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from unmask.exchange import bundle_import, csv_import, ftm_import, importer


def kind_of(path: Path) -> str:
    """The import a file is for: "bundle", "ftm" or "csv"."""
    if path.is_dir() or zipfile.is_zipfile(path):
        return "bundle"
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
    return "ftm" if head.startswith((b"{", b"\x1f\x8b")) else "csv"


def import_any(path, *, actor=None, dry_run: bool = False, name: str = "") -> importer.Outcome:
    path = Path(path)
    kind = kind_of(path)
    if kind == "bundle":
        return bundle_import.import_bundle(path, actor=actor, dry_run=dry_run, name=name)
    if kind == "ftm":
        return ftm_import.import_ftm(path, actor=actor, dry_run=dry_run, name=name)
    return csv_import.import_file(path, actor=actor, dry_run=dry_run, name=name)
