"""Read-side helpers for public pages: what the public may see, fetched in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from unmask.record import version
from unmask.record.models import (
    INVERSE_LABELS,
    Citation,
    Link,
    LinkStatus,
    LinkStatusEvent,
    Organization,
    Product,
    Relation,
    Response,
    Site,
    Source,
    media_url,
)
from unmask.record.search import DENSE, public_match_count
from unmask.sql import reading
from unmask.urlcache import country_name, fast_reverse, label
from unmask.web import atom


def public_counts() -> dict[str, int]:
    """What the home page counts, kept under the record's version: counted again after a
    write, not for every reader (counting 100,000 sites and links took 6 ms)."""
    key = f"public-counts:{version.stamp()}"
    counts = cache.get(key)
    if counts is None:
        counts = {
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
        cache.set(key, counts, None)
    return counts


# What the public pages never print of the records they list: their timestamps, and an
# organization's description and search text (long texts, read for every link's two ends). Not
# reading them saves a quarter of a busy profile's database time (converting datetimes and
# building instances, not the queries themselves).
_TIMES = ("created_at", "updated_at", "deleted_at")
_UNSHOWN = {
    "citation": _TIMES,
    "source": (*_TIMES, "notes", "retrieved_on", "language"),
    "organization": (*_TIMES, "published_at", "description", "search_text", "name_key"),
    "product": (*_TIMES, "published_at", "description"),
}


def unshown(model: str, prefix: str = "") -> list[str]:
    """The fields of `model` (_UNSHOWN's keys) a public list defers, under `prefix`."""
    return [f"{prefix}{name}" for name in _UNSHOWN[model]]


def _citations():
    return Prefetch(
        "citations",
        queryset=Citation.objects.alive()
        .select_related("source")
        .defer(*unshown("citation"), *unshown("source", "source__")),
        to_attr="public_citations",
    )


def _links(queryset):
    return (
        queryset.select_related("subject", "object", "product")
        .defer(
            *unshown("organization", "subject__"),
            *unshown("organization", "object__"),
            *unshown("product", "product__"),
        )
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
    return {
        "org": org,
        "names": list(org.names.all()),
        "identifiers": list(org.identifiers.all()),
        "citations": list(
            Citation.objects.alive().filter(organization=org).select_related("source")
        ),
        "sites": list(
            Site.objects.public()
            .filter(organization=org)
            .order_by("name", "city", "pk")  # the same order on every database
            .prefetch_related(_citations())
        ),
        **dict(zip(("links_out", "links_in"), profile_links(org), strict=True)),
        "responses": list(Response.objects.public().filter(organization=org, link__isnull=True)),
        "products": list(Product.objects.public().filter(maker=org)),
    }


_PROFILE_LINK_FIELDS = (
    *("pk", "public_id", "status", "relation", "start", "end", "share", "summary"),
    *("subject_id", "subject__public_id", "subject__name", "subject__slug"),
    *("object_id", "object__public_id", "object__name", "object__slug"),
    *("product_id", "product__public_id", "product__name", "product__slug"),
)


def profile_links(org: Organization) -> tuple[list[dict], list[dict]]:
    """The organization's public links, as its profile prints them (record_markup.profile_link):
    those it is the subject of, then those it is the object of, each by relation, newest first.

    Read as values in four queries (the links with their ends and product, the citations with
    their sources, the status events, the published replies), without model instances: at 44
    links they were two thirds of the profile's database time."""
    rows = Link.objects.public().filter(models.Q(subject=org) | models.Q(object=org))
    rows = list(rows.order_by("relation", "-start", "pk").values(*_PROFILE_LINK_FIELDS))
    if not rows:
        return [], []
    by_pk = {}
    for row in rows:
        row.update(
            relation_label=label(Relation, row["relation"]),
            inverse_label=label(INVERSE_LABELS, row["relation"]),
            status_label=label(LinkStatus, row["status"]),
            subject=row["subject__name"],
            subject_url=fast_reverse(
                "record:organization", row["subject__public_id"], row["subject__slug"]
            ),
            object=row["object__name"] or "",
            object_url=fast_reverse(
                "record:organization", row["object__public_id"], row["object__slug"]
            )
            if row["object_id"]
            else "",
            product=row["product__name"] or "",
            product_url=fast_reverse(
                "record:product", row["product__public_id"], row["product__slug"]
            )
            if row["product_id"]
            else "",
            citations=[],
            events=[],
            replies=[],
        )
        by_pk[row["pk"]] = row
    for cited in (
        Citation.objects.alive()
        .filter(link__in=list(by_pk))
        .order_by("pk")
        .values(*CITATION_FIELDS)
    ):
        by_pk[cited["link"]]["citations"].append(citation_row(cited))
    events = LinkStatusEvent.objects.filter(link__in=list(by_pk)).order_by("created_at", "pk")
    for link, effective, created, status, note in events.values_list(
        "link", "effective", "created_at", "new_status", "note"
    ):
        by_pk[link]["events"].append(
            {
                "effective": effective,
                "created_at": created,
                "status_label": label(LinkStatus, status),
                "note": note,
            }
        )
    replies = Response.objects.public().filter(link__in=list(by_pk)).order_by("received_on", "pk")
    for link, name, received_on, text, document in replies.values_list(
        "link", "organization__name", "received_on", "text", "document"
    ):
        by_pk[link]["replies"].append(
            {
                "organization": name,
                "received_on": received_on,
                "text": text,
                "document_url": media_url(document),
            }
        )
    return (
        [row for row in rows if row["subject_id"] == org.pk],
        [row for row in rows if row["object_id"] == org.pk],
    )


CITATION_FIELDS = (
    *("link", "quote", "locator", "source__public_id", "source__title", "source__publisher"),
    *("source__published_on", "source__archive_url", "source__archived_file"),
)


def citation_row(values: dict) -> dict:
    """A citation as record_markup prints it, from CITATION_FIELDS' values."""
    return {
        "quote": values["quote"],
        "locator": values["locator"],
        "source_url": fast_reverse("record:source", values["source__public_id"]),
        "title": values["source__title"],
        "publisher": values["source__publisher"],
        "published_on": values["source__published_on"],
        "archive_url": values["source__archive_url"],
        "archived_file_url": media_url(values["source__archived_file"]),
    }


def product_page(product: Product) -> dict:
    return {
        "product": product,
        "citations": list(
            Citation.objects.alive().filter(product=product).select_related("source")
        ),
    }


def site_page(site: Site) -> dict:
    org = site.organization
    return {
        "site": site,
        "org": org,
        "citations": list(Citation.objects.alive().filter(site=site).select_related("source")),
        "other_sites": list(
            Site.objects.public()
            .filter(organization=org)
            .exclude(pk=site.pk)
            .order_by("name", "pk")[:50]
        ),
    }


CLAIMS_PER_PAGE = 50  # as the directory pages: a source can support thousands
COUNTRY_LIST_LIMIT = 50


def source_page(source: Source, page: str | None = None) -> dict:
    """The source and the public claims it supports, a page of CLAIMS_PER_PAGE at a time (a
    source can support thousands): the claims of the page in one query, and their count."""
    claims = (
        Citation.objects.alive()
        .filter(source=source)
        .filter(
            models.Q(organization__is_public=True)
            | models.Q(link__is_public=True)
            | models.Q(site__is_public=True)
            | models.Q(product__is_public=True)
        )
        .select_related(
            "organization",
            "site__organization",
            "product",
            "link__subject",
            "link__object",
            "link__product",
        )
        .order_by("pk")
    )
    page_obj = Paginator(claims, CLAIMS_PER_PAGE).get_page(page)
    return {"source": source, "claims": list(page_obj), "page": page_obj}


@dataclass
class Change:
    when: datetime
    kind: str
    label: str
    url: str
    reason: str
    guid: str = ""  # its Atom id (web/atom.py): never changes, whatever is renamed


def _latest_per_record(history, public, limit: int, batches: int = 20):
    """The newest history row of each of the most recently changed public records: its id,
    history_date and history_change_reason.

    History rows newest first, `limit * 6` at a time (at most `batches` of them), each batch's
    records checked against `public` in one query: the database walks the history_date index
    and stops, whatever the size of the record. (Filtering the history by the public ids first
    made SQLite read and sort every history row of every public record: 200 ms at 100,000
    links.)"""
    rows, seen = [], set()
    size = limit * 6
    newest = history.order_by("-history_date", "-history_id")
    # Three columns, not whole history rows: 240 model instances of some 30 fields each were
    # most of the changes feed's time.
    newest = newest.values_list("id", "history_date", "history_change_reason", named=True)
    for start in range(0, size * batches, size):
        chunk = list(newest[start : start + size])
        ids = {row.id for row in chunk} - seen
        shown = set(public.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        for row in chunk:
            if row.id in shown and row.id not in seen:
                seen.add(row.id)
                rows.append(row)
                if len(rows) == limit:
                    return rows
        if len(chunk) < size:
            break
    return rows


def recent_changes(limit: int = 20) -> list[Change]:
    """The latest change to each recently changed public organization and link, newest first."""
    changes: list[Change] = []
    orgs = _latest_per_record(Organization.history, Organization.objects.public(), limit)
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
                atom.change_tag("organization", org.public_id, h.history_date),
            )
        )
    links = _latest_per_record(Link.history, Link.objects.public(), limit)
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
                atom.change_tag("link", link.public_id, h.history_date),
            )
        )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


# --- directory, country, supply tree, history ---------------------------------------------------

PAGE_SIZE = 50


def directory_page(filters, page_number) -> dict:
    """One page of the directory: the organizations, their other names, and the total."""
    from django.core.paginator import Paginator

    # Words alone: counted in the search index where it can be (record.search), and a page of
    # many matches read along the names.
    known = (
        public_match_count(Organization.objects.all(), filters.q) if filters.only_words else None
    )
    queryset = filters.apply(dense=(known or 0) > DENSE)
    if known is None and filters.q:
        known = _search_count(filters, queryset)
    paginator = Paginator(
        queryset.prefetch_related(Prefetch("names", to_attr="other_names")), PAGE_SIZE
    )
    if known is not None:
        paginator.count = known  # Paginator.count is a cached property: set, not counted
    page = paginator.get_page(page_number)
    rows = [organization_row(org) for org in page.object_list]
    return {"page": page, "organizations": rows, "total": paginator.count}


def _search_count(filters, queryset) -> int:
    """How many organizations a search with these filters finds, where the search index cannot
    count them alone (PostgreSQL: its GIN index gives a bitmap of every match, then each row is
    read for its visibility: 22-27 ms for the 28,719 organizations "ltd" finds among 100,000).
    Kept under the record's version, as the home page's counts: the first reader after an edit
    counts again."""
    return version.kept("directory-count", filters.as_params(), queryset.count)


def organization_row(org: Organization) -> dict:
    """What a list shows of an organization, worked out in Python: a template resolves a dict
    key several times faster than a model attribute, and lists print hundreds of them."""
    return {
        "url": org.get_absolute_url(),
        "name": org.name,
        "kind": org.kind_label,
        "country": str(org.country),
        "country_name": org.country_name,
        "country_url": org.country_url,
        "other_names": [(n.language, n.name) for n in getattr(org, "other_names", ())],
    }


def public_countries() -> list[str]:
    """The countries of public organizations, by hopping along the partial index on (country)
    of public organizations: one index seek per country ("loose index scan"), where SELECT
    DISTINCT would read an index entry per organization."""
    table = connection.ops.quote_name(Organization._meta.db_table)  # our own table, not input
    sql = f"""
        WITH RECURSIVE hop(code) AS (
            SELECT MIN(country) FROM {table} WHERE is_public AND country > ''
            UNION ALL
            SELECT (SELECT MIN(country) FROM {table} WHERE is_public AND country > hop.code)
            FROM hop WHERE hop.code IS NOT NULL
        )
        SELECT code FROM hop WHERE code IS NOT NULL
    """  # noqa: S608
    with reading(Organization).cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def filter_options() -> dict:
    countries = public_countries()
    programs = Product.objects.public().filter(kind__in=["program", "platform"]).order_by("name")
    named = sorted(((code, country_name(code)) for code in countries), key=lambda c: c[1])
    return {"countries": named, "products": list(programs.only("public_id", "name"))}


def country_page(code: str) -> dict:
    """The first COUNTRY_LIST_LIMIT organizations and sites of a country, and how many there
    are: a big country holds thousands, which the directory and the map page through. The
    sites by city, read in the order of an index (by their organization's name, thousands
    were sorted for each request). Rows as dicts (organization_row, site_row)."""
    orgs = Organization.objects.public().filter(country=code)
    sites = Site.objects.public().filter(country=code).select_related("organization")
    return {
        "organizations": [
            organization_row(org) for org in orgs.order_by("name", "pk")[:COUNTRY_LIST_LIMIT]
        ],
        "organization_count": orgs.count(),
        "sites": [site_row(site) for site in sites.order_by("city", "pk")[:COUNTRY_LIST_LIMIT]],
        "site_count": sites.count(),
    }


def site_row(site: Site) -> dict:
    """What a list shows of a site (its organization loaded with it), as organization_row."""
    return {
        "url": site.get_absolute_url(),
        "role": site.role_label,
        "city": site.city,
        "precision": site.precision_label,
        "org_url": site.organization.get_absolute_url(),
        "org_name": site.organization.name,
    }


@dataclass
class TreeNode:
    product: Product
    links: list
    children: list
    more: bool = False  # more public links than shown: the directory filtered by product lists them


MAX_TREE_DEPTH = 12
LINKS_PER_NODE = 5


def _latest_link_ids(product_ids: list[int], per_product: int) -> list[int]:
    """The newest `per_product` public link ids of each product, in one query (a UNION ALL of
    small index-ordered subqueries: a window function over all links is far slower)."""
    if not product_ids:
        return []
    table = connection.ops.quote_name(Link._meta.db_table)  # our own table name, not input
    part = (
        f"SELECT id FROM (SELECT id FROM {table} WHERE product_id = %s AND is_public"  # noqa: S608
        " ORDER BY id DESC LIMIT %s) AS latest"
    )
    sql = " UNION ALL ".join([part] * len(product_ids))
    params = [value for pk in product_ids for value in (pk, per_product)]
    with reading(Link).cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def public_part_ids(product_pk: int) -> list[int]:
    """The product and its public parts to any depth (at most MAX_TREE_DEPTH tiers), tier by
    tier, in one query: the part-of pairs of public products are few (products, not links)."""
    children: dict[int, list[int]] = {}
    for pk, parent in Product.objects.public().exclude(part_of=None).values_list("pk", "part_of"):
        children.setdefault(parent, []).append(pk)
    wanted, tier = [product_pk], [product_pk]
    for _depth in range(MAX_TREE_DEPTH):
        tier = [child for pk in tier for child in children.get(pk, [])]
        if not tier:
            break
        wanted += tier
    return wanted


def supply_tree(product: Product) -> TreeNode:
    """The product, its parts to any depth (program → platform → subsystem → component →
    material ...), and at each part the newest public links that concern it: who makes,
    supplies, finances or services what, for whom, with what status.

    A fixed number of queries whatever the size or depth: the part-of pairs of public products,
    the parts, the ids of the links shown, and those links with their evidence. A part with more
    than LINKS_PER_NODE links says so and points to the full list.
    """
    wanted = public_part_ids(product.pk)
    parts = Product.objects.filter(pk__in=wanted[1:]).select_related("maker").order_by("name", "pk")
    nodes = {product.pk: TreeNode(product, [], [])}
    nodes.update({p.pk: TreeNode(p, [], []) for p in parts})
    for node in sorted(nodes.values(), key=lambda n: (n.product.name, n.product.pk)):
        if node.product.pk != product.pk and node.product.part_of_id in nodes:
            nodes[node.product.part_of_id].children.append(node)
    ids = _latest_link_ids(list(nodes), LINKS_PER_NODE + 1)
    sources = (
        Citation.objects.alive()
        .filter(link=OuterRef("pk"))
        .order_by()
        .values("link")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    links = (
        Link.objects.filter(pk__in=ids)
        .annotate(sources=Coalesce(Subquery(sources), 0))
        .order_by("-pk")
        .values(*TREE_LINK_FIELDS, "sources")
    )
    for link in links:  # values, not model instances: a tree shows hundreds of links
        node = nodes[link["product"]]
        if len(node.links) < LINKS_PER_NODE:
            node.links.append(tree_link_row(link))
        else:
            node.more = True
    return nodes[product.pk]


TREE_LINK_FIELDS = (
    *("public_id", "product", "relation", "status", "start", "end", "object"),
    *("subject__public_id", "subject__name", "subject__slug"),
    *("object__public_id", "object__name", "object__slug"),
)


def tree_link_row(link: dict) -> dict:
    """What the supply tree shows of a link (its TREE_LINK_FIELDS' values and its number of
    sources), worked out in Python (see organization_row)."""
    has_object = link["object"] is not None
    return {
        "public_id": link["public_id"],
        "status": link["status"],
        "status_label": label(LinkStatus, link["status"]),
        "relation_label": label(Relation, link["relation"]),
        "subject": link["subject__name"],
        "subject_url": fast_reverse(
            "record:organization", link["subject__public_id"], link["subject__slug"]
        ),
        "object": link["object__name"] if has_object else "",
        "object_url": fast_reverse(
            "record:organization", link["object__public_id"], link["object__slug"]
        )
        if has_object
        else "",
        "start": link["start"],
        "end": link["end"],
        "sources": link["sources"],
    }


def flatten(node: TreeNode, depth: int = 0) -> list[tuple[int, TreeNode]]:
    """The tree as rows of (depth, node) in reading order: one loop renders it, where a
    recursive template include costs more than the queries."""
    rows = [(depth, node)]
    for child in node.children:
        rows += flatten(child, depth + 1)
    return rows


@dataclass
class HistoryEntry:
    when: datetime
    what: str
    change: str
    reason: str
    guid: str = ""  # its Atom id (web/atom.py)


def public_history(org: Organization, limit: int = 200) -> list[HistoryEntry]:
    """The organization's own changes and those of its public links and sites, newest first.
    Only changes made while the record was published: drafts' working notes stay internal."""
    entries: list[HistoryEntry] = []
    labels = {"+": "created", "~": "changed", "-": "removed"}
    for h in org.history.filter(published_at__isnull=False).order_by("-history_date")[:limit]:
        entries.append(
            HistoryEntry(
                h.history_date,
                h.name,
                labels[h.history_type],
                h.history_change_reason or "",
                atom.change_tag("organization", org.public_id, h.history_date),
            )
        )
    links = Link.objects.public().filter(models.Q(subject=org) | models.Q(object=org))
    link_by_pk = links.select_related("subject", "object", "product").in_bulk()
    link_history = Link.history.filter(id__in=list(link_by_pk), published_at__isnull=False)
    for h in link_history.order_by("-history_date")[:limit]:
        entries.append(
            HistoryEntry(
                h.history_date,
                str(link_by_pk[h.id]),
                labels[h.history_type],
                h.history_change_reason or "",
                atom.change_tag("link", h.public_id, h.history_date),
            )
        )
    site_ids = Site.objects.public().filter(organization=org).values("pk")
    site_history = Site.history.filter(id__in=site_ids, published_at__isnull=False)
    for h in site_history.order_by("-history_date")[:limit]:
        entries.append(
            HistoryEntry(
                h.history_date,
                h.name or h.city,
                labels[h.history_type],
                h.history_change_reason or "",
                atom.change_tag("site", h.public_id, h.history_date),
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def claim_page(public_id: str) -> dict | None:
    """A public link with its evidence, status history and published replies (a few queries);
    None when there is no such public link. Merges re-point links, so their ids stay valid."""
    link = _links(Link.objects.public().filter(public_id=public_id)).first()
    if link is None:
        return None
    return {
        "link": link,
        "events": list(link.status_events.all()),
        "citations": link.public_citations,
        "replies": link.public_responses,
    }
