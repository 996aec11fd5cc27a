"""Shared fixtures: people in each role, and a small sourced record built through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from unmask.accounts import roles
from unmask.record import services


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
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
