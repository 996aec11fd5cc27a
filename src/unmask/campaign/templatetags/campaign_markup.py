"""Rows of the campaign's lists that repeat by the hundred, written in Python: each gives the
markup of the template include it replaced, at a fraction of its cost (tests/campaign/
test_campaign_markup.py renders both and compares them), as record_markup does for the record.

    {% load campaign_markup %}
    {% occurrence_row o show_group embed %}  an action at one occurrence (queries.Occurrence),
                                             in the lists of actions, calls, groups, embeds
    {% map_action_row row %}                 an action in the list beside the map of actions
                                             (a row of geo.list_rows())
    {% calendar_item o %}                    an action in a day of the month's calendar
    {% calendar_day day month_value query %} a day of the month's calendar, with its first
                                             actions and the link to the others
"""

from __future__ import annotations

import html
from datetime import datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from unmask.campaign.models import ActionKind
from unmask.urlcache import country_name, fast_reverse, label, per_language

register = template.Library()


def _e(value) -> str:
    """HTML-escaped as Django's escape() does (the same five characters)."""
    return html.escape(str(value))


class _Labels:
    """The rows' fixed words in one language, translated and escaped once."""

    def __init__(self) -> None:
        self.cancelled = _e(gettext("Cancelled"))
        self.online = _e(gettext("Online"))
        self.repeats = _e(gettext("repeats"))
        self.cancelled_lower = _e(gettext("cancelled"))
        self.more = {}  # n: "N more actions", as the template's blocktranslate count wrote it
        # What Django's date formats "D" and "M" print (dateformat.DateFormat), escaped.
        self.weekdays = [_e(WEEKDAYS_ABBR[day]) for day in range(7)]
        self.months = {month: _e(MONTHS_3[month].title()) for month in range(1, 13)}

    def more_actions(self, n: int) -> str:
        found = self.more.get(n)
        if found is None:
            # As blocktranslate: the translation as it is, the number put in.
            found = self.more[n] = ngettext("%(n)s more action", "%(n)s more actions", n) % {"n": n}
        return found


_labels = per_language(_Labels)


def _day_and_time(moment: datetime, labels: _Labels) -> str:
    """date_filter(moment, "D j M Y, H:i"), escaped, without parsing the format each time (a
    list writes it for every row)."""
    weekday, month = labels.weekdays[moment.weekday()], labels.months[moment.month]
    return f"{weekday} {moment.day} {month} {moment.year:04d}, {moment:%H:%M}"


def _zone_abbreviation(moment: datetime) -> str:
    """date_filter(moment, "T") for an aware moment, escaped: its zone's abbreviation, none
    when the wall-clock time is ambiguous or skipped there (as Django's TimeFormat decides)."""
    tz = moment.tzinfo
    if tz is None or tz.utcoffset(moment.replace(fold=not moment.fold)) != tz.utcoffset(moment):
        return ""
    return _e(str(tz.tzname(moment)))


@register.simple_tag
def occurrence_row(o, show_group: bool = False, embed: bool = False) -> SafeString:
    """campaign/includes/occurrence.html as it was: the time where the action happens (the
    occurrence's own zone: no conversion), its status, title, kind, place and group."""
    labels, action = _labels(), o.action
    cancelled = action.status == "cancelled"
    if action.online and not action.city:
        place = labels.online
    else:
        place = _e(action.city)
        if action.country:
            place += f", {_e(country_name(action.country))}"
    group = f" · {_e(action.group.name)}" if show_group and action.group_id else ""
    repeats = f" · {labels.repeats}" if action.recurrence else ""
    target = ' target="_blank" rel="noopener"' if embed else ""
    badge = (
        f'\n  <strong class="status-badge status-cancelled">{labels.cancelled}</strong>'
        if cancelled
        else ""
    )
    return mark_safe(  # every value escaped here or in _Labels
        f'<li class="action-row{" is-cancelled" if cancelled else ""}">\n'
        f'  <time datetime="{_e(o.starts.isoformat())}">'
        f"{_day_and_time(o.starts, labels)}</time>\n"
        f'  <span class="meta">{_zone_abbreviation(o.starts)}</span>{badge}\n'
        f'  <a href="{_e(action.get_absolute_url())}"{target}>{_e(action.title)}</a>\n'
        f'  <span class="meta">{_e(label(ActionKind, action.kind))} · {place}{group}{repeats}'
        "</span>\n</li>"
    )


@register.simple_tag
def map_action_row(row: dict) -> SafeString:
    """An action in the list beside /actions/map/ (campaign/includes/action_map.html's rows as
    they were): its short address, title, status, local time with the zone's abbreviation,
    kind, city, country and group."""
    action = row["action"]
    cancelled = row["cancelled"]
    meta = [
        f'<time datetime="{_e(row["start"].isoformat())}">'
        f"{_e(date_filter(row['local'], 'DATETIME_FORMAT'))} {_e(row['zone_abbr'])}</time>",
        _e(label(ActionKind, action.kind)),
    ]
    if action.city:
        meta.append(_e(action.city))
    if action.country:
        meta.append(_e(country_name(action.country)))
    if action.group_id:
        meta.append(_e(action.group.name))
    url = fast_reverse("campaign:action-short", action.public_id)
    badge = f' <strong class="action-cancelled">{_labels().cancelled}</strong>' if cancelled else ""
    marked = ' class="cancelled"' if cancelled else ""
    return mark_safe(  # every value escaped here or in _Labels
        f'<li data-action="{_e(action.public_id)}"{marked}>'
        f'<a href="{_e(url)}">{_e(action.title)}</a>{badge}\n'
        f'        <span class="meta">{" · ".join(meta)}</span></li>'
    )


@register.simple_tag
def calendar_item(o) -> SafeString:
    """An action at one occurrence in a day of the month's calendar (campaign/calendar.html's
    items as they were): its local time and title, linked, its status and city."""
    action = o.action
    cancelled = action.status == "cancelled"
    status = f" <small>({_labels().cancelled_lower})</small>" if cancelled else ""
    return mark_safe(  # every value escaped here or in _Labels
        f'<li class="{"is-cancelled" if cancelled else ""}"><a href="{_e(action.get_absolute_url())}">'
        f'<time datetime="{_e(o.starts.isoformat())}">{o.starts:%H:%M}</time>'
        f' {_e(action.title)}</a>{status}<small class="meta"> · {_e(action.city)}</small></li>'
    )


@register.simple_tag
def calendar_day(day, month_value: str, query: str) -> SafeString:
    """A day of the month's calendar (a queries.Day; campaign/calendar.html's cells as they
    were): its number, its first actions ({% calendar_item %}) and the link to the others."""
    classes = ("" if day.in_month else "other-month") + (" today" if day.is_today else "")
    iso = day.day.isoformat()
    items = ""
    if day.occurrences:
        items = "".join(f"\n        {calendar_item(o)}\n      " for o in day.occurrences)
        items = f"<ul>{items}</ul>"
    more = ""
    if day.more:
        also = f"&amp;{_e(query)}" if query else ""
        more = (
            f'<a class="day-more" href="?month={_e(month_value)}&amp;day={iso}{also}#day">'
            f"{_labels().more_actions(day.more)}</a>"
        )
    return mark_safe(  # every value escaped here or in the tags and _Labels it calls
        f'<td class="{classes}">\n      <time class="day-number" datetime="{iso}">'
        f"{day.day.day}</time>\n      {items}\n      {more}\n    </td>"
    )
