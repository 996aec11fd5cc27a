"""The action form on a phone (390×844, English and Arabic): at most two screens tall with its
optional parts folded, nothing wider than the screen; a point chosen on the map shows the
place's time zone above the field, and one typed by the person wins; the "More languages"
filter; after sending, the button that copies the secret link. Nothing leaves the site."""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from unmask.campaign import services
from unmask.campaign.services import When

from ..campaign.dates import SOON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MEASURE = """() => {
  const form = document.querySelector("form.action-form").getBoundingClientRect();
  const page = document.scrollingElement;
  return {form: Math.round(form.height), page: page.scrollHeight,
          scrollWidth: page.scrollWidth, width: page.clientWidth};
}"""


@pytest.fixture
def phone(make_context, page_audit):
    context = make_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    pg = context.new_page()
    yield pg
    page_audit.assert_clean()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_form_fits_in_two_phone_screens(phone, lang, artifacts):
    phone.goto("/submit/" if lang == "en" else f"/{lang}/submit/")
    expect(phone.locator("altcha-widget")).to_be_attached()
    assert phone.locator("details.form-part[open]").count() == 0  # every optional part folded
    size = phone.evaluate(MEASURE)
    print(f"{lang}: {size}")  # the figures for the report (pytest -s)
    assert size["form"] <= 2 * PHONE["height"], size
    assert size["scrollWidth"] <= size["width"], size  # no sideways scrolling
    if lang == "ar":
        assert phone.evaluate("document.documentElement.dir") == "rtl"
    phone.screenshot(path=artifacts / f"submit-phone-{lang}.png", full_page=True)

    # Opening a part shows its fields; nothing overflows sideways then either.
    phone.locator("[data-part=who] > summary").click()
    phone.locator(".more-languages > summary").click()
    size = phone.evaluate(MEASURE)
    assert size["scrollWidth"] <= size["width"], size


def test_a_point_on_the_map_shows_the_zone_and_a_typed_zone_wins(phone, artifacts):
    phone.goto("/submit/")
    shown = phone.locator("[data-zone-shown]")
    expect(shown).to_have_text("Time zone: found from the place once you give it")

    # The country alone: Germany keeps one time.
    phone.select_option("#id_country", "TR")
    expect(shown).to_have_text("Time zone: Europe/Istanbul, from the place")

    # A point chosen on the map (the map is folded until asked for, and so is its code).
    loaded = """() => performance.getEntriesByType("resource")
        .some((entry) => /\\/(picker-map|map)\\.[0-9a-f]*\\.?js/.test(entry.name))"""
    assert phone.evaluate(loaded) is False
    phone.locator("[data-part=point] > summary").click()
    phone.wait_for_function("() => window.unmaskPickers && window.unmaskPickers[0].loaded()")
    phone.evaluate("() => window.unmaskPickers[0].jumpTo({center: [13.405, 52.52], zoom: 11})")
    canvas = phone.locator("[data-location-picker] canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box["width"] > 200 and box["height"] > 200  # drawn at its size once opened
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(phone.locator("#id_latitude")).to_have_value(re.compile(r"^52\.5"))
    expect(shown).to_have_text("Time zone: Europe/Berlin, from the place")
    expect(phone.locator("#id_timezone")).to_have_value("")  # left to the server: the place's

    # The person's own choice wins, searched by typing in the field (a datalist).
    phone.locator("[data-part=zone] > summary").click()
    phone.locator("#id_timezone").fill("Europe/London")
    expect(shown).to_have_text("Time zone: Europe/London, as you chose")
    phone.locator("#id_timezone").fill("")
    expect(shown).to_have_text("Time zone: Europe/Berlin, from the place")
    phone.screenshot(path=artifacts / "submit-phone-zone.png", full_page=True)


def test_more_languages_are_filtered_as_typed(phone):
    phone.goto("/submit/")
    phone.locator("[data-part=who] > summary").click()
    expect(phone.get_by_label("Deutsch")).to_be_visible()  # the site's languages, unfolded
    phone.locator(".more-languages > summary").click()
    search = phone.get_by_role("searchbox", name="Find a language")
    search.fill("portu")
    visible = phone.locator("[data-language-list] li:visible")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("Português")
    visible.locator("input").check()
    search.fill("")
    expect(phone.locator("[data-language-list] input:checked")).to_have_count(1)


def test_the_secret_link_is_copied_by_its_button(make_context, page_audit):
    when = When(SOON, time(18, 0), SOON, time(19, 30), zone="Europe/Berlin")
    _action, token = services.submit_action(
        when,
        title="Vigil at the Korvex gate",
        kind="vigil",
        city="Kassel",
        country="DE",
    )
    context = make_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.goto(f"/submit/manage/{token}/?new=1")
    expect(pg.get_by_text("Keep this link: it is the only way to change or cancel")).to_be_visible()
    pg.get_by_role("button", name="Copy the link").click()
    expect(pg.locator("[data-copy-status]")).to_have_text("Copied.")
    copied = pg.evaluate("() => navigator.clipboard.readText()")
    assert copied == pg.locator(".secret-link").input_value()
    assert copied.endswith(f"/submit/manage/{token}/")
    # The token went nowhere but to the page itself (the address the submitter opened).
    carried = [r for r in page_audit.requests if token in r]
    assert carried and all(r == f"GET {pg.url}" for r in carried), carried
    size = pg.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
    assert size[0] <= size[1]
    page_audit.assert_clean()
