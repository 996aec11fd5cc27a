"""The network's data: Cytoscape JSON and GraphML of the same graph, read back with networkx; the
filters, the program's part tree, ego networks, the cap, and invalidation after an edit."""

from __future__ import annotations

import io
import json
import math

import networkx as nx
import pytest

from unmask.graph import layout
from unmask.graph import network as network_module
from unmask.record import services


def cytoscape(client, **params) -> dict:
    response = client.get("/graph/network.json", params)
    assert response.status_code == 200, response.content[:200]
    return json.loads(response.content)


def edges(payload: dict) -> set[tuple[str, str, str]]:
    return {
        (e["data"]["source"], e["data"]["target"], e["data"]["type"])
        for e in payload["elements"]["edges"]
    }


def o(org) -> str:
    return f"o:{org.public_id}"


def p(product) -> str:
    return f"p:{product.public_id}"


def test_links_are_edges_from_supplier_to_customer(client, network):
    orgs, chain = network["orgs"], network["chain"]
    payload = cytoscape(client)
    assert edges(payload) == {
        (o(orgs["engines"]), o(orgs["integrator"]), "link"),
        (o(orgs["blades"]), o(orgs["engines"]), "link"),
        (o(orgs["bank"]), o(orgs["integrator"]), "link"),
        (o(orgs["engines"]), o(orgs["bank"]), "link"),
    }
    assert payload["total_links"] == 4 and payload["truncated"] is False
    by_id = {n["data"]["id"]: n["data"] for n in payload["elements"]["nodes"]}
    assert by_id[o(orgs["bank"])]["kind"] == "financial"
    assert by_id[o(orgs["bank"])]["url"] == orgs["bank"].get_absolute_url()
    engine = next(
        e["data"] for e in payload["elements"]["edges"] if e["data"]["product"] == chain[1].name
    )
    assert engine["label"] == "supplies components to" and engine["status"] == "reported"


def test_a_program_brings_its_part_tree_as_the_root_of_the_tiers(client, network):
    orgs, chain = network["orgs"], network["chain"]
    payload = cytoscape(client, product=chain[0].public_id)
    assert payload["root"] == p(chain[0])
    assert edges(payload) == {
        (o(orgs["engines"]), o(orgs["integrator"]), "link"),  # about the engine, a part
        (o(orgs["blades"]), o(orgs["engines"]), "link"),  # about the blade, a part of the part
        (p(chain[1]), p(chain[0]), "part_of"),
        (p(chain[2]), p(chain[1]), "part_of"),
        (o(orgs["integrator"]), p(chain[0]), "maker"),
        (o(orgs["engines"]), p(chain[1]), "maker"),
        (o(orgs["blades"]), p(chain[2]), "maker"),
    }
    # The bank's loan and the crane concern no part of the program.
    assert o(orgs["bank"]) not in {n["data"]["id"] for n in payload["elements"]["nodes"]}


def test_filters_by_status_and_kind(client, network):
    orgs = network["orgs"]
    services.change_status(network["links"]["loan"], "disputed", note="The bank denies it")
    assert edges(cytoscape(client, status="disputed")) == {
        (o(orgs["bank"]), o(orgs["integrator"]), "link")
    }
    # Kind: links that touch a financial organization.
    assert {e[0] for e in edges(cytoscape(client, kind="financial"))} == {
        o(orgs["bank"]),
        o(orgs["engines"]),
    }


def test_ego_network_reaches_as_deep_as_asked(client, network):
    orgs = network["orgs"]
    near = cytoscape(client, ego=orgs["blades"].public_id, depth="1")
    assert edges(near) == {(o(orgs["blades"]), o(orgs["engines"]), "link")}
    far = cytoscape(client, ego=orgs["blades"].public_id, depth="2")
    assert len(edges(far)) == 3  # and the engine maker's two other links
    assert far["root"] == o(orgs["blades"])
    assert cytoscape(client, ego="nosuchid")["elements"]["nodes"] == []


def test_graphml_reads_back_as_the_same_graph(client, network):
    services.update_record(
        network["orgs"]["bank"], name='Ostmark <Kredit> & "Bank"', reason="Full legal name"
    )
    payload = cytoscape(client)
    response = client.get("/graph/network.graphml")
    assert response["Content-Type"] == "application/graphml+xml"
    assert response["Content-Disposition"] == 'attachment; filename="unmask-network.graphml"'
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert graph.is_directed()
    assert set(graph.nodes) == {n["data"]["id"] for n in payload["elements"]["nodes"]}
    assert {(s, t, d["type"]) for s, t, d in graph.edges(data=True)} == edges(payload)
    bank = graph.nodes[o(network["orgs"]["bank"])]
    assert bank["label"] == 'Ostmark <Kredit> & "Bank"' and bank["kind"] == "financial"
    assert all(isinstance(d["active"], bool) for _s, _t, d in graph.edges(data=True))


def test_the_graph_is_capped_and_says_so(client, network, monkeypatch):
    monkeypatch.setattr(network_module, "MAX_EDGES", 2)
    payload = cytoscape(client)
    assert len(payload["elements"]["edges"]) == 2
    assert payload["total_links"] == 4 and payload["truncated"] is True
    page = client.get("/graph/").content.decode()
    assert "4 links" in page


def test_an_edit_changes_the_etag_and_the_data(client, network):
    first = client.get("/graph/network.json")
    assert client.get("/graph/network.json", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    services.unpublish(network["links"]["crane"], reason="Source withdrawn")
    after = client.get("/graph/network.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert len(json.loads(after.content)["elements"]["edges"]) == 3


@pytest.mark.parametrize("path", ["/graph/", "/graph/?relation=finances"])
def test_the_graph_page_lists_the_links_without_javascript(client, network, path):
    page = client.get(path).content.decode()
    table = page.split("data-graph-list")[1]
    assert "Ostmark Kreditbank" in table and "finances" in table


def test_a_big_network_comes_laid_out_and_a_program_tree_does_not(client, network, monkeypatch):
    """From LAYOUT_FROM nodes (2,000; lowered here) the server lays the network out (igraph, in
    a process of its own: graph/layout.py) and sends each node's Cytoscape `position`; the same
    graph gets the same picture. A program's tiers are laid out by the browser."""
    monkeypatch.setattr(layout, "LAYOUT_FROM", 2)
    nodes = cytoscape(client)["elements"]["nodes"]
    placed = {n["data"]["id"]: (n["position"]["x"], n["position"]["y"]) for n in nodes}
    assert len(placed) == 4 and len(set(placed.values())) == 4
    assert all(math.isfinite(c) for xy in placed.values() for c in xy)
    services.unpublish(network["sites"]["bank"], reason="a new version, the same links")
    again = cytoscape(client)["elements"]["nodes"]
    assert {n["data"]["id"]: (n["position"]["x"], n["position"]["y"]) for n in again} == placed
    tree = cytoscape(client, product=network["chain"][0].public_id)["elements"]["nodes"]
    assert not any("position" in n for n in tree)


def test_the_layout_keeps_what_is_linked_together(monkeypatch):
    """Two groups of 30 organizations, each linked among itself, joined by one link: each node is
    nearer its own group's middle than the other's. Below LAYOUT_FROM nodes, no layout."""
    groups = [range(0, 30), range(30, 60)]
    pairs = [(a, b) for group in groups for a in group for b in group if a < b and (a + b) % 3 == 0]
    pairs.append((0, 30))
    assert layout.positions(60, pairs) is None
    monkeypatch.setattr(layout, "LAYOUT_FROM", 60)
    laid = layout.positions(60, pairs)
    middles = [
        (sum(laid[i][0] for i in g) / len(g), sum(laid[i][1] for i in g) / len(g)) for g in groups
    ]
    for own, group in enumerate(groups):
        for i in group:
            near = math.dist(laid[i], middles[own])
            assert near < math.dist(laid[i], middles[1 - own]), i
