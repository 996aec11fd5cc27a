"""One call, several texts: a reader gets the call in their language when it is translated,
else the call as written with a note saying so; its actions, map and feeds are the call's
whatever the language; the admin says which translations are missing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from unmask.campaign import services
from unmask.campaign.models import Call, CallText

from .test_targets import announce


@pytest.fixture
def call(db, moderator):
    item = Call.objects.create(
        title="Days of action against the supply chain", body="Hold a vigil.", language="en"
    )
    CallText.objects.create(
        call=item,
        language="de",
        title="Aktionstage gegen die Lieferkette",
        body="Halte eine **Mahnwache** ab.",
    )
    services.publish_call(item, actor=moderator)
    return item


def test_a_reader_gets_the_call_in_their_language_else_as_written(client, call):
    url = call.get_absolute_url()  # before a request activates another language in this thread
    german = client.get(f"/de{url}").content.decode()
    assert "Aktionstage gegen die Lieferkette" in german
    assert "<strong>Mahnwache</strong>" in german
    assert 'class="meta untranslated"' not in german
    assert f'href="{url}"' in german  # also in English, the same call

    italian = client.get(f"/it{url}").content.decode()
    assert "Days of action against the supply chain" in italian
    assert 'class="meta untranslated"' in italian  # said plainly: not yet in Italian
    assert f'href="/de{url}"' in italian


def test_the_actions_of_a_call_are_the_same_in_every_language(client, network, moderator, call):
    action = announce(moderator, things=[network["orgs"]["engines"]], call=call, title="Vigil")
    url = call.get_absolute_url()
    for prefix in ("", "/de", "/ar"):
        page = client.get(f"{prefix}{url}").content.decode()
        assert action.title in page, prefix
    ics = client.get(f"/calendar/actions.ics?call={call.public_id}").content.decode()
    assert "Vigil" in ics
    calls = client.get("/de/calls/").content.decode()
    assert "Aktionstage gegen die Lieferkette" in calls


def test_a_text_in_the_calls_own_language_is_refused(call):
    with pytest.raises(ValidationError):
        CallText(call=call, language="en", title="Again", body="Again").full_clean()


def test_the_admin_lists_the_missing_translations(client, call, moderator):
    client.force_login(moderator)
    page = client.get("/admin/campaign/call/").content.decode()
    assert "ku, ckb, tr, ar, fr, es, it" in page  # every offered language but en and de


def test_a_moderator_can_add_a_translation_in_the_admin(client, call, moderator):
    client.force_login(moderator)
    page = client.get(f"/admin/campaign/call/{call.pk}/change/").content.decode()
    assert 'id="texts-empty"' in page  # the inline offers a new text: the role may add one
    assert "Aktionstage gegen die Lieferkette" in page
