"""`import_file`: a CSV file of organizations (importer.py's columns and rules), streamed and
imported a chunk of rows at a time (import_chunks.py), in one transaction kept only when no row
has a problem and this is no dry run."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from unmask.exchange import import_chunks, importer
from unmask.exchange.checksum import sha256_file
from unmask.exchange.csvread import CsvError


def import_file(path, *, actor=None, dry_run: bool = False, name: str = "") -> importer.Outcome:
    """Import the organizations of a CSV file (see importer's docstring). Nothing is written
    when any row has an error, nor in a dry run."""
    path = Path(path)
    outcome = importer.Outcome(file=name or path.name, dry_run=dry_run)
    try:
        with transaction.atomic():
            batch = importer.new_batch(actor, outcome.file, sha256_file(path), "csv")
            import_chunks.import_rows(importer._csv_rows(path, outcome), batch, actor, outcome)
            importer.close_batch(batch, outcome)
    except importer.Rollback:
        outcome.batch = None
    except CsvError as exc:
        outcome.problem(
            0, "", str(exc).removeprefix(f"{outcome.file}: ").removeprefix(f"{outcome.file}, ")
        )
    return outcome


import_organizations = import_file  # the name of the first version
