"""`demo_data`: load (or remove) the fictional demo record. See `unmask.demo.record`."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from unmask.demo import record as demo
from unmask.record.models import DemoDataset, Organization


class Command(BaseCommand):
    help = (
        "Load the fictional demo data: one invented drone program and the invented organizations, "
        "sites, links, sources and replies around it. Large sizes use a bulk path (for benchmarks)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the record already holds any organization (used by `make demo`).",
        )
        parser.add_argument("--remove", action="store_true", help="Remove the demo data.")
        parser.add_argument("--seed", type=int, default=7, help="Same seed, same data (default 7).")
        parser.add_argument("--orgs", type=int, default=80, help="Public organizations (min. 8).")
        parser.add_argument("--sites", type=int, default=150, help="Public sites.")
        parser.add_argument("--links", type=int, default=250, help="Public links.")
        parser.add_argument("--sources", type=int, default=100, help="Sources (min. 1).")
        parser.add_argument("--responses", type=int, default=5, help="Published replies.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["remove"]:
            try:
                counts = demo.remove_demo()
            except IntegrityError as exc:
                raise CommandError(
                    "Nothing was removed: records added by hand refer to the demo data (a link to "
                    "a demo organization, say). Delete or change them first."
                ) from exc
            self._report("Removed the demo data", counts, started)
            return
        if options["if_empty"] and Organization.objects.exists():
            self.stdout.write("The record is not empty: demo data not loaded.")
            return
        if DemoDataset.objects.exists():
            raise CommandError(
                "The demo data is already loaded. Remove it first: demo_data --remove"
            )
        sizes = {key: options[key] for key in ("orgs", "sites", "links", "sources", "responses")}
        path = (
            "bulk" if demo.uses_bulk(sizes["orgs"], sizes["sites"], sizes["links"]) else "services"
        )
        self.stdout.write(
            f"Loading fictional demo data (seed {options['seed']}, {path} path): "
            + ", ".join(f"{value} {key}" for key, value in sizes.items())
        )
        try:
            counts = demo.load_demo(seed=options["seed"], **sizes)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self._report("Loaded the demo data", counts, started)

    def _report(self, what: str, counts: dict[str, int], started: float) -> None:
        seconds = time.perf_counter() - started
        rows = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"{what} in {seconds:.1f} s. {rows}"))
