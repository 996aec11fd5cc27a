"""The filters of the directory, shared by the pages and the API: one definition, one behaviour.

Every filter reads plain query parameters, so the state lives in the URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.db.models import QuerySet

from unmask.record.models import (
    Involvement,
    LinkStatus,
    Organization,
    OrganizationKind,
    Product,
    Relation,
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

    def apply(self, queryset: QuerySet | None = None) -> QuerySet:
        """Public organizations matching every filter, in a stable order."""
        qs = Organization.objects.public() if queryset is None else queryset
        if self.q:
            qs = search_organizations(qs, self.q)
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
