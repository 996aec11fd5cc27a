"""The counters behind every rate limit and the record of spent challenges (accounts/throttle.py),
called directly: increments from many connections at once are never lost, a window starts again
once it has passed (a refused client is told how much of it is left), and a spent challenge is
taken by exactly one caller, again once expired."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections

from unmask.accounts import throttle
from unmask.accounts.models import Counter


@pytest.fixture
def clock(monkeypatch):
    """A pinned clock; advance(seconds) moves it on."""
    now = [datetime(2026, 3, 1, 12, tzinfo=UTC)]
    monkeypatch.setattr(throttle.timezone, "now", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    return advance


def at_once(threads: int, calls: int, run) -> list:
    """What `calls` calls of run() return in each of `threads` threads released together, each
    thread on its own database connection."""
    start = threading.Barrier(threads)

    def one(_) -> list:
        try:
            start.wait()
            return [run() for _ in range(calls)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(threads) as pool:
        return [value for values in pool.map(one, range(threads)) for value in values]


@pytest.mark.django_db(transaction=True)
def test_increments_from_many_connections_at_once_are_each_counted_once():
    counts = at_once(8, 25, lambda: throttle.count("submit:parallel", 600))
    assert sorted(counts) == list(range(1, 201))  # every caller saw its own increment
    assert Counter.objects.get(key="submit:parallel").count == 200
    over = at_once(8, 5, lambda: throttle.over_limit("reply:parallel", 10, 600))
    assert over.count(False) == 10


@pytest.mark.django_db
def test_a_window_starts_again_once_it_has_passed(clock):
    assert [throttle.count("fixed", 60) for _ in range(3)] == [1, 2, 3]
    clock(59)
    assert throttle.count("fixed", 60) == 4  # still the window of the first event
    clock(1)
    assert throttle.count("fixed", 60) == 1

    assert throttle.count("sliding", 60, sliding=True) == 1
    clock(50)
    assert throttle.count("sliding", 60, sliding=True) == 2
    clock(50)
    assert throttle.count("sliding", 60, sliding=True) == 3  # 100 s after the first
    clock(60)
    assert throttle.count("sliding", 60, sliding=True) == 1

    assert [throttle.over_limit("limited", 2, 60) for _ in range(3)] == [False, False, True]
    clock(60)
    assert throttle.over_limit("limited", 2, 60) is False


@pytest.mark.django_db
def test_the_wait_a_429_announces_is_what_is_left_of_the_window(clock):
    assert throttle.seconds_left("waiting", 3600) == 3600  # nothing counted yet: a whole window
    throttle.count("waiting", 3600)
    clock(600.5)
    assert throttle.over_limit("waiting", 1, 3600)  # counted again: a fixed window stays put
    assert throttle.seconds_left("waiting", 3600) == 3000  # 2999.5 s, rounded up


@pytest.mark.django_db(transaction=True)
def test_a_challenge_is_spent_once_at_once_and_again_once_it_has_expired(clock):
    assert at_once(8, 1, lambda: throttle.spend("signature", 300)).count(True) == 1
    clock(299)
    assert throttle.spend("signature", 300) is False
    clock(1)
    assert at_once(8, 1, lambda: throttle.spend("signature", 300)).count(True) == 1
    assert throttle.spend("signature", 300) is False
