"""Screening a list through the web (issue 18): POST /api/v1/match and the /screen/ page, against
a record of 100,000 public organizations.

The record: the public labelled set's 2,994 organizations (../shared/data/screening/public/
record.csv: names, countries, other names, identifiers) padded to 100,000 with invented ones by
bench_screening.padded(), stored as the app stores them: through the record's bulk writer
(record/bulk.py: validation, history rows, a citation of one registry source each, published,
visibility flags, search text, the record's version), in a migrated SQLite database cached
under var/bench/screen-<N>/ (git-ignored), keyed by the migrations, the dependency lock, the
labelled set, padded() and this generator; a changed key regenerates (--regenerate forces it).
Skipped (exit 0) where the labelled set is missing.

Measured in a process of its own with Django's test client (no network, no server), the
index built first by one request (its build time printed alone, measured again):

- API: --batches POSTs of 10 queries each, drawn (seeded) from queries.csv: median and p95
  latency; target p95 < 100 ms for a batch of 10. Baseline in the same process: the same
  batches through the matcher alone (the index's match(), limit 5 as the API asks), so the
  ratio API / matcher is what the HTTP layer, validation and JSON add.
- Page: a 10,000-row CSV list (name,country,identifier; rows cycled from queries.csv) posted
  to /screen/ with action=show (the streamed results page) and action=csv (the streamed CSV),
  the content read a chunk at a time as a browser would: time to the first chunk (the top of
  the page with its progress bar), total time (median of --runs), rows a second; target under
  30 s. Baseline: the same rows through the matcher alone (exchange.screen.screen()). The page
  is checked: the progress bar in its first chunk, one `<tr class="verdict-` per row, and the
  summary counting every row.
- Memory, with tracemalloc (the Python allocations made during one request: the test
  client's encoding of the post, the upload, the form's rows, the streamed chunks read and
  dropped), for a 1,000-row and a 10,000-row list: "held", the most alive as a chunk arrives
  (what the request keeps), and "peak", the highest at any moment (one row's matching
  allocates and frees a few MB against 100,000 organizations); beside the size of the whole
  answer and a baseline in the same process: the list alone (its bytes and its rows as
  exchange.screen.read_list gives them, which the form must hold). Bounded: what is held
  beyond the list grows with the list's copies (upload, form, test client), not with the
  answer. The resident set is not measured: after the timed runs the process reuses memory it
  already holds, and its peak does not move. The target gives no figure for memory.

--quick (or BENCH_QUICK=1; `make bench BENCH_QUICK=1`): 20,000 organizations, 60 batches, a
2,000-row list and one run; every figure then says it is not the target's size.

    python benchmarks/bench_screen_web.py [--quick] [--orgs N] [--batches N] [--rows N]
        [--runs N] [--regenerate] [--profile]

--profile prints a cProfile of one page request and of one API batch (also printed by itself
when a target fails).
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import hashlib
import inspect
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import bench_screening  # noqa: E402 - the labelled set and padded()
from bench_public import BENCH_DIR, SRC, child_env, nearest_rank  # noqa: E402

SET = bench_screening.SET / "public"
FULL = {"orgs": 100_000, "batches": 300, "rows": 10_000, "small_rows": 1_000, "runs": 3}
QUICK = {"orgs": 20_000, "batches": 60, "rows": 2_000, "small_rows": 200, "runs": 1}
TARGET_API_P95_MS = 100.0  # for a batch of 10
TARGET_PAGE_S = 30.0  # for a 10,000-row file
TARGET_ROWS = 10_000
TARGET_ORGS = 100_000
BATCH = 10
CHUNK_ORGS = 10_000  # organizations per bulk writer (one transaction each)
MARK = "bench_screen_web"
SCHEMES = {"lei": "lei", "reg": "registry", "tax": "vat"}  # record.csv's prefixes -> the app's


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (or BENCH_QUICK=1)")
    parser.add_argument("--orgs", type=int, help="organizations (100,000; quick 20,000)")
    parser.add_argument("--batches", type=int, help="API batches of 10 (300; quick 60)")
    parser.add_argument("--rows", type=int, help="rows of the list (10,000; quick 2,000)")
    parser.add_argument("--runs", type=int, help="timed page requests (3; quick 1)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--regenerate", action="store_true", help="ignore the cached dataset")
    parser.add_argument("--profile", action="store_true", help="cProfile a page and a batch")
    parser.add_argument("--worker", choices=("generate", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    args.quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    sizes = QUICK if args.quick else FULL
    for name in ("orgs", "batches", "rows", "runs"):
        if getattr(args, name) is None:
            setattr(args, name, sizes[name])
    args.small_rows = max(1, min(sizes["small_rows"], args.rows // 10))
    return args


# --- the dataset: the parent's cache, the child's generator ---------------------------------------


def cache_key(orgs: int, seed: int) -> str:
    """A hash of what determines the database: sizes, migrations, lock, set and generator."""
    digest = hashlib.sha256(json.dumps({"orgs": orgs, "seed": seed}).encode())
    files = [
        *sorted(SRC.glob("*/migrations/*.py")),
        ROOT / "requirements" / "dev.lock",
        SET / "record.csv",
    ]
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(ROOT.parent)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for function in (bench_screening.padded, generate):
        digest.update(inspect.getsource(function).encode())
    return digest.hexdigest()[:16]


def ensure_dataset(args) -> tuple[Path, str]:
    key = cache_key(args.orgs, args.seed)
    directory = BENCH_DIR / f"screen-{args.orgs}o-seed{args.seed}"
    meta_path = directory / "dataset.json"

    def cached() -> dict | None:
        if args.regenerate or not meta_path.exists():
            return None
        if not (directory / "unmask.sqlite3").exists():
            return None
        meta = json.loads(meta_path.read_text())
        return meta if meta.get("key") == key else None

    if meta := cached():
        return directory, (
            f"cached in {directory.relative_to(ROOT)} (generated {meta['generated_at']}"
            f" in {meta['seconds']:.0f} s)"
        )
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with (BENCH_DIR / f".{directory.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time
        if not args.regenerate and (meta := cached()):
            return directory, f"cached in {directory.relative_to(ROOT)} (built meanwhile)"
        print(f"  generating {args.orgs:,} public organizations ...", flush=True)
        for leftover in BENCH_DIR.glob(f".{directory.name}-*"):  # an interrupted generation
            shutil.rmtree(leftover, ignore_errors=True)
        building = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=BENCH_DIR))
        started = time.perf_counter()
        command = [sys.executable, __file__, "--worker", "generate"]
        command += ["--orgs", str(args.orgs), "--seed", str(args.seed)]
        result = subprocess.run(command, env=child_env(building), check=False)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            raise SystemExit(f"generating the dataset failed (exit {result.returncode})")
        meta = {
            "key": key,
            "orgs": args.orgs,
            "seed": args.seed,
            "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": seconds,
        }
        (building / "dataset.json").write_text(json.dumps(meta, indent=1))
        shutil.rmtree(directory, ignore_errors=True)
        building.rename(directory)
    return directory, (
        f"generated in {seconds:.1f} s (migrate + bulk writer), cached in"
        f" {directory.relative_to(ROOT)}"
    )


def main_generate(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    record = bench_screening.read(SET / "record.csv")
    rows = bench_screening.padded(record, args.orgs, seed=args.seed)
    figures = generate(rows)
    print(
        f"  stored {figures['orgs']:,} public organizations, {figures['names']:,} other names,"
        f" {figures['identifiers']:,} identifiers in {time.perf_counter() - started:.1f} s"
        f" (refused by validation: {figures['refused']})",
        flush=True,
    )
    return 0 if figures["orgs"] == len(rows) else 1


def generate(rows: list[dict]) -> dict:
    """The rows stored as the app stores them (record/bulk.py, as the demo's bulk path does):
    each organization with its other names and identifiers, cited to one registry source,
    then published; a writer (one transaction) per CHUNK_ORGS organizations."""
    from unmask.record import bulk
    from unmask.record.models import (
        Citation,
        Identifier,
        NameKind,
        Organization,
        OrganizationKind,
        OrganizationName,
        Source,
        SourceKind,
    )

    def split(value: str) -> list[str]:
        return [part.strip() for part in value.split("|") if part.strip()]

    refused: list = []
    figures = {"orgs": 0, "names": 0, "identifiers": 0}
    source = None
    for start in range(0, len(rows), CHUNK_ORGS):
        part = rows[start : start + CHUNK_ORGS]
        with bulk.writer(actor=None, reason=MARK) as w:
            if source is None:
                [source] = w.create(
                    [
                        Source(
                            title="Company registers (benchmark record)",
                            publisher="unmask benchmarks",
                            url="https://example.org/registers",
                            kind=SourceKind.REGISTRY,
                        )
                    ]
                )
            made = []
            for row in part:
                org = Organization(name=row["name"], kind=OrganizationKind.COMPANY)
                org.country = row["country"]
                org.bench_row = row
                made.append(org)
            orgs = w.create(made, invalid=refused.append)
            names = [
                OrganizationName(organization=org, name=name, kind=NameKind.ALIAS)
                for org in orgs
                for name in split(org.bench_row["other_names"])
            ]
            identifiers = []
            for org in orgs:
                for text in split(org.bench_row["identifiers"]):
                    prefix, _sep, value = text.partition(":")
                    scheme = SCHEMES.get(prefix.lower(), "other")
                    identifiers.append(Identifier(organization=org, scheme=scheme, value=value))
            names = w.create(names, invalid=refused.append) if names else []
            identifiers = w.create(identifiers, invalid=refused.append) if identifiers else []
            w.create(
                [Citation(source=source, organization=org, locator="register") for org in orgs]
            )
            w.publish(orgs)
        figures["orgs"] += len(orgs)
        figures["names"] += len(names)
        figures["identifiers"] += len(identifiers)
        print(f"    {start + len(part):,} / {len(rows):,}", flush=True)
    figures["refused"] = "; ".join(str(r)[:120] for r in refused[:5]) or "none"
    if len(refused) > 5:
        figures["refused"] += f" and {len(refused) - 5} more"
    figures["public"] = Organization.objects.public().count()
    return figures


# --- the measuring child ---------------------------------------------------------------------------


def list_csv(queries: list[dict], n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "country", "identifier"])
    for i in range(n):
        q = queries[i % len(queries)]
        writer.writerow([q["name"], q["country"], q["identifier"]])
    return out.getvalue().encode("utf-8")


_SUMMARY = re.compile(r'id="screen-summary".*?</h2>(.*?)</section>', re.S)


def post_list(client, data: bytes, action: str, on_chunk=None) -> dict:
    """One list posted to /screen/ and its answer read a chunk at a time (never whole);
    `on_chunk()`, if given, is called as each chunk arrives."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    started = time.perf_counter()
    upload = SimpleUploadedFile("list.csv", data, content_type="text/csv")
    response = client.post("/screen/", {"list": upload, "action": action})
    if response.status_code != 200:
        raise AssertionError(f"/screen/ {action}: HTTP {response.status_code}")
    first = None
    size = chunks = rows = 0
    progress = False
    summary = ""
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
            progress = b"<progress" in chunk
        size += len(chunk)
        chunks += 1
        if on_chunk is not None:
            on_chunk()
        if action == "show":
            rows += chunk.count(b'<tr class="verdict-')
            found = b"screen-summary" in chunk and _SUMMARY.search(chunk.decode("utf-8"))
            if found:
                summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()
        else:
            rows += chunk.count(b"\n")  # the CSV's lines (names hold none: cycled from the set)
    total = time.perf_counter() - started
    if action == "csv":
        rows -= 1  # the header
    return {
        "first": first,
        "total": total,
        "bytes": size,
        "chunks": chunks,
        "rows": rows,
        "progress": progress,
        "summary": summary,
    }


def memory_of(call) -> tuple[int, int]:
    """tracemalloc's figures of the Python allocations made during call(sample): their peak,
    and the most held when call() samples (between chunks: what stays, not what one row's
    matching allocates and frees)."""
    import gc
    import tracemalloc

    held = [0]

    def sample() -> None:
        held[0] = max(held[0], tracemalloc.get_traced_memory()[0])

    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        call(sample)
        return tracemalloc.get_traced_memory()[1], held[0]
    finally:
        tracemalloc.stop()


def profile(label: str, call) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(22)
        text = out.getvalue()
        text = text[text.find("   ncalls") :] if "   ncalls" in text else text
        print(f"\n--- cProfile, {label}, by {order} time\n{text}")


def main_measure(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from unmask.exchange import screen
    from unmask.record.screening import build_index, record_index
    from unmask.runtime import settle
    from unmask.screening.matcher import Query

    call_command("collectstatic", interactive=False, verbosity=0)  # the page's {% static %}
    client = Client(HTTP_HOST="127.0.0.1")
    queries = bench_screening.read(SET / "queries.csv")
    quick = f"QUICK: {args.orgs:,} organizations" if args.orgs != TARGET_ORGS else ""
    out: dict = {}

    def api(batch: list[dict]):
        body = {
            "queries": {
                f"k{i}": {"name": q["name"], "country": q["country"], "identifier": q["identifier"]}
                for i, q in enumerate(batch)
            }
        }
        return client.post("/api/v1/match", json.dumps(body), content_type="application/json")

    # The index, built by the first request; then its build alone.
    started = time.perf_counter()
    first = api(queries[:BATCH])
    out["first_request"] = time.perf_counter() - started
    if first.status_code != 200:
        raise SystemExit(f"/api/v1/match: HTTP {first.status_code}: {first.content[:300]!r}")
    out["organizations"] = first.json()["organizations"]
    started = time.perf_counter()
    build_index()
    out["index_build"] = time.perf_counter() - started
    index = record_index()
    settle()  # as wsgi.py does: the process's start-up objects out of the collector's way

    # API: batches of 10 drawn from the labelled queries, and the matcher alone on the same.
    rng = random.Random(args.seed)
    batches = [rng.sample(queries, BATCH) for _ in range(args.batches)]
    for batch in batches[:5]:  # warm-up
        api(batch)
    api_ms, matcher_ms, bad, verdicts = [], [], 0, {}
    for batch in batches:
        started = time.perf_counter()
        response = api(batch)
        api_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or len(response.json()["responses"]) != BATCH:
            bad += 1
        else:
            for answer in response.json()["responses"].values():
                verdicts[answer["verdict"]] = verdicts.get(answer["verdict"], 0) + 1
    for batch in batches:
        started = time.perf_counter()
        for q in batch:
            index.match(Query(q["name"], q["country"].upper(), q["identifier"]), limit=5)
        matcher_ms.append((time.perf_counter() - started) * 1000)
    api_ms.sort()
    matcher_ms.sort()
    out["api"] = {
        "median": statistics.median(api_ms),
        "p95": nearest_rank(api_ms, 0.95),
        "max": api_ms[-1],
        "matcher_median": statistics.median(matcher_ms),
        "matcher_p95": nearest_rank(matcher_ms, 0.95),
        "bad": bad,
        "verdicts": verdicts,
    }

    # The page: the list through the matcher alone, then posted with each action.
    data = list_csv(queries, args.rows)
    rows = list(screen.read_list(data, name="list.csv"))
    alone = []
    for _ in range(max(1, args.runs)):
        started = time.perf_counter()
        for _result in screen.screen(rows, index):
            pass
        alone.append(time.perf_counter() - started)
    out["matcher_s"] = statistics.median(alone)
    out["list_bytes"] = len(data)
    for action in ("show", "csv"):
        runs = [post_list(client, data, action) for _ in range(max(1, args.runs))]
        out[action] = {
            "first": statistics.median(r["first"] for r in runs),
            "total": statistics.median(r["total"] for r in runs),
            "totals": [r["total"] for r in runs],
            "bytes": runs[0]["bytes"],
            "chunks": runs[0]["chunks"],
            "rows": [r["rows"] for r in runs],
            "progress": runs[0]["progress"],
            "summary": runs[0]["summary"],
        }

    # Memory: one request of a small and of the full list, each action.
    small = list_csv(queries, args.small_rows)
    out["memory"] = {}
    for n, payload in ((args.small_rows, small), (args.rows, data)):
        answers = {}

        def read_alone(sample, payload=payload) -> None:
            copy = bytes(bytearray(payload))  # the upload's copy
            rows = list(screen.read_list(copy, name="list.csv"))
            sample()
            del copy, rows

        out["memory"][n] = {"list": memory_of(read_alone)[1]}
        for action in ("show", "csv"):

            def request(sample, payload=payload, action=action, answers=answers) -> None:
                answers[action] = post_list(client, payload, action, on_chunk=sample)

            peak, held = memory_of(request)
            out["memory"][n][action], out["memory"][n][action + "_held"] = peak, held
            out["memory"][n][action + "_bytes"] = answers[action]["bytes"]
    out["small_bytes"] = len(small)

    fails = (
        out["api"]["p95"] >= TARGET_API_P95_MS
        or out["show"]["total"] >= TARGET_PAGE_S
        or out["csv"]["total"] >= TARGET_PAGE_S
    )
    print_figures(args, out, quick)
    if args.profile or fails:
        profile("one POST /screen/ action=show", lambda: post_list(client, data, "show"))
        profile(f"one POST /api/v1/match of {BATCH}", lambda: api(batches[0]))
    return 0


def summary_counts(summary: str, n: int) -> bool:
    """The summary's figures: the rows screened, then matched, possible, none adding up."""
    figures = [int(re.sub(r"\D", "", f)) for f in re.findall(r"\d[\d,.\u00a0\u202f]*", summary)]
    return len(figures) == 4 and figures[0] == n == sum(figures[1:])


def verdict(ok: bool, quick: str) -> str:
    word = "PASS" if ok else "FAIL"
    return f"{word} ({quick}: not the target's size)" if quick else word


def print_figures(args, out: dict, quick: str) -> None:
    a = out["api"]
    print(
        f"\n== screening on the web: {out['organizations']:,} public organizations"
        f"{'  [' + quick + ']' if quick else ''}"
    )
    print(
        f"   index: first request {out['first_request']:.2f} s (builds it);"
        f" the index build alone {out['index_build']:.2f} s"
    )
    print(
        f"\n   POST /api/v1/match, {args.batches} batches of {BATCH} queries (seeded draws from"
        f" queries.csv), test client"
    )
    print(f"   {'':<34} {'median ms':>9} {'p95 ms':>7}")
    print(f"   {'API, batch of 10':<34} {a['median']:>9.1f} {a['p95']:>7.1f}  (max {a['max']:.1f})")
    print(
        f"   {'baseline: the matcher alone':<34} {a['matcher_median']:>9.1f} {a['matcher_p95']:>7.1f}"
    )
    print(
        f"   API / matcher (median): {a['median'] / a['matcher_median']:.2f}x"
        f" (what HTTP, validation and JSON add: {a['median'] - a['matcher_median']:.1f} ms)"
    )
    answered = f"{args.batches - a['bad']} of {args.batches} answered 200 with {BATCH} responses"
    print(f"   {answered}; verdicts {a['verdicts']}")
    print(
        f"   target p95 < {TARGET_API_P95_MS:.0f} ms for a batch of 10 (against {TARGET_ORGS:,}):"
        f" {verdict(a['p95'] < TARGET_API_P95_MS and not a['bad'], quick)}"
    )

    n = args.rows
    size = "" if n == TARGET_ROWS else f"; QUICK: {n:,} rows, the target is for {TARGET_ROWS:,}"
    if n != TARGET_ROWS:
        quick = f"{quick or 'QUICK'}, a {n:,}-row list"
    print(
        f"\n   POST /screen/, a {n:,}-row CSV list ({out['list_bytes'] / 1024:,.0f} KB),"
        f" median of {max(1, args.runs)} run(s){size}"
    )
    base = out["matcher_s"]
    print(f"   {'':<34} {'first chunk':>11} {'total s':>8} {'rows/s':>7} {'x matcher':>9}")
    for action, label in (("show", "action=show (HTML page)"), ("csv", "action=csv (CSV)")):
        p = out[action]
        print(
            f"   {label:<34} {p['first'] * 1000:>8.0f} ms {p['total']:>8.2f} {n / p['total']:>7,.0f}"
            f" {p['total'] / base:>9.2f}"
        )
    print(f"   {'baseline: the matcher alone':<34} {'':>11} {base:>8.2f} {n / base:>7,.0f}")
    show = out["show"]
    print(
        f"   runs (s): show {', '.join(f'{t:.2f}' for t in show['totals'])};"
        f" csv {', '.join(f'{t:.2f}' for t in out['csv']['totals'])}"
    )
    checks = {
        "progress bar in the first chunk": show["progress"],
        f"{n:,} result rows in every run": all(r == n for r in show["rows"]),
        "summary counts every row": summary_counts(show["summary"], n),
        f"{n:,} CSV rows in every run": all(r == n for r in out["csv"]["rows"]),
    }
    print(
        f"   page: {show['bytes'] / 1024:,.0f} KB in {show['chunks']} chunks; result rows per run"
        f" {show['rows']}; summary «{show['summary']}»"
    )
    print("   checks: " + "; ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in checks.items()))
    ok = all(checks.values())
    for action in ("show", "csv"):
        within = out[action]["total"] < TARGET_PAGE_S
        print(
            f"   target < {TARGET_PAGE_S:.0f} s for {TARGET_ROWS:,} rows, action={action}:"
            f" {verdict(within and ok, quick)}"
        )

    print(
        "\n   memory (tracemalloc: Python allocations made during one request, posting and reading"
        "\n   included): held = the most alive as a chunk arrives; peak = the highest at any"
        "\n   moment (one row's matching allocates and frees); baseline: the list alone, its bytes"
        "\n   and its rows as exchange.screen.read_list gives them (what the form must hold)"
    )
    print(
        f"   {'rows':>7} {'list KB':>8} {'list alone':>11} {'action':>7} {'answer KB':>10}"
        f" {'held':>8} {'held - list':>12} {'peak':>8}"
    )
    sizes = {args.small_rows: out["small_bytes"], args.rows: out["list_bytes"]}
    mb = 2**20
    for rows, m in out["memory"].items():
        for action in ("show", "csv"):
            print(
                f"   {rows:>7,} {sizes[rows] / 1024:>8,.0f} {m['list'] / mb:>8.1f} MB {action:>7}"
                f" {m[action + '_bytes'] / 1024:>10,.0f} {m[action + '_held'] / mb:>5.1f} MB"
                f" {(m[action + '_held'] - m['list']) / mb:>9.1f} MB {m[action] / mb:>5.1f} MB"
            )
    small, big = out["memory"][args.small_rows], out["memory"][args.rows]
    for action in ("show", "csv"):
        grown = (big[action + "_held"] - big["list"]) - (small[action + "_held"] - small["list"])
        print(
            f"   {action}: from {args.small_rows:,} to {args.rows:,} rows, held beyond the list"
            f" grows by {grown / mb:.1f} MB (the list's copies: upload, form, test client), the"
            f" whole answer by {(big[action + '_bytes'] - small[action + '_bytes']) / mb:.1f} MB"
        )
    print(
        "   (the target names no figure for memory: this shows what the page holds, the list and"
        "\n   a chunk, not the table; softer than a limit)"
    )


# --- the parent -----------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    if not (SET / "record.csv").exists():
        print(f"  skipped: the labelled set is not at {SET}")
        return 0
    if args.worker == "generate":
        return main_generate(args)
    if args.worker == "measure":
        return main_measure(args)
    directory, how = ensure_dataset(args)
    print(f"  dataset: {how}", flush=True)
    env = child_env(directory)
    env["UNMASK_SCREEN_LIMIT"] = "1000000"  # the page's hourly limit per client, out of the way
    env["UNMASK_PAGE_CACHE_SECONDS"] = "0"
    command = [sys.executable, __file__, "--worker", "measure"]
    command += ["--orgs", str(args.orgs), "--batches", str(args.batches)]
    command += ["--rows", str(args.rows), "--runs", str(args.runs), "--seed", str(args.seed)]
    if args.quick:
        command.append("--quick")
    if args.profile:
        command.append("--profile")
    return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
