"""The public site in a real browser, as a new reader meets it. All names are invented."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from unmask.demo.context_processors import DEMO_CACHE_KEY
from unmask.record import services
from unmask.record.models import DemoDataset, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def record(make_org, make_link, source):
    """A small published record: two organizations, a disputed link with a reply, a site."""
    korvex = make_org("Korvex Aerodynamics", country="DE")
    lindqvist = make_org("Lindqvist Composites", country="SE")
    link = make_link(
        korvex,
        lindqvist,
        start="2021-03",
        summary="Carbon-fibre wing spars for the Kestrel-9 airframe, delivered quarterly.",
    )
    services.change_status(link, "disputed", note="A customs record contradicts the delivery dates")
    reply = services.record_response(
        organization=korvex,
        link=link,
        received_on=datetime.date(2024, 5, 2),
        channel="email",
        text="We have never delivered parts for military use.",
    )
    services.publish_response(reply)
    site = services.save_record(
        Site(organization=korvex, role="factory", name="Plant 2", city="Rostock", country="DE")
    )
    services.add_citation(site, source, locator="p. 4")
    services.publish(site)
    return {"korvex": korvex, "lindqvist": lindqvist, "link": link}


@pytest.fixture
def demo_banner(db):
    """Show the fictional-data banner, as on the demo site."""
    DemoDataset.objects.create(seed=1, organizations=0)
    cache.delete(DEMO_CACHE_KEY)
    yield
    cache.delete(DEMO_CACHE_KEY)


def test_a_new_reader_goes_from_the_home_page_to_a_source(
    page, context, page_audit, record, demo_banner, assert_same_origin, artifacts
):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator(".demo-banner")).to_contain_text("Fictional demo data")
    expect(page.locator("html")).to_have_class("js")  # main.js ran under the strict CSP
    expect(page.locator(".site-header")).not_to_have_css("background-color", "rgba(0, 0, 0, 0)")

    counts = page.locator(".counts")
    expect(counts.locator("div", has_text="Organizations").locator("dd")).to_have_text("2")
    expect(counts.locator("div", has_text="Countries").locator("dd")).to_have_text("2")
    expect(counts.locator("div", has_text="Sourced links").locator("dd")).to_have_text("1")
    changes = page.locator(".changes")
    expect(changes).to_contain_text(
        "Korvex Aerodynamics supplies components to Lindqvist Composites"
    )
    expect(changes).to_contain_text("A customs record contradicts the delivery dates")
    page.screenshot(path=artifacts / "home.png", full_page=True)

    changes.get_by_role("link", name="Korvex Aerodynamics", exact=True).first.click()
    expect(page).to_have_url(record["korvex"].get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Korvex Aerodynamics")
    link = page.locator(".link.status-disputed")
    expect(link.locator(".status-badge")).to_have_text("Disputed")
    expect(link.locator(".response")).to_contain_text(
        "We have never delivered parts for military use."
    )
    page.screenshot(path=artifacts / "organization.png", full_page=True)

    evidence = page.locator(".profile > details.citations")
    source_link = evidence.get_by_role("link", name="Annual report 2023 of Korvex Aerodynamics")
    expect(source_link).to_be_hidden()
    evidence.locator("summary").click()
    expect(source_link).to_be_visible()
    page.locator(".link details.citations summary").click()
    page.locator(".link details.history summary").click()
    page.screenshot(path=artifacts / "organization-evidence.png", full_page=True)
    source_link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Annual report 2023 of Korvex Aerodynamics"
    )
    # The document itself is on another site: linked, never fetched.
    expect(page.locator('a[href="https://example.org/korvex-2023.pdf"]')).to_be_visible()
    page.screenshot(path=artifacts / "source.png", full_page=True)

    assert_same_origin()
    assert any("/static/unmask/dist/main.css" in r for r in page_audit.requests)
    assert not any("example.org" in r for r in page_audit.requests)
    assert context.cookies() == [], "an anonymous reader must get no cookie"


def test_the_arabic_home_page_reads_right_to_left(
    page, context, record, assert_same_origin, artifacts
):
    page.goto("/ar/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator(".counts")).to_be_visible()
    page.screenshot(path=artifacts / "home-rtl.png", full_page=True)

    # The first Tab reveals the skip link, inside the page, in either direction.
    skip = page.locator(".skip")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport(ratio=1)

    # Logical properties at work: the header's brand sits at the right edge of the page.
    brand = page.locator(".site-header .brand").bounding_box()
    assert brand["x"] + brand["width"] > 1280 / 2
    page.goto(record["korvex"].get_absolute_url().replace("/org/", "/ar/org/", 1))
    expect(html).to_have_attribute("dir", "rtl")
    page.screenshot(path=artifacts / "organization-rtl.png", full_page=True)

    assert_same_origin()
    assert context.cookies() == []


@pytest.mark.parametrize(("prefix", "scheme"), [("", "light"), ("/ar", "dark")])
def test_pages_fit_a_phone_screen(make_context, page_audit, record, prefix, scheme, artifacts):
    """No sideways scrolling at 360 px, left-to-right and right-to-left, light and dark."""
    ctx = make_context(viewport={"width": 360, "height": 740}, is_mobile=True, color_scheme=scheme)
    suffix = "-rtl-dark" if prefix else ""
    pg = ctx.new_page()
    for name, path in [
        ("home", "/"),
        ("organization", record["korvex"].get_absolute_url()),
        ("methodology", "/methodology/"),
    ]:
        pg.goto(prefix + path)
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{prefix + path} scrolls sideways by {overflow}px on a phone"
        if name != "methodology":
            pg.screenshot(path=artifacts / f"{name}-phone{suffix}.png", full_page=True)
    page_audit.assert_clean()


def test_the_guard_notices_requests_to_other_sites_and_csp_violations(page, page_audit):
    """The fixtures above must not pass a page that phones home or trips the CSP."""
    page.goto("/")
    page.evaluate(
        """() => {
        const img = document.createElement("img");
        img.src = "https://tracker.example.net/pixel.gif";
        document.body.append(img);
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
    }"""
    )
    page.wait_for_function("() => document.querySelector('img[src*=tracker]').complete")
    assert page_audit.offsite == ["GET https://tracker.example.net/pixel.gif"]
    assert page.evaluate("window.inlineRan") is None
    assert any("Content Security Policy" in e for e in page_audit.console_errors)
    with pytest.raises(AssertionError, match="request left the site"):
        page_audit.assert_clean()
    page_audit.clear()  # the page fixture checks again at teardown


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_follow_panel_fits_a_phone(make_context, page_audit, record, prefix, artifacts):
    """The "Follow" panel at 390×844: its long addresses stay behind their link text, nothing
    scrolls sideways, left to right and right to left; the links are real addresses."""
    ctx = make_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        permissions=["clipboard-read", "clipboard-write"],
    )
    pg = ctx.new_page()
    for path in ("/", record["korvex"].get_absolute_url()):
        pg.goto(prefix + path)
        panel = pg.locator("section.follow")
        expect(panel).to_be_visible()
        box = panel.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, box)
        wide = pg.evaluate(
            """[...document.querySelectorAll('section.follow *')]
              .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1
                           || el.getBoundingClientRect().left < -1).length"""
        )
        assert wide == 0, f"{prefix + path}: {wide} elements of the panel overflow"
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{prefix + path} scrolls sideways by {overflow}px"
        link = panel.locator("a[data-follow=webcal]").first
        webcal = link.get_attribute("href")
        assert webcal.startswith("webcal://") and "/calendar/actions.ics" in webcal
        # copy.js: "Copy link" beside it puts the subscription address on the clipboard.
        link.locator("xpath=following-sibling::button[1]").click()
        copied = link.get_attribute("data-copied-label")  # the page's language
        expect(link.locator("xpath=following-sibling::*[@role='status']")).to_have_text(copied)
        assert pg.evaluate("navigator.clipboard.readText()") == webcal
        name = "home" if path == "/" else "organization"
        panel.screenshot(path=artifacts / f"follow-{name}-phone{'-rtl' if prefix else ''}.png")
    page_audit.assert_clean()
