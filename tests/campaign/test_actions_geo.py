"""The map of upcoming actions: its GeoJSON (only public actions with a point that are upcoming or
running; cancelled ones flagged; the filters; ETag, 304 and a new ETag after a write or an hour),
the page that lists the same actions without JavaScript, the sites a call targets, and the
template tags. Dates are always in the future (dates.py); names and places are invented."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from unmask.campaign import geo, services
from unmask.campaign.models import Action, Call, LocalGroup
from unmask.campaign.services import When

from .dates import SOON, SUMMER_TIME_ENDS, days

BERLIN = "Europe/Berlin"
URL = "/actions/map/actions.geojson"


def submit(day=SOON, recurrence="", zone=BERLIN, **fields):
    values = {
        "title": "Vigil at the Korvex gate",
        "kind": "vigil",
        "city": "Kassel",
        "country": "DE",
        "latitude": 51.3127114,
        "longitude": 9.4797461,
    }
    values.update(fields)
    when = When(day, time(18), day, time(19, 30), zone, recurrence)
    action, token = services.submit_action(when, **values)
    return action, token


def published(moderator, day=SOON, **fields):
    action, token = submit(day, **fields)
    services.publish_action(action, actor=moderator)
    return action, token


def geojson(client, **params) -> dict:
    response = client.get(URL, params, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Encoding"] == "gzip"
    return json.loads(gzip.decompress(response.content))


def titles(client, **params) -> set[str]:
    return {f["properties"]["title"] for f in geojson(client, **params)["features"]}


@pytest.fixture
def call(db):
    return Call.objects.create(
        title="Stop the Talvik-9", body="Text", language="en", published_at=timezone.now()
    )


@pytest.fixture
def group(db):
    return LocalGroup.objects.create(name="Kassel Peace Circle", city="Kassel", country="DE")


def test_only_public_upcoming_actions_with_a_point(client, moderator):
    shown, _ = published(moderator)
    services.reject_action(submit(title="Rejected one")[0], actor=moderator, reason="Not an action")
    submit(title="Waiting for a moderator")
    published(moderator, title="No point", latitude=None, longitude=None)
    ended, _ = published(moderator, title="Already over")
    past = timezone.now() - timedelta(days=2)
    Action.objects.filter(pk=ended.pk).update(
        starts_at=past, ends_at=past + timedelta(hours=1), last_ends_at=past + timedelta(hours=1)
    )
    deleted, _ = published(moderator, title="Deleted")
    Action.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())

    payload = geojson(client)
    assert payload["type"] == "FeatureCollection"
    (feature,) = payload["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [9.47975, 51.31271]}
    props = feature["properties"]
    assert props["id"] == shown.public_id
    assert props["title"] == "Vigil at the Korvex gate"
    assert props["kind"] == "Vigil"
    assert props["city"] == "Kassel"
    assert props["zone"] == BERLIN
    assert props["cancelled"] is False
    # The start as the place's clock shows it, with its offset: 18:00 in Berlin.
    start = datetime.fromisoformat(props["start"])
    assert start.strftime("%Y-%m-%d %H:%M") == f"{SOON} 18:00"
    assert start.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert set(props) == {"id", "title", "kind", "start", "zone", "city", "cancelled"}


def test_a_running_repetition_shows_its_next_occurrence(client, moderator):
    first = date.today() - timedelta(days=14)
    published(moderator, day=first, recurrence="FREQ=WEEKLY;COUNT=6", title="Weekly vigil")
    (feature,) = geojson(client)["features"]
    start = datetime.fromisoformat(feature["properties"]["start"])
    assert start.time() == time(18)
    assert date.today() <= start.date() <= date.today() + timedelta(days=7)


def test_a_cancelled_action_stays_flagged_and_the_language_labels_the_kind(client, moderator):
    action, token = published(moderator, kind="info_stand")
    services.cancel_action(action, token=token, reason="The permit was refused")
    (feature,) = geojson(client)["features"]
    assert feature["properties"]["cancelled"] is True
    assert feature["properties"]["kind"] == "Info stand"
    response = client.get(f"/de{URL}", HTTP_ACCEPT_ENCODING="identity")
    if response.status_code == 200:  # when German is one of the site's languages
        (feature,) = json.loads(response.content)["features"]
        assert feature["properties"]["id"] == action.public_id


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"kassel", "lulea", "lyon", "talk"}),
        ({"country": "fr"}, {"lyon"}),
        ({"country": "XX"}, set()),
        ({"country": "not a country"}, {"kassel", "lulea", "lyon", "talk"}),
        ({"city": "kASSEL"}, {"kassel", "talk"}),
        ({"city": "  LULEÅ "}, {"lulea"}),  # any case, beyond ASCII, on SQLite too
        ({"kind": "talk"}, {"talk"}),
        ({"kind": "no-such-kind"}, {"kassel", "lulea", "lyon", "talk"}),
        ({"call": "CALL"}, {"lyon"}),
        ({"group": "GROUP"}, {"kassel", "talk"}),
        ({"group": "GROUP", "kind": "vigil"}, {"kassel"}),
        ({"call": "nosuchid"}, set()),
    ],
)
def test_filters(client, moderator, call, group, params, expected):
    published(moderator, title="kassel", group=group)
    published(moderator, title="talk", kind="talk", group=group)
    published(moderator, title="lulea", city="Luleå", country="SE", latitude=65.58, longitude=22.15)
    published(
        moderator,
        title="lyon",
        city="Lyon",
        country="FR",
        latitude=45.76,
        longitude=4.83,
        call=call,
        zone="Europe/Paris",
    )
    ids = {"CALL": call.public_id, "GROUP": group.public_id}
    params = {key: ids.get(value, value) for key, value in params.items()}
    assert titles(client, **params) == expected


def test_etag_304_and_a_new_etag_after_publishing_another_action(client, moderator):
    published(moderator)
    first = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    etag = first["ETag"]
    assert etag.startswith('W/"actions-')
    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    # Other filters, another answer.
    assert client.get(URL, {"country": "FR"})["ETag"] != etag

    published(moderator, day=days(3), title="Rally in Kassel", kind="rally")
    after = client.get(URL, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_ENCODING="gzip")
    assert after.status_code == 200
    assert after["ETag"] != etag
    payload = json.loads(gzip.decompress(after.content))
    assert len(payload["features"]) == 2


def test_no_cached_answer_outlives_its_hour(client, moderator, monkeypatch):
    published(moderator)
    now = datetime.now(UTC).replace(minute=50)
    monkeypatch.setattr(geo.timezone, "now", lambda: now)
    etag = client.get(URL)["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    monkeypatch.setattr(geo.timezone, "now", lambda: now + timedelta(minutes=20))
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 200
    # The action ends: an hour later it has left the map, though nothing was written.
    later = datetime.combine(SOON, time(23), tzinfo=UTC)
    monkeypatch.setattr(geo.timezone, "now", lambda: later)
    assert titles(client) == set()


def test_markup_in_titles_stays_inert_text(client, moderator):
    title = '<img src=x onerror="alert(1)"> & <b>Vigil</b>'
    published(moderator, title=title, city="<i>Kassel</i>")
    (feature,) = geojson(client)["features"]
    assert feature["properties"]["title"] == title
    assert feature["properties"]["city"] == "<i>Kassel</i>"
    page = client.get("/actions/map/").content.decode()
    assert "<img src=x" not in page and "<b>Vigil</b>" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;Vigil&lt;/b&gt;" in page


def test_the_page_lists_the_same_actions_without_javascript(client, moderator, call, group):
    shown, _token = published(moderator, group=group, call=call)
    other, _ = published(
        moderator,
        day=days(2),
        title="Rally in Lyon",
        city="Lyon",
        country="FR",
        latitude=45.76,
        longitude=4.83,
        zone="Europe/Paris",
    )
    services.cancel_action(other, actor=moderator, reason="Storm warning")
    submit(title="Waiting for a moderator")
    response = client.get("/actions/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Map of upcoming actions" in html
    assert 'data-map="actions"' in html and 'id="map-config-actions"' in html
    assert f'href="/actions/{shown.public_id}/"' in html
    assert f'href="/actions/{other.public_id}/"' in html
    assert "Waiting for a moderator" not in html
    assert "2 upcoming actions" in html
    assert 'class="cancelled"' in html  # struck in the list
    assert "18:00" in html and ("CET" in html or "CEST" in html)
    # The form offers the call, the group, the countries of upcoming actions and the kinds.
    assert f'<option value="{call.public_id}">Stop the Talvik-9</option>' in html
    assert f'<option value="{group.public_id}">Kassel Peace Circle</option>' in html
    assert '<option value="FR">France</option>' in html
    assert '<option value="demonstration">Demonstration</option>' in html

    filtered = client.get("/actions/map/", {"country": "FR"}).content.decode()
    assert "Rally in Lyon" in filtered and "Vigil at the Korvex gate" not in filtered
    assert '<option value="FR" selected>France</option>' in filtered
    assert 'rel="canonical" href="http://testserver/actions/map/?country=FR"' in filtered
    config = response.context["map_config"]
    assert config["layers"]["actions"]["url"] == URL
    assert config["layers"]["actions"]["actionUrl"] == "/actions/__ID__/"
    assert "sites" not in config["layers"]
    assert config["filterKeys"] == ["call", "group", "country", "city", "kind"]


# --- what a call targets -----------------------------------------------------------------------


def test_a_calls_sites_are_those_of_its_targets(client, network, call):
    orgs, chain, sites = network["orgs"], network["chain"], network["sites"]
    # the engine: its maker's links and its blade's
    services.write_targets(call, [orgs["bank"], chain[1]])
    response = client.get(f"/calls/{call.public_id}/sites.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    payload = json.loads(gzip.decompress(response.content))
    shown = {f["properties"]["s"] for f in payload["features"]}
    expected = {"bank", "engines", "engines_fr", "integrator", "blades"}
    assert shown == {sites[name].public_id for name in expected}
    names = {org[1] for org in payload["organizations"]}
    assert "Ostmark Kreditbank" in names

    etag = response["ETag"]
    assert (
        client.get(f"/calls/{call.public_id}/sites.geojson", HTTP_IF_NONE_MATCH=etag).status_code
        == 304
    )
    services.write_targets(call, [orgs["bank"]])
    after = client.get(f"/calls/{call.public_id}/sites.geojson", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    only_bank = json.loads(after.content)
    assert {f["properties"]["s"] for f in only_bank["features"]} == {sites["bank"].public_id}


def test_an_unpublished_calls_sites_are_not_served(client, db):
    draft = Call.objects.create(title="Draft", body="Text", language="en")
    assert client.get(f"/calls/{draft.public_id}/sites.geojson").status_code == 404
    assert client.get("/calls/nosuchid/sites.geojson").status_code == 404


# --- the template tags -------------------------------------------------------------------------


def render(source: str, **context) -> str:
    return Template("{% load campaign_maps %}" + source).render(Context(context))


def config_of(html: str, map_id: str) -> dict:
    start = html.index(f'id="map-config-{map_id}" type="application/json">') + len(
        f'id="map-config-{map_id}" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_action_map_for_a_call_with_its_targets(call, group):
    html = render('{% action_map call=call with_targets=True map_id="call" %}', call=call)
    config = config_of(html, "call")
    assert config["fixed"] == {"call": call.public_id}
    assert config["params"] == {}
    assert config["layers"]["sites"]["url"] == f"/calls/{call.public_id}/sites.geojson"
    assert config["layers"]["sites"]["filtered"] is False
    assert config["layers"]["actions"]["filtered"] is True
    assert 'class="map-block map-actions map-compact"' in html
    assert "A site of an organization the call targets" in html

    html = render('{% action_map group=group country="de" map_id="group" %}', group=group)
    config = config_of(html, "group")
    assert config["fixed"] == {"country": "DE", "group": group.public_id}
    assert "sites" not in config["layers"]
    assert "A site of an organization" not in html


def test_action_map_draws_no_targets_for_an_unpublished_call(db):
    draft = Call.objects.create(title="Draft", body="Text", language="en")
    html = render("{% action_map call=call with_targets=True %}", call=draft)
    assert "sites" not in config_of(html, "actions")["layers"]


def test_action_map_can_list_the_actions(moderator):
    published(moderator, day=SUMMER_TIME_ENDS, title="Vigil on the day the clocks go back")
    html = render('{% action_map country="DE" compact=False map_id="calendar" %}')
    assert "Vigil on the day the clocks go back" in html
    assert "1 upcoming action" in html


def test_the_location_picker_include():
    html = Template(
        '{% include "campaign/includes/location_picker.html" with lat_id="id_latitude" '
        'lon_id="id_longitude" %}'
    ).render(Context({}))
    assert 'data-location-picker data-lat="id_latitude" data-lon="id_longitude"' in html
    assert 'data-config="picker-config-id_latitude"' in html
    assert 'id="picker-config-id_latitude" type="application/json"' in html
    assert "/dist/picker.js" in html and "/dist/map-worker.js" in html
    assert 'data-script="/static/unmask/dist/picker-map.js"' in html  # loaded once shown
    assert "/dist/map.js" not in html  # not the site map's code
    assert " hidden>" in html  # shown by picker-map.js only
