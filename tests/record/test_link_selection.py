"""One selection of links (LinkQuerySet.matching): the same link filters give the same links on
the map (a site's popup), in the graph, in the API and in a filtered export."""

from __future__ import annotations

import json

import pytest

from unmask.record import services

# The link filters, as the map and the graph read them, and the links of `varied` they keep.
CASES = [
    ({}, {"engine", "blade", "loan", "crane", "old"}),
    ({"status": "disputed"}, {"loan"}),
    ({"active": "1"}, {"engine", "blade", "loan"}),  # not "crane" (ended) nor "old" (an end)
    ({"relation": "supplies_component", "active": "1"}, {"engine", "blade"}),
    ({"product": "BLADE"}, {"blade"}),  # a part without parts: the API's filter agrees
]


@pytest.fixture
def varied(network, make_link):
    """The shared network with a disputed link, an ended one and one with an end date."""
    orgs, links = network["orgs"], network["links"]
    services.change_status(links["loan"], "disputed", note="The bank denies it")
    services.change_status(links["crane"], "ended", note="Delivered", effective="2024-02")
    old = make_link(orgs["blades"], orgs["integrator"], start="2019", end="2022")
    return {**network, "links": {**links, "old": old}}


def _name(varied, org, row) -> str:
    """Which link of `varied` a popup row of `org` shows (the rows carry no id)."""
    for name, link in varied["links"].items():
        other = link.object.name if link.object_id else ""
        product = link.product.name if link.product_id else ""
        if {link.subject.name, other} == {org.name, row["other"]} and product == row["product"]:
            return name
    raise AssertionError(f"no link for {row}")


def on_the_map(client, varied, params) -> set[str]:
    """The links the popups of every site list."""
    shown = set()
    for site in varied["sites"].values():
        body = client.get(f"/map/sites/{site.public_id}.json", params).json()
        assert not body["more_links"]
        shown |= {_name(varied, site.organization, row) for row in body["links"]}
    return shown


def in_the_graph(client, params) -> set[str]:
    payload = client.get("/graph/network.json", params).json()
    edges = [e["data"] for e in payload["elements"]["edges"]]
    return {e["id"].removeprefix("l:") for e in edges if e["type"] == "link"}


def in_the_api(client, params) -> set[str]:
    params = {k: ("true" if k == "active" else v) for k, v in params.items()}
    response = client.get("/api/v1/links", params)
    assert response.status_code == 200, response.content
    return {item["public_id"] for item in response.json()["results"]}


def in_the_export(client, params) -> set[str]:
    response = client.get("/data/part.ftm", params)
    assert response.status_code == 200
    rows = [json.loads(line) for line in response.content.decode().splitlines()]
    return {r["properties"]["recordId"][0] for r in rows if "-link-" in r["id"]}


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_the_same_links_everywhere(client, varied, params, expected):
    blade = varied["chain"][2].public_id
    params = {k: blade if v == "BLADE" else v for k, v in params.items()}
    ids = {varied["links"][name].public_id for name in expected}
    names = {link.public_id: name for name, link in varied["links"].items()}
    assert on_the_map(client, varied, params) == expected
    for where, found in (
        ("graph", in_the_graph(client, params)),
        ("API", in_the_api(client, params)),
        ("export", in_the_export(client, params)),
    ):
        assert found == ids, (where, {names.get(i, i) for i in found})
