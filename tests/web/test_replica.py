"""Reads from a real PostgreSQL streaming replica (issue 17, item 4). `make test` runs this module
through tools/pg_replica.py, which starts a primary and a replica made with pg_basebackup and
sets DATABASE_URL and DATABASE_REPLICA_URL; elsewhere it is skipped.

Readers' pages are read from the replica only; writes, and a staff member's reads just after
their write, go to the primary. The replica's replay is paused to make its lag visible: the
moderator who published an action sees it at once, readers when the replica catches up."""

from __future__ import annotations

import os
import time
from datetime import time as clock

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from unmask.campaign import services
from unmask.campaign.models import Action, ActionStatus
from unmask.campaign.services import When
from unmask.web import replica as web_replica

from ..campaign.dates import SOON
from ..serving import free_port

KASSEL = {"kind": "vigil", "city": "Kassel", "country": "DE"}
EVENING = When(SOON, clock(18), SOON, clock(19, 30), "Europe/Berlin", "")

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_REPLICA_URL"),
        reason="no replica (make test runs this on one: tools/pg_replica.py)",
    ),
    pytest.mark.django_db(databases="__all__", transaction=True),
]


def caught_up(seconds: float = 20) -> None:
    """Wait until the replica has replayed everything written to the primary so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        (written,) = cursor.fetchone()
    deadline = time.monotonic() + seconds
    with connections["replica"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"the replica did not reach {written} in {seconds} s")


def replay(running: bool) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{'resume' if running else 'pause'}()")


def read(client, url: str) -> tuple[int, int, int]:
    """Status of GET `url`, and the queries it made on the primary and on the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        status = client.get(url).status_code
    return status, len(primary), len(replica)


def test_readers_pages_are_read_from_the_replica_only(client, network, announced):
    call, action = announced
    engines = network["orgs"]["engines"]
    link = network["links"]["engine"]
    caught_up()
    pages = [
        "/",
        "/org/",
        "/org/?q=korvex",
        engines.get_absolute_url(),
        f"{engines.get_absolute_url()}history/",
        f"/claim/{link.public_id}/",
        f"/source/{link.citations.first().source.public_id}/",
        network["sites"]["engines"].get_absolute_url(),
        network["chain"][0].get_absolute_url(),
        "/country/DE/",
        "/map/sites.geojson",
        "/graph/network.json",
        "/calls/",
        call.get_absolute_url(),
        "/actions/",
        action.get_absolute_url(),
        "/actions/calendar/",
        "/actions/map/actions.geojson",
        "/calendar/actions.ics",
        "/feeds/actions.atom",
        "/feeds/changes/",
        "/api/v1/organizations",
        f"/api/v1/organizations/{engines.public_id}",
        "/embed/map/",
    ]
    replica_queries = 0
    for url in pages:
        status, on_primary, on_replica = read(client, url)
        assert (url, status, on_primary) == (url, 200, 0)
        replica_queries += on_replica
    assert replica_queries >= len(pages)  # each page's content came from the replica
    assert not client.cookies  # readers still get no cookie


def test_a_moderators_decision_is_seen_at_once_by_them_and_by_readers_after_the_lag(
    client, moderator, announced
):
    call, _published = announced
    waiting = services.submit_action(
        EVENING, title="Info stand at the Korvex works", call=call, **KASSEL
    )[0]
    caught_up()
    staff = Client()
    staff.force_login(moderator)
    assert read(client, waiting.get_absolute_url())[0] == 404  # not published yet

    replay(running=False)
    try:
        answer = staff.post("/moderate/", {"op": "publish", "action": waiting.pk})
        assert answer.status_code == 302
        assert Action.objects.get(pk=waiting.pk).status == ActionStatus.PUBLISHED  # primary
        status, on_primary, _ = read(staff, waiting.get_absolute_url())
        assert status == 200 and on_primary > 0  # their own write, at once, from the primary
        assert read(client, waiting.get_absolute_url())[0] == 404  # the replica lags behind
        elsewhere = Client()  # the same moderator on another device, which wrote nothing
        elsewhere.force_login(moderator)
        assert read(elsewhere, waiting.get_absolute_url())[0] == 404  # reads the replica
        assert read(client, "/actions/")[0] == 200  # and still serves every reader
    finally:
        replay(running=True)
    caught_up()
    status, on_primary, _ = read(client, waiting.get_absolute_url())
    assert (status, on_primary) == (200, 0)


def test_a_submitter_sees_their_action_right_after_the_form_while_the_replica_lags(client, db):
    caught_up()
    replay(running=False)
    try:
        _waiting, token = services.submit_action(
            EVENING, title="Vigil at the Korvex gate, again", **KASSEL
        )
        status, on_primary, _ = read(client, f"/submit/manage/{token}/")
    finally:
        replay(running=True)
    assert status == 200 and on_primary > 0


def test_while_the_replica_cannot_be_reached_readers_are_served_from_the_primary(
    client, network, monkeypatch, caplog
):
    caught_up()
    replica = connections["replica"]
    replica.close()
    monkeypatch.setitem(replica.settings_dict, "PORT", str(free_port()))  # nothing listens
    monkeypatch.setattr(web_replica, "_down_until", 0.0)  # and back to normal afterwards
    try:
        for url in (network["orgs"]["engines"].get_absolute_url(), "/org/", "/actions/"):
            with CaptureQueriesContext(connections["default"]) as primary:
                answer = client.get(url)
            assert answer.status_code == 200 and len(primary) > 0, url
        assert caplog.text.count("The replica failed") == 1  # then left alone for a while
    finally:
        replica.close()
