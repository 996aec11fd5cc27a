"""A claim's permalink page at a phone's and a desktop's size, left to right and right to left:
nothing scrolls sideways or is cut off, and "Copy link" copies the permalink."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from unmask.record import services
from unmask.record.models import LinkStatus, ResponseChannel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Elements whose text is wider than their box (cut off or spilling out).
OVERFLOWING = """() => [...document.querySelectorAll(
  'button, .button, summary, label, h1, h2, nav a, .kicker, th, dd')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.outerHTML.slice(0, 80))"""


@pytest.fixture
def claim(make_org, make_link):
    maker = make_org("Lezun Aeronáutica Sistemas Avanzados de Defensa S.A.", country="ES")
    buyer = make_org("شركة الصقر للصناعات الجوية", country="TR")
    link = make_link(maker, buyer, start="2021-03", summary="Lezun delivers the wing spars.")
    services.change_status(link, LinkStatus.DISPUTED, note="Lezun denies a second contract")
    reply = services.record_response(
        organization=maker,
        link=link,
        received_on="2024-02-01",
        channel=ResponseChannel.EMAIL,
        text="We stopped all deliveries in 2022.",
    )
    services.publish_response(reply)
    return link


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)], ids=["phone", "desktop"])
def test_claim_page_fits_and_copies_its_link(
    make_context, page_audit, live_server, claim, language, width, height, artifacts
):
    context = make_context(viewport={"width": width, "height": height})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    prefix = "" if language == "en" else f"/{language}"
    path = f"{prefix}/claim/{claim.public_id}/"
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.get_by_text("We stopped all deliveries in 2022.")).to_be_visible()
    expect(page.get_by_text("Lezun denies a second contract")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    assert page.evaluate(OVERFLOWING) == [], f"{path}: text cut off"
    page.screenshot(path=artifacts / f"claim-{language}-{width}.png", full_page=True)
    button = page.locator("button.copy-link")
    expect(button).to_have_count(1)
    button.click()
    expect(page.locator(".copy-link-status")).not_to_be_empty()
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}{path}"
    page_audit.assert_clean()
