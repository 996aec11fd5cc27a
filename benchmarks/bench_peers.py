"""unmask beside datasette on the same rows (issue 17, item 5): what a researcher would pick to
browse a table of organizations, served from the same SQLite data in the same run.

The peer: datasette 0.65.5, installed by this script into a virtual environment of its own under
var/bench/peers/ (never into unmask's), serving an immutable copy of the large dataset's database
(10,000 organizations), searching unmask's own FTS5 index of the names, facet suggestions off
(the fair setting: with them on datasette is far slower) and pages of 50 rows. unmask: granian,
one worker, production settings, the same database.

Three pages, each asked of both servers in turn on one keep-alive connection each (interleaved,
--requests rounds, Accept-Encoding: gzip as browsers send; medians):
- the directory's first page of 50 organizations (datasette: the table's first 50 rows by name);
- a name search (datasette: ?_search= on its FTS index);
- a JSON page of 50 organizations (unmask's API; datasette's .json?_shape=objects): the table's
  rows as they are in datasette, each organization with its texts, other names, identifiers,
  citations and replies nested in unmask (170 KB against 41 KB);
- the same page against datasette answering a canned query (NESTED_SQL) that nests the same
  records in the same 50 organizations by SQLite's JSON functions: equal content (but for the
  absolute URLs unmask adds), the fair comparison of the work a JSON page does.
unmask is measured twice: as readers get it (the page cache and the API's answer cache on) and
rendered (UNMASK_PAGE_CACHE_SECONDS=0: every request does the work, as datasette does). Target:
unmask's time / datasette's <= 1.0 (issue 17, item 5). The rows are not quite equal: unmask's
pages carry more (each organization's country, kind and counts, the page's layout and filters),
and it lists published organizations only; the sizes are printed beside the times.

The plain MapLibre page of the same item is not measured here (see bench_map.py and the issue's
note). Skipped (exit 0) when the peer cannot be installed.

    python benchmarks/bench_peers.py [--requests N] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_public  # noqa: E402 - the datasets, their cache and the unmask server
import serving  # noqa: E402 - free ports, waiting for a server

DATASETTE = "datasette==0.65.5"
PEERS = bench_public.BENCH_DIR / "peers"
TARGET_RATIO = 1.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="interleaved rounds per page")
    parser.add_argument("--quick", action="store_true", help="the quick dataset, fewer rounds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--regenerate", action="store_true", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    if args.quick:
        args.requests = 50
    return args


def peer_program() -> Path | None:
    """datasette in its own virtual environment, installed on first use."""
    venv = PEERS / f"venv-{DATASETTE.replace('==', '-')}"
    program = venv / "bin" / "datasette"
    if program.exists():
        return program
    shutil.rmtree(venv, ignore_errors=True)
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], check=False)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", DATASETTE]
    if made.returncode or subprocess.run(pip, check=False, capture_output=True).returncode:
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return program


def peer_database(dataset: Path) -> Path:
    """An immutable copy of the dataset's database (journal mode DELETE, as datasette's
    --immutable wants), made again when the dataset changes."""
    meta = json.loads((dataset / "dataset.json").read_text())
    copy = PEERS / "organizations.sqlite3"
    stamp = PEERS / "organizations.key"
    if copy.exists() and stamp.exists() and stamp.read_text() == meta["key"]:
        return copy
    PEERS.mkdir(parents=True, exist_ok=True)
    copy.unlink(missing_ok=True)
    with sqlite3.connect(dataset / "unmask.sqlite3") as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with sqlite3.connect(copy) as db:
        db.execute("PRAGMA journal_mode=DELETE")
    stamp.write_text(meta["key"])
    return copy


# datasette searches with unmask's own FTS5 index of the organizations' names and other names
# (record_organization_fts, content="record_organization"), named here for it.
# And a canned query that writes what unmask's JSON page of 50 writes: each public organization
# (its columns, by name) with its texts, other names, identifiers, live citations (each with its
# source's id and title) and published replies to the profile nested in it, by SQLite's JSON
# functions, parsed by datasette (?_json=) to be nested in its answer as they are in unmask's.
# Only the absolute URLs unmask adds (the profile's, each source's) are not written.
NESTED_SQL = """
SELECT o.public_id, o.name, o.kind, o.country, o.description, o.description_language,
  (SELECT json_group_array(json_object('language', t.language, 'description', t.description))
     FROM record_organizationtext t WHERE t.organization_id = o.id) AS description_texts,
  (SELECT json_group_array(json_object('name', n.name, 'kind', n.kind, 'language', n.language))
     FROM record_organizationname n WHERE n.organization_id = o.id) AS other_names,
  (SELECT json_group_array(json_object('scheme', i.scheme, 'value', i.value,
                                       'country', i.country))
     FROM record_identifier i WHERE i.organization_id = o.id) AS identifiers,
  (SELECT json_group_array(json_object('public_id', c.public_id,
            'source', json_object('public_id', s.public_id, 'name', s.title),
            'quote', c.quote, 'locator', c.locator, 'note', c.note))
     FROM record_citation c JOIN record_source s ON s.id = c.source_id
     WHERE c.organization_id = o.id AND c.deleted_at IS NULL AND s.deleted_at IS NULL)
     AS citations,
  (SELECT json_group_array(json_object('public_id', r.public_id, 'received_on', r.received_on,
            'channel', r.channel, 'text', r.text, 'original_url', r.url))
     FROM record_response r
     WHERE r.organization_id = o.id AND r.link_id IS NULL AND r.deleted_at IS NULL
       AND r.status = 'published') AS responses,
  o.published_at, o.updated_at
FROM record_organization o WHERE o.is_public = 1 ORDER BY o.name, o.id LIMIT 50
"""
NESTED = ("description_texts", "other_names", "identifiers", "citations", "responses")
METADATA = {
    "databases": {
        "organizations": {
            "tables": {
                "record_organization": {"fts_table": "record_organization_fts", "fts_pk": "id"}
            },
            "queries": {"organizations_nested": {"sql": NESTED_SQL}},
        }
    }
}


class Peer:
    def __init__(self, program: Path, database: Path) -> None:
        self.port = serving.free_port()
        metadata = PEERS / "metadata.json"
        metadata.write_text(json.dumps(METADATA), encoding="utf-8")
        self.process = subprocess.Popen(
            [
                *(str(program), "serve", "--immutable", str(database)),
                *("--metadata", str(metadata)),
                *("--host", "127.0.0.1", "--port", str(self.port)),
                *("--setting", "suggest_facets", "off", "--setting", "default_page_size", "50"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        versions = f"http://127.0.0.1:{self.port}/-/versions.json"
        if not serving.answers(lambda: urllib.request.urlopen(versions, timeout=5).read()):
            self.stop()
            raise SystemExit("datasette did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def get(conn: http.client.HTTPConnection, path: str) -> tuple[float, int, int]:
    """Milliseconds for one GET on a kept-alive connection, its status and body size."""
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "gzip", "Accept": "text/html"})
    response = conn.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1000, response.status, len(body)


def search_word(conn) -> str:
    """The first word of the directory's first organization: a search that finds some."""
    conn.request("GET", "/org/")
    html = conn.getresponse().read().decode()
    name = re.search(r'href="/org/[a-z0-9]+/[^"/]+/"[^>]*>(?:<[^>]+>)*([^<]+)', html)
    return name.group(1).split()[0] if name else "a"


def main() -> int:
    args = parse_args()
    size = bench_public.QUICK_SIZE if args.quick else bench_public.LARGE_SIZE
    program = peer_program()
    if program is None:
        print(f"  skipped: {DATASETTE} could not be installed into {PEERS}")
        return 0
    dataset, how = bench_public.ensure_dataset("large", size, args)
    print(f"  dataset: {size[0]:,} organizations, {how}")
    peer = Peer(program, peer_database(dataset))
    servers = {
        "cached": bench_public.Server(dataset, collectstatic=True),
        "rendered": bench_public.Server(dataset, {"UNMASK_PAGE_CACHE_SECONDS": 0}),
    }
    try:
        conns = {
            name: http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            for name, server in servers.items()
        }
        conns["datasette"] = http.client.HTTPConnection("127.0.0.1", peer.port, timeout=60)
        word = urllib.parse.quote(search_word(conns["rendered"]))
        table = "/organizations/record_organization"
        pages = {
            "directory page of 50": ("/org/", f"{table}?_size=50&_sort=name"),
            "name search": (f"/org/?q={word}", f"{table}?_search={word}&_size=50"),
            "JSON page of 50": (
                "/api/v1/organizations?page_size=50",
                f"{table}.json?_size=50&_shape=objects",
            ),
            "the same, nested alike": (
                "/api/v1/organizations?page_size=50",
                "/organizations/organizations_nested.json?_shape=objects&"
                + "&".join(f"_json={name}" for name in NESTED),
            ),
        }
        print(
            f"  {args.requests} interleaved rounds a page, one keep-alive connection per server;"
            " medians (ms) and body sizes as sent (KB)"
        )
        print(
            f"  {'page':<22} {'unmask cached':>14} {'unmask rendered':>16} {'datasette':>10}"
            f" {'cached/peer':>12} {'rendered/peer':>14}  target <= {TARGET_RATIO:g}"
        )
        for label, (ours, theirs) in pages.items():
            times: dict[str, list[float]] = {name: [] for name in conns}
            sizes: dict[str, int] = {}
            for name, conn in conns.items():  # a first request each: caches, connections
                path = theirs if name == "datasette" else ours
                _ms, status, sizes[name] = get(conn, path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status} on {name}")
            for _ in range(args.requests):
                for name, conn in conns.items():
                    times[name].append(get(conn, theirs if name == "datasette" else ours)[0])
            med = {name: statistics.median(values) for name, values in times.items()}
            cached, rendered = med["cached"] / med["datasette"], med["rendered"] / med["datasette"]
            verdict = "PASS" if cached <= TARGET_RATIO else "FAIL"
            print(
                f"  {label:<22} {med['cached']:>14.2f} {med['rendered']:>16.2f}"
                f" {med['datasette']:>10.2f} {cached:>12.2f} {rendered:>14.2f}  {verdict}"
                f" (cached), {'PASS' if rendered <= TARGET_RATIO else 'FAIL'} (rendered)"
            )
            print(
                f"  {'':<22} {sizes['cached'] / 1000:>12.1f}KB {sizes['rendered'] / 1000:>14.1f}KB"
                f" {sizes['datasette'] / 1000:>8.1f}KB"
            )
    finally:
        peer.stop()
        for server in servers.values():
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
