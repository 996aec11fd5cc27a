"""Browser tests: Debian's Chromium driven by Playwright (sync API) against Django's live server.

Fixtures for every browser test in this folder:

- ``browser``: one headless Chromium per test module (``/usr/bin/chromium``; no ``playwright
  install``). Missing browser: the tests skip, or fail when ``CI=true``.
- ``context``: a fresh browser context per test (no shared cookies or storage), whose base URL is
  the live server. Any request to another host is aborted and recorded. ``make_context(**opts)``
  opens more (phone viewport, dark scheme...), watched the same way.
- ``page``: a page in that context whose requests, console errors and page errors are recorded in
  ``page_audit``; the test fails if anything left the site or any error was logged (CSP violations
  are console errors in Chromium).
- ``page_audit`` / ``assert_same_origin``: the record, and a call that checks it mid-test.
- ``artifacts``: ``test-artifacts/browser/`` for screenshots (git-ignored).
- ``staff``: one person who moderates actions and checks replies (both queues);
  ``sign_in(page, user)`` signs them in through the admin's form.

Browser tests need the live server's database to be visible from its thread:
mark them ``@pytest.mark.django_db(transaction=True)`` (and ``@pytest.mark.browser``; every test
in this folder gets the ``browser`` marker anyway).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
HERE = Path(__file__).resolve().parent
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root in a container
    "--use-angle=swiftshader",  # software WebGL (the map needs it), no GPU required
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",  # nothing but the page's own requests
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
]
LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects
def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class PageAudit:
    """Everything a page asked for or complained about during one test."""

    origin: str
    requests: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def is_same_origin(self, url: str) -> bool:
        scheme = urlsplit(url).scheme
        return scheme in LOCAL_SCHEMES or _origin(url) == self.origin

    def record_request(self, request) -> None:
        self.requests.append(f"{request.method} {request.url}")
        if not self.is_same_origin(request.url):
            self.offsite.append(f"{request.method} {request.url}")

    def record_console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def record_response(self, response) -> None:
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.url}")

    def problems(self) -> list[str]:
        found = [f"request left the site: {r}" for r in self.offsite]
        found += [f"console error: {e}" for e in self.console_errors]
        found += [f"page error: {e}" for e in self.page_errors]
        found += [f"failed response: {r}" for r in self.failed_responses]
        return found

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "The page misbehaved:\n  " + "\n  ".join(problems)

    def clear(self) -> None:
        """Forget what was seen so far (e.g. after a step that is expected to log an error)."""
        for bucket in (
            self.requests,
            self.offsite,
            self.console_errors,
            self.page_errors,
            self.failed_responses,
        ):
            bucket.clear()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (tools/ensure_debian.py does)."
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests cannot run in CI: {message}", pytrace=False)
        pytest.skip(f"Browser tests skipped: {message}")
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop on this thread; Django's ORM would then refuse to
    # run here (SynchronousOnlyOperation) although every call is in fact synchronous. Allow it
    # only while a browser is open: module scope, so tests outside this folder keep the check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_audit(live_server) -> PageAudit:
    return PageAudit(origin=_origin(live_server.url))


@pytest.fixture
def make_context(browser, live_server, page_audit):
    """Open more browser contexts (phone size, dark scheme, another locale...), all watched by
    ``page_audit`` and closed after the test: ``make_context(viewport=..., color_scheme=...)``."""
    opened = []

    def guard(route):
        # Never let a test reach the internet: off-site requests are recorded and aborted.
        if page_audit.is_same_origin(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def make(**options):
        settings = {
            "base_url": live_server.url,
            "locale": "en-GB",
            "timezone_id": "UTC",
            "viewport": {"width": 1280, "height": 900},
            **options,
        }
        ctx = browser.new_context(**settings)
        ctx.set_default_timeout(10_000)
        ctx.route("**/*", guard)
        ctx.on("request", page_audit.record_request)
        ctx.on("response", page_audit.record_response)
        ctx.on("console", page_audit.record_console)
        ctx.on("weberror", lambda error: page_audit.page_errors.append(str(error.error)))
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        ctx.close()


@pytest.fixture
def context(make_context):
    return make_context()


@pytest.fixture
def page(context, page_audit):
    pg = context.new_page()
    yield pg
    page_audit.assert_clean()


@pytest.fixture
def assert_same_origin(page_audit):
    """Call to check, at any point, that nothing left the site and nothing logged an error."""
    return page_audit.assert_clean


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def staff(db, django_user_model):
    """Someone who moderates actions and checks replies: both queues."""
    from django.contrib.auth.models import Group

    from unmask.accounts import roles

    user = django_user_model.objects.create_user(username="sam", password="pw-sam", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=[roles.MODERATOR, roles.REVIEWER]))
    return user


def sign_in(page, user) -> None:
    """Sign `user` (made by a fixture here: password "pw-" + user name) in on `page`."""
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"pw-{user.username}")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's source, to inject into a page (test_accessibility.py)."""
    if not AXE.exists():
        message = f"{AXE} is missing: `make assets` installs the front end's packages (npm ci)."
        if os.environ.get("CI") == "true":
            pytest.fail(f"The accessibility test cannot run in CI: {message}", pytrace=False)
        pytest.skip(f"Accessibility test skipped: {message}")
    return AXE.read_text(encoding="utf-8")
