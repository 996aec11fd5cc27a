"""The export's GraphML: every public organization of the selection (those without links too),
every product as a node, and typed edges for links, makers and parts; read by networkx and
checked against GraphML's own rules (keys declared, ids unique, edges between nodes)."""

from __future__ import annotations

import gzip
import io
from xml.etree import ElementTree as ET

import networkx as nx

from unmask.exchange.formats.graphml import write as graphml
from unmask.exchange.selection import Selection
from unmask.record.models import Organization, Product

NS = "{http://graphml.graphdrawing.org/xmlns}"


def exported(selection: Selection) -> bytes:
    out = io.BytesIO()
    graphml.write(selection, out)
    return gzip.decompress(out.getvalue())


def assert_valid_graphml(data: bytes) -> None:
    root = ET.fromstring(data)
    keys = {key.get("id"): key.get("for") for key in root.iter(f"{NS}key")}
    body = root.find(f"{NS}graph")
    nodes = [node.get("id") for node in body.iter(f"{NS}node")]
    edges = list(body.iter(f"{NS}edge"))
    ids = nodes + [edge.get("id") for edge in edges]
    assert len(ids) == len(set(ids))  # unique, nodes and edges
    for edge in edges:
        assert {edge.get("source"), edge.get("target")} <= set(nodes)
    for kind, elements in (("node", body.iter(f"{NS}node")), ("edge", edges)):
        for element in elements:
            for data_element in element.iter(f"{NS}data"):
                assert keys.get(data_element.get("key")) == kind


def test_every_organization_and_product_and_typed_edges(network, make_org):
    alone = make_org("Vesterholm Optics", country="DK")  # public, no link
    make_org("Unpublished Holding", publish=False)  # a draft: never
    data = exported(Selection.everything())
    assert_valid_graphml(data)
    graph = nx.read_graphml(io.BytesIO(data))

    orgs = {f"o:{pid}" for pid in Organization.objects.public().values_list("public_id", flat=True)}
    products = {f"p:{pid}" for pid in Product.objects.public().values_list("public_id", flat=True)}
    assert set(graph.nodes) == orgs | products
    assert f"o:{alone.public_id}" in graph.nodes and len(products) == 4
    assert graph.nodes[f"o:{alone.public_id}"]["url"].startswith("http")
    assert {graph.nodes[n]["type"] for n in products} == {"product"}

    typed = {}
    for source, target, attrs in graph.edges(data=True):
        typed.setdefault(attrs["type"], set()).add((source, target))
    program, engine, blade = (f"p:{p.public_id}" for p in network["chain"])
    orgs_by = {key: f"o:{org.public_id}" for key, org in network["orgs"].items()}
    assert typed["part_of"] == {(engine, program), (blade, engine)}
    assert (orgs_by["engines"], engine) in typed["maker"]
    assert (orgs_by["integrator"], program) in typed["maker"]
    assert len(typed["maker"]) == 4
    assert (orgs_by["bank"], orgs_by["integrator"]) in typed["link"]
    assert len(typed["link"]) == len(network["links"])


def test_a_narrowed_selection_keeps_only_edges_between_its_nodes(network):
    data = exported(Selection.from_params({"country": "SE"}))
    assert_valid_graphml(data)
    graph = nx.read_graphml(io.BytesIO(data))
    assert f"o:{network['orgs']['blades'].public_id}" in graph.nodes
    assert f"o:{network['orgs']['integrator'].public_id}" not in graph.nodes
    for source, target in graph.edges():
        assert source in graph.nodes and target in graph.nodes
