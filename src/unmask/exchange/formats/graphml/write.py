"""The selection as a network in GraphML 1.0, gzip-compressed: every public organization of the
selection (with links or without) and every product as a node; as edges, typed by their `type`
key, the links ("link": subject to object, or to the product when the link names no other
organization), who makes a product ("maker": organization to product) and what a product is
part of ("part_of": product to product or program). An edge is written only when both its ends
are in the selection, so that every edge names nodes of the file.

The nodes, edges and XML are graph.network's, the same as the /graph/ page's download; that
one stays the graph as drawn (capped, the neighbourhood of an organization, a program's tree),
this one is the whole selection, as the other formats of the export hold it. Node urls are
absolute: the file is read away from the site."""

from __future__ import annotations

import gzip
from typing import IO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from unmask.exchange.selection import Selection
from unmask.graph import network

CHUNK = 2000


def graph(selection: Selection) -> network.Graph:
    base = (selection.site_url or settings.SITE_URL).rstrip("/")
    out = network.Graph()

    def add(node: dict) -> None:
        out.nodes[node["id"]] = {**node, "url": base + node["url"]}

    orgs = selection.organizations.only("public_id", "slug", "name", "kind", "country")
    for org in orgs.order_by("pk").iterator(chunk_size=CHUNK):
        add(network._org_node(org))
    products = selection.products.select_related("maker", "part_of").only(
        "public_id", "slug", "name", "kind", "maker__public_id", "part_of__public_id"
    )
    parts = []
    for product in products.order_by("pk").iterator(chunk_size=CHUNK):
        add(network._product_node(product))
        parts.append(product)
    for product in parts:  # once every node is known: an edge names two of them
        node = f"p:{product.public_id}"
        if product.maker_id and f"o:{product.maker.public_id}" in out.nodes:
            maker = f"o:{product.maker.public_id}"
            out.edges.append(
                network._edge(f"maker:{product.public_id}", maker, node, "maker", _("makes"))
            )
        if product.part_of_id and f"p:{product.part_of.public_id}" in out.nodes:
            parent = f"p:{product.part_of.public_id}"
            out.edges.append(
                network._edge(f"part:{product.public_id}", node, parent, "part_of", _("part of"))
            )
    links = selection.links.select_related("subject", "object", "product").order_by("pk")
    for link in links.iterator(chunk_size=CHUNK):
        edge = network.link_edge(link)
        if edge is not None and edge["source"] in out.nodes and edge["target"] in out.nodes:
            out.edges.append(edge)
    out.total_links = selection.links.count()
    return out


def write(selection: Selection, out: IO[bytes]) -> int:
    """Write the file; return the number of edges."""
    with translation.override(settings.LANGUAGE_CODE):  # labels in the site's language
        found = graph(selection)
        data = network.graphml(found)
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as zipped:
        zipped.write(data)
    return len(found.edges)
