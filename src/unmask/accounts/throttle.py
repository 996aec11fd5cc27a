"""Sign-in throttling keys. django-axes counts failures per user name and client; the client is
given to it as a salted hash, so neither the cache nor any log ever holds an address."""

import hashlib

from django.conf import settings


def client_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.blake2b(address.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16)
    return digest.hexdigest()
