"""The map of upcoming actions in a real browser: a published action is drawn as the actions
layer's diamond, its popup gives the title, the time at the place and the link to its page, and a
cancelled one says so; nothing is loaded from another site. Then the location picker of the
action form: a click on its map fills in the latitude and longitude, typing moves its marker.
Names and places are invented."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.template import Context, Template
from playwright.sync_api import expect

from unmask.campaign import services
from unmask.campaign.services import When

from ..campaign.dates import SOON, days
from .mapjs import CLUSTERS_DRAWN as DRAWN
from .mapjs import POINTS, SETTLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def publish(moderator, day, **fields):
    values = {"kind": "vigil", "city": "Kassel", "country": "DE"}
    values.update(fields)
    action, token = services.submit_action(
        When(day, time(18), day, time(19, 30), "Europe/Berlin"), **values
    )
    services.publish_action(action, actor=moderator)
    return action, token


def test_a_published_action_opens_its_popup(page, moderator, assert_same_origin, artifacts):
    vigil, _ = publish(
        moderator, SOON, title="Vigil at the Korvex gate", latitude=51.3127, longitude=9.4797
    )
    stand, token = publish(
        moderator,
        days(3),
        title="Info stand in Lyon",
        kind="info_stand",
        city="Lyon",
        country="FR",
        latitude=45.764,
        longitude=4.8357,
    )
    services.cancel_action(stand, token=token, reason="The permit was refused")

    page.goto("/actions/map/")
    page.wait_for_function(DRAWN, timeout=20_000)
    page.locator("section[data-map]").scroll_into_view_if_needed()
    expect(page.locator("[data-map-count]")).to_have_text("2 actions in view")
    items = page.locator("[data-map-list] li")
    expect(items).to_have_count(2)
    expect(items.first.get_by_role("link")).to_have_text("Vigil at the Korvex gate")
    expect(items.nth(1)).to_contain_text("Cancelled")
    page.evaluate(SETTLED)
    points = page.evaluate(POINTS, "action-points")
    assert {p["title"] for p in points} == {"Vigil at the Korvex gate", "Info stand in Lyon"}
    page.screenshot(path=artifacts / "actions-map.png", full_page=True)

    point = next(p for p in points if p["id"] == vigil.public_id)
    page.locator(".map-canvas canvas").click(position={"x": point["x"], "y": point["y"]})
    popup = page.locator(".maplibregl-popup")
    heading = popup.get_by_role("heading", name="Vigil at the Korvex gate")
    expect(heading).to_be_visible()
    link = popup.get_by_role("link", name="Vigil at the Korvex gate")
    expect(link).to_have_attribute("href", f"/actions/{vigil.public_id}/")
    # The time is the place's: 18:00 in Berlin, whatever the reader's zone (UTC here).
    expect(popup.locator("time")).to_contain_text(re.compile(r"18:00|0?6:00\sPM"))
    expect(popup.locator("time")).to_contain_text(re.compile(r"CES?T|GMT\+[12]"))
    expect(popup).to_contain_text("Vigil · Kassel")
    expect(popup).not_to_contain_text("Cancelled")
    page.screenshot(path=artifacts / "actions-map-popup.png")

    # The cancelled one says so.
    page.keyboard.press("Escape")
    point = next(p for p in points if p["id"] == stand.public_id)
    page.locator(".map-canvas canvas").click(position={"x": point["x"], "y": point["y"]})
    expect(popup.get_by_role("heading", name="Info stand in Lyon")).to_be_visible()
    expect(popup).to_contain_text("Cancelled")

    # A filter applies at once and shows in the address.
    page.get_by_label("Country").select_option("FR")
    expect(page).to_have_url(re.compile(r"/actions/map/\?country=FR(#[\d./-]+)?$"))
    expect(page.locator("[data-map-count]")).to_have_text("1 action in view")
    assert_same_origin()


FORM = """<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">
<title>Picker</title></head><body><form>
<label for="id_latitude">Latitude</label><input id="id_latitude" name="latitude">
<label for="id_longitude">Longitude</label><input id="id_longitude" name="longitude">
{picker}</form></body></html>"""


def test_the_location_picker_fills_in_the_fields(page, live_server, assert_same_origin, artifacts):
    picker = Template(
        '{% include "campaign/includes/location_picker.html" with lat_id="id_latitude" '
        'lon_id="id_longitude" %}'
    ).render(Context({}))
    html = FORM.format(picker=picker)
    page.route(
        f"{live_server.url}/picker-test/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )
    page.goto("/picker-test/")
    picker_box = page.locator("[data-location-picker]")
    expect(picker_box).to_be_visible()
    page.wait_for_function("() => window.unmaskPickers && window.unmaskPickers[0].loaded()")
    canvas = page.locator("[data-location-picker] canvas")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    lat = page.locator("#id_latitude")
    expect(lat).not_to_have_value("")
    value = lat.input_value()
    assert re.fullmatch(r"-?\d{1,2}(\.\d{1,5})?", value), value
    assert re.fullmatch(r"-?\d{1,3}(\.\d{1,5})?", page.locator("#id_longitude").input_value())
    expect(page.locator(".picker-marker")).to_have_count(1)

    # Typing moves the marker and the map to the place.
    lat.fill("51.31271")
    page.locator("#id_longitude").fill("9.47975")
    page.wait_for_function(
        """() => {
          const c = window.unmaskPickers[0].getCenter();
          return Math.abs(c.lat - 51.31271) < 0.01 && Math.abs(c.lng - 9.47975) < 0.01;
        }"""
    )
    # With the map focused, Enter chooses its centre.
    canvas.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.unmaskPickers[0].getCenter().lng > 9.48")
    page.keyboard.press("Enter")
    expect(page.locator("#id_longitude")).not_to_have_value("9.47975")
    page.screenshot(path=artifacts / "location-picker.png")
    assert_same_origin()
