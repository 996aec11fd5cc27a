"""The campaign's actions on the record's map, in a real browser: ?actions=1 draws the actions
layer over the sites (the same diamonds and legend as /actions/map/), the checkbox takes it off
and puts it back in the address without touching the other filters, and a site's popup lists
the upcoming action aimed at it, at the place's time, with the link to announce another one
there. At a phone's size and a desktop's, left to right and right to left. Then the layer
turned on while the sites still load: the server's preview stays until the sites are drawn.
Names and places are invented or approximate."""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from unmask.campaign import services
from unmask.campaign.services import When

from ..campaign.dates import SOON, days
from .mapjs import CLUSTERS_DRAWN, POINTS, SETTLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
ADDRESS = r"(#[\d./-]+)?$"

# The sites drawn, with their place on the screen and on the earth.
SITES = """() => {
  const map = window.unmaskMaps[0];
  return map.queryRenderedFeatures({ layers: ["sites-exact"] }).map((f) => {
    const { x, y } = map.project(f.geometry.coordinates);
    const [lon, lat] = f.geometry.coordinates;
    return { x, y, lon, lat };
  });
}"""


def at(site, drawn) -> list[dict]:
    """What is drawn at a site (rendered features' coordinates are their tile's: within a
    thousandth of a degree at zoom 11)."""
    near = lambda a, b: abs(a - float(b)) < 1e-3  # noqa: E731
    return [d for d in drawn if near(d["lon"], site.longitude) and near(d["lat"], site.latitude)]


JUMP = "([lon, lat, zoom]) => window.unmaskMaps[0].jumpTo({ center: [lon, lat], zoom })"


def publish(moderator, day, title, targets, **fields):
    values = {"kind": "vigil", "city": "Göttingen", "country": "DE", "latitude": 51.5413}
    values.update({"longitude": 9.9158, **fields})
    action, _token = services.submit_action(
        When(day, time(18), day, time(19, 30), "Europe/Berlin"),
        title=title,
        targets=targets,
        **values,
    )
    services.publish_action(action, actor=moderator)
    return action


@pytest.fixture
def campaign(make_org, make_site, moderator):
    """Korvex in Kassel, with a vigil aimed at its factory (held in Göttingen, away from it);
    a bank in Frankfurt with a rally aimed at it."""
    korvex = make_org("Korvex Aerodynamics", country="DE")
    bank = make_org("Ostmark Kreditbank", country="DE", kind="financial")
    factory = make_site(korvex, "Kassel", "DE", 51.3127, 9.4797)
    make_site(bank, "Frankfurt", "DE", 50.1109, 8.6821, role="headquarters")
    vigil = publish(moderator, SOON, "Vigil for the Korvex factory", [factory])
    publish(
        moderator,
        days(2),
        "Rally at the Ostmark tower",
        [bank],
        kind="rally",
        city="Frankfurt",
        latitude=50.1155,
        longitude=8.6724,
    )
    return {"factory": factory, "vigil": vigil}


ACTIONS_IN_LAYER = """async () => {
  const data = await window.unmaskMaps[0].getSource("actions").getData();
  return data.features.length;
}"""


def action_titles(page) -> set[str]:
    page.evaluate(SETTLED)
    return {p["title"] for p in page.evaluate(POINTS, "action-points")}


def wait_for_actions(page, shown: bool):
    """Until the actions' diamonds are drawn, or none is (the layer is off)."""
    page.wait_for_function(
        """(shown) => {
          const map = window.unmaskMaps[0];
          const drawn = map.queryRenderedFeatures({ layers: ["action-points", "action-clusters"] });
          return shown ? drawn.length > 0 : drawn.length === 0;
        }""",
        arg=shown,
    )


@pytest.mark.parametrize(
    ("size", "language"),
    [(DESKTOP, "en"), (PHONE, "en"), (PHONE, "ar"), (DESKTOP, "ar")],
    ids=["desktop", "phone", "phone-rtl", "desktop-rtl"],
)
def test_actions_over_the_sites_and_in_a_sites_popup(
    make_context, page_audit, campaign, artifacts, size, language
):
    ctx = make_context(viewport=size, is_mobile=size is PHONE, has_touch=size is PHONE)
    page = ctx.new_page()
    prefix = "" if language == "en" else f"/{language}"
    name = f"map-actions-{'phone' if size is PHONE else 'desktop'}-{language}"
    page.goto(f"{prefix}/map/?actions=1")
    page.wait_for_function(CLUSTERS_DRAWN, timeout=20_000)
    rtl = language == "ar"
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if rtl else "ltr")

    if size is PHONE:
        # On a phone the map comes first: the filters and the legend are folded under it, each
        # one tap away; the panel's summary counts the filters set (none: the layer is not one).
        assert page.locator(".map-canvas").bounding_box()["y"] < size["height"] / 2
        expect(page.locator("#m-actions")).to_be_hidden()
        expect(page.locator(".filter-panel [data-filter-count]")).to_be_hidden()
        page.locator(".filter-panel > summary").click()
        page.locator(".map-legend > summary").click()

    # Drawn: the actions' diamonds over the sites, their legend, the checkbox ticked.
    toggle = page.locator("#m-actions")
    expect(toggle).to_be_checked()
    assert action_titles(page) == {"Vigil for the Korvex factory", "Rally at the Ostmark tower"}
    legend = page.locator('.map-legend [data-map-legend="actions"]')
    expect(legend).to_have_count(3)
    expect(legend.first).to_be_visible()
    expect(page.locator("[data-map-count]")).to_contain_text(re.compile(r"·"))  # sites · actions
    if not rtl:
        expect(page.locator("[data-map-count]")).to_have_text("2 sites in view · 2 actions in view")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the map page scrolls sideways by {overflow}px"
    page.locator("section[data-map]").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"{name}.png")

    # Off: out of the address (and the language links), off the map and the legend.
    toggle.uncheck()
    expect(page).to_have_url(re.compile(rf"{prefix}/map/{ADDRESS}"))
    expect(legend.first).to_be_hidden()
    wait_for_actions(page, False)
    assert page.evaluate("() => window.unmaskMaps[0].queryRenderedFeatures().length")  # sites
    expect(page.locator('.languages a[hreflang="de"]')).to_have_attribute(
        "href", re.compile(rf"/de/map/{ADDRESS}")
    )
    # On again, and kept when another filter changes in place, and when it is cleared.
    toggle.check()
    expect(page).to_have_url(re.compile(rf"{prefix}/map/\?actions=1{ADDRESS}"))
    wait_for_actions(page, True)
    assert len(action_titles(page)) == 2
    page.locator("#m-kind").select_option("financial")
    expect(page.locator(".filter-panel [data-filter-number]")).to_have_text("1")
    expect(page).to_have_url(re.compile(rf"{prefix}/map/\?actions=1&kind=financial{ADDRESS}"))
    expect(page.locator('.languages a[hreflang="de"]')).to_have_attribute(
        "href", re.compile(rf"/de/map/\?actions=1&kind=financial{ADDRESS}")
    )
    expect(toggle).to_be_checked()
    # The sites' filters are not the actions': both are still in the layer (the map has fitted
    # the filtered sites, the bank in Frankfurt, so the vigil in Göttingen may be out of view).
    assert page.evaluate(ACTIONS_IN_LAYER) == 2
    page.locator("[data-map-clear]").click()
    expect(page).to_have_url(re.compile(rf"{prefix}/map/\?actions=1{ADDRESS}"))
    # Back: the filter again, the layer still on; back again: off.
    page.go_back()
    expect(page.locator("#m-kind")).to_have_value("financial")
    expect(toggle).to_be_checked()
    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(rf"{prefix}/map/{ADDRESS}"))
    expect(toggle).not_to_be_checked()
    wait_for_actions(page, False)
    page.go_forward()
    expect(toggle).to_be_checked()
    wait_for_actions(page, True)

    # A site's popup: the vigil aimed at it, at Berlin's clock, and where to announce one.
    factory, vigil = campaign["factory"], campaign["vigil"]
    page.evaluate(JUMP, [factory.longitude, factory.latitude, 11])
    page.evaluate(SETTLED)
    here = at(factory, page.evaluate(SITES))
    assert here, "the factory is not drawn"
    page.locator(".map-canvas canvas").click(position={"x": here[0]["x"], "y": here[0]["y"]})
    popup = page.locator(".maplibregl-popup .map-popup")
    expect(popup.get_by_role("heading", name="Korvex Aerodynamics")).to_be_visible()
    expect(popup).to_have_attribute("dir", "rtl" if rtl else "ltr")
    expect(popup).to_have_attribute("lang", language)
    assert popup.evaluate("(el) => getComputedStyle(el).direction") == ("rtl" if rtl else "ltr")
    link = popup.locator(".map-popup-actions a")
    expect(link).to_have_text("Vigil for the Korvex factory")
    expect(link).to_have_attribute("href", f"{prefix}/actions/{vigil.public_id}/{vigil.slug}/")
    when = popup.locator(".map-popup-actions time")
    expect(when).to_have_attribute("datetime", re.compile(rf"^{SOON.isoformat()}T18:00\+0[12]:00$"))
    if rtl:  # Arabic numerals, Arabic names of days and months
        expect(when).to_contain_text(re.compile(r"[\u0600-\u06ff]"))
    else:  # 18:00 at the place, whatever the reader's zone (UTC here)
        expect(when).to_contain_text(re.compile(r"18:00|0?6:00\sPM"))
        expect(when).to_contain_text(re.compile(r"CES?T|GMT\+[12]"))
        expect(popup.get_by_role("heading", name="Upcoming actions here")).to_be_visible()
    expect(popup).not_to_contain_text("Rally at the Ostmark tower")
    announce = popup.locator(".map-popup-announce a")
    expect(announce).to_have_attribute("href", f"{prefix}/submit/?target=site:{factory.public_id}")
    if not rtl:
        expect(announce).to_have_text("Announce an action here")
    page.evaluate(SETTLED)  # the map pans to show the whole popup
    popup.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"{name}-popup.png")
    page_audit.assert_clean()


def test_the_layer_turned_on_while_the_sites_load_leaves_the_preview_alone(
    page, campaign, assert_same_origin
):
    held = []
    page.route("**/map/sites.bin*", lambda route: held.append(route))  # wait for the test
    page.goto("/map/")
    # The first screen (map/first-screen.js) draws the preview before MapLibre is there.
    page.wait_for_function("() => performance.getEntriesByName('unmask:first-screen').length > 0")
    # Not asked for: not loaded.
    assert not [r for r in held if "actions" in r.request.url]
    # Turned on then: MapLibre comes at once for it, and its own preview of the sites takes
    # over from the first screen.
    page.get_by_label("Show upcoming actions").check()
    expect(page).to_have_url(re.compile(rf"/map/\?actions=1{ADDRESS}"))
    wait_for_actions(page, True)
    page.wait_for_function(
        "() => Boolean(window.unmaskMaps[0].getLayer('site-preview-clusters'))"
        " && !document.querySelector('.map-first-screen')"
    )
    # The sites were asked for once (the first screen's request, taken over), with no `actions`.
    assert len(held) == 1 and "actions" not in held[0].request.url
    held[0].continue_()
    page.wait_for_function(CLUSTERS_DRAWN, timeout=20_000)
    page.wait_for_function("() => !window.unmaskMaps[0].getLayer('site-preview-clusters')")
    expect(page.locator("[data-map-count]")).to_have_text("2 sites in view · 2 actions in view")
    assert len(action_titles(page)) == 2
    assert_same_origin()
