"""The campaign against the shared network, for the exports and imports: a local group, a
published call with a text in another language and targets of every kind, a published action aimed at a
site, a cancelled one that repeats, an online one aimed at a product, and what never leaves
(a draft call, an action waiting for moderation, a group without a page, contact e-mails)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from unmask.campaign import services
from unmask.campaign.models import Call, CallText
from unmask.campaign.services import When

SOON = date.today() + timedelta(days=10)  # always in the future
SECRET = "never-exported@example.org"


def when(day: date, start: time, end: time, zone: str = "Europe/Berlin", rule: str = "") -> When:
    return When(day, start, day, end, zone, rule)


@pytest.fixture
def campaign(network, moderator):
    orgs, sites, chain = network["orgs"], network["sites"], network["chain"]
    group = services.group_for("Kassel gegen Drohnen", city="Kassel", country="DE")
    group.website = "https://example.org/kgd"
    group.description = "-A group in Kassel."  # a cell a spreadsheet would run
    group.contact_email = SECRET
    group.save()

    call = Call.objects.create(
        title="Stop the Talvik-9",
        body="They build it.\n\nWe stop it.",
        language="en",
        starts_on=SOON,
        ends_on=SOON + timedelta(days=30),
    )
    services.write_targets(call, [orgs["engines"], sites["engines"], chain[0]])
    services.publish_call(call, actor=moderator)
    translation = CallText.objects.create(  # its Markdown list is a cell made inert
        call=call, language="de", title="Stoppt die Talvik-9", body="- Sie bauen sie.\n- Wir nicht."
    )
    draft_call = Call.objects.create(title="Draft call", body="Not yet.", language="en")

    at_gate, _token = services.submit_action(
        when(SOON, time(18), time(19, 30)),
        title="Vigil at the Korvex gate",
        kind="vigil",
        description="Bring candles.",
        address="Sandershäuser Straße 1",
        city="Kassel",
        country="DE",
        latitude=51.3127114,
        longitude=9.4797461,
        languages="de,en",
        call=call,
        group=group,
        contact_email=SECRET,
        targets=[sites["engines"]],
    )
    services.publish_action(at_gate, actor=moderator)

    cancelled, _token = services.submit_action(
        when(
            SOON + timedelta(days=2), time(17), time(18), "Europe/Istanbul", "FREQ=WEEKLY;COUNT=3"
        ),
        title="Info stand: Talvik-9",
        kind="info_stand",
        city="Ankara",
        country="TR",
        group=group,
        call=call,
        contact_email=SECRET,
        targets=[orgs["integrator"], chain[0]],
    )
    services.publish_action(cancelled, actor=moderator)
    services.cancel_action(cancelled, actor=moderator, reason="The square is closed that week.")

    online, _token = services.submit_action(
        when(SOON + timedelta(days=3), time(20), time(21)),
        title="Online talk: the KX-40 engine",
        kind="online",
        online=True,
        online_url="https://example.org/talk",
        targets=[chain[1]],
    )
    services.publish_action(online, actor=moderator)

    nobody = services.group_for("Nobody Published Yet", city="Bonn", country="DE")
    waiting, _token = services.submit_action(
        when(SOON, time(12), time(13)),
        title="Waiting for a moderator",
        kind="rally",
        city="Bonn",
        country="DE",
        group=nobody,
        contact_email=SECRET,
        targets=[orgs["bank"]],
    )
    return {
        "group": group,
        "call": call,
        "translation": translation,
        "at_gate": at_gate,
        "cancelled": cancelled,
        "online": online,
        "private": [draft_call, waiting, nobody],
    }
