"""The actions as an iCalendar file (RFC 5545), for calendar apps to subscribe to.

Each action is a VEVENT whose times are written in the place's time zone (DTSTART;TZID=...),
with the VTIMEZONE definitions the file uses, so a calendar shows 18:00 in Berlin as 18:00 in
Berlin on either side of a change of summer time. The UID is the action's public id and never
changes; SEQUENCE rises with every change; a cancelled action stays in the feed with
STATUS:CANCELLED, so subscribed calendars strike it out instead of silently losing it; a
repeating action carries its RRULE. Text is plain text: calendar apps do not render markup.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vRecur

from unmask.campaign import times
from unmask.campaign.models import Action, ActionStatus


def calendar(actions, *, name: str, host: str, base_url: str) -> bytes:
    """The calendar of these actions. `host` makes UIDs unique to this site ("uid@host");
    `base_url` makes links absolute."""
    cal = Calendar()
    cal.add("prodid", f"-//unmask//{host}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    actions = list(actions)
    # DTSTAMP: when the calendar's content last changed, not the time of the request, so that
    # an unchanged calendar is byte for byte the same and answers conditional requests with 304.
    changed = [a.updated_at for a in actions]
    stamp = (max(changed) if changed else datetime(2026, 1, 1, tzinfo=UTC)).astimezone(UTC)
    stamp = stamp.replace(microsecond=0)
    for action in actions:
        cal.add_component(event(action, host=host, base_url=base_url, stamp=stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


def event(action: Action, *, host: str, base_url: str, stamp: datetime) -> Event:
    item = Event()
    item.add("uid", f"{action.public_id}@{host}")
    item.add("dtstamp", stamp)
    item.add("last-modified", action.updated_at.astimezone(UTC).replace(microsecond=0))
    item.add("sequence", action.sequence)
    item.add("summary", action.title)
    item.add("dtstart", times.local(action.starts_at, action.timezone))
    item.add("dtend", times.local(action.ends_at, action.timezone))
    if action.recurrence:
        item.add("rrule", vRecur.from_ical(action.recurrence))
    cancelled = action.status == ActionStatus.CANCELLED
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    description = action.description
    if cancelled and action.status_reason:
        description = f"{action.status_reason}\n\n{description}".strip()
    if description:
        item.add("description", description)
    place = ", ".join(
        p for p in (action.address, action.city, action.country.name if action.country else "") if p
    )
    if action.online:
        place = ", ".join(p for p in (place, action.online_url) if p)
    if place:
        item.add("location", place)
    if action.latitude is not None and action.longitude is not None:
        item.add("geo", (action.latitude, action.longitude))
    item.add("categories", [action.get_kind_display()])
    return item
