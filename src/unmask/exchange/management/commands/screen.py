"""`unmask screen FILE`: a list of companies checked against the record, the results as CSV."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from unmask.exchange import screen
from unmask.record.screening import record_index


class Command(BaseCommand):
    help = (
        "Check a list of companies (CSV, XLSX, or one name a line) against the record's public "
        "organizations and write the results as CSV: each row's verdict (match, possible, no "
        "match), the organization, its profile, the rule that matched and the evidence. The "
        "columns of names, countries and identifiers are recognized by their headers, or "
        "chosen. Nothing of the list is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The list: .csv, .xlsx or .txt (one name a line).")
        parser.add_argument("--out", help="Write the results here (default: standard output).")
        parser.add_argument("--name-column", default="", help="The column of names.")
        parser.add_argument("--country-column", default="", help="The column of countries.")
        parser.add_argument("--identifier-column", default="", help="The column of identifiers.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        columns = None
        if options["name_column"]:
            columns = screen.Columns(
                options["name_column"], options["country_column"], options["identifier_column"]
            )
        started = time.perf_counter()
        index = record_index()
        try:
            rows = list(screen.read_list(path, columns=columns))
        except screen.ListError as exc:
            raise CommandError(str(exc)) from None
        bar = Progress(len(rows), sys.stderr)
        results = screen.screen(rows, index, bar.update)
        site = getattr(settings, "SITE_URL", "")
        if options["out"]:
            with open(options["out"], "w", newline="", encoding="utf-8") as out:
                counts = screen.write_results(results, out, site)
        else:
            counts = screen.write_results(results, self.stdout, site)
        bar.done()
        seconds = time.perf_counter() - started
        self.stderr.write(
            f"{len(rows):,} rows screened against {len(index.entries):,} organizations in "
            f"{seconds:.1f} s: {counts[screen.MATCHED]:,} matched, "
            f"{counts[screen.POSSIBLE]:,} possible, {counts[screen.NONE]:,} without a match."
        )


class Progress:
    """A progress bar on a terminal, for lists long enough to wait for."""

    WIDTH = 30

    def __init__(self, total: int, stream) -> None:
        self.total, self.stream = total, stream
        self.shown = -1
        self.live = total >= 200 and getattr(stream, "isatty", lambda: False)()

    def update(self, done: int) -> None:
        if not self.live:
            return
        percent = done * 100 // self.total
        if percent != self.shown:
            self.shown = percent
            filled = self.WIDTH * done // self.total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {percent:3d} % {done:,} of {self.total:,}")
            self.stream.flush()

    def done(self) -> None:
        if self.live:
            self.stream.write("\n")
