"""Derived payloads (the map's GeoJSON, the graph, the feeds) are built once per version however
many requests ask at the same moment: a burst after an edit costs one build, not one a worker."""

from __future__ import annotations

import gzip
import threading
import time

import pytest
from django.core.cache import cache

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


def test_a_failed_build_lets_the_next_request_build(monkeypatch):
    cache.clear()
    monkeypatch.setattr(payloads, "BUILD_WAIT", 2)

    def broken() -> bytes:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        payloads._built("unmask:t:2:x", broken)
    assert gzip.decompress(payloads._built("unmask:t:2:x", lambda: b"ok")) == b"ok"
