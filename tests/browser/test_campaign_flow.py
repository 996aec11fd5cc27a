"""An action from the form to the public pages, in a real browser, as new people meet it: a
reader gets no cookie; a submitter without an account fills in the form, the real proof of work
solves in the browser, and the secret link says the action waits; a moderator publishes it on
/moderate/; the reader then finds it in the list, in the month calendar and on the map. Nothing
is loaded from another site during the whole flow. Names and places are invented."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from unmask.campaign.models import Action, ActionStatus

from ..campaign.dates import days
from .mapjs import CLUSTERS_DRAWN as DRAWN
from .mapjs import POINTS, SETTLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Vigil at the Brenmark Avionics gate"
DAY = days(3)


def test_an_action_from_the_form_to_the_map(
    page, context, make_context, moderator, assert_same_origin, artifacts
):
    # A reader looks at the actions: no cookie at all.
    page.goto("/actions/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert context.cookies() == []

    # A new submitter, no account: the form, with the real proof of work.
    submitter = make_context().new_page()
    submitter.goto("/submit/")
    submitter.fill("#id_title", TITLE)  # focusing the form starts the proof of work
    submitter.select_option("#id_kind", "vigil")
    submitter.locator("[data-part=about] > summary").click()  # the optional parts are folded
    submitter.fill("#id_description", "Candles at the main gate. Step-free from the tram stop.")
    submitter.fill("#id_start_day", DAY.isoformat())
    submitter.fill("#id_start_time", "18:00")
    submitter.fill("#id_end_time", "19:30")
    submitter.fill("#id_address", "Gate 2, Industriepark Waldau")
    submitter.fill("#id_city", "Kassel")
    submitter.select_option("#id_country", "DE")
    submitter.locator("[data-part=point] > summary").click()
    submitter.fill("#id_latitude", "51.2871")
    submitter.fill("#id_longitude", "9.4846")
    # The time zone is the place's, found as it is given; the field itself stays empty.
    expect(submitter.locator("[data-zone-shown]")).to_have_text(
        "Time zone: Europe/Berlin, from the place"
    )
    expect(submitter.locator("#id_timezone")).to_have_value("")
    solution = submitter.locator("input[name=altcha]")
    expect(solution).to_have_value(re.compile(r".+"), timeout=30_000)  # solved in the browser
    submitter.screenshot(path=artifacts / "campaign-flow-form.png", full_page=True)
    submitter.get_by_role("button", name="Send the action").click()

    expect(submitter.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(submitter.locator(".action-status")).to_contain_text("Submitted")
    expect(submitter.locator(".secret-link")).to_have_value(re.compile(r"/submit/manage/[^/]+/$"))
    expect(submitter.get_by_role("button", name="Copy the link")).to_be_visible()
    submitter.screenshot(path=artifacts / "campaign-flow-submitted.png", full_page=True)
    action = Action.objects.get(title=TITLE)
    assert action.status == ActionStatus.SUBMITTED
    assert (action.city, action.country.code, action.timezone) == ("Kassel", "DE", "Europe/Berlin")
    assert (action.latitude, action.longitude) == (51.2871, 9.4846)

    # A moderator signs in and publishes it on the moderation screen.
    mod = make_context().new_page()
    mod.goto("/admin/login/?next=/moderate/")
    mod.fill("#id_username", "mona")
    mod.fill("#id_password", "pw-mona")
    mod.click("input[type=submit]")
    expect(mod.get_by_role("heading", name="Actions waiting for a moderator")).to_be_visible()
    item = mod.locator(f"#action-{action.pk}")
    expect(item).to_contain_text(TITLE)
    mod.screenshot(path=artifacts / "campaign-flow-moderate.png", full_page=True)
    item.get_by_role("button", name="Publish", exact=True).click()
    expect(mod.locator(".mod-message")).to_contain_text(f"Published: {TITLE}")
    action.refresh_from_db()
    assert action.status == ActionStatus.PUBLISHED
    assert action.history.first().history_user == moderator

    # The reader finds it in the list...
    page.goto("/actions/")
    row = page.locator(".action-row", has=page.get_by_role("link", name=TITLE))
    expect(row).to_be_visible()
    expect(row.locator("time")).to_contain_text(f"{DAY:%-d %b %Y}, 18:00")
    page.screenshot(path=artifacts / "campaign-flow-list.png", full_page=True)
    # ...in the month calendar...
    page.goto(f"/actions/calendar/?month={DAY:%Y-%m}")
    entry = page.get_by_role("link", name=TITLE)
    expect(entry).to_be_visible()
    expect(entry.locator("time")).to_have_text("18:00")  # the time at the place
    page.screenshot(path=artifacts / "campaign-flow-calendar.png", full_page=True)
    # ...and on the map: in the list under it, and as a point whose popup names it.
    page.goto("/actions/map/")
    page.wait_for_function(DRAWN, timeout=20_000)
    listed = page.locator(f"[data-map-list] li[data-action='{action.public_id}']")
    expect(listed.get_by_role("link", name=TITLE)).to_be_visible()
    page.locator("section[data-map]").scroll_into_view_if_needed()
    page.evaluate(SETTLED)
    points = page.evaluate(POINTS, "action-points")
    point = next(p for p in points if p["id"] == action.public_id)
    page.locator(".map-canvas canvas").click(position={"x": point["x"], "y": point["y"]})
    popup = page.locator(".maplibregl-popup")
    expect(popup.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(popup.get_by_role("link", name=TITLE)).to_have_attribute(
        "href", f"/actions/{action.public_id}/"
    )
    page.screenshot(path=artifacts / "campaign-flow-map.png", full_page=True)

    # Reading never set a cookie, and nothing left the site in any of the three browsers.
    assert context.cookies() == []
    assert_same_origin()
