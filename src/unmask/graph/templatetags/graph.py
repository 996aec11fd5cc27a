"""{% ego_graph %} and {% program_graph %}: the graph component on a record page."""

from django import template

from unmask.graph.views import graph_config
from unmask.record.filters import NetworkFilters

register = template.Library()


@register.inclusion_tag("graph/includes/graph.html", takes_context=True)
def ego_graph(context, org, *, depth: int = 2, graph_id: str = "ego"):
    """An organization's neighbours to `depth` links away. No query here: the profile lists the
    links, and the graph loads its data from the JSON endpoint."""
    return {
        "graph_id": graph_id,
        "graph_config_id": f"graph-config-{graph_id}",
        "graph_config": graph_config(NetworkFilters(), ego=org.public_id, depth=depth, fixed=True),
        "compact": True,
        "site_name": context.get("site_name"),  # names the exported images
    }


@register.inclusion_tag("graph/includes/graph.html", takes_context=True)
def program_graph(context, product, *, graph_id: str = "tree"):
    """A program's or product's supply network, in tiers from the product down."""
    filters = NetworkFilters(product=product.public_id)
    return {
        "graph_id": graph_id,
        "graph_config_id": f"graph-config-{graph_id}",
        "graph_config": graph_config(filters, fixed=True),
        "compact": True,
        "site_name": context.get("site_name"),  # names the exported images
    }
