"""Sign-in throttling keys. django-axes counts failures per user name and client; the client is
given to it as a salted hash, so neither the cache nor any log ever holds an address."""

import hashlib

from django.conf import settings


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
