"""Rate limits and spent proof-of-work challenges hold when requests arrive at once, with the
page cache as in production (a file cache, which cannot increment atomically), and still hold
after that cache is emptied: counters and spent challenges are not kept in it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client

from unmask.campaign.models import Action
from unmask.record.models import Response
from unmask.record.views import REPLY_LIMIT

from .test_submit import solved, typed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def production_cache(settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }
    settings.POW_COST = 10
    settings.POW_COUNTER = 40


def at_once(n: int, send) -> list[int]:
    """Status codes of n requests sent by n threads released together, from one address."""
    start = threading.Barrier(n)

    def one(i: int) -> int:
        try:
            client = Client(REMOTE_ADDR="198.51.100.40")
            start.wait()
            return send(client, i).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(n) as pool:
        return sorted(pool.map(one, range(n)))


def test_thirty_submissions_at_once_get_at_most_the_limit(settings):
    settings.SUBMIT_LIMIT = 10
    payloads = [solved(Client()) for _ in range(30)]
    statuses = at_once(
        30,
        lambda client, i: client.post("/submit/", typed(title=f"Vigil {i}", altcha=payloads[i])),
    )
    assert statuses == [302] * 10 + [429] * 20
    assert Action.objects.count() == 10


def test_thirty_replies_at_once_get_at_most_the_limit(make_org):
    org = make_org("Korvex Aerodynamics")
    url = f"/org/{org.public_id}/{org.slug}/reply/"
    data = {"text": "We ended all deliveries to the program.", "contact_email": "p@example.org"}
    statuses = at_once(30, lambda client, i: client.post(url, data))
    assert statuses == [302] * REPLY_LIMIT + [429] * (30 - REPLY_LIMIT)
    assert Response.objects.count() == REPLY_LIMIT


def test_a_solved_challenge_is_accepted_once_even_at_once_and_after_the_cache_is_emptied():
    payload = solved(Client())
    statuses = at_once(
        8, lambda client, i: client.post("/submit/", typed(title=f"Vigil {i}", altcha=payload))
    )
    assert statuses == [302] + [400] * 7
    cache.clear()  # as when readers fill the page cache and old entries are culled
    again = Client().post("/submit/", typed(title="Vigil again", altcha=payload))
    assert again.status_code == 400
    assert "This anti-spam check was already used." in again.content.decode()
    assert Action.objects.count() == 1
