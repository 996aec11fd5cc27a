"""The actions' calendar, read back with real parsers (icalendar, recurring-ical-events): local
times with their VTIMEZONE, a repetition expanded across summer time, a UID that survives edits,
SEQUENCE and STATUS:CANCELLED; markup stays text."""

from __future__ import annotations

import time as process_time
from datetime import UTC, time

import icalendar
import pytest
import recurring_ical_events

from unmask.campaign import services
from unmask.campaign.services import When

from .dates import SOON, SUMMER_TIME_ENDS, days

BERLIN = "Europe/Berlin"


def published(moderator, day, recurrence="", **fields):
    values = {
        "title": "Vigil at the Korvex gate",
        "kind": "vigil",
        "city": "Kassel",
        "country": "DE",
    }
    values.update(fields)
    when = When(day, time(18), day, time(19, 30), BERLIN, recurrence)
    action, token = services.submit_action(when, **values)
    services.publish_action(action, actor=moderator)
    return action, token


def feed(client, **params) -> icalendar.Calendar:
    response = client.get("/calendar/actions.ics", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@pytest.fixture(params=["UTC", "America/New_York"])
def server_zone(request, monkeypatch):
    """The server process's own time zone, which no time the calendar writes may depend on
    (SQLite hands the calendar's raw query naive UTC date-times)."""
    monkeypatch.setenv("TZ", request.param)
    process_time.tzset()
    yield request.param
    monkeypatch.undo()
    process_time.tzset()


def test_a_weekly_vigil_reads_back_at_18_00_berlin_across_the_change(
    client, moderator, server_zone
):
    action, _token = published(moderator, days(-7, SUMMER_TIME_ENDS), "FREQ=WEEKLY;COUNT=3")
    cal = feed(client)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == [BERLIN]
    (event,) = cal.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == BERLIN
    assert event["UID"].startswith(action.public_id + "@")
    window = (days(-30, SUMMER_TIME_ENDS), days(30, SUMMER_TIME_ENDS))
    found = recurring_ical_events.of(cal).between(*window)
    starts = sorted(e["DTSTART"].dt for e in found)
    expected = [days(n, SUMMER_TIME_ENDS) for n in (-7, 0, 7)]
    assert [s.strftime("%Y-%m-%d %H:%M") for s in starts] == [f"{d} 18:00" for d in expected]
    assert [s.astimezone(UTC).hour for s in starts] == [16, 17, 17]
    action.refresh_from_db()
    assert event["LAST-MODIFIED"].dt == action.updated_at.replace(microsecond=0)


def test_uid_stays_sequence_rises_and_a_cancelled_action_stays_as_cancelled(client, moderator):
    action, token = published(moderator, SOON, title="<b>Info</b> stand")
    (before,) = feed(client).walk("VEVENT")
    services.cancel_action(action, token=token, reason="The permit was refused")
    (after,) = feed(client).walk("VEVENT")
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["STATUS"] == "CANCELLED" and before["STATUS"] == "CONFIRMED"
    assert "The permit was refused" in after["DESCRIPTION"]
    assert str(after["SUMMARY"]) == "<b>Info</b> stand"  # text for calendars, never rendered


def test_only_public_actions_and_the_filters(client, moderator):
    published(moderator, SOON, country="DE")
    published(moderator, days(1), title="Rally in Lyon", city="Lyon", country="FR")
    services.submit_action(
        When(days(2), time(18), days(2), time(19), BERLIN),
        title="Not yet moderated",
        kind="vigil",
        city="Kassel",
    )
    titles = {str(e["SUMMARY"]) for e in feed(client).walk("VEVENT")}
    assert titles == {"Vigil at the Korvex gate", "Rally in Lyon"}
    assert {str(e["SUMMARY"]) for e in feed(client, country="FR").walk("VEVENT")} == {
        "Rally in Lyon"
    }


def test_an_unchanged_calendar_answers_304(client, moderator):
    published(moderator, SOON)
    first = client.get("/calendar/actions.ics")
    again = client.get("/calendar/actions.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_text_survives_escaping_and_line_folding(client, moderator):
    title = "Vigil; gate 2, Kassel \\ Ölmühle — ünïcödé " * 3
    description = "Bring:\n- candles, banners;\n- 🕯️ " + "ä" * 120
    published(moderator, SOON, title=title, description=description, address="Gate 2, Nord")
    raw = client.get("/calendar/actions.ics").content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]) == title and str(event["DESCRIPTION"]) == description
    assert str(event["LOCATION"]) == "Gate 2, Nord, Kassel, Germany"


def test_uids_are_the_configured_sites_whatever_the_host_header(client, moderator, settings):
    settings.SITE_URL = "https://unmask.example.org"
    action, _token = published(moderator, SOON)
    for url in ("/calendar/actions.ics", f"/actions/{action.public_id}.ics"):
        raw = client.get(url, HTTP_HOST="localhost:8770").content
        (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
        assert event["UID"] == f"{action.public_id}@unmask.example.org", url
        assert b"localhost" not in raw.replace(b"\r\n ", b"").split(b"URL:")[0], url


def test_a_calendar_without_events_still_has_a_component(client, moderator):
    published(moderator, SOON, country="DE")
    raw = client.get("/calendar/actions.ics", {"country": "FR"}).content
    cal = icalendar.Calendar.from_ical(raw)
    assert not cal.walk("VEVENT")
    assert [c.name for c in cal.subcomponents] == ["VTIMEZONE"]  # RFC 5545 3.6: one at least
    assert not recurring_ical_events.of(cal).between(days(-400), days(400))


def test_unknown_filter_values_are_refused_with_a_short_400(client, moderator):
    published(moderator, SOON, country="DE")
    for url in ("/calendar/actions.ics", "/feeds/actions.atom"):
        for params, name in (
            ({"country": "Germany"}, "country"),
            ({"kind": "picnic"}, "kind"),
            ({"group": "No Such/Group"}, "group"),
            ({"org": "x" * 13}, "org"),
        ):
            response = client.get(url, params)
            assert response.status_code == 400, (url, params)
            assert response["Content-Type"].startswith("text/plain")
            assert f"“{name}”" in response.content.decode(), (url, params)
        # What the API accepts is accepted: lower case, empty values (a form's), a free city.
        for params in ({"country": "de"}, {"country": "", "kind": "vigil"}, {"city": "Kassel"}):
            assert client.get(url, params).status_code == 200, (url, params)


def test_feeds_and_calendars_answer_if_modified_since(client, moderator):
    action, _token = published(moderator, SOON)
    urls = [
        "/calendar/actions.ics",
        f"/actions/{action.public_id}.ics",
        "/feeds/actions.atom",
        "/feeds/calls.atom",
    ]
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200 and first["Last-Modified"], url
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304 and not again.content, url
        # If-None-Match, when sent, decides (RFC 9110 13.2.2): a stale ETag gets the file.
        stale = client.get(
            url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"], HTTP_IF_NONE_MATCH='W/"old"'
        )
        assert stale.status_code == 200, url
    published(moderator, days(1), title="A second vigil")
    after = client.get(urls[0], HTTP_IF_MODIFIED_SINCE="Thu, 01 Jan 2026 00:00:00 GMT")
    assert after.status_code == 200 and b"A second vigil" in after.content
