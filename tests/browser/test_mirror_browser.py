"""The static mirror (`unmask mirror`) in a real browser, opened as files (file://) and through a
plain static server (Python's http.server), by the same steps: a reader goes from the home page
to the directory, an organization and one of its products; the graph draws from its data script;
the map draws its basemap and sites (MapLibre's worker started from a blob, its data from
scripts) and a site's popup leads to its organization; pagefind's search, over its own index,
finds an organization whose result opens. In Arabic and German too: links and the language
menu keep a reader in the mirror, in the language chosen, and each language's search page
searches that language's pages only, folding letters as the live search does. Nothing may be
requested from another host, and no error may be logged (the mirror's policy is a <meta>: a
violation is a console error).

One mirror (English, Arabic, German) serves the module: the first test builds it."""

from __future__ import annotations

import functools
import http.server
import io
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from unmask.exchange import mirror

from .mapjs import CLUSTERS_DRAWN, SETTLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

GRAPH_COUNT = "Organizations and products:"
# What the map has drawn in some layers, in pixels from the top-left corner of its canvas.
RENDERED = """(layers) => {
  const map = window.unmaskMaps[0];
  return map.queryRenderedFeatures({ layers }).map((f) => {
    const { x, y } = map.project(f.geometry.coordinates);
    const [lon, lat] = f.geometry.coordinates;
    return { layer: f.layer.id, x, y, lon, lat };
  });
}"""
DRAWN = "(layers) => window.unmaskMaps[0].queryRenderedFeatures({ layers }).length"


@dataclass
class Audit:
    """Requests, errors and failures seen by one browser context (the conftest's PageAudit
    watches the live server's origin; a mirror has its own)."""

    origin: str  # "file://" or the static server's origin
    offsite: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return True
        if self.origin == "file://":
            return parts.scheme == "file"
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def assert_clean(self) -> None:
        problems = [f"request left the mirror: {u}" for u in self.offsite] + self.errors
        assert not problems, "The mirror misbehaved:\n  " + "\n  ".join(problems)


# Names the mirror's search finds folded, as the live search does (invented).
FOLDED = {
    "zaklady": "Zakłady Lotnicze Warmia",
    "leichtmetallgiesserei": "Leichtmetallgießerei Harzblick GmbH",
    "baskanligi": "Vesax Tedarik Başkanlığı",
}


LANGUAGES = ["en", "ar", "de"]
# The mirror's search page (mirror-search.js): its box and the links of its results.
SEARCH_BOX = "[data-search] input"
RESULT = "[data-search-results] a"


@pytest.fixture(scope="module")
def _shared(tmp_path_factory):
    return {"folder": tmp_path_factory.mktemp("mirror")}


@pytest.fixture
def mirror_dir(_shared, request, settings):
    """The fixture network and the organizations of FOLDED, mirrored in LANGUAGES once for the
    module (by the first test that asks, in its own database); `network` is the record it was
    built from."""
    if "out" not in _shared:
        _shared["network"] = request.getfixturevalue("network")
        make_org = request.getfixturevalue("make_org")
        for name in FOLDED.values():
            make_org(name, country="PL")
        settings.EXPORT_DIR = _shared["folder"] / "exports"
        call_command("export", stdout=io.StringIO())
        out = _shared["folder"] / "mirror"
        report = mirror.build(out, live_url="https://unmask.example", languages=LANGUAGES)
        assert report.broken == [] and report.errors == []
        _shared["out"] = out
    return _shared["out"]


@pytest.fixture
def record(mirror_dir, _shared):
    """The records the shared mirror holds (as they were: names and addresses)."""
    return _shared["network"]


@pytest.fixture
def static_server(mirror_dir):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(mirror_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def failed(audit: Audit, request) -> None:
    # A request cut short by leaving the page (MapLibre's workers still loading) is no fault.
    if request.failure != "net::ERR_ABORTED":
        audit.errors.append(f"request failed: {request.url} {request.failure}")


def open_context(browser, origin: str):
    audit = Audit(origin=origin)
    context = browser.new_context(
        locale="en-GB", timezone_id="UTC", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)

    def guard(route):
        if audit.allowed(route.request.url):
            route.continue_()
        else:
            audit.offsite.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)

    def console(message):
        if message.type == "error":
            audit.errors.append(f"console error: {message.text}")

    def response(resp):
        if resp.status >= 400:
            audit.errors.append(f"failed response: {resp.status} {resp.url}")

    context.on("console", console)
    context.on("response", response)
    context.on("weberror", lambda error: audit.errors.append(f"page error: {error.error}"))
    context.on("requestfailed", lambda request: failed(audit, request))
    return context, audit


def ends_with(text: str) -> re.Pattern:
    return re.compile(re.escape(text) + "$")


def walk_to_a_product(page, network) -> None:
    """Home → directory → the engine maker → its engine, by the links a reader follows."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organizations").click()
    expect(page).to_have_url(ends_with("/org/index.html"))
    page.get_by_role("link", name="Korvex Aerodynamics").first.click()
    org = network["orgs"]["engines"]
    expect(page).to_have_url(ends_with(org.get_absolute_url() + "index.html"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Korvex Aerodynamics")
    # The organization's network draws from its data script (no fetch: file:// forbids it).
    expect(page.locator("[data-graph-count]").first).to_contain_text(GRAPH_COUNT)
    page.locator("main").get_by_role("link", name="KX-40 engine").first.click()
    product = network["chain"][1]
    expect(page).to_have_url(ends_with(product.get_absolute_url() + "index.html"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("KX-40 engine")


def map_draws_and_opens_a_site(page, base: str, network) -> None:
    """The map page: basemap, sites and list drawn; the Ankara site's popup opens (its data from
    a script) and leads to its organization's page."""
    page.goto(f"{base}/map/index.html")
    page.wait_for_function(CLUSTERS_DRAWN, timeout=20_000)
    expect(page.locator("[data-map-count]")).to_have_text(f"{len(network['sites'])} sites in view")
    expect(page.locator("[data-map-list] li")).to_have_count(len(network["sites"]))
    page.evaluate(SETTLED)
    # The country shapes came through (the worker cannot fetch a file: map/mirror.js).
    assert page.evaluate(DRAWN, ["country-fill"]), "no basemap drawn"
    drawn = page.evaluate(RENDERED, ["site-clusters", "sites-exact", "sites-city", "sites-region"])
    assert drawn, "no site drawn"
    ankara = network["sites"]["integrator"]
    # Rendered features' coordinates are those of the tile they are in (a few thousandths of a
    # degree at this zoom); no other site is within a degree of Ankara's.
    spot = next(
        f
        for f in drawn
        if abs(f["lon"] - float(ankara.longitude)) < 0.01
        and abs(f["lat"] - float(ankara.latitude)) < 0.01
    )
    page.locator(".map-canvas canvas").click(position={"x": spot["x"], "y": spot["y"]})
    popup = page.locator(".maplibregl-popup")
    expect(popup.get_by_role("heading", name="Talvik Aerosystems")).to_be_visible()
    popup.get_by_role("link", name="Talvik Aerosystems").first.click()
    org = network["orgs"]["integrator"]
    expect(page).to_have_url(ends_with(org.get_absolute_url() + "index.html"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Talvik Aerosystems")


def search_finds_and_opens(page, network, shot) -> None:
    """From the home page's menu to the search page; pagefind finds Lindqvist Composites, and its
    result opens the organization's page."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    expect(page).to_have_url(ends_with("/search/index.html"))
    page.locator(SEARCH_BOX).fill("Lindqvist")
    result = page.locator(RESULT).first
    expect(result).to_contain_text("Lindqvist Composites")
    page.screenshot(path=shot)
    result.click()
    blades = network["orgs"]["blades"]
    expect(page).to_have_url(ends_with(blades.get_absolute_url() + "index.html"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lindqvist Composites")


def search_folds_letters(page) -> None:
    """Typed without ł, ß, ı, ğ or ş, as people type on any keyboard, the names are found."""
    for typed, name in FOLDED.items():
        page.locator(SEARCH_BOX).fill(typed)
        expect(page.locator(RESULT).first).to_contain_text(name)


def test_mirror_from_files(browser, mirror_dir, record, artifacts):
    network = record
    context, audit = open_context(browser, "file://")
    page = context.new_page()
    base = mirror_dir.as_uri()
    page.goto(f"{base}/index.html")
    expect(page.locator("main")).to_be_visible()
    walk_to_a_product(page, network)
    page.screenshot(path=artifacts / "mirror-file-product.png", full_page=True)

    page.goto(f"{base}/graph/index.html")
    expect(page.locator("[data-graph-count]")).to_contain_text(GRAPH_COUNT)
    # The map draws from files: no worker file, no fetch (map/mirror.js).
    map_draws_and_opens_a_site(page, base, network)
    page.goto(f"{base}/map/index.html")
    page.wait_for_function(CLUSTERS_DRAWN, timeout=20_000)
    page.screenshot(path=artifacts / "mirror-file-map.png")
    # Search from files: pagefind imported from a blob, its index read from scripts.
    page.goto(f"{base}/index.html")
    search_finds_and_opens(page, network, artifacts / "mirror-file-search.png")
    context.close()
    audit.assert_clean()


def test_mirror_over_a_static_server(browser, static_server, record, artifacts):
    network = record
    context, audit = open_context(browser, static_server)
    page = context.new_page()
    page.goto(f"{static_server}/index.html")
    walk_to_a_product(page, network)

    map_draws_and_opens_a_site(page, static_server, network)
    page.goto(f"{static_server}/map/index.html")
    page.wait_for_function("() => (window.unmaskMaps || []).length === 1")
    page.wait_for_function(CLUSTERS_DRAWN, timeout=20_000)
    page.screenshot(path=artifacts / "mirror-http-map.png")

    page.goto(f"{static_server}/index.html")
    search_finds_and_opens(page, network, artifacts / "mirror-http-search.png")
    expect(page).to_have_url(
        f"{static_server}{network['orgs']['blades'].get_absolute_url()}index.html"
    )
    page.goto(f"{static_server}/search/index.html")
    search_folds_letters(page)
    # Over HTTP pagefind reads its own files (no base64 copies, no UI of its own), and the
    # keyboard goes from the box to a result, which opens.
    asked: list[str] = []
    page.on("request", lambda r: asked.append(urlsplit(r.url).path))
    page.goto(f"{static_server}/search/index.html")
    page.locator(SEARCH_BOX).fill("Lindqvist")
    expect(page.locator(RESULT).first).to_contain_text("Lindqvist Composites")
    expect(page.locator("[data-search-status]")).to_contain_text("Lindqvist")
    expect(page.locator("[data-search-results] mark").first).to_be_visible()
    pagefind = [path for path in asked if "/pagefind/" in path]
    assert "/pagefind/pagefind.js" in pagefind and "/pagefind/wasm.en.pagefind" in pagefind
    assert not [
        path for path in pagefind if path.endswith(".js") and path != "/pagefind/pagefind.js"
    ]
    page.locator(SEARCH_BOX).press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(ends_with(network["orgs"]["blades"].get_absolute_url() + "index.html"))
    context.close()
    audit.assert_clean()


def results(page) -> list[str]:
    """The addresses of the search's results."""
    return page.locator(RESULT).evaluate_all("(els) => els.map((e) => e.href)")


def search_in(page, base: str, language: str, typed: str, name: str) -> None:
    """The search page of `language` finds `name` when `typed` is typed, in its own language's
    pages only (`base`: the mirror's root)."""
    page.locator(SEARCH_BOX).fill(typed)
    expect(page.locator(RESULT).first).to_contain_text(name)
    found = results(page)
    assert found and all(url.startswith(f"{base}/{language}/") for url in found), (typed, found)


def test_mirror_in_other_languages_from_files(browser, mirror_dir, record, artifacts):
    """From the Arabic home page (file://) to the directory and an organization, by the links of
    the Arabic pages; to the same organization in German by the language menu; to the German
    search page by the menu, which finds the organizations of FOLDED (German pages only, though
    the English pages have the same names) and opens one in German; the Arabic search finds
    them too, in Arabic pages."""
    context, audit = open_context(browser, "file://")
    page = context.new_page()
    base = mirror_dir.as_uri()
    page.goto(f"{base}/ar/index.html")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator(".site-header nav li a").first.click()  # the directory
    expect(page).to_have_url(ends_with("/ar/org/index.html"))
    engines = record["orgs"]["engines"].get_absolute_url()
    page.locator("main").get_by_role("link", name="Korvex Aerodynamics").first.click()
    expect(page).to_have_url(ends_with(f"/ar{engines}index.html"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Korvex Aerodynamics")
    # The graph draws from the Arabic page's own data script.
    expect(page.locator("[data-graph-count]").first).not_to_be_empty()

    page.locator(".language-menu summary").click()
    page.locator('.language-menu a[hreflang="de"]').click()
    expect(page).to_have_url(ends_with(f"/de{engines}index.html"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Korvex Aerodynamics")

    page.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Suchen").click()
    expect(page).to_have_url(ends_with("/de/search/index.html"))
    for typed, name in FOLDED.items():
        search_in(page, base, "de", typed, name)
    search_in(page, base, "de", "Lindqvist", "Lindqvist Composites")
    page.screenshot(path=artifacts / "mirror-file-search-de.png")
    page.locator(RESULT).first.click()
    blades = record["orgs"]["blades"].get_absolute_url()
    expect(page).to_have_url(ends_with(f"/de{blades}index.html"))

    page.goto(f"{base}/ar/search/index.html")
    for typed, name in FOLDED.items():
        search_in(page, base, "ar", typed, name)
    page.screenshot(path=artifacts / "mirror-file-search-ar.png")
    context.close()
    audit.assert_clean()
