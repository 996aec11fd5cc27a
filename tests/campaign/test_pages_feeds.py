"""What readers see of the campaign: an action appears on the list, the month calendar, its
group's and call's pages, the ICS and the Atom feeds once it is published, and nowhere before;
text typed by submitters stays text everywhere; feeds answer conditional requests; the embed
obeys its framing setting."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import time, timedelta

import feedparser
import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone

from unmask.campaign import services
from unmask.campaign.models import Call, CallText, LocalGroup
from unmask.campaign.services import When

from .dates import SOON, days

MARKUP = '<script>alert("x")</script><b>Bold</b><img src=x onerror=alert(1)>'
ATOM_NS = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def call(db, network, moderator):
    item = Call.objects.create(
        title="Stop the Korvex drone",
        body="## Why\n\nThey **supply** the airframe. <script>alert(1)</script>",
        language="en",
    )
    services.write_targets(item, [network["orgs"]["engines"]])
    services.publish_call(item, actor=moderator)
    return item


def announce(day=SOON, recurrence="", **fields):
    values = {
        "title": "Vigil at the Korvex gate",
        "kind": "vigil",
        "city": "Kassel",
        "country": "DE",
    }
    values.update(fields)
    when = When(day, time(18), day, time(19, 30), "Europe/Berlin", recurrence)
    return services.submit_action(when, **values)[0]


def everywhere(client, action) -> dict[str, bytes]:
    month = f"{action.starts_at:%Y-%m}"
    return {
        "list": client.get("/actions/").content,
        "calendar": client.get(f"/actions/calendar/?month={month}").content,
        "ics": client.get("/calendar/actions.ics").content,
        "atom": client.get("/feeds/actions.atom").content,
        "embed": client.get("/embed/actions/").content,
    }


def test_submit_queue_publish_then_it_is_everywhere(client, moderator, call):
    group = LocalGroup.objects.create(name="Kassel Peace Circle", city="Kassel", country="DE")
    action = announce(title="Vigil for the call", call=call, group=group)
    for where, body in everywhere(client, action).items():
        assert b"Vigil for the call" not in body, where
    assert client.get(action.get_absolute_url()).status_code == 404
    assert client.get(group.get_absolute_url()).status_code == 404  # no public action yet

    services.publish_action(action, actor=moderator)
    for where, body in everywhere(client, action).items():
        assert b"Vigil for the call" in body, where
    assert b"Vigil for the call" in client.get(action.get_absolute_url()).content
    assert b"Vigil for the call" in client.get(group.get_absolute_url()).content
    assert b"Vigil for the call" in client.get(call.get_absolute_url()).content

    feed = feedparser.parse(client.get(f"/feeds/actions.atom?call={call.public_id}").content)
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Vigil for the call"]
    assert feed.entries[0].link.endswith(action.get_absolute_url())
    per_group = icalendar.Calendar.from_ical(
        client.get(f"/calendar/actions.ics?group={group.public_id}").content
    )
    assert [str(e["SUMMARY"]) for e in per_group.walk("VEVENT")] == ["Vigil for the call"]
    one = client.get(f"/actions/{action.public_id}.ics")
    assert one["Content-Disposition"].startswith("attachment;")
    assert len(icalendar.Calendar.from_ical(one.content).walk("VEVENT")) == 1


def test_submitters_markup_is_inert_in_pages_and_feeds(client, moderator):
    action = announce(title=f"Vigil {MARKUP}", description=f"Bring {MARKUP}", address=MARKUP)
    services.publish_action(action, actor=moderator)
    services.cancel_action(action, actor=moderator, reason=f"Cancelled {MARKUP}")
    pages = everywhere(client, action)
    pages["page"] = client.get(action.get_absolute_url()).content
    for where in ("list", "calendar", "embed", "page"):
        assert b"<script>alert" not in pages[where] and b"<b>Bold" not in pages[where], where
        assert b"&lt;script&gt;" in pages[where], where
    # Atom: the summary is HTML, so the text inside it is escaped once more.
    entry = ET.fromstring(pages["atom"]).find(f"{ATOM_NS}entry")
    summary = entry.find(f"{ATOM_NS}summary")
    assert summary.get("type") == "html"
    assert "&lt;script&gt;" in summary.text and "<script>" not in summary.text
    assert entry.find(f"{ATOM_NS}title").text == f"Cancelled: Vigil {MARKUP}"  # plain text
    feed = feedparser.parse(pages["atom"])
    assert not feed.bozo and "<script>" not in feed.entries[0].summary
    # ICS: text, which calendar apps never render as markup.
    (event,) = icalendar.Calendar.from_ical(pages["ics"]).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Vigil {MARKUP}" and event["STATUS"] == "CANCELLED"


def test_the_month_calendar_places_each_occurrence_on_its_local_day(client, moderator):
    weekly = announce(day=days(0), recurrence="FREQ=WEEKLY;COUNT=3", title="Weekly vigil")
    services.publish_action(weekly, actor=moderator)
    html = b""
    for month in {f"{d:%Y-%m}" for d in (days(0), days(14))}:
        html += client.get(f"/actions/calendar/?month={month}").content
    for n in (0, 7, 14):
        assert f'datetime="{days(n).isoformat()}T18:00:00'.encode() in html
    assert html.count(b"Weekly vigil") == 3


def test_the_month_shows_a_new_action_at_once(client, moderator):
    """The month's occurrences are kept between readers (queries.month_grid): one published
    since shows on the next reading all the same."""
    month = f"/actions/calendar/?month={days(0):%Y-%m}"
    services.publish_action(announce(day=days(0), title="First vigil"), actor=moderator)
    assert b"First vigil" in client.get(month).content
    services.publish_action(announce(day=days(0), title="Second vigil"), actor=moderator)
    html = client.get(month).content
    assert b"First vigil" in html and b"Second vigil" in html


def test_feeds_answer_conditional_requests_and_change_with_the_campaign(client, moderator, call):
    services.publish_action(announce(), actor=moderator)
    for url in ("/feeds/actions.atom", "/feeds/calls.atom", "/calendar/actions.ics"):
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    before = client.get("/feeds/actions.atom")["ETag"]
    services.publish_action(announce(title="A second vigil"), actor=moderator)
    after = client.get("/feeds/actions.atom", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and b"A second vigil" in after.content


def test_a_call_page_renders_sanitized_markdown_links_targets_and_translations(
    client, moderator, call, network
):
    CallText.objects.create(call=call, language="de", title="Stoppt die Korvex-Drohne", body="T")
    url = call.get_absolute_url()
    html = client.get(url).content.decode()
    assert "<h2>Why</h2>" in html and "<strong>supply</strong>" in html
    assert "<script>alert(1)" not in html
    assert network["orgs"]["engines"].get_absolute_url() in html
    assert f'href="/de{url}"' in html and 'hreflang="de"' in html
    feed = feedparser.parse(client.get("/feeds/calls.atom").content)
    assert not feed.bozo and {e.title for e in feed.entries} == {call.title}
    german = feedparser.parse(client.get("/de/feeds/calls.atom").content)
    assert {e.title for e in german.entries} == {"Stoppt die Korvex-Drohne"}
    unpublished = Call.objects.create(title="Draft", body="Not yet", language="en")
    assert client.get(unpublished.get_absolute_url()).status_code == 404


def test_the_embed_is_framed_only_where_allowed(client, moderator, settings):
    services.publish_action(announce(), actor=moderator)
    settings.EMBED_ANCESTORS = []  # turned off: no site (the default is any site, web/embed.py)
    closed = client.get("/embed/actions/")
    assert closed["X-Frame-Options"] == "DENY"
    settings.EMBED_ANCESTORS = ["https://group.example.org"]
    opened = client.get("/embed/actions/?country=DE&limit=5")
    assert "X-Frame-Options" not in opened
    assert "frame-ancestors https://group.example.org" in opened["Content-Security-Policy"]
    assert b"Vigil at the Korvex gate" in opened.content
    assert b"Vigil at the Korvex gate" not in client.get("/embed/actions/?country=FR").content


def test_ended_actions_leave_the_upcoming_list(client, moderator):
    ended = announce(day=timezone.localdate() - timedelta(days=3))
    services.publish_action(ended, actor=moderator)
    assert b"Vigil at the Korvex gate" not in client.get("/actions/").content
    assert client.get(ended.get_absolute_url()).status_code == 200  # its page stays


def test_the_demo_campaign_fills_the_calendar(client, network):
    call_command("demo_campaign", "--if-empty", stdout=io.StringIO())
    page = client.get("/actions/").content.decode()
    assert "Weekly vigil at the factory gate" in page and "6 upcoming actions" in page
    assert client.get("/calls/").content.count(b'<li lang="') == 1  # one call, in every language
    german = client.get("/de/calls/").content.decode()
    assert "Aktionstage gegen die Lieferkette der Drohne" in german


def test_unknown_language_codes_never_break_a_page(client, moderator):
    Call.objects.create(title="No language", body="Text", language="")
    services.publish_call(Call.objects.get(title="No language"), actor=moderator)
    action = announce(languages="de,xx-klingon")
    services.publish_action(action, actor=moderator)
    assert client.get("/calls/").status_code == 200
    page = client.get(action.get_absolute_url())
    assert page.status_code == 200 and b"Deutsch, xx-klingon" in page.content


def test_a_busy_day_shows_its_first_actions_and_leads_to_all_of_them(
    client, moderator, monkeypatch
):
    """A month with thousands of actions stays a page a phone can load: each day shows its
    first few, says how many more there are, and ?day= lists that day, a page at a time."""
    from unmask.campaign import views
    from unmask.campaign.queries import DAY_SHOWN

    for hour in range(9, 9 + DAY_SHOWN + 3):
        action = announce(title=f"Stand at the Korvex gate at {hour}:00")
        action.starts_at = action.starts_at.replace(hour=hour - 1)  # 18:00 Berlin is 17:00 UTC
        action.save(update_fields=["starts_at"])
        services.publish_action(action, actor=moderator)
    month = f"{SOON:%Y-%m}"
    page = client.get("/actions/calendar/", {"month": month}).content.decode()
    shown = [hour for hour in range(9, 9 + DAY_SHOWN + 3) if f"Korvex gate at {hour}:00" in page]
    assert shown == list(range(9, 9 + DAY_SHOWN))  # the earliest, in order
    assert "3 more actions" in page
    assert f'href="?month={month}&amp;day={SOON.isoformat()}#day"' in page

    page = client.get("/actions/calendar/", {"month": month, "day": SOON.isoformat()})
    day_list = page.content.decode().split('id="day"')[1].split("</section>")[0]
    assert f"{DAY_SHOWN + 3} actions on" in day_list
    titles = [f"Korvex gate at {hour}:00" for hour in range(9, 9 + DAY_SHOWN + 3)]
    assert all(title in day_list for title in titles)
    assert [day_list.index(title) for title in titles] == sorted(
        day_list.index(title) for title in titles
    )
    assert 'class="pagination"' not in day_list  # one page

    # A page at a time, in the same order, the day's count on each, the filters kept.
    monkeypatch.setattr(views, "DAY_PAGE_SIZE", 4)
    listed = []
    for number in (1, 2):
        query = {"month": month, "day": SOON.isoformat(), "country": "DE", "page": number}
        html = client.get("/actions/calendar/", query).content.decode()
        day_list = html.split('id="day"')[1].split("</section>")[0]
        assert f"{DAY_SHOWN + 3} actions on" in day_list
        here = [t for t in titles if t in day_list]
        assert [day_list.index(t) for t in here] == sorted(day_list.index(t) for t in here)
        listed += here
        later = (
            f"?month={month}&amp;day={SOON.isoformat()}&amp;country=DE&amp;page={number + 1}#day"
        )
        assert (f'href="{later}" rel="next"' in day_list) == (number * 4 < len(titles))
    assert listed == titles[:8]
    # A day outside the month's grid lists nothing (and is no error).
    other = client.get("/actions/calendar/", {"month": month, "day": "1999-01-01"})
    assert other.status_code == 200 and 'id="day"' not in other.content.decode()
