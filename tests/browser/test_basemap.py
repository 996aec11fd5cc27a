"""The offline basemap at city scale (frontend/basemap.mjs, map/style.js): first-level boundaries
and place names from Natural Earth, drawn progressively as the map zooms in, in the page's
language where Natural Earth has the name; the place picker shows the country chosen in the
form; applying a filter fits the map to its results, unless the reader chose the view. Nothing
is loaded from another host (the page audit). Organizations and sites are invented."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .mapjs import SETTLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLUSTERS_DRAWN = "() => performance.getEntriesByName('unmask:clusters-drawn').length > 0"
# The place names drawn, with Natural Earth's zoom ("z") of each.
PLACES = """() => window.unmaskMaps[0].queryRenderedFeatures({ layers: ["place-label"] })
  .map((f) => ({ name: f.properties[`n_${document.documentElement.lang}`] || f.properties.n,
                 z: f.properties.z }))"""
DRAWN = "(layers) => window.unmaskMaps[0].queryRenderedFeatures({ layers }).length"
VIEW = """(which) => {
  const map = which === "picker" ? window.unmaskPickers[0] : window.unmaskMaps[0];
  const { lng, lat } = map.getCenter();
  return { lon: lng, lat, zoom: map.getZoom(), moving: map.isMoving() };
}"""


def settle(page):
    page.wait_for_function(CLUSTERS_DRAWN, timeout=20_000)
    page.evaluate(SETTLED)


def names_at(page, path):
    page.goto(path)
    # A new hash on the same page moves the map once the page hears of it: wait for that.
    zoom = float(path.split("#")[1].split("/")[0])
    page.wait_for_function(
        "(z) => Math.abs((window.unmaskMaps?.[0]?.getZoom() ?? -99) - z) < 0.01", arg=zoom
    )
    settle(page)
    # The basemap's sources load on their own: wait until the places are drawn.
    page.wait_for_function(f"() => {DRAWN}(['place-label']) > 0", timeout=20_000)
    page.evaluate(SETTLED)
    return page.evaluate(PLACES)


def test_a_city_view_names_its_towns_and_draws_the_provinces(page, assert_same_origin, artifacts):
    page.set_viewport_size({"width": 1000, "height": 700})
    places = names_at(page, "/map/#9/52.45/13.3")
    names = {p["name"] for p in places}
    assert "Berlin" in names
    assert "Potsdam" in names  # a smaller town, shown at this zoom only
    assert any(p["z"] >= 6 for p in places), places
    # The border between Berlin and Brandenburg: a first-level boundary.
    assert page.evaluate(DRAWN, ["region-line"])
    page.screenshot(path=artifacts / "basemap-city.png")

    # Zoomed out to the continent, only the capitals and big cities are named (a country's name
    # wins where the two collide).
    wide = names_at(page, "/map/#3/50/12")
    assert len(wide) >= 5
    assert "Potsdam" not in {p["name"] for p in wide}
    assert max(p["z"] for p in wide) <= 4
    assert not page.evaluate(DRAWN, ["region-line"])  # provinces from zoom 3.5 on
    assert_same_origin()


def test_place_names_follow_the_page_language(page, assert_same_origin):
    page.set_viewport_size({"width": 1000, "height": 700})
    names = {p["name"] for p in names_at(page, "/de/map/#8/48.2/16.37")}
    assert "Wien" in names and "Vienna" not in names
    names = {p["name"] for p in names_at(page, "/map/#8/48.2/16.37")}
    assert "Vienna" in names
    assert_same_origin()


def test_choosing_a_country_shows_it_in_the_picker(page, assert_same_origin, artifacts):
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto("/submit/")
    page.locator("[data-part=point] > summary").click()
    page.wait_for_function("() => window.unmaskPickers && window.unmaskPickers[0].loaded()")
    assert page.evaluate(VIEW, "picker")["zoom"] < 2  # the world

    page.select_option("#id_country", "TR")
    page.wait_for_function(
        """() => { const m = window.unmaskPickers[0], c = m.getCenter();
                   return !m.isMoving() && c.lng > 30 && c.lng < 40 && c.lat > 36 && c.lat < 42; }"""
    )
    view = page.evaluate(VIEW, "picker")
    assert 4 <= view["zoom"] <= 8
    page.screenshot(path=artifacts / "picker-country.png")

    # A point given inside the country chosen stays in view: choosing it again moves nothing.
    page.fill("#id_latitude", "39.93")
    page.fill("#id_longitude", "32.86")
    page.wait_for_function("() => !window.unmaskPickers[0].isMoving()")
    before = page.evaluate(VIEW, "picker")
    page.select_option("#id_country", "")
    page.select_option("#id_country", "TR")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    after = page.evaluate(VIEW, "picker")
    assert after["zoom"] == pytest.approx(before["zoom"])
    assert after["lon"] == pytest.approx(before["lon"])
    assert_same_origin()


def test_choosing_a_country_before_unfolding_the_map(page, assert_same_origin):
    """The map is folded away (no size) when the country is chosen: shown once unfolded."""
    page.goto("/submit/")
    page.select_option("#id_country", "SE")
    page.locator("[data-part=point] > summary").click()
    page.wait_for_function(
        """() => { const m = window.unmaskPickers && window.unmaskPickers[0];
                   if (!m || m.isMoving()) return false;
                   const c = m.getCenter();
                   return c.lng > 10 && c.lng < 25 && c.lat > 55 && c.lat < 69; }"""
    )
    assert_same_origin()


@pytest.fixture
def sites(make_org, make_site):
    """Invented organizations: a factory in Kassel, a bank with two offices in Frankfurt, a
    company in Ankara."""
    korvex = make_org("Korvex Aerodynamics", country="DE")
    bank = make_org("Ostmark Kreditbank", country="DE", kind="financial")
    talvik = make_org("Talvik Aerosystems", country="TR")
    make_site(korvex, "Kassel", "DE", 51.31, 9.47)
    make_site(bank, "Frankfurt", "DE", 50.1109, 8.6821, role="headquarters")
    make_site(bank, "Frankfurt", "DE", 50.1155, 8.6724, precision="street", role="office")
    make_site(talvik, "Ankara", "TR", 39.93, 32.86, role="headquarters")


def test_a_filter_fits_the_map_to_its_results(page, sites, assert_same_origin, artifacts):
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto("/map/")
    settle(page)
    wide = page.evaluate(VIEW, "map")
    assert wide["zoom"] < 6  # Kassel to Ankara

    page.get_by_label("Kind of organization").select_option("financial")
    expect(page.locator("[data-map-count]")).to_have_text("2 sites in view")
    page.wait_for_function(
        """() => { const m = window.unmaskMaps[0], c = m.getCenter();
                   return !m.isMoving() && m.getZoom() > 7 && Math.abs(c.lng - 8.68) < 0.1
                     && Math.abs(c.lat - 50.11) < 0.1; }"""
    )
    # Close enough to see the city, never at street level for two offices a kilometre apart.
    assert page.evaluate(VIEW, "map")["zoom"] <= 9.01
    page.screenshot(path=artifacts / "map-filter-fitted.png")

    # Clearing the filter fits all the sites again.
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_function(
        "() => !window.unmaskMaps[0].isMoving() && window.unmaskMaps[0].getZoom() < 6"
    )
    assert_same_origin()


def test_a_view_from_the_address_is_kept_when_filtering(page, sites, assert_same_origin):
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto("/map/#4.5/50/12")  # Frankfurt in view
    settle(page)
    page.get_by_label("Kind of organization").select_option("financial")
    expect(page.locator("[data-map-count]")).to_have_text("2 sites in view")
    page.evaluate(SETTLED)
    view = page.evaluate(VIEW, "map")
    assert view["zoom"] == pytest.approx(4.5, abs=0.01)
    assert [view["lon"], view["lat"]] == pytest.approx([12, 50], abs=0.01)
    assert_same_origin()
