"""{% ego_graph %} and {% program_graph %}: the graph component on a record page."""

from django import template

from unmask.graph.views import graph_config
from unmask.record.filters import NetworkFilters

register = template.Library()


@register.inclusion_tag("graph/includes/graph.html")
def ego_graph(org, *, depth: int = 2, graph_id: str = "ego"):
    """An organization's neighbours to `depth` links away. No query here: the profile lists the
    links, and the graph loads its data from the JSON endpoint."""
    return {
        "graph_id": graph_id,
        "graph_config_id": f"graph-config-{graph_id}",
        "graph_config": graph_config(NetworkFilters(), ego=org.public_id, depth=depth, fixed=True),
        "compact": True,
    }


@register.inclusion_tag("graph/includes/graph.html")
def program_graph(product, *, graph_id: str = "tree"):
    """A program's or product's supply network, in tiers from the product down."""
    filters = NetworkFilters(product=product.public_id)
    return {
        "graph_id": graph_id,
        "graph_config_id": f"graph-config-{graph_id}",
        "graph_config": graph_config(filters, fixed=True),
        "compact": True,
    }
