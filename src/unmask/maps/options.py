"""What the map's form offers and what its script is told: filter choices, labels in the page's
language, and where its data and basemap are."""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django_countries import countries

from unmask.record import queries
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
    """What every map of this site draws under its layers: the country shapes, the operator's
    PMTiles if any, and country names in the page's language. Shared with the campaign's maps
    and the location picker."""
    pmtiles = ""
    if settings.BASEMAP_PMTILES:
        pmtiles = reverse("basemap", args=[settings.BASEMAP_PMTILES])
    return {
        "basemap": static("unmask/dist/basemap/countries.json"),
        "pmtiles": pmtiles,
        "countries": country_names_by_number(),
    }


def sites_layer_config(url: str = "", *, filtered: bool = True) -> dict:
    """The sites layer of a map (map.js): where its GeoJSON is (maps.geojson's format), whether
    the page's filters apply to it, and what its popups and list need. The record's sites have
    a preview (maps.preview) drawn while the browser indexes them."""
    return {
        "url": url or reverse("maps:sites"),
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


def map_config(filters: NetworkFilters, *, fixed: dict | None = None) -> dict:
    """The JSON the page hands to map.js (in a <script type="application/json">): one layer,
    the sites. `layers` lists the layers map.js draws (see frontend/src/map/layers.js); the
    flat keys (sitesUrl...) are what the sites layer reads when `layers` is absent."""
    sites = sites_layer_config()
    return {
        **basemap_config(),
        "layers": {"sites": sites},
        "sitesUrl": sites["url"],
        "siteUrl": sites["siteUrl"],
        "profileUrl": sites["profileUrl"],
        "params": {} if fixed else filters.as_params(),  # fixed ones never go in the URL
        "fixed": fixed or {},
        "labels": sites["labels"],
    }
