"""Derived payloads (the map's GeoJSON, the graph, the feeds) are built once per version however
many requests ask at the same moment: a burst after an edit costs one build, not one a worker;
and after an edit readers get the last one built at once while the new one is built."""

from __future__ import annotations

import gzip
import json
import threading
import time

import pytest
from django.core.cache import cache
from django.test import Client

from unmask.web import payloads


def test_simultaneous_requests_build_a_payload_once():
    cache.clear()
    builds = []

    def build() -> bytes:
        builds.append(1)
        time.sleep(0.3)
        return b'{"type":"FeatureCollection"}'

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(payloads._built("unmask:t:1:x", build)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert {gzip.decompress(r) for r in results} == {b'{"type":"FeatureCollection"}'}
    assert cache.get("unmask:t:1:x:building") is None  # the lock is gone


def test_a_payload_given_in_parts_is_the_gzip_of_all_of_them_in_order():
    """A calendar is compressed a part at a time while the next is written (payloads._compress
    with an iterable): what a reader unzips is every part, in order, nothing lost or doubled."""
    parts = [f"BEGIN:VEVENT {i} ".encode() * (1 + i * 5000) for i in range(7)] + [b"", b"END"]
    assert gzip.decompress(payloads._compress(lambda: iter(parts))) == b"".join(parts)
    assert gzip.decompress(payloads._compress(lambda: iter([]))) == b""


def test_a_failed_build_lets_the_next_request_build(monkeypatch):
    cache.clear()
    monkeypatch.setattr(payloads, "BUILD_WAIT", 2)

    def broken() -> bytes:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        payloads._built("unmask:t:2:x", broken)
    assert gzip.decompress(payloads._built("unmask:t:2:x", lambda: b"ok")) == b"ok"


def _features(response) -> int:
    return len(json.loads(response.content)["features"])


@pytest.mark.django_db(transaction=True)  # the background build reads what the test committed
def test_after_an_edit_readers_get_the_last_map_at_once_and_the_new_one_once_built(
    client, network, make_site, editor, settings
):
    settings.PAYLOAD_STALE = True
    url = "/map/sites.geojson"
    engines = network["orgs"]["engines"]
    before = client.get(url)
    etag, count = before["ETag"], _features(before)

    make_site(engines, "Hanau", "DE", 50.1328, 8.9169)  # an edit: the version changes
    at_once = client.get(url)
    assert at_once.status_code == 200 and at_once["ETag"] == etag  # the last map, said so
    assert _features(at_once) == count
    # A reader who has the last map: 304 while the new one is being built (or, on a busy
    # machine where the background build already ended, the new map, never the last again).
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 or (again.status_code == 200 and again["ETag"] != etag)

    deadline = time.monotonic() + 20
    while (answer := client.get(url))["ETag"] == etag:  # built meanwhile, in the background
        assert time.monotonic() < deadline, "the new map was never built"
        time.sleep(0.05)
    assert _features(answer) == count + 1

    staff = Client()
    staff.force_login(editor)
    make_site(engines, "Fulda", "DE", 50.5558, 9.6808)
    assert _features(staff.get(url)) == count + 2  # staff see their edit at once


@pytest.mark.django_db
def test_when_a_new_day_begins_readers_get_the_last_feed_at_once_and_the_new_one_once_built(
    rf, settings
):
    """The feeds and calendars name the UTC day they were built for (what they list depends on
    it): the first reader of a new day gets the last one built, under its own ETag, while the
    day's is built; a feed with other filters never gets it."""
    from unmask.record import version

    settings.PAYLOAD_STALE = True
    cache.clear()

    def answer(day: str, body: bytes, country: str = "DE"):
        request = rf.get("/calendar/actions.ics")
        params = {"country": country, "day": day}
        built = lambda: body  # noqa: E731
        return payloads.derived_response(
            request, "ics", params, built, "text/calendar", scope=version.CAMPAIGN
        )

    yesterday = answer("2026-12-05", b"yesterday's")
    assert yesterday.content == b"yesterday's"
    at_once = answer("2026-12-06", b"today's")
    assert at_once.content == b"yesterday's" and at_once["ETag"] == yesterday["ETag"]
    assert answer("2026-12-06", b"other filters", country="FR").content == b"other filters"
    deadline = time.monotonic() + 20
    while (today := answer("2026-12-06", b"today's")).content == b"yesterday's":
        assert time.monotonic() < deadline, "the day's calendar was never built"
        time.sleep(0.05)
    assert today.content == b"today's" and today["ETag"] != yesterday["ETag"]
