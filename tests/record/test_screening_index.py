"""The screening index of the record's public organizations (record/screening.py) after an
edit: the last one built answers at once while one thread builds the new one, which then
answers (settings.PAYLOAD_STALE); without it, the request builds it. Every name is invented."""

from __future__ import annotations

import time

import pytest

from unmask.record import screening
from unmask.screening.matcher import Query

pytestmark = pytest.mark.django_db(transaction=True)  # the build thread reads what was committed


@pytest.fixture(autouse=True)
def _no_index_kept():
    """No index from another test's record (the process keeps the last one built)."""
    screening._kept.clear()
    yield
    deadline = time.monotonic() + 30
    while screening._building.locked() and time.monotonic() < deadline:
        time.sleep(0.05)  # no build left running into the next test's database
    screening._kept.clear()


def found(index, name: str) -> bool:
    return any(c.is_match for c in index.match(Query(name)))


def test_after_an_edit_the_last_index_answers_while_the_new_one_is_built(make_org, settings):
    settings.PAYLOAD_STALE = True
    make_org("Korvath Savunma A.Ş.", country="TR")
    first = screening.record_index()
    assert found(first, "Korvath Savunma") and not found(first, "Nordlicht Antriebe")

    make_org("Nordlicht Antriebe GmbH")
    assert screening.record_index() is first  # at once, the record as it was
    deadline = time.monotonic() + 30
    while screening._building.locked() and time.monotonic() < deadline:
        time.sleep(0.05)
    newer = screening.record_index()
    assert newer is not first and found(newer, "Nordlicht Antriebe")


def test_without_stale_answers_the_request_builds_the_index(make_org, settings):
    settings.PAYLOAD_STALE = False
    make_org("Korvath Savunma A.Ş.", country="TR")
    screening.record_index()
    make_org("Nordlicht Antriebe GmbH")
    assert found(screening.record_index(), "Nordlicht Antriebe")
