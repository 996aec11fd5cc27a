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


def map_config(filters: NetworkFilters, *, fixed: dict | None = None) -> dict:
    """The JSON the page hands to map.js (in a <script type="application/json">)."""
    pmtiles = ""
    if settings.BASEMAP_PMTILES:
        pmtiles = reverse("basemap", args=[settings.BASEMAP_PMTILES])
    return {
        "sitesUrl": reverse("maps:sites"),
        "siteUrl": reverse("maps:site", args=["__ID__"]),
        "profileUrl": reverse("record:organization-short", args=["__ID__"]),
        "basemap": static("unmask/dist/basemap/countries.json"),
        "pmtiles": pmtiles,
        "params": {} if fixed else filters.as_params(),  # fixed ones never go in the URL
        "fixed": fixed or {},
        "countries": country_names_by_number(),
        "labels": {
            "roles": dict(SiteRole.choices),
            "precisions": dict(Precision.choices),
            "kinds": dict(OrganizationKind.choices),
        },
    }
