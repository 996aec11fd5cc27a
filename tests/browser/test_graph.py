"""The network graph in a real browser, as a new reader meets it: the network drawn with WebGL,
filters that land in the address and come back with back/forward, a node's card and the way on
to its page, search, keyboard, exports, the tiered layout of a program, a phone and a
right-to-left page. Everything is drawn from this site (sigma.js, the layout's worker); the page
audit fails the test on any request elsewhere or any console or CSP error. All names are
invented (the `network` fixture in tests/conftest.py)."""

from __future__ import annotations

import itertools
import re
import struct
import zlib
from xml.etree import ElementTree as ET

import pytest
from playwright.sync_api import expect

from unmask.graph import layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = "() => performance.getEntriesByName('unmask:graph-drawn').length > 0"
READY = "() => document.querySelector('section[data-graph]').dataset.graphState === 'ready'"

# Where a node is on the page: sigma's graphToViewport (pixels from the canvas's corner) plus
# the canvas's own place.
NODE_ON_PAGE = """(node) => {
  const view = window.unmaskGraphs[0];
  const p = view.renderer.graphToViewport(view.graph.getNodeAttributes(node));
  const box = view.renderer.getContainer().getBoundingClientRect();
  return { x: box.left + p.x, y: box.top + p.y, cx: p.x, cy: p.y, inside: p.x > 0 && p.y > 0
    && p.x < box.width && p.y < box.height };
}"""


def wait_drawn(page):
    page.wait_for_function(DRAWN, timeout=20_000)
    page.wait_for_function(READY, timeout=20_000)


def node_at(page, node_id):
    page.locator("[data-graph-canvas]").scroll_into_view_if_needed()
    point = page.evaluate(NODE_ON_PAGE, node_id)
    assert point["inside"], f"{node_id} is drawn outside the canvas: {point}"
    return point


def png_is_drawn(data: bytes) -> bool:
    """A PNG whose pixels are not all one colour (the graph was drawn into it)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat))) > 16


def test_a_reader_explores_the_network(page, network, assert_same_origin, artifacts):
    engines = network["orgs"]["engines"]
    page.goto("/graph/")
    wait_drawn(page)
    section = page.locator("section[data-graph]")
    expect(section.locator("[data-graph-tools]")).to_be_visible()
    expect(section.locator("[data-graph-count]")).to_have_text(
        "Organizations and products: 4 · links: 4"
    )
    stats = page.evaluate("() => window.unmaskGraphs[0].stats")
    assert (stats["nodes"], stats["edges"], stats["layout"]) == (4, 4, "force")
    assert page.locator("[data-graph-canvas] canvas").count() >= 2  # sigma's WebGL layers
    page.locator("[data-graph-stage]").screenshot(path=str(artifacts / "graph-network.png"))

    # A filter applies at once: the address, the count, the list and the graph follow.
    page.get_by_label("Link", exact=True).select_option("finances")
    expect(page).to_have_url(re.compile(r"/graph/\?relation=finances$"))
    expect(section.locator("[data-graph-count]")).to_have_text(
        "Organizations and products: 2 · links: 1"
    )
    page.wait_for_function(READY)
    expect(section.locator("[data-graph-list] tbody tr")).to_have_count(1)
    expect(section.locator("[data-graph-list] tbody")).to_contain_text("Ostmark Kreditbank")
    graphml = section.get_by_role("link", name="Download as GraphML (Gephi, yEd)")
    expect(graphml).to_have_attribute("href", "/graph/network.graphml?relation=finances")
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    expect(page.locator('.languages a[hreflang="fr"]')).to_have_attribute(
        "href", re.compile(r"/fr/graph/\?relation=finances$")
    )

    page.get_by_label("Still active (links not ended)").check()
    expect(page).to_have_url(re.compile(r"/graph/\?relation=finances&active=1$"))

    # Back and forward restore the form and the graph.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/graph/\?relation=finances$"))
    expect(page.get_by_label("Still active (links not ended)")).not_to_be_checked()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/graph/$"))
    expect(page.get_by_label("Link", exact=True)).to_have_value("")
    expect(page.get_by_role("link", name="Clear filters")).to_be_hidden()
    expect(section.locator("[data-graph-count]")).to_have_text(
        "Organizations and products: 4 · links: 4"
    )
    page.wait_for_function(READY)
    page.go_forward()
    expect(section.locator("[data-graph-count]")).to_have_text(
        "Organizations and products: 2 · links: 1"
    )
    page.go_back()
    expect(section.locator("[data-graph-count]")).to_have_text(
        "Organizations and products: 4 · links: 4"
    )
    page.wait_for_function(READY)

    # A click on a node opens its card; its neighbours stay lit, the rest fades.
    point = node_at(page, f"o:{engines.public_id}")
    page.mouse.click(point["x"], point["y"])
    card = section.locator("[data-graph-card]")
    expect(card).to_be_visible()
    expect(card.get_by_role("heading", level=3)).to_have_text("Korvex Aerodynamics")
    expect(card).to_contain_text("Company · Germany")
    expect(card.locator("[data-list=out]")).to_contain_text(
        "supplies components to Talvik Aerosystems"
    )
    expect(card.locator("[data-list=in]")).to_contain_text(
        "receives components from Lindqvist Composites"
    )
    page.locator("[data-graph-stage]").screenshot(path=str(artifacts / "graph-card.png"))
    faded = page.evaluate(
        """(nodes) => {
          const view = window.unmaskGraphs[0];
          view.select(nodes[0]);
          return nodes.map((node) => view.renderer.getNodeDisplayData(node).color
            === view.graph.getNodeAttribute(node, 'fadedColor'));
        }""",
        [f"o:{network['orgs'][key].public_id}" for key in ("blades", "engines", "integrator")],
    )
    assert faded == [False, False, True], "the blade maker and its customer lit, the rest faded"

    # Escape on the canvas clears the selection; the search finds a node and selects it.
    page.locator("[data-graph-canvas]").focus()
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    camera = "() => window.unmaskGraphs[0].renderer.getCamera()"
    still = f"() => !({camera})().isAnimated()"
    page.keyboard.press("+")  # the keyboard zooms and pans too
    page.wait_for_function(f"() => ({camera})().ratio < 0.9 && ({still})()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({camera})().x > 0.51 && ({still})()")
    search = section.get_by_label("Find an organization or product")
    search.focus()  # the suggestions are made when the reader comes to the search
    expect(section.locator("datalist option")).to_have_count(4)
    search.fill("Ostmark Kreditbank")
    expect(card.get_by_role("heading", level=3)).to_have_text("Ostmark Kreditbank")
    assert page.evaluate("() => window.unmaskGraphs[0].selected") == (
        f"o:{network['orgs']['bank'].public_id}"
    )
    search.fill("nothing like this")
    search.press("Enter")
    expect(section.locator("[data-graph-status]")).to_have_text(
        "No organization or product by that name in this graph."
    )

    # Save the view as PNG and as SVG, made in the page (after 0: the whole graph in view).
    page.locator("[data-graph-canvas]").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("0")
    page.wait_for_function("() => !window.unmaskGraphs[0].renderer.getCamera().isAnimated()")
    with page.expect_download() as download:
        section.get_by_role("button", name="Save as PNG").click()
    assert re.fullmatch(r"unmask-network-\d{4}-\d{2}-\d{2}\.png", download.value.suggested_filename)
    with open(download.value.path(), "rb") as png:
        assert png_is_drawn(png.read())
    with page.expect_download() as download:
        section.get_by_role("button", name="Save as SVG").click()
    assert download.value.suggested_filename.endswith(".svg")
    svg = ET.parse(download.value.path()).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert len(svg.findall(f".//{ns}circle")) == 4
    assert len(svg.findall(f".//{ns}line")) == 4
    assert "Ostmark Kreditbank" in [t.text for t in svg.iter(f"{ns}text")]

    # The card leads to the organization's page.
    point = node_at(page, f"o:{engines.public_id}")
    page.mouse.click(point["x"], point["y"])
    expect(card.get_by_role("heading", level=3)).to_have_text("Korvex Aerodynamics")
    card.get_by_role("link", name="Open its page").click()
    expect(page).to_have_url(re.compile(re.escape(engines.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Korvex Aerodynamics")
    assert_same_origin()


MOVE = """async (node) => {
  const renderer = window.unmaskGraphs[0].renderer;
  const camera = renderer.getCamera();
  const at = renderer.getNodeDisplayData(node);
  const seen = new Set();
  let watching = true;
  const watch = () => {
    seen.add(renderer.elements.nodes.style.transform);
    if (watching) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
  await camera.animate({ x: at.x, y: at.y, ratio: 0.4 }, { duration: 600 });
  watching = false;
  return [...seen];
}"""


def test_without_a_gpu_the_camera_moves_the_last_frame_then_draws_again(page, network):
    """In software WebGL (the tests' Chromium, a machine without a GPU) the graph follows the
    camera as its last frame, moved and scaled by the compositor (graph/raster.js: 60 frames a
    second where drawing each frame ran at 30-35); once the camera is still the graph is drawn
    again where it now is, so a click on a node finds it."""
    engines = f"o:{network['orgs']['engines'].public_id}"
    page.goto("/graph/")
    wait_drawn(page)
    assert page.evaluate("() => window.unmaskGraphs[0].softwareWebgl")
    seen = page.evaluate(MOVE, engines)
    assert any("scale(" in transform for transform in seen), seen
    page.wait_for_function(
        "() => window.unmaskGraphs[0].renderer.elements.nodes.style.transform === ''"
    )
    assert page.evaluate("() => window.unmaskGraphs[0].renderer.getCamera().ratio") < 0.5
    point = node_at(page, engines)
    page.mouse.click(point["x"], point["y"])
    card = page.locator("section[data-graph] [data-graph-card]")
    expect(card.get_by_role("heading", level=3)).to_have_text("Korvex Aerodynamics")


def test_a_big_network_is_drawn_where_the_server_laid_it_out(page, network, monkeypatch):
    """A network of LAYOUT_FROM nodes or more (2,000; lowered here) comes laid out by the server
    (graph/layout.py): the browser draws each node where the payload puts it, with no layout of
    its own, and the reader can still switch to the tiers."""
    monkeypatch.setattr(layout, "LAYOUT_FROM", 2)
    page.goto("/graph/")
    wait_drawn(page)
    stats = page.evaluate("() => window.unmaskGraphs[0].stats")
    assert stats["force"] == {"where": "server"}
    payload = page.evaluate("() => fetch('/graph/network.json').then((r) => r.json())")
    served = {n["data"]["id"]: n["position"] for n in payload["elements"]["nodes"]}
    drawn = page.evaluate(
        """() => { const graph = window.unmaskGraphs[0].graph;
             return Object.fromEntries(graph.mapNodes((node, a) => [node, { x: a.x, y: a.y }])); }"""
    )
    assert drawn == served
    page.get_by_label("Tiers").check()
    page.wait_for_function("() => window.unmaskGraphs[0].layout === 'tree'")
    page.wait_for_function(READY)


HIDDEN_EDGES = """() => { const view = window.unmaskGraphs[0];
  return view.graph.filterEdges((edge) => view.renderer.getEdgeDisplayData(edge).hidden)
    .map((edge) => [view.graph.source(edge), view.graph.target(edge)]); }"""


def test_without_a_gpu_a_big_graph_draws_the_links_of_the_best_connected(page, network, settings):
    """In software WebGL a graph of more links than UNMASK_GRAPH_SOFTWARE_EDGES (20,000; 3 here)
    draws at rest those between the best-connected organizations, says so under the graph, and
    draws all of a selected organization's links."""
    settings.GRAPH_SOFTWARE_EDGES = 3
    page.goto("/graph/")
    wait_drawn(page)
    expect(page.locator("[data-graph-count]")).to_have_text(
        "Organizations and products: 4 · links: 4 · 3 of them drawn, those of the"
        " best-connected; select an organization to see all of its links"
    )
    ((source, target),) = page.evaluate(HIDDEN_EDGES)
    # Left out: a link whose two ends have four links between them, not five (the hub's, with
    # three, to one with two).
    orgs = {f"o:{org.public_id}": key for key, org in network["orgs"].items()}
    assert (orgs[source], orgs[target]) in {("blades", "engines"), ("bank", "integrator")}
    page.evaluate("(node) => window.unmaskGraphs[0].select(node)", source)
    assert page.evaluate(HIDDEN_EDGES) == []
    page.evaluate("() => window.unmaskGraphs[0].clearSelection()")
    assert len(page.evaluate(HIDDEN_EDGES)) == 1


def test_a_program_is_drawn_in_tiers(page, network, assert_same_origin, artifacts):
    program = network["chain"][0]
    orgs = network["orgs"]
    page.goto(f"/graph/?product={program.public_id}")
    wait_drawn(page)
    expect(page.get_by_label("Tiers")).to_be_checked()
    engine, blade = network["chain"][1], network["chain"][2]
    tiers = [
        [f"p:{program.public_id}"],
        # tier 1: what makes or goes into the program (its integrator, the engine)
        [f"o:{orgs['integrator'].public_id}", f"p:{engine.public_id}"],
        # tier 2: the engine maker (supplies the integrator) and the engine's blade
        [f"o:{orgs['engines'].public_id}", f"p:{blade.public_id}"],
        # tier 3: the blade maker (supplies the engine maker)
        [f"o:{orgs['blades'].public_id}"],
    ]
    ids = [node for tier in tiers for node in tier]
    assert sorted(page.evaluate("() => window.unmaskGraphs[0].graph.nodes()")) == sorted(ids)
    rows = [[node_at(page, node)["cy"] for node in tier] for tier in tiers]
    for upper, lower in itertools.pairwise(rows):
        assert max(upper) < min(lower), rows  # each tier wholly above the next
    for row in rows:
        assert max(row) - min(row) < 1, rows  # a tier is a row
    heights = [node_at(page, node)["cy"] for node in ids]
    page.locator("[data-graph-stage]").screenshot(path=str(artifacts / "graph-tiers.png"))

    # The network layout is one click away, and back.
    page.get_by_label("Network", exact=True).check()
    page.wait_for_function("() => window.unmaskGraphs[0].layout === 'force'")
    page.wait_for_function(READY)
    page.get_by_label("Tiers").check()
    page.wait_for_function(READY)  # after the (animated) move back
    page.wait_for_function("() => !window.unmaskGraphs[0].renderer.getCamera().isAnimated()")
    assert [node_at(page, node)["cy"] for node in ids] == pytest.approx(heights, abs=2)
    assert_same_origin()


def test_the_graph_on_a_phone_and_right_to_left(make_context, network, page_audit, artifacts):
    phone = make_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto("/ar/graph/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    wait_drawn(page)
    box = page.locator("[data-graph-canvas]").bounding_box()
    assert box["width"] <= 390 and 250 <= box["height"] <= 560, box
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0, "the page must not scroll sideways"
    expect(page.locator("[data-graph-list]")).to_be_visible()
    point = node_at(page, f"o:{network['orgs']['bank'].public_id}")
    page.touchscreen.tap(point["x"], point["y"])
    expect(page.locator("[data-graph-card]")).to_be_visible()
    expect(page.locator("[data-graph-card]").get_by_role("heading", level=3)).to_have_text(
        "Ostmark Kreditbank"
    )
    page.screenshot(path=str(artifacts / "graph-phone-rtl.png"), full_page=True)
    page_audit.assert_clean()


@pytest.fixture
def crowd(make_org, make_link):
    """Thirty suppliers with long names around one buyer: at a phone's width their labels would
    run over each other unless some are cut or left out."""
    buyer = make_org("Halvard Aerostructures Holding")
    for n in range(30):
        supplier = make_org(f"Vestrandia Precision Components Works No. {n + 1}")
        make_link(supplier, buyer)
    return buyer


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_labels_never_overlap(make_context, crowd, page_audit, width, height, artifacts):
    page = make_context(viewport={"width": width, "height": height}).new_page()
    page.goto("/graph/")
    wait_drawn(page)
    page.wait_for_function("() => window.unmaskGraphs[0].labels.length > 0")
    labels = page.evaluate("() => window.unmaskGraphs[0].labels")
    nodes = page.evaluate("() => window.unmaskGraphs[0].graph.order")
    page.screenshot(path=str(artifacts / f"graph-labels-{width}.png"))
    full = [b for b in labels if not b["text"].endswith("…")]
    # Some labels are drawn, and not every name fits: the test would see a collision.
    assert len(labels) >= 3, labels
    assert len(full) < nodes, "every label fits in full: this graph does not test the culling"
    for a, b in itertools.combinations(labels, 2):
        apart = (
            a["right"] <= b["left"] + 0.5
            or b["right"] <= a["left"] + 0.5
            or a["bottom"] <= b["top"] + 0.5
            or b["bottom"] <= a["top"] + 0.5
        )
        assert apart, f"labels overlap: {a} and {b}"
    page_audit.assert_clean()
