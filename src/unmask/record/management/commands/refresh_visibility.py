"""Recompute every stored visibility flag, the involvements of public links and every
organization's search text from the rules.

The services keep both up to date on every write; run this after writing to the database by any
other way (SQL, a restore from an old backup, a bulk script)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from unmask.record import visibility


class Command(BaseCommand):
    help = "Recompute the public flags, involvements and search text of the whole record."

    def handle(self, *args, **options):
        start = time.perf_counter()
        with transaction.atomic():
            visibility.refresh_search_text()
            visibility.refresh_all()
        self.stdout.write(
            f"Visibility flags, involvements and search text recomputed in {time.perf_counter() - start:.1f} s."
        )
