"""Choosing a language: a visible menu in the header on every page, keeping the page; the
browser's own language offered on a first visit, never forced, and no cookie for any of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_menu_and_the_offer_of_the_readers_language(
    make_context, page_audit, make_org, artifacts
):
    org = make_org("Korvex Aerodynamics", country="DE")
    context = make_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(org.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "en")  # never switched by itself
    offer = page.locator(".language-offer")
    expect(offer.get_by_role("link")).to_have_text("Deutsch")
    expect(offer.get_by_role("link")).to_have_attribute("href", f"/de{org.get_absolute_url()}")
    page.screenshot(path=artifacts / "language-offer-phone.png")
    offer.get_by_role("button").click()
    expect(offer).to_have_count(0)
    page.goto("/")
    expect(page.locator(".language-offer")).to_have_count(0)  # closed is closed, in this tab

    # The menu in the header: the same page in another language, the filters kept.
    page.goto("/map/?country=DE")
    page.locator(".language-menu summary").click()
    page.locator(".language-list").get_by_role("link", name="العربيّة").click()
    expect(page).to_have_url("/ar/map/?country=DE")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.screenshot(path=artifacts / "language-menu-ar-phone.png")
    hreflangs = page.locator("link[rel=alternate][hreflang]").evaluate_all(
        "(links) => links.map((l) => l.hreflang)"
    )
    assert set(hreflangs) >= {"en", "ku", "ckb", "tr", "ar", "de", "fr", "es", "it", "x-default"}
    assert context.cookies() == []
    page_audit.assert_clean()
