"""Public pages under load, served as `make demo` serves them: granian, 2 workers, the default
file cache in a temporary var/ (or Redis with --redis), on the demo-size dataset that
bench_public.py generates and caches under var/bench/.

A bounded load client on 127.0.0.1 (asyncio, raw keep-alive HTTP/1.1 sockets, 32 connections,
each sending its next request when the last answer is read, with Accept-Encoding: gzip as
browsers do) runs three phases of --seconds each (default 20):
- cached: home, directory, an organization's profile, map, network, actions, calendar and the
  methodology, in English and German, from the page cache (web/pagecache.py);
- 304: the same pages with If-None-Match (the ETag they were given);
- uncached: the same pages from a second server with the page cache off
  (UNMASK_PAGE_CACHE_SECONDS=0), as a baseline: cached requests/s over uncached.
Each prints requests/s, median and p95 latency, errors (anything but 200 or 304, and failed
connections), and the CPU seconds the server and the client each used: the client shares the
machine. Targets (issue 15, item 18): cached >= 1,000 requests/s with p95 < 50 ms, 304s >= 2,000
requests/s, no error. The exit code is 0 even on FAIL: this is a benchmark.

Then a table per page (issue 17, item 6): home, a profile, a directory search, the first API
page, the sites' GeoJSON and the actions' ICS file, each alone for --page-seconds (default 5)
at 1, 8 and 32 connections: requests/s, p50, p95 and errors, with the machine's one-minute load
average beside each run. Figures only: the issue gives this table no target.

    python benchmarks/bench_load.py [--seconds N] [--connections N] [--page-seconds N] [--redis]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_public  # noqa: E402 - its dataset cache and settings for servers
import serving  # noqa: E402 - granian as the benchmarks start it

TARGET_CACHED_RPS = 1000
TARGET_CACHED_P95_MS = 50.0
TARGET_304_RPS = 2000
REDIS_URL = "redis://127.0.0.1:6379/7"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--page-seconds", type=float, default=5, help="length of each run of the per-page table"
    )
    parser.add_argument("--redis", action="store_true", help=f"the cache in Redis ({REDIS_URL})")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--regenerate", action="store_true", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    return args


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` and its children (granian's workers) so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = {pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            pids.add(int(stat.parent.name))
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


class Server:
    """granian as `make demo` runs it, on a copy of the dataset in a temporary var/."""

    def __init__(self, dataset: Path, env: dict[str, str]) -> None:
        self.var = Path(tempfile.mkdtemp(prefix="unmask-load-"))
        for name in ("unmask.sqlite3", "secret_key"):  # the key: production settings need one
            if (dataset / name).exists():
                shutil.copy(dataset / name, self.var / name)
        self.port = serving.free_port()
        environment = bench_public.child_env(self.var)
        environment.pop("UNMASK_CACHE_URL", None)  # the default: a file cache in var/
        environment.update(env)
        self.process = serving.granian(
            self.port, environment, "--workers", "2", "--backpressure", "32"
        )
        self.url = f"http://127.0.0.1:{self.port}"
        page = self.url + "/methodology/"
        if not serving.answers(lambda: urllib.request.urlopen(page, timeout=5).read()):
            self.stop()
            raise SystemExit("the server did not start")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.var, ignore_errors=True)


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, b""


def pages(url: str) -> list[str]:
    directory = fetch(url + "/org/")[2].decode()
    org = re.search(r'href="(/org/[a-z0-9]+/[^"/]+/)"', directory).group(1)
    paths = ["/", "/org/", org, "/map/", "/graph/", "/actions/", "/actions/calendar/"]
    paths += ["/methodology/", "/de/", "/de/org/", "/de" + org]
    return paths


async def load(
    port: int, paths: list[str], etags: dict | None, seconds: float, connections: int
) -> dict:
    """Keep `connections` keep-alive connections busy for `seconds`, each cycling through
    `paths` from its own starting point. With `etags`, each request is conditional, and a 200
    (the page's time slot or version changed) gives the ETag to send next, as a browser does."""
    requests = [request_bytes(port, p, etags and etags[p]) for p in paths]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    deadline = time.monotonic() + seconds

    async def one(n: int) -> None:
        nonlocal errors
        reader = writer = None
        i = n
        while time.monotonic() < deadline:
            if writer is None:
                try:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                except OSError:
                    errors += 1
                    await asyncio.sleep(0.01)
                    continue
            started = time.perf_counter()
            try:
                writer.write(requests[i % len(requests)])
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                if etags and status == 200:
                    etag = re.search(rb"\r\netag: *([^\r]+)", head, re.IGNORECASE).group(1)
                    path = paths[i % len(paths)]
                    requests[i % len(paths)] = request_bytes(port, path, etag.decode())
                match = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
                if match:
                    await reader.readexactly(int(match.group(1)))
                elif status != 304:
                    raise ConnectionError("no Content-Length")
                if re.search(rb"\r\nconnection: *close", head, re.IGNORECASE):
                    # the server ends the connection after this answer (nginx does after
                    # keepalive_requests): open another for the next, as a browser does
                    writer.close()
                    reader = writer = None
            except (OSError, asyncio.IncompleteReadError, ConnectionError, ValueError):
                errors += 1
                writer.close()
                reader = writer = None
                continue
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            i += 1
        if writer is not None:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(one(n) for n in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    bad = sum(count for status, count in statuses.items() if status not in (200, 304))
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "median_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else 0,
        "errors": errors + bad,
        "statuses": statuses,
    }


def request_bytes(port: int, path: str, etag: str | None = None) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Accept: text/html",
        "Accept-Encoding: gzip",
        "Connection: keep-alive",
    ]
    if etag:
        lines.append(f"If-None-Match: {etag}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def phase(label: str, server: Server, paths: list[str], etags: dict | None, args) -> dict:
    client_before, server_before = time.process_time(), server.cpu_seconds()
    result = asyncio.run(load(server.port, paths, etags, args.seconds, args.connections))
    result["client_cpu"] = time.process_time() - client_before
    result["server_cpu"] = server.cpu_seconds() - server_before
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items()))
    print(
        f"  {label:<9} {result['rps']:>8.0f} req/s   median {result['median_ms']:6.1f} ms   "
        f"p95 {result['p95_ms']:6.1f} ms   errors {result['errors']}   ({statuses})   "
        f"CPU s: server {result['server_cpu']:.1f}, client {result['client_cpu']:.1f}",
        flush=True,
    )
    return result


PER_PAGE_CONNECTIONS = (1, 8, 32)


def page_paths(url: str) -> list[tuple[str, str]]:
    """The per-page table's pages (issue 17): home, a profile, a search, an API page, the sites'
    GeoJSON and the actions' calendar file."""
    directory = fetch(url + "/org/")[2].decode()
    org = re.search(r'href="(/org/[a-z0-9]+/[^"/]+/)"', directory).group(1)
    name = re.search(r'href="/org/[a-z0-9]+/[^"/]+/"[^>]*>(?:<[^>]+>)*([^<]+)', directory)
    word = name.group(1).split()[0] if name else "a"
    return [
        ("home", "/"),
        ("profile", org),
        ("search", f"/org/?q={urllib.parse.quote(word)}"),
        ("API page", "/api/v1/organizations"),
        ("sites GeoJSON", "/map/sites.geojson"),
        ("ICS calendar", "/calendar/actions.ics"),
    ]


def per_page(server: Server, args) -> None:
    """Each page alone at 1, 8 and 32 connections (bounded: each connection sends its next
    request when the last answer is read), with the machine's load average beside it."""
    print(
        f"\n  per page, {args.page_seconds:g} s a run, from the page cache or the payload cache as"
        " readers get them:"
    )
    print(
        f"  {'page':<14} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}"
        "   load average (1 min)"
    )
    for label, path in page_paths(server.url):
        status, _headers, _body = fetch(server.url + path, {"Accept-Encoding": "gzip"})
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        for connections in PER_PAGE_CONNECTIONS:
            result = asyncio.run(load(server.port, [path], None, args.page_seconds, connections))
            print(
                f"  {label:<14} {connections:>5} {result['rps']:>8.0f} {result['median_ms']:>8.1f}"
                f" {result['p95_ms']:>8.1f} {result['errors']:>6}   {os.getloadavg()[0]:.2f}",
                flush=True,
            )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    args = parse_args()
    args.orgs = args.sites = args.links = None
    dataset, how = bench_public.ensure_dataset("demo", bench_public.DEMO_SIZE, args)
    print(f"  dataset: demo size {'/'.join(map(str, bench_public.DEMO_SIZE))}, {how}")
    cache_env = {"UNMASK_CACHE_URL": REDIS_URL} if args.redis else {}
    where = f"Redis {REDIS_URL}" if args.redis else "the file cache in var/"
    print(
        f"  granian, 2 workers; the cache in {where}; {args.connections} connections, "
        f"{args.seconds:g} s a phase; {os.cpu_count()} CPUs shared by server and client",
        flush=True,
    )
    if args.redis:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    env = {**cache_env, "UNMASK_STATIC_ROOT": str(bench_public.BENCH_DIR / "static")}
    collect = {**bench_public.child_env(dataset), **env}
    subprocess.run(  # the manifest the pages' {% static %} reads, as `make demo` collects it
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
        env=collect,
        check=True,
    )
    server = Server(dataset, env)
    try:
        paths = pages(server.url)
        etags = {}
        for path in paths:
            status, headers, _body = fetch(server.url + path, {"Accept-Encoding": "gzip"})
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            etags[path] = headers["etag"]
        print(f"  pages: {', '.join(paths)}")
        cached = phase("cached", server, paths, None, args)
        not_modified = phase("304", server, paths, etags, args)
        per_page(server, args)
    finally:
        server.stop()
    baseline_server = Server(dataset, {**env, "UNMASK_PAGE_CACHE_SECONDS": "0"})
    try:
        uncached = phase("uncached", baseline_server, paths, None, args)
    finally:
        baseline_server.stop()
    ratio = cached["rps"] / uncached["rps"] if uncached["rps"] else float("inf")
    print(f"  cached / uncached: {ratio:.1f}x the requests per second")
    ok_cached = (
        cached["rps"] >= TARGET_CACHED_RPS
        and cached["p95_ms"] < TARGET_CACHED_P95_MS
        and not cached["errors"]
    )
    ok_304 = not_modified["rps"] >= TARGET_304_RPS and not not_modified["errors"]
    print(
        f"  target cached >= {TARGET_CACHED_RPS} req/s, p95 < {TARGET_CACHED_P95_MS:g} ms, "
        f"no error: {verdict(ok_cached)}"
    )
    print(f"  target 304 >= {TARGET_304_RPS} req/s, no error: {verdict(ok_304)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
