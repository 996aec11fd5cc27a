"""Directory search at 100,000 organizations, on SQLite and on PostgreSQL (issue 17, item 3:
"directory search p95 < 30 ms at 100,000 organizations on SQLite and PostgreSQL").

The dataset (100,000 organizations / 100,000 sites / 100,000 links, demo_data's generator) is
cached under var/bench/ like bench_public's; for PostgreSQL the same generator fills a database
of its own on 127.0.0.1:5432 (or DATABASE_URL's server), named after the dataset's key and kept
for the next run. In a process per engine, with Django's test client and production settings
(the page cache off: every request searches), each of bench_public's search words
(`/org/?q=aero`...) is asked in turn, --repeat requests in all after a warm-up, and the median
and p95 are printed against the 30 ms target, with the demo-size dataset's as the baseline in
the same run. PostgreSQL is skipped when no server answers.

    python benchmarks/bench_search.py [--repeat N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_public  # noqa: E402 - datasets, settings, search words

SIZE = (100_000, 100_000, 100_000)
QUICK = (20_000, 20_000, 20_000)
TARGET_P95_MS = 30.0
PG_SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x").rsplit("/", 1)[0]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=400)
    parser.add_argument("--quick", action="store_true", help="20,000 organizations")
    parser.add_argument(
        "--skip-postgres",
        action="store_true",
        help="SQLite only (generating 100,000 organizations into PostgreSQL takes a long time)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--regenerate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    if args.quick:
        args.repeat = 100
    return args


def worker(args) -> int:
    """In the child: time the searches, write {p50, p95, n, rows} to --out."""
    import django

    django.setup()
    from django.test import Client

    from unmask.runtime import settle

    client = Client(HTTP_HOST="127.0.0.1")
    paths = [f"/org/?q={word}" for word in bench_public.SEARCHES]
    for path in paths:  # warm-up, and every search finds something
        assert client.get(path).status_code == 200, path
    settle()
    times = []
    for i in range(args.repeat):
        started = time.perf_counter()
        response = client.get(paths[i % len(paths)])
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    from unmask.record.models import Organization

    figures = {
        "p50": statistics.median(times),
        "p95": bench_public.nearest_rank(times, 0.95),
        "n": len(times),
        "orgs": Organization.objects.public().count(),
    }
    Path(args.out).write_text(json.dumps(figures))
    return 0


def measure(env: dict, args) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    try:
        command = [sys.executable, __file__, "--worker", "--out", str(out_path)]
        subprocess.run([*command, "--repeat", str(args.repeat)], env=env, check=True)
        return json.loads(out_path.read_text())
    finally:
        out_path.unlink(missing_ok=True)


def postgres_database(size: tuple[int, int, int], args) -> str | None:
    """The URL of a PostgreSQL database holding the dataset, generated on first use."""
    try:
        import psycopg

        admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except Exception:  # no server: the PostgreSQL row is skipped
        return None
    key, _migrations = bench_public.cache_key(size, args.seed)
    name = f"unmask_bench_{size[0]}_{key}"
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not args.regenerate and _complete(f"{PG_SERVER}/{name}"):
            return f"{PG_SERVER}/{name}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_SERVER}/{name}"
    orgs, sites, links = size
    print(f"  PostgreSQL: generating {orgs}/{sites}/{links} into {name} ...", flush=True)
    started = time.perf_counter()
    env = {
        **bench_public.child_env(Path(tempfile.mkdtemp(prefix="unmask-search-"))),
        "DATABASE_URL": url,
    }
    command = [sys.executable, str(HERE / "bench_public.py"), "--worker", "generate"]
    command += ["--seed", str(args.seed), "--orgs", str(orgs), "--sites", str(sites)]
    result = subprocess.run([*command, "--links", str(links)], env=env, check=False)
    if result.returncode:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        raise SystemExit("generating the PostgreSQL dataset failed")
    with psycopg.connect(url, autocommit=True) as db:  # the mark of a finished generation
        db.execute("CREATE TABLE bench_generated (at timestamptz DEFAULT now())")
    print(f"  PostgreSQL: generated in {time.perf_counter() - started:.0f} s, kept for next runs")
    return url


def _complete(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute("SELECT to_regclass('bench_generated') IS NOT NULL").fetchone()[0]


def main() -> int:
    args = parse_args()
    if args.worker:
        return worker(args)
    size = QUICK if args.quick else SIZE
    demo, how = bench_public.ensure_dataset("demo", bench_public.DEMO_SIZE, args)
    print(f"  baseline: demo size {bench_public.DEMO_SIZE[0]} organizations, {how}")
    large, how = bench_public.ensure_dataset("search", size, args)
    print(f"  {size[0]:,} organizations: {how}")
    words = ", ".join(bench_public.SEARCHES)
    print(f"  /org/?q= for {words}; {args.repeat} requests each, rendered (page cache off)")
    header = (
        f"  {'database':<26} {'public orgs':>11} {'p50 ms':>8} {'p95 ms':>8}  target p95 < 30 ms"
    )
    rows = [
        ("SQLite, demo size", demo, None),
        (f"SQLite, {size[0]:,}", large, None),
    ]
    if not args.skip_postgres:
        rows += [
            ("PostgreSQL, demo size", demo, "demo"),
            (f"PostgreSQL, {size[0]:,}", large, "large"),
        ]
    print(header)
    for label, directory, url in rows:
        env = {**bench_public.child_env(directory), "UNMASK_PAGE_CACHE_SECONDS": "0"}
        if url is not None:
            database = postgres_database(bench_public.DEMO_SIZE if url == "demo" else size, args)
            if database is None:
                print(f"  {label:<26} skipped: no PostgreSQL server at {PG_SERVER}")
                continue
            env["DATABASE_URL"] = database
        figures = measure(env, args)
        large_row = not label.endswith("demo size")
        verdict = (
            ("PASS" if figures["p95"] < TARGET_P95_MS else "FAIL") if large_row else "(baseline)"
        )
        print(
            f"  {label:<26} {figures['orgs']:>11,} {figures['p50']:>8.1f} {figures['p95']:>8.1f}"
            f"  {verdict}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
