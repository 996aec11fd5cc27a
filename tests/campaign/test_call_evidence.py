"""A call page's summary of each target's evidence: every target gets its own latest change of
status, however many newer changes other links have had, and its confirmed and sourced links
counted; the number of queries does not grow with the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from unmask.campaign import services, targets
from unmask.campaign.models import Call
from unmask.record import services as record
from unmask.record.models import LinkStatus, LinkStatusEvent


def _latest_of(*links) -> LinkStatusEvent:
    return LinkStatusEvent.objects.filter(link__in=links).order_by("-created_at", "-pk").first()


# The ways of finding a target's latest change: through its own links (a target with few), by
# walking the newest changes until one concerns it (a target with many), and through its links
# after all when none of the newest changes (here the ten newest) concerns it.
@pytest.fixture(params=["through its links", "newest first", "its links after the newest"])
def plan(request, monkeypatch):
    monkeypatch.setattr(targets, "FEW_LINKS", 10_000 if request.param == "through its links" else 0)
    if request.param == "its links after the newest":
        monkeypatch.setattr(targets, "NEWEST_WALKED", 10)
    return request.param


def test_each_target_has_its_latest_status_change_beyond_the_500_newest(
    client, network, call, reviewer, plan
):
    links = network["links"]
    # The bank's loan and the program's parts change status first...
    loan = record.change_status(
        links["loan"], LinkStatus.CONFIRMED, note="Annual report", actor=reviewer
    )
    blade = record.change_status(links["blade"], LinkStatus.DISPUTED, note="Denied", actor=reviewer)
    # ... then Korvex's harbour crane (no part of the program) changes 600 times.
    start = timezone.now() + timedelta(minutes=1)
    LinkStatusEvent.objects.bulk_create(
        LinkStatusEvent(
            link=links["crane"],
            old_status=LinkStatus.REPORTED,
            new_status=LinkStatus.REPORTED,
            note=f"Checked again ({i})",
            created_at=start + timedelta(seconds=i),
        )
        for i in range(600)
    )
    newest = LinkStatusEvent.objects.order_by("-created_at", "-pk")[:500]
    assert not {loan.pk, blade.pk} & {e.pk for e in newest}

    rows = {row.target.kind: row for row in targets.evidence(call)}
    assert rows["product"].latest_status == blade == _latest_of(links["engine"], links["blade"])
    assert rows["site"].latest_status == loan  # the bank's site: the bank's links
    assert rows["org"].latest_status == _latest_of(links["engine"], links["crane"])
    assert rows["org"].latest_status.note == "Checked again (599)"
    # Counts: the program's two parts' links (one disputed), Korvex's two, the bank's confirmed.
    assert [(r.confirmed, r.links) for r in targets.evidence(call)] == [(0, 2), (0, 2), (1, 1)]

    page = client.get(call.get_absolute_url()).content.decode()
    assert page.count("latest status change") == 3
    assert "latest status change: Confirmed" in page and "latest status change: Disputed" in page
    assert "1 of 1 sourced link confirmed" in page


def test_a_target_without_public_links_has_no_latest_change(network, moderator, make_org, plan):
    quiet = make_org("Brennholt Logistik", country="DE")
    item = Call.objects.create(title="Ask Brennholt", body="Do they?", language="en")
    services.write_targets(item, [quiet, network["other"]])
    services.publish_call(item, actor=moderator)
    rows = targets.evidence(item)
    assert [(r.confirmed, r.links, r.latest_status) for r in rows[:1]] == [(0, 0, None)]
    crane = network["links"]["crane"]
    assert (rows[1].links, rows[1].latest_status) == (1, _latest_of(crane))


def test_evidence_takes_as_many_queries_with_few_or_many_status_changes(network, call):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            targets.evidence(call)
        return len(queries)

    few = count()
    start = timezone.now()
    LinkStatusEvent.objects.bulk_create(
        LinkStatusEvent(
            link=network["links"][name],
            new_status=LinkStatus.REPORTED,
            note="Again",
            created_at=start + timedelta(seconds=i),
        )
        for i in range(300)
        for name in ("engine", "blade", "loan", "crane")
    )
    assert count() == few
