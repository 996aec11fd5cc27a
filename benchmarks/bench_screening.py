"""The screening matcher on the public labelled set (issue 18, item 5): precision, recall and F1
overall and per kind of variant, printed by the set's own scorer, beside two baselines measured
in the same run on the same queries, and the matcher's throughput.

The set: ../shared/data/screening/public/ (record.csv, 2,994 invented organizations in 25
countries and 7 scripts; queries.csv, 1,200 labelled queries; score.py, the scorer). Skipped
(exit 0) where it is missing.

- baseline "exact": the query and a record name equal after folding case and diacritics
  (record.text.fold), the first such organization;
- baseline "token_sort_ratio >= 90": rapidfuzz's token_sort_ratio of the folded names, the best
  organization at 90 or more (every query against every name: the slow way);
- unmask: screening.matcher.Index over the record, the best candidate when it is a match.

Throughput: queries a second through Index.match, the index built beforehand (its build time
and the process's resident memory printed too); median of --runs passes over the 1,200
queries, against the set's record and against it padded to --scale organizations (100,000 by
default) with invented ones: each a record organization's name with its first word replaced by
an invented stem (so the same scripts, sector words and legal forms, in the same countries).
The padded run's F1 is printed too: more names that look alike, the same queries. The issue's
targets: F1 >= 0.95 with precision >= 0.97 on this set; >= 500 queries a second against
100,000 organizations.

Then recall on variants generated here (romanize.py): other romanization systems and other
slips than the public queries hold, for every record name they apply to.

    python benchmarks/bench_screening.py [--runs N] [--errors N]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

SET = ROOT.parent / "shared" / "data" / "screening"
TARGET_F1, TARGET_PRECISION, TARGET_QPS = 0.95, 0.97, 500


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed passes over the queries")
    parser.add_argument("--errors", type=int, default=0, help="print this many of unmask's errors")
    parser.add_argument("--scale", type=int, default=100_000, help="organizations, padded")
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    return args


def read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def entries(record: list[dict]):
    from unmask.screening.matcher import Entry

    def split(value: str) -> tuple[str, ...]:
        return tuple(part for part in value.split("|") if part.strip())

    return [
        Entry(r["id"], r["name"], split(r["other_names"]), r["country"], split(r["identifiers"]))
        for r in record
    ]


def score(queries_csv: Path, predictions: dict[str, tuple[str, float]], errors: int = 0) -> dict:
    """The set's scorer on these predictions: its JSON figures, and its report when asked."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["query_id", "predicted_id", "score"])
        for query_id, (predicted, value) in predictions.items():
            writer.writerow([query_id, predicted, f"{value:.3f}" if predicted else ""])
    try:
        command = [sys.executable, str(SET / "score.py"), str(queries_csv), out.name]
        figures = json.loads(
            subprocess.run([*command, "--json"], capture_output=True, text=True, check=True).stdout
        )
        if errors:
            subprocess.run([*command, "--errors", str(errors)], check=False)
        return figures
    finally:
        Path(out.name).unlink(missing_ok=True)


def exact_baseline(record: list[dict], queries: list[dict]) -> dict:
    from unmask.record.text import fold

    by_name: dict[str, str] = {}
    for r in record:
        for name in (r["name"], *r["other_names"].split("|")):
            if name.strip():
                by_name.setdefault(fold(name), r["id"])
    return {q["query_id"]: (by_name.get(fold(q["name"]), ""), 1.0) for q in queries}


def fuzzy_baseline(record: list[dict], queries: list[dict]) -> dict:
    from rapidfuzz import fuzz, process

    from unmask.record.text import fold

    choices, owners = [], []
    for r in record:
        for name in (r["name"], *r["other_names"].split("|")):
            if name.strip():
                choices.append(fold(name))
                owners.append(r["id"])
    out = {}
    for q in queries:
        found = process.extractOne(
            fold(q["name"]), choices, scorer=fuzz.token_sort_ratio, score_cutoff=90
        )
        out[q["query_id"]] = (owners[found[2]], found[1] / 100) if found else ("", 0.0)
    return out


SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
ENDINGS = ("", "n", "r", "s", "th", "x", "l", "k")


def padded(record: list[dict], size: int, seed: int = 7) -> list[dict]:
    """The record and invented organizations up to `size` (see the module docstring)."""
    rng = random.Random(seed)
    out = list(record)
    while len(out) < size:
        model = rng.choice(record)
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        stem = stem.capitalize() + rng.choice(ENDINGS)
        latin = next(
            (n for n in (model["name"], *model["other_names"].split("|")) if n.isascii() and n),
            "",
        )
        rest = latin.split(" ", 1)[1] if " " in latin else "Technologies Ltd"
        out.append(
            {
                "id": f"pad-{len(out):06d}",
                "name": f"{stem} {rest}",
                "other_names": "",
                "country": model["country"],
                "identifiers": "",
            }
        )
    return out


def timed_index(record: list[dict], asked: list, runs: int):
    from unmask.screening.matcher import Index

    started = time.perf_counter()
    index = Index(entries(record))
    built = time.perf_counter() - started
    passes = []
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        answers = [index.match(query) for query in asked]
        passes.append(time.perf_counter() - started)
    return built, len(asked) / statistics.median(passes), answers


def predictions_of(queries: list[dict], answers: list) -> dict:
    out = {}
    for q, found in zip(queries, answers, strict=True):
        best = found[0] if found and found[0].is_match else None
        out[q["query_id"]] = (best.entry.id, best.score) if best else ("", 0.0)
    return out


def main() -> int:
    args = parse_args()
    if not (SET / "score.py").exists():
        print(f"  skipped: the labelled set is not at {SET}")
        return 0
    from unmask.screening.matcher import Query

    record = read(SET / "public" / "record.csv")
    queries_csv = SET / "public" / "queries.csv"
    queries = read(queries_csv)
    asked = [Query(q["name"], q["country"], q["identifier"]) for q in queries]
    built, rate, answers = timed_index(record, asked, args.runs)
    predictions = predictions_of(queries, answers)
    big = padded(record, args.scale) if args.scale > len(record) else record
    big_built, big_rate, big_answers = timed_index(big, asked, args.runs)
    big_figures = score(queries_csv, predictions_of(queries, big_answers))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        (
            "exact after folding case and diacritics",
            score(queries_csv, exact_baseline(record, queries)),
        ),
        ("rapidfuzz token_sort_ratio >= 90", score(queries_csv, fuzzy_baseline(record, queries))),
        ("unmask (screening.matcher)", score(queries_csv, predictions, args.errors)),
    ]
    print(f"\n== screening: {len(record):,} organizations, {len(queries):,} labelled queries")
    print(f"   {'matcher':<42} {'precision':>9} {'recall':>7} {'F1':>6}")
    for label, o in rows:
        print(f"   {label:<42} {o['precision']:>9.3f} {o['recall']:>7.3f} {o['f1']:>6.3f}")
    overall = rows[-1][1]
    print("\n   unmask per kind (share of the kind's queries handled correctly):")
    for kind, k in sorted(rows[-1][1]["kinds"].items()):
        print(f"     {kind:<18} {k['n']:>4}  {k['correct'] / k['n'] * 100:6.1f} %")
    f1_ok = overall["f1"] >= TARGET_F1 and overall["precision"] >= TARGET_PRECISION
    print(
        f"\n   F1 {overall['f1']:.3f} (target >= {TARGET_F1}), precision"
        f" {overall['precision']:.3f} (target >= {TARGET_PRECISION}): {'PASS' if f1_ok else 'FAIL'}"
    )
    print(f"\n   throughput (median of {max(1, args.runs)} passes over the queries):")
    print(f"   {'organizations':>14} {'index built':>12} {'queries/s':>10} {'F1':>6}  target")
    print(f"   {len(record):>14,} {built:>10.2f} s {rate:>10,.0f} {overall['f1']:>6.3f}")
    verdict = "PASS" if big_rate >= TARGET_QPS else "FAIL"
    print(
        f"   {len(big):>14,} {big_built:>10.2f} s {big_rate:>10,.0f} {big_figures['f1']:>6.3f}"
        f"  >= {TARGET_QPS}/s: {verdict} (precision {big_figures['precision']:.3f})"
    )
    print(f"   the process's peak resident memory: {rss:,.0f} MB")
    print_generated(record)
    return 0


def print_generated(record: list[dict]) -> None:
    """Recall on variants made here (romanize.py) rather than taken from the public queries:
    other romanization systems and other slips than the set's 1,200 rows, as a check for the
    issue's "the same within 0.02 on unseen queries". Softer than that target: positives only
    (no negatives, so no precision), and a query is left out where its organization's name
    without the legal form is another organization's too (the generator may drop the form:
    then it names either)."""
    import romanize

    from unmask.screening import names
    from unmask.screening.matcher import Index, Query

    index = Index(entries(record))
    shared: dict[tuple, int] = {}
    for org in record:
        key = names.prepare(org["name"]).words
        shared[key] = shared.get(key, 0) + 1
    ambiguous = {o["id"] for o in record if shared[names.prepare(o["name"]).words] > 1}
    made = [v for v in romanize.variants(record) + romanize.slips(record) if v[3] not in ambiguous]
    tally: dict[str, list[int]] = {}
    for system, text, country, expected in made:
        found = index.match(Query(text, country))
        got = found[0].entry.id if found and found[0].is_match else ""
        row = tally.setdefault(system, [0, 0, 0])
        row[0] += 1
        row[1] += got == expected
        row[2] += bool(got) and got != expected
    print(
        f"\n   generated variants (benchmarks/romanize.py: {len(made):,} queries of the translit"
        " and typo kinds\n   that the public set does not hold; recall only, no negatives):"
    )
    print(f"   {'system':<34} {'queries':>7} {'found':>7} {'wrong id':>9}")
    for system, (n, ok, wrong) in sorted(tally.items()):
        print(f"   {system:<34} {n:>7} {ok / n * 100:6.1f} % {wrong:>9}")
    total, ok = sum(r[0] for r in tally.values()), sum(r[1] for r in tally.values())
    print(f"   {'all':<34} {total:>7} {ok / total * 100:6.1f} %")


if __name__ == "__main__":
    sys.exit(main())
