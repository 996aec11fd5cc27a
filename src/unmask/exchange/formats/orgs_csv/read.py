"""`import_file`: a CSV file of organizations (rows.py's columns and rules), streamed and
imported a chunk of rows at a time (chunks.py), in one transaction kept only when no row
has a problem; a dry run works the outcome out without writing (check.py)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from unmask.exchange import batches
from unmask.exchange.files import sha256_file
from unmask.exchange.formats.csvfile import CsvError
from unmask.exchange.formats.orgs_csv import check, chunks
from unmask.exchange.formats.orgs_csv import rows as org_rows


def import_file(
    path, *, actor=None, dry_run: bool = False, name: str = "", in_chunks: bool = False
) -> batches.Outcome:
    """Import the organizations of a CSV file (see rows.py's docstring). Nothing is written
    when any row has an error, nor in a dry run (worked out without writing: check.py).
    `in_chunks`: see _in_chunks."""
    path = Path(path)
    outcome = batches.Outcome(file=name or path.name, dry_run=dry_run)
    if dry_run:  # worked out without writing (check.py)
        try:
            check.check_rows(org_rows.csv_rows(path, outcome), actor, outcome)
        except CsvError as exc:
            outcome.problem(exc.line, exc.column, exc.message)
        return outcome
    if in_chunks:
        return _in_chunks(path, actor, outcome)
    try:
        with transaction.atomic():
            batch = batches.new_batch(actor, outcome.file, sha256_file(path), "csv")
            chunks.import_rows(org_rows.csv_rows(path, outcome), batch, actor, outcome)
            batches.close_batch(batch, outcome)
    except batches.Rollback:
        outcome.batch = None
    except CsvError as exc:
        outcome.problem(exc.line, exc.column, exc.message)
    return outcome


def _in_chunks(path: Path, actor, outcome: batches.Outcome) -> batches.Outcome:
    """The import with a transaction per chunk, so that others can write between two (SQLite
    has one writer at a time), for a file already checked (intake runs its dry run first, in a
    copy of the database). All or nothing is then kept by the batch: should a row still meet a
    problem (the record changed since the check), or the import fail, the batch is undone."""
    batch = batches.new_batch(actor, outcome.file, sha256_file(path), "csv")

    def write() -> None:
        try:
            rows = org_rows.csv_rows(path, outcome)
            chunks.import_rows(rows, batch, actor, outcome, commit_chunks=True)
        except CsvError as exc:
            outcome.problem(exc.line, exc.column, exc.message)

    return batches.written_or_undone(batch, outcome, write)


import_organizations = import_file  # the name of the first version
