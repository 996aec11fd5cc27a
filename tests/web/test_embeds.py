"""Embeds that work (issue 14): the pages under /embed/ may be framed by any site unless the
operator lists the origins that may (UNMASK_EMBED_ANCESTORS); every other page refuses to be
framed. Embeds set no cookie and hold no form; their links leave the frame. The "Share or embed"
section gives the embed code with the page's filters and language."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from unmask.campaign import services
from unmask.campaign.models import CallText
from unmask.record.models import Response
from unmask.web.embed import frame_ancestors

from ..campaign.test_pages_feeds import announce, call  # noqa: F401 - `call` is a fixture

pytestmark = pytest.mark.django_db


def _frame_ancestors(response) -> str:
    found = re.search(r"frame-ancestors ([^;]*)", response["Content-Security-Policy"])
    return found.group(1).strip()


@pytest.fixture
def embeds(network, call):  # noqa: F811
    org = network["orgs"]["engines"]
    return {
        "map": "/embed/map/",
        "actions": "/embed/actions/",
        "call": f"/embed/call/{call.public_id}/",
        "org": f"/embed/org/{org.public_id}/",
    }


def test_embeds_may_be_framed_anywhere_by_default_and_set_no_cookie(client, embeds):
    for name, path in embeds.items():
        response = client.get(path)
        assert response.status_code == 200, name
        assert _frame_ancestors(response) == "*", name
        assert "X-Frame-Options" not in response, name
        assert not response.cookies, name
        assert "Set-Cookie" not in response, name
        assert "<form" not in response.content.decode(), name  # nothing to post from a frame
        assert '<base target="_blank">' in response.content.decode(), name


def test_every_other_page_refuses_to_be_framed(client, embeds, call):  # noqa: F811
    for path in ("/", "/map/", "/actions/", "/org/", call.get_absolute_url(), "/embed/"):
        response = client.get(path, follow=True)
        assert _frame_ancestors(response) == "'none'", path
        assert response["X-Frame-Options"] == "DENY", path


def test_an_operator_list_narrows_the_embeds_to_those_origins(client, embeds, settings):
    settings.EMBED_ANCESTORS = ["https://group.example.org", "https://campaign.example.net"]
    for name, path in embeds.items():
        response = client.get(path)
        assert _frame_ancestors(response) == (
            "https://group.example.org https://campaign.example.net 'self'"
        ), name
        assert "X-Frame-Options" not in response, name
    assert client.get("/map/")["X-Frame-Options"] == "DENY"
    assert _frame_ancestors(client.get("/map/")) == "'none'"


@pytest.mark.parametrize("value", [[], ["'none'"]])
def test_embedding_can_be_turned_off(client, embeds, settings, value):
    settings.EMBED_ANCESTORS = value
    assert frame_ancestors() == []
    for name, path in embeds.items():
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", name
        assert _frame_ancestors(response) == "'none'", name
    # The share section then offers the address only, no code that could not work.
    page = client.get("/actions/").content.decode()
    assert "Share or embed" in page and "<iframe" not in unescape(page)


def _share_code(page: str) -> str:
    found = re.search(r'<textarea id="share-code"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no embed code on the page"
    return unescape(found.group(1))


def test_the_share_code_carries_the_filters_and_the_language(client, network):
    page = client.get("/de/actions/", {"country": "DE"}).content.decode()
    code = _share_code(page)
    assert 'src="http://testserver/de/embed/actions/?country=DE"' in code
    assert code.startswith("<iframe ") and 'height="480"' in code
    assert 'value="http://testserver/de/actions/?country=DE"' in page
    assert "embed.js" in page  # the optional auto-height script
    # The map's code keeps its filters too, without the auto-height script (it fills its frame).
    page = client.get("/map/", {"country": "DE"}).content.decode()
    assert 'src="http://testserver/embed/map/?country=DE"' in _share_code(page)
    assert 'id="share-script"' not in page


def test_the_share_code_is_escaped(client, network, moderator):
    from unmask.campaign.models import Call

    item = Call.objects.create(title='Say "no" <b>now</b>', body="Text", language="en")
    services.publish_call(item, actor=moderator)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "<b>now</b>" not in page
    assert 'title="Say &quot;no&quot; &lt;b&gt;now&lt;/b&gt;"' in _share_code(page)


def test_the_call_embed_speaks_the_readers_language(client, call, moderator):  # noqa: F811
    CallText.objects.create(
        call=call, language="de", title="Stoppt die Korvex-Drohne", body="Sie **liefern**."
    )
    services.publish_action(announce(call=call), actor=moderator)
    page = client.get(f"/de/embed/call/{call.public_id}/").content.decode()
    assert "Stoppt die Korvex-Drohne" in page and "Sie liefern." in page
    assert "Vigil at the Korvex gate" in page
    assert f'href="/de/calls/{call.public_id}/' in page
    assert 'lang="de"' in page
    for link in re.findall(r"<a [^>]*>", page):
        assert 'target="_blank"' in link and 'rel="noopener"' in link, link
    english = client.get(f"/embed/call/{call.public_id}/").content.decode()
    assert "Stop the Korvex drone" in english and "<script>alert" not in english
    arabic = client.get(f"/ar/embed/call/{call.public_id}/").content.decode()
    assert 'dir="rtl"' in arabic


def test_the_organization_card(client, network):
    org = network["orgs"]["engines"]
    Response.objects.create(
        organization=org,
        received_on=date(2026, 3, 2),
        channel="email",
        text="We supply <civil> customers only.",
        status="published",
    )
    page = client.get(f"/embed/org/{org.public_id}/").content.decode()
    assert org.name in page and "Company" in page and "Germany" in page
    assert re.search(r"\d+ sourced links? to the program", page)
    assert "Reported" in page
    assert "We supply &lt;civil&gt; customers only." in page
    assert f'href="{org.get_absolute_url()}" target="_blank" rel="noopener"' in page
    assert client.get("/embed/org/nosuchid1/").status_code == 404


def test_the_auto_height_script_is_served_for_other_sites(client):
    response = client.get("/static/unmask/embed.js")
    assert response.status_code == 200
    assert response.get("Cross-Origin-Resource-Policy") in (None, "cross-origin")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"unmask:height" in body and b"event.origin" in body
