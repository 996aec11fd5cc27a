"""`demo_pages`: the home text and the methodology in every language (see unmask.demo.pages)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from unmask.demo import pages as demo
from unmask.pages.models import Page


class Command(BaseCommand):
    help = "Write the home text and the methodology as pages, translated into every language."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any page exists."
        )
        parser.add_argument("--remove", action="store_true", help="Remove the demo's pages.")

    def handle(self, *args, **options):
        if options["remove"]:
            self.stdout.write(f"Removed {demo.remove()} demo pages.")
            return
        if options["if_empty"] and Page.objects.exists():
            self.stdout.write("Pages exist: demo pages not loaded.")
            return
        counts = demo.load()
        self.stdout.write("Loaded " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")
