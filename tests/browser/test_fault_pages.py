"""The three short pages people meet when something goes wrong, in a real browser at a phone's
size (390×844) and a desktop's (1366×768), in English and in Arabic (right to left):

- web/unavailable.html: the database is down and no copy of the page was kept: 503 with
  Retry-After, rendered without the database;
- web/busy.html: a form sent while SQLite's write lock is held (by this test, from its own
  connection) past every retry: 503 with Retry-After that keeps what was typed and sends it again;
- web/limited.html: one post more than the rate limit allows: 429 with a way back to the form.

Each is in the language asked for and its direction, says what happened, offers a way back or a
retry on screen without sideways scrolling, and loads nothing from another site."""

from __future__ import annotations

import contextlib
import re
import sqlite3

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from unmask.record.models import Response
from unmask.web import busy, pagecache

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (390, 844), "desktop": (1366, 768)}
ORG = "Varnholt Kinetics GmbH"
# What a person types, with what HTML would misread: it must come back exactly.
TYPED = 'We never delivered "rotor hubs" <b>to</b> that program.\nSee our 2024 report & notes.'
EMAIL = "press@varnholt.example"

# Where the document and each visible element in <main> end, against the screen's width.
LAYOUT = """() => {
  const doc = document.scrollingElement;
  const width = doc.clientWidth;
  const visible = [...document.querySelectorAll('main *')].filter((el) => el.offsetParent);
  return {
    scrollWidth: doc.scrollWidth, width,
    outside: visible.filter((el) => {
      const box = el.getBoundingClientRect();
      return box.left < -1 || box.right > width + 1;
    }).map((el) => el.outerHTML.slice(0, 100)),
    cut: visible.filter((el) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
      .map((el) => `${el.outerHTML.slice(0, 100)} (${el.scrollWidth} in ${el.clientWidth})`),
  };
}"""


def said(language: str, message: str) -> str:
    """The catalogue's `message` in `language`; in any language but English it must have one."""
    with translation.override(language):
        text = translation.gettext(message)
    assert language == "en" or text != message, f"not translated into {language}: {message!r}"
    return text


def prefixed(language: str, path: str) -> str:
    return path if language == "en" else f"/{language}{path}"


def open_page(make_context, size: str):
    width, height = SIZES[size]
    phone = width < 600
    context = make_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    return context.new_page()


def check_page(page, language, heading, message, way, name, artifacts) -> None:
    """What a person needs from a short fault page: their language and direction, what
    happened, and a way on (`way`, a locator) on the screen, nothing wider than it."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == ("rtl" if language == "ar" else "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # The tab's title (what a screen reader says first) names what happened too.
    expect(page).to_have_title(re.compile(rf"^{re.escape(heading)} · "))
    expect(page.locator("main")).to_contain_text(message)
    expect(way).to_be_visible()
    layout = page.evaluate(LAYOUT)
    assert layout["scrollWidth"] <= layout["width"], f"{name} scrolls sideways: {layout}"
    assert not layout["outside"] and not layout["cut"], f"{name} past its box: {layout}"
    width = page.viewport_size["width"]
    box = way.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{name}: {box}"
    page.screenshot(path=artifacts / f"fault-{name}-{language}-{width}.png", full_page=True)


def assert_only(page_audit, status: int, path: str) -> None:
    """Nothing left the site and nothing failed but the one answer the test caused (Chromium
    also logs that answer's status as a console error)."""
    expected = [r for r in page_audit.failed_responses if r.startswith(f"{status} ")]
    assert expected and all(r.split(" ", 1)[1].endswith(path) for r in expected), expected
    page_audit.failed_responses[:] = [r for r in page_audit.failed_responses if r not in expected]
    page_audit.console_errors[:] = [
        e for e in page_audit.console_errors if f"status of {status}" not in e
    ]
    page_audit.assert_clean()


@contextlib.contextmanager
def database_down():
    """New connections to the database fail, as when its server or disk went away: SQLite's
    file is looked for in a folder that does not exist, PostgreSQL on a closed port. The live
    server opens a connection for each request on SQLite (CONN_MAX_AGE=0), and on PostgreSQL
    each request runs in a new thread, so its next request meets the change."""
    settings = connection.settings_dict
    saved = {key: settings[key] for key in ("NAME", "HOST", "PORT")}
    if connection.vendor == "sqlite":
        settings["NAME"] = "/nonexistent-unmask-test/gone.sqlite3"
    else:
        settings["HOST"], settings["PORT"] = "127.0.0.1", "9"  # discard: nothing listens
    try:
        yield
    finally:
        settings.update(saved)


@contextlib.contextmanager
def write_lock():
    """SQLite's write lock, held from another connection to the live server's database file
    (another process's long write, as far as the site can tell)."""
    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=5, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


@pytest.fixture
def org(make_org):
    return make_org(ORG)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("size", list(SIZES))
def test_with_the_database_down_a_reader_gets_a_short_503(
    make_context, page_audit, org, language, size, artifacts
):
    cache.clear()  # no copy of any page kept: the 503 is all there is to answer with
    page = open_page(make_context, size)
    with translation.override(language):
        path = org.get_absolute_url()
    with database_down():
        response = page.goto(path)
        assert response.status == 503
        assert response.headers["retry-after"] == str(pagecache.RETRY_AFTER)
        assert "no-store" in response.headers["cache-control"]
        check_page(
            page,
            language,
            said(language, "Temporarily unavailable"),
            said(
                language, "The site cannot reach its data just now. Please try again in a minute."
            ),
            page.locator("header a.brand"),  # back to the home page (a kept copy, or this page)
            "unavailable",
            artifacts,
        )
        # and a way to ask again for the same page, in the page's language (whatever its
        # catalogue says: "Try again" may not be translated yet)
        with translation.override(language):
            again = translation.gettext("Try again")
        retry = page.locator("main").get_by_role("link", name=again, exact=True)
        expect(retry).to_be_visible()
        expect(retry).to_have_attribute("href", path)
    assert_only(page_audit, 503, path)


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock; PostgreSQL has row locks"
)
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("size", list(SIZES))
def test_a_reply_sent_while_the_database_is_busy_is_kept_and_sent_again(
    make_context, page_audit, org, language, size, monkeypatch, artifacts
):
    # Give up after a second rather than the twenty seconds a person would wait.
    options = connection.settings_dict["OPTIONS"]
    waits = options["init_command"].replace("busy_timeout=10000", "busy_timeout=200")
    assert waits != options["init_command"], "the busy timeout moved: update this test"
    monkeypatch.setitem(options, "init_command", waits)
    monkeypatch.setattr(busy, "RETRY_DELAYS", (0.05, 0.1))
    page = open_page(make_context, size)
    with translation.override(language):
        path = reverse("record:organization-reply", args=[org.public_id, org.slug])
    page.goto(path)
    page.fill("#id_text", TYPED)
    page.fill("#id_contact_email", EMAIL)

    with write_lock():
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name=said(language, "Send the reply")).click()
        response = posted.value
        assert response.status == 503
        assert response.headers["retry-after"] == str(busy.RETRY_AFTER)
        assert "no-store" in response.headers["cache-control"]
        again = page.get_by_role("button", name=said(language, "Send again"))
        check_page(
            page,
            language,
            said(language, "The site is busy"),
            said(language, "Nothing was saved yet. Please send it again in a moment."),
            again,
            "busy",
            artifacts,
        )
        # What was typed is in the form, exactly (the page's parser reads a line break as \n).
        form = page.locator("main form")
        assert form.locator("[name=text]").input_value() == TYPED
        assert form.locator("[name=contact_email]").input_value() == EMAIL
        assert not Response.objects.exists()  # and nothing was saved

    # The lock is gone: one press sends what was typed.
    again.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        said(language, "Thank you: your reply was received")
    )
    reply = Response.objects.get(organization=org)
    assert (reply.text.replace("\r\n", "\n"), reply.contact_email) == (TYPED, EMAIL)
    assert_only(page_audit, 503, path)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("size", list(SIZES))
def test_one_action_more_than_the_limit_gets_a_short_429(
    make_context, page_audit, settings, language, size, artifacts
):
    settings.SUBMIT_LIMIT = 1  # an hour's worth from one client
    settings.POW_COST, settings.POW_COUNTER = 10, 20  # the proof of work in a blink
    page = open_page(make_context, size)
    path = prefixed(language, "/submit/")
    page.goto(path)
    statuses = []
    for _ in range(2):  # the first post is counted (incomplete: shown again), the second is over
        page.fill("#id_title", "Vigil at the Varnholt gate")  # focusing starts the proof of work
        solution = page.locator("input[name=altcha]")
        expect(solution).to_have_value(re.compile(r".+"), timeout=30_000)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name=said(language, "Send the action")).click()
        statuses.append(posted.value.status)
        page.wait_for_load_state()
    assert statuses == [400, 429]
    # when the hour's window, opened by the first post a moment ago, frees up
    assert 3500 < int(posted.value.headers["retry-after"]) <= 3600
    back = page.locator("main").get_by_role("link", name=said(language, "Announce an action"))
    expect(back).to_have_attribute("href", path)  # back to the form, in the same language
    check_page(
        page,
        language,
        said(language, "Announce an action"),
        said(language, "Too many submissions from here in the last hour. Try again later."),
        back,
        "limited",
        artifacts,
    )
    expect(page.locator("main [role=alert]")).to_be_visible()
    page_audit.failed_responses[:] = [
        r for r in page_audit.failed_responses if not r.startswith("400 ")
    ]
    page_audit.console_errors[:] = [
        e for e in page_audit.console_errors if "status of 400" not in e
    ]
    assert_only(page_audit, 429, path)
