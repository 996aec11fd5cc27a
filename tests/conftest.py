"""Shared fixtures: people in each role, a small sourced record and a campaign on it, built
through the services."""

from __future__ import annotations

from datetime import time

import pytest
from django.contrib.auth.models import Group

from unmask.accounts import roles
from unmask.campaign import services as campaign
from unmask.campaign.models import Call, LocalGroup
from unmask.record import services
from unmask.record.models import Product, Site

from .campaign.dates import SOON


def _member(django_user_model, username: str, role: str | None, **extra):
    user = django_user_model.objects.create_user(
        username=username, password="pw-" + username, is_staff=role is not None, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)  # fresh: permission caches empty


@pytest.fixture
def editor(db, django_user_model):
    return _member(django_user_model, "edith", roles.EDITOR)


@pytest.fixture
def reviewer(db, django_user_model):
    return _member(django_user_model, "rivka", roles.REVIEWER)


@pytest.fixture
def moderator(db, django_user_model):
    return _member(django_user_model, "mona", roles.MODERATOR)


@pytest.fixture
def outsider(db, django_user_model):
    return _member(django_user_model, "otto", None)


@pytest.fixture
def source(db):
    return services.create_source(
        title="Annual report 2023 of Korvex Aerodynamics",
        publisher="Korvex Aerodynamics",
        kind="company",
        url="https://example.org/korvex-2023.pdf",
        published_on="2023-04",
    )


@pytest.fixture
def make_org(db, source):
    """Create (and, by default, cite and publish) an invented organization."""

    def make(name: str, country: str = "DE", kind: str = "company", publish: bool = True, **kw):
        org = services.create_organization(name=name, country=country, kind=kind, **kw)
        if publish:
            services.add_citation(org, source, locator="p. 1")
            services.publish(org)
        return org

    return make


@pytest.fixture
def make_link(db, source):
    def make(subject, obj=None, relation="supplies_component", publish: bool = True, **kw):
        link = services.create_link(subject=subject, object=obj, relation=relation, **kw)
        if publish:
            services.add_citation(link, source, quote="…delivers wing spars to…")
            services.publish(link)
        return link

    return make


@pytest.fixture(autouse=True)
def _english():
    """Each test starts in the site's default language: a request to /de/ leaves German active
    in the thread (LocaleMiddleware activates, nothing deactivates), and the catalogues would
    then answer the next test in German."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_site(db, source):
    """Create, cite and publish a site with a point on the map."""

    def make(org, city, country, lat, lon, precision="exact", role="factory"):
        site = services.save_record(
            Site(
                organization=org,
                role=role,
                city=city,
                country=country,
                latitude=lat,
                longitude=lon,
                precision=precision,
            )
        )
        services.add_citation(site, source, locator="p. 4")
        services.publish(site)
        return site

    return make


@pytest.fixture
def network(make_org, make_link, make_site, source):
    """A small network for the map and graph: a program with a part tree, suppliers in three
    countries with sites of every precision, links of several relations."""
    integrator = make_org("Talvik Aerosystems", country="TR")
    engines = make_org("Korvex Aerodynamics", country="DE")
    blades = make_org("Lindqvist Composites", country="SE", kind="company")
    bank = make_org("Ostmark Kreditbank", country="DE", kind="financial")
    chain, parent = [], None
    for name, kind, maker in [
        ("Talvik-9 program", "program", integrator),
        ("KX-40 engine", "engine", engines),
        ("KX-40 turbine blade", "component", blades),
    ]:
        product = services.save_record(Product(name=name, kind=kind, maker=maker, part_of=parent))
        services.add_citation(product, source, locator="p. 2")
        services.publish(product)
        chain.append(product)
        parent = product
    other = services.save_record(Product(name="Harbour crane", kind="component", maker=engines))
    services.add_citation(other, source, locator="p. 9")
    services.publish(other)

    site = make_site
    sites = {
        "integrator": site(integrator, "Ankara", "TR", 39.9334123, 32.8597456),
        "engines": site(engines, "Kassel", "DE", 51.3127114, 9.4797461, precision="city"),
        "engines_fr": site(engines, "Lyon", "FR", 45.764043, 4.835659, precision="street"),
        "blades": site(blades, "Luleå", "SE", 65.584819, 22.156702, precision="region"),
        "bank": site(bank, "Frankfurt", "DE", 50.110924, 8.682127, role="headquarters"),
    }
    links = {
        "engine": make_link(engines, integrator, product=chain[1]),
        "blade": make_link(blades, engines, product=chain[2], relation="supplies_component"),
        "loan": make_link(bank, integrator, relation="finances"),
        "crane": make_link(engines, bank, product=other),
    }
    return {
        "orgs": {"integrator": integrator, "engines": engines, "blades": blades, "bank": bank},
        "chain": chain,
        "other": other,
        "sites": sites,
        "links": links,
    }


@pytest.fixture
def announced(network, moderator):
    """The campaign on top of the network, as every feed and export shows it: a published call
    against Korvex Aerodynamics and its published vigil in Kassel in ten days, by a local group,
    aimed at the same maker. Returns the call and the action."""
    engines = network["orgs"]["engines"]
    call = Call.objects.create(title="Stop the Korvex drone", body="They supply it.", language="en")
    campaign.write_targets(call, [engines])
    campaign.publish_call(call, actor=moderator)
    group = LocalGroup.objects.create(name="Kassel Peace Circle", city="Kassel", country="DE")
    action = campaign.submit_action(
        campaign.When(SOON, time(18), SOON, time(19, 30), "Europe/Berlin", ""),
        title="Vigil at the Korvex gate",
        kind="vigil",
        city="Kassel",
        country="DE",
        call=call,
        group=group,
        targets=[engines],
    )[0]
    return call, campaign.publish_action(action, actor=moderator)
