"""Right to left done right, in Arabic and in Sorani: the page's language and direction, Latin
names that keep their own direction (the full stop of "S.A." stays at its end), no sideways
scrolling and no text cut off, on the home page, a profile, the map, the action form and the
calendar, at a phone's size and a desktop's. Screenshots in test-artifacts/browser/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Lezun Aeronáutica S.A."

# Where the first and the last letter of an element's text are drawn.
ENDS = """(el) => {
  const text = el.firstChild && el.firstChild.nodeType === 3 ? el.firstChild : el;
  const node = text.nodeType === 3 ? text : text.firstChild;
  const range = document.createRange();
  range.setStart(node, 0); range.setEnd(node, 1);
  const first = range.getBoundingClientRect();
  range.setStart(node, node.length - 1); range.setEnd(node, node.length);
  const last = range.getBoundingClientRect();
  return { first: first.left, last: last.left };
}"""
# Elements whose text is wider than their box (cut off or spilling out).
OVERFLOWING = """() => [...document.querySelectorAll(
  'button, .button, summary, label, h1, h2, nav a, .kicker, th')]
  .filter((el) => el.offsetParent !== null && !el.closest('.hp'))  /* .hp: the honeypot, off-screen */
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.outerHTML.slice(0, 80))"""


@pytest.fixture
def org(make_org, make_site):
    item = make_org(NAME, country="ES")
    make_site(item, "Sevilla", "ES", 37.3891, -5.9845)
    return item


@pytest.mark.parametrize("language", ["ar", "ckb"])
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)], ids=["phone", "desktop"])
def test_pages_read_right_to_left(
    make_context, page_audit, org, language, width, height, artifacts
):
    page = make_context(viewport={"width": width, "height": height}).new_page()
    for name, path in [
        ("home", "/"),
        ("profile", org.get_absolute_url()),
        ("map", "/map/"),
        ("action-form", "/submit/"),
        ("calendar", "/actions/calendar/"),
    ]:
        page.goto(f"/{language}{path}")
        html = page.locator("html")
        expect(html).to_have_attribute("dir", "rtl")
        expect(html).to_have_attribute("lang", language)
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/{language}{path} scrolls sideways by {overflow}px at {width}px"
        assert page.evaluate(OVERFLOWING) == [], f"/{language}{path}: text cut off"
        page.screenshot(path=artifacts / f"rtl-{language}-{name}-{width}.png", full_page=True)
        if name == "profile":
            # A Latin name in a right-to-left page reads left to right, its full stop last.
            heading = page.get_by_role("heading", level=1)
            expect(heading).to_have_text(NAME)
            ends = heading.evaluate(ENDS)
            assert ends["last"] > ends["first"], f"{NAME!r} is drawn right to left: {ends}"
    page_audit.assert_clean()
