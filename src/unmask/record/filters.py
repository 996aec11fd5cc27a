"""The filters of the directory, shared by the pages and the API: one definition, one behaviour.

Every filter reads plain query parameters, so the state lives in the URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.db.models import QuerySet

from unmask.record.models import (
    Involvement,
    Link,
    LinkStatus,
    Organization,
    OrganizationKind,
    Product,
    Relation,
    Site,
)
from unmask.record.search import search_organizations

ORDERINGS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "country": ("country", "name", "pk"),
    "-changed": ("-updated_at", "-pk"),
}


@dataclass(frozen=True)
class OrganizationFilters:
    q: str = ""
    country: str = ""
    kind: str = ""
    relation: str = ""
    status: str = ""
    product: str = ""  # public id of a product or program
    sort: str = "name"

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> OrganizationFilters:
        """Read filters from query parameters; unknown values are dropped, never an error page."""
        get = lambda key: (params.get(key) or "").strip()  # noqa: E731
        country = get("country").upper()
        return cls(
            q=get("q")[:200],
            country=country if len(country) == 2 and country.isalpha() else "",
            kind=get("kind") if get("kind") in OrganizationKind.values else "",
            relation=get("relation") if get("relation") in Relation.values else "",
            status=get("status") if get("status") in LinkStatus.values else "",
            product=get("product")[:12],
            sort=get("sort") if get("sort") in ORDERINGS else "name",
        )

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v and not (k == "sort" and v == "name")}

    @property
    def active(self) -> bool:
        return bool(set(self.as_params()) - {"sort"})

    @property
    def narrowing(self) -> int:
        """How many filters besides the words searched for and the order are set (the count
        on the folded panel of more filters)."""
        return len(set(self.as_params()) - {"q", "sort"})

    @property
    def only_words(self) -> bool:
        """Words searched for in name order, and no other filter."""
        return bool(self.q) and self.narrowing == 0 and self.sort in ("name", "-name")

    def apply(self, queryset: QuerySet | None = None, *, dense: bool = False) -> QuerySet:
        """Public organizations matching every filter, in a stable order. `dense`: the words
        match many (record.search.DENSE) and nothing else filters (only_words)."""
        qs = Organization.objects.public() if queryset is None else queryset
        if self.q:
            qs = search_organizations(qs, self.q, dense=dense and self.only_words)
        if self.country:
            qs = qs.filter(country=self.country)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.relation or self.status or self.product:
            # Through the involvements (one row per end of a public link): one index range
            # gives the matching organizations, whatever the size of the record.
            ends = Involvement.objects.all()
            if self.country:  # copied from the organization: narrows the same index range
                ends = ends.filter(country=self.country)
            if self.relation:
                ends = ends.filter(relation=self.relation)
            if self.status:
                ends = ends.filter(status=self.status)
            if self.product:
                product = Product.objects.public().filter(public_id=self.product).first()
                ends = ends.filter(product=product) if product else ends.none()
            qs = qs.filter(pk__in=ends.values("organization_id"))
        return qs.order_by(*ORDERINGS[self.sort])


@dataclass(frozen=True)
class NetworkFilters:
    """The filters of the map and the network graph (and their data endpoints).

    `product` is a program or product and takes in its parts at every tier; `relation`,
    `status` and `active` (links without an end) are about the links; `kind` is the
    organization's; `country` is where a site is on the map, and an organization's country in
    the graph; `org` narrows to one organization (its sites; in the graph, the centre of an ego
    network). An organization is in view when it has at least one public link matching every
    link filter at once; with no link filter, every public organization is.
    """

    product: str = ""
    relation: str = ""
    status: str = ""
    kind: str = ""
    country: str = ""
    active: bool = False
    org: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> NetworkFilters:
        """Read filters from query parameters; unknown values are dropped, never an error."""
        get = lambda key: (params.get(key) or "").strip()  # noqa: E731
        country = get("country").upper()
        return cls(
            product=get("product")[:12],
            relation=get("relation") if get("relation") in Relation.values else "",
            status=get("status") if get("status") in LinkStatus.values else "",
            kind=get("kind") if get("kind") in OrganizationKind.values else "",
            country=country if len(country) == 2 and country.isalpha() else "",
            active=get("active") in ("1", "true", "on", "yes"),
            org=get("org")[:12],
        )

    def as_params(self) -> dict[str, str]:
        params = {k: v for k, v in asdict(self).items() if v and k != "active"}
        if self.active:
            params["active"] = "1"
        return dict(sorted(params.items()))

    @property
    def active_filters(self) -> bool:
        return bool(self.as_params())

    @property
    def link_filtered(self) -> bool:
        return bool(self.product or self.relation or self.status or self.active)

    def product_ids(self) -> list[int] | None:
        """The filtered product and its public parts; None without a product filter, [] for
        an unknown or private one."""
        if not self.product:
            return None
        if "_product_ids" not in self.__dict__:  # once per filters object: pages ask often
            from unmask.record.queries import public_part_ids

            product = Product.objects.public().filter(public_id=self.product).only("pk").first()
            self.__dict__["_product_ids"] = public_part_ids(product.pk) if product else []
        return self.__dict__["_product_ids"]

    def links(self) -> QuerySet:
        """The public links matching the link filters (LinkQuerySet.matching): what the graph
        draws, a site's popup on the map lists and an export holds, before each keeps the
        organizations it shows."""
        return Link.objects.public().matching(
            relation=self.relation,
            status=self.status,
            active=True if self.active else None,
            product_ids=self.product_ids(),
        )

    def involvements(self, product_ids: list[int] | None = None) -> QuerySet:
        """The ends of the links that links() selects, from the involvements (see
        models.Involvement): organizations are found by their links from these rows."""
        ends = Involvement.objects.all()
        if self.relation:
            ends = ends.filter(relation=self.relation)
        if self.status:
            ends = ends.filter(status=self.status)
        if self.active:
            ends = ends.filter(active=True)
        if product_ids is None:
            product_ids = self.product_ids()
        if product_ids is not None:
            ends = ends.filter(product__in=product_ids)
        return ends

    def organizations(self, *, country_of_org: bool = True) -> QuerySet:
        """Public organizations in view."""
        qs = Organization.objects.public()
        if self.org:
            qs = qs.filter(public_id=self.org)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.country and country_of_org:
            qs = qs.filter(country=self.country)
        if self.link_filtered:
            qs = qs.filter(pk__in=self.involvements().values("organization_id"))
        return qs

    def sites(self) -> QuerySet:
        """Public sites, with a point, of the organizations in view; `country` is the site's."""
        qs = Site.objects.public().filter(latitude__isnull=False, longitude__isnull=False)
        if self.country:
            qs = qs.filter(country=self.country)
        if self.org or self.kind or self.link_filtered:
            orgs = self.organizations(country_of_org=False)
            qs = qs.filter(organization__in=orgs.values("pk"))
        return qs
