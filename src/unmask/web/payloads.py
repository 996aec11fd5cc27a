"""Responses for data derived from much of the record (the map's GeoJSON, the network graph):
built once per record version and set of parameters, kept compressed in the cache, and
answered with an ETag that changes exactly when the record does.

The version is one indexed read (record/version.py), so a conditional request for unchanged
data answers 304 without building anything.

After an edit no reader waits for a rebuild (UNMASK_PAYLOAD_STALE, on by default): a reader
whose payload is not built yet at the new version gets the last one built, with its own version's
ETag, at once, and one background thread builds the new one; the next readers get it once it is
there. The same when a new time slot begins for a payload that names one (the feeds' day, the
map of actions' hour: TIME_SLOTS). A signed-in member of staff (a session cookie) and a payload
never built before wait for the build, so staff see their edit at once. Builds are shared:
however many requests ask, one builds (a lock in the cache) and the others wait for it or take
the last copy.
"""

from __future__ import annotations

import contextvars
import gzip
import hashlib
import json
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from unmask.web import versions

CACHE_SECONDS = 24 * 3600  # a new version makes new keys; old ones age out
BUILD_WAIT = 30  # seconds a request waits for another one building the same payload
POLL = 0.05
logger = logging.getLogger(__name__)


def _accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _compress(build: Callable[[], bytes | Iterable[bytes]]) -> bytes:
    """The payload `build()` makes, gzipped. Given in parts (an iterable of bytes: the ICS
    calendars), each part is compressed in a thread of its own while the next one is written:
    zlib lets go of the interpreter while it compresses, so a calendar of 10,000 actions costs
    little more than writing it (a fifth of its time was compressing)."""
    made = build()
    if isinstance(made, bytes):
        return gzip.compress(made, compresslevel=6, mtime=0)
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: with gzip's header and trailer
    packed: list[bytes] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="unmask-gzip") as pool:
        pending = None
        for part in made:
            if pending is not None:
                packed.append(pending.result())
            pending = pool.submit(packer.compress, part)
        if pending is not None:
            packed.append(pending.result())
    packed.append(packer.flush())
    return b"".join(packed)


# Parameters that name when a payload was built, not what it holds (the feeds' UTC day, the map
# of actions' hour): the last payload built is kept across them (derived_response).
TIME_SLOTS = ("day", "hour")


def _digest(params: dict, *, slots: bool = True) -> str:
    if not slots:
        params = {k: v for k, v in params.items() if k not in TIME_SLOTS}
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:20]


def _keep(key: str, last_key: str, current: str, digest: str, compressed: bytes) -> None:
    cache.set(key, compressed, CACHE_SECONDS)
    cache.set(last_key, (current, digest, compressed), CACHE_SECONDS)


def _build_later(
    key: str, last_key: str, current: str, digest: str, build: Callable[[], bytes]
) -> None:
    """Build the payload in a thread of its own, unless another request is building it; in the
    request's language and context (where its reads go: web/replica.py)."""
    lock = f"{key}:building"
    if not cache.add(lock, 1, BUILD_WAIT):
        return
    context, language = contextvars.copy_context(), translation.get_language()

    def run() -> None:
        try:
            with translation.override(language):
                _keep(key, last_key, current, digest, _compress(build))
        except Exception:
            logger.exception("Building %s in the background failed", key)
        finally:
            cache.delete(lock)
            connections.close_all()  # this thread's own

    threading.Thread(target=context.run, args=(run,), name="unmask-payload", daemon=True).start()


def _built(key: str, build: Callable[[], bytes]) -> bytes:
    """Build the payload once, however many requests ask for it at the same time: the first
    takes a lock in the cache and builds; the others wait for its result (up to BUILD_WAIT
    seconds, then build it themselves), so a burst of requests after an edit, or an attack on
    an expensive filter, costs one build instead of one per worker."""
    lock = f"{key}:building"
    if cache.add(lock, 1, BUILD_WAIT):
        try:
            compressed = _compress(build)
            cache.set(key, compressed, CACHE_SECONDS)
            return compressed
        finally:
            cache.delete(lock)
    deadline = time.monotonic() + BUILD_WAIT
    while time.monotonic() < deadline:
        time.sleep(POLL)
        compressed = cache.get(key)
        if compressed is not None:
            return compressed
        if cache.get(lock) is None:  # the builder failed or its lock expired
            break
    compressed = _compress(build)
    cache.set(key, compressed, CACHE_SECONDS)
    return compressed


def _not_modified(etag: str, modified: str | None) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    if modified:
        response["Last-Modified"] = modified
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def derived_response(
    request: HttpRequest,
    kind: str,
    params: dict,
    build: Callable[[], bytes],
    content_type: str,
    *,
    filename: str = "",
    scope: int | None = None,
    last_modified: datetime | None = None,
) -> HttpResponse:
    """Answer with the payload `build()` makes for these parameters at the current version of
    `scope` (by default the record's; or the campaign's: web/versions.py). With `last_modified`
    (never later than the data: read before the version), the answer carries it and a request
    whose If-Modified-Since is not older gets 304, unless it sent If-None-Match (RFC 9110
    13.2.2)."""
    modified = http_date(last_modified.timestamp()) if last_modified else None
    digest = _digest(params)
    current = versions.stamp() if scope is None else versions.stamp(scope)
    etag = f'W/"{kind}-{current}-{digest}"'  # weak: the same for the gzip and plain encodings
    sent = [
        t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")
    ]
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    unchanged = (
        last_modified is not None
        and "If-None-Match" not in request.headers
        and since is not None
        and int(last_modified.timestamp()) <= since
    )
    if etag.removeprefix("W/") in sent or "*" in sent or unchanged:
        return _not_modified(etag, modified)
    key = f"unmask:{kind}:{current}:{digest}"
    # The last one built is kept whatever the time slot: a new day or hour is not a new set of
    # parameters, and its first reader need not wait either.
    last_key = f"unmask:{kind}:last:{_digest(params, slots=False)}"
    compressed = cache.get(key)
    if compressed is None:
        last = None
        if settings.PAYLOAD_STALE and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            last = cache.get(last_key)
        if last is not None and len(last) != 3:
            last = None  # kept by an older release, without its parameters' digest
        if last is not None:  # the last one built, now; the new one in the background
            _build_later(key, last_key, current, digest, build)
            built_at, built_digest, compressed = last
            # What it is: older. Its own ETag, which the new one's never equals.
            etag, modified = f'W/"{kind}-{built_at}-{built_digest}"', None
            if etag.removeprefix("W/") in sent:
                return _not_modified(etag, None)
        else:
            compressed = _built(key, build)
            cache.set(last_key, (current, digest, compressed), CACHE_SECONDS)
    if _accepts_gzip(request):
        response = HttpResponse(compressed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), content_type=content_type)
    response["ETag"] = etag
    if modified:
        response["Last-Modified"] = modified
    patch_vary_headers(response, ["Accept-Encoding"])
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
