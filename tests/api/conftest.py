"""A small invented record for the API tests, built through the services, with a draft, a
soft-deleted link and an unpublished reply that must never show."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from unmask.record import services
from unmask.record.models import Product, Response, Site

CONDITIONAL_GET = "django.middleware.http.ConditionalGetMiddleware"


def _product(source, name: str, kind: str, maker=None, part_of=None, publish=True):
    product = services.save_record(Product(name=name, kind=kind, maker=maker, part_of=part_of))
    if publish:
        services.add_citation(product, source, locator="p. 4")
        services.publish(product)
    return product


def _site(source, org, **fields):
    site = services.save_record(Site(organization=org, **fields))
    services.add_citation(site, source, locator="p. 7")
    services.publish(site)
    return site


def _reply(org, link=None, publish=True, **fields):
    fields.setdefault("received_on", dt.date(2024, 3, 1))
    fields.setdefault("channel", "email")
    fields.setdefault("text", "We reject this claim.")
    response = services.record_response(organization=org, link=link, **fields)
    if publish:
        services.publish_response(response)
    return Response.objects.get(pk=response.pk)


@pytest.fixture
def make_product(source):
    return lambda name, kind, **kw: _product(source, name, kind, **kw)


@pytest.fixture
def make_site(source):
    return lambda org, **fields: _site(source, org, **fields)


@pytest.fixture
def make_reply(db):
    return _reply


@pytest.fixture
def record(make_org, make_link, make_product, make_site, make_reply, source):
    """Four public organizations, one draft; products, a site, links and replies."""
    korvex = make_org(
        "Korvex Aerodynamics",
        description="Builds **airframes**.",
        names=[("Korveks Aero", "transliteration")],
        identifiers=[("registry", "HRB 123456"), ("domain", "korvex.example")],
    )
    arden = make_org("Arden Motorworks", country="TR")
    bronwick = make_org("Bronwick Capital", country="GB", kind="financial")
    ostrava = make_org("Ostrava Metal", country="CZ")
    draft = make_org("Velmora Draft Systems", publish=False)

    falcon = make_product("Falcon X", "platform", maker=arden)
    engine = make_product("KX-40 engine", "engine", maker=korvex, part_of=falcon)
    draft_program = make_product("Secret program", "program", publish=False)
    coil = make_product("Coil", "component", part_of=draft_program)

    supplies = make_link(korvex, arden, product=engine, start="2021-05", summary="Engines.")
    services.change_status(supplies, "confirmed", note="Customs data")
    owns = make_link(bronwick, korvex, relation="owns", share="25.5", start="2019")
    ended = make_link(ostrava, arden, relation="supplies_material", start="2018", end="2020")
    deleted = make_link(korvex, ostrava, relation="services")
    services.soft_delete(deleted, reason="Duplicate entry")
    to_draft = make_link(korvex, draft, publish=False)

    factory = make_site(
        korvex,
        name="Bremen works",
        role="factory",
        city="Bremen",
        country="DE",
        latitude=53.08,
        longitude=8.8,
        precision="street",
    )
    reply = make_reply(korvex, link=supplies, text="We only sell to civil customers.")
    profile_reply = make_reply(
        arden, text="Our profile is incomplete.", url="https://arden.example/"
    )
    unpublished = make_reply(ostrava, publish=False, text="Not checked yet.")

    return SimpleNamespace(
        korvex=korvex,
        arden=arden,
        bronwick=bronwick,
        ostrava=ostrava,
        draft=draft,
        falcon=falcon,
        engine=engine,
        draft_program=draft_program,
        coil=coil,
        supplies=supplies,
        owns=owns,
        ended=ended,
        deleted=deleted,
        to_draft=to_draft,
        factory=factory,
        reply=reply,
        profile_reply=profile_reply,
        unpublished=unpublished,
        source=source,
    )


@pytest.fixture
def conditional_get(settings):
    """ConditionalGetMiddleware (ETag, 304), as the project's settings should list it."""
    if CONDITIONAL_GET not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        after = middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")
        middleware.insert(after + 1, CONDITIONAL_GET)
        settings.MIDDLEWARE = middleware
    return settings
