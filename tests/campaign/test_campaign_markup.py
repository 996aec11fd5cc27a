"""The campaign's rows written in Python (campaign/templatetags/campaign_markup.py) give the
markup of the template includes they replaced, in a left-to-right and a right-to-left language:
an action at its next occurrence in the lists (cancelled, online without a city, repeating,
with and without a group, in an embed) and in a day of the month's calendar, and an action in
the list beside the map."""

from __future__ import annotations

from datetime import time

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from unmask.campaign import geo, queries
from unmask.campaign import services as campaign
from unmask.campaign.models import Action, LocalGroup

from ..markup import same
from .dates import SOON

# campaign/includes/occurrence.html, as it was.
OCCURRENCE = Template(
    """{% load i18n tz %}{% localtime off %}<li class="action-row{% if o.cancelled %} is-cancelled{% endif %}">
  <time datetime="{{ o.starts.isoformat }}">{{ o.starts|date:"D j M Y, H:i" }}</time>
  <span class="meta">{{ o.starts|date:"T" }}</span>
  {% if o.cancelled %}<strong class="status-badge status-cancelled">{% translate "Cancelled" %}</strong>{% endif %}
  <a href="{{ o.action.get_absolute_url }}"{% if embed %} target="_blank" rel="noopener"{% endif %}>{{ o.action.title }}</a>
  <span class="meta">{{ o.action.get_kind_display }} · {% if o.action.online and not o.action.city %}{% translate "Online" %}{% else %}{{ o.action.city }}{% if o.action.country %}, {{ o.action.country.name }}{% endif %}{% endif %}{% if show_group and o.action.group %} · {{ o.action.group.name }}{% endif %}{% if o.action.recurrence %} · {% translate "repeats" %}{% endif %}</span>
</li>{% endlocaltime %}"""
)
OCCURRENCE_TAG = Template("{% load campaign_markup %}{% occurrence_row o show_group embed %}")
# The rows of campaign/includes/action_map.html, as they were.
MAP_ROW = Template(
    """{% load i18n %}<li data-action="{{ row.action.public_id }}"{% if row.cancelled %} class="cancelled"{% endif %}><a href="{% url 'campaign:action-short' row.action.public_id %}">{{ row.action.title }}</a>{% if row.cancelled %} <strong class="action-cancelled">{% translate "Cancelled" %}</strong>{% endif %}
        <span class="meta"><time datetime="{{ row.start.isoformat }}">{{ row.local|date:"DATETIME_FORMAT" }} {{ row.zone_abbr }}</time> · {{ row.action.get_kind_display }}{% if row.action.city %} · {{ row.action.city }}{% endif %}{% if row.action.country %} · {{ row.action.country.name }}{% endif %}{% if row.action.group %} · {{ row.action.group.name }}{% endif %}</span></li>"""
)
MAP_ROW_TAG = Template("{% load campaign_markup %}{% map_action_row row %}")
# The items of a day in campaign/calendar.html, as they were (inside its localtime off).
CALENDAR_ITEM = Template(
    """{% load i18n tz %}{% localtime off %}<li class="{% if o.cancelled %}is-cancelled{% endif %}"><a href="{{ o.action.get_absolute_url }}"><time datetime="{{ o.starts.isoformat }}">{{ o.starts|time:"H:i" }}</time> {{ o.action.title }}</a>{% if o.cancelled %} <small>({% translate "cancelled" %})</small>{% endif %}<small class="meta"> · {{ o.action.city }}</small></li>{% endlocaltime %}"""
)
CALENDAR_ITEM_TAG = Template("{% load campaign_markup %}{% calendar_item o %}")
# A day of campaign/calendar.html's month, as it was.
CALENDAR_DAY = Template(
    """{% load i18n tz campaign_markup %}{% localtime off %}<td class="{% if not day.in_month %}other-month{% endif %}{% if day.is_today %} today{% endif %}">
      <time class="day-number" datetime="{{ day.day.isoformat }}">{{ day.day.day }}</time>
      {% if day.occurrences %}<ul>{% for o in day.occurrences %}
        {% calendar_item o %}
      {% endfor %}</ul>{% endif %}
      {% if day.more %}<a class="day-more" href="?month={{ month_value }}&amp;day={{ day.day.isoformat }}{% if query %}&amp;{{ query }}{% endif %}#day">{% blocktranslate count n=day.more %}{{ n }} more action{% plural %}{{ n }} more actions{% endblocktranslate %}</a>{% endif %}
    </td>{% endlocaltime %}"""
)
CALENDAR_DAY_TAG = Template("{% load campaign_markup %}{% calendar_day day month_value query %}")


@pytest.fixture
def actions(announced, moderator):
    """Besides the announced vigil (Kassel, a group): a weekly stand in Istanbul without a
    group (cancelled), an online talk without a city ("<Webinar> & Q"), all published; the
    vigil and the stand on the map."""
    group = LocalGroup.objects.get()
    Action.objects.filter(pk=announced[1].pk).update(latitude=51.3127, longitude=9.4797)
    made = []
    for when, fields in (
        (
            campaign.When(SOON, time(11), SOON, time(13), "Europe/Istanbul", "FREQ=WEEKLY;COUNT=6"),
            {
                "title": "Stand at the ferry",
                "kind": "info_stand",
                "city": "İstanbul",
                "country": "TR",
            },
        ),
        (
            campaign.When(SOON, time(19), SOON, time(20), "America/New_York", ""),
            {
                "title": "<Webinar> & Q",
                "kind": "talk",
                "online": True,
                "online_url": "https://talk.example.org/x",
                "group": group,
            },
        ),
    ):
        action = campaign.submit_action(when, **fields)[0]
        made.append(campaign.publish_action(action, actor=moderator))
    campaign.cancel_action(made[0], actor=moderator, reason="The ferry does not run")
    Action.objects.filter(pk=made[0].pk).update(latitude=41.0082, longitude=28.9784)
    return made


@pytest.mark.parametrize("language", ["en", "ar"])
def test_occurrence_rows_are_the_markup_of_the_include(actions, language):
    with translation.override(language):
        found = queries.upcoming(queries.ActionFilters())
        assert len(found) == 3
        assert any(o.cancelled for o in found) and any(o.action.recurrence for o in found)
        for o in found:
            for show_group, embed in ((True, False), (False, False), (True, True)):
                context = Context({"o": o, "show_group": show_group, "embed": embed})
                assert same(OCCURRENCE_TAG.render(context), OCCURRENCE.render(context)), o
            context = Context({"o": o})
            assert same(CALENDAR_ITEM_TAG.render(context), CALENDAR_ITEM.render(context)), o


@pytest.mark.parametrize("language", ["en", "ar"])
def test_map_list_rows_are_the_markup_of_the_include(actions, language):
    with translation.override(language):
        rows = geo.list_rows(geo.upcoming(queries.ActionFilters()))
        assert len(rows) == 2 and any(row["cancelled"] for row in rows)
        for row in rows:
            context = Context({"row": row})
            assert same(MAP_ROW_TAG.render(context), MAP_ROW.render(context)), row


@pytest.mark.parametrize("language", ["en", "ar"])
def test_calendar_days_are_the_markup_of_the_template(actions, language, monkeypatch):
    """Days of the month's grid: in the month or not, today, empty, with their first actions,
    and with more than those ("N more", in each plural form), with and without filters."""
    monkeypatch.setattr(queries, "DAY_SHOWN", 1)
    with translation.override(language):
        soon = [o for o in queries.upcoming(queries.ActionFilters()) if o.starts.date() == SOON]
        assert len(soon) >= 2  # the day shows one and has more
        weeks = queries.month_grid(SOON.year, SOON.month, queries.ActionFilters())
        days = [day for week in weeks for day in week]
        busy = next(day for day in days if day.day == SOON)
        assert busy.occurrences and busy.more >= 1
        assert any(not day.in_month for day in days) and any(not day.count for day in days)
        busy_more = [
            queries.Day(busy.day, True, busy.occurrences, busy.count + n) for n in (1, 2, 10)
        ]
        today = queries.Day(timezone.localdate(), True)
        for day in [*days, *busy_more, today]:
            for query in ("", "country=DE&kind=vigil", 'city=A "&" B'):
                context = Context({"day": day, "month_value": "2027-03", "query": query})
                assert same(CALENDAR_DAY_TAG.render(context), CALENDAR_DAY.render(context)), day


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_rows_time_is_written_as_djangos_date_filter_writes_it(language):
    """{% occurrence_row %} writes its times without Django's date filter: the same words and
    numbers, every weekday and month, and no zone abbreviation for a time the clocks show twice
    (the night summer time ends) or skip (the night it starts), as the filter does."""
    from datetime import datetime, timedelta
    from datetime import time as clock

    from django.template.defaultfilters import date as date_filter

    from unmask.campaign import times
    from unmask.campaign.templatetags import campaign_markup as markup

    from .dates import SUMMER_TIME_ENDS, SUMMER_TIME_STARTS

    berlin = times.zone("Europe/Berlin")
    moments = [
        datetime.combine(SUMMER_TIME_ENDS, clock(2, 30), berlin),  # twice that night
        datetime.combine(SUMMER_TIME_ENDS, clock(2, 30), berlin).replace(fold=1),
        datetime.combine(SUMMER_TIME_STARTS, clock(2, 30), berlin),  # skipped that night
        *(datetime(2027, 1, 3, 9, 5, tzinfo=berlin) + timedelta(days=33 * n) for n in range(12)),
    ]
    with translation.override(language):
        labels = markup._labels()
        for moment in moments:
            assert markup._day_and_time(moment, labels) == date_filter(moment, "D j M Y, H:i")
            assert markup._zone_abbreviation(moment) == date_filter(moment, "T")
