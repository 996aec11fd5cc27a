"""The campaign meets the record, in a real browser: from an organization's page a reader
announces an action aimed at it ("Announce an action here" fills the target in; the picker adds
one of its sites by typing part of a name), solves the real proof of work and sends it; a
moderator publishes it on /moderate/; the action then shows on the organization's page, on the
call page's map, on the home page, in the organization's feed, in the ICS and in the API.
Then the pages where action and record meet, drawn at phone and desktop sizes, left to right and
right to left. Names and places are invented."""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from unmask.campaign import services
from unmask.campaign.models import Action, ActionStatus, Call, LocalGroup

from ..campaign.dates import days
from .mapjs import CLUSTERS_DRAWN as DRAWN
from .mapjs import POINTS, SETTLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Picket at the Korvex engine plant"
DAY = days(4)


@pytest.fixture
def call(network, moderator):
    item = Call.objects.create(
        title="No engines for the Talvik-9",
        body="Fictional call: hold a **public, peaceful** action at a supplier's site.",
        language="en",
        starts_on=days(-1),
        ends_on=days(40),
    )
    services.write_targets(item, [network["chain"][0], network["orgs"]["engines"]])
    services.publish_call(item, actor=moderator)
    return item


def test_an_action_announced_from_an_organizations_page_reaches_every_view(
    page, make_context, network, call, moderator, assert_same_origin, artifacts
):
    engines, kassel = network["orgs"]["engines"], network["sites"]["engines"]

    # A reader on the organization's page follows "Announce an action here".
    submitter = make_context().new_page()
    submitter.goto(engines.get_absolute_url())
    against = submitter.locator(".campaign-against")
    expect(against).to_contain_text("No upcoming action is announced.")
    expect(against).to_contain_text(call.title)  # the open call aimed at it
    against.get_by_role("link", name="Announce an action here").click()
    expect(submitter).to_have_url(re.compile(r"/submit/\?target=org%3A"))
    expect(submitter.locator("[data-part=targets]")).to_have_attribute("open", "")  # unfolded
    chosen = submitter.locator("[data-target-choices] input:checked")
    expect(chosen).to_have_count(1)
    expect(chosen).to_have_value(f"org:{engines.public_id}")

    # The picker: typing part of the name (no accents needed) offers its sites; one is added.
    submitter.get_by_label("Find a company, a site or a program").fill("korvex kassel")
    submitter.get_by_label("Find a company, a site or a program").fill("korvex")
    option = submitter.locator(f".target-option[data-ref='site:{kassel.public_id}']")
    expect(option).to_be_visible()
    expect(submitter.locator("[data-target-find]")).to_be_hidden()  # JavaScript does the search
    option.click()
    expect(submitter.locator("[data-target-choices] input:checked")).to_have_count(2)

    submitter.fill("#id_title", TITLE)
    submitter.select_option("#id_kind", "demonstration")
    submitter.locator("[data-part=about] > summary").click()  # the optional parts are folded
    submitter.select_option("#id_call", call.public_id)
    submitter.fill("#id_start_day", DAY.isoformat())
    submitter.fill("#id_start_time", "17:00")
    submitter.fill("#id_end_time", "19:00")
    submitter.fill("#id_address", "Gate 1, Sandershäuser Straße")
    submitter.fill("#id_city", "Kassel")
    submitter.select_option("#id_country", "DE")
    submitter.locator("[data-part=point] > summary").click()
    submitter.fill("#id_latitude", "51.3127")
    submitter.fill("#id_longitude", "9.4797")
    expect(submitter.locator("[data-zone-shown]")).to_have_text(
        "Time zone: Europe/Berlin, from the place"
    )
    submitter.locator("[data-part=who] > summary").click()
    submitter.fill("#id_group_name", "Kassel Drone Watch")
    solution = submitter.locator("input[name=altcha]")
    expect(solution).to_have_value(re.compile(r".+"), timeout=30_000)
    submitter.screenshot(path=artifacts / "announce-here-form.png", full_page=True)
    submitter.get_by_role("button", name="Send the action").click()
    expect(submitter.locator(".action-status")).to_contain_text("Submitted")
    action = Action.objects.get(title=TITLE)
    assert [t.ref for t in action.targets.all()] == [
        f"org:{engines.public_id}",
        f"site:{kassel.public_id}",
    ]

    # A moderator sees what it is aimed at and publishes it.
    mod = make_context().new_page()
    mod.goto("/admin/login/?next=/moderate/")
    mod.fill("#id_username", "mona")
    mod.fill("#id_password", "pw-mona")
    mod.click("input[type=submit]")
    item = mod.locator(f"#action-{action.pk}")
    expect(item).to_contain_text("Korvex Aerodynamics")
    item.get_by_role("button", name="Publish", exact=True).click()
    expect(mod.locator(".mod-message")).to_contain_text(f"Published: {TITLE}")
    action.refresh_from_db()
    assert action.status == ActionStatus.PUBLISHED

    # The organization's page shows it, at the place's time.
    page.goto(engines.get_absolute_url())
    row = page.locator(".campaign-against .action-row", has=page.get_by_role("link", name=TITLE))
    expect(row.locator("time")).to_contain_text(f"{DAY:%-d %b %Y}, 17:00")
    page.screenshot(path=artifacts / "organization-with-action.png", full_page=True)
    # So does the site's page.
    page.goto(kassel.get_absolute_url())
    expect(page.locator(".campaign-against")).to_contain_text(TITLE)

    # The call page's map draws the action beside the sites of what the call targets.
    page.goto(call.get_absolute_url())
    page.wait_for_function(DRAWN, timeout=20_000)
    page.locator("section[data-map]").scroll_into_view_if_needed()
    page.evaluate(SETTLED)
    points = page.evaluate(POINTS, "action-points")
    assert action.public_id in {p["id"] for p in points}
    expect(page.locator(".target-evidence")).to_contain_text("Korvex Aerodynamics")
    page.screenshot(path=artifacts / "call-with-map.png", full_page=True)

    # The home page leads with it.
    page.goto("/")
    expect(page.locator(".home-actions")).to_contain_text(TITLE)

    # The organization's feed, the ICS and the API carry it.
    feed = page.request.get(f"{engines.get_absolute_url()}feed/")
    assert feed.ok and TITLE in feed.text()
    ics = page.request.get(f"/calendar/actions.ics?org={engines.public_id}")
    unfolded = ics.text().replace("\r\n ", "")  # RFC 5545 folds long lines
    # its event links to the action's short address, which leads to its page
    assert ics.ok and TITLE in unfolded and f"/actions/{action.public_id}/\r\n" in unfolded
    api = page.request.get(f"/api/v1/actions?org={engines.public_id}")
    assert api.ok
    assert [a["public_id"] for a in api.json()["results"]] == [action.public_id]
    assert "contact" not in api.text()

    assert LocalGroup.objects.filter(name="Kassel Drone Watch").exists()
    assert_same_origin()


@pytest.mark.parametrize(
    ("prefix", "width", "height"),
    [("", 1366, 768), ("", 390, 844), ("/ar", 1366, 768), ("/ar", 390, 844)],
    ids=["ltr-desktop", "ltr-phone", "rtl-desktop", "rtl-phone"],
)
def test_call_group_and_site_pages_draw_their_maps_and_fit(
    make_context, page_audit, network, call, moderator, prefix, width, height, artifacts
):
    group = LocalGroup.objects.create(name="Lyon sans drones", city="Lyon", country="FR")
    when = services.When(DAY, time(14), DAY, time(16), "Europe/Paris")
    action, _token = services.submit_action(
        when,
        title="Rally at the Lyon works",
        kind="rally",
        city="Lyon",
        country="FR",
        latitude=45.764,
        longitude=4.8357,
        call=call,
        group=group,
        targets=[network["sites"]["engines_fr"]],
    )
    services.publish_action(action, actor=moderator)
    ctx = make_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
    pg = ctx.new_page()
    name = f"{'rtl' if prefix else 'ltr'}-{width}"
    for kind, path in [
        ("call", call.get_absolute_url()),
        ("group", group.get_absolute_url()),
        ("site", network["sites"]["engines_fr"].get_absolute_url()),
        ("organization", network["orgs"]["engines"].get_absolute_url()),
        ("home", "/"),
    ]:
        pg.goto(prefix + path)
        expect(pg.locator("html")).to_have_attribute("dir", "rtl" if prefix else "ltr")
        if kind in ("call", "group", "site"):
            pg.wait_for_function(DRAWN, timeout=20_000)
            expect(pg.locator(".map-nojs")).to_be_hidden()
        expect(pg.locator("main")).to_contain_text("Rally at the Lyon works")
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{prefix + path} scrolls sideways by {overflow}px at {width}px"
        pg.screenshot(path=artifacts / f"meet-{kind}-{name}.png", full_page=True)
    page_audit.assert_clean()
