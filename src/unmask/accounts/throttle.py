"""Sign-in throttling keys. django-axes counts failures per user name and client; the client is
given to it as a salted hash, so neither the cache nor any log ever holds an address."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with UNMASK_PROXY_COUNT=N trusted proxies in front,
    the address the outermost of them saw (the N-th entry from the right of X-Forwarded-For)."""
    if settings.PROXY_COUNT:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= settings.PROXY_COUNT:
            return forwarded[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request) -> str:
    address = client_address(request)
    digest = hashlib.blake2b(
        address.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    )
    return digest.hexdigest()


def over_limit(key: str, limit: int, window: int) -> bool:
    """Count one more event for `key` in the current fixed window of `window` seconds and say
    whether it went over `limit`. The window is part of the cache key, so the count expires with
    it on every cache backend (a file cache's incr() would reset the expiry). Counts live in
    the cache only."""
    bucket = int(time.time()) // window
    cache_key = f"rate:{key}:{bucket}"
    if cache.add(cache_key, 1, window):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, window)
        count = 1
    cache.touch(cache_key, window)
    return count > limit
