"""Who is counted, and the counters. django-axes counts sign-in failures per user name and client;
the client is given to it as a salted hash, so nothing stored and no log ever holds an address.
Rate limits and spent challenges are kept in the database (see unmask.accounts.models); a
client over a limit gets a short 429 that says when it may post again."""

import hashlib
import math
import random
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from unmask.accounts.models import Counter, SpentChallenge

CLEAN_UP_CHANCE = 0.01  # of a call that counts or spends, to delete what has expired


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


def count(key: str, window: int, *, sliding: bool = False) -> int:
    """Add one to the counter `key` and return its new value. The count starts again from 1
    once `window` seconds have passed since its first event (`sliding`: since its last). One
    INSERT ... ON CONFLICT statement, so parallel requests never lose an increment."""
    _clean_up_now_and_then()
    now = timezone.now()
    table = connection.ops.quote_name(Counter._meta.db_table)
    key_, count_ = connection.ops.quote_name("key"), connection.ops.quote_name("count")
    adapt = connection.ops.adapt_datetimefield_value
    expired = f"{table}.expires_at <= %s"
    expires = (
        "excluded.expires_at"
        if sliding
        else f"CASE WHEN {expired} THEN excluded.expires_at ELSE {table}.expires_at END"
    )
    # names from the model, values as parameters
    sql = (
        f"INSERT INTO {table} ({key_}, {count_}, updated_at, expires_at) VALUES (%s, 1, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({key_}) DO UPDATE SET "
        f"{count_} = CASE WHEN {expired} THEN 1 ELSE {table}.{count_} + 1 END, "
        f"expires_at = {expires}, updated_at = excluded.updated_at "
        f"RETURNING {count_}"
    )
    params = [key, adapt(now), adapt(now + timedelta(seconds=window)), adapt(now)]
    if not sliding:
        params.append(adapt(now))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def over_limit(key: str, limit: int, window: int) -> bool:
    """Count one more event for `key` in the current window of `window` seconds and say whether
    it went over `limit`."""
    return count(key, window) > limit


def seconds_left(key: str, window: int) -> int:
    """Seconds until the window of the counter `key` ends and its count starts again (a fixed
    window: the first event's time plus `window`); the whole window if it has no counter."""
    ends = Counter.objects.filter(key=key).values_list("expires_at", flat=True).first()
    if ends is None:
        return window
    return max(1, math.ceil((ends - timezone.now()).total_seconds()))


def refuse(request, key: str, window: int, context: dict) -> HttpResponse:
    """The short page a client over the limit on `key` gets (web/limited.html, 429), saying
    when it may post again, in Retry-After too: what a flood of posts is answered with."""
    wait = seconds_left(key, window)
    context = {**context, "minutes": math.ceil(wait / 60)}
    response = render(request, "web/limited.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def spend(signature: str, lifetime: int) -> bool:
    """Remember `signature` as used for `lifetime` seconds; False if it already was. The unique
    constraint decides, so of two parallel requests with the same signature only one wins."""
    _clean_up_now_and_then()
    now = timezone.now()
    expires_at = now + timedelta(seconds=lifetime)
    try:
        with transaction.atomic():
            SpentChallenge.objects.create(signature=signature, expires_at=expires_at)
        return True
    except IntegrityError:
        # used before; if that use has expired, take it over (one taker wins the update)
        taken = SpentChallenge.objects.filter(signature=signature, expires_at__lte=now)
        return taken.update(expires_at=expires_at) == 1


def clean_up() -> None:
    """Delete expired counters and spent challenges."""
    now = timezone.now()
    Counter.objects.filter(expires_at__lte=now).delete()
    SpentChallenge.objects.filter(expires_at__lte=now).delete()


def _clean_up_now_and_then() -> None:
    if random.random() < CLEAN_UP_CHANCE:  # noqa: S311 - not a secret
        clean_up()
