"""Which import a file is for, from what it holds (not its name): the first format of the
registry (exchange.formats) whose reader recognises it: a CSV bundle (a zip or a folder with
datapackage.json), FollowTheMoney JSON lines (gzip or not), and anything else as a CSV of
organizations. The command and the admin's import page take any of them."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from unmask.exchange import batches, formats, locks, staging
from unmask.exchange.files import sha256_file


def import_any(path, *, actor=None, dry_run: bool = False, name: str = "") -> batches.Outcome:
    """Import a file of any kind; one import of a given file at a time (locks.ImportBusy for a
    second caller; dry runs write nothing and need no lock). A real import first undoes the
    batches of imports interrupted while writing (batches.recover; in outcome.recovered)."""
    path = Path(path)
    if dry_run:
        return _import(path, actor=actor, dry_run=True, name=name)
    if path.is_file():
        key = sha256_file(path)
    else:  # a bundle's folder
        key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()
    with staging.patient(), locks.import_lock(key):
        # Once the lock is held (a caller refused as busy changes nothing), patiently (the
        # undo waits for SQLite's write lock as the chunks do), and before the check: the file
        # is checked against the record without what an interrupted import left half-written.
        # A batch being written by a running import is never taken (batches.abandoned).
        recovered = batches.recover()
        outcome = _import(path, actor=actor, dry_run=False, name=name)
    outcome.recovered = recovered
    return outcome


def _import(path: Path, *, actor, dry_run: bool, name: str) -> batches.Outcome:
    fmt = formats.reader_for(path)
    if not staging.possible() or (not fmt.chunked and not dry_run):
        return fmt.read(path, actor=actor, dry_run=dry_run, name=name)
    # SQLite: holding the write lock for a whole import would stop every form meanwhile. The
    # dry run (and the check before a chunked import) writes nothing, or runs in a copy of
    # the database; the import itself then commits a chunk at a time.
    with contextlib.nullcontext() if fmt.dry_run_writes_nothing else staging.copy():
        checked = fmt.read(path, actor=actor, dry_run=True, name=name)
    if dry_run or not checked.ok:
        checked.dry_run = dry_run
        return checked
    return fmt.read(path, actor=actor, dry_run=False, name=name, in_chunks=True)
