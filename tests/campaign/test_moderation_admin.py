"""The moderators' queue in the admin, driven through HTTP as a moderator would."""

from __future__ import annotations

from datetime import time

from unmask.campaign import services
from unmask.campaign.models import Action, ActionStatus, ActionTarget
from unmask.campaign.services import When

from .dates import SOON

BERLIN = "Europe/Berlin"


def submit(title="Vigil at the Korvex gate", city="Kassel", day=SOON, **fields):
    when = When(day, time(18), day, time(19), BERLIN)
    return services.submit_action(
        when, title=title, kind="vigil", city=city, country="DE", **fields
    )[0]


def test_the_queue_flags_likely_duplicates_and_publishes_in_bulk(client, moderator):
    first = submit()
    twin = submit(title="Mahnwache am Korvex-Tor", city="KASSEL")  # same time, same city
    elsewhere = submit(title="Info stand", city="Hanau")
    client.force_login(moderator)
    page = client.get("/admin/campaign/action/", {"status__exact": "submitted"}).content.decode()
    assert "18:00 CET" in page
    rows = [row for row in page.split("<tr>") if 'class="field-title"' in row]
    flagged = [
        row.split('class="field-title">')[1].split(">")[1].split("<")[0]
        for row in rows
        if 'class="field-duplicate"><img src="/static/admin/img/icon-yes.svg"' in row
    ]
    assert sorted(flagged) == sorted([first.title, twin.title])

    data = {"action": "publish_selected", "_selected_action": [first.pk, elsewhere.pk]}
    client.post("/admin/campaign/action/", data)
    assert set(Action.objects.public()) == {first, elsewhere}


def test_rejecting_asks_for_the_reason_the_submitter_sees(client, moderator):
    action = submit()
    client.force_login(moderator)
    data = {"action": "reject_selected", "_selected_action": [action.pk]}
    page = client.post("/admin/campaign/action/", data).content.decode()
    assert "Reject, with a reason the submitters will see" in page
    client.post("/admin/campaign/action/", data | {"apply": "1", "reason": "Not a public action"})
    action.refresh_from_db()
    assert action.status == ActionStatus.REJECTED
    assert action.history.first().history_change_reason == "Not a public action"


def test_an_edit_in_the_admin_needs_a_reason_and_raises_the_sequence(client, moderator):
    action = submit()
    client.force_login(moderator)
    url = f"/admin/campaign/action/{action.pk}/change/"
    form = {
        "title": "Vigil at the Korvex main gate",
        "kind": "vigil",
        "description": "",
        "online_url": "",
        "address": "",
        "city": "Kassel",
        "country": "DE",
        "latitude": "",
        "longitude": "",
        "call": "",
        "group": "",
        "languages": "",
        "contact_email": "",
        "change_reason": "",
    }
    inline = {
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-position": "0",
        "targets-0-organization": "",
        "targets-0-site": "",
        "targets-0-product": "",
        "targets-0-action": str(action.pk),
    }
    form |= inline
    assert "a reason is required" in client.post(url, form).content.decode()
    client.post(url, form | {"change_reason": "Gate named by the group"})
    action.refresh_from_db()
    assert action.title == "Vigil at the Korvex main gate" and action.sequence == 1
    assert action.history.first().history_user == moderator


def test_a_moderator_sees_and_changes_what_an_action_is_aimed_at(client, moderator, network):
    engines, bank = network["orgs"]["engines"], network["orgs"]["bank"]
    action = submit()
    services.write_targets(action, [engines])
    client.force_login(moderator)
    assert "Korvex Aerodynamics" in client.get("/moderate/").content.decode()
    url = f"/admin/campaign/action/{action.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="targets-0-organization"' in page  # the targets inline is theirs to edit
    row = action.targets.get()
    client.post(
        url,
        {
            "title": action.title,
            "kind": action.kind,
            "city": "Kassel",
            "country": "DE",
            "change_reason": "The bank, not the engine maker, owns the site",
            "targets-TOTAL_FORMS": "2",
            "targets-INITIAL_FORMS": "1",
            "targets-MIN_NUM_FORMS": "0",
            "targets-MAX_NUM_FORMS": "1000",
            "targets-0-id": str(row.pk),
            "targets-0-action": str(action.pk),
            "targets-0-position": "0",
            "targets-0-organization": str(engines.pk),
            "targets-0-DELETE": "on",
            "targets-1-action": str(action.pk),
            "targets-1-position": "1",
            "targets-1-organization": str(bank.pk),
        },
    )
    assert [t.organization for t in action.targets.all()] == [bank]
    history = ActionTarget.history.filter(organization_id=bank.pk).first()
    assert history.history_user == moderator
    assert history.history_change_reason == "The bank, not the engine maker, owns the site"


def test_people_without_the_role_cannot_moderate(client, editor):
    action = submit()
    client.force_login(editor)
    assert client.get("/admin/campaign/action/").status_code == 403
    client.post(
        "/admin/campaign/action/", {"action": "publish_selected", "_selected_action": [action.pk]}
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.SUBMITTED
