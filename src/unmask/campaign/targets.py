"""What calls and actions are aimed at, from the record: organizations, their sites, products and
programs.

- Forms and imports carry a target as a reference, "org:<public id>", "site:<public id>" or
  "product:<public id>"; `resolve()` turns references into records (only public ones for the
  public), naming the one it cannot find.
- `search()` is the submission form's picker: the directory's folding search of organizations,
  with their public sites, and products by name.
- `campaign_for()` is what the record's pages show of the campaign (open calls, upcoming
  actions, the count of past ones), in a fixed number of queries however many actions exist.
- `evidence()` is a call page's short summary of each target's evidence.

The record never imports this module; its templates reach it through campaign_record's tags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from unmask.campaign import queries
from unmask.campaign.models import Action, ActionTarget, Call, CallTarget
from unmask.record import version
from unmask.record.models import (
    Link,
    LinkStatus,
    LinkStatusEvent,
    Organization,
    Product,
    Response,
    Site,
)
from unmask.record.queries import public_part_ids
from unmask.record.search import search_organizations
from unmask.record.text import fold

KINDS = {"org": Organization, "site": Site, "product": Product}
MAX_TARGETS = 12  # per call or action
UPCOMING_SHOWN = 5  # on a record page; the rest are one link away
SEARCH_LIMIT = 8


@dataclass(frozen=True)
class Ref:
    kind: str  # org, site, product
    public_id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.public_id}"

    @classmethod
    def parse(cls, value: str) -> Ref:
        kind, _sep, public_id = str(value).strip().partition(":")
        if kind not in KINDS or not public_id or len(public_id) > 12 or not public_id.isalnum():
            raise ValidationError(
                _("“%(value)s” is not a target: expected org:, site: or product: and an id.")
                % {"value": str(value)[:40]}
            )
        return cls(kind, public_id)

    @classmethod
    def of(cls, thing) -> Ref:
        kind = {Organization: "org", Site: "site", Product: "product"}[type(thing)]
        return cls(kind, thing.public_id)


def parse_refs(values) -> list[Ref]:
    """References in order, each once."""
    seen: dict[Ref, None] = {}
    for value in values:
        if str(value).strip():
            seen.setdefault(Ref.parse(value), None)
    return list(seen)


def resolve(refs: list[Ref], *, public_only: bool = True) -> list:
    """The records behind `refs`, in order. Raises ValidationError naming the first one that is
    unknown (or not public, when `public_only`)."""
    if len(refs) > MAX_TARGETS:
        raise ValidationError(
            _("At most %(n)s targets, please: name the most important ones.") % {"n": MAX_TARGETS}
        )
    found = {}
    for kind, model in KINDS.items():
        ids = [r.public_id for r in refs if r.kind == kind]
        if not ids:
            continue
        qs = model.objects.public() if public_only else model.objects.all()
        if kind == "site":
            qs = qs.select_related("organization")
        for thing in qs.filter(public_id__in=ids):
            found[Ref(kind, thing.public_id)] = thing
    for ref in refs:
        if ref not in found:
            raise ValidationError(
                _("%(ref)s is not in the public record (it may have been removed).")
                % {"ref": str(ref)}
            )
    return [found[r] for r in refs]


def target_fields(thing) -> dict:
    """The target row's field for one record."""
    key = {Organization: "organization", Site: "site", Product: "product"}[type(thing)]
    return {key: thing}


def _with_things(qs: QuerySet) -> QuerySet:
    return qs.select_related("organization", "site__organization", "product")


def public_targets(item: Call | Action) -> list:
    """The targets readers see, in order; ones no longer public are left out."""
    return [t for t in _with_things(item.targets.all()) if t.is_public]


# --- the picker ------------------------------------------------------------------------------


@dataclass
class Candidate:
    ref: str
    label: str
    detail: str
    sites: list[Candidate] = field(default_factory=list)

    def as_json(self) -> dict:
        row = {"ref": self.ref, "label": self.label, "detail": self.detail}
        if self.sites:
            row["sites"] = [s.as_json() for s in self.sites]
        return row


def _join(*parts) -> str:
    return ", ".join(str(p) for p in parts if p)


def site_label(site: Site) -> str:
    return site.name or str(site.role_label)


def site_detail(site: Site) -> str:
    return _join(site.role_label, site.city, site.country_name)


def search(query: str, limit: int = SEARCH_LIMIT) -> list[Candidate]:
    """Organizations matching every word of `query` (the directory's search: any script, no
    diacritics needed), each with its public sites, then products and programs by name."""
    query = " ".join(query.split())[:200]
    if len(fold(query)) < 2:
        return []
    orgs = list(
        search_organizations(Organization.objects.public(), query).order_by("name", "pk")[:limit]
    )
    sites: dict[int, list[Site]] = {}
    for site in Site.objects.public().filter(organization__in=orgs).order_by("name", "pk"):
        sites.setdefault(site.organization_id, []).append(site)
    found = [
        Candidate(
            f"org:{o.public_id}",
            o.name,
            _join(o.kind_label, o.country_name),
            [
                Candidate(f"site:{s.public_id}", site_label(s), site_detail(s))
                for s in sites.get(o.pk, [])[:10]
            ],
        )
        for o in orgs
    ]
    words = [w for w in query.split() if w]
    products = Product.objects.public().select_related("maker")
    for word in words[:4]:
        products = products.filter(name__icontains=word)
    for p in products.order_by("name", "pk")[: max(0, limit - len(found)) or 3]:
        found.append(Candidate(f"product:{p.public_id}", p.name, str(p.kind_label)))
    return found


def describe(thing) -> Candidate:
    """A chosen target as the form shows it."""
    if isinstance(thing, Site):
        return Candidate(
            f"site:{thing.public_id}",
            f"{thing.organization.name} – {site_label(thing)}",
            site_detail(thing),
        )
    if isinstance(thing, Product):
        return Candidate(f"product:{thing.public_id}", thing.name, str(thing.kind_label))
    return Candidate(
        f"org:{thing.public_id}",
        thing.name,
        _join(thing.kind_label, thing.country_name),
    )


# --- the campaign on the record's pages ------------------------------------------------------


def open_calls() -> QuerySet:
    """Published calls whose period has not ended."""
    today = timezone.localdate()
    return queries.public_calls().filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


@dataclass
class Campaign:
    """What a record page shows of the campaign against one organization, site, product or
    country."""

    calls: list[Call]
    upcoming: list[queries.Occurrence]
    upcoming_total: int
    past_total: int
    submit_ref: str  # the "announce an action here" link fills this target in
    actions_query: str  # the /actions/ filter for all of them

    @property
    def empty(self) -> bool:
        return not (self.calls or self.upcoming or self.past_total)


def _aimed(model, kind: str, thing) -> QuerySet:
    """The public target rows (of calls or of actions) aimed at a public thing: an organization
    (itself or one of its public sites), a site (for calls, also its organization), a product,
    or a country (an organization or a site there). Written as conditions on the targets' own
    indexed columns, so the database finds the rows through their indexes instead of scanning
    every target."""
    public_sites = Site.objects.public()
    if kind == "org":
        sites = public_sites.filter(organization=thing).values("pk")
        return model.objects.filter(Q(organization=thing) | Q(site__in=sites))
    if kind == "site":
        rows = Q(site=thing)
        if model is CallTarget:  # a call against the company is a call against each of its sites
            rows |= Q(organization=thing.organization_id)
        return model.objects.filter(rows)
    if kind == "product":
        return model.objects.filter(product=thing)
    if model is CallTarget:
        # The targets of calls are few: read from them to their organization or site by key,
        # rather than from every site and organization in the country to the targets.
        return model.objects.filter(
            Q(organization__is_public=True, organization__country=thing)
            | Q(Q(site__country=thing) | Q(site__organization__country=thing), site__is_public=True)
        )
    orgs = Organization.objects.public().filter(country=thing).values("pk")
    sites = public_sites.filter(Q(country=thing) | Q(organization__country=thing)).values("pk")
    return model.objects.filter(Q(organization__in=orgs) | Q(site__in=sites))


def _action_ids_for(kind: str, thing) -> QuerySet:
    return _aimed(ActionTarget, kind, thing).values("action_id")


def _call_ids_for(kind: str, thing) -> QuerySet:
    return _aimed(CallTarget, kind, thing).values("call_id")


KEPT_SECONDS = 60  # an action just ended still counts as upcoming within this: pages' max-age


def _counts(actions: QuerySet, now: datetime) -> dict:
    """How many of `actions` are upcoming and how many past (counting the past reads every
    action ever aimed at the thing)."""
    return actions.aggregate(
        upcoming=Count("pk", filter=Q(last_ends_at__gte=now)),
        past=Count("pk", filter=Q(last_ends_at__lt=now)),
    )


def campaign_for(thing, *, country: str = "", now: datetime | None = None) -> Campaign:
    """The campaign against an organization, a site or a product, or (with `country` and no
    thing) against organizations and sites in a country, and actions held there.

    Without `now`, as the record's pages ask: kept in the cache for a minute (KEPT_SECONDS, the
    pages' own max-age) under the record's and the campaign's versions, so that any write
    starts afresh. Working it out is a few small queries, but building them and the section's
    models took some 4 ms of every organization, site, product and country page."""
    if now is not None:
        return _campaign_for(thing, country, now)
    what = f"country:{country}" if country else f"{Ref.of(thing).kind}:{thing.pk}"
    key = f"campaign-for:{what}:{version.stamp(version.RECORD, version.CAMPAIGN)}"
    found = cache.get(key)
    if found is None:
        found = _campaign_for(thing, country, timezone.now())
        cache.set(key, found, KEPT_SECONDS)
    return found


def _campaign_for(thing, country: str, now: datetime) -> Campaign:
    if country:
        kind, key = "country", country
        actions = queries.public_actions().filter(
            Q(pk__in=_action_ids_for(kind, key)) | Q(country=key)
        )
        submit_ref, actions_query = "", f"country={key}"
    else:
        kind = Ref.of(thing).kind
        key = thing
        # Each action looked up in the targets' index (EXISTS), not every action ever aimed at
        # the thing listed first (IN): an organization with 10,000 actions aimed at it over the
        # years has a few hundred upcoming, and the list of 10,000 took 5 ms to build.
        aimed = _aimed(ActionTarget, kind, key).filter(action=OuterRef("pk"))
        actions = queries.public_actions().filter(Exists(aimed))
        submit_ref = str(Ref.of(thing))
        org = thing if kind == "org" else thing.organization if kind == "site" else None
        actions_query = f"org={org.public_id}" if org else f"product={thing.public_id}"
    counts = _counts(actions, now)
    # The next occurrence of each: a recurring action that began earlier may come later, so a
    # few more than shown are read and sorted by their next occurrence.
    soonest = actions.filter(last_ends_at__gte=now).order_by("starts_at", "pk")
    found = [queries.next_occurrence(a, now) for a in soonest[: UPCOMING_SHOWN * 4]]
    found = sorted((o for o in found if o), key=lambda o: (o.starts, o.action.pk))
    calls = open_calls().filter(pk__in=_call_ids_for(kind, key)).order_by("-starts_on", "title")
    return Campaign(
        calls=list(calls[:10]),
        upcoming=found[:UPCOMING_SHOWN],
        upcoming_total=counts["upcoming"],
        past_total=counts["past"],
        submit_ref=submit_ref,
        actions_query=actions_query,
    )


# --- a call's targets and their evidence -----------------------------------------------------

# A target with at most this many public links has its latest change of status read through its
# links (their few changes, through the index on each change's link). One with more has the
# record's newest changes (at most NEWEST_WALKED, through their index on the time) walked until
# one concerns it: with that many links, one of the newest usually does (a call's program: the
# links of all its parts); when none does, its links are read after all.
FEW_LINKS = 200
NEWEST_WALKED = 1000


@dataclass
class Evidence:
    target: CallTarget
    confirmed: int
    links: int
    latest_status: LinkStatusEvent | None
    replied: bool


def _link_counts(links: QuerySet, field: str, ids) -> dict:
    """Public links and confirmed ones per value of `field` (an index on the field, is_public
    and status answers it without reading the links)."""
    return {
        row[field]: row
        for row in links.filter(**{f"{field}__in": ids})
        .values(field)
        .annotate(
            n=Count("status"), confirmed=Count("status", filter=Q(status=LinkStatus.CONFIRMED))
        )
        .order_by()
    }


def _latest_changes(links: QuerySet, wanted: dict, parts_of: dict) -> dict:
    """The latest change of status of each wanted target, {("org", pk) or ("product", pk):
    event}, `wanted` giving each one's number of public links: the targets with few links in
    one query through their links, each other one in a query of its own (see FEW_LINKS)."""
    found: dict = {}

    def concerning(key) -> Q:
        kind, pk = key
        return Q(subject=pk) if kind == "org" else Q(product__in=parts_of[pk])

    few = [key for key, n in wanted.items() if 0 < n <= FEW_LINKS]
    if few:
        rows = Q()
        for key in few:
            rows |= concerning(key)
        # The same rule as concerning(), read the other way: from a link to the targets.
        orgs = {pk for kind, pk in few if kind == "org"}
        products_of_part: dict = {}
        for kind, pk in few:
            if kind == "product":
                for part in parts_of[pk]:
                    products_of_part.setdefault(part, []).append(("product", pk))
        # The changes newest first, as values (a program's hundreds of links have as many
        # changes), until each target has its latest; then only those read whole.
        chosen: dict = {}
        for pk, subject, product in (
            LinkStatusEvent.objects.filter(link__in=links.filter(rows).values("pk"))
            .order_by("-created_at", "-pk")
            .values_list("pk", "link__subject_id", "link__product_id")
            .iterator(chunk_size=100)
        ):
            keys = products_of_part.get(product, [])
            if subject in orgs:
                keys = [("org", subject), *keys]
            for key in keys:
                chosen.setdefault(key, pk)
            if len(chosen) == len(few):
                break
        events = LinkStatusEvent.objects.select_related("link").in_bulk(set(chosen.values()))
        found.update({key: events[pk] for key, pk in chosen.items()})
    newest = LinkStatusEvent.objects.order_by("-created_at", "-pk")
    for key, n in wanted.items():
        if n > FEW_LINKS:
            concerned = links.filter(concerning(key))
            found[key] = (
                newest.filter(pk__in=newest.values("pk")[:NEWEST_WALKED])
                .filter(Exists(concerned.filter(pk=OuterRef("link_id"))))
                .first()
            ) or newest.filter(link__in=concerned.values("pk")).first()
    return found


def evidence(call: Call) -> list[Evidence]:
    """Each public target of a call with a short summary of the record's evidence: how many of
    its public links are confirmed (for a product, the links concerning it and its parts), the
    latest change of status, and whether it replied. At most a dozen targets, each read through
    indexes: at most five queries, one more per product targeted and one (rarely two) per
    target with many links (FEW_LINKS), whatever the size of the record and the number of
    actions."""
    targets = public_targets(call)
    org_of = {}
    for t in targets:
        org = t.organization or (t.site.organization if t.site_id else None)
        if org is not None:
            org_of[t.pk] = org.pk
    # A product's evidence is that of the links concerning it or any of its parts.
    parts_of = {t.product_id: public_part_ids(t.product_id) for t in targets if t.product_id}
    product_ids = sorted({pk for parts in parts_of.values() for pk in parts})
    org_ids = set(org_of.values())
    links = Link.objects.public()
    by_org = _link_counts(links, "subject", org_ids) if org_ids else {}
    by_part = _link_counts(links, "product", product_ids) if product_ids else {}
    by_product = {
        pk: {
            "n": sum(by_part.get(p, {}).get("n", 0) for p in parts),
            "confirmed": sum(by_part.get(p, {}).get("confirmed", 0) for p in parts),
        }
        for pk, parts in parts_of.items()
    }
    wanted = {("org", pk): by_org.get(pk, {}).get("n", 0) for pk in org_ids}
    wanted.update({("product", pk): counted["n"] for pk, counted in by_product.items()})
    events = _latest_changes(links, wanted, parts_of)
    replied = set(
        Response.objects.public()
        .filter(organization__in=org_ids)
        .values_list("organization_id", flat=True)
    )
    rows = []
    for t in targets:
        if t.product_id:
            counted = by_product.get(t.product_id, {})
            latest = events.get(("product", t.product_id))
            answer = False
        else:
            org_pk = org_of[t.pk]
            counted = by_org.get(org_pk, {})
            latest = events.get(("org", org_pk))
            answer = org_pk in replied
        rows.append(Evidence(t, counted.get("confirmed", 0), counted.get("n", 0), latest, answer))
    return rows
