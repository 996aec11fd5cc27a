"""The supply network as a graph: organizations and products as nodes, public links as edges.

A link goes from its subject to its object ("A supplies components to B"), or to its product
when it names no other organization ("A manufactures the KX-40 engine"). With a program or
product filter, the products of its tree that the links concern are nodes too, joined to the
product they are part of, so a tiered layout can put the program at the root and the suppliers
tier by tier below it.

Two shapes of the same graph: Cytoscape.js JSON (`{"elements": {"nodes": [...], "edges":
[...]}}`, which sigma/graphology and Cytoscape read) and GraphML (for Gephi, yEd, networkx).
The graph is capped (MAX_EDGES, the newest links first) and says so when it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.db.models import Q
from django.utils.translation import gettext as _

from unmask.cleantext import xml_text
from unmask.graph import layout
from unmask.record import version
from unmask.record.filters import NetworkFilters
from unmask.record.models import (
    INVERSE_LABELS,
    Link,
    LinkStatus,
    Organization,
    OrganizationKind,
    Product,
    Relation,
    link_is_active,
)
from unmask.urlcache import fast_reverse

MAX_EDGES = 120_000  # the graph page draws 100,000 links (issue 17)
EGO_MAX_EDGES = 2_000


@dataclass
class Graph:
    nodes: dict[str, dict] = field(default_factory=dict)
    edges: list[dict] = field(default_factory=list)
    total_links: int = 0  # links matching the filters, before the cap
    truncated: bool = False


def org_node(org: Organization) -> dict:
    return organization_node(org.public_id, org.name, org.slug, org.kind, str(org.country))


def organization_node(
    public_id: str, name: str, slug: str, kind: str, country: str, kind_label: str = ""
) -> dict:
    """An organization's node from its values (`kind_label` when already looked up)."""
    return {
        "id": f"o:{public_id}",
        "label": name,
        "type": "organization",
        "kind": kind,
        "kind_label": kind_label or str(OrganizationKind(kind).label),
        "country": country or "",
        "url": fast_reverse("record:organization", public_id, slug),
    }


def product_node(product: Product) -> dict:
    return {
        "id": f"p:{product.public_id}",
        "label": product.name,
        "type": "product",
        "kind": product.kind,
        "kind_label": str(product.kind_label),
        "country": "",
        "url": product.get_absolute_url(),
    }


def _links(filters: NetworkFilters):
    """The links matching the filters (NetworkFilters.links) with either end of the kind and
    in the country filtered: a supplier abroad of a company in view is drawn."""
    links = filters.links()
    if filters.kind or filters.country:
        orgs = Organization.objects.public()
        if filters.kind:
            orgs = orgs.filter(kind=filters.kind)
        if filters.country:
            orgs = orgs.filter(country=filters.country)
        ids = orgs.values("pk")
        links = links.filter(Q(subject__in=ids) | Q(object__in=ids))
    return links


def build(
    filters: NetworkFilters,
    *,
    ego: str = "",
    depth: int = 2,
    limit: int = 0,
    uncapped: bool = False,
) -> Graph:
    """The network in view; with `ego` (an organization's public id), its neighbourhood to
    `depth` links away instead. `limit` keeps fewer links than the cap (a page's list);
    `uncapped` keeps every link (the bulk GraphML file)."""
    product_ids = filters.product_ids()
    links = _links(filters)
    cap = None if uncapped else MAX_EDGES
    if ego:
        center = Organization.objects.public().filter(public_id=ego).first()
        if center is None:
            return Graph()
        cap = EGO_MAX_EDGES
        reached, frontier, wanted = {center.pk}, {center.pk}, set()
        for _step in range(max(1, min(depth, 3))):
            step = links.filter(Q(subject__in=frontier) | Q(object__in=frontier))
            pairs = list(step.values_list("pk", "subject_id", "object_id")[: cap + 1])
            wanted.update(pk for pk, _s, _o in pairs)
            frontier = {o for _pk, s, o in pairs for o in (s, o) if o is not None} - reached
            reached |= frontier
            if not frontier or len(wanted) > cap:
                break
        links = Link.objects.filter(pk__in=wanted)
    if ego:
        graph = Graph(total_links=links.count())  # at most the cap and one
    else:  # kept under the record's version: 4.6 ms of the graph page at 100,000 links
        graph = Graph(total_links=version.kept("network-count", filters.as_params(), links.count))
    if limit:
        cap = min(cap, limit) if cap else limit
    # Values, not model instances: 100,000 links in about a second where instances, their related
    # organizations and a translated label per edge took fifteen.
    rows = links.order_by("-pk").values_list(*_LINK_FIELDS)
    chosen = list(rows[:cap] if cap else rows)
    graph.truncated = graph.total_links > len(chosen)
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in={row[4] for row in chosen if row[4]}).only(
            "pk", "public_id", "name", "slug", "kind"
        )
    }
    labels = EdgeLabels()
    for row in chosen:
        (
            _pk, public_id, relation, status, product_id, start, end,
            *subject, object_id, o_public_id, o_name, o_slug, o_kind, o_country,
        ) = row  # fmt: skip
        source = labels.org(*subject)
        graph.nodes.setdefault(source["id"], source)
        product = products.get(product_id)
        if object_id:
            target = labels.org(o_public_id, o_name, o_slug, o_kind, o_country)
        elif product is not None:
            target = product_node(product)
        else:
            continue
        graph.nodes.setdefault(target["id"], target)
        graph.edges.append(
            link_edge(
                labels,
                public_id,
                source["id"],
                target["id"],
                relation=relation,
                status=status,
                start=start,
                end=end,
                product=product.name if product is not None else "",
            )
        )
    if product_ids:
        _add_part_tree(graph, product_ids, products)
    return graph


_LINK_FIELDS = (
    "pk",
    "public_id",
    "relation",
    "status",
    "product_id",
    "start",
    "end",
    "subject__public_id",
    "subject__name",
    "subject__slug",
    "subject__kind",
    "subject__country",
    "object_id",
    "object__public_id",
    "object__name",
    "object__slug",
    "object__kind",
    "object__country",
)


class EdgeLabels:
    """Labels and nodes made once per value (a translation and a URL each), not once per link."""

    def __init__(self):
        self.relations: dict[str, dict] = {}
        self.statuses: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.orgs: dict[str, dict] = {}

    def relation(self, relation: str) -> dict:
        """{"label": ..., "inverse_label": ...} of a relation, in the active language."""
        if relation not in self.relations:
            self.relations[relation] = {
                "label": str(Relation(relation).label),
                "inverse_label": str(INVERSE_LABELS[Relation(relation)]),
            }
        return self.relations[relation]

    def status(self, status: str) -> str:
        if status not in self.statuses:
            self.statuses[status] = str(LinkStatus(status).label)
        return self.statuses[status]

    def org(self, public_id: str, name: str, slug: str, kind: str, country: str) -> dict:
        node = self.orgs.get(public_id)
        if node is None:
            if kind not in self.kinds:
                self.kinds[kind] = str(OrganizationKind(kind).label)
            node = self.orgs[public_id] = organization_node(
                public_id, name, slug, kind, str(country or ""), self.kinds[kind]
            )
        return node


def link_edge(
    labels: EdgeLabels,
    public_id: str,
    source: str,
    target: str,
    *,
    relation: str,
    status: str,
    start: str,
    end: str,
    product: str,
) -> dict:
    """A link's edge, from its subject (`source`, a node id) to its object or, when it names no
    other organization, its product (`target`); `product` is the product's name or ""."""
    return {
        "id": f"l:{public_id}",
        "source": source,
        "target": target,
        "type": "link",
        "relation": relation,
        **labels.relation(relation),
        "status": status,
        "status_label": labels.status(status),
        "active": link_is_active(end, status),
        "product": product,
        "start": start,
        "end": end,
    }


def product_edge(edge_id: str, source: str, target: str, kind: str, label: str) -> dict:
    """An edge about a product that is no link: who makes it ("maker") or what it is part of
    ("part_of")."""
    return {
        "id": edge_id,
        "source": source,
        "target": target,
        "type": kind,
        "relation": kind,
        "label": label,
        "inverse_label": "",
        "status": "",
        "status_label": "",
        "active": True,
        "product": "",
        "start": "",
        "end": "",
    }


def _add_part_tree(graph: Graph, product_ids: list[int], concerned: dict[int, Product]) -> None:
    """With a program filter: the program and, for every part that a link concerns, the chain of
    parts up to the program, as product nodes joined by part-of edges, each product joined to its
    public maker. The tiers then run from the program down to its suppliers' suppliers."""
    tree = {
        p.pk: p for p in Product.objects.public().filter(pk__in=product_ids).select_related("maker")
    }
    root = tree.get(product_ids[0])
    if root is None:
        return
    keep = {pk for pk in concerned if pk in tree} | {root.pk}
    for pk in list(keep):
        node = tree[pk]
        while node.part_of_id in tree and node.pk != root.pk:
            keep.add(node.part_of_id)
            node = tree[node.part_of_id]
    for pk in sorted(keep):
        product = tree[pk]
        node = product_node(product)
        graph.nodes.setdefault(node["id"], node)
        if product.part_of_id in keep and pk != root.pk:
            parent = f"p:{tree[product.part_of_id].public_id}"
            graph.edges.append(
                product_edge(
                    f"part:{product.public_id}", node["id"], parent, "part_of", _("part of")
                )
            )
        if product.maker_id and product.maker.is_public:
            maker = org_node(product.maker)
            graph.nodes.setdefault(maker["id"], maker)
            graph.edges.append(
                product_edge(
                    f"maker:{product.public_id}", maker["id"], node["id"], "maker", _("makes")
                )
            )


def cytoscape_json(graph: Graph, *, root: str = "", laid_out: bool = False) -> bytes:
    """The graph as Cytoscape.js JSON. `laid_out`: a graph drawn by force (no root) and big enough
    gets its nodes' positions from the server (graph.layout), as Cytoscape's `position`."""
    nodes = list(graph.nodes.values())
    placed = None
    if laid_out and not root:
        index = {node["id"]: i for i, node in enumerate(nodes)}
        pairs = [(index[edge["source"]], index[edge["target"]]) for edge in graph.edges]
        placed = layout.positions(len(nodes), pairs)
    payload = {
        "elements": {
            "nodes": [
                {"data": node}
                if placed is None
                else {"data": node, "position": {"x": placed[i][0], "y": placed[i][1]}}
                for i, node in enumerate(nodes)
            ],
            "edges": [{"data": edge} for edge in graph.edges],
        },
        "root": root,
        "total_links": graph.total_links,
        "truncated": graph.truncated,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


NODE_KEYS = ("label", "type", "kind", "kind_label", "country", "url")
EDGE_KEYS = (
    "type",
    "relation",
    "label",
    "status",
    "status_label",
    "active",
    "product",
    "start",
    "end",
)


def graphml(graph: Graph) -> bytes:
    """GraphML 1.0, directed, every attribute declared as a key (Gephi, yEd and networkx read it)."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    for name in NODE_KEYS:
        ET.SubElement(
            root,
            f"{{{ns}}}key",
            id=f"n_{name}",
            attrib={"for": "node", "attr.name": name, "attr.type": "string"},
        )
    for name in EDGE_KEYS:
        kind = "boolean" if name == "active" else "string"
        ET.SubElement(
            root,
            f"{{{ns}}}key",
            id=f"e_{name}",
            attrib={"for": "edge", "attr.name": name, "attr.type": kind},
        )
    body = ET.SubElement(root, f"{{{ns}}}graph", id="unmask", edgedefault="directed")
    for node in graph.nodes.values():
        element = ET.SubElement(body, f"{{{ns}}}node", id=node["id"])
        for name in NODE_KEYS:
            ET.SubElement(element, f"{{{ns}}}data", key=f"n_{name}").text = xml_text(
                str(node[name])
            )
    for edge in graph.edges:
        element = ET.SubElement(
            body, f"{{{ns}}}edge", id=edge["id"], source=edge["source"], target=edge["target"]
        )
        for name in EDGE_KEYS:
            value = edge[name]
            text = ("true" if value else "false") if name == "active" else xml_text(str(value))
            ET.SubElement(element, f"{{{ns}}}data", key=f"e_{name}").text = text
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
