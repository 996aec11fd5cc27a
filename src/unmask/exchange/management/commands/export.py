"""`unmask export`: the bulk files of the public record (see unmask.exchange.bundle)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unmask.exchange import bundle
from unmask.exchange.selection import Selection


class Command(BaseCommand):
    help = (
        "Write the public record as FollowTheMoney entities, CSV tables with a datapackage.json, "
        "GeoJSON of the sites and GraphML of the network, with a manifest of sizes and "
        "checksums (the /data/ page lists them). With --format, write one file, optionally of "
        "a filtered part."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Where to write (default: UNMASK_EXPORT_DIR).")
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Do nothing if the record has not changed since the last export (for a timer).",
        )
        parser.add_argument(
            "--format", choices=sorted(bundle.BY_KEY), help="Write only this format."
        )
        parser.add_argument(
            "--output", help="With --format: the file to write ('-' for standard output)."
        )
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="With --format: narrow to a part, as the map's filters do "
            "(country=DE, product=<public id>, relation=owns, status=confirmed, kind=company, "
            "org=<public id>, active=1). Repeatable.",
        )

    def handle(self, *args, **options):
        if options["format"]:
            self._one(options)
            return
        if options["output"] or options["filter"]:
            raise CommandError("--output and --filter go with --format.")
        where = Path(options["dir"]) if options["dir"] else None

        def log(entry):
            self.stdout.write(
                f"{entry['name']}: {entry['items']:,} items, {entry['size']:,} bytes, "
                f"{entry['seconds']} s"
            )

        manifest = bundle.export_all(where, if_changed=options["if_changed"], log=log)
        self.stdout.write(
            f"Export of record version {manifest['record_version']} "
            f"({manifest['created']}) in {where or bundle.directory()}"
        )

    def _one(self, options) -> None:
        params = {}
        for item in options["filter"]:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter {item!r}: write it as KEY=VALUE")
            params[key.strip()] = value.strip()
        selection = Selection.from_params(params)
        fmt = bundle.BY_KEY[options["format"]]
        output = options["output"] or bundle.file_name(fmt)
        if output == "-":
            count = bundle.write_format(fmt, selection, sys.stdout.buffer)
        else:  # written aside, then renamed: a failed export leaves the old file as it was
            counted = {}

            def write(handle):
                counted["n"] = bundle.write_format(fmt, selection, handle)

            bundle.write_atomically(Path(output).absolute(), write)
            count = counted["n"]
        self.stderr.write(f"{fmt.title}: {count:,} items → {output}")
