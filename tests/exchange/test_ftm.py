"""The public record as FollowTheMoney entities: every entity valid under the model, ids
stable, links as the right interval schemata pointing at the right ends, nothing private."""

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


def test_every_entity_is_valid_under_the_model(network):
    rows = exported()
    assert rows
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
