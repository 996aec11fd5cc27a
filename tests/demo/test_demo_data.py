"""The fictional demo data: minimum contents, determinism, `--if-empty`, the bulk path."""

from __future__ import annotations

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError

from unmask.demo import record as demo
from unmask.demo.context_processors import DEMO_CACHE_KEY
from unmask.demo.plan import make_plan
from unmask.record.models import (
    Citation,
    DemoDataset,
    Identifier,
    Link,
    LinkStatus,
    LinkStatusEvent,
    Organization,
    OrganizationKind,
    OrganizationName,
    OrganizationText,
    Precision,
    Product,
    Relation,
    Response,
    Site,
    Source,
)

SCRIPTS = {
    "Cyrillic": "\u0400-\u04ff",
    "Greek": "\u0370-\u03ff",
    "Hebrew": "\u0590-\u05ff",
    "Arabic": "\u0600-\u06ff",
    "Chinese": "\u4e00-\u9fff",
    "Japanese kana": "\u30a0-\u30ff",
    "Korean": "\uac00-\ud7af",
}
DIACRITICS = {"Turkish": "şŞğı", "German": "äöüß", "Polish": "łźżęąś"}


def all_names() -> str:
    names = [*Organization.objects.values_list("name", flat=True)]
    names += OrganizationName.objects.values_list("name", flat=True)
    return "\n".join(names)


@pytest.mark.django_db
def test_the_default_demo_meets_the_minimums():
    cache.set(DEMO_CACHE_KEY, False)
    demo.load_demo()
    assert DemoDataset.objects.get().seed == 7
    assert cache.get(DEMO_CACHE_KEY) is None  # pages notice the demo at once

    orgs = Organization.objects.public()
    assert orgs.count() == 80
    assert orgs.values("country").distinct().count() >= 15
    assert set(orgs.values_list("kind", flat=True)) == set(OrganizationKind.values) - {"other"}
    assert Site.objects.public().count() == 150
    assert {*Site.objects.values_list("precision", flat=True)} == set(Precision.values)
    assert Source.objects.alive().count() == 100
    for url in Source.objects.values_list("url", flat=True):
        assert urlsplit(url).hostname in {"example.org", "example.com", "example.net"}

    links = Link.objects.public()
    assert links.count() == 250
    assert set(links.values_list("relation", flat=True)) == set(Relation.values)
    assert set(links.values_list("status", flat=True)) == set(LinkStatus.values)
    assert {len(start) for start in links.values_list("start", flat=True)} == {4, 7, 10}
    assert not links.filter(status=LinkStatus.ENDED, end="").exists()
    assert not links.filter(relation=Relation.OWNS, share__isnull=True).exists()
    for link in links.exclude(status=LinkStatus.REPORTED).prefetch_related("status_events"):
        events = list(link.status_events.all())
        assert len(events) >= 2 and events[-1].new_status == link.status and events[-1].note

    # The supply tree: program → platform → subsystem → component → material.
    material = Product.objects.public().filter(kind="material").first()
    chain = [material]
    while chain[-1].part_of_id:
        chain.append(chain[-1].part_of)
    assert [p.kind for p in chain][-1] == "program" and len(chain) >= 5
    assert Link.objects.public().filter(product=material).exists()

    responses = Response.objects.public()
    assert responses.count() == 5
    for response in responses.filter(link__isnull=False):
        assert response.organization_id in (response.link.subject_id, response.link.object_id)

    names = all_names()
    for script, letters in SCRIPTS.items():
        assert re.search(f"[{letters}]", names), f"no {script} name"
    for language, letters in DIACRITICS.items():
        assert re.search(f"[{letters}]", names), f"no {language} letters"
    assert OrganizationName.objects.filter(kind="transliteration").exclude(language="").exists()

    # Drafts and a withdrawn link keep the editors' view and the public record apart.
    assert Organization.objects.filter(published_at__isnull=True).count() == 1
    assert Link.objects.alive().filter(published_at__isnull=True).count() == 2
    assert Link.objects.deleted().count() == 1
    for model in (Organization, Site, Product, Link):  # everything published is cited
        published = model.objects.alive().filter(published_at__isnull=False)
        assert published.count() == model.objects.public().count()


RECORD = {
    Organization: ("public_id", "name", "kind", "country", "description"),
    OrganizationName: ("organization__public_id", "name", "kind", "language"),
    OrganizationText: ("organization__public_id", "language", "description"),
    Identifier: ("organization__public_id", "scheme", "value"),
    Site: ("public_id", "organization__public_id", "name", "address", "latitude", "precision"),
    Product: ("public_id", "name", "maker__public_id", "part_of__public_id"),
    Link: ("public_id", "subject__public_id", "relation", "object__public_id", "status", "start"),
    LinkStatusEvent: ("link__public_id", "old_status", "new_status", "effective", "note"),
    Source: ("public_id", "title", "url", "published_on"),
    Citation: ("public_id", "source__public_id", "link__public_id", "quote", "locator"),
    Response: ("public_id", "organization__public_id", "link__public_id", "text", "status"),
}


def snapshot() -> dict:
    return {
        model.__name__: sorted(model.objects.values_list(*fields), key=repr)
        for model, fields in RECORD.items()
    }


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_record_on_either_path():
    small = {"seed": 11, "orgs": 20, "sites": 30, "links": 60, "sources": 10}
    demo.load_demo(**small)
    first = snapshot()
    assert len(first["Link"]) == 60 + 3

    demo.remove_demo()
    assert not any(snapshot().values())
    assert not Organization.history.exists() and not Citation.history.exists()
    assert not DemoDataset.objects.exists()

    demo.load_demo(**small)
    assert snapshot() == first
    demo.remove_demo()
    demo.load_demo(**small, bulk=True)
    assert snapshot() == first
    assert make_plan(12).orgs[5].public_id != make_plan(11).orgs[5].public_id


@pytest.mark.django_db
def test_if_empty_leaves_a_record_with_organizations_alone(make_org):
    make_org("Velmora Test Castings GmbH")
    out = StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "not empty" in out.getvalue()
    assert Organization.objects.count() == 1
    assert not DemoDataset.objects.exists()


@pytest.mark.django_db
def test_a_scaled_run_takes_the_bulk_path_and_keeps_the_rules():
    out = StringIO()
    sizes = ["--orgs", "300", "--sites", "600", "--links", "1000", "--sources", "30"]
    call_command("demo_data", *sizes, stdout=out)
    assert "bulk path" in out.getvalue()

    assert Organization.objects.public().count() == 300
    assert Site.objects.public().count() == 600
    links = Link.objects.public()
    assert links.count() == 1000
    assert set(links.values_list("relation", flat=True)) == set(Relation.values)
    assert set(links.values_list("status", flat=True)) == set(LinkStatus.values)
    assert Response.objects.public().count() == 5
    for model in (Organization, Site, Link, Citation):  # history rows, marked as demo data
        marked = model.history.filter(history_type="+", history_change_reason=demo.MARK)
        assert marked.count() == model.objects.count()
    assert not Link.objects.filter(status_events__isnull=True).exists()
    assert not Organization.objects.filter(slug="").exists()

    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo_data", stdout=out)
