"""Round trips: the public record exported as a CSV bundle, imported into an empty record
(bundle_import), and exported again gives the same tables and the same FollowTheMoney entities.
Importing a bundle twice changes nothing; a bundle with a broken foreign key is refused, with
the file, line and column, and writes nothing. Organizations' descriptions travel in the
languages they have (organizations.description_language, organization_texts), and the undo of
a batch takes the texts it added away again.

The campaign travels in the CSV bundle too (groups, calls, actions and their targets), not in
FtM, whose import leaves it out.

The test database cannot easily be swapped for a second one inside a test, so "an empty
database" is the same database with every record and campaign row deleted (users and roles
kept)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from unmask.campaign.models import Action, ActionTarget, Call, CallTarget, CallText, LocalGroup
from unmask.exchange import batches
from unmask.exchange.formats.csvbundle import campaign as campaign_import
from unmask.exchange.formats.csvbundle import read as bundle_import
from unmask.exchange.formats.csvbundle import write as csvbundle
from unmask.exchange.formats.ftm import read as ftm_import
from unmask.exchange.formats.ftm import write as ftm
from unmask.exchange.models import ImportBatch
from unmask.exchange.selection import Selection
from unmask.maps.geojson import DECIMALS
from unmask.record import services
from unmask.record.models import (
    Citation,
    Identifier,
    Involvement,
    Link,
    LinkStatusEvent,
    Organization,
    OrganizationName,
    OrganizationText,
    Product,
    Response,
    Site,
    Source,
)

# Columns that legitimately differ after a round trip: published_at, updated_at, when the rows
# were published and last written in the database they are in; the import publishes and writes
# them anew (services.publish stamps the time of publication, auto_now the time of the write),
# as any copy of the record would. Every id stays, other names' and identifiers' too.
CHANGING = {"published_at", "updated_at"}
TABLES = [t.name for t in csvbundle.TABLES]


CAMPAIGN = ("groups", "calls", "call_texts", "call_targets", "actions", "action_targets")
CAMPAIGN_MODELS = (LocalGroup, Call, CallText, CallTarget, Action, ActionTarget)


@pytest.fixture
def record(network, make_org, make_link, source, campaign):
    """The network, with what else a bundle can hold: other names and identifiers, descriptions
    in other languages (one written in German, translated into English), an ownership
    with dates and a share, a loan with an amount, a link to a product alone, links of every
    status, cells a spreadsheet would run as formulas, drafts that are not exported, and the
    campaign (conftest.py: a group, calls with targets of every kind, a published action aimed
    at a site, a cancelled one, an online one)."""
    orgs = network["orgs"]
    named = make_org(
        "Vesna Avionics",
        country="PL",
        description="  Flight computers.\n\nAnd =formulas in text.\n",
        names=[("Vesna Awionika", "local"), ("VA", "abbreviation")],
        identifiers=[("registry", "KRS 0000123456"), ("cage", "H1234")],
    )
    services.save_record(
        OrganizationText(organization=named, language="de", description="-Bordrechner.\n")
    )
    services.save_record(
        OrganizationText(organization=named, language="tr", description="Uçuş bilgisayarları.")
    )
    formula = make_org(
        "=HYPERLINK(1)",
        country="",
        kind="other",
        description="Eine Briefkastenfirma.",
        description_language="de",
    )
    services.save_record(
        OrganizationText(organization=formula, language="en", description="A letterbox company.")
    )
    services.save_record(
        OrganizationName(organization=formula, name="-minus", kind="alias", language="en")
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
    services.change_status(owns, "ended", note="Sold", effective="2021")
    loan = make_link(
        orgs["bank"],
        orgs["blades"],
        relation="finances",
        amount=Decimal("1250000.00"),
        currency="EUR",
        start="2020-02-14",
    )
    services.change_status(loan, "confirmed", note="Annual report")
    disputed = make_link(named, orgs["integrator"], relation="supplies_component")
    services.change_status(disputed, "disputed", note="Denied by a spokesperson")
    make_link(named, None, product=network["chain"][0], relation="manufactures")
    second = services.create_source(
        title="Registry extract",
        publisher="Handelsregister",
        kind="registry",
        url="https://example.org/hrb",
        archive_url="https://web.archive.org/web/2024/https://example.org/hrb",
        published_on="2024",
        language="de",
        retrieved_on="2024-03-01",
    )
    services.add_citation(named, second, quote="Vesna Avionics sp. z o.o.", note="p. 3, top")
    make_org("Unpublished Holding", country="DE", publish=False)  # a draft: not exported
    # replies: published ones travel, one still being checked and a rejected one never do
    reply = {"received_on": "2024-04-02", "channel": "email"}
    services.publish_response(
        services.record_response(
            organization=orgs["bank"], link=owns, text="=We sold in 2021.", **reply
        )
    )
    services.publish_response(
        services.record_response(
            organization=named,
            text="We make flight computers.",
            url="https://example.org/statement",
            **{**reply, "channel": "statement"},
        )
    )
    services.record_response(
        organization=named, text="Waiting.", contact_email="press@example.org", **reply
    )
    rejected = services.record_response(organization=named, text="Spam.", **reply)
    services.reject_response(rejected, reason="Not from them")
    return {**network, "campaign": campaign}


def wipe() -> None:
    """Delete every row of the record and the campaign, as in an empty database (users and
    roles stay)."""
    ActionTarget.objects.all().delete()
    CallTarget.objects.all().delete()
    Action.objects.all().delete()
    CallText.objects.all().delete()
    Call.objects.all().delete()
    LocalGroup.objects.all().delete()
    for model in CAMPAIGN_MODELS:
        model.history.all().delete()
    Citation._base_manager.all().delete()
    Involvement.objects.all().delete()
    LinkStatusEvent.objects.all().delete()
    Response._base_manager.all().delete()
    Link._base_manager.all().delete()
    Site._base_manager.all().delete()
    Product._base_manager.update(part_of=None)
    Product._base_manager.all().delete()
    OrganizationName._base_manager.all().delete()
    OrganizationText._base_manager.all().delete()
    Identifier._base_manager.all().delete()
    Organization._base_manager.update(merged_into=None)
    Organization._base_manager.all().delete()
    Source._base_manager.all().delete()
    for model in (
        Citation,
        Link,
        Site,
        Product,
        OrganizationName,
        OrganizationText,
        Identifier,
        Organization,
        Source,
        Response,
    ):
        model.history.all().delete()
    ImportBatch.objects.all().delete()


def export_bundle(path: Path) -> Path:
    csvbundle.write_zip(Selection.everything(), path)
    return path


def tables(path: Path) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(path) as archive:
        return {
            table: list(csv.DictReader(io.TextIOWrapper(archive.open(f"{table}.csv"), "utf-8")))
            for table in TABLES
        }


def comparable(path: Path) -> dict[str, list[dict[str, str]]]:
    out = {}
    for table, rows in tables(path).items():
        out[table] = [{k: v for k, v in row.items() if k not in CHANGING} for row in rows]
    return out


def entities() -> dict[str, dict]:
    """FtM entities by id, without modifiedAt (the date of the last write, like updated_at),
    each property's values sorted (their order means nothing in FtM)."""
    out = io.StringIO()
    ftm.write(Selection.everything(), out)
    found = {}
    for line in out.getvalue().splitlines():
        entity = json.loads(line)
        entity["properties"] = {
            prop: sorted(values)
            for prop, values in entity["properties"].items()
            if prop != "modifiedAt"
        }
        found[entity["id"]] = entity
    return found


def assert_same_entities(now: dict, then: dict, sites: list[dict[str, str]]) -> None:
    """The entities are the same, except for the points of sites: FtM gives them as known,
    the CSV bundle rounds them to what their precision claims (csvbundle, maps.geojson.DECIMALS),
    so a point that went through the bundle is the rounded one: within half its last decimal."""
    assert set(now) == set(then)
    precision = {ftm.entity_id("site", row["id"]): row["precision"] for row in sites}
    for key, entity in then.items():
        again = now[key]
        if key in precision:
            tolerance = 0.5 * 10 ** -DECIMALS[precision[key]] + 1e-9
            for prop in ("latitude", "longitude"):
                old, new = entity["properties"].pop(prop, []), again["properties"].pop(prop, [])
                pairs = zip(old, new, strict=True)
                assert all(abs(float(a) - float(b)) <= tolerance for a, b in pairs), (key, prop)
        assert again == entity


def counts() -> dict[str, int]:
    return {
        m.__name__: m._base_manager.count()
        for m in (
            Organization,
            OrganizationName,
            OrganizationText,
            Identifier,
            Product,
            Site,
            Link,
            LinkStatusEvent,
            Source,
            Citation,
            Response,
            *CAMPAIGN_MODELS,
        )
    }


def history() -> int:
    return sum(m.history.count() for m in (Organization, Link, Citation, Site, *CAMPAIGN_MODELS))


def test_export_import_into_an_empty_record_export_again_gives_the_same_data(record, tmp_path):
    first = export_bundle(tmp_path / "first.csv.zip")
    first_entities = entities()
    before = tables(first)
    assert all(before[t] for t in TABLES)  # every table has rows: the test covers them all
    assert any(row["name"].startswith("'=") for row in before["organizations"])
    aimed = {key: aims(item) for key, item in record["campaign"].items() if key != "private"}
    wipe()
    assert not Organization._base_manager.exists() and not Source._base_manager.exists()

    outcome = bundle_import.import_bundle(first)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.updated == outcome.unchanged == 0
    assert outcome.created == outcome.rows == sum(len(rows) for rows in before.values())
    assert outcome.left_unpublished == outcome.left_unconfirmed == 0
    batch = ImportBatch.objects.get()
    assert batch.kind == "bundle" and batch.created == outcome.created
    assert batch.items.count() == outcome.created  # one item a row

    second = export_bundle(tmp_path / "second.csv.zip")
    assert comparable(second) == comparable(first)
    after = tables(second)
    for table in TABLES:  # the changing columns are there, filled in both
        for column in CHANGING & set(before[table][0]):
            assert all(row[column] for row in after[table]), (table, column)
    assert_same_entities(entities(), first_entities, before["sites"])

    # the values themselves, not only their export: partial dates as written, the formula
    # guard taken off, statuses, numbers, texts with their spaces
    owns = Link.objects.get(relation="owns")
    assert (owns.start, owns.end, owns.status, owns.share) == (
        "2019-05",
        "2021",
        "ended",
        Decimal("25.5"),
    )
    assert Link.objects.get(relation="finances", currency="EUR").status == "confirmed"
    assert Organization.objects.filter(name="=HYPERLINK(1)", is_public=True).exists()
    vesna = Organization.objects.get(name="Vesna Avionics")
    assert vesna.description == "  Flight computers.\n\nAnd =formulas in text.\n"
    assert vesna.history.first().history_change_reason == batch.reason
    # the description in the languages it had, the formula guard taken off
    assert vesna.description_language == "en"
    assert list(vesna.texts.values_list("language", "description")) == [
        ("de", "-Bordrechner.\n"),
        ("tr", "Uçuş bilgisayarları."),
    ]
    assert vesna.texts.get(language="de").history.get().history_change_reason == batch.reason
    letterbox = Organization.objects.get(name="=HYPERLINK(1)")
    assert (letterbox.description_language, letterbox.description) == (
        "de",
        "Eine Briefkastenfirma.",
    )
    assert [(t.language, t.description) for t in letterbox.texts.all()] == [
        ("en", "A letterbox company.")
    ]
    assert not Organization.objects.filter(name="Unpublished Holding").exists()
    # the links' histories as they were recorded (not the import's), the published replies
    assert [
        (e.old_status, e.new_status, e.effective, e.note) for e in owns.status_events.all()
    ] == [
        ("", "reported", "2019-05", "First recorded"),
        ("reported", "ended", "2021", "Sold"),
    ]
    assert {r.text for r in Response.objects.public()} == {
        "=We sold in 2021.",
        "We make flight computers.",
    }
    assert not Response.objects.exclude(status="published").exists()
    assert_campaign_is_back(record["campaign"], aimed, batch)


def aims(item) -> list[str]:
    return [t.ref for t in item.targets.all()] if hasattr(item, "targets") else []


def assert_campaign_is_back(campaign, aimed, batch) -> None:
    """The campaign as it was, public where it was public, under the same ids, written with
    the batch's reason; nothing private came along."""
    group = LocalGroup.objects.get(public_id=campaign["group"].public_id)
    assert (group.name, group.city, str(group.country)) == ("Kassel gegen Drohnen", "Kassel", "DE")
    assert group.description == "-A group in Kassel." and group.contact_email == ""
    assert not group.trusted
    call = Call.objects.get(public_id=campaign["call"].public_id)
    assert call.published_at and call.body == "They build it.\n\nWe stop it."
    assert aims(call) == aimed["call"] and len(aimed["call"]) == 3
    assert [t.kind for t in call.targets.all()] == ["org", "site", "product"]
    text = call.texts.get()
    assert (text.language, text.title, text.body) == (
        "de",
        "Stoppt die Talvik-9",
        "- Sie bauen sie.\n- Wir nicht.",
    )
    assert text.history.first().history_change_reason == batch.reason
    gate = Action.objects.public().get(public_id=campaign["at_gate"].public_id)
    was = campaign["at_gate"]
    assert (gate.status, gate.call, gate.group, gate.languages) == (
        "published",
        call,
        group,
        "de,en",
    )
    assert (gate.starts_at, gate.ends_at, gate.timezone) == (
        was.starts_at,
        was.ends_at,
        was.timezone,
    )
    assert (gate.latitude, gate.longitude) == (was.latitude, was.longitude)
    assert aims(gate) == aimed["at_gate"] == [f"site:{gate.targets.get().site.public_id}"]
    assert gate.contact_email == "" and gate.edit_token_hash != was.edit_token_hash
    assert gate.history.first().history_change_reason == batch.reason
    cancelled = Action.objects.public().get(public_id=campaign["cancelled"].public_id)
    assert (cancelled.status, cancelled.status_reason) == (
        "cancelled",
        "The square is closed that week.",
    )
    assert cancelled.recurrence == "FREQ=WEEKLY;COUNT=3"
    assert cancelled.last_ends_at == campaign["cancelled"].last_ends_at
    assert {h.history_change_reason for h in cancelled.history.all()} == {batch.reason}
    online = Action.objects.public().get(public_id=campaign["online"].public_id)
    assert online.online and online.online_url == "https://example.org/talk"
    for item in campaign["private"]:
        assert not type(item).objects.filter(public_id=item.public_id).exists()


def test_importing_the_same_bundle_twice_changes_nothing(record, tmp_path):
    path = export_bundle(tmp_path / "record.csv.zip")
    # into the record it came from: every row is there already, with the same values (the
    # sites' exact points too, which the bundle gives rounded)
    same = bundle_import.import_bundle(path)
    assert same.ok, [str(p) for p in same.problems]
    assert (same.created, same.updated) == (0, 0) and same.unchanged == same.rows

    assert all(same.tables[t].unchanged == same.tables[t].rows > 0 for t in CAMPAIGN)

    wipe()
    first = bundle_import.import_bundle(path)
    assert first.ok and first.created == first.rows
    models = (Link, Site, LocalGroup, Call, Action)
    stamps = {m: sorted(m.objects.values_list("updated_at", flat=True)) for m in models}
    written = history()
    size = counts()
    sequences = sorted(Action.objects.values_list("sequence", flat=True))

    again = bundle_import.import_bundle(path)
    assert again.ok, [str(p) for p in again.problems]
    assert (again.created, again.updated, again.unchanged) == (0, 0, again.rows)
    assert all(t.unchanged == t.rows for t in again.tables.values())
    assert set(CAMPAIGN) <= set(again.tables)
    assert counts() == size
    assert stamps == {m: sorted(m.objects.values_list("updated_at", flat=True)) for m in stamps}
    assert history() == written
    assert sorted(Action.objects.values_list("sequence", flat=True)) == sequences
    assert again.batch.items.count() == 0


def test_a_broken_foreign_key_is_refused_with_where_and_nothing_is_written(record, tmp_path):
    good = tables(export_bundle(tmp_path / "record.csv.zip"))
    directory = tmp_path / "broken"
    csvbundle.write(Selection.everything(), directory)
    path = directory / "links.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(good["links"][2]["subject_id"], "nosuchorg", 1)
    path.write_text("".join(lines), encoding="utf-8")
    wipe()

    outcome = bundle_import.import_bundle(directory)
    assert not outcome.ok and outcome.batch is None
    assert [(p.file, p.line, p.column) for p in outcome.problems] == [
        ("links.csv", 4, "subject_id")
    ]
    assert "'nosuchorg'" in str(outcome.problems[0])
    assert str(outcome.problems[0]).startswith("links.csv, line 4, column subject_id: ")
    assert set(counts().values()) == {0} and not ImportBatch.objects.exists()


def test_a_row_that_fails_after_others_were_committed_undoes_the_whole_batch(
    record, tmp_path, monkeypatch
):
    """On SQLite a checked bundle is written in short transactions (intake); should a row still
    fail (the record changed since the check), what the rows before it committed is undone."""
    monkeypatch.setattr(batches.ShortTransactions, "SECONDS", 0)  # a commit after every row
    good = tables(export_bundle(tmp_path / "record.csv.zip"))
    directory = tmp_path / "late"
    csvbundle.write(Selection.everything(), directory)
    path = directory / "links.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[-1] = lines[-1].replace(good["links"][-1]["subject_id"], "nosuchorg", 1)
    path.write_text("".join(lines), encoding="utf-8")
    wipe()

    outcome = bundle_import.import_bundle(directory, in_chunks=True)
    assert [(p.file, p.column) for p in outcome.problems] == [("links.csv", "subject_id")]
    batch = ImportBatch.objects.get()
    assert batch.undone_at is not None and batch.items.exists()  # written, then undone
    for model in (Organization, Source, Product, Site, Link):
        assert not model._base_manager.filter(deleted_at__isnull=True).exists(), model
    assert not OrganizationName.objects.exists() and not Identifier.objects.exists()
    assert not Organization.objects.public().exists()


def test_a_dry_run_reports_what_applying_does_and_writes_nothing(record, tmp_path):
    path = export_bundle(tmp_path / "record.csv.zip")
    wipe()
    dry = bundle_import.import_bundle(path, dry_run=True)
    assert dry.ok and dry.dry_run and dry.batch is None
    assert set(counts().values()) == {0} and not ImportBatch.objects.exists()
    done = bundle_import.import_bundle(path)
    assert (done.created, done.updated, done.unchanged) == (dry.created, dry.updated, 0)


def test_an_editor_imports_drafts_for_reviewers_to_publish(
    record, tmp_path, editor, reviewer, moderator
):
    path = export_bundle(tmp_path / "record.csv.zip")
    confirmed = Link.objects.filter(status="confirmed").count()
    campaign_rows = sum(len(tables(path)[t]) for t in CAMPAIGN)
    wipe()
    outcome = bundle_import.import_bundle(path, actor=editor)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.batch.created_by == editor
    # the campaign is a moderator's: left out whole, and said so
    assert outcome.left_out == {campaign_import.LEFT_OUT: campaign_rows}
    assert "campaign" in outcome.skipped_text
    assert not any(m.objects.exists() for m in CAMPAIGN_MODELS)
    assert not any(m.objects.public().exists() for m in (Organization, Product, Site, Link))
    assert not Source.objects.public().exists()
    published = sum(
        len(rows) for t, rows in tables(path).items() if t in ("organizations", "products")
    )
    assert outcome.left_unpublished >= published
    assert outcome.left_unconfirmed == confirmed and confirmed
    assert not Link.objects.filter(status="confirmed").exists()  # a reviewer's decision

    # a reviewer importing the same bundle publishes and confirms what the editor could not
    again = bundle_import.import_bundle(path, actor=reviewer)
    assert again.ok, [str(p) for p in again.problems]
    # only the confirmations the editor left out of the links' histories are new
    assert again.created == outcome.left_unconfirmed
    assert again.tables["link_status_events"].created == again.created and again.updated
    assert Link.objects.filter(status="confirmed").count() == confirmed
    # and a moderator brings the campaign (the record's rows are there: nothing to write)
    last = bundle_import.import_bundle(path, actor=moderator)
    assert last.ok, [str(p) for p in last.problems]
    assert last.created == campaign_rows and last.left_unpublished == 0
    assert Action.history.filter(history_user=moderator).exists()
    assert comparable(export_bundle(tmp_path / "again.csv.zip")) == comparable(path)


def test_an_organization_of_another_site_is_matched_and_the_batch_can_be_undone(record, tmp_path):
    """A bundle from another site names an organization this record has under another id: it
    is matched by name and country, and the rows naming it follow."""
    directory = tmp_path / "other"
    csvbundle.write(Selection.everything(), directory)
    engines = record["orgs"]["engines"]
    for member in directory.glob("*.csv"):
        text = member.read_text(encoding="utf-8").replace(engines.public_id, "otherid1")
        member.write_text(text.replace("Kassel", "Kassel-Bettenhausen"), encoding="utf-8")
    before = counts()

    outcome = bundle_import.import_bundle(directory)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert counts() == before  # matched, nothing created
    assert outcome.tables["sites"].updated == 1 and outcome.tables["organizations"].updated == 0
    assert Site.objects.filter(organization=engines, city="Kassel-Bettenhausen").exists()
    assert not Organization.objects.filter(public_id="otherid1").exists()

    batches.undo(outcome.batch)
    assert not Site.objects.filter(city="Kassel-Bettenhausen").exists()


def test_not_a_bundle(tmp_path, db):
    (tmp_path / "organizations.csv").write_text("id,name,kind\n", encoding="utf-8")
    outcome = bundle_import.import_bundle(tmp_path)
    assert not outcome.ok and "datapackage.json" in outcome.problems[0].message


def test_bad_cells_in_several_tables_are_all_listed(record, tmp_path):
    directory = tmp_path / "bad"
    csvbundle.write(Selection.everything(), directory)
    sites = (directory / "sites.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = sites[0].strip().split(",")
    cells = next(csv.reader([sites[1]]))
    cells[header.index("latitude")] = "north"
    sites[1] = ",".join(f'"{c}"' for c in cells) + "\r\n"
    (directory / "sites.csv").write_text("".join(sites), encoding="utf-8")
    orgs = (directory / "organizations.csv").read_text(encoding="utf-8")
    (directory / "organizations.csv").write_text(orgs.replace(",company,", ",spaceship,", 1))
    before = counts()

    outcome = bundle_import.import_bundle(directory)
    assert not outcome.ok
    where = {(p.file, p.line, p.column) for p in outcome.problems}
    assert ("organizations.csv", 2, "kind") in where and ("sites.csv", 2, "latitude") in where
    assert counts() == before and not ImportBatch.objects.exists()


def read_table(directory: Path, table: str) -> list[dict[str, str]]:
    with (directory / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_table(directory: Path, table: str, rows: list[dict[str, str]]) -> None:
    with (directory / f"{table}.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("table", "index", "column", "value", "line", "words"),
    [
        ("organization_texts", 0, "language", "xx", 2, "'xx' is not a language of this site"),
        ("organization_texts", 0, "language", "en", 2, "is the language the description of"),
        # (the first row's description has two lines: the second row is on line 4)
        ("organization_texts", 1, "language", "de", 4, "in 'de' is already on line 2"),
        ("organization_texts", 2, "organization_id", "nosuchorg", 5, "'nosuchorg'"),
        ("organizations", 0, "description_language", "klingon", 2, "not a language of this"),
    ],
)
def test_a_bad_description_in_another_language_is_refused_with_where_and_nothing_is_written(
    record, tmp_path, table, index, column, value, line, words
):
    directory = tmp_path / "bundle"
    csvbundle.write(Selection.everything(), directory)
    rows = read_table(directory, table)
    rows[index][column] = value
    write_table(directory, table, rows)
    wipe()

    outcome = bundle_import.import_bundle(directory)
    assert not outcome.ok and outcome.batch is None
    assert [(p.file, p.line, p.column) for p in outcome.problems] == [
        (f"{table}.csv", line, column)
    ]
    assert str(outcome.problems[0]).startswith(f"{table}.csv, line {line}, column {column}: ")
    assert words in outcome.problems[0].message
    assert set(counts().values()) == {0} and not ImportBatch.objects.exists()


def test_descriptions_in_other_languages_are_added_changed_and_undone(record, tmp_path):
    directory = tmp_path / "bundle"
    csvbundle.write(Selection.everything(), directory)
    vesna = Organization.objects.get(name="Vesna Avionics")
    engines = record["orgs"]["engines"]
    texts = read_table(directory, "organization_texts")
    turkish = next(t for t in texts if t["id"] == f"{vesna.public_id}:tr")
    turkish["description"] = "Uçuş bilgisayarları ve yazılım."
    texts.append(
        {
            "id": f"{engines.public_id}:fr",
            "organization_id": engines.public_id,
            "language": "fr",
            "description": "Des moteurs.",
        }
    )
    write_table(directory, "organization_texts", texts)
    orgs = read_table(directory, "organizations")
    next(o for o in orgs if o["id"] == vesna.public_id)["description_language"] = "it"
    write_table(directory, "organizations", orgs)

    outcome = bundle_import.import_bundle(directory)
    assert outcome.ok, [str(p) for p in outcome.problems]
    counted = outcome.tables["organization_texts"]
    assert (counted.created, counted.updated, counted.unchanged) == (1, 1, 2)
    assert outcome.tables["organizations"].updated == 1
    vesna.refresh_from_db()
    assert vesna.description_language == "it"
    assert vesna.texts.get(language="tr").description == "Uçuş bilgisayarları ve yazılım."
    french = engines.texts.get(language="fr")
    assert french.description == "Des moteurs."
    assert french.history.get().history_change_reason == outcome.batch.reason

    batches.undo(outcome.batch)
    vesna.refresh_from_db()
    assert vesna.description_language == "en"
    assert vesna.texts.get(language="tr").description == "Uçuş bilgisayarları."
    assert not engines.texts.exists()
    assert OrganizationText.history.filter(
        history_type="-", history_change_reason__startswith="Undo of import batch"
    ).exists()


def test_a_bundle_from_before_descriptions_were_translated_still_imports(record, tmp_path):
    """No organization_texts, no description_language: organizations of the record keep
    theirs, new ones are in the site's language."""
    directory = tmp_path / "old"
    csvbundle.write(Selection.everything(), directory)
    (directory / "organization_texts.csv").unlink()
    orgs = read_table(directory, "organizations")
    write_table(
        directory,
        "organizations",
        [{k: v for k, v in row.items() if k != "description_language"} for row in orgs],
    )
    same = bundle_import.import_bundle(directory)
    assert same.ok, [str(p) for p in same.problems]
    assert (same.created, same.updated) == (0, 0)
    assert "organization_texts" not in same.tables
    assert Organization.objects.get(name="=HYPERLINK(1)").description_language == "de"

    wipe()
    outcome = bundle_import.import_bundle(directory)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert set(Organization.objects.values_list("description_language", flat=True)) == {"en"}
    assert not OrganizationText.objects.exists()


def test_the_import_command_takes_a_bundle(record, tmp_path):
    import io

    from django.core.management import call_command

    from unmask.exchange.formats.csvbundle import write as csvbundle
    from unmask.exchange.selection import Selection

    archive = tmp_path / "site.csv.zip"
    with archive.open("wb") as handle:
        csvbundle.write_zip(Selection.everything(), handle)
    out = io.StringIO()
    call_command("import", str(archive), "--dry-run", stdout=out)
    assert "would be created" in out.getvalue() and "0 would be created" in out.getvalue()


def export_ftm(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        ftm.write(Selection.everything(), out)
    return path


def test_ftm_export_import_into_an_empty_record_export_again_gives_the_same_entities(
    record, tmp_path
):
    path = export_ftm(tmp_path / "record.ftm.jsonl")
    first = entities()
    assert {e["schema"] for e in first.values()} >= {
        "Company",
        "Address",
        "Document",
        "Asset",
        "Project",
        "Ownership",
        "Debt",
        "UnknownLink",
    }
    events = {k for k, e in first.items() if e["schema"] == "Event"}
    groups = {k for k in first if k.startswith(ftm.entity_id("group", ""))}
    assert len(events) == 3 and len(groups) == 1
    # into the record it came from: everything is there already, nothing changes; the
    # campaign's entities are left out (the CSV bundle brings them back)
    left_out = {ftm_import.CAMPAIGN_LEFT_OUT: len(events) + len(groups)}
    same = ftm_import.import_ftm(path)
    assert same.ok, [str(p) for p in same.problems]
    changed = [(i.content_type.model, i.before) for i in same.batch.items.all()]
    assert (same.created, same.updated) == (0, 0) and same.left_out == left_out, changed

    wipe()
    outcome = ftm_import.import_ftm(path)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.updated == 0 and outcome.created and outcome.left_out == left_out
    assert outcome.left_unpublished == 0
    assert not Action.objects.exists() and not LocalGroup.objects.exists()
    assert entities() == {k: e for k, e in first.items() if k not in events | groups}

    owns = Link.objects.get(relation="owns")
    assert (owns.start, owns.end, owns.status, owns.share) == ("2019-05", "2021", "ended", 25.5)
    # the links' histories (the links' descriptions) and the published replies (Notes)
    assert [
        (e.old_status, e.new_status, e.effective, e.note) for e in owns.status_events.all()
    ] == [
        ("", "reported", "2019-05", "First recorded"),
        ("reported", "ended", "2021", "Sold"),
    ]
    assert {(r.text, r.link) for r in Response.objects.public()} == {
        ("=We sold in 2021.", owns),
        ("We make flight computers.", None),
    }
    registry = Source.objects.get(title="Registry extract")
    assert (registry.publisher, registry.language, registry.kind) == (
        "Handelsregister",
        "de",
        "registry",
    )
    assert registry.archive_url.startswith("https://web.archive.org/")
    assert Citation.objects.filter(source=registry, organization__name="Vesna Avionics").exists()

    again = ftm_import.import_ftm(path)
    assert again.ok and (again.created, again.updated) == (0, 0)
    assert again.unchanged == outcome.created


def test_a_reviewer_uploads_a_bundle_in_the_admin(record, tmp_path, client, reviewer, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VAR_DIR = tmp_path
    data = export_bundle(tmp_path / "record.csv.zip").read_bytes()
    wipe()
    client.force_login(reviewer)
    upload = SimpleUploadedFile("record.csv.zip", data, content_type="application/zip")
    page = client.post("/admin/exchange/importbatch/import/", {"file": upload}).content.decode()
    assert "Apply this import" in page and "<td>links</td>" in page
    assert not Organization._base_manager.exists()  # a dry run
    digest = re.search(r'name="upload" value="([\w-]{24})"', page).group(1)
    client.post(
        "/admin/exchange/importbatch/import/",
        {"apply": "1", "upload": digest, "name": "record.csv.zip"},
    )
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.file_name, batch.created_by) == ("bundle", "record.csv.zip", reviewer)
    assert Link.objects.public().count() == len(tables(tmp_path / "record.csv.zip")["links"])
