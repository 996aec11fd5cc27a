"""The rule of publication, in one place, and the stored flag that makes it cheap to read.

A record is public when a reviewer published it, it is not deleted, at least one citation backs
it (a citation counts while neither it nor its source is deleted), and everything it names is
public too: a site's organization, a product's maker, a link's subject, object and product.
A source is public while it backs at least one public claim.

`Model.objects.public()` reads `is_public`. Every write that can change the answer goes through
`services.save_with_history`, which calls `refresh_for(obj)`: the flags of that record and of
everything that depends on it are recomputed from the rule in a few UPDATE statements, in
dependency order (organizations → products → sites → links → sources). `refresh_all()` does the
same for every row, after bulk loads and in `unmask refresh_visibility`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from types import SimpleNamespace

from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, Value, When

from unmask.record import version
from unmask.record.models import (
    Citation,
    Identifier,
    Involvement,
    Link,
    Organization,
    OrganizationName,
    Product,
    Site,
    Source,
    link_is_active,
)
from unmask.record.text import fold
from unmask.sql import select_in, statement

BATCH = 500


def _cited(field: str) -> Exists:
    return Exists(Citation.objects.alive().filter(**{field: OuterRef("pk")}))


def _public_org(field: str) -> Exists:
    return Exists(Organization.objects.filter(pk=OuterRef(field), is_public=True))


def _base(field: str) -> Q:
    return Q(deleted_at__isnull=True, published_at__isnull=False) & Q(_cited(field))


def rule(model) -> Q:
    """The condition under which a row of `model` is public, as a database expression."""
    if model is Organization:
        return _base("organization")
    if model is Product:
        return _base("product") & (Q(maker__isnull=True) | Q(_public_org("maker")))
    if model is Site:
        return _base("site") & Q(_public_org("organization"))
    if model is Link:
        public_product = Exists(Product.objects.filter(pk=OuterRef("product"), is_public=True))
        return (
            _base("link")
            & Q(_public_org("subject"))
            & (Q(object__isnull=True) | Q(_public_org("object")))
            & (Q(product__isnull=True) | Q(public_product))
        )
    if model is Source:
        cites = Citation.objects.alive().filter(source=OuterRef("pk"))
        return Q(deleted_at__isnull=True) & (
            Q(Exists(cites.filter(organization__is_public=True)))
            | Q(Exists(cites.filter(link__is_public=True)))
            | Q(Exists(cites.filter(site__is_public=True)))
            | Q(Exists(cites.filter(product__is_public=True)))
        )
    raise TypeError(f"{model.__name__} has no visibility rule")


ORDER = (Organization, Product, Site, Link, Source)


_SENTINEL = -7_042_913  # stands for the primary key in the precompiled statement


@functools.cache
def _single_row_sql(model) -> tuple[str, tuple]:
    """The rule for one row as SQL, compiled once per process: the ORM would rebuild and
    recompile the same nested expression on every save (about 1-2 ms each)."""
    flag = Case(When(rule(model), then=Value(True)), default=Value(False))
    query = model.objects.filter(pk=_SENTINEL).annotate(new_flag=flag)
    sql, params = query.values_list("is_public", "new_flag").query.sql_with_params()
    return sql, tuple(params)


def _flags_for(model, pks: list[int]) -> list[tuple[int, bool, bool]]:
    """(pk, stored flag, flag by the rule) for each row."""
    if len(pks) <= 20:
        sql, template = _single_row_sql(model)
        params, position = list(template), template.index(_SENTINEL)
        rows = []
        with connection.cursor() as cursor:
            for pk in pks:
                params[position] = pk
                cursor.execute(sql, params)
                rows += [(pk, old, new) for old, new in cursor.fetchall()]
        return rows
    flag = Case(When(rule(model), then=Value(True)), default=Value(False))
    rows = []
    for i in range(0, len(pks), BATCH):
        batch = model.objects.filter(pk__in=pks[i : i + BATCH]).annotate(new_flag=flag)
        rows += list(batch.values_list("pk", "is_public", "new_flag"))
    return rows


def update_flags(model, pks: Iterable[int] | None) -> set[int]:
    """Recompute the flag of these rows (all rows for None); return the pks whose flag changed."""
    if pks is None:
        pks = model.objects.values_list("pk", flat=True)
    changed: dict[bool, list[int]] = {True: [], False: []}
    for pk, old, new in _flags_for(model, sorted(set(pks))):
        if bool(old) != bool(new):
            changed[bool(new)].append(pk)
    for value, ids in changed.items():
        for i in range(0, len(ids), BATCH):
            model.objects.filter(pk__in=ids[i : i + BATCH]).update(is_public=value)
    return set(changed[True]) | set(changed[False])


def refresh(
    orgs: Iterable[int] = (),
    products: Iterable[int] = (),
    sites: Iterable[int] = (),
    links: Iterable[int] = (),
    sources: Iterable[int] = (),
    *,
    involved: bool = True,
) -> None:
    """Recompute the flags of these records and, where a flag changed, of what depends on it;
    then the involvements of the links concerned (see models.Involvement). `involved=False`:
    the organizations' country and kind did not change, so their links' involvements are
    rewritten only where a flag changed."""
    products, sites, links, sources = map(set, (products, sites, links, sources))
    asked_orgs, asked_links = set(orgs), set(links)
    changed_claims = Q(pk__in=[])
    orgs = update_flags(Organization, asked_orgs) if asked_orgs else set()
    if orgs:
        products |= set(Product.objects.filter(maker__in=orgs).values_list("pk", flat=True))
        sites |= set(Site.objects.filter(organization__in=orgs).values_list("pk", flat=True))
        links |= set(
            Link.objects.filter(Q(subject__in=orgs) | Q(object__in=orgs)).values_list(
                "pk", flat=True
            )
        )
        changed_claims |= Q(organization__in=orgs)
    products = update_flags(Product, products) if products else set()
    if products:
        links |= set(Link.objects.filter(product__in=products).values_list("pk", flat=True))
        changed_claims |= Q(product__in=products)
    sites = update_flags(Site, sites) if sites else set()
    if sites:
        changed_claims |= Q(site__in=sites)
    links = update_flags(Link, links) if links else set()
    if links:
        changed_claims |= Q(link__in=links)
    if orgs or products or sites or links:
        sources |= set(Citation.objects.filter(changed_claims).values_list("source_id", flat=True))
    if sources:
        update_flags(Source, sources)
    # An organization's country or kind is copied into its involvements, and a link's fields
    # are in them too: rewrite them for every link asked about or touched.
    touched = asked_links | links
    if asked_orgs and involved:
        touched |= set(
            Link.objects.filter(Q(subject__in=asked_orgs) | Q(object__in=asked_orgs)).values_list(
                "pk", flat=True
            )
        )
    if touched:
        sync_involvements(touched)


def refresh_for(obj) -> None:
    """After `obj` was saved: refresh whatever its change may have made (in)visible, and the
    instance's own flag. Raises the record's version (record/version.py)."""
    _refresh_for(obj)
    version.bump()
    if hasattr(obj, "is_public"):
        obj.is_public = type(obj).objects.filter(pk=obj.pk).values_list("is_public", flat=True)[0]


def _refresh_for(obj) -> None:
    if isinstance(obj, Organization):
        refresh(orgs=[obj.pk])
    elif isinstance(obj, Product):
        refresh(products=[obj.pk])
    elif isinstance(obj, Site):
        refresh(sites=[obj.pk])
    elif isinstance(obj, Link):
        refresh(links=[obj.pk])
    elif isinstance(obj, Citation):
        refresh(
            orgs=[obj.organization_id] if obj.organization_id else (),
            products=[obj.product_id] if obj.product_id else (),
            sites=[obj.site_id] if obj.site_id else (),
            links=[obj.link_id] if obj.link_id else (),
            sources=[obj.source_id],
        )
    elif isinstance(obj, Source):
        cites = Citation.objects.filter(source=obj)
        refresh(
            orgs=cites.exclude(organization=None).values_list("organization_id", flat=True),
            products=cites.exclude(product=None).values_list("product_id", flat=True),
            sites=cites.exclude(site=None).values_list("site_id", flat=True),
            links=cites.exclude(link=None).values_list("link_id", flat=True),
            sources=[obj.pk],
        )


def refresh_all() -> None:
    for model in ORDER:
        update_flags(model, None)  # in dependency order, so each rule reads fresh flags
    sync_involvements(None)
    version.bump()


# --- involvements ---------------------------------------------------------------------------------


def _involvement_rows(links) -> Iterable[Involvement]:
    fields = ("pk", "relation", "status", "product_id", "end")
    ends = ("subject_id", "subject__country", "subject__kind")
    ends += ("object_id", "object__country", "object__kind")
    for row in links.values_list(*fields, *ends).iterator(chunk_size=2000):
        pk, relation, status, product, end = row[:5]
        active = link_is_active(end, status)
        for side, (org, country, kind) in (("subject", row[5:8]), ("object", row[8:11])):
            if org is not None:
                yield Involvement(
                    link_id=pk,
                    organization_id=org,
                    side=side,
                    relation=relation,
                    status=status,
                    product_id=product,
                    active=active,
                    country=country or "",
                    kind=kind,
                )


def sync_involvements(link_ids: Iterable[int] | None) -> None:
    """Rewrite the involvements of these links (of all links for None) from their current state:
    a public link has one per organization it names, any other link none."""
    if link_ids is None:
        Involvement.objects.all().delete()
        chunks = [Link.objects.public()]
    else:
        ids = sorted(set(link_ids))
        chunks = [
            Link.objects.public().filter(pk__in=ids[i : i + BATCH])
            for i in range(0, len(ids), BATCH)
        ]
        for i in range(0, len(ids), BATCH):
            Involvement.objects.filter(link_id__in=ids[i : i + BATCH]).delete()
    batch: list[Involvement] = []
    for links in chunks:
        for row in _involvement_rows(links):
            batch.append(row)
            if len(batch) >= 2000:
                Involvement.objects.bulk_create(batch)
                batch = []
    if batch:
        Involvement.objects.bulk_create(batch)


# --- search text ---------------------------------------------------------------------------------


def search_text(org: Organization) -> str:
    parts = [fold(org.name)]
    parts += [fold(n.name) for n in org.names.all()]
    for ident in org.identifiers.all():  # "HRB 1234" is found as "hrb1234" and as "hrb 1234"
        parts += [ident.normalized.lower(), fold(ident.value)]
    return " ".join(dict.fromkeys(p for p in parts if p))


class _Listed(list):
    def all(self) -> list:
        return self


class SearchFields:
    """What search_text() reads of an organization, read as plain rows: building an ORM
    object and a prefetch queryset for each took most of a bulk import's time."""

    def __init__(self, name: str) -> None:
        self.name, self.names, self.identifiers = name, _Listed(), _Listed()
        self.stored = ""


def read_for_search(org_ids: list[int]) -> dict[int, SearchFields]:
    """What search_text() reads of these organizations (at most BATCH), as stored: three reads,
    in the models' orders (as a prefetch gives them). `stored` is the text they have now."""
    orgs = {}
    for pk, name, text in select_in(_SEARCH_SQL["orgs"], org_ids):
        orgs[pk] = SearchFields(name)
        orgs[pk].stored = text
    for pk, name in select_in(_SEARCH_SQL["names"], org_ids):
        orgs[pk].names.append(SimpleNamespace(name=name))
    for pk, normalized, value in select_in(_SEARCH_SQL["identifiers"], org_ids):
        orgs[pk].identifiers.append(SimpleNamespace(normalized=normalized, value=value))
    return orgs


_TABLES = {
    "orgs": Organization._meta.db_table,
    "names": OrganizationName._meta.db_table,
    "ids": Identifier._meta.db_table,
}
_SEARCH_SQL = {  # read_for_search's, in the models' orders (the names', the identifiers')
    "orgs": statement("SELECT id, name, search_text FROM {orgs} WHERE id IN ({IN})", **_TABLES),
    "names": statement(
        "SELECT organization_id, name FROM {names} WHERE organization_id IN ({IN}) ORDER BY name",
        **_TABLES,
    ),
    "identifiers": statement(
        "SELECT organization_id, normalized, value FROM {ids} WHERE organization_id IN ({IN})"
        " ORDER BY scheme, value",
        **_TABLES,
    ),
}


def refresh_search_text(org_ids: Iterable[int] | None = None) -> None:
    """Rebuild the folded search text (names, other names, identifiers) of some or all orgs,
    a batch at a time; the texts that changed are written with one executemany."""
    if org_ids is None:
        org_ids = Organization.objects.values_list("pk", flat=True)
    ids = sorted(set(org_ids))
    for i in range(0, len(ids), BATCH):
        orgs = read_for_search(ids[i : i + BATCH])
        changed = [
            (text, pk) for pk, org in orgs.items() if (text := search_text(org)) != org.stored
        ]
        write_search_text(changed)


def write_search_text(texts: list[tuple[str, int]]) -> None:
    """Write (search text, organization pk) pairs with one executemany."""
    if texts:
        table = connection.ops.quote_name(Organization._meta.db_table)
        sql = f"UPDATE {table} SET search_text = %s WHERE id = %s"  # noqa: S608 - the model's table
        with connection.cursor() as cursor:
            cursor.executemany(sql, texts)
