"""Figures for the foundation: loading the demo data, and rendering public pages.

Each page is timed over repeated requests in this process (Django's test client, no network),
reported as median and p95 with its SQL query count, and as a ratio to a baseline page rendered
in the same run (the methodology page: a template with no record queries).

    python benchmarks/bench_record.py [--orgs N --sites N --links N] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--orgs", type=int, default=80)
parser.add_argument("--sites", type=int, default=150)
parser.add_argument("--links", type=int, default=250)
parser.add_argument("--repeat", type=int, default=50)
args, _unknown = parser.parse_known_args()

os.environ["UNMASK_VAR_DIR"] = tempfile.mkdtemp(prefix="unmask-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unmask.settings")
os.environ["UNMASK_CACHE_URL"] = "locmem"
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def timed(client: Client, path: str, repeat: int) -> tuple[float, float, int]:
    client.get(path)  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    start = time.perf_counter()
    call_command("demo_data", orgs=args.orgs, sites=args.sites, links=args.links, verbosity=0)
    load_s = time.perf_counter() - start
    print(
        f"demo data: {args.orgs} organizations, {args.sites} sites, {args.links} links loaded in {load_s:.1f} s"
    )

    from unmask.record.models import Organization

    busiest = (
        Organization.objects.public()
        .annotate(n=Count("links_out", distinct=True) + Count("links_in", distinct=True))
        .order_by("-n")
        .first()
    )
    client = Client(HTTP_HOST="127.0.0.1")
    base_median, base_p95, base_q = timed(client, "/methodology/", args.repeat)
    rows = [("baseline: methodology page", base_median, base_p95, base_q)]
    rows.append(("home page", *timed(client, "/", args.repeat)))
    rows.append(
        (
            f"profile, busiest organization ({busiest.n} links)",
            *timed(client, busiest.get_absolute_url(), args.repeat),
        )
    )
    print(f"{'page':<48} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'x baseline':>11}")
    for name, median, p95, queries in rows:
        print(f"{name:<48} {median:>10.2f} {p95:>8.2f} {queries:>8} {median / base_median:>11.1f}")


if __name__ == "__main__":
    sys.exit(main())
