"""{% action_map %}: the map of upcoming actions on a call's, a group's or the calendar's page;
{% location_picker_config %}: what the location picker (campaign/includes/location_picker.html)
hands to map.js.

    {% load campaign_maps %}
    {% action_map call=call with_targets=True map_id="call" %}
    {% action_map group=group map_id="group" %}
    {% action_map country="DE" map_id="calendar" compact=False %}

`call` and `group` are objects or public ids; `country` an ISO code. They are fixed filters of
the actions layer (never in the page's address). With `with_targets` and a published call, the
map also draws the sites of the organizations the call targets, and of the organizations linked
to the programs and products it targets (campaign:call-sites). `map_id` must be unique on the
page. Compact (the default) renders no list: the page lists its actions itself. The tag makes
no query when given objects; the map loads its data from the GeoJSON endpoints.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static

from unmask.campaign import geo
from unmask.campaign.models import Call
from unmask.maps import options as map_options

register = template.Library()


def _public_id(value) -> str:
    return str(getattr(value, "public_id", value) or "")


@register.inclusion_tag("campaign/includes/action_map.html")
def action_map(
    *,
    call=None,
    group=None,
    country: str = "",
    with_targets: bool = False,
    map_id: str = "actions",
    compact: bool = True,
):
    fixed = geo.ActionFilters.from_params(
        {"call": _public_id(call), "group": _public_id(group), "country": str(country or "")}
    ).as_params()
    targets = None
    if with_targets and call is not None:
        if isinstance(call, Call):
            targets = call if call.has_page else None
        else:
            targets = geo.public_calls().filter(public_id=_public_id(call)).first()
    filters = geo.ActionFilters.from_params(fixed)
    return {
        "map_id": map_id,
        "map_config_id": f"map-config-{map_id}",
        "map_config": geo.actions_map_config(filters, fixed=fixed, targets=targets),
        "compact": compact,
        "show_sites": targets is not None,
        "plural_samples": geo.PLURAL_SAMPLES,
        **(_listing(filters) if not compact else {}),
    }


def _listing(filters: geo.ActionFilters) -> dict:
    rows = geo.list_rows(geo.upcoming(filters, limit=geo.LIST_LIMIT))
    total = geo.count(filters)
    return {"rows": rows, "total": total, "more_actions": total > len(rows)}


@register.simple_tag
def location_picker_config() -> dict:
    """The basemap for the picker: the same as every map's; and where the countries' boxes are,
    with their numeric codes, to show the country chosen in the form."""
    return {
        **map_options.basemap_config(),
        "bounds": static("unmask/dist/basemap/bounds.json"),
        "countryNumbers": map_options.country_numbers(),
    }
