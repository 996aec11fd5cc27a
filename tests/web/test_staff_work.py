"""The staff's "Work" bar: each queue with how many wait in it, for the people who work on it,
and nothing at all (not even a read of the session) for readers."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.test import Client

from unmask.campaign import services as campaign
from unmask.campaign.services import When
from unmask.exchange.formats.orgs_csv import read as orgs_csv
from unmask.record import services

from ..campaign.dates import SOON


def bar(html: str) -> dict[str, str]:
    """The bar's queues as {label: count}, or {} when there is no bar."""
    found = re.search(r'<nav class="staff-work".*?</nav>', html, re.S)
    if not found:
        return {}
    pairs = re.findall(
        r'<a href="[^"]*">([^<]+?) <span class="staff-work-count[^"]*">(\d+)</span>', found[0]
    )
    return {label: int(count) for label, count in pairs}


@pytest.fixture
def work(make_org, source, tmp_path):
    org = make_org("Korvex Aerodynamics GmbH")
    for text in ("One.", "Two."):
        services.submit_reply(org, text=text, contact_email="")
    services.reject_response(
        services.submit_reply(org, text="Spam.", contact_email=""), reason="Spam"
    )
    when = When(SOON, time(18), SOON, time(19), "Europe/Berlin")
    for title in ("Vigil at the gate", "Info stand", "Picket"):
        campaign.submit_action(when, title=title, kind="vigil", city="Kassel", country="DE")
    path = tmp_path / "orgs.csv"
    path.write_text(
        "id,name,kind,country,description,other_names,identifiers\n"
        ",Norrsken Metals,company,SE,,,\n,Brenmark Avionics,company,DE,,,\n,Ostrava Castings,company,CZ,,,\n"
    )
    orgs_csv.import_file(path)
    from unmask.record.models import Organization

    services.add_citation(Organization.objects.get(name="Norrsken Metals"), source, locator="p. 2")


def test_the_bar_counts_each_queue_for_those_who_work_on_it(client, work, moderator, reviewer):
    client.force_login(moderator)
    assert bar(client.get("/").content.decode()) == {"Actions to moderate": 3}
    client.force_login(reviewer)
    page = client.get("/org/").content.decode()
    assert bar(page) == {"Replies to check": 2, "Imported drafts with sources": 1}
    assert 'href="/moderate/replies/"' in page
    assert 'href="/admin/record/organization/?imported=ready"' in page


def test_readers_get_no_bar_no_cookie_and_a_cacheable_page(work, editor):
    reader = Client()
    answer = reader.get("/")
    assert 'class="staff-work"' not in answer.content.decode()
    assert not answer.cookies
    assert "Cookie" not in answer.get("Vary", "")
    assert answer["Cache-Control"].startswith("public")
    signed_in = Client()
    signed_in.force_login(editor)  # staff without a queue: the bar links to the staff area only
    assert bar(signed_in.get("/").content.decode()) == {}
    assert 'class="staff-work"' in signed_in.get("/").content.decode()
