"""The public record as FollowTheMoney entities: every entity valid under the model, ids
stable, links as the right interval schemata pointing at the right ends, nothing private; the
campaign's public actions as Events aimed at the organizations' entities, organized by their
local group's Organization."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from followthemoney import model

from unmask.exchange import publish
from unmask.exchange.formats.ftm import write as ftm
from unmask.exchange.selection import Selection
from unmask.record import services
from unmask.record.models import Identifier


@pytest.fixture
def replies(network):
    """A reply to a profile, one to a link (both published), one still being checked; the
    blade link confirmed, then disputed."""
    orgs, links = network["orgs"], network["links"]
    reply = {"received_on": "2024-04-02", "channel": "email"}
    services.publish_response(
        services.record_response(
            organization=orgs["blades"],
            link=links["blade"],
            text="We stopped these deliveries in 2022.",
            **reply,
        )
    )
    services.publish_response(
        services.record_response(
            organization=orgs["bank"],
            text="We finance civilian projects only.",
            url="https://example.org/ostmark-statement",
            **{**reply, "channel": "statement"},
        )
    )
    services.record_response(organization=orgs["engines"], text="Not yet checked.", **reply)
    services.change_status(links["blade"], "confirmed", note="Customs records", effective="2021")
    services.change_status(links["blade"], "disputed", note="Denied by a spokesperson")
    return network


def exported(selection=None) -> list[dict]:
    out = io.StringIO()
    ftm.write(selection or Selection.everything(), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_every_entity_is_valid_under_the_model(network, campaign, replies):
    rows = exported()
    assert {"Event", "Organization", "Company", "Document", "Note"} <= {r["schema"] for r in rows}
    for row in rows:
        schema = model.get(row["schema"])
        assert schema is not None, row
        assert schema.validate(row) is None, (row, schema.validate(row))
        # (validate checks only the required properties an entity gives, empty)
        assert all(row["properties"].get(p) for p in schema.required), (row, schema.required)
        proxy = model.get_proxy(row, cleaned=False)
        assert proxy.to_dict()["properties"] == row["properties"]  # nothing dropped by cleaning
        # a lazy label given as a value would come out one character a value
        assert all(len(v) > 1 for values in row["properties"].values() for v in values), row


def test_organizations_sites_and_links_map_to_their_schemata(network):
    rows = {row["id"]: row for row in exported()}
    engines = rows[ftm.entity_id("org", network["orgs"]["engines"].public_id)]
    assert engines["schema"] == "Company" and engines["properties"]["name"] == [
        "Korvex Aerodynamics"
    ]
    bank = rows[ftm.entity_id("org", network["orgs"]["bank"].public_id)]
    loan = rows[ftm.entity_id("link", network["links"]["loan"].public_id)]
    assert loan["schema"] == "Debt"
    assert loan["properties"]["creditor"] == [bank["id"]]
    assert loan["properties"]["debtor"] == [
        ftm.entity_id("org", network["orgs"]["integrator"].public_id)
    ]
    blade = rows[ftm.entity_id("link", network["links"]["blade"].public_id)]
    assert blade["schema"] == "UnknownLink" and blade["properties"]["role"] == [
        "supplies components to"
    ]
    assert blade["properties"]["sourceUrl"]  # the evidence travels with the claim
    kassel = rows[ftm.entity_id("site", network["sites"]["engines"].public_id)]
    assert kassel["schema"] == "Address" and kassel["id"] in engines["properties"]["addressEntity"]
    assert "latitude" not in kassel["properties"]  # known to its city only: not a point
    lyon = rows[ftm.entity_id("site", network["sites"]["engines_fr"].public_id)]
    assert lyon["properties"]["latitude"] == ["45.7640"]  # known to the street: 4 decimals


def test_drafts_never_leave(network, make_org):
    draft = make_org("Unpublished Holding", country="DE", publish=False)
    ids = {row["id"] for row in exported()}
    assert ftm.entity_id("org", draft.public_id) not in ids


def test_a_filtered_export_holds_only_its_part(network):
    selection = Selection.from_params({"country": "SE"})
    names = {row["properties"].get("name", [""])[0] for row in exported(selection)}
    assert "Lindqvist Composites" in names and "Korvex Aerodynamics" not in names


def test_public_actions_are_events_aimed_at_the_organizations(network, campaign):
    rows = {row["id"]: row for row in exported()}
    group = rows[ftm.entity_id("group", campaign["group"].public_id)]
    assert group["schema"] == "Organization"
    assert group["properties"]["name"] == ["Kassel gegen Drohnen"]
    assert group["properties"]["sourceUrl"][0].endswith(campaign["group"].get_absolute_url())

    gate = rows[ftm.entity_id("action", campaign["at_gate"].public_id)]
    engines = ftm.entity_id("org", network["orgs"]["engines"].public_id)
    assert gate["schema"] == "Event"
    props = gate["properties"]
    assert props["name"] == ["Vigil at the Korvex gate"]
    assert props["involved"] == [engines]  # aimed at its site: the organization is involved
    assert rows[engines]["schema"] == "Company"
    assert props["organizer"] == [group["id"]]
    assert props["startDate"] == [campaign["at_gate"].starts_at.strftime("%Y-%m-%dT%H:%M:%S")]
    assert props["endDate"] == [campaign["at_gate"].ends_at.strftime("%Y-%m-%dT%H:%M:%S")]
    assert props["location"] == ["Sandershäuser Straße 1, Kassel, Germany"]
    assert props["country"] == ["de"] and props["summary"] == ["Vigil"]
    assert props["sourceUrl"][0].endswith(campaign["at_gate"].get_absolute_url())
    site = ftm.entity_id("site", network["sites"]["engines"].public_id)
    assert any(site in note for note in props["notes"])
    assert any(note.startswith("Answers the call to action") for note in props["notes"])

    cancelled = rows[ftm.entity_id("action", campaign["cancelled"].public_id)]["properties"]
    assert cancelled["summary"][0].startswith("Cancelled")
    assert "The square is closed that week." in cancelled["summary"][0]
    assert "cancelled" in cancelled["keywords"]
    assert cancelled["involved"] == [ftm.entity_id("org", network["orgs"]["integrator"].public_id)]
    assert len(cancelled["date"]) == 3  # a weekly info stand, three times
    assert any("FREQ=WEEKLY;COUNT=3" in note for note in cancelled["notes"])
    program = ftm.entity_id("product", network["chain"][0].public_id)
    assert program not in cancelled["involved"]  # involved takes legal entities only
    assert any(program in note for note in cancelled["notes"])

    online = rows[ftm.entity_id("action", campaign["online"].public_id)]["properties"]
    assert "involved" not in online and "organizer" not in online
    assert online["location"] == ["Online"] and "online" in online["keywords"]


def test_nothing_of_the_campaign_that_is_private_leaves(network, campaign):
    from .conftest import SECRET

    out = io.StringIO()
    ftm.write(Selection.everything(), out)
    text = out.getvalue()
    assert SECRET not in text and "Waiting for a moderator" not in text
    for item in campaign["private"]:
        assert item.public_id not in text
    events = [row for row in exported() if row["schema"] == "Event"]
    assert len(events) == 3
    calls = [row for row in exported() if "-call-" in row["id"]]
    assert not calls  # calls to action have no schema: named in the Events' notes only


def test_a_filtered_export_holds_the_actions_against_its_part(network, campaign):
    events = {
        row["properties"]["name"][0]
        for row in exported(Selection.from_params({"country": "DE"}))
        if row["schema"] == "Event"
    }
    assert events == {"Vigil at the Korvex gate", "Online talk: the KX-40 engine"}
    sweden = exported(Selection.from_params({"country": "SE"}))
    assert not [row for row in sweden if row["schema"] == "Event"]


def test_replies_are_notes_on_who_replied_and_a_link_keeps_its_status_history(replies):
    rows = {row["id"]: row for row in exported()}
    blades = ftm.entity_id("org", replies["orgs"]["blades"].public_id)
    blade = ftm.entity_id("link", replies["links"]["blade"].public_id)
    notes = {r["properties"]["description"][0]: r for r in rows.values() if r["schema"] == "Note"}
    assert set(notes) == {
        "We stopped these deliveries in 2022.",
        "We finance civilian projects only.",
    }  # published ones only
    to_link = notes["We stopped these deliveries in 2022."]["properties"]
    assert to_link["entity"] == [blades] and to_link["createdAt"] == ["2024-04-02"]
    assert to_link["summary"] == [f"Reply of Lindqvist Composites to the link {blade}."]
    assert to_link["keywords"] == [ftm.REPLY_KEYWORD, "E-mail"]
    to_profile = notes["We finance civilian projects only."]["properties"]
    assert to_profile["summary"] == ["Reply of Ostmark Kreditbank to its profile."]
    assert to_profile["sourceUrl"] == ["https://example.org/ostmark-statement"]

    history = [d for d in rows[blade]["properties"]["description"] if d.startswith("Status")]
    events = replies["links"]["blade"].status_events.order_by("created_at", "pk")
    assert [ftm.STATUS_CHANGE.match(d).group(1, 3, 4, 5, 6) for d in sorted(history)] == [
        ("1", None, "Reported", None, events[0].note),
        ("2", "Reported", "Confirmed", "2021", "Customs records"),
        ("3", "Confirmed", "Disputed", None, "Denied by a spokesperson"),
    ]
    assert rows[blade]["properties"]["status"] == ["Disputed"]
    assert "date" not in rows[blade]["properties"]  # FtM tools would take it for the start


def test_documents_name_their_file_and_addresses_name_the_city_once(network, source):
    kassel = network["sites"]["engines"]
    services.update_record(kassel, reason="Street", address="Sandershäuser Straße 1, 34123 Kassel")
    web_page = services.create_source(
        title="Korvex opens a plant", kind="news", url="https://example.org/news/korvex/"
    )
    services.add_citation(network["orgs"]["engines"], web_page, locator="para. 2")
    rows = {row["id"]: row for row in exported()}
    full = rows[ftm.entity_id("site", kassel.public_id)]["properties"]["full"]
    assert full == ["Sandershäuser Straße 1, 34123 Kassel, Germany"]
    assert rows[ftm.entity_id("site", network["sites"]["bank"].public_id)]["properties"][
        "full"
    ] == ["Frankfurt, Germany"]
    named = {
        row["properties"]["title"][0]: row["properties"]["fileName"]
        for row in rows.values()
        if row["schema"] == "Document"
    }
    assert named == {
        source.title: ["korvex-2023.pdf"],  # the file the address ends in
        "Korvex opens a plant": ["Korvex opens a plant"],  # a page: its title
    }


def test_a_stored_lei_ftm_refuses_is_counted_and_said_not_dropped_silently(
    network, tmp_path, settings
):
    """Stored before identifiers were checked on input (Identifier.clean): the CSV bundle
    keeps it as recorded, the FtM export cannot, and says so."""
    engines = network["orgs"]["engines"]
    Identifier.objects.create(organization=engines, scheme="lei", value="984500UNMASKTEST0061")
    Identifier.objects.create(organization=engines, scheme="lei", value="9845 00UN MASK TEST 0060")
    out = io.StringIO()
    written = ftm.write(Selection.everything(), out)
    what = ftm.INVALID_IDENTIFIER.format(scheme="lei")
    assert written.left_out == {what: 1}
    rows = {json.loads(line)["id"]: json.loads(line) for line in out.getvalue().splitlines()}
    leis = rows[ftm.entity_id("org", engines.public_id)]["properties"]["leiCode"]
    assert leis == ["984500UNMASKTEST0060"]  # the valid one, compacted as FtM writes LEIs

    err = io.StringIO()
    path = tmp_path / "part.ftm.jsonl.gz"
    call_command("export", "--format", "ftm", "--output", str(path), stderr=err)
    assert f"left out 1 {what}" in err.getvalue()
    settings.EXPORT_DIR = tmp_path / "exports"
    manifest = publish.export_all(log=lambda entry: None)
    entry = next(f for f in manifest["files"] if f["format"] == "ftm")
    assert entry["left_out"] == {what: 1}
    assert "left_out" not in next(f for f in manifest["files"] if f["format"] == "csv")
