"""Past one machine, on loopback (issue 17, item 4): a PostgreSQL primary and a streaming replica
made with pg_basebackup (tools/pg_replica.py), Redis as the shared cache, and two granian
servers behind Debian's nginx (tools/nginx-upstream.conf), as docs/operations.md sets them up.

Prints, on the demo-size dataset generated into the primary:
- the replica's lag: from a commit on the primary until a read on the replica sees the row,
  median and p95 of --lag-samples commits (fsync is off on this throw-away pair: the figure is
  the streaming and replay, not a disk's flush);
- for home, a profile, a directory search and the first API page at --connections connections
  for --seconds each, uncached (UNMASK_PAGE_CACHE_SECONDS=0: every request reads the database)
  and then cached: requests/s, p50, p95 and errors through nginx to the two servers (1 worker
  each, reads on the replica), beside the baseline in the same run: one server of 2 workers on
  the primary alone, no proxy. Also the CPU seconds the app servers, nginx and the load client
  used, and the requests per CPU-second of the app servers, the sizing figure that
  docs/operations.md turns into readers per core.

All of it shares this machine's cores (client, nginx, both app servers, both PostgreSQL
servers): the ratio is the cost of the proxy and the replica, not the gain of more machines.
Figures only, no target. Skipped (exit 0) without PostgreSQL's server programs, nginx or Redis.

    python benchmarks/bench_cluster.py [--seconds N] [--connections N] [--lag-samples N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tools"))

import bench_load  # noqa: E402 - its load client, pages and CPU accounting
import bench_public  # noqa: E402 - the dataset generator and the servers' settings
import pg_replica  # noqa: E402 - the primary and its replica
import serving  # noqa: E402 - granian as the benchmarks start it

NGINX = Path("/usr/sbin/nginx")
REDIS_URL = "redis://127.0.0.1:6379/9"
PAGES = ("home", "profile", "search", "API page")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each load run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--lag-samples", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    if args.quick:
        args.seconds, args.lag_samples = 3, 50
    return args


def _missing() -> str | None:
    if pg_replica.bindir() is None:
        return "PostgreSQL's server programs are missing"
    if not NGINX.exists():
        return f"{NGINX} is missing (tools/ensure_debian.py nginx-light)"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
    except Exception:  # any failure means no Redis to use
        return "no Redis on 127.0.0.1:6379"
    return None


def replica_lag(urls: dict, samples: int) -> list[float]:
    """Seconds from each commit on the primary until the replica shows its row."""
    import psycopg

    with (
        psycopg.connect(urls["DATABASE_URL"], autocommit=True) as primary,
        psycopg.connect(urls["DATABASE_REPLICA_URL"], autocommit=True) as replica,
    ):
        primary.execute("CREATE TABLE bench_lag (n integer PRIMARY KEY)")
        lags = []
        for n in range(-1, samples):
            started = time.perf_counter()
            primary.execute("INSERT INTO bench_lag VALUES (%s)", [n])
            while True:
                try:
                    if replica.execute("SELECT 1 FROM bench_lag WHERE n = %s", [n]).fetchone():
                        break
                except psycopg.errors.UndefinedTable:  # the table itself is not there yet
                    pass
                time.sleep(0.0002)
            if n >= 0:  # the first waited for the table too
                lags.append(time.perf_counter() - started)
        primary.execute("DROP TABLE bench_lag")
    return lags


class Servers:
    """`count` granian servers of `workers` workers each on `env`; with `proxy`, nginx in front
    of them. `url` is where a client goes: nginx, or the one server."""

    def __init__(self, env: dict, count: int, workers: int, proxy: bool) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="unmask-cluster-"))
        self.processes, ports = [], []
        for _ in range(count):
            port = serving.free_port()
            options = ("--workers", str(workers), "--backpressure", "32")
            self.processes.append(serving.granian(port, env, *options))
            ports.append(port)
        for port in ports:
            page = f"http://127.0.0.1:{port}/methodology/"
            if not serving.answers(
                lambda page=page: urllib.request.urlopen(page, timeout=5).read()
            ):
                self.stop()
                raise SystemExit("a server did not start")
        self.nginx = None
        self.port = ports[0]
        if proxy:
            self.port = serving.free_port()
            conf = (ROOT / "tools" / "nginx-upstream.conf").read_text(encoding="utf-8")
            conf = conf.format(
                user="user root;" if os.geteuid() == 0 else "",
                base=self.base,
                port=self.port,
                servers=" ".join(f"server 127.0.0.1:{port};" for port in ports),
            )
            (self.base / "nginx.conf").write_text(conf, encoding="utf-8")
            self.nginx = subprocess.Popen(
                [str(NGINX), "-p", str(self.base), "-c", str(self.base / "nginx.conf")]
            )
            url = f"http://127.0.0.1:{self.port}/methodology/"
            if not serving.answers(lambda: urllib.request.urlopen(url, timeout=5).read()):
                self.stop()
                raise SystemExit("nginx did not start")
        self.url = f"http://127.0.0.1:{self.port}"

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far of the app servers, and of nginx."""
        app = sum(bench_load.cpu_seconds(p.pid) for p in self.processes)
        return app, bench_load.cpu_seconds(self.nginx.pid) if self.nginx else 0.0

    def stop(self) -> None:
        for process in [*self.processes, *([self.nginx] if self.nginx else [])]:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(self.base, ignore_errors=True)


def run(servers: Servers, path: str, args) -> dict:
    app_before, proxy_before = servers.cpu()
    client_before = time.process_time()
    result = asyncio.run(
        bench_load.load(servers.port, [path], None, args.seconds, args.connections)
    )
    app_after, proxy_after = servers.cpu()
    result["app_cpu"] = app_after - app_before
    result["proxy_cpu"] = proxy_after - proxy_before
    result["client_cpu"] = time.process_time() - client_before
    result["per_cpu_second"] = result["requests"] / result["app_cpu"] if result["app_cpu"] else 0
    return result


def table(label: str, setups: dict[str, Servers], args) -> None:
    print(f"\n  {label}, {args.connections} connections, {args.seconds:g} s a run:")
    print(
        f"  {'page':<9} {'set-up':<28} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}"
        f" {'app CPU s':>9} {'nginx':>6} {'client':>6} {'req per app CPU-s':>17}"
    )
    first = next(iter(setups.values()))
    paths = dict(bench_load.page_paths(first.url))
    for page in PAGES:
        results = {}
        for name, servers in setups.items():
            status, _headers, _body = bench_load.fetch(servers.url + paths[page])
            if status != 200:
                raise SystemExit(f"{paths[page]} answered {status} on {name}")
            results[name] = result = run(servers, paths[page], args)
            print(
                f"  {page:<9} {name:<28} {result['rps']:>7.0f} {result['median_ms']:>7.1f}"
                f" {result['p95_ms']:>7.1f} {result['errors']:>6} {result['app_cpu']:>9.1f}"
                f" {result['proxy_cpu']:>6.1f} {result['client_cpu']:>6.1f}"
                f" {result['per_cpu_second']:>17.0f}",
                flush=True,
            )
        cluster, single = results.values()
        print(
            f"  {'':<9} {'ratio (2 behind nginx / 1)':<28} {cluster['rps'] / single['rps']:>7.2f}"
            f" {cluster['median_ms'] / single['median_ms']:>7.2f}"
            f" {cluster['p95_ms'] / single['p95_ms']:>7.2f}"
        )


def main() -> int:
    args = parse_args()
    why = _missing()
    if why:
        print(f"  skipped: {why}")
        return 0
    import redis

    pair = pg_replica.Pair(pg_replica.bindir())
    var = Path(tempfile.mkdtemp(prefix="unmask-cluster-var-"))
    try:
        started = time.perf_counter()
        pair.start()
        print(f"  primary and replica started in {time.perf_counter() - started:.1f} s")
        urls = pair.urls()
        env = {**bench_public.child_env(var), "DATABASE_URL": urls["DATABASE_URL"]}
        started = time.perf_counter()
        orgs, sites, links = bench_public.DEMO_SIZE
        subprocess.run(
            [
                *(sys.executable, str(HERE / "bench_public.py"), "--worker", "generate"),
                *("--seed", "7", "--orgs", str(orgs), "--sites", str(sites), "--links", str(links)),
            ],
            env=env,
            check=True,
        )
        print(
            f"  demo-size dataset ({orgs}/{sites}/{links}) generated into the primary in"
            f" {time.perf_counter() - started:.0f} s"
        )
        subprocess.run(
            [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
            env=env,
            check=True,
        )
        lags = sorted(replica_lag(urls, args.lag_samples))
        print(
            f"  replica lag over {len(lags)} commits: median {statistics.median(lags) * 1000:.2f}"
            f" ms, p95 {lags[int(0.95 * (len(lags) - 1))] * 1000:.2f} ms,"
            f" max {lags[-1] * 1000:.2f} ms"
        )
        env["UNMASK_CACHE_URL"] = REDIS_URL
        for cached in (False, True):
            redis.Redis.from_url(REDIS_URL).flushdb()
            run_env = {**env, "UNMASK_PAGE_CACHE_SECONDS": "60" if cached else "0"}
            setups = {
                "2 servers, nginx, replica": Servers(
                    {**run_env, **urls, "UNMASK_PROXY_COUNT": "1"}, 2, 1, proxy=True
                ),
            }
            try:
                setups["1 server, primary only"] = Servers(run_env, 1, 2, proxy=False)
                table("from the page cache" if cached else "uncached", setups, args)
            finally:
                for servers in setups.values():
                    servers.stop()
        print(f"  {os.cpu_count()} CPUs shared by everything above; figures only, no target")
    finally:
        pair.stop()
        shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
