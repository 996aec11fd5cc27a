"""`unmask mirror DIR`: the public site as static files (see unmask.exchange.mirror)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from unmask.exchange import mirror, publish


class Command(BaseCommand):
    help = (
        "Write the whole public site (record pages, map, graph, campaign, feeds, data files) in "
        "every language it offers as static files that work from any static host and from "
        "file://, with a pagefind search index per language; check that no internal link is "
        "broken (exit status 1 if one is)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="Where to write (emptied first if it holds a mirror).")
        parser.add_argument(
            "--live-url",
            default=None,
            help="Where links to what the mirror cannot hold (forms, languages left out) point "
            "(default: UNMASK_SITE_URL; '' drops those links).",
        )
        codes = ",".join(code for code, _name in settings.LANGUAGES)
        parser.add_argument(
            "--languages",
            default=None,
            help=f"Only these languages, comma-separated (default: all the site offers, {codes}).",
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
        languages = options["languages"]
        languages = None if languages is None else languages.split(",")
        try:
            builder = mirror.Mirror(
                out,
                live_url=options["live_url"],
                limit=options["limit"],
                search=not options["no_search"],
                languages=languages,
                log=lambda message: self.stderr.write(message),
            )
        except ValueError as error:  # a language the site does not offer
            raise CommandError(str(error)) from error
        try:
            mirror.clear(out)
        except FileExistsError as error:
            raise CommandError(str(error)) from error
        if not options["no_export"]:
            publish.export_all(if_changed=True)
        report = builder.build()
        self.stdout.write(report.summary())
        if report.broken or report.errors or report.capped:
            raise CommandError(
                f"{len(report.broken)} broken links, {len(report.errors)} failed pages"
                + (", crawl capped" if report.capped else "")
            )
