"""Embeds that work, in a real browser: a page on another origin (a tiny server on another port
of the loopback) frames the map, the actions, a call and an organization's card, and each draws;
the auto-height script served by the site fits a frame to its content; a page that is not an
embed refuses to be framed. On the site, the "Share or embed" section gives the code with the
filters and language, copies it, previews the frame once opened, and fits a phone."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from unmask.campaign import services
from unmask.campaign.models import Call

from ..campaign.test_pages_feeds import announce
from .mapjs import SETTLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLUSTERS_DRAWN = "() => performance.getEntriesByName('unmask:clusters-drawn').length > 0"


class _Host(BaseHTTPRequestHandler):
    html = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.html)))
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_site():
    """Another origin: 127.0.0.1 on a port of its own (the live server is localhost:<port>)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Host", (_Host,), {}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def campaign(network, moderator):
    call = Call.objects.create(
        title="Stop the Korvex drone", body="They **supply** the airframe.", language="en"
    )
    services.write_targets(call, [network["orgs"]["engines"]])
    services.publish_call(call, actor=moderator)
    services.publish_action(announce(call=call), actor=moderator)
    return {"call": call, "org": network["orgs"]["engines"]}


def test_another_site_frames_each_embed_and_not_the_other_pages(
    browser, live_server, other_site, campaign
):
    site = live_server.url
    call, org = campaign["call"], campaign["org"]
    frames = {
        "map": f"{site}/embed/map/",
        "actions": f"{site}/embed/actions/?country=DE",
        "call": f"{site}/embed/call/{call.public_id}/",
        "org": f"{site}/de/embed/org/{org.public_id}/",
        "page-map": f"{site}/map/",
        "page-call": f"{site}{call.get_absolute_url()}",
    }
    iframes = "\n".join(
        f'<iframe id="{name}" src="{url}" title="{name}" width="480" height="{400 if name == "map" else 150}"></iframe>'
        for name, url in frames.items()
    )
    other_site.RequestHandlerClass.html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A group\'s site</title>'
        f'<script src="{site}/static/unmask/embed.js" async></script></head>'
        f"<body><h1>Our campaign</h1>{iframes}</body></html>"
    ).encode()
    host = f"http://127.0.0.1:{other_site.server_address[1]}/"
    assert urlsplit(host).netloc != urlsplit(site).netloc

    context = browser.new_context(locale="en-GB", timezone_id="UTC")
    context.set_default_timeout(15_000)
    allowed = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in (site, host)}
    offsite, refusals, errors = [], [], []

    def guard(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" in allowed:
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort("blockedbyclient")

    def console(message):
        if message.type != "error":
            return
        (refusals if "frame-ancestors" in message.text else errors).append(message.text)

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(host)
        expect(page.locator("h1")).to_have_text("Our campaign")

        map_frame = page.frame_locator("#map")
        expect(map_frame.locator(".map-canvas canvas")).to_have_count(1)
        map_document = page.locator("#map").element_handle().content_frame()
        map_document.wait_for_function(CLUSTERS_DRAWN, timeout=30_000)
        map_document.evaluate(SETTLED)  # fitted to the sites, its list written
        # In a frame as narrow as a phone the list of sites is folded, one tap away.
        map_frame.get_by_text("Show the list").click()
        expect(map_frame.locator("[data-map-list] li").first).to_be_visible()

        expect(
            page.frame_locator("#actions").get_by_text("Vigil at the Korvex gate")
        ).to_be_visible()
        call_frame = page.frame_locator("#call")
        expect(call_frame.locator("h1")).to_have_text("Stop the Korvex drone")
        expect(call_frame.get_by_text("Vigil at the Korvex gate")).to_be_visible()
        org_frame = page.frame_locator("#org")
        expect(org_frame.locator("h1")).to_have_text(org.name)
        expect(org_frame.locator("html")).to_have_attribute("lang", "de")

        # embed.js fits the card and the lists to their content (150 px at first).
        page.wait_for_function(
            "document.getElementById('call').getBoundingClientRect().height > 170"
        )
        page.wait_for_function("document.getElementById('org').style.height !== ''")
        assert page.evaluate("document.getElementById('map').clientHeight") == 400  # left alone

        # The pages themselves refuse: the browser shows no part of them in the frame.
        page.wait_for_function(
            "() => ['page-map', 'page-call'].every((id) => "
            "{ try { return !document.getElementById(id).contentDocument; } catch (e) { return true; } })"
        )
        for name in ("page-map", "page-call"):
            frame = page.locator(f"#{name}").element_handle().content_frame()
            assert frame.url != frames[name] and not frame.url.startswith(site), frame.url
            shown = frame.evaluate("document.body ? document.body.innerText : ''")
            assert "Korvex" not in shown  # both pages name it: neither is shown
        assert len(refusals) >= 2, refusals
        assert not offsite, offsite
        assert not errors, errors
    finally:
        context.close()


def test_share_or_embed_on_the_actions_list(page, live_server, campaign, artifacts):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/de/actions/?country=DE")
    share = page.locator("details.share")
    preview = share.locator("iframe[data-share-preview]")
    assert preview.get_attribute("src") is None  # nothing loaded before the section opens
    share.locator("summary").click()
    code = share.locator("#share-code")
    value = code.input_value()
    assert f'src="{live_server.url}/de/embed/actions/?country=DE"' in value
    assert 'height="480"' in value
    expect(preview.content_frame.get_by_text("Vigil at the Korvex gate")).to_be_visible()

    share.locator("#share-height").fill("320")
    expect(code).to_have_value(re.compile(r'height="320"'))
    expect(preview).to_have_attribute("height", "320")

    share.locator("[data-copy='share-code']").click()
    expect(share.locator("[data-share-status]")).not_to_be_empty()
    assert page.evaluate("navigator.clipboard.readText()") == code.input_value()

    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts / "share-embed-phone.png", full_page=True)


def test_share_on_the_map_follows_its_filters(page, live_server, campaign):
    page.goto("/map/?country=DE")
    page.locator("details.share summary").click()
    code = page.locator("#share-code")
    assert f'src="{live_server.url}/embed/map/?country=DE"' in code.input_value()
    assert page.locator("#share-script").count() == 0  # the map fills its frame: no auto-height
    # A filter changed in place: the code and the link follow the address.
    page.get_by_label("Kind of organization").select_option("financial")
    expect(code).to_have_value(re.compile(r"/embed/map/\?country=DE&amp;kind=financial\""))
    expect(page.locator("#share-link")).to_have_value(
        f"{live_server.url}/map/?country=DE&kind=financial"
    )


@pytest.mark.parametrize("language", ["ar", "ckb"])
def test_the_cards_fit_a_narrow_frame_right_to_left(page, campaign, artifacts, language):
    page.set_viewport_size({"width": 300, "height": 600})
    for name, path in (
        ("org", f"/{language}/embed/org/{campaign['org'].public_id}/"),
        ("call", f"/{language}/embed/call/{campaign['call'].public_id}/"),
    ):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 300, name
        page.screenshot(path=artifacts / f"embed-{name}-{language}.png", full_page=True)
