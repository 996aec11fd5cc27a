"""Figures for the foundation: loading the demo data, and rendering public pages.

The demo data's load as `make demo` runs it: `python -m unmask.manage demo_data --if-empty` in a
process of its own on a fresh SQLite database (migrated first, untimed), --loads times (default
3), each in a new folder; the median of the command's wall time (process start to exit, Django's
start-up included), of its CPU time (user + system: what the machine's load does not change) and
of the time the command reports for the load itself. Then a load in this process for the pages.

Each page is timed over repeated requests in this process (Django's test client, no network),
reported as median and p95 with its SQL query count, and as a ratio to a baseline page rendered
in the same run (the methodology page: a template with no record queries).

    python benchmarks/bench_record.py [--orgs N --sites N --links N] [--repeat N] [--loads N]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--orgs", type=int, default=80)
parser.add_argument("--sites", type=int, default=150)
parser.add_argument("--links", type=int, default=250)
parser.add_argument("--repeat", type=int, default=50)
parser.add_argument("--loads", type=int, default=3, help="demo loads in fresh databases")
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


def demo_loads(runs: int) -> None:
    """`demo_data --if-empty` as `make demo` runs it, in a fresh SQLite database each time."""
    walls, cpus, reported = [], [], []
    for _ in range(runs):
        var_dir = tempfile.mkdtemp(prefix="unmask-bench-load-")
        env = {**os.environ, "UNMASK_VAR_DIR": var_dir}
        manage = [sys.executable, "-m", "unmask.manage"]
        try:
            subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
            command = [*manage, "demo_data", "--if-empty"]
            command += ["--orgs", str(args.orgs), "--sites", str(args.sites)]
            command += ["--links", str(args.links)]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            result = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            found = re.search(r"Loaded the demo data in ([0-9.]+) s", result.stdout)
            if found:
                reported.append(float(found.group(1)))
        finally:
            shutil.rmtree(var_dir, ignore_errors=True)
    load = os.getloadavg()[0]
    print(
        f"demo data load (`demo_data --if-empty`, {args.orgs}/{args.sites}/{args.links}, as make"
        f" demo runs it), median of {runs} fresh databases: {statistics.median(walls):.1f} s wall"
        f" ({', '.join(f'{w:.1f}' for w in walls)}), {statistics.median(cpus):.1f} s CPU"
        + (f", {statistics.median(reported):.1f} s reported by the command" if reported else "")
        + f"; load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    if load > (os.cpu_count() or 1):
        print(
            "   the machine is busy (load above its CPU count): the wall time is inflated; the"
            " CPU time is the figure to compare"
        )


def main() -> None:
    if args.loads:
        demo_loads(args.loads)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    start = time.perf_counter()
    call_command("demo_data", orgs=args.orgs, sites=args.sites, links=args.links, verbosity=0)
    load_s = time.perf_counter() - start
    print(
        f"demo data in this process (for the pages below): {args.orgs} organizations,"
        f" {args.sites} sites, {args.links} links loaded in {load_s:.1f} s"
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
