"""The campaign on the record's map, through the map's signals (maps/signals.py, answered by
campaign/map_popup.py): a site's popup lists the upcoming actions aimed at the site or its
organization, at the place's time, with a link to announce one there; the map page offers the
actions layer (?actions=1), which without JavaScript says it needs it. Names are invented."""

from __future__ import annotations

import json
import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from unmask.campaign import services as campaign
from unmask.campaign.services import When
from unmask.maps import signals

from ..campaign.dates import SOON, SUMMER_TIME_ENDS, days

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def at_six_pm(day) -> str:
    """18:00 in Berlin on `day`, as the popup gives it (with that day's offset)."""
    return datetime.combine(day, time(18), BERLIN).isoformat(timespec="minutes")


def action(moderator, day, title, targets, *, publish=True, clock=time(18), **fields):
    values = {"kind": "vigil", "city": "Kassel", "country": "DE", "latitude": 51.31}
    values.update({"longitude": 9.48, **fields})
    item, token = campaign.submit_action(
        When(day, clock, day, time(clock.hour + 1, 30), "Europe/Berlin"),
        title=title,
        targets=targets,
        **values,
    )
    if publish:
        campaign.publish_action(item, actor=moderator)
    return item, token


def popup(client, site, prefix="") -> dict:
    response = client.get(f"{prefix}/map/sites/{site.public_id}.json")
    assert response.status_code == 200
    return response.json()


def test_the_popup_lists_the_actions_aimed_at_the_site_or_its_organization(
    client, network, moderator
):
    site = network["sites"]["engines"]  # Korvex Aerodynamics in Kassel
    korvex = network["orgs"]["engines"]
    vigil, _ = action(moderator, SOON, "Vigil at the Korvex gate", [site])
    # After summer time ends: the same clock time is another offset from UTC.
    rally, _ = action(moderator, SUMMER_TIME_ENDS, "Rally against Korvex", [korvex], kind="rally")
    # Aimed at another organization, or at another site of Korvex (Lyon): not here.
    action(moderator, days(1), "Vigil at the Ostmark bank", [network["orgs"]["bank"]])
    action(moderator, days(2), "Stand at the Lyon works", [network["sites"]["engines_fr"]])
    # Submitted, not published: nobody sees it yet.
    action(moderator, days(3), "Waiting for a moderator", [site], publish=False)
    body = popup(client, site)

    assert [a["title"] for a in body["actions"]] == [
        "Vigil at the Korvex gate",
        "Rally against Korvex",
    ]
    first = body["actions"][0]
    assert first["url"] == vigil.get_absolute_url()
    assert first["id"] == vigil.public_id
    # Its time is the place's: 18:00 in Berlin, with Berlin's offset on that day.
    assert first["start"] == at_six_pm(SOON)
    assert first["start"].startswith(f"{SOON.isoformat()}T18:00+0")
    assert first["zone"] == "Europe/Berlin"
    assert first["kind"] == "Vigil" and first["city"] == "Kassel"
    assert first["cancelled"] is False
    assert body["actions"][1]["start"] == f"{SUMMER_TIME_ENDS.isoformat()}T18:00+01:00"
    assert at_six_pm(SUMMER_TIME_ENDS) == body["actions"][1]["start"]
    assert body["actions"][1]["url"] == rally.get_absolute_url()
    assert body["more_actions"] == 0
    assert body["announce_url"] == f"/submit/?target=site:{site.public_id}"
    assert body["actions_url"] == f"/actions/?org={korvex.public_id}"
    # What the record gives is still there.
    assert body["organization"]["name"] == "Korvex Aerodynamics"

    # The other site of Korvex has the organization's action, not the Kassel site's.
    lyon = popup(client, network["sites"]["engines_fr"])
    assert [a["title"] for a in lyon["actions"]] == [
        "Stand at the Lyon works",
        "Rally against Korvex",
    ]
    # In another language, the links are in that language.
    arabic = popup(client, site, "/ar")
    assert arabic["announce_url"] == f"/ar/submit/?target=site:{site.public_id}"
    assert arabic["actions"][0]["url"].startswith(f"/ar/actions/{vigil.public_id}/")


def test_a_cancelled_action_stays_marked_and_the_rest_are_counted(client, network, moderator):
    site = network["sites"]["bank"]
    first, token = action(moderator, SOON, "Vigil at the Ostmark bank", [site])
    campaign.cancel_action(first, token=token, reason="The permit was refused")
    for n in range(1, 5):
        action(moderator, days(n), f"Picket {n}", [network["orgs"]["bank"]])
    body = popup(client, site)
    assert [a["title"] for a in body["actions"]] == [
        "Vigil at the Ostmark bank",
        "Picket 1",
        "Picket 2",
    ]
    assert body["actions"][0]["cancelled"] is True
    assert body["more_actions"] == 2


def test_the_popup_reads_a_fixed_number_of_queries(
    client, network, moderator, django_assert_max_num_queries
):
    site = network["sites"]["engines"]
    for n in range(6):
        action(moderator, days(n), f"Vigil {n}", [site, network["orgs"]["engines"]])
    with django_assert_max_num_queries(12) as few:
        popup(client, site)
    for n in range(6, 20):
        action(moderator, days(n), f"Vigil {n}", [site])
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = popup(client, site)
    assert len(body["actions"]) == 3 and body["more_actions"] == 17


def test_a_site_without_actions_still_offers_to_announce_one(client, network):
    body = popup(client, network["sites"]["blades"])
    assert body["actions"] == [] and body["more_actions"] == 0
    assert body["announce_url"].endswith(f"?target=site:{network['sites']['blades'].public_id}")


def test_the_map_never_imports_the_campaign():
    """The map asks through its signals; the campaign answers (apps.py connects it)."""
    from pathlib import Path

    import unmask.maps

    for path in Path(unmask.maps.__file__).parent.rglob("*.py"):
        assert "unmask.campaign" not in path.read_text(), path
    assert signals.site_popup.has_listeners()
    assert signals.map_layers.has_listeners()


# --- the map page ---------------------------------------------------------------------------------


def config(page: str) -> dict:
    found = re.search(r'<script id="map-config-main" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


def test_the_map_page_offers_the_actions_layer(client, network):
    page = client.get("/map/").content.decode()
    assert 'name="actions"' in page and "Show upcoming actions" in page
    assert "checked" not in page.split('name="actions"')[1].split(">")[0]
    layers = config(page)["layers"]
    assert layers["actions"] == {
        "url": "/actions/map/actions.geojson",
        "actionUrl": "/actions/__ID__/",
        "filtered": False,
        "toggle": "actions",
        "shown": False,
    }
    assert "actions" not in config(page)["params"]
    # The legend's entries wait for the layer.
    assert page.count('data-map-legend="actions" hidden') == 3
    assert "only with JavaScript" not in page


def test_with_actions_1_the_layer_is_shown_and_needs_javascript(client, network):
    page = client.get("/map/", {"actions": "1", "kind": "financial"}).content.decode()
    assert re.search(r'name="actions" value="1" checked', page)
    assert config(page)["layers"]["actions"]["shown"] is True
    # The layer is no filter of the sites: not in their requests, the list is the same.
    assert config(page)["params"] == {"kind": "financial"}
    assert (
        "Ostmark Kreditbank" in page and "Talvik Aerosystems" not in page.split("data-map-list")[1]
    )
    assert 'data-map-legend="actions" hidden' not in page
    assert "The upcoming actions are drawn on the map only with JavaScript" in page
    assert 'href="/actions/map/"' in page
    # The address keeps it, and clearing the filters keeps it too.
    assert (
        '<link rel="canonical" href="http://testserver/map/?actions=1&amp;kind=financial">' in page
    )
    assert 'href="/map/?actions=1" data-map-clear' in page
    # The graph shares the form, not the layer.
    assert 'name="actions"' not in client.get("/graph/").content.decode()


def test_the_embed_accepts_the_same_parameter(client, network):
    page = client.get("/embed/map/", {"actions": "1"}).content.decode()
    found = re.search(r'<script id="map-config-embed" type="application/json">(.*?)</script>', page)
    assert json.loads(found.group(1))["layers"]["actions"]["shown"] is True
    assert 'href="/map/?actions=1"' in page  # "Open this map on ..."
