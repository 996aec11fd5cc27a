"""The public record as CSV tables with a Frictionless Data Package: a valid package whose foreign
keys resolve, the right rows under the right ids, nothing private, formula cells made inert
while numbers stay numbers, and the zip holding the same files; the campaign's public groups,
calls, actions and their targets among them, and organizations' descriptions in other
languages."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import frictionless
import pytest
from django.test import override_settings

from unmask.campaign.models import Action
from unmask.exchange.formats.csvbundle import write as csvbundle
from unmask.exchange.selection import Selection
from unmask.record import services
from unmask.record.models import Organization, OrganizationText, Site

from .conftest import SECRET

TABLES = [
    "organizations",
    "organization_names",
    "organization_texts",
    "identifiers",
    "sites",
    "products",
    "links",
    "link_status_events",
    "sources",
    "citations",
    "responses",
    "groups",
    "calls",
    "call_texts",
    "call_targets",
    "actions",
    "action_targets",
]


def read(directory: Path, table: str) -> list[dict[str, str]]:
    with (directory / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def by_id(directory: Path, table: str) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in read(directory, table)}


def assert_valid(directory: Path) -> None:
    report = frictionless.validate(str(directory / "datapackage.json"))
    if not report.valid:
        print(report.to_summary())
        for task in report.tasks:
            for error in task.errors:
                print(task.name, error.type, error.message)
        for error in report.errors:
            print(error.type, error.message)
    assert report.valid


@pytest.fixture
def record(network, make_org, make_link, make_site, source, campaign):
    """The network, with other names, identifiers, a description in two languages, an
    ownership with dates and a share, a link to a product only, drafts of every kind, and the
    campaign (conftest.py)."""
    orgs = network["orgs"]
    named = make_org(
        "Vesna Avionics",
        country="PL",
        description="Flight computers.",
        names=[("Vesna Awionika", "local"), ("VA", "abbreviation")],
        identifiers=[("registry", "KRS 0000123456"), ("cage", "H1234")],
    )
    services.save_record(
        OrganizationText(organization=named, language="de", description="-Bordrechner.")
    )
    owns = make_link(
        orgs["bank"],
        orgs["engines"],
        relation="owns",
        share=Decimal("25.500"),
        start="2019-05",
        end="2021",
        summary="Holds a quarter of the shares.",
    )
    product_only = make_link(
        named, None, product=network["chain"][0], relation="supplies_component"
    )
    draft = make_org("Unpublished Holding", country="DE", publish=False)
    services.save_record(OrganizationText(organization=draft, language="de", description="Geheim."))
    draft_link = make_link(
        orgs["engines"], orgs["blades"], relation="licenses_technology", publish=False
    )
    draft_site = services.save_record(
        Site(organization=orgs["engines"], role="office", city="Bonn", country="DE")
    )
    return {
        **network,
        "named": named,
        "owns": owns,
        "product_only": product_only,
        "drafts": [draft, draft_link, draft_site],
        "campaign": campaign,
    }


def test_the_bundle_is_a_valid_data_package(record, tmp_path):
    paths = csvbundle.write(Selection.everything(), tmp_path)
    assert [p.name for p in paths] == [f"{t}.csv" for t in TABLES] + ["datapackage.json"]
    assert_valid(tmp_path)

    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["created"].endswith("Z")
    resources = {r["name"]: r for r in package["resources"]}
    assert list(resources) == TABLES
    links = resources["links"]
    assert links["path"] == "links.csv" and links["encoding"] == "utf-8"
    assert links["mediatype"] == "text/csv" and links["format"] == "csv"
    assert links["schema"]["primaryKey"] == ["id"]
    assert {
        "fields": ["subject_id"],
        "reference": {"resource": "organizations", "fields": ["id"]},
    } in (links["schema"]["foreignKeys"])
    relation = next(f for f in links["schema"]["fields"] if f["name"] == "relation")
    assert "supplies_component" in relation["constraints"]["enum"]
    assert relation["constraints"]["required"] is True
    for resource in package["resources"]:  # every column is described and typed
        for f in resource["schema"]["fields"]:
            assert f["description"] and f["type"] in {
                "string",
                "integer",
                "number",
                "boolean",
                "date",
                "datetime",
            }


def test_a_broken_foreign_key_is_caught(record, tmp_path):
    """The validation really checks the foreign keys: a link to an organization not in the
    bundle fails it."""
    csvbundle.write(Selection.everything(), tmp_path)
    path = tmp_path / "links.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    subject = record["links"]["blade"].subject.public_id
    path.write_text(
        lines[0] + "".join(line.replace(subject, "nosuchorg") for line in lines[1:]),
        encoding="utf-8",
    )
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e.type for task in report.tasks for e in task.errors}


def test_every_public_row_is_there_under_its_public_id(record, tmp_path):
    csvbundle.write(Selection.everything(), tmp_path)
    orgs = by_id(tmp_path, "organizations")
    for org in [*record["orgs"].values(), record["named"]]:
        row = orgs[org.public_id]
        assert row["name"] == org.name and row["country"] == str(org.country)
        assert row["url"].endswith(org.get_absolute_url())
    assert orgs[record["orgs"]["bank"].public_id]["kind"] == "financial"

    links = by_id(tmp_path, "links")
    assert len(links) == len(record["links"]) + 2
    for link in [*record["links"].values(), record["owns"], record["product_only"]]:
        row = links[link.public_id]
        assert row["subject_id"] == link.subject.public_id
        assert row["object_id"] == (link.object.public_id if link.object_id else "")
        assert row["product_id"] == (link.product.public_id if link.product_id else "")
        assert row["relation"] == link.relation
    blade = links[record["links"]["blade"].public_id]
    assert blade["relation_label"] == "supplies components to"
    owns = links[record["owns"].public_id]
    assert (owns["start"], owns["end"], owns["share"]) == ("2019-05", "2021", "25.5")
    assert owns["amount"] == "" and owns["status"] == "reported"
    assert owns["published_at"].endswith("Z")

    sites = by_id(tmp_path, "sites")
    assert set(sites) == {site.public_id for site in record["sites"].values()}
    kassel = sites[record["sites"]["engines"].public_id]
    assert kassel["organization_id"] == record["orgs"]["engines"].public_id
    assert (kassel["latitude"], kassel["longitude"], kassel["precision"]) == (
        "51.31",
        "9.48",
        "city",
    )
    ankara = sites[record["sites"]["integrator"].public_id]
    assert (ankara["latitude"], ankara["longitude"]) == ("39.93341", "32.85975")

    products = by_id(tmp_path, "products")
    chain = record["chain"]
    assert products[chain[1].public_id]["part_of_id"] == chain[0].public_id
    assert products[chain[1].public_id]["maker_id"] == record["orgs"]["engines"].public_id
    assert products[chain[0].public_id]["part_of_id"] == ""

    names = read(tmp_path, "organization_names")
    assert {(n["organization_id"], n["name"], n["kind"]) for n in names} == {
        (record["named"].public_id, "Vesna Awionika", "local"),
        (record["named"].public_id, "VA", "abbreviation"),
    }
    identifiers = read(tmp_path, "identifiers")
    cage = next(i for i in identifiers if i["scheme"] == "cage")
    assert cage["value"] == "H1234" and cage["organization_id"] == record["named"].public_id
    assert cage["scheme_label"] == "CAGE / NCAGE code"

    sources = by_id(tmp_path, "sources")
    assert list(sources) == [record["links"]["blade"].citations.get().source.public_id]
    row = next(iter(sources.values()))
    assert row["published_on"] == "2023-04"
    assert row["original_url"] == "https://example.org/korvex-2023.pdf"
    citations = by_id(tmp_path, "citations")
    blade_citation = record["links"]["blade"].citations.get()
    assert citations[blade_citation.public_id]["link_id"] == record["links"]["blade"].public_id
    assert citations[blade_citation.public_id]["organization_id"] == ""


def test_descriptions_in_other_languages_are_there_and_their_language_said(record, tmp_path):
    named = record["named"]
    services.save_record(
        OrganizationText(organization=named, language="it", description="Computer di bordo.")
    )
    # a description found to be in Italian while an Italian text was left (the services refuse
    # this now; rows written before the rule, or by hand, may hold it): that text is never shown,
    # and not exported either
    Organization.objects.filter(pk=named.pk).update(description_language="it")
    csvbundle.write(Selection.everything(), tmp_path)
    assert_valid(tmp_path)
    orgs = by_id(tmp_path, "organizations")
    assert orgs[named.public_id]["description_language"] == "it"
    assert {orgs[o.public_id]["description_language"] for o in record["orgs"].values()} == {"en"}
    assert read(tmp_path, "organization_texts") == [
        {
            "id": f"{named.public_id}:de",
            "organization_id": named.public_id,
            "language": "de",
            "description": "'-Bordrechner.",  # made inert
        }
    ]


def test_the_campaign_is_there_under_its_public_ids(record, tmp_path):
    csvbundle.write(Selection.everything(), tmp_path)
    campaign, network = record["campaign"], record
    group = campaign["group"]
    assert list(by_id(tmp_path, "groups")) == [group.public_id]
    row = by_id(tmp_path, "groups")[group.public_id]
    assert row["description"] == "'-A group in Kassel."  # made inert
    assert row["url"].endswith(group.get_absolute_url())

    calls = by_id(tmp_path, "calls")
    call = campaign["call"]
    assert list(calls) == [call.public_id]
    assert "translation_of_id" not in calls[call.public_id]
    assert read(tmp_path, "call_texts") == [
        {
            "id": f"{call.public_id}:de",
            "call_id": call.public_id,
            "language": "de",
            "title": "Stoppt die Talvik-9",
            "body": "'- Sie bauen sie.\n- Wir nicht.",  # made inert
        }
    ]
    assert calls[call.public_id]["starts_on"] == call.starts_on.isoformat()
    assert calls[call.public_id]["body"] == "They build it.\n\nWe stop it."
    targets = read(tmp_path, "call_targets")
    assert [(t["call_id"], t["position"], t["kind"]) for t in targets] == [
        (call.public_id, "1", "org"),
        (call.public_id, "2", "site"),
        (call.public_id, "3", "product"),
    ]
    engines = network["orgs"]["engines"].public_id
    assert targets[0]["organization_id"] == engines and targets[0]["id"] == (
        f"{call.public_id}:org:{engines}"
    )
    assert targets[1]["site_id"] == network["sites"]["engines"].public_id
    assert targets[2]["product_id"] == network["chain"][0].public_id

    actions = by_id(tmp_path, "actions")
    gate, cancelled = campaign["at_gate"], campaign["cancelled"]
    assert list(actions) == [gate.public_id, cancelled.public_id, campaign["online"].public_id]
    row = actions[gate.public_id]
    assert (row["status"], row["call_id"], row["group_id"]) == (
        "published",
        call.public_id,
        group.public_id,
    )
    assert row["starts_at"] == gate.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (row["timezone"], row["languages"], row["online"]) == ("Europe/Berlin", "de,en", "false")
    assert (row["latitude"], row["longitude"]) == ("51.3127114", "9.4797461")
    assert row["url"].endswith(gate.get_absolute_url()) and row["published_at"].endswith("Z")
    row = actions[cancelled.public_id]
    assert (row["status"], row["status_reason"]) == ("cancelled", "The square is closed that week.")
    assert row["recurrence"] == "FREQ=WEEKLY;COUNT=3" and row["call_id"] == call.public_id
    assert row["last_ends_at"] == cancelled.last_ends_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert actions[campaign["online"].public_id]["online"] == "true"
    aimed = [(t["action_id"], t["kind"], t["position"]) for t in read(tmp_path, "action_targets")]
    assert aimed == [
        (gate.public_id, "site", "1"),
        (cancelled.public_id, "org", "1"),
        (cancelled.public_id, "product", "2"),
        (campaign["online"].public_id, "product", "1"),
    ]


def test_a_target_that_is_not_public_is_left_out(record, tmp_path):
    """A call aimed at a draft: the target is not public, and the foreign keys still hold."""
    from unmask.campaign import services as campaign_services

    call = record["campaign"]["call"]
    draft = record["drafts"][0]
    campaign_services.write_targets(call, [draft, *[t.thing for t in call.targets.all()]])
    csvbundle.write(Selection.everything(), tmp_path)
    assert_valid(tmp_path)
    targets = read(tmp_path, "call_targets")
    assert [t["position"] for t in targets] == ["1", "2", "3"]
    assert draft.public_id not in (tmp_path / "call_targets.csv").read_text(encoding="utf-8")


def test_nothing_private_leaves(record, tmp_path):
    draft_link = record["drafts"][1]
    services.change_status(draft_link, "disputed", note="Secret dispute")
    reply = {"organization": record["named"], "received_on": "2024-04-02", "channel": "email"}
    shown = services.record_response(text="Our public answer.", **reply)
    services.publish_response(shown)
    services.record_response(text="Still being checked.", contact_email="a@example.org", **reply)
    rejected = services.record_response(text="Turned down.", **reply)
    services.reject_response(rejected, reason="Not from them")
    engines = record["orgs"]["engines"]
    to_draft = services.record_response(
        organization=engines,
        link=draft_link,
        text="On a draft.",
        received_on="2024-04-02",
        channel="letter",
    )
    services.publish_response(to_draft)
    csvbundle.write(Selection.everything(), tmp_path)
    replies = read(tmp_path, "responses")
    assert [(r["id"], r["text"]) for r in replies] == [(shown.public_id, "Our public answer.")]
    events = read(tmp_path, "link_status_events")
    public_links = {row["id"] for row in read(tmp_path, "links")}
    assert {e["link_id"] for e in events} == public_links
    assert f"{record['owns'].public_id}:1" in {e["id"] for e in events}
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
    for draft in record["drafts"]:
        assert draft.public_id not in text
    assert "Unpublished Holding" not in text
    for draft in record["drafts"]:  # …and not cited either
        for citation in draft.citations.all():
            assert citation.public_id not in text
    # the campaign: no draft call, no action waiting for moderation, no group without a page,
    # no contact e-mail, edit token, trust or member
    for item in record["campaign"]["private"]:
        assert item.public_id not in text
    assert "Waiting for a moderator" not in text and "Nobody Published Yet" not in text
    assert SECRET not in text and "@" not in text
    for action in Action.objects.all():
        assert action.edit_token_hash not in text
    headers = {column for table in TABLES for column in read(tmp_path, table)[0]}
    assert not headers & {"contact_email", "edit_token_hash", "trusted", "members", "sequence"}


def test_rows_come_in_a_stable_order(record, tmp_path):
    csvbundle.write(Selection.everything(), tmp_path / "a")
    csvbundle.write(Selection.everything(), tmp_path / "b")
    for table in TABLES:
        name = f"{table}.csv"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    ids = [row["id"] for row in read(tmp_path / "a", "organizations")]
    created = [org.public_id for org in [*record["orgs"].values(), record["named"]]]
    assert ids == created  # by database key: the order they were recorded in


def test_formula_cells_are_made_inert_and_numbers_stay_numbers(make_org, make_site, tmp_path):
    hyperlink = make_org('=HYPERLINK("http://evil.example","click")', country="BR")
    plus = make_org("+1 Systems", country="BR")
    at = make_org("@SUM(1)", country="BR")
    minus = make_org("-2 Holding", country="BR")
    plain = make_org("Plain Avionics", country="BR")
    site = make_site(plain, "Porto Alegre", "BR", -30.0346316, -51.2176584, precision="region")
    csvbundle.write(Selection.everything(), tmp_path)
    assert_valid(tmp_path)

    orgs = by_id(tmp_path, "organizations")
    assert orgs[hyperlink.public_id]["name"] == """'=HYPERLINK("http://evil.example","click")"""
    assert orgs[plus.public_id]["name"] == "'+1 Systems"
    assert orgs[at.public_id]["name"] == "'@SUM(1)"
    assert orgs[minus.public_id]["name"] == "'-2 Holding"
    assert orgs[plain.public_id]["name"] == "Plain Avionics"
    row = by_id(tmp_path, "sites")[site.public_id]
    assert (row["latitude"], row["longitude"]) == ("-30.0", "-51.2")
    raw = (tmp_path / "sites.csv").read_text(encoding="utf-8")
    assert ",-30.0,-51.2," in raw  # unquoted, unprefixed numbers


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_inert(text, cell):
    assert csvbundle.inert(text) == cell


def test_the_zip_holds_the_same_files(record, tmp_path):
    paths = csvbundle.write(Selection.everything(), tmp_path / "dir")
    rows = csvbundle.write_zip(Selection.everything(), tmp_path / "bundle.zip")
    assert rows == sum(len(read(tmp_path / "dir", table)) for table in TABLES)
    with zipfile.ZipFile(tmp_path / "bundle.zip") as archive:
        assert archive.namelist() == [p.name for p in paths]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
        for path in paths[:-1]:
            assert archive.read(path.name) == path.read_bytes()
        zipped = json.loads(archive.read("datapackage.json"))
        archive.extractall(tmp_path / "unzipped")
    buffer = io.BytesIO()  # a file object, as a view streams it
    assert csvbundle.write_zip(Selection.everything(), buffer) == rows
    with zipfile.ZipFile(buffer) as archive:
        assert archive.read("links.csv") == (tmp_path / "dir" / "links.csv").read_bytes()
    written = json.loads(paths[-1].read_text(encoding="utf-8"))
    assert zipped == written
    assert_valid(tmp_path / "unzipped")
    # the same record gives the same bytes, so the published checksum changes only with it
    assert buffer.getvalue() == (tmp_path / "bundle.zip").read_bytes()


def test_a_filtered_bundle_is_valid_and_holds_only_its_part(record, tmp_path):
    csvbundle.write(Selection.from_params({"country": "SE"}), tmp_path)
    assert_valid(tmp_path)
    names = {row["name"] for row in read(tmp_path, "organizations")}
    assert names == {"Lindqvist Composites"}
    # the blade's maker is in the bundle; the engine it is part of is not, so it is not named
    products = by_id(tmp_path, "products")
    assert list(products) == [record["chain"][2].public_id]
    blade = products[record["chain"][2].public_id]
    assert blade["maker_id"] == record["orgs"]["blades"].public_id
    assert blade["part_of_id"] == ""
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert "country=SE" in package["description"]
    assert all(not read(tmp_path, t) for t in ("groups", "calls", "actions", "action_targets"))


def test_a_filtered_bundle_holds_the_campaign_against_its_part(record, tmp_path):
    """Narrowed to Germany: the actions aimed at its organizations (the vigil at a site of
    Korvex, the talk on the KX-40 engine that Korvex makes), their call and group; not the info
    stand in Ankara, aimed at Talvik and its program."""
    csvbundle.write(Selection.from_params({"country": "DE"}), tmp_path)
    assert_valid(tmp_path)
    campaign = record["campaign"]
    assert set(by_id(tmp_path, "actions")) == {
        campaign["at_gate"].public_id,
        campaign["online"].public_id,
    }
    assert list(by_id(tmp_path, "calls")) == [campaign["call"].public_id]
    assert list(by_id(tmp_path, "groups")) == [campaign["group"].public_id]
    # the call's targets in the part: Korvex and its site; Talvik's program is not in it
    assert [t["kind"] for t in read(tmp_path, "call_targets")] == ["org", "site"]


def test_a_stored_copy_and_an_amount(network, make_org, make_link, tmp_path):
    stored = services.create_source(
        title="Customs record",
        kind="customs",
        archived_file="sources/2024/customs record.pdf",
        published_on="2024-02-29",
    )
    org = make_org("Harrow Finance", country="GB", kind="financial")
    loan = make_link(
        org,
        network["orgs"]["integrator"],
        relation="finances",
        amount=Decimal("1250000.00"),
        currency="EUR",
        summary="-12% interest",
    )
    services.add_citation(loan, stored, locator="line 4")
    csvbundle.write(Selection.everything(), tmp_path)
    assert_valid(tmp_path)
    row = by_id(tmp_path, "sources")[stored.public_id]
    assert row["archived_file_url"].endswith(stored.archived_file_url)
    assert row["original_url"] == "" and row["published_on"] == "2024-02-29"
    link = by_id(tmp_path, "links")[loan.public_id]
    assert (link["amount"], link["currency"]) == ("1250000", "EUR")
    assert link["summary"] == "'-12% interest"


def test_an_empty_record_is_a_valid_bundle(db, tmp_path):
    paths = csvbundle.write(Selection.everything(), tmp_path)
    assert_valid(tmp_path)
    header = paths[0].read_text(encoding="utf-8")
    assert header.startswith("id,name,kind,country,") and header.count("\n") == 1


@override_settings(
    DATA_LICENCE="ODbL-1.0", DATA_LICENCE_URL="https://opendatacommons.org/licenses/odbl/"
)
def test_the_licence_comes_from_the_settings(db):
    package = csvbundle.descriptor(Selection.everything())
    assert package["licenses"] == [
        {
            "name": "ODbL-1.0",
            "path": "https://opendatacommons.org/licenses/odbl/",
            "title": "ODbL-1.0",
        }
    ]
