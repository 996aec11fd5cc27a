"""`unmask backup FILE`: one zip archive of the whole site (see unmask.exchange.backup)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unmask.exchange import backup


class Command(BaseCommand):
    help = (
        "Write one zip archive of everything: the record and its history, the campaign, "
        "accounts, the admin log and every uploaded file, with a manifest of migrations, row "
        "counts and checksums. `unmask restore` loads it into an empty database, SQLite or "
        "PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to write (a .zip; replaced if it exists).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if path.suffix.lower() != ".zip":
            raise CommandError(f"{path}: give the archive a .zip name.")
        if path.is_dir():
            raise CommandError(f"{path} is a directory.")
        start = time.perf_counter()
        log = self.stdout.write if options["verbosity"] > 1 else (lambda message: None)
        manifest = backup.write_backup(path, log=log)
        rows = sum(entry["rows"] for entry in manifest["models"])
        files = len(manifest["media"])
        self.stdout.write(
            f"Backup of {rows:,} rows in {len(manifest['models'])} tables and {files:,} "
            f"uploaded files → {path} ({path.stat().st_size:,} bytes, "
            f"{time.perf_counter() - start:.1f} s)"
        )
