"""The selection as a network in GraphML 1.0, gzip-compressed: every public organization of the
selection (with links or without) and every product as a node; as edges, typed by their `type`
key, the links ("link": subject to object, or to the product when the link names no other
organization), who makes a product ("maker": organization to product) and what a product is
part of ("part_of": product to product or program). An edge is written only when both its ends
are in the selection, so that every edge names nodes of the file.

The nodes, edges and XML are graph.network's, the same as the /graph/ page's download; that
one stays the graph as drawn (capped, the neighbourhood of an organization, a program's tree),
this one is the whole selection, as the other formats of the export hold it. Node urls are
absolute: the file is read away from the site.

At 100,000 links the file is written as a stream: the links read as rows (not model
instances), their edges made as network.link_edge makes them, and the XML written element by
element, byte for byte what network.graphml writes for the same graph (the tests hold both to
it), without the whole tree in memory."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import IO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from unmask.cleantext import xml_text
from unmask.exchange.selection import Selection
from unmask.graph import network

CHUNK = 2000
NS = "http://graphml.graphdrawing.org/xmlns"


def nodes(selection: Selection) -> dict[str, dict]:
    """The organizations and products of the selection as nodes, by node id."""
    base = (selection.site_url or settings.SITE_URL).rstrip("/")
    found: dict[str, dict] = {}

    def add(node: dict) -> None:
        found[node["id"]] = {**node, "url": base + node["url"]}

    orgs = selection.organizations.only("public_id", "slug", "name", "kind", "country")
    for org in orgs.order_by("pk").iterator(chunk_size=CHUNK):
        add(network.org_node(org))
    products = selection.products.only("public_id", "slug", "name", "kind")
    for product in products.order_by("pk").iterator(chunk_size=CHUNK):
        add(network.product_node(product))
    return found


def edges(selection: Selection, found: dict[str, dict]) -> Iterator[dict]:
    """The edges between `found` nodes: makers and parts, then the links, by database key."""
    parts = selection.products.order_by("pk").values_list(
        "public_id", "maker__public_id", "part_of__public_id"
    )
    for public_id, maker, part_of in parts:
        node = f"p:{public_id}"
        if maker and f"o:{maker}" in found:
            yield network.product_edge(
                f"maker:{public_id}", f"o:{maker}", node, "maker", _("makes")
            )
        if part_of and f"p:{part_of}" in found:
            parent = f"p:{part_of}"
            yield network.product_edge(f"part:{public_id}", node, parent, "part_of", _("part of"))
    yield from _link_edges(selection, found)


def _link_edges(selection: Selection, found: dict[str, dict]) -> Iterator[dict]:
    """network.link_edge of every link with both ends in `found`, from rows, its labels looked
    up once a relation and status (three translations a link were a third of the time)."""
    labels = network.EdgeLabels()
    rows = selection.links.order_by("pk").values_list(
        "public_id",
        "subject__public_id",
        "object__public_id",
        "product__public_id",
        "product__name",
        "relation",
        "status",
        "start",
        "end",
    )
    for (
        public_id,
        subject,
        obj,
        product,
        product_name,
        relation,
        status,
        start,
        end,
    ) in rows.iterator(chunk_size=CHUNK):
        if obj:
            target = f"o:{obj}"
        elif product:
            target = f"p:{product}"
        else:
            continue
        source = f"o:{subject}"
        if source not in found or target not in found:
            continue
        yield network.link_edge(
            labels,
            public_id,
            source,
            target,
            relation=relation,
            status=status,
            start=start,
            end=end,
            product=product_name if product else "",
        )


def graph(selection: Selection) -> network.Graph:
    """The whole graph in memory, as network.Graph (what `write` streams)."""
    found = nodes(selection)
    out = network.Graph(nodes=found, edges=list(edges(selection, found)))
    out.total_links = selection.links.count()
    return out


# --- GraphML, as xml.etree writes network.graphml's tree ---------------------------------------


ESCAPE_TEXT = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
ESCAPE_ATTRIBUTE = (
    *ESCAPE_TEXT,
    ('"', "&quot;"),
    ("\r", "&#13;"),
    ("\n", "&#10;"),
    ("\t", "&#09;"),
)


def _escape(value: str, table) -> str:
    for char, entity in table:
        if char in value:  # most values hold none: no copy
            value = value.replace(char, entity)
    return value


def _text(value: str) -> str:
    return _escape(xml_text(value), ESCAPE_TEXT)


def _attribute(value: str) -> str:
    return _escape(value, ESCAPE_ATTRIBUTE)


def _data(prefix: str, name: str, text: str) -> str:
    if text:
        return f'<data key="{prefix}{name}">{_text(text)}</data>'
    return f'<data key="{prefix}{name}" />'


def _keys() -> str:
    keys = [
        f'<key for="node" attr.name="{name}" attr.type="string" id="n_{name}" />'
        for name in network.NODE_KEYS
    ]
    for name in network.EDGE_KEYS:
        kind = "boolean" if name == "active" else "string"
        keys.append(f'<key for="edge" attr.name="{name}" attr.type="{kind}" id="e_{name}" />')
    return "".join(keys)


def _node(node: dict) -> str:
    data = "".join(_data("n_", name, str(node[name])) for name in network.NODE_KEYS)
    return f'<node id="{_attribute(node["id"])}">{data}</node>'


def _edge(edge: dict) -> str:
    data = []
    for name in network.EDGE_KEYS:
        value = edge[name]
        text = ("true" if value else "false") if name == "active" else str(value)
        data.append(_data("e_", name, text))
    ends = f'source="{_attribute(edge["source"])}" target="{_attribute(edge["target"])}"'
    return f'<edge id="{_attribute(edge["id"])}" {ends}>{"".join(data)}</edge>'


def graphml(found: dict[str, dict], links: Iterator[dict]) -> Iterator[str]:
    """network.graphml's document for these nodes and edges, a piece at a time."""
    yield f"<?xml version='1.0' encoding='utf-8'?>\n<graphml xmlns=\"{NS}\">{_keys()}"
    yield '<graph id="unmask" edgedefault="directed">'
    yield from map(_node, found.values())
    yield from map(_edge, links)
    yield "</graph></graphml>"


def write(selection: Selection, out: IO[bytes]) -> int:
    """Write the file, gzip-compressed at level 6 (level 9 took half as long again for a file
    6% smaller); return the number of edges."""
    count = 0

    def counted(links: Iterator[dict]) -> Iterator[dict]:
        nonlocal count
        for edge in links:
            count += 1
            yield edge

    with (
        translation.override(settings.LANGUAGE_CODE),  # labels in the site's language
        gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as zipped,
    ):
        found = nodes(selection)
        pieces: list[str] = []
        for piece in graphml(found, counted(edges(selection, found))):
            pieces.append(piece)
            if len(pieces) == CHUNK:
                zipped.write("".join(pieces).encode())
                pieces.clear()
        zipped.write("".join(pieces).encode())
    return count
