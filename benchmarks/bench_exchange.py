"""Exchange at 10,000 organizations / 100,000 links: export time and size per format, CSV import
rows per second (dry run and apply), memory of large imports, and the static mirror.

Dataset: bench_public's large one (10,000 organizations / 100,000 sites / 100,000 links, seed 7,
`demo_data`'s bulk path), generated once and cached under var/bench/ with the same key and the
same directory name, so bench_public and bench_map reuse it (and this one reuses theirs).
--orgs/--sites/--links choose another size (cached the same way) while developing. --dataset DIR
uses an existing dataset directory instead (a private copy, migrated): for when the cache key
has changed and regenerating (minutes) is not wanted.

Each part runs in a process of its own (production settings, SQLite, local-memory cache), with a
baseline measured in that process for the "x base" column: serializing 1,000 public
organizations to JSON (a query and json.dumps, median of 20).
- export: for each format of unmask.exchange.formats.written(), `fmt.write(
  Selection.everything(), file)` into a file under var/bench/ (median of --repeat runs; a format
  whose first run takes over --slow seconds is run once, and the table says so): seconds, size,
  items; then `export_all` once (every format, SHA-256s and the manifest).
- import: a copy of the dataset's database (the cached one is never written), a CSV of
  --import-rows (default 1,000) new invented organizations ("Bench Org 000123 GmbH", the columns of
  unmask.exchange.formats.orgs_csv.rows: id,name,kind,country,description,other_names,identifiers; one other
  name each, an identifier every other row, countries and kinds in turn): `import_file(path,
  dry_run=True)` (after a 10-row warm-up dry run), then applied, then the same file applied
  again (every row matched, unchanged). Rows per second for each; the dry run must report what
  applying does.
- memory: dry runs of --memory-rows rows (default 1,000, 2,000, 4,000; each a fresh process,
  after a warm-up import of 10 rows): peak resident memory (ru_maxrss) over the process's level
  before the import. A size whose expected time (at the dry run's rows/s above) is over --budget
  seconds is skipped and said so. Without the large part, the time and memory of 1,000,000 rows
  are printed as an ESTIMATE, extrapolated linearly from the largest two sizes measured.
- large: the CSV import of --large-rows (default 1,000,000) new invented organizations into a
  fresh copy of the dataset: a dry run, then applied, each in a process of its own after a
  10-row warm-up, --large-repeat times (default 1; medians when more, each apply into a fresh
  copy): seconds, rows/s, x base (the baseline measured in the same process), and memory: peak
  resident memory of the process (ru_maxrss, not tracemalloc: it counts SQLite's page cache and
  everything else the process holds) and its growth over the level before the import. A run
  expected (at the import part's rows/s) to take over --large-budget seconds is skipped.
- reader: `CsvSource.rows()` over a generated file of --read-rows rows (default 1,000,000):
  rows per second and ru_maxrss growth; then its first 200,000 rows again under tracemalloc for
  the traced peak (tracemalloc slows it about 20x).
- busy: forms during an import of --busy-rows (default 200,000) on SQLite, against a baseline
  without one (benchmarks/busy_load.py).
- mirror: `unmask.exchange.mirror.build` (if the module is there) of the default demo record
  (80 organizations) in every language the site offers, in a fresh database: seconds, pages
  (and pages by language), files, bytes.

The issue gives no time targets: the times are figures. The checks (PASS/FAIL) are of the
claims the code makes: the dry run reports what applying does, a second import changes nothing,
the reader streams (traced peak under 16 MB over its first 200,000 rows), and a dry run's memory stays
bounded (the largest size's growth at most the smallest's + 64 MB; the bench's own threshold);
the large import's dry run reports what applying does, applying creates every row, and neither
grows by more than the smallest memory dry run's growth + 64 MB.
The exit code is 0 even on FAIL: this is a benchmark. --parts runs some parts only.

    python benchmarks/bench_exchange.py [--orgs N --sites N --links N] [--repeat N]
        [--import-rows N] [--memory-rows N,N,...] [--budget S] [--read-rows N] [--no-mirror]
        [--large-rows N] [--large-repeat N] [--large-budget S] [--parts P,P,...]
        [--busy-rows N] [--busy-clients N] [--busy-baseline S] [--regenerate] [--dataset DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_public  # noqa: E402 - the datasets, their cache, the child processes' environment
import busy_load  # noqa: E402 - the "busy" part

BASELINE_ORGS = 1000
READER_PEAK_MB = 16
TRACED_ROWS = 200_000  # tracemalloc slows the reader about 20x: the traced pass reads these
MEMORY_SLACK_MB = 64
COUNTRIES = ("DE", "FR", "GB", "SE", "IT", "ES", "PL", "NL", "TR", "US", "CA", "JP", "KR", "IL")
KINDS = ("company", "company", "company", "institute", "financial", "public_body", "other")
SUFFIXES = ("GmbH", "Ltd", "S.A.", "AB", "S.p.A.", "S.L.", "Sp. z o.o.", "B.V.", "A.S.", "Inc.")
COLUMNS = ("id", "name", "kind", "country", "description", "other_names", "identifiers")
PARTS = ("export", "import", "memory", "large", "read", "mirror", "busy")
LARGE_START = 2_000_000  # numbers of the large import's organizations: none in the record


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    large = bench_public.LARGE_SIZE
    parser.add_argument("--orgs", type=int, default=large[0], help="dataset organizations")
    parser.add_argument("--sites", type=int, default=large[1], help="dataset sites")
    parser.add_argument("--links", type=int, default=large[2], help="dataset links")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per export format")
    parser.add_argument("--slow", type=float, default=30, help="seconds: run a format once")
    parser.add_argument("--import-rows", type=int, default=1000, help="rows of the import file")
    parser.add_argument(
        "--memory-rows", default="1000,2000,4000", help="dry-run sizes, comma separated"
    )
    parser.add_argument(
        "--budget", type=float, default=600, help="seconds: skip a dry run expected to be longer"
    )
    parser.add_argument("--read-rows", type=int, default=1_000_000, help="rows for the reader")
    parser.add_argument(
        "--large-rows", type=int, default=1_000_000, help="rows of the large import (0: skip)"
    )
    parser.add_argument("--large-repeat", type=int, default=1, help="runs of the large import")
    parser.add_argument(
        "--large-budget",
        type=float,
        default=3600,
        help="seconds: skip a large import run expected to be longer",
    )
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"parts to run, of {','.join(PARTS)}"
    )
    parser.add_argument("--no-mirror", action="store_true", help="skip the mirror")
    parser.add_argument("--busy-rows", type=int, default=200_000, help="rows of the busy import")
    parser.add_argument("--busy-clients", type=int, default=32, help="clients sending forms")
    parser.add_argument(
        "--busy-baseline", type=float, default=20, help="seconds of forms without an import"
    )
    parser.add_argument("--regenerate", action="store_true", help="ignore the cached dataset")
    parser.add_argument(
        "--dataset",
        metavar="DIR",
        help="use this dataset directory (a copy of it, migrated) instead of the cache's",
    )
    parser.add_argument(
        "--worker",
        choices=("export", "import", "memory", "large", "read", "mirror", "migrate"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--dry", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    return args


def write_csv(path: Path, rows: int, start: int = 0) -> int:
    """`rows` new invented organizations, numbered from `start`; returns the file's size."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(start, start + rows):
            country = COUNTRIES[i % len(COUNTRIES)]
            writer.writerow(
                (
                    "",
                    f"Bench Org {i:06d} {SUFFIXES[i % len(SUFFIXES)]}",
                    KINDS[i % len(KINDS)],
                    country,
                    f"Invented for the benchmark: maker of parts, number {i}.",
                    f"BO {i:06d}",
                    f"registry:HRB {i:07d}" if i % 2 == 0 else "",
                )
            )
    return path.stat().st_size


def maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# --- children -------------------------------------------------------------------------------------


def setup_django() -> None:
    import django

    django.setup()


def baseline_ms() -> float:
    """Serializing 1,000 public organizations to JSON: a query and json.dumps."""
    from unmask.record.models import Organization

    def once() -> float:
        start = time.perf_counter()
        rows = list(
            Organization.objects.public()
            .order_by("pk")
            .values("public_id", "name", "kind", "country", "description")[:BASELINE_ORGS]
        )
        json.dumps(rows, default=str)
        counted.append(len(rows))
        return (time.perf_counter() - start) * 1000

    counted: list[int] = []
    once()
    return statistics.median(once() for _ in range(20)), counted[0]


def main_export(args) -> int:
    setup_django()
    from unmask.exchange import publish
    from unmask.exchange.formats import written
    from unmask.exchange.selection import Selection
    from unmask.runtime import settle

    settle()
    base, base_rows = baseline_ms()
    where = Path(tempfile.mkdtemp(prefix=".exchange-export-", dir=bench_public.BENCH_DIR))
    formats = []
    try:
        for fmt in written():
            path = where / publish.file_name(fmt)
            times, items = [], None
            for _run in range(args.repeat):
                start = time.perf_counter()
                with path.open("wb") as handle:
                    items = fmt.write(Selection.everything(), handle)
                times.append(time.perf_counter() - start)
                if times[0] > args.slow:
                    break
            formats.append(
                {
                    "key": fmt.key,
                    "name": path.name,
                    "median": statistics.median(times),
                    "runs": len(times),
                    "bytes": path.stat().st_size,
                    "items": items,
                }
            )
            path.unlink()
            print(f"    {fmt.key}: {formats[-1]['median']:.1f} s", flush=True)
        start = time.perf_counter()
        manifest = publish.export_all(where / "all")
        total = time.perf_counter() - start
    finally:
        shutil.rmtree(where, ignore_errors=True)
    out = {
        "baseline_ms": base,
        "baseline_rows": base_rows,
        "formats": formats,
        "all_s": total,
        "all_bytes": sum(f["size"] for f in manifest["files"]),
        "all_files": [(f["format"], f["seconds"]) for f in manifest["files"]],
    }
    Path(args.out).write_text(json.dumps(out))
    return 0


def outcome_dict(outcome, seconds: float) -> dict:
    return {
        "seconds": seconds,
        "rows": outcome.rows,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "problems": outcome.problem_count,
        "first_problems": [str(p) for p in outcome.problems[:3]],
        "ambiguous": outcome.ambiguous_count,
    }


def warm_up(file: str, start: int) -> None:
    """A 10-row dry run (imports, caches, the first queries), then let the process settle."""
    from unmask.exchange.formats.orgs_csv import read as orgs_csv
    from unmask.runtime import settle

    warm = Path(file).with_suffix(".warm.csv")
    write_csv(warm, 10, start=start)
    orgs_csv.import_file(warm, dry_run=True)
    warm.unlink()
    settle()


def main_import(args) -> int:
    setup_django()
    from unmask.exchange.formats.orgs_csv import read as orgs_csv
    from unmask.record.models import Organization

    warm_up(args.file, 8_000_000)
    base, base_rows = baseline_ms()
    path = Path(args.file)
    before = Organization.objects.count()
    runs = {}
    for key, dry in (("dry", True), ("apply", False), ("again", False)):
        start = time.perf_counter()
        outcome = orgs_csv.import_file(path, dry_run=dry)
        runs[key] = outcome_dict(outcome, time.perf_counter() - start)
        print(f"    {key}: {runs[key]['seconds']:.1f} s", flush=True)
    out = {
        "baseline_ms": base,
        "baseline_rows": base_rows,
        "orgs_before": before,
        "orgs_after": Organization.objects.count(),
        "runs": runs,
    }
    Path(args.out).write_text(json.dumps(out))
    return 0


def main_memory(args) -> int:
    import gc

    setup_django()
    from unmask.exchange.formats.orgs_csv import read as orgs_csv

    warm_up(args.file, 9_000_000)
    gc.collect()
    before = maxrss_mb()
    start = time.perf_counter()
    outcome = orgs_csv.import_file(Path(args.file), dry_run=True)
    seconds = time.perf_counter() - start
    out = {**outcome_dict(outcome, seconds), "rss_before_mb": before, "rss_peak_mb": maxrss_mb()}
    Path(args.out).write_text(json.dumps(out))
    return 0


def main_large(args) -> int:
    """One large import (a dry run with --dry), its time, the baseline and peak memory."""
    import gc

    setup_django()
    from unmask.exchange.formats.orgs_csv import read as orgs_csv
    from unmask.record.models import Organization

    warm_up(args.file, 9_500_000)
    base, base_rows = baseline_ms()
    gc.collect()
    before = maxrss_mb()
    orgs_before = Organization.objects.count()
    start, cpu = time.perf_counter(), time.process_time()
    outcome = orgs_csv.import_file(Path(args.file), dry_run=args.dry)
    seconds = time.perf_counter() - start
    out = {
        **outcome_dict(outcome, seconds),
        "cpu_seconds": time.process_time() - cpu,
        "baseline_ms": base,
        "baseline_rows": base_rows,
        "rss_before_mb": before,
        "rss_peak_mb": maxrss_mb(),
        "orgs_before": orgs_before,
        "orgs_after": Organization.objects.count(),
    }
    Path(args.out).write_text(json.dumps(out))
    return 0


def main_read(args) -> int:
    import itertools
    import tracemalloc

    from unmask.exchange.formats.csvfile import CsvSource

    path = Path(args.file)
    before = maxrss_mb()
    start = time.perf_counter()
    rows = sum(1 for _row in CsvSource(path).rows())
    seconds = time.perf_counter() - start
    peak = maxrss_mb()
    tracemalloc.start()
    start = time.perf_counter()
    traced_rows = sum(1 for _row in itertools.islice(CsvSource(path).rows(), TRACED_ROWS))
    traced_seconds = time.perf_counter() - start
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out = {
        "rows": rows,
        "seconds": seconds,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "traced_rows": traced_rows,
        "traced_seconds": traced_seconds,
        "traced_peak_mb": traced_peak / 2**20,
    }
    Path(args.out).write_text(json.dumps(out))
    return 0


def main_migrate(args) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    Path(args.out).write_text("{}")
    return 0


def main_mirror(args) -> int:
    setup_django()
    from django.core.management import call_command

    out: dict = {}
    try:
        from unmask.exchange import mirror
    except ImportError as exc:
        out["missing"] = f"not available ({exc})"
        Path(args.out).write_text(json.dumps(out))
        return 0
    if not callable(getattr(mirror, "build", None)):
        out["missing"] = "not available (unmask.exchange.mirror has no build())"
        Path(args.out).write_text(json.dumps(out))
        return 0
    from unmask.demo import record as demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    counts = demo.load_demo()
    call_command("collectstatic", interactive=False, verbosity=0)
    out["setup_s"] = time.perf_counter() - started
    out["orgs"] = counts.get("organizations", counts.get("orgs"))
    target = Path(args.file)
    start = time.perf_counter()
    try:
        report = mirror.build(target)
    except Exception as exc:  # a broken mirror is reported, not a crash of the benchmark
        out["error"] = f"{type(exc).__name__}: {exc}"[:300]
        Path(args.out).write_text(json.dumps(out))
        return 0
    out["seconds"] = time.perf_counter() - start
    files = [p for p in target.rglob("*") if p.is_file()]
    pagefind = target / "pagefind"
    out.update(
        pages=getattr(report, "pages", None),
        languages=getattr(report, "languages", {}),  # pages by language (all the site offers)
        files=len(files),
        bytes=sum(p.stat().st_size for p in files),
        pagefind_bytes=sum(p.stat().st_size for p in pagefind.rglob("*") if p.is_file()),
        search=getattr(report, "search", ""),
        capped=getattr(report, "capped", False),
        broken=len(getattr(report, "broken", [])),
        not_found=len(getattr(report, "not_found", [])),
        errors=len(getattr(report, "errors", [])),
    )
    Path(args.out).write_text(json.dumps(out))
    return 0


# --- the parent -----------------------------------------------------------------------------------


def child(
    worker: str, directory: Path, args, file: Path | None = None, extra: tuple = ()
) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    command = [sys.executable, __file__, "--worker", worker, "--out", str(out_path)]
    command += ["--repeat", str(args.repeat), "--slow", str(args.slow), *extra]
    if file is not None:
        command += ["--file", str(file)]
    try:
        result = subprocess.run(command, env=bench_public.child_env(directory), check=False)
        if result.returncode != 0:
            print(f"  {worker}: measuring failed (exit {result.returncode})")
            return None
        return json.loads(out_path.read_text())
    finally:
        out_path.unlink(missing_ok=True)


def copy_database(source: Path) -> Path:
    """A private copy of a cached dataset (database and secret key) to write into."""
    copy = Path(tempfile.mkdtemp(prefix=".exchange-db-", dir=bench_public.BENCH_DIR))
    for name in ("unmask.sqlite3", "secret_key"):
        if (source / name).exists():
            shutil.copy2(source / name, copy / name)
    return copy


def mb(n: float) -> str:
    return f"{n / 2**20:,.1f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_export(data: dict, args) -> None:
    base = data["baseline_ms"] / 1000
    print(f"\n== export: Selection.everything(), median of up to {args.repeat} runs per format")
    header = f"   {'file':<38} {'seconds':>8} {'runs':>4} {'MB':>8} {'items':>9} {'x base':>8}"
    print(header)
    print("   " + "-" * (len(header) - 3))
    label = f"baseline: {data['baseline_rows']:,} orgs to JSON"
    print(f"   {label:<38} {base:>8.4f} {20:>4} {'':>8} {data['baseline_rows']:>9,} {1:>8.0f}")
    for f in data["formats"]:
        note = " (one run: slow)" if f["runs"] < args.repeat else ""
        print(
            f"   {f['name']:<38} {f['median']:>8.2f} {f['runs']:>4} {mb(f['bytes']):>8}"
            f" {f['items']:>9,} {f['median'] / base:>8,.0f}{note}"
        )
    print(
        f"   {'export_all (every format + manifest)':<38} {data['all_s']:>8.2f} {1:>4}"
        f" {mb(data['all_bytes']):>8} {'':>9} {data['all_s'] / base:>8,.0f}"
    )
    print(
        "   export_all per file (s): "
        + ", ".join(f"{key} {seconds:.1f}" for key, seconds in data["all_files"])
    )
    print("   items: FtM entities, CSV rows (all tables), GeoJSON features, GraphML edges")


def print_import(data: dict, rows: int, size: int) -> list[tuple[str, bool]]:
    base = data["baseline_ms"] / 1000
    print(
        f"\n== CSV import: {rows:,} new invented organizations ({mb(size)} MB), into a copy of"
        f" the dataset ({data['orgs_before']:,} organizations in all, drafts included)"
    )
    header = (
        f"   {'run':<38} {'seconds':>8} {'rows/s':>8} {'ms/row':>7} {'x base':>8}"
        f"  {'created':>7} {'updated':>7} {'unchanged':>9} {'problems':>8}"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    label = f"baseline: {data['baseline_rows']:,} orgs to JSON"
    print(f"   {label:<38} {base:>8.4f} {'':>8} {'':>7} {1:>8.0f}")
    labels = {
        "dry": "dry run (all rolled back)",
        "apply": "apply",
        "again": "same file again (all unchanged)",
    }
    runs = data["runs"]
    for key, label in labels.items():
        r = runs[key]
        print(
            f"   {label:<38} {r['seconds']:>8.2f} {r['rows'] / r['seconds']:>8,.0f}"
            f" {r['seconds'] * 1000 / max(r['rows'], 1):>7.2f} {r['seconds'] / base:>8,.0f}"
            f"  {r['created']:>7,} {r['updated']:>7,} {r['unchanged']:>9,} {r['problems']:>8,}"
        )
        for problem in r["first_problems"]:
            print(f"      {problem}")
    added = data["orgs_after"] - data["orgs_before"]
    print(f"   organizations after: {data['orgs_after']:,} (+{added:,})")
    dry, apply, again = runs["dry"], runs["apply"], runs["again"]
    return [
        (
            "the dry run reports what applying does",
            (dry["created"], dry["updated"], dry["unchanged"], dry["problems"])
            == (apply["created"], apply["updated"], apply["unchanged"], apply["problems"]),
        ),
        ("applying creates every row", apply["created"] == rows and apply["problems"] == 0),
        ("a second import changes nothing", again["unchanged"] == rows and again["created"] == 0),
    ]


def print_memory(results: list[tuple[int, dict]], estimate: bool) -> list[tuple[str, bool]]:
    print(
        "\n== memory of a dry-run import (a fresh process per size, into the copy; peak"
        " ru_maxrss over the level after a 10-row warm-up)"
    )
    header = f"   {'rows':>10} {'seconds':>8} {'rows/s':>8} {'RSS before MB':>14} {'growth MB':>10}"
    print(header)
    print("   " + "-" * (len(header) - 3))
    for rows, r in results:
        growth = r["rss_peak_mb"] - r["rss_before_mb"]
        print(
            f"   {rows:>10,} {r['seconds']:>8.1f} {r['rows'] / r['seconds']:>8,.0f}"
            f" {r['rss_before_mb']:>14.0f} {growth:>10.1f}"
            + (f"  ({r['problems']} problems)" if r["problems"] else "")
        )
    checks = []
    if len(results) >= 2:
        (n1, r1), (n2, r2) = results[-2], results[-1]
        g1 = r1["rss_peak_mb"] - r1["rss_before_mb"]
        g2 = r2["rss_peak_mb"] - r2["rss_before_mb"]
        small = results[0][1]["rss_peak_mb"] - results[0][1]["rss_before_mb"]
        checks.append(
            (
                f"dry-run memory bounded: growth at {n2:,} rows <= at {results[0][0]:,} + "
                f"{MEMORY_SLACK_MB} MB",
                g2 <= small + MEMORY_SLACK_MB,
            )
        )
        if estimate and n2 < 1_000_000:
            slope = max(0.0, (g2 - g1) / (n2 - n1))  # MB per row between the two largest
            million_mb = g2 + slope * (1_000_000 - n2)
            rate = r2["rows"] / r2["seconds"]
            print(
                f"   ESTIMATE, not measured: 1,000,000 rows would take about"
                f" {1_000_000 / rate / 60:,.0f} min at {rate:,.0f} rows/s, and grow about"
                f" {million_mb:,.0f} MB (linear from the two largest sizes:"
                f" {slope * 1000:.2f} MB per 1,000 rows)"
            )
    return checks


def print_large(
    runs: dict[str, list[dict]], rows: int, size: int, small_growth: float | None
) -> list[tuple[str, bool]]:
    print(
        f"\n== large CSV import: {rows:,} new invented organizations ({mb(size)} MB), into a"
        " fresh copy of the dataset, a process per run (medians; memory: peak ru_maxrss of the"
        " process, and its growth over the level before the import)"
    )
    header = (
        f"   {'run':<26} {'runs':>4} {'seconds':>8} {'cpu s':>7} {'rows/s':>7} {'x base':>8}"
        f" {'base ms':>8}"
        f"  {'created':>9} {'problems':>8} {'peak MB':>8} {'growth MB':>9}"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    medians = {}
    for key, label in (("dry", "dry run (all rolled back)"), ("apply", "apply")):
        done = runs.get(key) or []
        if not done:
            print(f"   {label:<26} not measured")
            continue
        m = {
            name: statistics.median(r[name] for r in done)
            for name in (
                "seconds",
                "cpu_seconds",
                "baseline_ms",
                "rss_peak_mb",
                "created",
                "problems",
            )
        }
        m["growth"] = statistics.median(r["rss_peak_mb"] - r["rss_before_mb"] for r in done)
        medians[key] = m
        print(
            f"   {label:<26} {len(done):>4} {m['seconds']:>8.1f} {m['cpu_seconds']:>7.0f}"
            f" {rows / m['seconds']:>7,.0f}"
            f" {m['seconds'] * 1000 / m['baseline_ms']:>8,.0f} {m['baseline_ms']:>8.2f}"
            f"  {m['created']:>9,.0f} {m['problems']:>8,.0f} {m['rss_peak_mb']:>8.0f}"
            f" {m['growth']:>9.1f}"
        )
        for problem in done[0]["first_problems"]:
            print(f"      {problem}")
    print(
        f"   baseline: {BASELINE_ORGS:,} public organizations to JSON, median of 20, in each"
        " run's process; x base = the import's seconds over it; cpu s = the process's CPU"
        " time during the import (the wall time's share when other work shares the CPUs)"
    )
    checks = []
    if "dry" in medians and "apply" in medians:
        dry, apply = runs["dry"][0], runs["apply"][0]
        checks.append(
            (
                "large import: the dry run reports what applying does",
                (dry["created"], dry["updated"], dry["unchanged"], dry["problems"])
                == (apply["created"], apply["updated"], apply["unchanged"], apply["problems"]),
            )
        )
    if "apply" in medians:
        checks.append(
            (
                "large import: applying creates every row",
                medians["apply"]["created"] == rows and medians["apply"]["problems"] == 0,
            )
        )
    if small_growth is not None:
        for key, m in medians.items():
            checks.append(
                (
                    f"large import ({key}): memory bounded, growth at {rows:,} rows <= the"
                    f" smallest dry run's + {MEMORY_SLACK_MB} MB",
                    m["growth"] <= small_growth + MEMORY_SLACK_MB,
                )
            )
    return checks


def print_read(data: dict, size: int) -> list[tuple[str, bool]]:
    print(f"\n== reader: CsvSource.rows() over {data['rows']:,} rows ({mb(size)} MB), no database")
    growth = data["rss_peak_mb"] - data["rss_before_mb"]
    print(
        f"   {data['seconds']:.1f} s, {data['rows'] / data['seconds']:,.0f} rows/s; ru_maxrss"
        f" {data['rss_before_mb']:.0f} MB before, growth {growth:.1f} MB"
    )
    print(
        f"   under tracemalloc, the first {data['traced_rows']:,} rows: {data['traced_seconds']:.1f}"
        f" s, traced peak {data['traced_peak_mb']:.2f} MB"
    )
    return [
        (
            f"the reader streams: traced peak under {READER_PEAK_MB} MB",
            data["traced_peak_mb"] < READER_PEAK_MB,
        )
    ]


def print_mirror(data: dict | None) -> None:
    print(
        "\n== mirror: unmask.exchange.mirror.build, default demo record, every language, fresh"
        " database"
    )
    if data is None:
        print("   mirror: not measured (the measuring process failed)")
        return
    if "missing" in data:
        print(f"   mirror: not measured ({data['missing']})")
        return
    if "error" in data:
        print(f"   mirror: failed: {data['error']}")
        return
    print(
        f"   {data['orgs']} organizations; build {data['seconds']:.1f} s ({data['pages']:,} pages,"
        f" {data['files']:,} files, {mb(data['bytes'])} MB, of which pagefind"
        f" {mb(data['pagefind_bytes'])} MB); search: {data['search']}"
    )
    if data.get("languages"):
        by_language = ", ".join(f"{code} {n:,}" for code, n in data["languages"].items())
        print(f"   pages by language ({len(data['languages'])}): {by_language}")
    print(
        f"   capped: {data['capped']}, broken links: {data['broken']}, not found: "
        f"{data['not_found']}, errors: {data['errors']} (setup: migrate + demo + collectstatic"
        f" {data['setup_s']:.1f} s, not counted)"
    )


def measure_large(directory: Path, scratch: Path, args, rate, small) -> list[tuple[str, bool]]:
    """The large import: dry runs into one fresh copy, each apply into a fresh copy of its own."""
    rows = args.large_rows
    if rate and rows / rate > args.large_budget:
        print(
            f"\n   large import of {rows:,} rows: not measured (about {rows / rate / 60:,.0f} min"
            f" at the import part's {rate:,.0f} rows/s, over --large-budget"
            f" {args.large_budget:.0f} s)"
        )
        return []
    path = scratch / "large.csv"
    print(f"\n  large import: writing {rows:,} rows ...", flush=True)
    size = write_csv(path, rows, start=LARGE_START)
    runs: dict[str, list[dict]] = {"dry": [], "apply": []}
    dry_copy = copy_database(directory)
    try:
        for run in range(args.large_repeat):
            print(f"  large import: dry run {run + 1} ...", flush=True)
            data = child("large", dry_copy, args, path, extra=("--dry",))
            if data is not None:
                runs["dry"].append(data)
                print(f"    {data['seconds']:.0f} s", flush=True)
    finally:
        shutil.rmtree(dry_copy, ignore_errors=True)
    for run in range(args.large_repeat):
        apply_copy = copy_database(directory)
        try:
            print(f"  large import: apply {run + 1} ...", flush=True)
            data = child("large", apply_copy, args, path)
            if data is not None:
                runs["apply"].append(data)
                print(f"    {data['seconds']:.0f} s", flush=True)
        finally:
            shutil.rmtree(apply_copy, ignore_errors=True)
    path.unlink()
    smallest = small[0][1] if small else None
    growth = smallest["rss_peak_mb"] - smallest["rss_before_mb"] if smallest else None
    return print_large(runs, rows, size, growth)


def main() -> int:
    args = parse_args()
    workers = {
        "export": main_export,
        "import": main_import,
        "memory": main_memory,
        "large": main_large,
        "read": main_read,
        "mirror": main_mirror,
        "migrate": main_migrate,
    }
    if args.worker:
        return workers[args.worker](args)
    sizes = (args.orgs, args.sites, args.links)
    memory_rows = [int(n) for n in args.memory_rows.split(",") if n.strip()]
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if unknown := parts - set(PARTS):
        raise SystemExit(f"--parts: no part {', '.join(sorted(unknown))} (of {', '.join(PARTS)})")
    if args.no_mirror:
        parts.discard("mirror")
    if not args.large_rows:
        parts.discard("large")
    if "busy" in parts:  # its own fresh database: no dataset needed
        busy_load.run(args.busy_rows, args.busy_clients, args.busy_baseline, bench_public.BENCH_DIR)
        parts.discard("busy")
        if not parts:
            return 0
    print("dataset:", flush=True)
    own = None  # a private, migrated copy of --dataset
    if args.dataset:
        source = Path(args.dataset).resolve()
        meta = json.loads((source / "dataset.json").read_text())
        sizes = tuple(meta["sizes"])
        own = directory = copy_database(source)
        if child("migrate", directory, args) is None:
            shutil.rmtree(directory, ignore_errors=True)
            return 0
        how = (
            f"a migrated copy of {source.relative_to(ROOT)} (generated {meta['generated_at']},"
            f" cache key {meta['key']}; the current key is"
            f" {bench_public.cache_key(sizes, args.seed)[0]})"
        )
    else:
        directory, how = bench_public.ensure_dataset("exchange", sizes, args)
    print(
        f"\n== exchange: {sizes[0]:,} organizations, {sizes[1]:,} sites, {sizes[2]:,} links,"
        f" seed {args.seed}\n   dataset: {how}",
        flush=True,
    )
    checks: list[tuple[str, bool]] = []
    scratch = Path(tempfile.mkdtemp(prefix=".exchange-", dir=bench_public.BENCH_DIR))
    copy = None
    try:
        if "export" in parts:
            print("  export ...", flush=True)
            data = child("export", directory, args)
            if data is not None:
                print_export(data, args)

        copy = copy_database(directory)
        rate = None
        if "import" in parts:
            path = scratch / "import.csv"
            size = write_csv(path, args.import_rows)
            print(f"\n  import of {args.import_rows:,} rows ...", flush=True)
            data = child("import", copy, args, path)
            if data is not None:
                checks += print_import(data, args.import_rows, size)
                rate = data["runs"]["dry"]["rows"] / data["runs"]["dry"]["seconds"]

        results, skipped = [], []
        for rows in memory_rows if "memory" in parts else ():
            if rate and rows / rate > args.budget:
                skipped.append((rows, rows / rate))
                continue
            path = scratch / f"memory-{rows}.csv"
            write_csv(path, rows, start=1_000_000)  # none of them in the record
            print(f"  memory: dry run of {rows:,} rows ...", flush=True)
            data = child("memory", copy, args, path)
            path.unlink()
            if data is not None:
                results.append((rows, data))
        if results:
            checks += print_memory(results, estimate="large" not in parts)
        for rows, seconds in skipped:
            print(
                f"   {rows:,} rows: not measured (about {seconds / 60:,.0f} min at the dry run's"
                f" {rate:,.1f} rows/s, over --budget {args.budget:.0f} s)"
            )

        if "large" in parts:
            checks += measure_large(directory, scratch, args, rate, results)

        if "read" in parts:
            path = scratch / "read.csv"
            print(f"\n  reader: writing {args.read_rows:,} rows ...", flush=True)
            size = write_csv(path, args.read_rows)
            data = child("read", copy, args, path)
            path.unlink()
            if data is not None:
                checks += print_read(data, size)

        if "mirror" not in parts:
            print("\n   mirror: not measured (--no-mirror or --parts)")
        else:
            fresh = scratch / "mirror-db"
            fresh.mkdir()
            print_mirror(child("mirror", fresh, args, scratch / "mirror"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        for private in (copy, own):
            if private is not None:
                shutil.rmtree(private, ignore_errors=True)
    print()
    for name, ok in checks:
        print(f"   {verdict(ok)} {name}")
    fails = [name for name, ok in checks if not ok]
    print(
        f"\n   {len(fails)} of {len(checks)} checks FAIL"
        if fails
        else f"\n   all {len(checks)} checks PASS"
    )
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
