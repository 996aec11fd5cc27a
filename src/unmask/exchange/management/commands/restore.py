"""`unmask restore FILE`: load an `unmask backup` archive into an empty database."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from unmask.exchange import backup


class Command(BaseCommand):
    help = (
        "Load an archive written by `unmask backup` into an empty database (SQLite or "
        "PostgreSQL, whichever it came from), in one transaction: checksums are verified "
        "first, a database without tables is migrated, and a database that is not empty or "
        "not at the backup's migrations is refused unchanged. Uploaded files are restored too."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive written by `unmask backup`.")

    def handle(self, *args, **options):
        try:
            counts = backup.restore(options["file"], log=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        nonzero = {label: n for label, n in counts.items() if n}
        width = max((len(label) for label in nonzero), default=0)
        for label, n in nonzero.items():
            self.stdout.write(f"  {label:<{width}} {n:>10,}")
