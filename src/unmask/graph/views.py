"""The network graph: the page and its data, as Cytoscape JSON and as GraphML. Thin: the graph
is built by graph.network, the filters are record.filters.NetworkFilters."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from unmask.graph import network
from unmask.maps import options
from unmask.record.filters import NetworkFilters
from unmask.web.payloads import derived_response

LIST_LIMIT = 100  # links listed under the graph (and without JavaScript)


def _ego(request) -> tuple[str, int]:
    ego = (request.GET.get("ego") or "").strip()[:12]
    try:
        depth = min(max(int(request.GET.get("depth") or 2), 1), 3)
    except ValueError:
        depth = 2
    return ego, depth


def _params(filters: NetworkFilters, ego: str, depth: int) -> dict:
    params = filters.as_params()
    if ego:
        params.update(ego=ego, depth=str(depth))
    return params


def graph_config(
    filters: NetworkFilters, *, ego: str = "", depth: int = 2, fixed: bool = False
) -> dict:
    """The JSON the page hands to graph.js. `fixed`: the filters belong to the page (a record
    page's graph), are always sent and never put in the address bar."""
    root = ""
    if filters.product:
        root = f"p:{filters.product}"
    elif ego:
        root = f"o:{ego}"
    return {
        "dataUrl": reverse("graph:data"),
        "graphmlUrl": reverse("graph:graphml"),
        "params": {} if fixed else filters.as_params(),
        "fixed": {
            **(filters.as_params() if fixed else {}),
            **({"ego": ego, "depth": str(depth)} if ego else {}),
        },
        "root": root,
        "layout": "tree" if root else "force",
        "softwareEdges": settings.GRAPH_SOFTWARE_EDGES,
    }


def graph_page(request):
    filters = NetworkFilters.from_params(request.GET)
    ego, depth = _ego(request)
    graph = network.build(filters, ego=ego, depth=depth, limit=LIST_LIMIT)
    query = urlencode(_params(filters, ego, depth))
    rows = [
        {**e, "source": graph.nodes[e["source"]], "target": graph.nodes[e["target"]]}
        for e in graph.edges
        if e["type"] == "link"
    ]
    return render(
        request,
        "graph/graph.html",
        {
            "filters": filters,
            "options": options.filter_options(),
            "graph": graph,
            "rows": rows,
            "list_limit": LIST_LIMIT,
            "graph_config": graph_config(filters, ego=ego, depth=depth),
            "page_path": reverse("graph:graph") + (f"?{query}" if query else ""),
            "query": query,
        },
    )


def data(request):
    """The graph as Cytoscape.js JSON (elements.nodes / elements.edges), cached per version."""
    filters = NetworkFilters.from_params(request.GET)
    ego, depth = _ego(request)
    params = {**_params(filters, ego, depth), "language": get_language()}
    root = f"p:{filters.product}" if filters.product else (f"o:{ego}" if ego else "")
    return derived_response(
        request,
        "graph-json",
        params,
        lambda: network.cytoscape_json(
            network.build(filters, ego=ego, depth=depth), root=root, laid_out=True
        ),
        "application/json",
    )


def graphml(request):
    """The same graph as GraphML, for Gephi, yEd or networkx; a download."""
    filters = NetworkFilters.from_params(request.GET)
    ego, depth = _ego(request)
    params = {**_params(filters, ego, depth), "language": get_language()}
    return derived_response(
        request,
        "graph-graphml",
        params,
        lambda: network.graphml(network.build(filters, ego=ego, depth=depth)),
        "application/graphml+xml",
        filename="unmask-network.graphml",
    )
