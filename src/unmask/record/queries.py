"""Read-side helpers for public pages: what the public may see, fetched in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from unmask.record.models import (
    Citation,
    Link,
    LinkStatusEvent,
    Organization,
    Product,
    Response,
    Site,
    Source,
)


def public_counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.public().count(),
        "links": Link.objects.public().count(),
        "sites": Site.objects.public().count(),
        "sources": Source.objects.public().count(),
        "countries": Organization.objects.public()
        .exclude(country="")
        .values("country")
        .distinct()
        .count(),
    }


def _citations():
    return Prefetch(
        "citations",
        queryset=Citation.objects.alive().select_related("source"),
        to_attr="public_citations",
    )


def _links(queryset):
    return (
        queryset.select_related("subject", "object", "product")
        .prefetch_related(
            _citations(),
            Prefetch(
                "responses",
                queryset=Response.objects.public().select_related("organization"),
                to_attr="public_responses",
            ),
            Prefetch(
                "status_events", queryset=LinkStatusEvent.objects.order_by("created_at", "pk")
            ),
        )
        .order_by("relation", "-start", "pk")
    )


def organization_profile(org: Organization) -> dict:
    links = Link.objects.public()
    return {
        "org": org,
        "names": list(org.names.all()),
        "identifiers": list(org.identifiers.all()),
        "citations": list(
            Citation.objects.alive().filter(organization=org).select_related("source")
        ),
        "sites": list(
            Site.objects.public().filter(organization=org).prefetch_related(_citations())
        ),
        "links_out": list(_links(links.filter(subject=org))),
        "links_in": list(_links(links.filter(object=org))),
        "responses": list(Response.objects.public().filter(organization=org, link__isnull=True)),
        "products": list(Product.objects.public().filter(maker=org)),
    }


def product_page(product: Product) -> dict:
    return {
        "product": product,
        "citations": list(
            Citation.objects.alive().filter(product=product).select_related("source")
        ),
        "parts": list(Product.objects.public().filter(part_of=product).select_related("maker")),
        "links": list(_links(Link.objects.public().filter(product=product))),
    }


def source_page(source: Source) -> dict:
    cites = (
        Citation.objects.alive()
        .filter(source=source)
        .select_related(
            "organization",
            "site__organization",
            "product",
            "link__subject",
            "link__object",
            "link__product",
        )
    )
    public = {
        "organization": set(
            Organization.objects.public()
            .filter(citations__source=source)
            .values_list("pk", flat=True)
        ),
        "link": set(
            Link.objects.public().filter(citations__source=source).values_list("pk", flat=True)
        ),
        "site": set(
            Site.objects.public().filter(citations__source=source).values_list("pk", flat=True)
        ),
        "product": set(
            Product.objects.public().filter(citations__source=source).values_list("pk", flat=True)
        ),
    }
    claims = [c for c in cites if any(getattr(c, f"{k}_id") in ids for k, ids in public.items())]
    return {"source": source, "claims": claims}


@dataclass
class Change:
    when: datetime
    kind: str
    label: str
    url: str
    reason: str


def _latest_per_record(history, public_ids, limit: int):
    """The newest history row of each of the most recently changed public records."""
    rows, seen = [], set()
    for row in history.filter(id__in=public_ids).order_by("-history_date")[: limit * 6]:
        if row.id not in seen:
            seen.add(row.id)
            rows.append(row)
        if len(rows) == limit:
            break
    return rows


def recent_changes(limit: int = 20) -> list[Change]:
    """The latest change to each recently changed public organization and link, newest first."""
    changes: list[Change] = []
    orgs = _latest_per_record(
        Organization.history, Organization.objects.public().values("pk"), limit
    )
    org_by_pk = Organization.objects.in_bulk({h.id for h in orgs})
    for h in orgs:
        org = org_by_pk[h.id]
        changes.append(
            Change(
                h.history_date,
                "organization",
                org.name,
                org.get_absolute_url(),
                h.history_change_reason or "",
            )
        )
    links = _latest_per_record(Link.history, Link.objects.public().values("pk"), limit)
    link_by_pk = Link.objects.select_related("subject", "object", "product").in_bulk(
        {h.id for h in links}
    )
    for h in links:
        link = link_by_pk[h.id]
        changes.append(
            Change(
                h.history_date,
                "link",
                str(link),
                link.subject.get_absolute_url(),
                h.history_change_reason or "",
            )
        )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
