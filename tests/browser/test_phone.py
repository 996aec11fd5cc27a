"""Every page type at a phone's size (390×844) and a laptop's (1366×768), in English and in
Arabic (right to left), on a small fictional record and campaign loaded as the demo loads them.

Each page fails the test when:

- anything scrolls sideways (the document wider than the screen);
- on a phone, its main element (the map, the first result, the first claim, the supply tree,
  the form...) starts below the first screen: the reader would have to scroll to find what the
  page is for;
- a visible tap target is smaller than 24×24 CSS px without the room around it that WCAG 2.2
  (2.5.8, Target Size Minimum) allows instead: a 24 px circle centred on it that touches no other
  target, or a link inside a line of text.

Staff screens (the moderation queue and the replies queue) are checked the same way, signed in.
Nothing may leave the site and no page may log an error (the `page_audit` fixture).
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (390, 844), "laptop": (1366, 768)}

# Visible tap targets under 24×24 px that have neither the spacing nor the inline exception.
SMALL_TARGETS = """() => {
  const MIN = 24;
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const visible = (el) => {
    if (el.closest('details:not([open]) > :not(summary)')) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const targets = [...document.querySelectorAll(selector)].filter(visible)
    .filter((el) => !el.closest('.maplibregl-canvas-container, .sr-only, .skip'));
  const boxes = targets.map((el) => el.getBoundingClientRect());
  // A link in a line of text: inline, in a block that holds more text than the link.
  const inline = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    return block && block.textContent.trim().length > el.textContent.trim().length;
  };
  // Distance from a point to a box (0 inside it).
  const distance = (x, y, b) => Math.hypot(
    Math.max(b.left - x, 0, x - b.right), Math.max(b.top - y, 0, y - b.bottom));
  const small = [];
  targets.forEach((el, i) => {
    const b = boxes[i];
    if (b.width >= MIN - 0.5 && b.height >= MIN - 0.5) return;
    if (inline(el)) return;
    const cx = (b.left + b.right) / 2, cy = (b.top + b.bottom) / 2;
    const crowded = boxes.some((o, j) => {
      if (j === i || targets[j].contains(el) || el.contains(targets[j])) return false;
      const big = o.width >= MIN && o.height >= MIN;
      const ox = (o.left + o.right) / 2, oy = (o.top + o.bottom) / 2;
      // Its circle meets another target, or another undersized target's circle.
      return distance(cx, cy, o) < MIN / 2 || (!big && Math.hypot(cx - ox, cy - oy) < MIN);
    });
    if (crowded) small.push(`${el.outerHTML.slice(0, 90)} ${Math.round(b.width)}×${Math.round(b.height)}`);
  });
  return small;
}"""

OVERFLOW = """() => {
  const doc = document.scrollingElement;
  if (doc.scrollWidth <= doc.clientWidth) return null;
  // Name the culprits for the failure message: elements past the edge of the screen that no
  // ancestor clips or scrolls.
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1
                 || el.getBoundingClientRect().left < -1)
    .filter((el) => !el.closest('.skip') && !clipped(el))
    .slice(-3).map((el) => el.outerHTML.slice(0, 120));
  // Content spilling out of a box that does not clip it (a long word, a wide table).
  const spilling = [...document.querySelectorAll('body *')]
    .filter((el) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
                 && getComputedStyle(el).overflowX === 'visible' && !clipped(el))
    .slice(-3).map((el) => `${el.outerHTML.slice(0, 120)} (${el.scrollWidth} in ${el.clientWidth})`);
  wide.push(...spilling);
  return {scrollWidth: doc.scrollWidth, width: doc.clientWidth, wide};
}"""

TOP_OF = "(el) => el.getBoundingClientRect().top + window.scrollY"


@pytest.fixture
def world(db):
    """A small fictional record (the demo's generator at a small size), the demo campaign, an
    action waiting for moderation and a reply waiting to be checked."""
    from unmask.campaign import services as campaign_services
    from unmask.campaign import times
    from unmask.campaign.services import When
    from unmask.demo import campaign as campaign_demo
    from unmask.demo import pages as pages_demo
    from unmask.demo.record import load_demo
    from unmask.record import services
    from unmask.record.models import Link, Organization, Product, Site, Source

    load_demo(orgs=24, sites=40, links=60, sources=20, responses=3)
    campaign_demo.load(campaign_demo.SYSTEM)
    pages_demo.load()
    org = Organization.objects.public().filter(links_out__isnull=False).first()
    link = Link.objects.public().filter(subject=org).first()
    services.submit_reply(org, text="We never supplied this part.", contact_email="press@x.example")
    day = timezone.localdate() + timedelta(days=9)
    waiting, token = campaign_services.submit_action(
        When(day, time(17), day, time(19), "Europe/Berlin", ""),
        title="Vigil at the test gate",
        kind="vigil",
        description="Invented.",
        city="Kassel",
        country="DE",
        address="Main square",
        latitude=51.31,
        longitude=9.48,
        languages="en",
    )
    from unmask.campaign.models import Action, Call, LocalGroup

    action = Action.objects.public().order_by("pk").first()
    action_day = times.local(action.starts_at, action.timezone).date()  # where it happens
    call = Call.objects.public().first()
    group = LocalGroup.objects.public().first()
    product = Product.objects.public().filter(kind="program").first()
    site = Site.objects.public().filter(organization=org).first() or Site.objects.public().first()
    source = Source.objects.filter(citations__isnull=False).first()
    # Addresses worked out here, in English: the live server's thread picks the language from
    # the address itself.
    pages = {
        "home": ("/", "main h1"),
        "directory": ("/org/", "ol.directory li"),
        "search": (f"/org/?q={org.name.split()[0]}", "ol.directory li"),
        "organization": (org.get_absolute_url(), ".link, article h1"),
        "history": (org.get_absolute_url() + "history/", "main h1"),
        "reply": (org.get_absolute_url() + "reply/", "main form"),
        "claim": (f"/claim/{link.public_id}/", "main h1"),
        "site": (site.get_absolute_url(), "main h1"),
        "source": (source.get_absolute_url(), "main h1"),
        "country": (f"/country/{org.country}/", "main h1"),
        "product": (product.get_absolute_url(), ".tree-root"),
        "map": ("/map/", ".map-canvas"),
        "graph": ("/graph/", "section[data-graph]"),
        "data": ("/data/", "main h1"),
        "methodology": ("/methodology/", "main h1"),
        "calls": ("/calls/", "main h1"),
        "call": (call.get_absolute_url(), "main h1"),
        "group": (group.get_absolute_url(), "main h1"),
        "actions": ("/actions/", ".actions-list li"),
        "action": (action.get_absolute_url(), "main h1"),
        "actions-map": ("/actions/map/", ".map-canvas"),
        "calendar": ("/actions/calendar/", "table.month, .month"),
        "calendar-day": (
            f"/actions/calendar/?month={action_day:%Y-%m}&day={action_day.isoformat()}#day",
            "#day li",
        ),
        "submit": ("/submit/", "form.action-form"),
        "manage": (f"/submit/manage/{token}/", "main h1"),
        "embed-map": ("/embed/map/", ".map-canvas"),
        "embed-actions": ("/embed/actions/", "main"),
        "embed-call": (f"/embed/call/{call.public_id}/", "body > *"),
        "embed-org": (f"/embed/org/{org.public_id}/", "body > *"),
    }
    staff_pages = {
        "moderate": ("/moderate/", "main h1"),
        "replies": ("/moderate/replies/", "main h1"),
    }
    return {"pages": pages, "staff": staff_pages, "waiting": waiting}


def check(page, name, path, main, width, height, shots) -> list[str]:
    """The problems of one page, as lines for the failure message."""
    problems = []
    response = page.goto(path)
    if response is None or response.status != 200:
        return [f"{name} {path}: HTTP {response.status if response else '?'}"]
    if page.locator(".map-canvas").count():  # drawn, but for a map folded until asked for
        page.wait_for_function(
            "() => [...document.querySelectorAll('.map-canvas')]"
            ".filter((c) => !c.closest('details:not([open])')).every("
            "(c) => c.querySelector('canvas') || c.querySelector('.map-nojs'))"
        )
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        problems.append(f"{name} {path}: scrolls sideways {overflow}")
    element = page.locator(main).first
    if not element.count():
        problems.append(f"{name} {path}: no main element {main!r}")
    elif width < 600:
        top = element.evaluate(TOP_OF)
        if top >= height - 40:  # at least a strip of it in the first screen
            problems.append(f"{name} {path}: main element {main!r} starts at {top:.0f}px")
            page.screenshot(path=shots / f"phone-first-screen-{name}-{path.split('/')[1]}.png")
    small = page.evaluate(SMALL_TARGETS)
    if small:
        problems.append(f"{name} {path}: tap targets under 24px: " + "; ".join(small[:4]))
    return problems


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
def test_every_page_type_fits_the_screen(
    make_context, page_audit, world, staff, language, size, artifacts
):
    width, height = SIZES[size]
    phone = width < 600
    context = make_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    prefix = "" if language == "en" else f"/{language}"
    problems = []
    for name, (path, main) in world["pages"].items():
        problems += check(page, name, prefix + path, main, width, height, artifacts)
        if language == "ar":
            assert page.evaluate("document.documentElement.dir") == "rtl", path
    page.screenshot(path=artifacts / f"phone-last-{size}-{language}.png", full_page=True)

    sign_in(page, staff)
    for name, (path, main) in world["staff"].items():
        problems += check(page, name, prefix + path, main, width, height, artifacts)
    problems += page_audit.problems()
    assert not problems, f"{size} {language}:\n  " + "\n  ".join(problems)
