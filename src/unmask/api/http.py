"""HTTP behaviour of every API URL, wrapped around the views ninja makes: open to any origin for
reading (CORS without credentials), HEAD answered like GET, an ETag on every answer and 304 for
`If-None-Match`, a short public cache lifetime, no cookies, and JSON for unknown paths and for a
503 when the database is down. Answers are kept in the cache (`answer_cache`), keyed by the
versions of the data and a time slot as the pages are (web/pagecache.py): the same request
after no edit is answered without the database, whatever the number of readers, and gzipped
for a reader who accepts it (kept compressed beside the plain bytes).

The ETag is done here rather than left to Django's ConditionalGetMiddleware: the 304 that the
middleware makes keeps only a few headers, so a cross-origin reader would lose the CORS header
exactly when its copy is still good. With the middleware in MIDDLEWARE as well (for the pages),
nothing changes here: it keeps an ETag it finds and lets a 304 through."""

from __future__ import annotations

import gzip
import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from unmask.web import pagecache

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# The endpoints whose queries come in a body (POST), and write nothing: screening (/match).
POSTED = {"match": "POST, OPTIONS"}
RETRY_AFTER = 30  # seconds, in a 503 when the database cannot be reached
CORS = {
    "Access-Control-Allow-Origin": "*",  # public data; no credentials are ever accepted
    "Access-Control-Expose-Headers": "ETag",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    "Access-Control-Allow-Headers": (
        "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since"
    ),
    "Access-Control-Max-Age": "86400",
}


def public_view(view):
    """Wrap an API view: CORS on every answer, OPTIONS preflight, HEAD, no cookies."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        match = request.resolver_match
        allowed = POSTED.get(match.url_name if match else "", ALLOWED_METHODS)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = allowed
            for key, value in PREFLIGHT.items():
                response[key] = value
            response["Access-Control-Allow-Methods"] = allowed
        else:
            head = request.method == "HEAD"
            if head:
                request.method = "GET"  # as Django's class-based views do
            try:
                # The API speaks one language, whatever the reader's browser asks for, so one
                # URL always gives the same bytes (and the same ETag).
                with translation.override(settings.LANGUAGE_CODE):
                    response = answer_cache(view, request, *args, **kwargs)
            except (OperationalError, InterfaceError):  # the database is down: try again later
                response = JsonResponse(
                    {"detail": "The service is temporarily unavailable; try again later."},
                    status=503,
                )
                response["Retry-After"] = str(RETRY_AFTER)
                response["Cache-Control"] = "no-store"
            finally:
                if head:
                    request.method = "HEAD"
            if request.method == "POST":  # an answer to what one reader sent: kept by no one
                response["Cache-Control"] = "no-store"
            elif response.status_code in (200, 301) and settings.PAGE_MAX_AGE:
                response.headers.setdefault(
                    "Cache-Control", f"public, max-age={settings.PAGE_MAX_AGE}"
                )
            if response.status_code == 200 and not response.streaming and request.method != "POST":
                set_response_etag(response)
                response = get_conditional_response(
                    request, etag=response.get("ETag"), response=response
                )
            if head and response.status_code != 304 and not response.streaming:
                response["Content-Length"] = str(len(response.content))
                response.content = b""
        for key, value in CORS.items():
            response[key] = value
        # Readable from pages on other origins, whatever the site-wide default says.
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        response.cookies.clear()
        return response

    wrapped.csrf_exempt = True  # read-only and cookie-less (POST too: /match writes nothing)
    return wrapped


UNCACHED = {"openapi-json", "openapi-view"}  # the schema and its page: no data, nothing to keep
GZIP_FROM = 1024  # bytes: a kept answer this long is kept compressed too, for readers who accept it


def answer_cache(view, request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """The view's answer to this GET, from the cache when the data and the time slot are the
    same (PAGE_CACHE_SECONDS; 0 turns it off): the API speaks one language and reads no
    cookie, so the address (its scheme and host, for the absolute links) names the answer."""
    seconds = settings.PAGE_CACHE_SECONDS
    match = request.resolver_match
    if not seconds or request.method != "GET" or (match and match.url_name in UNCACHED):
        return view(request, *args, **kwargs)
    address = request.build_absolute_uri()  # answers hold absolute links: scheme and host too
    slot = int(time.time() // seconds)
    named = hashlib.blake2b(
        f"{pagecache.versions()}|{slot}|{address}".encode(), digest_size=16
    ).hexdigest()
    key = f"unmask:api:{named}"
    entry = cache.get(key)
    if entry is None:
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response
        entry = {"content": response.content, "headers": list(response.items())}
        if len(response.content) >= GZIP_FROM:
            entry["gzip"] = gzip.compress(response.content, compresslevel=6, mtime=0)
        cache.set(key, entry, seconds * 2)
    packed = entry.get("gzip") if "gzip" in request.headers.get("Accept-Encoding", "") else None
    response = HttpResponse(packed or entry["content"], status=200)
    for header, value in entry["headers"]:
        response[header] = value
    if packed:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def wrap_patterns(patterns):
    """Wrap every view under the API's URLs (in place) and return the patterns."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            wrap_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = public_view(pattern.callback)
    return patterns


def unknown_path(request: HttpRequest, path: str = ""):
    """Any other URL under the API: a JSON 404 rather than the site's HTML page; a trailing slash
    too many is forgiven with a redirect."""
    if request.path.endswith("/"):
        target = request.path.rstrip("/")
        try:
            known = resolve(target).url_name != "unknown"
        except Resolver404:
            known = False
        if known:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    return JsonResponse({"detail": "There is no such API endpoint; see the docs."}, status=404)
