"""`unmask mirror DIR`: the public site as static files (see unmask.exchange.mirror)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unmask.exchange import bundle, mirror


class Command(BaseCommand):
    help = (
        "Write the whole public site (record pages, map, graph, campaign, feeds, data files) as "
        "static files that work from any static host and from file://, with a pagefind search "
        "index; check that no internal link is broken (exit status 1 if one is)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="Where to write (emptied first if it holds a mirror).")
        parser.add_argument(
            "--live-url",
            default=None,
            help="Where links to what the mirror cannot hold (forms, other languages) point "
            "(default: UNMASK_SITE_URL; '' drops those links).",
        )
        parser.add_argument(
            "--limit", type=int, default=20000, help="At most this many addresses are fetched."
        )
        parser.add_argument(
            "--no-search", action="store_true", help="Do not build the pagefind index."
        )
        parser.add_argument(
            "--no-export",
            action="store_true",
            help="Do not refresh the bulk files first (`unmask export --if-changed`).",
        )

    def handle(self, *args, **options):
        out = Path(options["dir"])
        try:
            mirror.clear(out)
        except FileExistsError as error:
            raise CommandError(str(error)) from error
        if not options["no_export"]:
            bundle.export_all(if_changed=True)
        report = mirror.build(
            out,
            live_url=options["live_url"],
            limit=options["limit"],
            search=not options["no_search"],
            log=lambda message: self.stderr.write(message),
        )
        self.stdout.write(report.summary())
        if report.broken or report.errors or report.capped:
            raise CommandError(
                f"{len(report.broken)} broken links, {len(report.errors)} failed pages"
                + (", crawl capped" if report.capped else "")
            )
