"""The reviewers' queue of replies at /moderate/replies/, driven through HTTP as a reviewer
would: publish one, reject another with a note, and the public profile shows only the first."""

from __future__ import annotations

import pytest
from django.test import Client

from unmask.record import services
from unmask.record.models import Response, ResponseStatus

URL = "/moderate/replies/"


@pytest.fixture
def org(make_org):
    return make_org("Korvex Aerodynamics GmbH")


@pytest.fixture
def claim(org, make_org, make_link):
    return make_link(org, make_org("Talvik Drone Works"), relation="supplies_component")


def send(org, text, link=None):
    return services.submit_reply(org, text=text, contact_email="press@korvex.example", link=link)


def test_a_reviewer_publishes_one_reply_and_rejects_another(client, reviewer, org, claim):
    honest = send(org, "We stopped all deliveries in <b>2023</b>.\nSee our statement.", claim)
    forged = send(org, "Buy cheap watches at example.com")
    client.force_login(reviewer)

    page = client.get(URL)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert "2 waiting." in html
    assert "We stopped all deliveries in &lt;b&gt;2023&lt;/b&gt;.<br>See our statement." in html
    assert "Talvik Drone Works" in html  # the claim it answers
    assert "the profile as a whole" in html  # the other answers the profile
    assert "press@korvex.example" in html  # staff check the sender

    answer = client.post(URL, {"op": "publish", "reply": honest.pk, "next": forged.pk})
    assert answer.status_code == 302 and answer["Location"] == f"{URL}#reply-{forged.pk}"
    refused = client.post(URL, {"op": "reject", "reply": forged.pk, "reason": "  "})
    assert refused.status_code == 400 and b"a note is required" in refused.content
    answer = client.post(URL, {"op": "reject", "reply": forged.pk, "reason": "Spam"})
    assert answer.status_code == 302

    honest.refresh_from_db()
    forged.refresh_from_db()
    assert honest.status == ResponseStatus.PUBLISHED and honest.contact_email == ""
    assert honest.history.first().history_user == reviewer
    assert forged.status == ResponseStatus.REJECTED and forged.deleted_at is None
    assert forged.history.first().history_change_reason == "Rejected: Spam"
    assert forged.history.first().history_user == reviewer

    profile = Client().get(org.get_absolute_url()).content.decode()
    assert "We stopped all deliveries" in profile
    assert "cheap watches" not in profile

    after = client.get(URL).content.decode()
    assert "No reply is waiting." in after
    assert "Recently decided" in after and "Rejected: Spam" in after


def test_without_the_permission_nothing_changes(client, editor, outsider, org):
    reply = send(org, "This is wrong.")
    assert client.get(URL)["Location"] == f"/admin/login/?next={URL}"
    for person in (editor, outsider):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"op": "publish", "reply": reply.pk}).status_code == 403
        assert (
            client.post(URL, {"op": "reject", "reply": reply.pk, "reason": "x"}).status_code == 403
        )
    reply.refresh_from_db()
    assert reply.status == ResponseStatus.RECEIVED and reply.deleted_at is None


def test_a_post_without_the_csrf_token_is_refused(reviewer, org):
    reply = send(org, "This is wrong.")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)
    page = browser.get(URL)
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert browser.post(URL, {"op": "publish", "reply": reply.pk}).status_code == 403
    reply.refresh_from_db()
    assert reply.status == ResponseStatus.RECEIVED


def test_a_published_reply_cannot_be_rejected(reviewer, org):
    reply = services.publish_response(send(org, "This is wrong."), actor=reviewer)
    with pytest.raises(services.ValidationError):
        services.reject_response(reply, actor=reviewer, reason="changed my mind")
    assert Response.objects.public().filter(pk=reply.pk).exists()


def test_a_rejected_reply_is_kept_apart_never_shown_and_can_go_back_to_the_queue(
    client, reviewer, admin_user, org, claim
):
    reply = send(org, "Buy cheap watches at example.com", claim)
    services.reject_response(reply, actor=reviewer, reason="Spam")
    reply.refresh_from_db()
    assert reply.status == ResponseStatus.REJECTED and reply.deleted_at is None
    assert reply.history.first().history_change_reason == "Rejected: Spam"
    assert not Response.objects.public().filter(pk=reply.pk).exists()

    reader = Client()
    assert "cheap watches" not in reader.get(org.get_absolute_url()).content.decode()
    assert "cheap watches" not in reader.get(f"/claim/{claim.public_id}/").content.decode()
    assert (
        "cheap watches" not in reader.get(f"/api/v1/organizations/{org.public_id}").content.decode()
    )
    assert "cheap watches" not in reader.get("/api/v1/responses").content.decode()
    assert reader.get(f"/api/v1/responses/{reply.public_id}").status_code == 404
    with pytest.raises(services.ValidationError, match="rejected reply cannot be published"):
        services.publish_response(reply, actor=reviewer)

    client.force_login(admin_user)  # the admin lists it under its status
    listing = client.get("/admin/record/response/?status=rejected").content.decode()
    assert "?status=rejected" in listing and f"/admin/record/response/{reply.pk}/change/" in listing
    waiting = client.get("/admin/record/response/?status=received").content.decode()
    assert f"/admin/record/response/{reply.pk}/change/" not in waiting

    services.restore(reply, actor=admin_user, reason="Sent by the organization after all")
    reply.refresh_from_db()
    assert reply.status == ResponseStatus.RECEIVED
    client.force_login(reviewer)
    assert "cheap watches" in client.get(URL).content.decode()
