"""Printing a profile from the browser: black on white, what needs a screen left out, the
sources unfolded, outside addresses printed after their links. Invented names."""

from __future__ import annotations

import pytest

from unmask.record import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIDDEN_IN_PRINT = (
    ".site-header nav",
    ".site-footer",
    ".languages",
    ".map-block",
    ".graph-block",
    ".sheet-links",
)


def rendered(page, selector: str) -> bool:
    """Whether the element takes part in the layout (it or an ancestor is not display: none)."""
    return page.eval_on_selector(selector, "el => el.getClientRects().length > 0")


def test_a_printed_profile_keeps_the_record_and_drops_the_screen(page, network, artifacts):
    org = network["orgs"]["engines"]
    services.update_record(
        org,
        description="Annual report: [korvex.example.org](https://korvex.example.org/report)",
        reason="Description",
    )
    page.goto(org.get_absolute_url())
    page.wait_for_selector(".graph-block")
    for selector in HIDDEN_IN_PRINT:
        assert rendered(page, selector), selector  # on screen
    assert not page.eval_on_selector("details.citations", "el => el.open")

    page.emulate_media(media="print")
    for selector in HIDDEN_IN_PRINT:
        assert not rendered(page, selector), selector
    after = page.eval_on_selector(
        ".prose a[href^='http']", "el => getComputedStyle(el, '::after').content"
    )
    assert "https://korvex.example.org/report" in after
    color = page.eval_on_selector("body", "el => getComputedStyle(el).color")
    background = page.eval_on_selector("body", "el => getComputedStyle(el).backgroundColor")
    assert (color, background) == ("rgb(0, 0, 0)", "rgb(255, 255, 255)")

    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what printing fires
    assert page.eval_on_selector_all("main details", "els => els.every(el => el.open)")
    document = page.pdf(format="A4")
    (artifacts / "printed-profile.pdf").write_bytes(document)
    assert document.startswith(b"%PDF-")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert not page.eval_on_selector("details.citations", "el => el.open")
