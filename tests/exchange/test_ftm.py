"""The public record as FollowTheMoney entities: every entity valid under the model, ids
stable, links as the right interval schemata pointing at the right ends, nothing private; the
campaign's public actions as Events aimed at the organizations' entities, organized by their
local group's Organization."""

from __future__ import annotations

import io
import json

from followthemoney import model

from unmask.exchange import ftm
from unmask.exchange.selection import Selection


def exported(selection=None) -> list[dict]:
    out = io.StringIO()
    ftm.write(selection or Selection.everything(), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_every_entity_is_valid_under_the_model(network, campaign):
    rows = exported()
    assert {"Event", "Organization", "Company"} <= {row["schema"] for row in rows}
    for row in rows:
        schema = model.get(row["schema"])
        assert schema is not None, row
        assert schema.validate(row) is None, (row, schema.validate(row))
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
