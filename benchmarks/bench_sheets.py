"""The printable fact sheets (PDF, WeasyPrint): an organization's and a call's, cold and cached.

Dataset: a fresh SQLite database in a temporary folder, the demo record (default 80
organizations / 150 sites / 250 links) and the demo campaign, production settings with a
local-memory cache. In this process, with Django's test client (no network, no server):

- baseline: the methodology page (a template, no record queries), for the ratios;
- the profile page (HTML) of the busiest organization, for comparison;
- its fact sheet cold: the cache emptied before each request, so the sheet is queried, laid out
  and written as PDF (WeasyPrint already imported and its fonts loaded: the very first sheet of
  a process, which pays for that, is printed on its own line);
- its fact sheet cached: the same request again (the PDF from the cache, gzip accepted), and a
  conditional request answered 304;
- the same for the demo's call to action.

Each figure is the median of the runs, with "x base", the ratio to the baseline's median in the
same run. Targets: an organization's sheet cold under 1 s, cached under 20 ms. The exit code is 0
even on FAIL: this is a benchmark.

    python benchmarks/bench_sheets.py [--orgs N --sites N --links N] [--repeat N] [--cold N]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--orgs", type=int, default=80)
parser.add_argument("--sites", type=int, default=150)
parser.add_argument("--links", type=int, default=250)
parser.add_argument("--repeat", type=int, default=50, help="timed requests of a cached page")
parser.add_argument("--cold", type=int, default=10, help="timed cold renders of a sheet")
args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script

VAR_DIR = tempfile.mkdtemp(prefix="unmask-bench-sheets-")
os.environ["UNMASK_VAR_DIR"] = VAR_DIR
os.environ["UNMASK_STATIC_ROOT"] = os.path.join(VAR_DIR, "static")
os.environ["DJANGO_SETTINGS_MODULE"] = "unmask.settings"
os.environ["UNMASK_CACHE_URL"] = "locmem"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("UNMASK_DEBUG", None)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

TARGET_COLD_MS = 1000.0
TARGET_CACHED_MS = 20.0


def timed(client: Client, path: str, repeat: int, *, cold: bool = False, **headers) -> dict:
    """Median and p95 in ms of `repeat` requests (after one warm-up), and the size."""
    response = client.get(path, **headers)
    assert response.status_code in (200, 304), (path, response.status_code)
    times = []
    for _ in range(repeat):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(path, **headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 304), (path, response.status_code)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[max(0, int(len(times) * 0.95) - 1)],
        "kb": len(response.content) / 1024,
        "status": response.status_code,
    }


def main() -> int:
    try:
        return run()
    finally:
        shutil.rmtree(VAR_DIR, ignore_errors=True)


def run() -> int:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo_data", orgs=args.orgs, sites=args.sites, links=args.links, verbosity=0)
    call_command("demo_campaign", stdout=io.StringIO())

    from unmask.campaign.models import Call
    from unmask.record.models import Organization

    busiest = (
        Organization.objects.public()
        .annotate(n=Count("links_out", distinct=True) + Count("links_in", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    call = Call.objects.filter(published_at__isnull=False, language="en").first()
    org_sheet = f"/org/{busiest.public_id}/{busiest.slug}/sheet.pdf"
    call_sheet = f"/calls/{call.public_id}/sheet.pdf"
    client = Client(HTTP_HOST="127.0.0.1")

    start = time.perf_counter()
    first = client.get(org_sheet)
    first_ms = (time.perf_counter() - start) * 1000
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"

    gzip = {"HTTP_ACCEPT_ENCODING": "gzip"}
    rows = [
        ("baseline", "baseline: methodology page", timed(client, "/methodology/", args.repeat)),
        (
            "profile",
            f"profile page (HTML), busiest organization ({busiest.n} links)",
            timed(client, busiest.get_absolute_url(), args.repeat),
        ),
        (
            "org-cold",
            "organization fact sheet, cold",
            timed(client, org_sheet, args.cold, cold=True),
        ),
        (
            "org-cached",
            "organization fact sheet, cached",
            timed(client, org_sheet, args.repeat, **gzip),
        ),
    ]
    etag = client.get(org_sheet)["ETag"]
    rows.append(
        (
            "org-304",
            "organization fact sheet, 304 (If-None-Match)",
            timed(client, org_sheet, args.repeat, HTTP_IF_NONE_MATCH=etag),
        )
    )
    rows.append(
        ("call-cold", "call fact sheet, cold", timed(client, call_sheet, args.cold, cold=True))
    )
    rows.append(
        ("call-cached", "call fact sheet, cached", timed(client, call_sheet, args.repeat, **gzip))
    )

    base = rows[0][2]["median"]
    print(
        f"demo data: {args.orgs} organizations, {args.sites} sites, {args.links} links; "
        f"the busiest organization's sheet, and the demo call's"
    )
    print(f"first sheet of the process (imports WeasyPrint, loads fonts): {first_ms:.0f} ms")
    print(f"{args.cold} cold renders, {args.repeat} cached requests, after one warm-up each")
    header = f"{'request':<58} {'median ms':>9} {'p95 ms':>7} {'KB':>6} {'x base':>7}"
    print(header)
    print("-" * len(header))
    for _key, name, row in rows:
        print(
            f"{name:<58} {row['median']:>9.1f} {row['p95']:>7.1f} {row['kb']:>6.1f}"
            f" {row['median'] / base:>7.1f}"
        )
    figures = {key: row for key, _name, row in rows}
    cold, cached = figures["org-cold"]["median"], figures["org-cached"]["median"]
    print(
        f"targets: organization sheet cold {cold:.0f} ms < {TARGET_COLD_MS:.0f} ms: "
        f"{'PASS' if cold < TARGET_COLD_MS else 'FAIL'}; cached {cached:.1f} ms < "
        f"{TARGET_CACHED_MS:.0f} ms: {'PASS' if cached < TARGET_CACHED_MS else 'FAIL'}; "
        f"cold / cached = {cold / cached:.0f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
