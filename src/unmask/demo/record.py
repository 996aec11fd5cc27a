"""The demo record: one invented drone program and the invented organizations around it.

Everything here is made up. Organization, site, product and publisher names are built from
invented syllables ("Korimo", "Vetashi"...) rendered in the script of the organization's country,
so the demo shows Turkish, German, Polish, Cyrillic, Greek, Arabic, Hebrew, Chinese, Japanese and
Korean names without naming anyone real (`AVOID` keeps out known names the syllables could
spell by accident).
Places are real cities with jitter (so the map looks plausible), but every site name and address
is invented and business-like. URLs are on example.org / example.com / example.net only.

The same seed gives the same data, public ids included: one `random.Random(seed)` draws a *plan*
(plain dataclasses), and one of two writers stores it.

- The service path (the default size) writes every object through `services`: duplicate check,
  validation, citations, publication, status changes with notes, responses. The demo therefore
  exercises the rules it shows.
- The bulk path (for benchmarks: thousands of organizations, 100,000 sites and links) stores the
  same plan through the record's bulk writer (`record/bulk.py`), in the services' order: create,
  cite, publish, status steps, the withdrawal. The writer validates and checks permissions as
  the services do and writes the same rows, history ("Published", "Status: ...") and flags, a
  few queries per 500 objects. Skipped on this path: the duplicate-organization check
  (quadratic; the plan's names are unique by construction). Replies go through the services.

Counts are of *public* records: `orgs=80` gives 80 public organizations. A few drafts (an
organization awaiting review, a site, a product and two links) and one soft-deleted link come on
top, so the difference between the public record and the editors' view is visible.

Every object the demo creates has a first history row whose reason is `MARK`; `remove_demo()`
deletes those objects, the rows that hang on them (citations, names, status events,
involvements) and their history, and nothing else.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from unmask.demo.context_processors import DEMO_CACHE_KEY
from unmask.demo.plan import (
    LinkPlan,
    Plan,
    ProductPlan,
    ResponsePlan,
    SitePlan,
    make_plan,
)
from unmask.demo.world import (
    DESCRIPTION,
    PROGRAM,
    description_texts,
)
from unmask.record import bulk, services
from unmask.record.models import (
    Citation,
    DemoDataset,
    Identifier,
    Involvement,
    Link,
    LinkStatusEvent,
    Organization,
    OrganizationKind,
    OrganizationName,
    OrganizationText,
    Product,
    Response,
    Site,
    Source,
)

MARK = "Fictional demo data"  # reason of every demo object's first history row
WITHDRAWN = "Withdrawn: the source was misread."  # why the demo's deleted link was deleted
BULK_ABOVE = 1000  # organizations + sites + links above which the bulk path is used

# --- loading -------------------------------------------------------------------------------------


def uses_bulk(orgs: int, sites: int, links: int) -> bool:
    return orgs + sites + links > BULK_ABOVE


def load_demo(
    seed=7, orgs=80, sites=150, links=250, sources=100, responses=5, actor=None, bulk=None
) -> dict[str, int]:
    """Load the fictional demo record; return how many rows of each kind were created.

    `bulk=None` picks the path by size (see `uses_bulk`). Refuses to load twice.
    """
    if DemoDataset.objects.exists():
        raise ValueError("The demo data is already loaded; remove it first.")
    plan = make_plan(seed, orgs, sites, links, sources, responses)
    if bulk is None:
        bulk = uses_bulk(orgs, sites, links)
    with transaction.atomic():
        if bulk:
            _write_in_bulk(plan, actor)
        else:
            _write_with_services(plan, actor)
        DemoDataset.objects.create(seed=seed, organizations=len(plan.orgs))
    cache.delete(DEMO_CACHE_KEY)
    return plan.counts()


def _write_with_services(plan: Plan, actor) -> None:
    sources = [
        services.create_source(actor=actor, reason=MARK, **_source_fields(s)) for s in plan.sources
    ]

    def cite_and_publish(obj, item) -> None:
        for c in item.citations:
            services.add_citation(
                obj,
                sources[c.source],
                actor=actor,
                reason=MARK,
                public_id=c.public_id,
                quote=c.quote,
                locator=c.locator,
            )
        if item.published:
            services.publish(obj, actor=actor)

    orgs = []
    for p in plan.orgs:
        org = services.create_organization(
            actor=actor,
            reason=MARK,
            # Invented roots may be a slip apart (Kadan, Kapen): only an exact duplicate
            # would be the plan's mistake.
            likely=False,
            identifiers=p.identifiers,
            public_id=p.public_id,
            name=p.name,
            kind=p.kind,
            country=p.country.code,
            description=DESCRIPTION.format(
                kind=OrganizationKind(p.kind).label.lower(), program=PROGRAM
            ),
        )
        for name, kind, language in p.names:  # create_organization's names carry no language
            alias = OrganizationName(organization=org, name=name, kind=kind, language=language)
            services.save_record(alias, actor=actor, reason=MARK)
        for text in description_texts(org):
            services.save_record(text, actor=actor, reason=MARK)
        cite_and_publish(org, p)
        orgs.append(org)
    products: list[Product] = []
    for p in plan.products:
        product = _product(p, orgs, products)
        services.save_record(product, actor=actor, reason=MARK)
        cite_and_publish(product, p)
        products.append(product)
    for p in plan.sites:
        site = _site(p, orgs)
        services.save_record(site, actor=actor, reason=MARK)
        cite_and_publish(site, p)
    links = []
    for p in plan.links:
        link = services.create_link(actor=actor, reason=MARK, **_link_fields(p, orgs, products))
        for status, effective, note in p.steps:
            services.change_status(link, status, note=note, effective=effective, actor=actor)
        cite_and_publish(link, p)
        if p.deleted:
            services.soft_delete(link, actor=actor, reason=WITHDRAWN)
        links.append(link)
    for p in plan.responses:
        response = services.record_response(
            actor=actor, reason=MARK, **_response_fields(p, orgs, links)
        )
        services.publish_response(response, actor=actor)


def _product(p: ProductPlan, orgs, products) -> Product:
    return Product(
        public_id=p.public_id,
        name=p.name,
        kind=p.kind,
        maker=orgs[p.maker] if p.maker is not None else None,
        part_of=products[p.part_of] if p.part_of is not None else None,
        description=f"*Fictional demo product* of the invented {PROGRAM} program.",
    )


def _site(p: SitePlan, orgs) -> Site:
    return Site(
        public_id=p.public_id,
        organization=orgs[p.org],
        name=p.name,
        role=p.role,
        address=p.address,
        city=p.city,
        country=p.country,
        latitude=p.latitude,
        longitude=p.longitude,
        precision=p.precision,
    )


def _link_fields(p: LinkPlan, orgs, products) -> dict:
    return {
        "public_id": p.public_id,
        "subject": orgs[p.subject],
        "relation": p.relation,
        "object": orgs[p.object] if p.object is not None else None,
        "product": products[p.product] if p.product is not None else None,
        "start": p.start,
        "end": p.end,
        "share": p.share,
        "amount": p.amount,
        "currency": p.currency,
        "summary": p.summary,
    }


def _response_fields(p: ResponsePlan, orgs, links) -> dict:
    return {
        "public_id": p.public_id,
        "organization": orgs[p.org],
        "link": links[p.link] if p.link is not None else None,
        "received_on": p.received_on,
        "channel": p.channel,
        "text": p.text,
        "url": p.url,
    }


# --- the bulk path -------------------------------------------------------------------------------


def _citations(pairs, sources) -> list[Citation]:
    """Citation objects for (saved object, plan item) pairs."""
    return [
        Citation(
            public_id=c.public_id,
            source=sources[c.source],
            quote=c.quote,
            locator=c.locator,
            **{obj.citation_field: obj},
        )
        for obj, item in pairs
        for c in item.citations
    ]


def _published(pairs) -> list:
    return [obj for obj, item in pairs if item.published]


def _write_in_bulk(plan: Plan, actor) -> None:
    """The plan through the record's bulk writer, in the order the service path takes: create,
    cite, then publish (what a record names is published first) and the status steps, so the
    history reads as the services would have left it."""
    with bulk.writer(actor=actor, reason=MARK) as w:
        sources = w.create([Source(**_source_fields(s)) for s in plan.sources])
        orgs = w.create(
            [
                Organization(
                    public_id=p.public_id,
                    name=p.name,
                    kind=p.kind,
                    country=p.country.code,
                    description=DESCRIPTION.format(
                        kind=OrganizationKind(p.kind).label.lower(), program=PROGRAM
                    ),
                )
                for p in plan.orgs
            ]
        )
        org_plans = list(zip(orgs, plan.orgs, strict=True))
        w.create([text for org in orgs for text in description_texts(org)])
        w.create(
            [
                OrganizationName(organization=org, name=name, kind=kind, language=language)
                for org, p in org_plans
                for name, kind, language in p.names
            ]
        )
        w.create(
            [
                Identifier(organization=org, scheme=scheme, value=value)
                for org, p in org_plans
                for scheme, value in p.identifiers
            ]
        )
        w.create(_citations(org_plans, sources))
        w.publish(_published(org_plans), reason="")  # "" : the services' "Published"

        products: dict[int, Product] = {}
        for depth in sorted({p.depth for p in plan.products}):  # parents before their parts
            tier = [(i, p) for i, p in enumerate(plan.products) if p.depth == depth]
            for i, p in tier:
                products[i] = _product(p, orgs, products)
            w.create([products[i] for i, _p in tier])
        product_plans = [(products[i], p) for i, p in enumerate(plan.products)]
        w.create(_citations(product_plans, sources))
        w.publish(_published(product_plans), reason="")

        site_plans = list(
            zip(w.create([_site(p, orgs) for p in plan.sites]), plan.sites, strict=True)
        )
        w.create(_citations(site_plans, sources))
        w.publish(_published(site_plans), reason="")

        links = w.create([Link(**_link_fields(p, orgs, products)) for p in plan.links])
        link_plans = list(zip(links, plan.links, strict=True))
        for step in range(max((len(p.steps) for p in plan.links), default=0)):
            w.change_status(  # a link's steps one call each: the writer takes one a call
                [
                    (link, status, note, effective)
                    for link, p in link_plans
                    if len(p.steps) > step
                    for status, effective, note in [p.steps[step]]
                ]
            )
        w.create(_citations(link_plans, sources))
        w.publish(_published(link_plans), reason="")
        withdrawn = [link for link, p in link_plans if p.deleted]
        for link in withdrawn:
            link.deleted_at = timezone.now()
        w.update(withdrawn, ["deleted_at"], reason=WITHDRAWN)  # services.soft_delete's write

    # A handful of replies: through the services, as on the small path.
    for p in plan.responses:
        response = services.record_response(
            actor=actor, reason=MARK, **_response_fields(p, orgs, links)
        )
        services.publish_response(response, actor=actor)


# --- removal -------------------------------------------------------------------------------------


def remove_demo() -> dict[str, int]:
    """Delete every object the demo created (found by the reason of its first history row), the
    rows that depend on them, their history and the DemoDataset marker.

    Rows are deleted with plain DELETE statements (`_raw_delete`), without per-object signals, so
    removing 200,000 demo rows takes seconds and leaves no "deleted" history rows behind: the demo
    leaves no trace. If a record someone added refers to demo data (a link to a demo organization,
    say), the database refuses and nothing is removed.
    """

    def created_by_demo(model):
        return model.history.filter(history_type="+", history_change_reason=MARK).values("id")

    orgs, links = created_by_demo(Organization), created_by_demo(Link)
    sites, products = created_by_demo(Site), created_by_demo(Product)
    targets = (
        models.Q(organization__in=orgs)
        | models.Q(site__in=sites)
        | models.Q(product__in=products)
        | models.Q(link__in=links)
    )
    steps = [
        # Derived rows first (visibility.py keeps them); left behind, they would point at
        # nothing, as a raw DELETE does not cascade.
        (
            "involvements",
            Involvement.objects.filter(models.Q(link__in=links) | models.Q(organization__in=orgs)),
        ),
        ("status_events", LinkStatusEvent.objects.filter(link__in=links)),
        (
            "responses",
            Response.objects.filter(models.Q(organization__in=orgs) | models.Q(link__in=links)),
        ),
        (
            "citations",
            Citation.objects.filter(models.Q(id__in=created_by_demo(Citation)) | targets),
        ),
        ("other_names", OrganizationName.objects.filter(organization__in=orgs)),
        ("translations", OrganizationText.objects.filter(organization__in=orgs)),
        ("identifiers", Identifier.objects.filter(organization__in=orgs)),
        ("links", Link.objects.filter(id__in=links)),
        ("sites", Site.objects.filter(id__in=sites)),
        ("products", Product.objects.filter(id__in=products)),
        ("organizations", Organization.objects.filter(id__in=orgs)),
        ("sources", Source.objects.filter(id__in=created_by_demo(Source))),
    ]
    counts = {}
    with transaction.atomic():
        for label, queryset in steps:
            counts[label] = queryset._raw_delete(queryset.db)
        history = 0
        for model in (
            Response,
            Citation,
            OrganizationName,
            OrganizationText,
            Identifier,
            Link,
            Site,
            Product,
            Organization,
            Source,
        ):
            history += model.history.filter(id__in=created_by_demo(model)).delete()[0]
        counts["history"] = history
        DemoDataset.objects.all().delete()
    cache.delete(DEMO_CACHE_KEY)
    return counts


def _source_fields(s) -> dict:
    """A planned source's fields, the same through the services and the bulk writer."""
    return {
        "public_id": s.public_id,
        "title": s.title,
        "publisher": s.publisher,
        "url": s.url,
        "kind": s.kind,
        "published_on": s.published_on,
        "language": s.language,
        "archive_url": s.archive_url,
        "retrieved_on": s.retrieved_on,
    }
