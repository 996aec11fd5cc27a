"""The moderators' screen at /moderate/, driven through HTTP as a moderator would."""

from __future__ import annotations

from datetime import time

import pytest

from unmask.campaign import services, times
from unmask.campaign.models import Action, ActionStatus, LocalGroup
from unmask.campaign.services import When

from .dates import SOON

BERLIN = "Europe/Berlin"
URL = "/moderate/"


def submit(title="Vigil at the Korvex gate", city="Kassel", actor=None, rule="", **fields):
    when = When(SOON, time(18), SOON, time(19, 30), BERLIN, rule)
    return services.submit_action(
        when, actor=actor, title=title, kind="vigil", city=city, country="DE", **fields
    )[0]


@pytest.fixture
def signed_in(client, moderator):
    client.force_login(moderator)
    return client


def test_only_moderators_reach_the_screen(client, outsider, editor):
    action = submit()
    answer = client.get(URL)
    assert answer.status_code == 302
    assert answer["Location"] == "/admin/login/?next=/moderate/"
    for person in (outsider, editor):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"op": "publish", "action": action.pk}).status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.SUBMITTED


def test_the_screen_shows_what_a_decision_needs(signed_in):
    group = LocalGroup.objects.create(name="Kassel gegen Drohnen", city="Kassel", country="DE")
    first = submit(
        contact_email="orga@example.org",
        group=group,
        address="Korvex main gate, Ostring 4",
        rule="FREQ=WEEKLY;COUNT=4",
    )
    twin = submit(title="Mahnwache am Korvex-Tor", city="KASSEL")  # same start, same city
    elsewhere = submit(title="Info stand in Hanau", city="Hanau")

    answer = signed_in.get(URL)
    assert answer.status_code == 200
    page = answer.content.decode()
    zone = times.local(first.starts_at, BERLIN).tzname()  # CET or CEST, as the date falls
    assert f"{BERLIN} ({zone})" in page and ", 18:00</time>" in page and ">19:30</time>" in page
    assert "every week, 4 times" in page and "FREQ=WEEKLY;COUNT=4" in page
    assert "orga@example.org" in page
    assert "Kassel gegen Drohnen" in page and "not trusted" in page
    assert page.index(first.title) < page.index(elsewhere.title)  # soonest first, then by id

    def card(action):
        return page.split(f'id="action-{action.pk}"')[1].split("</li>")[0]

    assert "Likely duplicate" in card(first) and f'href="#action-{twin.pk}"' in card(first)
    assert "Likely duplicate" in card(twin)
    assert "Likely duplicate" not in card(elsewhere)
    assert f"/admin/campaign/action/{first.pk}/change/" in card(first)
    assert 'name="robots" content="noindex"' in page


def test_publishing_and_rejecting_record_who_and_why(signed_in, moderator):
    good, bad = submit(), submit(title="Buy cheap watches", city="Hanau")

    answer = signed_in.post(URL, {"op": "publish", "action": good.pk, "next": bad.pk})
    assert answer.status_code == 302 and answer["Location"] == f"{URL}#action-{bad.pk}"
    answer = signed_in.post(URL, {"op": "reject", "action": bad.pk, "reason": "Spam"}, follow=True)
    assert "Rejected: Buy cheap watches" in answer.content.decode()

    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == ActionStatus.PUBLISHED and list(Action.objects.public()) == [good]
    assert bad.status == ActionStatus.REJECTED and bad.status_reason == "Spam"
    for action, reason in ((good, "Published"), (bad, "Spam")):
        latest = action.history.first()
        assert (latest.history_user, latest.history_change_reason) == (moderator, reason)

    decided = answer.content.decode().split("Recently decided")[1]
    assert "Buy cheap watches" in decided and "mona" in decided and "Spam" in decided

    # A mistake is undone from the list of decisions: the rejected one is published after all.
    signed_in.post(URL, {"op": "publish", "action": bad.pk})
    bad.refresh_from_db()
    assert bad.status == ActionStatus.PUBLISHED


def test_rejecting_without_a_reason_changes_nothing_and_keeps_the_typing(signed_in):
    action, other = submit(), submit(title="Info stand", city="Hanau")
    before = action.history.count()

    answer = signed_in.post(URL, {"op": "reject", "action": action.pk, "reason": "   "})
    assert answer.status_code == 400
    card = answer.content.decode().split(f'id="action-{action.pk}"')[1].split("</li>")[0]
    assert 'value="   "' in card and 'role="alert"' in card and "Give the reason" in card

    answer = signed_in.post(
        URL, {"op": "bulk_reject", "selected": [action.pk, other.pk], "bulk_reason": ""}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'id="bulk-error"' in page
    assert page.count("checked>") == 2  # both boxes still checked

    for each in (action, other):
        each.refresh_from_db()
        assert each.status == ActionStatus.SUBMITTED
    assert action.history.count() == before


def test_bulk_publish_and_bulk_reject_the_checked_actions(signed_in):
    one, two, three = submit(), submit(city="Hanau"), submit(city="Fulda")
    signed_in.post(URL, {"op": "bulk_publish", "selected": [one.pk, two.pk]})
    signed_in.post(URL, {"op": "bulk_reject", "selected": [three.pk], "bulk_reason": "Spam"})
    assert set(Action.objects.public()) == {one, two}
    three.refresh_from_db()
    assert three.status == ActionStatus.REJECTED and three.status_reason == "Spam"


def test_trusting_a_group_lets_its_members_publish_directly(
    signed_in, moderator, django_user_model
):
    member = django_user_model.objects.create_user(username="greta", password="pw-greta")
    group = LocalGroup.objects.create(name="Hanau for peace", city="Hanau", country="DE")
    group.members.add(member)
    waiting = submit(city="Hanau", group=group, actor=member)
    assert waiting.status == ActionStatus.SUBMITTED

    signed_in.post(URL, {"op": "trust", "group": group.pk, "next": waiting.pk})
    group.refresh_from_db()
    assert group.trusted
    assert group.history.first().history_user == moderator

    later = submit(title="Second vigil", city="Hanau", group=group, actor=member)
    assert later.status == ActionStatus.PUBLISHED


def test_submitted_text_is_shown_inert(signed_in):
    submit(
        title="<script>alert('title')</script>",
        description="<b>Bring</b> candles\n<img src=x onerror=alert(1)>\nSecond line",
    )
    page = signed_in.get(URL).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Bring" not in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page
    assert (
        "&lt;b&gt;Bring&lt;/b&gt; candles<br>&lt;img src=x onerror=alert(1)&gt;<br>Second" in page
    )
