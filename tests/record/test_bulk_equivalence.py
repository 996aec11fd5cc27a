"""The bulk writer (record/bulk.py) leaves every table of the record as the services do.

The same changes (sources, organizations with other names, identifiers and a translation,
citations, publication, a product, a site, a published link with two citations, a draft link,
status changes, then updates) are made once through record.services and once through the bulk writer, each in
a transaction rolled back afterwards; every table of the record app, history included, is then
compared row for row. Keys and times differ by nature: a foreign key is compared as the public
id (or the natural key) of the row it names, a time as set or not, and history rows in their
order per object.
"""

from __future__ import annotations

import difflib
import pprint
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models, transaction

from unmask.record import bulk, services, version
from unmask.record.models import (
    Citation,
    Identifier,
    Link,
    Organization,
    OrganizationName,
    OrganizationText,
    Product,
    RecordVersion,
    Site,
    Source,
)
from unmask.record.search import search_organizations

REASON = "Imported from the partner bundle"
SEARCHES = ["korvex aero", "hrb1234b", "lindqvist ab", "vantor"]
STATUS_CHANGES = [
    ("confirmed", "Confirmed by the customs records", "2022-03"),
    ("ended", "The fund sold its stake", "2024"),
]


def _sources():
    return [
        Source(
            public_id="SRC00001",
            title="Korvex delivers spars",
            kind="news",
            url="https://example.org/news/korvex",
        ),
        Source(
            public_id="SRC00002",
            title="Annual report 2022",
            kind="company",
            url="https://example.com/ar-2022.pdf",
            published_on="2022-05",
        ),
    ]


def _orgs():
    return [
        Organization(
            public_id="ORG00001",
            name="Korvex Aerodynamics",
            kind="company",
            country="DE",
            description="Makes *wing spars*.",
        ),
        Organization(
            public_id="ORG00002", name="Lindqvist Composites", kind="company", country="SE"
        ),
        Organization(public_id="ORG00003", name="Vantor Systems", kind="financial", country="TR"),
    ]


def _details(a, b):
    names = [
        OrganizationName(organization=a, name="Korvex Aero", kind="abbreviation"),
        OrganizationName(organization=a, name="Korvex GmbH", kind="former", language="de"),
    ]
    identifiers = [
        Identifier(organization=a, scheme="registry", value="HRB 1234", country="DE"),
        Identifier(organization=b, scheme="registry", value="556677-8899"),
    ]
    for n, detail in enumerate([*names, *identifiers]):  # drawn at random otherwise
        detail.public_id = f"DET{n:05d}"
    texts = [OrganizationText(organization=a, language="de", description="Stellt Holme her.")]
    return names, identifiers, texts


def _citation_fields(n: int) -> dict:
    return {"public_id": f"CIT{n:05d}", "locator": f"p. {n}"}


def through_services(actor) -> None:
    s1, s2 = (services.create_source(actor=actor, reason=REASON, **_fields(s)) for s in _sources())
    a, b, c = (
        services.create_organization(actor=actor, reason=REASON, **_fields(o)) for o in _orgs()
    )
    names, identifiers, texts = _details(a, b)
    for obj in [*names, *identifiers, *texts]:
        services.save_record(obj, actor=actor, reason=REASON)
    services.add_citation(a, s1, actor=actor, reason=REASON, **_citation_fields(1))
    services.add_citation(b, s1, actor=actor, reason=REASON, **_citation_fields(2))
    for org in (a, b):
        services.publish(org, actor=actor, reason=REASON)
    product = Product(public_id="PRD00001", name="K-7 wing spar", kind="component", maker=a)
    services.save_record(product, actor=actor, reason=REASON)
    services.add_citation(product, s2, actor=actor, reason=REASON, **_citation_fields(3))
    services.publish(product, actor=actor, reason=REASON)
    site = Site(
        public_id="SIT00001",
        organization=a,
        role="factory",
        city="Bremen",
        country="DE",
        latitude=53.08,
        longitude=8.8,
    )
    services.save_record(site, actor=actor, reason=REASON)
    services.add_citation(site, s2, actor=actor, reason=REASON, **_citation_fields(4))
    services.publish(site, actor=actor, reason=REASON)
    link, draft = _links(a, b, c, product)
    services.save_record(link, actor=actor, reason=REASON)
    services.save_record(draft, actor=actor, reason=REASON)
    services.add_citation(link, s1, actor=actor, reason=REASON, **_citation_fields(5))
    services.add_citation(link, s2, actor=actor, reason=REASON, **_citation_fields(6))
    services.add_citation(draft, s1, actor=actor, reason=REASON, **_citation_fields(7))
    services.publish(link, actor=actor, reason=REASON)
    for target, (status, note, effective) in zip((link, draft), STATUS_CHANGES, strict=True):
        services.change_status(target, status, note=note, effective=effective, actor=actor)
    # Updates: a new name (search text, slug, involvements), a country, an identifier.
    services.update_record(b, actor=actor, reason=REASON, name="Lindqvist Composites AB")
    services.update_record(c, actor=actor, reason=REASON, country="GR")
    services.update_record(identifiers[0], actor=actor, reason=REASON, value="HRB 1234 B")
    services.update_record(link, actor=actor, reason=REASON, amount=Decimal("1200000.00"))


def through_bulk(actor) -> None:
    def cite(target, source, n):
        return Citation(source=source, **{target.citation_field: target}, **_citation_fields(n))

    with bulk.writer(actor=actor, reason=REASON) as w:
        s1, s2 = w.create(_sources())
        a, b, c = w.create(_orgs())
        names, identifiers, texts = _details(a, b)
        w.create(names)
        w.create(identifiers)
        w.create(texts)
        w.create([cite(a, s1, 1), cite(b, s1, 2)])
        w.publish([a, b])
        (product,) = w.create(
            [Product(public_id="PRD00001", name="K-7 wing spar", kind="component", maker=a)]
        )
        w.create([cite(product, s2, 3)])
        w.publish([product])
        (site,) = w.create(
            [
                Site(
                    public_id="SIT00001",
                    organization=a,
                    role="factory",
                    city="Bremen",
                    country="DE",
                    latitude=53.08,
                    longitude=8.8,
                )
            ]
        )
        w.create([cite(site, s2, 4)])
        w.publish([site])
        link, draft = w.create(_links(a, b, c, product))
        w.create([cite(link, s1, 5), cite(link, s2, 6), cite(draft, s1, 7)])
        w.publish([link])
        w.change_status([(link, *STATUS_CHANGES[0]), (draft, *STATUS_CHANGES[1])])
        b.name = "Lindqvist Composites AB"
        w.update([b], ["name"])
        c.country = "GR"
        w.update([c])  # every column, as a service's save
        identifiers[0].value = "HRB 1234 B"
        w.update([identifiers[0]], ["value"])
        link.amount = Decimal("1200000.00")
        w.update([link], ["amount"])


def _links(a, b, c, product):
    return [
        Link(
            public_id="LNK00001",
            subject=a,
            object=b,
            product=product,
            relation="supplies_component",
            start="2021",
            currency="EUR",
            summary="Korvex supplies wing spars to Lindqvist.",
        ),
        Link(public_id="LNK00002", subject=b, object=c, relation="finances", start="2023-02"),
    ]


def _fields(obj: models.Model) -> dict:
    """The fields an unsaved object was given, as keyword arguments for a service."""
    return {
        f.attname: obj.__dict__[f.attname]
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.attname in obj.__dict__ and f.name not in ("created_at",)
    }


# --- comparing ---------------------------------------------------------------------------------


def _record_models() -> list[type[models.Model]]:
    return [m for m in apps.get_app_config("record").get_models() if m is not RecordVersion]


def _natural_keys() -> dict[type[models.Model], dict[int, object]]:
    """Every row of the record by its key: its public id, else its values without keys."""
    keys: dict = {}
    plain = []
    for model in _record_models():
        if hasattr(model, "instance_type"):  # a history table: its rows name others, not reverse
            continue
        names = {f.attname for f in model._meta.concrete_fields}
        if "public_id" in names:
            keys[model] = dict(model._base_manager.values_list("pk", "public_id"))
        else:
            plain.append(model)
    keys.setdefault(apps.get_model("auth.User"), {})
    for user in apps.get_model("auth.User").objects.all():
        keys[apps.get_model("auth.User")][user.pk] = user.username
    for model in plain:  # their foreign keys point at rows with public ids
        keys[model] = {
            row.pk: _row(row, keys, with_times=False) for row in model._base_manager.all()
        }
    return keys


def _value(field: models.Field, value, keys):
    if value is None:
        return None
    if field.is_relation:
        return keys[field.related_model][value]
    if isinstance(field, models.DateTimeField):
        return "<time>"
    return value


def _row(obj: models.Model, keys, with_times: bool = True) -> tuple:
    history_of = getattr(obj, "instance_type", None)
    values = []
    for f in obj._meta.concrete_fields:
        if f.primary_key or (not with_times and isinstance(f, models.DateTimeField)):
            continue
        value = getattr(obj, f.attname)
        if history_of is not None and f.attname == "id":  # the original row's key
            # (a row removed since is named by its public id, kept in the history)
            value = keys[history_of].get(value, f"removed {getattr(obj, 'public_id', '')}")
        else:
            value = _value(f, value, keys)
        values.append((f.attname, str(value) if isinstance(value, Decimal) else value))
    return tuple(values)


def snapshot() -> dict[str, list]:
    keys = _natural_keys()
    tables: dict[str, list] = {}
    for model in _record_models():
        rows = []
        if not hasattr(model, "instance_type"):
            rows = [_row(obj, keys) for obj in model._base_manager.all()]
        else:  # history: in order per object
            ordered = model._base_manager.order_by("history_date", "history_id")
            seen: dict = {}
            for obj in ordered:
                row = _row(obj, keys)
                of = dict(row)["id"]
                seen[of] = seen.get(of, 0) + 1
                rows.append((("of", of), ("n", seen[of]), *row))
        tables[model._meta.label] = sorted(rows, key=repr)
    # The search index (FTS5 rows kept by triggers on SQLite, a GIN index on PostgreSQL).
    tables["search"] = [
        (
            query,
            sorted(
                search_organizations(Organization.objects.all(), query).values_list(
                    "public_id", flat=True
                )
            ),
        )
        for query in SEARCHES
    ]
    return tables


class _Undo(Exception):
    pass


def _run(write, actor) -> tuple[dict, int]:
    before = version.current()
    try:
        with transaction.atomic():
            write(actor)
            result = snapshot(), version.current()
            raise _Undo
    except _Undo:
        pass
    return result[0], result[1] - before


def _diff(expected: dict, got: dict) -> str:
    lines = []
    for table in expected:
        if expected[table] != got[table]:
            lines += difflib.unified_diff(
                pprint.pformat(expected[table], width=110).splitlines(),
                pprint.pformat(got[table], width=110).splitlines(),
                f"{table} (services)",
                f"{table} (bulk)",
                lineterm="",
            )
    return "\n".join(lines)


@pytest.mark.django_db
def test_the_bulk_writer_leaves_every_table_as_the_services_do(reviewer):
    by_services, raised = _run(through_services, reviewer)
    by_bulk, raised_once = _run(through_bulk, reviewer)
    assert by_bulk == by_services, "\n" + _diff(by_services, by_bulk)
    assert raised > 1 and raised_once == 1  # the record's version: once for the whole write
    # The snapshot saw the derived state and every step, not empty tables.
    assert len(by_services["record.Involvement"]) == 2
    assert all(found for _query, found in by_services["search"])
    assert len(by_services["record.LinkStatusEvent"]) == 4  # two first, two changes
    assert {("public_id", "LNK00002"), ("status", "ended"), ("end", "2024")} <= set(
        next(r for r in by_services["record.Link"] if ("public_id", "LNK00002") in r)
    )
    assert ("search_text", "korvex aerodynamics korvex aero korvex gmbh hrb1234b hrb 1234 b") in (
        next(r for r in by_services["record.Organization"] if ("public_id", "ORG00001") in r)
    )


@pytest.mark.django_db
def test_a_refused_object_is_named_before_anything_is_written(editor):
    good = Organization(public_id="ORG00011", name="Korvex Aerodynamics", kind="company")
    bad = Organization(public_id="ORG00012", name="Vantor Systems", kind="shipyard")
    with bulk.writer(actor=editor, reason=REASON) as w:
        with pytest.raises(bulk.InvalidObject) as refused:
            w.create([good, bad])
        assert str(refused.value) == (
            "Organization “Vantor Systems” (item 2): kind: Value 'shipyard' is not a valid choice."
        )
        assert refused.value.message_dict == {"kind": ["Value 'shipyard' is not a valid choice."]}
        assert not Organization.objects.exists() and not Organization.history.exists()
        w.create([good])  # as an importer does: the refused row left out, the rest written
        # A rule only the database checks (a point needs both coordinates): refused by it,
        # named by the writer, and the transaction goes on.
        half_point = Site(organization=good, role="office", country="DE", latitude=54.3)
        with pytest.raises(bulk.InvalidObject, match="Give both latitude and longitude") as half:
            w.create([Site(organization=good, role="factory", country="DE"), half_point])
        assert half.value.obj is half_point and not Site.objects.exists()
        w.create([Site(organization=good, role="factory", country="DE")])
    assert list(Organization.objects.values_list("public_id", flat=True)) == ["ORG00011"]
    assert Site.objects.count() == 1
    assert Organization.history.get().history_change_reason == REASON


# --- deleting and putting back (what an import's undo does) ------------------------------------

UNDO = "Undo of import batch #7 (partners.csv)"


def _to_remove():
    """Fresh copies of what the next changes delete, remove and put back."""
    return {
        "draft": Link.objects.get(public_id="LNK00002"),
        "vantor": Organization.objects.get(public_id="ORG00003"),
        "site": Site.objects.get(public_id="SIT00001"),
        "name": OrganizationName.objects.get(public_id="DET00001"),
        "identifier": Identifier.objects.get(public_id="DET00002"),
        "text": OrganizationText.objects.get(language="de"),
        "lindqvist": Organization.objects.get(public_id="ORG00002"),
        "link": Link.objects.get(public_id="LNK00001"),
    }


def removed_through_services(actor) -> None:
    through_services(actor)
    got = _to_remove()
    for record in (got["draft"], got["vantor"], got["site"], got["draft"]):  # twice: a no-op
        services.soft_delete(record, actor=actor, reason=UNDO)
    for detail in (got["name"], got["identifier"], got["text"]):
        services.remove_detail(detail, actor=actor, reason=UNDO)
    services.update_record(got["lindqvist"], actor=actor, reason=UNDO, name="Lindqvist Composites")
    services.update_record(got["link"], actor=actor, reason=UNDO, amount=None, currency="")


def removed_through_bulk(actor) -> None:
    through_bulk(actor)
    got = _to_remove()
    with bulk.writer(actor=actor, reason=UNDO) as w:
        assert w.soft_delete([got["draft"]]) == [got["draft"]]
        w.soft_delete([got["vantor"]])
        w.soft_delete([got["site"]])
        assert w.soft_delete([Link.objects.get(public_id="LNK00002")]) == []  # deleted already
        for detail in (got["name"], got["identifier"], got["text"]):
            w.remove_details([detail])
        got["lindqvist"].name = "Lindqvist Composites"
        w.update([got["lindqvist"]], ["name"])
        got["link"].amount, got["link"].currency = None, ""
        w.update([got["link"]], ["amount", "currency"])


@pytest.mark.django_db
def test_deleting_removing_and_putting_back_leave_every_table_as_the_services_do(reviewer):
    by_services, _raised = _run(removed_through_services, reviewer)
    by_bulk, raised = _run(removed_through_bulk, reviewer)
    assert by_bulk == by_services, "\n" + _diff(by_services, by_bulk)
    assert raised == 2  # once for the writes above, once for these
    # The snapshot saw the deletions: rows gone with a "-" history row, others hidden.
    assert len(by_services["record.OrganizationName"]) == 1
    assert not by_services["record.OrganizationText"]
    removed = [
        r for r in by_services["record.HistoricalOrganizationName"] if "-" in dict(r).values()
    ]
    assert len(removed) == 1 and ("history_change_reason", UNDO) in removed[0]
    vantor = next(r for r in by_services["record.Organization"] if ("public_id", "ORG00003") in r)
    assert ("deleted_at", "<time>") in vantor and ("is_public", False) in vantor
    assert ("search_text", "korvex aerodynamics korvex aero") in (
        next(r for r in by_services["record.Organization"] if ("public_id", "ORG00001") in r)
    )
