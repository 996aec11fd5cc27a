"""{% site_map %}: the map component on a record page, fixed to what the page is about."""

from django import template

from unmask.maps import options, preview
from unmask.record.filters import NetworkFilters

register = template.Library()


@register.inclusion_tag("maps/includes/map.html")
def site_map(*, org=None, product=None, country: str = "", map_id: str = "page"):
    """A map of an organization's sites, of the sites of the organizations linked to a product
    and its parts, or of the sites in a country. One count here, kept under the record's
    version: past MAP_TILED_FROM sites the map draws the server's clusters (maps.tiles) instead
    of loading them all. The page itself lists what the map shows."""
    fixed = {}
    if org is not None:
        fixed["org"] = org.public_id
    if product is not None:
        fixed["product"] = product.public_id
    if country:
        fixed["country"] = str(country)
    filters = NetworkFilters.from_params(fixed)
    return {
        "map_id": map_id,
        "map_config_id": f"map-config-{map_id}",
        "map_config": options.map_config(
            filters, fixed=filters.as_params(), tiled=preview.tiled(options.site_count(filters))
        ),
        "compact": True,
    }
