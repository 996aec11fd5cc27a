"""Public pages at demo size and at a large size: does their cost grow with the data?

For each dataset (demo size: 80 organizations / 150 sites / 250 links; large: 10,000 / 100,000 /
100,000) this times, in a process of its own with Django's test client (no network, no server):
the profile page of a busy organization, directory search (full text, and filters), the first
page of the API lists, the supply tree of the program, and a baseline page with no record
queries (the methodology page). Each figure is the median and p95 of N requests after a warm-up,
with the SQL query count of one request and the size of the response.

Then a comparison table: large median / demo median, and PASS or FAIL against the targets of the
issue: at the large size every median under 50 ms, search p95 under 50 ms, and every median
within 1.5x of its demo-size median. The exit code is 0 even on FAIL: this is a benchmark.

The ratio compares equal work. Where the same request does more at the large size (the busiest
organization has more links; "aero" matches 6 organizations at demo size and 2,906 at the large
one, so the page renders 50 rows instead of 6), a matched row does the same work at both sizes:
the large dataset's organization with as many links as the demo's busiest, and searches and
filters chosen there for having as many matches as the demo size's. The unmatched rows are still
timed against the median and p95 targets. Each server-like measurement starts with
`unmask.runtime.settle()`, as wsgi.py does, so the benchmark's own data is out of the garbage
collector's way.

Datasets are generated with `demo_data` (the large one takes about two minutes) and cached under
var/bench/ (git-ignored), keyed by sizes, seed and the content of every migration, the demo
generator and the dependency lock; a changed key regenerates. --regenerate forces it.

    python benchmarks/bench_public.py [--quick] [--orgs N --sites N --links N] [--seed N]
        [--repeat N] [--only demo|large] [--regenerate] [--profile ROW]

--quick uses a smaller large size (2,000 / 20,000 / 20,000) while developing. --profile ROW
(e.g. tree, search, profile, api-links) prints a cProfile of that page at each size.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src" / "unmask"
BENCH_DIR = ROOT / "var" / "bench"

DEMO_SIZE = (80, 150, 250)
LARGE_SIZE = (10_000, 100_000, 100_000)
QUICK_SIZE = (2_000, 20_000, 20_000)

MIN_SAMPLES = 3  # timed requests of a page even over the time budget
TARGET_MEDIAN_MS = 50.0
TARGET_SEARCH_P95_MS = 50.0
TARGET_RATIO = 1.5

# Directory searches: common fragments of the demo names (prefix matches, like the search box).
SEARCHES = ("aero", "precision", "systems", "defence", "engineering", "aviation", "ltd", "ko")
# Filtered directory: country and relation, with and without a search word.
FILTERS = (
    {"country": "DE", "relation": "supplies_component"},
    {"country": "TR", "relation": "owns"},
    {"country": "SE", "relation": "supplies_material"},
    {"country": "CN", "relation": "licenses_technology", "q": "ltd"},
    {"country": "FR", "relation": "supplies_component", "q": "aero"},
    {"country": "GB", "relation": "finances"},
)

# No ratio check: the baseline (the reference: it reads no record), and rows whose work differs
# between the sizes (see the matched rows).
NO_RATIO = {"baseline", "profile", "search", "search-filtered"}

# Rows of the tables, in order: key, label, whether the search p95 target applies.
ROWS = (
    ("baseline", "baseline: methodology page", False),
    ("profile", "profile, busiest organization", False),
    ("profile-matched", "profile, organization matched to demo busiest", False),
    ("directory", "directory, no filter (first page)", False),
    ("search", "directory search ?q=", True),
    ("search-filtered", "directory ?country=&relation=", True),
    ("search-matched", "directory search, matches as at demo size", True),
    ("filtered-matched", "directory filters, matches as at demo size", True),
    ("api-orgs", "API /api/v1/organizations", False),
    ("api-links", "API /api/v1/links", False),
    ("tree", "supply tree (program page)", False),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, help=f"large size (default {LARGE_SIZE[0]})")
    parser.add_argument("--sites", type=int, help=f"large size (default {LARGE_SIZE[1]})")
    parser.add_argument("--links", type=int, help=f"large size (default {LARGE_SIZE[2]})")
    parser.add_argument(
        "--quick", action="store_true", help="large size {}/{}/{}".format(*QUICK_SIZE)
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument(
        "--budget", type=float, default=20, help="seconds per page before fewer requests"
    )
    parser.add_argument("--only", choices=("demo", "large"), help="one dataset only")
    parser.add_argument("--regenerate", action="store_true", help="ignore cached datasets")
    parser.add_argument("--profile", metavar="ROW", help="cProfile one row's page (see ROWS)")
    # Internal: what a child process does.
    parser.add_argument("--worker", choices=("generate", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--match", help=argparse.SUPPRESS)  # JSON: what the demo size measured
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    return args


# --- the parent process: datasets, cache, tables --------------------------------------------------


def cache_key(sizes: tuple[int, int, int], seed: int) -> tuple[str, list[str]]:
    """A hash of what determines the generated database, and the migrations it covers."""
    files = sorted(SRC.glob("*/migrations/*.py"))
    files += [
        SRC / "record" / "demo.py",
        SRC / "record" / "management" / "commands" / "demo_data.py",
        ROOT / "requirements" / "dev.lock",  # third-party migrations come with their versions
    ]
    digest = hashlib.sha256(json.dumps({"sizes": sizes, "seed": seed}).encode())
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    migrations = [
        f"{p.parent.parent.name}.{p.stem}" for p in files if p.parent.name == "migrations"
    ]
    return digest.hexdigest()[:16], [m for m in migrations if not m.endswith("__init__")]


def child_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # always SQLite: the cached file is the dataset
    env.update(
        UNMASK_VAR_DIR=str(var_dir),
        UNMASK_STATIC_ROOT=str(BENCH_DIR / "static"),
        UNMASK_CACHE_URL="locmem",
        DJANGO_SETTINGS_MODULE="unmask.settings",
    )
    env.pop("UNMASK_DEBUG", None)
    return env


def ensure_dataset(label: str, sizes: tuple[int, int, int], args) -> tuple[Path, str]:
    """The cached directory holding this dataset's database, generated if missing or stale."""
    key, migrations = cache_key(sizes, args.seed)
    orgs, sites, links = sizes
    directory = BENCH_DIR / f"{orgs}o-{sites}s-{links}l-seed{args.seed}"
    meta_path = directory / "dataset.json"
    if not args.regenerate and meta_path.exists() and (directory / "unmask.sqlite3").exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("key") == key:
            return directory, (
                f"cached in {directory.relative_to(ROOT)} "
                f"(generated {meta['generated_at']} in {meta['seconds']:.0f} s)"
            )
        reason = "key changed (migrations, demo generator or lock)"
    else:
        reason = "regenerating" if args.regenerate else "not cached yet"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # One builder per dataset at a time: two benchmarks started together would otherwise each
    # take the other's build folder for an interrupted one and delete it.
    with (BENCH_DIR / f".{directory.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not args.regenerate and meta_path.exists():
            meta = json.loads(meta_path.read_text())
            if meta.get("key") == key:  # built by another run while this one waited
                return directory, f"cached in {directory.relative_to(ROOT)} (built meanwhile)"
        return _generate(label, directory, key, reason, sizes, migrations, args)


def _generate(label, directory, key, reason, sizes, migrations, args):
    orgs, sites, links = sizes
    print(f"  {label}: generating {orgs}/{sites}/{links} ({reason}) ...", flush=True)
    for leftover in BENCH_DIR.glob(f".{directory.name}-*"):  # an interrupted generation
        shutil.rmtree(leftover, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=BENCH_DIR))
    start = time.perf_counter()
    command = [sys.executable, __file__, "--worker", "generate", "--seed", str(args.seed)]
    command += ["--orgs", str(orgs), "--sites", str(sites), "--links", str(links)]
    result = subprocess.run(command, env=child_env(building), check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        raise SystemExit(f"generating the {label} dataset failed (exit {result.returncode})")
    meta = {
        "key": key,
        "sizes": sizes,
        "seed": args.seed,
        "migrations": migrations,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": seconds,
    }
    (building / "dataset.json").write_text(json.dumps(meta, indent=1))
    shutil.rmtree(directory, ignore_errors=True)
    building.rename(directory)
    return directory, f"generated in {seconds:.1f} s (migrate + demo_data), cached for next runs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """granian serving a dataset with production settings, as `make demo` does. `env` adds
    settings for the server (a None value removes one); `collectstatic` collects first."""

    def __init__(
        self, directory: Path, env: dict | None = None, *, collectstatic: bool = False
    ) -> None:
        self.port = free_port()
        environment = child_env(directory)
        for name, value in (env or {}).items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = str(value)
        if collectstatic:
            subprocess.run(
                [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
                env=environment,
                check=True,
            )
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "granian"),
                *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(self.port)),
                *("--workers", "1", "--backpressure", "32", "--no-ws", "--log-level", "warning"),
                "unmask.wsgi:application",
            ],
            env=environment,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def measure(label: str, directory: Path, args, match: dict | None) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    command = [sys.executable, __file__, "--worker", "measure", "--out", str(out_path)]
    command += ["--repeat", str(args.repeat), "--budget", str(args.budget)]
    if match is not None:
        command += ["--match", json.dumps(match)]
    if args.profile:
        command += ["--profile", args.profile]
    result = subprocess.run(command, env=child_env(directory), check=False)
    try:
        if result.returncode != 0:
            print(f"  {label}: measuring failed (exit {result.returncode})")
            return None
        return json.loads(out_path.read_text())
    finally:
        out_path.unlink(missing_ok=True)


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_dataset(label: str, sizes, seed: int, how: str, data: dict) -> None:
    orgs, sites, links = sizes
    print(f"\n== {label}: {orgs:,} organizations, {sites:,} sites, {links:,} links, seed {seed}")
    print(f"   dataset: {how}")
    print(f"   {data['repeat']} timed requests per page after a warm-up; queries: one request")
    base = data["rows"].get("baseline", {}).get("median")
    header = (
        f"   {'page':<46} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'KB':>6} {'x base':>6}"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    for key, name, _search in ROWS:
        row = data["rows"].get(key)
        if row is None:
            continue
        if row.get("skipped"):
            print(f"   {name:<46} skipped: {row['skipped']}")
            continue
        ratio = f"{row['median'] / base:.1f}" if base else "-"
        print(
            f"   {name:<46} {fmt_ms(row['median']):>9} {fmt_ms(row['p95']):>7}"
            f" {row['queries']:>7} {row['kb']:>6.0f} {ratio:>6}"
        )
        if row.get("note"):
            print(f"   {'':<4}{row['note']}")


def print_comparison(demo: dict, large: dict, large_sizes) -> None:
    print(
        f"\n== comparison: demo vs {large_sizes[0]:,} organizations / {large_sizes[2]:,} links"
        f" (targets: median < {TARGET_MEDIAN_MS:.0f} ms, search p95 < {TARGET_SEARCH_P95_MS:.0f}"
        f" ms, large/demo <= {TARGET_RATIO})"
    )
    header = (
        f"   {'page':<46} {'demo ms':>8} {'large ms':>8} {'large p95':>9} {'ratio':>6}"
        f"  {'median':<6} {'p95':<6} {'ratio':<6}"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    fails, checks, skipped = [], 0, []
    for key, name, search in ROWS:
        d, g = demo["rows"].get(key), large["rows"].get(key)
        if d is None or g is None:
            continue
        if d.get("skipped") or g.get("skipped"):
            print(f"   {name:<46} skipped: {g.get('skipped') or d.get('skipped')}")
            skipped.append(name)
            continue
        ratio = g["median"] / d["median"]
        verdicts = []
        for applies, ok, what in (
            (True, g["median"] < TARGET_MEDIAN_MS, "median"),
            (search, g["p95"] < TARGET_SEARCH_P95_MS, "p95"),
            (key not in NO_RATIO, ratio <= TARGET_RATIO, "ratio"),
        ):
            if not applies:
                verdicts.append("-")
                continue
            checks += 1
            verdicts.append("PASS" if ok else "FAIL")
            if not ok:
                fails.append(f"{name}: {what}")
        print(
            f"   {name:<46} {d['median']:>8.1f} {g['median']:>8.1f} {g['p95']:>9.1f}"
            f" {ratio:>6.2f}  {verdicts[0]:<6} {verdicts[1]:<6} {verdicts[2]:<6}"
        )
    print(
        "   No ratio check for the baseline, a page that reads no record, nor where the two sizes\n"
        "   do different work: the busiest profile has more links at the large size, and common\n"
        "   search words and filters match a full page there against a few rows at demo size.\n"
        "   The matched rows compare like with like: an organization with as many links, and\n"
        "   queries with as many matches."
    )
    if fails:
        print(f"\n   {len(fails)} of {checks} checks FAIL:")
        for fail in fails:
            print(f"   FAIL {fail}")
    else:
        print(f"\n   all {checks} checks PASS")
    if skipped:
        print(f"   NOT MEASURED ({len(skipped)} rows skipped): {', '.join(skipped)}")


def main_parent(args) -> int:
    large = (
        args.orgs or (QUICK_SIZE if args.quick else LARGE_SIZE)[0],
        args.sites or (QUICK_SIZE if args.quick else LARGE_SIZE)[1],
        args.links or (QUICK_SIZE if args.quick else LARGE_SIZE)[2],
    )
    datasets = [("demo size", DEMO_SIZE), ("large", large)]
    if args.only:
        datasets = [datasets[0 if args.only == "demo" else 1]]
    print("datasets:", flush=True)
    prepared = [(label, sizes, *ensure_dataset(label, sizes, args)) for label, sizes in datasets]
    results = {}
    match = None
    for label, sizes, directory, how in prepared:
        print(f"  {label}: measuring ...", flush=True)
        data = measure(label, directory, args, match)
        if data is None:
            continue
        results[label] = data
        print_dataset(label, sizes, args.seed, how, data)
        if match is None:
            match = data.get("match")
    if len(results) == 2:
        print_comparison(results["demo size"], results["large"], large)
    return 0


# --- child processes ------------------------------------------------------------------------------


def setup_django() -> None:
    import django

    django.setup()


def main_generate(args) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command(
        "demo_data", orgs=args.orgs, sites=args.sites, links=args.links, seed=args.seed, verbosity=1
    )
    return 0


def nearest_rank(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def main_measure(args) -> int:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from unmask.record import queries
    from unmask.record.filters import OrganizationFilters
    from unmask.record.models import Link, Organization, Product
    from unmask.runtime import settle

    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    repeat = args.repeat

    def timed(paths: list[str], **extra) -> dict:
        """Median and p95 over `repeat` requests cycling through `paths`, after one warm-up
        request per path; the query count is the largest of one request per path.

        A page slower than the time budget gets fewer requests (at least MIN_SAMPLES), and its
        queries are counted during its last timed requests rather than in extra ones."""
        sizes, counts = [], []
        settle()  # as a server process does at start; and the bench's own data out of sight
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                raise AssertionError(f"{path}: HTTP {response.status_code}")
            sizes.append(len(response.content))
        times: list[float] = []
        started = time.perf_counter()
        for i in range(repeat):
            path = paths[i % len(paths)]
            over_budget = time.perf_counter() - started > args.budget
            if over_budget and len(times) >= MIN_SAMPLES and len(counts) == len(paths):
                break
            # A slow page: count its queries in a timed request, not in extra ones.
            capture = over_budget and len(counts) < len(paths)
            context = CaptureQueriesContext(connection) if capture else nullcontext()
            with context:
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            if capture:
                counts.append(len(context))
            if response.status_code != 200:
                raise AssertionError(f"{path}: HTTP {response.status_code}")
        if len(times) == repeat:  # within budget: count queries in one more request per path
            counts = []
            for path in paths:
                with CaptureQueriesContext(connection) as captured:
                    client.get(path)
                counts.append(len(captured))
        else:
            extra["note"] = (
                extra.get("note", "") + f"; only {len(times)} requests (over the time budget)"
            ).lstrip("; ")
        times.sort()
        low, high = min(counts), max(counts)
        return {
            "median": statistics.median(times),
            "p95": nearest_rank(times, 0.95),
            "samples": len(times),
            "queries": str(high) if low == high else f"{low}-{high}",
            "kb": statistics.median(sizes) / 1024,
            "paths": paths,
            **extra,
        }

    rows: dict[str, dict] = {}

    def run(key: str, make) -> None:
        try:
            rows[key] = make()
        except Exception as exc:  # a broken page is reported, the others still run
            rows[key] = {"skipped": f"error: {type(exc).__name__}: {exc}"[:200]}

    # Link counts of public organizations, as their profile shows them (links out + links in).
    per_org: dict[int, int] = {}
    for subject, obj in Link.objects.public().values_list("subject_id", "object_id"):
        per_org[subject] = per_org.get(subject, 0) + 1
        if obj is not None and obj != subject:
            per_org[obj] = per_org.get(obj, 0) + 1
    public_orgs = dict(Organization.objects.public().values_list("pk", "name"))
    counts = sorted((n, pk) for pk, n in per_org.items() if pk in public_orgs)
    busiest_n, busiest_pk = max(counts, key=lambda c: (c[0], -c[1]))
    match = json.loads(args.match) if args.match else None
    target = match["links"] if match else busiest_n
    matched_n, matched_pk = min(counts, key=lambda c: (abs(c[0] - target), c[1]))
    all_counts = [n for n, _pk in counts]

    def org_row(pk: int, n: int, note: str) -> dict:
        org = Organization.objects.get(pk=pk)
        return timed([org.get_absolute_url()], note=f"{org.name} [{org.public_id}]: {n} {note}")

    run("baseline", lambda: timed(["/methodology/"]))
    run(
        "profile",
        lambda: org_row(
            busiest_pk,
            busiest_n,
            f"public links; median organization has {statistics.median(all_counts):.0f}",
        ),
    )
    run(
        "profile-matched",
        lambda: org_row(matched_pk, matched_n, f"public links (target {target})"),
    )
    run("directory", lambda: timed(["/org/"], note=f"{len(public_orgs)} public organizations"))

    def directory_rows(params_list: list[dict]) -> dict:
        from urllib.parse import urlencode

        matches = [OrganizationFilters.from_params(p).apply().count() for p in params_list]
        paths = [f"/org/?{urlencode(p)}" for p in params_list]
        return timed(
            paths,
            note=f"{len(paths)} queries in turn; matches per query {min(matches)}-{max(matches)}",
        )

    def count(params: dict) -> int:
        return OrganizationFilters.from_params(params).apply().count()

    search_params = [{"q": q} for q in SEARCHES]
    filter_params = list(FILTERS)
    run("search", lambda: directory_rows(search_params))
    run("search-filtered", lambda: directory_rows(filter_params))

    # Matched rows: at the large size, queries with as many matches as the demo size's, so that
    # both sizes render as many rows and only the data around them differs (as profile-matched).
    def closest(targets: list[int], candidates: list[dict], guess) -> list[dict]:
        """For each target, the candidate whose match count is nearest (each used once); the
        `guess` of a candidate's count orders them, so only the likeliest are counted."""
        chosen: list[dict] = []
        for target in targets:
            pool = sorted(
                (c for c in candidates if c not in chosen),
                key=lambda c: (abs(guess(c) - target), json.dumps(c, sort_keys=True)),
            )[:12]
            chosen.append(min(pool, key=lambda c: (abs(count(c) - target), pool.index(c))))
        return chosen

    def matched_search() -> list[dict]:
        if match is None:
            return search_params
        from collections import Counter

        from unmask.record.search import tokens

        freq: Counter = Counter()
        for text in Organization.objects.public().values_list("search_text", flat=True):
            freq.update({t for t in tokens(text) if len(t) >= 3 and t.isalpha()})
        candidates = [{"q": word} for word in freq]
        return closest(match["search"], candidates, lambda c: freq[c["q"]])

    def matched_filters() -> list[dict]:
        if match is None:
            return filter_params
        from unmask.record.models import LinkStatus, Relation

        countries = Organization.objects.public().exclude(country="").values_list("country")
        codes = sorted(set(countries.values_list("country", flat=True)))
        candidates = [
            {"country": country, "relation": relation, **({"status": status} if status else {})}
            for country in codes
            for relation in Relation.values
            for status in ("", *LinkStatus.values)  # with a status: as few matches as demo size
        ]
        counted = {json.dumps(c): count(c) for c in candidates}  # about 1,500: seconds
        return closest(match["filters"], candidates, lambda c: counted[json.dumps(c)])

    run("search-matched", lambda: directory_rows(matched_search()))
    run("filtered-matched", lambda: directory_rows(matched_filters()))

    def api_row(path: str) -> dict:
        response = client.get(path)
        if response.status_code == 404:
            return {"skipped": f"{path} answers 404 (API not there yet)"}
        body = response.json()
        items = body.get("results", body.get("items", [])) if isinstance(body, dict) else body
        return timed([path], note=f"{len(items)} items on the first page")

    run("api-orgs", lambda: api_row("/api/v1/organizations"))
    run("api-links", lambda: api_row("/api/v1/links"))

    def tree_row() -> dict:
        program = Product.objects.public().filter(kind="program").order_by("pk").first()
        tree = queries.supply_tree(program)
        nodes, links, stack = 0, 0, [tree]
        while stack:
            node = stack.pop()
            nodes += 1
            links += len(node.links)
            stack.extend(node.children)
        return timed(
            [program.get_absolute_url()],
            note=f"{program.name}: {nodes} products in the tree, {links} public links shown",
        )

    run("tree", tree_row)

    if args.profile:
        profile_row(client, rows.get(args.profile))

    result = {
        "repeat": repeat,
        "match": {
            "links": busiest_n,
            "search": [count(p) for p in search_params],
            "filters": [count(p) for p in filter_params],
        },
        "rows": rows,
    }
    Path(args.out).write_text(json.dumps(result))
    return 0


def profile_row(client, row: dict | None) -> None:
    """cProfile requests of the row's first page (five, or one if it is slow): where time goes."""
    import cProfile
    import io
    import pstats

    if not row or row.get("skipped"):
        print(f"--profile: no such row, or it was skipped; rows: {[r[0] for r in ROWS]}")
        return
    path = row["paths"][0]
    requests = 5 if row["median"] < 2000 else 1
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(f"\n--- cProfile, {requests} request(s) of {path}, by cumulative time")
    print(out.getvalue())


def main() -> int:
    args = parse_args()
    if args.worker == "generate":
        return main_generate(args)
    if args.worker == "measure":
        return main_measure(args)
    return main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
