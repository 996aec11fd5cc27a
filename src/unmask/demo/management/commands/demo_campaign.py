"""`demo_campaign`: fictional calls, groups and actions for the demo (see unmask.demo.campaign)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from unmask.campaign.models import Call
from unmask.demo import campaign as demo


class Command(BaseCommand):
    help = "Load fictional calls to action, local groups and actions dated from today."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any call to action exists."
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Call.objects.exists():
            self.stdout.write("The campaign is not empty: demo campaign not loaded.")
            return
        counts = demo.load(demo.SYSTEM)
        self.stdout.write("Loaded " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")
