"""Following the site: the "Follow" panel on an organization's page gives its feed and a
calendar subscription with only the actions aimed at it; the OPML list of feeds parses and each
feed in it answers; one action's "Add to my calendar" is a file with that one event."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import time
from html import unescape

import icalendar
import pytest

from unmask.campaign import services
from unmask.campaign.models import Call, LocalGroup
from unmask.campaign.services import When

from .dates import SOON


def announce(moderator, *, things=(), title="Vigil at the gate", **fields):
    recurrence = fields.pop("recurrence", "")
    when = When(SOON, time(18), SOON, time(19, 30), "Europe/Berlin", recurrence)
    action, _token = services.submit_action(
        when, title=title, kind="vigil", city="Kassel", country="DE", targets=list(things), **fields
    )
    services.publish_action(action, actor=moderator)
    return action


def follow_links(html: str) -> dict[str, list[str]]:
    """The panel's links by kind (data-follow="atom" / "webcal" / "ics" / "opml")."""
    panel = re.search(r'<section class="follow".*?</section>', html, re.S)
    assert panel, "no Follow panel"
    found: dict[str, list[str]] = {}
    for href, kind in re.findall(r'href="([^"]+)"[^>]*data-follow="(\w+)"', panel.group(0)):
        found.setdefault(kind, []).append(unescape(href))
    return found


def test_an_organizations_panel_subscribes_to_its_feed_and_to_the_actions_against_it(
    client, network, moderator
):
    engines, bank = network["orgs"]["engines"], network["orgs"]["bank"]
    announce(moderator, things=[engines], title="Vigil at the Korvex gate")
    announce(moderator, things=[bank], title="Picket at the bank")
    announce(moderator, title="Info stand aimed at nobody")

    page = client.get(engines.get_absolute_url())
    assert not page.cookies
    links = follow_links(page.content.decode())
    feed_path = f"/org/{engines.public_id}/{engines.slug}/feed/"
    assert f"http://testserver{feed_path}" in links["atom"]
    (webcal,) = links["webcal"]
    assert webcal == f"webcal://testserver/calendar/actions.ics?org={engines.public_id}"
    assert links["ics"] == ["http" + webcal.removeprefix("webcal")]

    calendar = client.get("https" + webcal.removeprefix("webcal"))
    assert calendar.status_code == 200
    assert calendar["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(calendar.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Vigil at the Korvex gate"]
    assert client.get(feed_path)["Content-Type"].startswith("application/atom+xml")


def test_the_opml_lists_every_feed_each_answering_atom(client, network, moderator):
    call = Call.objects.create(title="Stop the Talvik-9", body="They build it.", language="en")
    services.write_targets(call, [network["orgs"]["engines"]])
    services.publish_call(call, actor=moderator)
    group = LocalGroup.objects.create(
        name="Kassel <b>Peace</b> Circle", city="Kassel", country="DE"
    )
    announce(moderator, things=[network["orgs"]["engines"]], call=call, group=group)
    unpublished = Call.objects.create(title="Draft call", body="Not yet.", language="en")

    home = follow_links(client.get("/").content.decode())
    assert home["opml"] == ["http://testserver/feeds.opml"]
    assert "http://testserver/feeds/changes/" in home["atom"]
    assert "webcal://testserver/calendar/actions.ics" in home["webcal"]

    response = client.get("/feeds.opml")
    assert response.status_code == 200 and not response.cookies
    root = ET.fromstring(response.content)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title")
    feeds = root.findall("body//outline[@xmlUrl]")
    assert all(o.get("text") for o in root.iter("outline"))  # OPML 2.0: every outline
    assert feeds and all(o.get("type") == "rss" for o in feeds)
    urls = [o.get("xmlUrl") for o in feeds]
    assert len(urls) == len(set(urls))
    assert f"http://testserver/feeds/actions.atom?call={call.public_id}" in urls
    assert f"http://testserver/feeds/actions.atom?group={group.public_id}" in urls
    assert not any(unpublished.public_id in url for url in urls)
    assert "Kassel <b>Peace</b> Circle" in " ".join(o.get("text") for o in feeds)  # text, once
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Content-Type"].startswith("application/atom+xml"), url

    # In another language: its titles and the addresses of its feeds in that language.
    german = ET.fromstring(client.get("/de/feeds.opml").content)
    assert all(
        o.get("xmlUrl").startswith("http://testserver/de/")
        for o in german.iter("outline")
        if o.get("xmlUrl")
    )


@pytest.mark.parametrize("recurrence", ["", "FREQ=WEEKLY;COUNT=3"])
def test_add_to_my_calendar_gives_a_file_with_that_one_event(
    client, network, moderator, recurrence
):
    action = announce(moderator, title="Vigil, with; commas", recurrence=recurrence)
    announce(moderator, title="Another vigil")
    html = client.get(action.get_absolute_url()).content.decode()
    href = re.search(
        r'<a class="button" href="([^"]+)" type="text/calendar"[^>]*>Add to my calendar<', html
    )
    assert href, "no Add to my calendar link"
    response = client.get(unescape(href.group(1)))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="{action.slug}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Vigil, with; commas"
    assert str(event["UID"]).startswith(f"{action.public_id}@")
    assert ("RRULE" in event) == bool(recurrence)
    assert "X-WR-CALNAME" not in calendar  # one event to add, not a calendar to keep


def test_product_country_call_and_group_pages_follow_their_own_actions(client, network, moderator):
    program = network["chain"][0]
    call = Call.objects.create(title="Stop the Talvik-9", body="They build it.", language="en")
    services.write_targets(call, [program])
    services.publish_call(call, actor=moderator)
    group = LocalGroup.objects.create(name="Kassel Peace Circle", city="Kassel", country="DE")
    announce(moderator, things=[program], call=call, group=group)
    expected = {
        program.get_absolute_url(): f"product={program.public_id}",
        "/country/DE/": "country=DE",
        call.get_absolute_url(): f"call={call.public_id}",
        group.get_absolute_url(): f"group={group.public_id}",
    }
    for path, query in expected.items():
        links = follow_links(client.get(path).content.decode())
        assert links["webcal"] == [f"webcal://testserver/calendar/actions.ics?{query}"], path
        assert links["atom"] == [f"http://testserver/feeds/actions.atom?{query}"], path
    arabic = follow_links(client.get(f"/ar{group.get_absolute_url()}").content.decode())
    assert arabic["atom"] == [f"http://testserver/ar/feeds/actions.atom?group={group.public_id}"]
