"""The map in a real browser, as a new reader meets it: clusters, filters in the address, back and
forward, a cluster that zooms in, a site's popup and the way on to its organization. Everything
is drawn from this site (MapLibre's worker, the country shapes, text in the browser's own fonts);
the page audit fails the test on any request elsewhere or any console or CSP error. All names
and places are invented or approximate."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .mapjs import SETTLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLUSTERS_DRAWN = "() => performance.getEntriesByName('unmask:clusters-drawn').length > 0"

# What the map has drawn, in pixels from the top-left corner of its canvas.
RENDERED = """(layers) => {
  const map = window.unmaskMaps[0];
  const canvas = map.getCanvas().getBoundingClientRect();
  return map.queryRenderedFeatures({ layers }).map((f) => {
    const { x, y } = map.project(f.geometry.coordinates);
    return { layer: f.layer.id, x, y, inside: x > 8 && y > 8 && x < canvas.width - 8
      && y < canvas.height - 8, count: f.properties.point_count || 1 };
  });
}"""
DRAWN = "(layers) => window.unmaskMaps[0].queryRenderedFeatures({ layers }).length"
ZOOM = "() => window.unmaskMaps[0].getZoom()"


@pytest.fixture
def record(make_org, make_link, make_site):
    """Four invented organizations: a dozen sites near Kassel close enough to cluster, others in
    Frankfurt, Luleå and Ankara, at every precision."""
    korvex = make_org("Korvex Aerodynamics", country="DE")
    lindqvist = make_org("Lindqvist Composites", country="SE")
    bank = make_org("Ostmark Kreditbank", country="DE", kind="financial")
    talvik = make_org("Talvik Aerosystems", country="TR")

    site = make_site
    for i in range(12):  # about a kilometre apart: one cluster until zoomed well in
        site(korvex, "Kassel", "DE", 51.28 + 0.009 * (i % 4), 9.44 + 0.014 * (i // 4))
    site(bank, "Frankfurt", "DE", 50.1109, 8.6821, role="headquarters")
    site(bank, "Frankfurt", "DE", 50.1155, 8.6724, precision="street", role="office")
    site(lindqvist, "Luleå", "SE", 65.58, 22.15, precision="city")
    site(lindqvist, "", "SE", 66.2, 20.1, precision="region", role="test_range")
    site(talvik, "Ankara", "TR", 39.93, 32.86, role="headquarters")
    make_link(korvex, talvik, summary="Wing spars for the Talvik-9 airframe")
    make_link(bank, talvik, relation="finances")
    make_link(lindqvist, korvex)
    return {"korvex": korvex, "bank": bank}


def wait_for_clusters(page):
    page.wait_for_function(CLUSTERS_DRAWN, timeout=20_000)
    page.evaluate(SETTLED)  # and the map still, the basemap's later files drawn too


def click_on_map(page, x, y):
    page.locator(".map-canvas canvas").click(position={"x": x, "y": y})


def arabic_map_on_a_phone(make_context, width: int, height: int, **context):
    """/ar/map/ on a phone, its clusters drawn: right to left, nothing sideways."""
    page = make_context(
        viewport={"width": width, "height": height}, is_mobile=True, **context
    ).new_page()
    page.goto("/ar/map/")
    wait_for_clusters(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the map page scrolls sideways by {overflow}px on a phone"
    return page


def zoom_in_until_sites(page, least: int) -> list[dict]:
    """Click the biggest cluster in view, again and again, until `least` sites stand apart."""
    for _ in range(14):
        page.evaluate(SETTLED)
        drawn = [
            f for f in page.evaluate(RENDERED, ["site-clusters", "sites-exact"]) if f["inside"]
        ]
        sites = [f for f in drawn if f["layer"] == "sites-exact"]
        if len(sites) >= least:
            return sites
        zoom = page.evaluate(ZOOM)
        cluster = max(drawn, key=lambda c: c["count"])
        click_on_map(page, cluster["x"], cluster["y"])
        page.wait_for_function(f"() => window.unmaskMaps[0].getZoom() > {zoom}")
    raise AssertionError("the clusters never came apart into sites")


def test_clusters_filters_history_zoom_popup_and_profile(
    page, record, assert_same_origin, artifacts
):
    page.goto("/map/")
    wait_for_clusters(page)
    map_block = page.locator("section[data-map]")
    map_block.scroll_into_view_if_needed()
    count = page.locator("[data-map-count]")
    expect(count).to_have_text("17 sites in view")
    drawn = page.evaluate(RENDERED, ["site-clusters"])
    assert drawn, "no cluster on the map"
    assert max(c["count"] for c in drawn) >= 12
    # Country names are drawn by the browser's own fonts (no glyph server).
    assert page.evaluate(DRAWN, ["country-label"])
    list_items = page.locator("[data-map-list] li")
    expect(list_items).to_have_count(17)
    expect(list_items.first.get_by_role("link")).to_have_text("Korvex Aerodynamics")
    page.screenshot(path=artifacts / "map.png", full_page=True)

    # A filter applies at once, shows in the address, and changes what is counted.
    page.get_by_label("Kind of organization").select_option("financial")
    expect(page).to_have_url(re.compile(r"/map/\?kind=financial(#[\d./-]+)?$"))
    expect(count).to_have_text("2 sites in view")
    expect(list_items).to_have_count(2)
    expect(list_items.first.get_by_role("link")).to_have_text("Ostmark Kreditbank")
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    # The footer's language links keep the filters (the address changed in place).
    expect(page.locator('.languages a[hreflang="de"]')).to_have_attribute(
        "href", re.compile(r"/de/map/\?kind=financial(#[\d./-]+)?$")
    )
    page.screenshot(path=artifacts / "map-filtered.png", full_page=True)

    # Back restores the form, the address and the data; forward filters again.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/map/(#[\d./-]+)?$"))
    expect(page.get_by_label("Kind of organization")).to_have_value("")
    expect(count).to_have_text("17 sites in view")
    expect(page.get_by_role("link", name="Clear filters")).to_be_hidden()
    page.go_forward()
    expect(page.get_by_label("Kind of organization")).to_have_value("financial")
    expect(count).to_have_text("2 sites in view")
    page.go_back()
    expect(count).to_have_text("17 sites in view")

    # A cluster zooms in on a click; the list follows the view.
    page.evaluate(SETTLED)
    zoom = page.evaluate(ZOOM)
    big = max(page.evaluate(RENDERED, ["site-clusters"]), key=lambda c: c["count"])
    click_on_map(page, big["x"], big["y"])
    page.wait_for_function(f"() => window.unmaskMaps[0].getZoom() > {zoom + 0.5}")
    expect(count).not_to_have_text("17 sites in view")
    expect(page).to_have_url(re.compile(r"/map/#[\d.]+/5[01]\.\d+/(8|9|10)\.\d+$"))

    # Zoom on into the Kassel cluster until its sites stand apart, then open one.
    sites = zoom_in_until_sites(page, 1)
    page.evaluate(SETTLED)
    click_on_map(page, sites[0]["x"], sites[0]["y"])
    popup = page.locator(".maplibregl-popup")
    expect(popup.get_by_role("heading", name="Korvex Aerodynamics")).to_be_visible()
    expect(popup).to_contain_text("Factory")
    expect(popup).to_contain_text("Position known to: Exact")
    expect(popup).to_contain_text("supplies components to Talvik Aerosystems")
    expect(popup.locator(".status-badge").first).to_have_text("Reported")
    page.screenshot(path=artifacts / "map-popup.png")

    popup.get_by_role("link", name="Korvex Aerodynamics").click()
    expect(page).to_have_url(record["korvex"].get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Korvex Aerodynamics")
    assert_same_origin()


# The first screen (frontend/src/map/first-screen.js): what it drew, and its view.
FIRST = "() => [...window.unmaskFirstScreens.values()][0]"
FIRST_DRAWN = f"""() => ({FIRST})().circles.map((c) => ({{
  kind: c.kind, x: c.x, y: c.y, n: c.feature.properties.n || c.feature.properties.point_count || 1 }}))"""
SCRIPTS = """() => performance.getEntriesByType("resource").map((e) => e.name)
  .filter((name) => name.includes("/dist/") && name.endsWith(".js"))
  .map((name) => name.split("/").pop().split(".")[0])"""


def test_the_first_screen_draws_the_preview_then_every_site_before_maplibre(
    page, record, artifacts
):
    """Before MapLibre's bundle is even asked for, the map page draws the server's preview of the
    sites (maps/preview.py) on its first screen, from a few kilobytes of script; then the
    clusters of every site from their worker; then MapLibre takes over and the first screen
    goes."""
    held = {"sites": [], "gl": []}
    # What the sites' worker fetches (maps/compact.py), and MapLibre's bundle: held until let through.
    page.route("**/map/sites.bin*", lambda route: held["sites"].append(route))
    page.route("**/dist/map-gl*.js", lambda route: held["gl"].append(route))
    page.goto("/map/")
    page.wait_for_function("() => performance.getEntriesByName('unmask:first-screen').length > 0")
    drawn = page.evaluate(FIRST_DRAWN)
    assert {c["kind"] for c in drawn} == {"preview"}
    assert 12 <= max(c["n"] for c in drawn) <= 17  # the Kassel dozen, in one cell
    page.screenshot(path=artifacts / "map-first-screen-preview.png")
    # Only the first screen's scripts so far: no MapLibre, whose bundle is asked for once it is drawn.
    assert set(page.evaluate(SCRIPTS)) <= {"main", "map", "sites-worker", "map-gl"}
    assert page.evaluate("() => window.unmaskMaps === undefined")
    assert len(held["sites"]) == 1
    held["sites"][0].continue_()
    page.wait_for_function(
        "() => performance.getEntriesByName('unmask:first-screen-clustered').length > 0"
    )
    drawn = page.evaluate(FIRST_DRAWN)
    assert {c["kind"] for c in drawn} <= {"cluster", "site"}
    assert sum(c["n"] for c in drawn) == 17  # every site, in its clusters
    page.wait_for_function("() => window.unmaskFirstScreens.size && true")
    for route in held["gl"]:
        route.continue_()
    page.unroute("**/dist/map-gl*.js")
    wait_for_clusters(page)
    expect(page.locator(".map-first-screen")).to_have_count(0)
    assert page.evaluate(DRAWN, ["site-clusters"])
    expect(page.locator("[data-map-count]")).to_have_text("17 sites in view")
    # The sites were fetched once: MapLibre's component took the first screen's worker.
    assert len(held["sites"]) == 1
    # And MapLibre opened where the first screen was, the sites fitted the same way: no jump.
    view = page.evaluate(f"() => ({FIRST})().view")
    assert page.evaluate(ZOOM) == pytest.approx(view["zoom"], abs=0.01)
    centre = page.evaluate("() => window.unmaskMaps[0].getCenter().toArray()")
    assert centre == pytest.approx(view["center"], abs=1e-3)


def test_a_cluster_clicked_on_the_first_screen_zooms_in_and_maplibre_opens_there(page, record):
    """A reader who clicks a cluster before MapLibre has come gets the same as on MapLibre's map:
    the view zooms in to where the cluster comes apart, and MapLibre opens at that view."""
    held = []
    page.route("**/dist/map-gl*.js", lambda route: held.append(route))
    page.goto("/map/")
    page.wait_for_function(
        "() => performance.getEntriesByName('unmask:first-screen-clustered').length > 0"
    )
    before = page.evaluate(f"() => ({FIRST})().view.zoom")
    big = max(page.evaluate(FIRST_DRAWN), key=lambda c: c["n"])
    assert big["n"] >= 12 and big["kind"] == "cluster"  # Kassel's dozen (Frankfurt's maybe)
    page.locator(".map-first-screen").click(position={"x": big["x"], "y": big["y"]})
    page.wait_for_function(f"() => ({FIRST})().view.zoom > {before + 0.5}")
    view = page.evaluate(f"() => ({FIRST})().view")
    for route in held:
        route.continue_()
    page.unroute("**/dist/map-gl*.js")
    wait_for_clusters(page)
    expect(page.locator(".map-first-screen")).to_have_count(0)
    zoom = page.evaluate(ZOOM)
    assert abs(zoom - view["zoom"]) < 0.01
    centre = page.evaluate("() => window.unmaskMaps[0].getCenter().toArray()")
    assert centre == pytest.approx(view["center"], abs=1e-3)
    # The address keeps that view.
    assert re.search(r"#\d+(\.\d+)?/5[01]\.", page.url)


def test_a_site_clicked_on_the_first_screen_opens_once_maplibre_is_there(page, record):
    """A site clicked on the first screen, before MapLibre has come, is not lost: its popup
    opens on MapLibre's map as soon as that is drawn."""
    held = []
    page.route("**/dist/map-gl*.js", lambda route: held.append(route))
    page.goto("/map/")
    page.wait_for_function(
        "() => performance.getEntriesByName('unmask:first-screen-clustered').length > 0"
    )
    sites = [c for c in page.evaluate(FIRST_DRAWN) if c["kind"] == "site"]
    ankara = page.evaluate(
        f"""() => ({FIRST})().circles.filter((c) => c.kind === "site")
             .map((c) => c.feature.geometry.coordinates[0])"""
    )
    east = max(range(len(sites)), key=lambda i: ankara[i])  # Talvik's headquarters in Ankara
    page.locator(".map-first-screen").click(position={"x": sites[east]["x"], "y": sites[east]["y"]})
    expect(page.locator(".maplibregl-popup")).to_have_count(0)
    for route in held:
        route.continue_()
    page.unroute("**/dist/map-gl*.js")
    popup = page.locator(".maplibregl-popup")
    expect(popup.get_by_role("heading", name="Talvik Aerosystems")).to_be_visible(timeout=20_000)
    expect(page.locator(".map-first-screen")).to_have_count(0)


def test_past_the_limit_the_map_draws_the_servers_clusters_down_to_a_site(
    page, record, settings, assert_same_origin, artifacts
):
    """A record with more sites than a browser should load (UNMASK_MAP_TILED_FROM: a million
    sites would be 8 MB) is drawn from the server's clusters (maps/tiles.py): the first screen
    and MapLibre draw the preview's cells, then a tile at each zoom the reader goes to, down to
    a site that opens; the list counts what is in view and names the sites on their own."""
    settings.MAP_TILED_FROM = 10  # the record has 17
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto("/map/")
    page.wait_for_function(
        "() => performance.getEntriesByName('unmask:first-screen-clustered').length > 0"
    )
    drawn = page.evaluate(FIRST_DRAWN)
    assert sum(c["n"] for c in drawn) == 17  # the preview's cells, every site in one of them
    wait_for_clusters(page)
    expect(page.locator(".map-first-screen")).to_have_count(0)
    count = page.locator("[data-map-count]")
    expect(count).to_have_text("17 sites in view")
    assert not [url for url in asked if "/map/sites.bin" in url or "/map/site-ids.bin" in url]
    assert not [url for url in asked if "sites-worker" in url]

    # Zoom in on the Kassel dozen, click by click: past zoom 5 each view is cut by the server.
    sites = zoom_in_until_sites(page, 2)
    assert [url for url in asked if re.search(r"/map/tiles/\d+/\d+/\d+\.json", url)]
    # The list names the sites on their own in view, and counts the clustered ones too.
    page.evaluate(SETTLED)
    list_items = page.locator("[data-map-list] li")
    expect(list_items.first.get_by_role("link")).to_have_text("Korvex Aerodynamics")
    expect(count).not_to_have_text("17 sites in view")
    page.screenshot(path=artifacts / "map-tiled.png")
    click_on_map(page, sites[0]["x"], sites[0]["y"])
    popup = page.locator(".maplibregl-popup")
    expect(popup.get_by_role("heading", name="Korvex Aerodynamics")).to_be_visible()
    expect(popup).to_contain_text("Position known to: Exact")


def test_without_its_worker_the_map_clusters_the_sites_itself(page, record):
    """Where the sites' worker cannot start (a policy, an old browser, a file that did not
    load), the page reads and clusters the sites itself: the same clusters, list and popups."""
    refused = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort()

    page.route("**/sites-worker*.js", refuse)
    page.goto("/map/")
    wait_for_clusters(page)
    assert refused, "the page never asked for its worker"
    expect(page.locator("[data-map-count]")).to_have_text("17 sites in view")
    drawn = page.evaluate(RENDERED, ["site-clusters"])
    assert max(c["count"] for c in drawn) >= 12
    # A cluster still opens, from the page's own index.
    zoom = page.evaluate(ZOOM)
    big = max(drawn, key=lambda c: c["count"])
    click_on_map(page, big["x"], big["y"])
    page.wait_for_function(f"() => window.unmaskMaps[0].getZoom() > {zoom + 0.5}")


def test_a_site_opens_once_its_id_is_known_and_ids_of_another_record_reload_the_map(page, record):
    """The sites' public ids come in a second request (maps/compact.py), after the sites are
    drawn. Ids built from another version of the record (one payload from the cache's last
    build after an edit) are not used: the site's popup says its details could not be loaded,
    the map loads both again, and the site then opens."""
    asked = {"sites": 0, "ids": 0}
    page.on(
        "request",
        lambda request: "/map/sites.bin" in request.url and asked.update(sites=asked["sites"] + 1),
    )

    def ids(route):
        asked["ids"] += 1
        if asked["ids"] > 1:
            route.continue_()
            return
        response = route.fetch()
        body = response.body()
        length = int.from_bytes(body[8:12], "little")
        header = body[12 : 12 + length]
        check = json.loads(header)["idsCheck"]
        other = header.replace(check.encode(), b"0" * len(check))
        route.fulfill(
            status=200,
            body=body[:12] + other + body[12 + length :],
            headers={"Content-Type": response.headers["content-type"]},
        )

    page.route("**/map/site-ids.bin*", ids)
    page.goto("/map/#9/39.93/32.86")  # Ankara, one site alone
    wait_for_clusters(page)

    def open_the_site():
        page.evaluate(SETTLED)
        (site,) = [f for f in page.evaluate(RENDERED, ["sites-exact"]) if f["inside"]]
        click_on_map(page, site["x"], site["y"])
        return page.locator(".maplibregl-popup")

    expect(open_the_site()).to_contain_text("The details could not be loaded.")
    page.wait_for_function("() => !document.querySelector('[data-map][aria-busy]')")
    assert asked == {"sites": 2, "ids": 2}
    popup = open_the_site()
    expect(popup.get_by_role("heading", name="Talvik Aerosystems")).to_be_visible()


def test_a_shared_link_opens_the_same_view(page, record, assert_same_origin):
    page.goto("/map/?kind=company#9/51.3/9.47")
    wait_for_clusters(page)
    expect(page.get_by_label("Kind of organization")).to_have_value("company")
    expect(page.locator("[data-map-count]")).to_have_text("12 sites in view")
    assert page.evaluate(ZOOM) == pytest.approx(9, abs=0.01)
    center = page.evaluate("() => window.unmaskMaps[0].getCenter().toArray()")
    assert center == pytest.approx([9.47, 51.3], abs=0.01)
    assert_same_origin()


def test_the_map_reads_right_to_left_and_fits_a_phone(make_context, page_audit, record, artifacts):
    page = arabic_map_on_a_phone(make_context, 360, 740, color_scheme="dark")
    page.locator(".map-canvas").scroll_into_view_if_needed()
    # The zoom buttons sit at the inline end: the left, right to left.
    zoom_in = page.locator(".maplibregl-ctrl-zoom-in")
    canvas = page.locator(".map-canvas").bounding_box()
    assert zoom_in.bounding_box()["x"] < canvas["x"] + canvas["width"] / 2
    expect(page.locator("[data-map-list] li")).to_have_count(17)
    page.screenshot(path=artifacts / "map-phone-rtl-dark.png")
    page_audit.assert_clean()


def test_a_tile_that_fails_says_so_and_is_asked_for_again(page, page_audit, record, settings):
    settings.MAP_TILED_FROM = 10
    page.route("**/map/tiles/**", lambda route: route.fulfill(status=500, body="down"))
    page.goto("/map/#10/51.3/9.5")  # Kassel, where the server's tiles are drawn
    wait_for_clusters(page)
    count = page.locator("[data-map-count]")
    expect(count).to_have_text(re.compile(r"^The sites could not be loaded"))
    page_audit.clear()  # the failed tiles, as the test made them fail
    page.unroute("**/map/tiles/**")
    page.evaluate("() => window.unmaskMaps[0].panBy([4, 0], { duration: 0 })")
    expect(count).to_have_text(re.compile(r"^\d+ sites? in view$"))
    page.evaluate(SETTLED)
    assert page.evaluate(DRAWN, ["site-clusters", "sites-exact"])


def test_a_country_pages_map_draws_the_servers_clusters_past_the_limit(page, record, settings):
    """The maps on record pages follow the same limit: a country with more sites than a
    browser should load draws the server's clusters of that country only."""
    settings.MAP_TILED_FROM = 10  # Germany has 14 here
    page.goto("/country/DE/")
    page.locator("section[data-map]").scroll_into_view_if_needed()
    wait_for_clusters(page)
    drawn = page.evaluate(RENDERED, ["site-clusters", "sites-exact", "sites-city", "sites-region"])
    assert sum(f["count"] for f in drawn) == 14  # Kassel's dozen and Frankfurt's two


def test_the_servers_clusters_read_right_to_left_on_a_phone(
    make_context, page_audit, record, settings, artifacts
):
    """The map drawn from the server's clusters (past UNMASK_MAP_TILED_FROM) on a phone in
    Arabic: every site in a cluster or on its own, the count in the page's language, nothing
    sideways."""
    settings.MAP_TILED_FROM = 10
    page = arabic_map_on_a_phone(make_context, 390, 844)
    drawn = page.evaluate(RENDERED, ["site-clusters", "sites-exact", "sites-city", "sites-region"])
    assert sum(f["count"] for f in drawn) == 17
    count = page.locator("[data-map-count]")
    expect(count).to_have_text(re.compile(r"(17|١٧)"))
    expect(count).not_to_contain_text("sites")  # in Arabic
    page.locator(".map-canvas").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "map-tiled-phone-rtl.png")
    page_audit.assert_clean()


def test_the_embed_is_the_map_alone(page, record, assert_same_origin, artifacts):
    page.set_viewport_size({"width": 900, "height": 560})
    page.goto("/embed/map/?kind=financial")
    wait_for_clusters(page)
    expect(page.locator("[data-map-count]")).to_have_text("2 sites in view")
    assert page.locator("form[data-map-filters]").count() == 0
    box = page.locator(".map-canvas").bounding_box()
    assert box["height"] > 400  # as tall as the frame, less the credit line
    page.screenshot(path=artifacts / "map-embed.png")
    assert_same_origin()


# --- an operator's PMTiles basemap -------------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:  # a length-delimited protobuf field
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _uint(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 31)


def _geometry(kind: str, points: list[tuple[int, int]]) -> bytes:
    """Vector-tile geometry commands for one point or one closed ring."""
    commands, x, y = [], 0, 0
    for i, (px, py) in enumerate(points):
        if i == 0:
            commands.append(1 | 1 << 3)  # MoveTo, one point
        elif i == 1:
            commands.append(2 | (len(points) - 1) << 3)  # LineTo the rest
        commands += [_zigzag(px - x), _zigzag(py - y)]
        x, y = px, py
    if kind == "polygon":
        commands.append(7 | 1 << 3)  # ClosePath
    return b"".join(_varint(c) for c in commands)


def _layer(name: str, features: list[tuple[str, list, dict]]) -> bytes:
    keys, values, body = [], [], b""
    for kind, points, properties in features:
        tags = []
        for key, value in properties.items():
            keys.append(key) if key not in keys else None
            values.append(value) if value not in values else None
            tags += [keys.index(key), values.index(value)]
        feature = _field(2, b"".join(_varint(t) for t in tags))
        feature += _uint(3, 1 if kind == "point" else 3)
        feature += _field(4, _geometry(kind, points))
        body += _field(2, feature)
    body += b"".join(_field(3, k.encode()) for k in keys)
    body += b"".join(_field(4, _field(1, v.encode())) for v in values)
    return _field(1, name.encode()) + body + _uint(5, 4096) + _uint(15, 2)


def make_pmtiles(path) -> None:
    """A PMTiles v3 archive of one uncompressed vector tile (z0) in the Protomaps schema: land,
    a lake and a town near Kassel, for MapLibre to overzoom."""
    square = [(0, 0), (4096, 0), (4096, 4096), (0, 4096), (0, 0)]
    # Tile units at zoom 0: Kassel (9.5° E, 51.3° N) is at about (2156, 1366).
    lake = [(2159, 1360), (2166, 1360), (2166, 1364), (2159, 1364), (2159, 1360)]
    tile = b"".join(
        _field(3, layer)
        for layer in [
            _layer("earth", [("polygon", square, {"kind": "earth"})]),
            _layer("water", [("polygon", lake, {"kind": "lake"})]),
            _layer(
                "places",
                [("point", [(2151, 1367)], {"kind": "locality", "name": "Testburg"})],
            ),
        ]
    )
    directory = _varint(1) + _varint(0) + _varint(1) + _varint(len(tile)) + _varint(1)
    metadata = b"{}"
    header = b"PMTiles" + bytes([3])
    offsets = [127, len(directory), 127 + len(directory), len(metadata)]
    data_offset = 127 + len(directory) + len(metadata)
    offsets += [data_offset, 0, data_offset, len(tile), 1, 1, 1]
    header += b"".join(n.to_bytes(8, "little") for n in offsets)
    header += bytes([1, 1, 1, 1, 0, 0])  # clustered, no compression, vector tiles, zoom 0-0
    for e7 in (-180, -85, 180, 85):
        header += (e7 * 10_000_000).to_bytes(4, "little", signed=True)
    header += bytes([0]) + (0).to_bytes(4, "little") + (0).to_bytes(4, "little")
    assert len(header) == 127
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + directory + metadata + tile)


def test_an_operators_pmtiles_basemap_draws_under_the_sites(
    page, page_audit, record, settings, tmp_path, assert_same_origin, artifacts
):
    settings.VAR_DIR = tmp_path
    settings.BASEMAP_PMTILES = "region.pmtiles"
    make_pmtiles(tmp_path / "basemap" / "region.pmtiles")
    page.goto("/map/#8/51.3/9.5")
    wait_for_clusters(page)
    page.evaluate(SETTLED)
    assert page.evaluate(DRAWN, ["pm-water"]), "the lake from the PMTiles is not drawn"
    assert page.evaluate(DRAWN, ["pm-places"]), "the town's name is not drawn"
    assert any("/basemap/region.pmtiles" in r for r in page_audit.requests)
    page.locator(".map-canvas").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "map-pmtiles.png")
    assert_same_origin()
