"""What the map's form offers and what its script is told: filter choices, labels in the page's
language, and where its data and basemap are."""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django_countries import countries

from unmask.maps import signals, tiles
from unmask.record import queries, version
from unmask.record.filters import NetworkFilters
from unmask.record.models import (
    LinkStatus,
    OrganizationKind,
    Precision,
    Product,
    Relation,
    SiteRole,
)

_numeric_names: dict[str, dict[str, str]] = {}

# The layers a reader may add over the sites, each shown by `?<name>=1` (the form's checkbox):
# offered by other apps through signals.map_layers, so the map never imports them.
OPTIONAL_LAYERS = ("actions",)
TRUE = ("1", "true", "on", "yes")


def site_count(filters: NetworkFilters) -> int:
    """How many sites a map with these filters shows: what it says, and whether it loads them
    all or draws the server's clusters (maps.tiles). Kept under the record's version, as the
    home page's counts: a million sites took 35 ms to count for every reader."""
    return version.kept("map-count", filters.as_params(), lambda: filters.sites().count())


def filter_options() -> dict:
    products = Product.objects.public().order_by("name", "pk").only("public_id", "name", "kind")
    return {
        "products": list(products.filter(kind__in=["program", "platform"])),
        "relations": Relation.choices,
        "statuses": LinkStatus.choices,
        "kinds": OrganizationKind.choices,
        "countries": queries.filter_options()["countries"],
    }


def country_names_by_number() -> dict[str, str]:
    """Country names in the page's language keyed by ISO 3166 numeric code ("276"), as the
    basemap's shapes (Natural Earth, via world-atlas) are."""
    language = get_language() or ""
    names = _numeric_names.get(language)
    if names is None:
        names = {}
        for code, name in countries:
            number = countries.numeric(code, padded=True)
            if number:
                names[number] = str(name)
        _numeric_names[language] = names
    return names


def basemap_config() -> dict:
    """What every map of this site draws under its layers: the country shapes, first-level
    boundaries and populated places, the operator's PMTiles if any, and country names in the
    page's language. Shared with the campaign's maps
    and the location picker."""
    pmtiles = ""
    if settings.BASEMAP_PMTILES:
        pmtiles = reverse("basemap", args=[settings.BASEMAP_PMTILES])
    return {
        "basemap": static("unmask/dist/basemap/countries.json"),
        # Natural Earth's first-level boundaries and populated places (frontend/data/), each a
        # source of its own: the country shapes draw without waiting for them.
        "regions": static("unmask/dist/basemap/regions.json"),
        "places": static("unmask/dist/basemap/places.json"),
        "pmtiles": pmtiles,
        "countries": country_names_by_number(),
    }


def country_numbers() -> dict[str, str]:
    """ISO 3166 numeric codes ("276") by alpha-2 code ("DE"): how the place picker finds the
    chosen country's box in the basemap's bounds.json."""
    return {
        code: countries.numeric(code, padded=True)
        for code, _name in countries
        if countries.numeric(code)
    }


def sites_layer_config(url: str = "", *, filtered: bool = True, tiled: bool = False) -> dict:
    """The sites layer of a map (map.js): where its GeoJSON is (maps.geojson's format), whether
    the page's filters apply to it, and what its popups and list need. The record's sites have
    a preview (maps.preview) drawn while the browser indexes them; past MAP_TILED_FROM sites
    (`tiled`) the map draws the server's clusters (maps.tiles) and never loads every site."""
    tile = reverse("maps:sites-tile", args=[0, 0, 0]).replace("/0/0/0.", "/{z}/{x}/{y}.")
    return {
        "url": url or reverse("maps:sites"),
        # The record's sites also come compact (maps.compact), read in a worker of the page's.
        "compactUrl": "" if url or tiled else reverse("maps:sites-compact"),
        "idsUrl": "" if url or tiled else reverse("maps:site-ids"),
        "tilesUrl": tile if tiled and not url else "",
        "tilesFrom": tiles.FIRST_ZOOM,
        "tilesBlockShift": tiles.BLOCK_SHIFT,
        "workerUrl": static("unmask/dist/sites-worker.js"),
        "previewUrl": "" if url else reverse("maps:sites-preview"),
        "filtered": filtered,
        "siteUrl": reverse("maps:site", args=["__ID__"]),
        "profileUrl": reverse("record:organization-short", args=["__ID__"]),
        "labels": {
            "roles": dict(SiteRole.choices),
            "precisions": dict(Precision.choices),
            "kinds": dict(OrganizationKind.choices),
        },
    }


def optional_layers() -> dict[str, dict]:
    """The layers other apps offer over the sites (signals.map_layers), by name: only those
    map.js knows how to draw."""
    offered = signals.collect(signals.map_layers, language=get_language())
    return {name: offered[name] for name in OPTIONAL_LAYERS if offered.get(name)}


def shown_layers(params, optional: dict) -> list[str]:
    """The optional layers the address asks for (`?actions=1`); unknown values are dropped."""
    return [name for name in optional if (params.get(name) or "").strip().lower() in TRUE]


def map_config(
    filters: NetworkFilters,
    *,
    fixed: dict | None = None,
    optional: dict | None = None,
    shown: list[str] | tuple = (),
    tiled: bool = False,
) -> dict:
    """The JSON the page hands to map.js (in a <script type="application/json">): the sites,
    and the `optional` layers (optional_layers()), each drawn over them when its name is in
    `shown` and switched on and off by the form's checkbox of that name (`toggle`; map.js keeps
    it in the address, apart from the filters: the layer's data never gets the sites' filters).
    `layers` lists the layers map.js draws (see frontend/src/map/layers.js); the flat keys
    (sitesUrl...) are what the sites layer reads when `layers` is absent."""
    sites = sites_layer_config(tiled=tiled)
    layers = {"sites": sites}
    for name, layer in (optional or {}).items():
        config = {key: value for key, value in layer.items() if key != "pageUrl"}
        layers[name] = {**config, "filtered": False, "toggle": name, "shown": name in shown}
    return {
        **basemap_config(),
        "layers": layers,
        "sitesUrl": sites["url"],
        "siteUrl": sites["siteUrl"],
        "profileUrl": sites["profileUrl"],
        "params": {} if fixed else filters.as_params(),  # fixed ones never go in the URL
        "fixed": fixed or {},
        "labels": sites["labels"],
    }
