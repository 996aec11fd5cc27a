"""`unmask export`: the bulk files of the public record (see unmask.exchange.publish)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unmask.exchange import files, formats, publish
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
            "--format", choices=sorted(formats.by_key()), help="Write only this format."
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
            self._left_out(entry["name"], entry.get("left_out"))

        manifest = publish.export_all(where, if_changed=options["if_changed"], log=log)
        self.stdout.write(
            f"Export of record version {manifest['record_version']} "
            f"({manifest['created']}) in {where or publish.directory()}"
        )

    def _one(self, options) -> None:
        params = {}
        for item in options["filter"]:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter {item!r}: write it as KEY=VALUE")
            params[key.strip()] = value.strip()
        selection = Selection.from_params(params)
        fmt = formats.by_key()[options["format"]]
        output = options["output"] or publish.file_name(fmt)
        if output == "-":
            count = fmt.write(selection, sys.stdout.buffer)
        else:  # written aside, then renamed: a failed export leaves the old file as it was
            counted = {}

            def write(handle):
                counted["n"] = fmt.write(selection, handle)

            files.write_atomically(Path(output).absolute(), write)
            count = counted["n"]
        self.stderr.write(f"{fmt.title}: {count:,} items → {output}")
        self._left_out(output, getattr(count, "left_out", None))

    def _left_out(self, name: str, left_out: dict | None) -> None:
        """Say what a file leaves out (also in the manifest), never silently."""
        for what, count in (left_out or {}).items():
            self.stderr.write(self.style.WARNING(f"{name}: left out {count:,} {what}"))
