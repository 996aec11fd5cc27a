"""The stored public flags, and the involvements derived from public links, always agree with the
rule, computed here from scratch after each step."""

import pytest
from django.db.models import Exists, OuterRef, Q

from unmask.record import services, visibility
from unmask.record.models import (
    Citation,
    Involvement,
    Link,
    LinkStatus,
    Organization,
    Product,
    Site,
    Source,
)


def _expected() -> dict[str, set[int]]:
    """The rule of publication, written out independently of the stored flags."""

    def base(model, field):
        cited = Citation.objects.filter(
            deleted_at__isnull=True, source__deleted_at__isnull=True, **{field: OuterRef("pk")}
        )
        return model.objects.filter(deleted_at__isnull=True, published_at__isnull=False).filter(
            Exists(cited)
        )

    orgs = set(base(Organization, "organization").values_list("pk", flat=True))
    products = {p.pk for p in base(Product, "product") if p.maker_id is None or p.maker_id in orgs}
    sites = {s.pk for s in base(Site, "site") if s.organization_id in orgs}
    links = {
        link.pk
        for link in base(Link, "link")
        if link.subject_id in orgs
        and (link.object_id is None or link.object_id in orgs)
        and (link.product_id is None or link.product_id in products)
    }
    alive = Citation.objects.filter(deleted_at__isnull=True, source__deleted_at__isnull=True)
    sources = set(
        alive.filter(
            Q(organization__in=orgs)
            | Q(product__in=products)
            | Q(site__in=sites)
            | Q(link__in=links)
        ).values_list("source_id", flat=True)
    )
    ends = set()
    for link in Link.objects.filter(pk__in=links).select_related("subject", "object"):
        active = not link.end and link.status != LinkStatus.ENDED
        for side, org in (("subject", link.subject), ("object", link.object)):
            if org is not None:
                row = (link.pk, org.pk, side, link.relation, link.status, link.product_id)
                ends.add((*row, active, str(org.country), org.kind))
    return {
        "orgs": orgs,
        "products": products,
        "sites": sites,
        "links": links,
        "sources": sources,
        "involvements": ends,
    }


def _stored() -> dict[str, set[int]]:
    pks = lambda m: set(m.objects.public().values_list("pk", flat=True))  # noqa: E731
    return {
        "orgs": pks(Organization),
        "products": pks(Product),
        "sites": pks(Site),
        "links": pks(Link),
        "sources": pks(Source),
        "involvements": set(
            Involvement.objects.values_list(
                "link",
                "organization",
                "side",
                "relation",
                "status",
                "product",
                "active",
                "country",
                "kind",
            )
        ),
    }


@pytest.fixture
def world(make_org, make_link, source):
    a, b, c = (
        make_org("Korvex Aerodynamics"),
        make_org("Lindqvist Composites", country="SE"),
        make_org("Ostrava Metal", country="CZ"),
    )
    engine = services.save_record(Product(name="KX-40 engine", kind="engine", maker=a))
    services.add_citation(engine, source, locator="p. 3")
    services.publish(engine)
    site = services.save_record(Site(organization=b, role="factory", city="Luleå", country="SE"))
    services.add_citation(site, source, locator="p. 5")
    services.publish(site)
    second = services.create_source(
        title="Customs data 2022", kind="customs", url="https://example.org/c"
    )
    l1 = make_link(a, b, product=engine)
    l2 = make_link(c, a, relation="finances")
    services.add_citation(l2, second, locator="row 17")
    return {
        "a": a,
        "b": b,
        "c": c,
        "engine": engine,
        "site": site,
        "l1": l1,
        "l2": l2,
        "second": second,
        "source": source,
    }


def test_flags_follow_the_rule_through_every_kind_of_change(world):
    steps = [
        lambda w: services.unpublish(w["a"], reason="Under review"),
        lambda w: services.publish(w["a"]),
        lambda w: services.soft_delete(w["source"], reason="Forged document"),
        lambda w: services.restore(w["source"], reason="It was genuine"),
        lambda w: services.soft_delete(
            w["l2"].citations.get(source=w["source"]), reason="Wrong page"
        ),
        lambda w: services.soft_delete(w["second"], reason="Withdrawn"),
        lambda w: services.soft_delete(w["b"], reason="Entered by mistake"),
        lambda w: services.restore(w["b"], reason="It was right"),
        lambda w: services.change_status(w["l2"], "disputed", note="The bank denies it"),
        lambda w: services.update_record(w["b"], country="NO", reason="Re-registered"),
        lambda w: services.update_record(w["l1"], end="2023-06", reason="Contract ended"),
        lambda w: services.merge_organizations(w["a"], w["c"], reason="Same company"),
    ]
    assert _stored() == _expected()
    for number, step in enumerate(steps, 1):
        for obj in world.values():
            obj.refresh_from_db()
        step(world)
        assert _stored() == _expected(), f"after step {number}"


def test_refresh_all_repairs_flags_written_around_the_services(world):
    Link.objects.update(is_public=False)
    Involvement.objects.filter(side="object").delete()
    Organization.objects.filter(pk=world["b"].pk).update(deleted_at="2024-01-01T00:00Z")
    visibility.refresh_all()
    assert _stored() == _expected()
    assert world["l1"].pk not in _stored()["links"]
