"""The page cache: public HTML pages for readers (GET or HEAD without a session cookie), kept per
version of the data, address, language and a time slot of PAGE_CACHE_SECONDS (for what depends
on the date). The ETag is made of the same things, so a conditional request is answered 304
before anything is rendered; a hit returns the stored headers and body. Domain apps say what
their pages depend on with depends_on(), read at most once a second per process.

When the database is down, readers get the last good copy of a page; anything else gets a short
503 with Retry-After in the site's layout. Nothing to restart: the next request tries again.
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
import logging
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.signals import got_request_exception, setting_changed
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError)  # the database cannot be reached (or is busy)
RETRY_AFTER = 30  # seconds, in a 503
BUILD_LOCK = 10  # seconds one request may build a page while the others get the last copy
NONCE_MARK = b"unmask-page-cache-nonce"
SKIPPED = ("/admin/", "/api/", "/static/", "/media/")
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage: a page shows them once

clock = time.time  # the time slots' clock (tests pin it, so no test crosses a slot's end)
_sources: list[Callable[[], str]] = []
_offline: list[Callable[[], dict]] = []
_memo: tuple[float, str] | None = None
# The pages this process answered last, by key: a key names one version of one page, so a copy
# here is as good as the shared cache's, without reading and unpickling it on every hit.
_local: OrderedDict[str, dict] = OrderedDict()
_local_lock = threading.Lock()


def depends_on(source: Callable[[], str]) -> None:
    """Register what public pages depend on: a function returning a short version string that
    changes with every write (a domain app calls this from its AppConfig.ready())."""
    if source not in _sources:
        _sources.append(source)


def offline_context(source: Callable[[], dict]) -> None:
    """Register what the 503 page's layout shows without the database (the demo's banner): a
    function returning template variables read from the cache only."""
    if source not in _offline:
        _offline.append(source)


def versions_changed() -> None:
    """Forget the versions read in this process (a writer calls this when it raises one)."""
    global _memo
    _memo = None


def versions() -> str:
    """The versions every public answer depends on (the settings' and each registered
    source's), read at most once every PAGE_VERSION_SECONDS in this process: the API's answer
    cache is keyed by them as the pages are."""
    return _versions()


def _versions() -> str:
    global _memo
    memo, now = _memo, time.monotonic()
    if memo is not None and memo[0] > now:
        return memo[1]
    value = "-".join([_configuration(), *(source() for source in _sources)])
    _memo = (now + settings.PAGE_VERSION_SECONDS, value)
    return value


_configured: str | None = None


def _configuration() -> str:
    """The settings, hashed: a changed setting (embeds, site name...) gives new pages, even
    from a cache that outlived a restart. Values only, never an object's address."""
    global _configured
    if _configured is None:
        values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
        dumped = json.dumps(
            values,
            sort_keys=True,
            default=lambda o: str(o) if isinstance(o, PurePath) else type(o).__name__,
        )
        _configured = hashlib.blake2b(dumped.encode(), digest_size=6).hexdigest()
    return _configured


def _settings_changed(**kwargs) -> None:
    global _configured
    _configured = None
    versions_changed()


setting_changed.connect(_settings_changed, dispatch_uid="unmask-page-cache-settings")


class Page:
    """A request the page cache may answer: its address, language and cache keys."""

    def __init__(self, address: str, language: str):
        self.address = address
        self.language = language
        named = hashlib.blake2b(f"{language}|{address}".encode(), digest_size=16).hexdigest()
        self.last_key = f"unmask:page-last:{named}"

    @classmethod
    def of(cls, request: HttpRequest) -> Page | None:
        path = request.path
        if (
            not settings.PAGE_CACHE_SECONDS
            or request.method not in ("GET", "HEAD")
            or not path.endswith("/")  # pages; files (feeds, calendars, data) cache themselves
            or path.startswith(SKIPPED)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or MESSAGES_COOKIE in request.COOKIES
        ):
            return None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        query = request.META.get("QUERY_STRING", "")
        return cls(f"{request.scheme}://{host}{path}?{query}", language)

    def etag(self, versions: str) -> str:
        """The same for every request in one time slot at these versions; the slots of
        different pages end at different moments, so they are not all rebuilt at once."""
        seconds = settings.PAGE_CACHE_SECONDS
        offset = int(self.last_key[-8:], 16) % seconds
        slot = int((clock() + offset) // seconds)
        made = f"{versions}|{slot}|{self.language}|{self.address}".encode()
        return f'W/"p{hashlib.blake2b(made, digest_size=12).hexdigest()}"'


def _matches(request: HttpRequest, etag: str) -> bool:
    sent = request.headers.get("If-None-Match")
    if not sent:
        return False
    bare = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == bare for t in sent.split(","))


def _not_modified(etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    if settings.PAGE_MAX_AGE:
        response["Cache-Control"] = f"public, max-age={settings.PAGE_MAX_AGE}"
    del response["Content-Type"]
    patch_vary_headers(response, ["Accept-Language", "Accept-Encoding"])
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and "Content-Encoding" not in response
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
    )


def _entry(request: HttpRequest, response: HttpResponse, etag: str) -> dict:
    """What is kept of a response: its headers and body, together. A nonce the page used is
    replaced by a mark, and each answer gets a fresh one."""
    body = response.content
    headers = [
        (k, v) for k, v in response.items() if k not in ("ETag", "Content-Length", "Date", "Vary")
    ]
    entry = {"headers": headers, "vary": response.get("Vary", ""), "etag": etag}
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str) and nonce:
        mark = NONCE_MARK.decode()
        return {
            **entry,
            "headers": [(k, v.replace(nonce, mark)) for k, v in headers],
            "body": body.replace(nonce.encode(), NONCE_MARK),
            "gzip": False,
            "nonce": True,
        }
    compressed = gzip.compress(body, compresslevel=6, mtime=0)
    return {**entry, "body": compressed, "gzip": True, "nonce": False}


def _answer(request: HttpRequest, entry: dict) -> HttpResponse:
    body, headers, encoded = entry["body"], entry["headers"], False
    if entry["nonce"]:
        nonce = base64.b64encode(os.urandom(16)).decode("ascii")
        body = body.replace(NONCE_MARK, nonce.encode())
        mark = NONCE_MARK.decode()
        headers = [(k, v.replace(mark, nonce)) for k, v in headers]
    elif entry["gzip"]:
        if "gzip" in request.headers.get("Accept-Encoding", "").lower():
            encoded = True
        else:
            body = gzip.decompress(body)
    response = HttpResponse(b"" if request.method == "HEAD" else body)
    for key, value in headers:
        response[key] = value
    response["Content-Length"] = str(len(body))
    if encoded:
        response["Content-Encoding"] = "gzip"
    if entry["vary"]:
        response["Vary"] = entry["vary"]
    patch_vary_headers(response, ["Accept-Encoding"])
    response["ETag"] = entry["etag"]
    response.page_cache = True
    return response


def unavailable(request: HttpRequest) -> HttpResponse:
    """A short 503 in the site's layout, rendered without the database: no context processors,
    and as for a reader (no cookies), so not even the session is read."""
    reader = copy.copy(request)
    reader.COOKIES = {}
    reader.LANGUAGE_CODE = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    context = {
        "request": reader,
        "site_name": settings.SITE_NAME,
        "robots": "noindex",
    }
    for source in _offline:
        context.update(source())
    try:
        body = get_template("web/unavailable.html").render(context)
    except Exception:
        logger.exception("The 503 page could not be rendered")
        body = "<!doctype html><title>503</title><h1>Service unavailable</h1>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    response.page_cache = True
    return response


def _mark_unavailable(sender, request=None, **kwargs) -> None:
    """An error anywhere under the middleware (another middleware, a template): note whether
    it was the database, so the 500 Django made becomes the last copy or a 503."""
    if request is not None and isinstance(sys.exc_info()[1], UNAVAILABLE):
        request.database_unavailable = True


got_request_exception.connect(_mark_unavailable, dispatch_uid="unmask-page-cache-unavailable")


def _keep(key: str, entry: dict) -> None:
    if settings.PAGE_LOCAL_ENTRIES:
        with _local_lock:
            _local[key] = entry
            _local.move_to_end(key)
            while len(_local) > settings.PAGE_LOCAL_ENTRIES:
                _local.popitem(last=False)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        page = Page.of(request)
        if page is None:
            return self._checked(request, None, self.get_response(request))
        try:
            versions = _versions()
        except UNAVAILABLE:
            request.database_unavailable = True
            return self._last_copy(request, page) or self._checked(
                request, page, self.get_response(request)
            )
        etag = page.etag(versions)
        if _matches(request, etag):
            return _not_modified(etag)
        key = f"unmask:page:{etag[3:-1]}"
        entry = _local.get(key) or cache.get(key)
        if entry is not None:
            _keep(key, entry)
            return _answer(request, entry)
        lock = f"{key}:building"
        locked = cache.add(lock, 1, BUILD_LOCK)
        if not locked:  # another request is building it: the last copy, if there is one
            last = cache.get(page.last_key)
            if last is not None:
                return _answer(request, last)
        try:
            response = self._checked(request, page, self.get_response(request))
            if not getattr(response, "page_cache", False) and _storable(request, response):
                entry = _entry(request, response, etag)
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS * 2)
                cache.set(page.last_key, entry, settings.PAGE_STALE_SECONDS)
                _keep(key, entry)
                return _answer(request, entry)
            return response
        finally:
            if locked:
                cache.delete(lock)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        request.database_unavailable = True  # web/replica.py then tries the primary
        said = str(exception).splitlines() or [type(exception).__name__]
        logger.warning("Database unavailable: %s", said[0][:200])
        page = Page.of(request)
        return (page and self._last_copy(request, page)) or unavailable(request)

    def _checked(self, request, page, response):
        """A 500 that the database being down caused becomes the last copy or a 503."""
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            return (page and self._last_copy(request, page)) or unavailable(request)
        return response

    @staticmethod
    def _last_copy(request: HttpRequest, page: Page) -> HttpResponse | None:
        entry = cache.get(page.last_key)
        return None if entry is None else _answer(request, entry)
