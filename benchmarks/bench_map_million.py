"""The map at a million sites: past UNMASK_MAP_TILED_FROM the map never loads every site, it draws
the server's clusters (maps/preview.py up to zoom 5, maps/tiles.py beyond). Issue 17, item 1:
"at 1,000,000 sites the map still draws (server-cut tiles or clusters) in < 3 s, with memory in
the browser measured".

Datasets (bench_public's cache under var/bench/): 10,000 organizations / 1,000,000 sites /
10,000 links (generated once, about six minutes), and bench_public's large dataset (100,000
sites, which the map loads whole) as the baseline in the same run.

Server side, in a process of its own with Django's test client (medians):
- the map page itself; the preview (cold: the cache emptied before each request; and cached);
- the tiles a reader meets zooming in on the densest place, zoom 6 to 16: cold and cached, with
  their compressed size.
In headless Chromium (Debian's, software WebGL, a fresh context per load, 1280×800 and a phone's
390×844), against granian as `make demo` serves:
- navigation to the first screen (`unmask:first-screen`), to the server's clusters on it
  (`unmask:first-screen-clustered`), and to MapLibre's first frame with them
  (`unmask:clusters-drawn`: panning, popups), the figure held to 3 s;
- then three jumps in on the biggest cluster (zoom 9, 12 and 15), each timed until its tiles are
  drawn (the map idle with nothing left to cluster);
- the memory then: the page's JavaScript heap (DevTools' JSHeapUsedSize, the page's thread; the
  sites' worker of a whole map has its own, not counted there) and the resident memory of the
  page's renderer process (/proc: every thread and worker of the page).
The same for the 100,000-site map, loaded whole, in the same run: the baseline.

    python benchmarks/bench_map_million.py [--browser-runs N] [--no-browser] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))  # tests.browser.conftest, for the browser switches

import bench_public  # noqa: E402 - the datasets and their cache are shared

MILLION = (10_000, 1_000_000, 10_000)
LARGE = bench_public.LARGE_SIZE
CHROMIUM = "/usr/bin/chromium"
DESKTOP = (1280, 800)
PHONE = (390, 844)
TARGET_DRAWN_MS = 3000  # issue 17 item 1: at a million sites the map still draws in < 3 s
FIRST_MARK = "unmask:first-screen"
ALL_MARK = "unmask:first-screen-clustered"
DRAWN_MARK = "unmask:clusters-drawn"
JUMPS = (9, 12, 15)  # zooms jumped to on the biggest cluster
TILE_ZOOMS = (6, 8, 10, 12, 14, 16)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--browser-runs", type=int, default=3, help="page loads per dataset")
    parser.add_argument("--cold", type=int, default=3, help="cold requests per payload")
    parser.add_argument("--repeat", type=int, default=15, help="cached requests per payload")
    parser.add_argument("--no-browser", action="store_true", help="server figures only")
    parser.add_argument("--quick", action="store_true", help="one load, fewer requests")
    parser.add_argument("--regenerate", action="store_true", help="ignore cached datasets")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", choices=("server",), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    if args.quick:
        args.browser_runs, args.cold, args.repeat = 1, 1, 5
    return args


# --- child: server-side figures -------------------------------------------------------------------


def block_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    from unmask.maps import grid, tiles

    blocks = 2 ** tiles.block_zoom(zoom)
    x, y = grid.mercator(lon, lat)
    return min(int(x * blocks), blocks - 1), min(int(y * blocks), blocks - 1)


def main_server(args) -> int:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from unmask.runtime import settle

    call_command("collectstatic", interactive=False, verbosity=0)  # the page names its scripts
    client = Client(HTTP_HOST="127.0.0.1")

    def timed(path: str, cold: bool) -> tuple[float, int]:
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (path, response.status_code)
        return elapsed, len(response.content)

    def both(path: str) -> dict:
        cold = [timed(path, True) for _ in range(args.cold)]
        cached = [timed(path, False)[0] for _ in range(args.repeat)]
        return {
            "cold": statistics.median(t for t, _ in cold),
            "cached": statistics.median(cached),
            "gzip": cold[-1][1],
        }

    settle()
    # The page counts the sites it shows (and picks the server's clusters past the limit).
    figures = {"page": statistics.median(timed("/map/", False)[0] for _ in range(args.repeat))}
    figures["preview"] = both("/map/sites.preview.geojson")
    import gzip

    preview = json.loads(
        gzip.decompress(
            client.get("/map/sites.preview.geojson", HTTP_ACCEPT_ENCODING="gzip").content
        )
    )
    figures["sites"] = preview["sites"]
    # The way a reader zooms in on the densest place: the biggest of the preview's finest
    # cells, then at each zoom the biggest cluster of the tile it is in.
    finest = [f for f in preview["features"] if f["properties"]["z"] == preview["maxZoom"]]
    lon, lat = max(finest, key=lambda f: f["properties"]["n"])["geometry"]["coordinates"]
    figures["tiles"] = {}
    for zoom in TILE_ZOOMS:
        x, y = block_of(lon, lat, zoom)
        path = f"/map/tiles/{zoom}/{x}/{y}.json"
        figures["tiles"][zoom] = both(path)
        tile = json.loads(gzip.decompress(client.get(path, HTTP_ACCEPT_ENCODING="gzip").content))
        figures["tiles"][zoom]["shown"] = len(tile["clusters"]) + len(tile["sites"])
        if tile["clusters"]:
            lon, lat, _n = tile["clusters"][0]  # the biggest first
    Path(args.out).write_text(json.dumps(figures))
    return 0


def server_figures(directory: Path, args) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    command = [sys.executable, __file__, "--worker", "server", "--out", str(out_path)]
    command += ["--repeat", str(args.repeat), "--cold", str(args.cold)]
    try:
        # What the page costs the server: rendered each time (no page cache).
        env = {**bench_public.child_env(directory), "UNMASK_PAGE_CACHE_SECONDS": "0"}
        subprocess.run(command, env=env, check=True)
        return json.loads(out_path.read_text())
    finally:
        out_path.unlink(missing_ok=True)


# --- browser figures ------------------------------------------------------------------------------

MARK_AT = "(m) => performance.getEntriesByName(m)[0]?.startTime ?? null"
SETTLED = """() => new Promise((resolve) => {
  const map = window.unmaskMaps[0];
  const section = map.getContainer().closest("section[data-map]");
  const check = () => {
    if ("clustering" in section.dataset) return setTimeout(check, 10);
    map.once("idle", () => resolve(performance.now()));
    map.triggerRepaint();
  };
  check();
})"""
# Jump to the biggest cluster in view at `zoom`; the time until its view is drawn and still,
# and what is drawn then.
JUMP = """async (zoom) => {
  const map = window.unmaskMaps[0];
  const layers = ["site-clusters", "sites-exact", "sites-city", "sites-region"].filter((id) => map.getLayer(id));
  const clusters = map.queryRenderedFeatures({ layers: ["site-clusters"] });
  const biggest = clusters.sort((a, b) => b.properties.point_count - a.properties.point_count)[0];
  const centre = biggest ? biggest.geometry.coordinates : map.getCenter().toArray();
  const start = performance.now();
  map.jumpTo({ center: centre, zoom });
  const done = await (SETTLED)();
  return { ms: done - start, drawn: map.queryRenderedFeatures({ layers }).length };
}""".replace("SETTLED", SETTLED)


def renderer_rss(browser) -> int:
    """The resident memory of the biggest renderer process (the page's), in bytes."""
    session = browser.new_browser_cdp_session()
    try:
        processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    finally:
        session.detach()
    biggest = 0
    for process in processes:
        if process.get("type") != "renderer":
            continue
        try:
            status = Path(f"/proc/{process['id']}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                biggest = max(biggest, int(line.split()[1]) * 1024)
    return biggest


def js_heap(page) -> int:
    session = page.context.new_cdp_session(page)
    try:
        session.send("Performance.enable")
        metrics = session.send("Performance.getMetrics")["metrics"]
    finally:
        session.detach()
    return int(next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize"))


def browser_figures(directory: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS  # the same switches as the browser tests

    server = bench_public.Server(directory, collectstatic=True)
    results: dict[str, list[float]] = {}

    def keep(name: str, value) -> None:
        if value is not None:
            results.setdefault(name, []).append(value)

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _run in range(runs):
                for on, (width, height) in (("", DESKTOP), ("_phone", PHONE)):
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    page.goto(server.url + "/map/", wait_until="commit")
                    page.wait_for_function(
                        "(m) => performance.getEntriesByName(m).length > 0",
                        arg=DRAWN_MARK,
                        timeout=120_000,
                    )
                    for name, mark in (
                        ("first", FIRST_MARK),
                        ("all", ALL_MARK),
                        ("drawn", DRAWN_MARK),
                    ):
                        keep(f"{name}{on}", page.evaluate(MARK_AT, mark))
                    if not on:
                        page.evaluate(SETTLED)
                        for zoom in JUMPS:
                            jump = page.evaluate(JUMP, zoom)
                            keep(f"jump{zoom}", jump["ms"])
                            keep(f"jump{zoom}_drawn", jump["drawn"])
                        keep("heap", js_heap(page))
                        keep("rss", renderer_rss(browser))
                    context.close()
            browser.close()
    finally:
        server.stop()
    figures = {name: statistics.median(values) for name, values in results.items()}
    for name, values in results.items():
        figures[f"{name}_first"] = values[0]  # the first load: the server's payloads built cold
    return figures


# --- the parent -----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    args = parse_args()
    if args.worker == "server":
        return main_server(args)
    print("datasets:", flush=True)
    if not args.no_browser and not Path(CHROMIUM).exists():
        print(f"  {CHROMIUM} is missing (apt-get install chromium): browser figures skipped")
        args.no_browser = True
    million, how = bench_public.ensure_dataset("million", MILLION, args)
    print(f"  million {MILLION}: {how}")
    large, how = bench_public.ensure_dataset("large", LARGE, args)
    print(f"  large {LARGE}: {how}")

    rows = {}
    for label, directory in (("large", large), ("million", million)):
        print(f"  {label}: the map's payloads on the server ...", flush=True)
        rows[label] = server_figures(directory, args)
        if not args.no_browser:
            print(f"  {label}: loading /map/ in Chromium ...", flush=True)
            rows[label].update(browser_figures(directory, args.browser_runs))

    large, million = rows["large"], rows["million"]
    print(
        f"\n== the map at {million['sites']:,} sites (the server's clusters) against"
        f" {large['sites']:,} (loaded whole); medians"
    )
    header = f"   {'':44} {'100k':>9} {'1M':>9}  target"
    print(header)
    print("   " + "-" * (len(header) - 3))

    def line(name, key, unit="ms", target=None, fmt="{:.0f}", scale=1.0):
        values = [row.get(key) for row in (large, million)]
        cells = [(fmt.format(v * scale) if v is not None else "-").rjust(9) for v in values]
        check = ""
        if target is not None and values[1] is not None:
            check = f"< {target} {unit}: {verdict(values[1] < target)}"
        print(f"   {name:44} {cells[0]} {cells[1]}  {unit:3} {check}".rstrip())

    line("the map page (server)", "page", fmt="{:.1f}")
    print("   the preview (server):")
    for key, label in (("cold", "cold (built)"), ("cached", "cached")):
        values = [row["preview"][key] for row in (large, million)]
        print(f"     {label:42} {values[0]:>9.1f} {values[1]:>9.1f}  ms")
    sizes = [row["preview"]["gzip"] / 1024 for row in (large, million)]
    print(f"     {'compressed':42} {sizes[0]:>9.1f} {sizes[1]:>9.1f}  KB")
    if not args.no_browser:
        line("navigation to the first screen", "first")
        line("  the server's clusters on it", "all")
        line("  MapLibre's first frame with them", "drawn", target=TARGET_DRAWN_MS)
        line("    the first load (the preview built cold)", "drawn_first", target=TARGET_DRAWN_MS)
        line("  on a phone (390×844): first screen", "first_phone")
        line("    MapLibre's first frame", "drawn_phone", target=TARGET_DRAWN_MS)
        for zoom in JUMPS:
            line(f"  a jump to zoom {zoom}, drawn", f"jump{zoom}", target=TARGET_DRAWN_MS)
        line("memory: the page's JavaScript heap", "heap", "MB", fmt="{:.1f}", scale=1 / 2**20)
        line("  the page's renderer process (resident)", "rss", "MB", fmt="{:.0f}", scale=1 / 2**20)
    print(
        "\n   tiles on the way in to the densest place, at 1M"
        " (cold / cached ms, KB compressed, clusters and sites in it):"
    )
    for zoom, figures in sorted(million["tiles"].items(), key=lambda item: int(item[0])):
        print(
            f"     zoom {int(zoom):>2}  {figures['cold']:>8.1f} / {figures['cached']:>5.1f} ms"
            f"  {figures['gzip'] / 1024:>7.1f} KB  {figures['shown']:>7,}"
        )
    print(
        "   (at 100k the map loads every site and clusters them in the browser; its tiles are"
        " shown for the million only)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
