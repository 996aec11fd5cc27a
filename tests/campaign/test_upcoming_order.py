"""The lists of upcoming actions (/actions/, the map's list, the embeds) show each action at its
next occurrence, soonest first. They read the actions a few at a time in the order of their
first start (queries.soonest); a weekly action that began months ago must still come in its
place, on every page."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from unmask.campaign import queries, times
from unmask.campaign.models import Action, ActionStatus
from unmask.record import version

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")


def _action(zone: str, starts_at: datetime, minutes: int, rule: str, now: datetime) -> Action:
    ends_at = starts_at + timedelta(minutes=minutes)
    return Action(
        title="Vigil at the Brenmark Avionics gate",
        kind="vigil",
        timezone=zone,
        starts_at=starts_at,
        ends_at=ends_at,
        recurrence=rule,
        last_ends_at=times.last_end(starts_at, ends_at, zone, rule),
        status=ActionStatus.PUBLISHED,
        published_at=now - timedelta(days=1),
        city="Kassel",
        country="DE",
    )


def _actions(rng: random.Random, now: datetime) -> None:
    """More repeating actions that began weeks ago than one read holds, their next occurrences
    spread over the coming weeks; one-off actions from now on, some running; a few over."""
    rows = []
    for _ in range(160):
        zone = rng.choice(ZONES)
        starts_at = now - timedelta(hours=rng.randint(24 * 30, 24 * 120))
        rule = rng.choice(("FREQ=WEEKLY;COUNT=30", "FREQ=DAILY;COUNT=150", "FREQ=MONTHLY;COUNT=6"))
        rows.append(_action(zone, starts_at, rng.choice((30, 120)), rule, now))
    for _ in range(120):
        zone = rng.choice(ZONES)
        starts_at = now + timedelta(hours=rng.randint(-30, 24 * 40))
        rows.append(_action(zone, starts_at, rng.choice((30, 120, 60 * 36)), "", now))
    Action.objects.bulk_create(rows)


def _expected(now: datetime) -> list[int]:
    """Every action's next occurrence worked out, then sorted: what the lists must show."""
    found = []
    for action in Action.objects.public().filter(last_ends_at__gte=now):
        occurrence = queries.next_occurrence(action, now)
        found.append((occurrence.starts.astimezone(UTC), action.pk))
    return [pk for _start, pk in sorted(found)]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_page_of_upcoming_actions_is_in_next_occurrence_order(seed):
    rng = random.Random(seed)
    now = timezone.now()
    _actions(rng, now)
    expected = _expected(now)
    assert 150 < len(expected) < 280  # some are over

    filters = queries.ActionFilters()
    for limit in (1, 7, 25, 60, len(expected) + 5):  # small ones read again and again
        assert (
            queries.soonest(queries.public_actions().filter(last_ends_at__gte=now), now, limit)
            == expected[:limit]
        )
    assert [o.action.pk for o in queries.upcoming(filters, now)] == expected

    pages = Paginator(queries.UpcomingPages(filters, now), 50)
    assert pages.count == len(expected)
    shown = [o.action.pk for number in pages.page_range for o in pages.page(number)]
    assert shown == expected


@pytest.mark.django_db
def test_the_order_stays_right_as_time_passes_between_readers():
    """What soonest() works out, and the count of the list, is kept between readers until one
    of the actions' occurrences ends or another action begins: readers minutes or days later,
    through the same cache, still get every action at its next occurrence, and the count of
    those still to come."""
    now = timezone.now().replace(second=0, microsecond=0)
    hour = timedelta(hours=1)
    rows = [
        # A daily vigil on now, ending in ten minutes; then tomorrow.
        _action(
            "UTC", now - 50 * timedelta(minutes=1) - 3 * 24 * hour, 60, "FREQ=DAILY;COUNT=9", now
        ),
        # A weekly one that began last week: next in three hours.
        _action("Europe/Berlin", now + 3 * hour - 7 * 24 * hour, 60, "FREQ=WEEKLY;COUNT=4", now),
        # Two one-offs: in half an hour (for five hours), in an hour.
        _action("UTC", now + hour / 2, 300, "", now),
        _action("Asia/Tokyo", now + hour, 60, "", now),
    ]
    Action.objects.bulk_create(rows)
    actions = queries.public_actions()
    for step in (0, 5, 20, 20, 60, 60 * 3, 60 * 24, 60 * 24 * 3):
        now += timedelta(minutes=step)
        under_way = actions.filter(last_ends_at__gte=now)
        assert queries.soonest(under_way, now, 10) == _expected(now), now
        assert queries.count_upcoming(under_way, now) == len(_expected(now)), now

    # And on the random campaign above, walked through in ten minutes' steps for two days.
    rng = random.Random(5)
    _actions(rng, now)
    version.bump(version.CAMPAIGN)  # as every write through the services does
    for _ in range(6 * 48):
        now += timedelta(minutes=10)
        under_way = actions.filter(last_ends_at__gte=now)
        expected = _expected(now)
        assert queries.count_upcoming(under_way, now) == len(expected), now
        assert queries.soonest(under_way, now, 30) == expected[:30], now
        if rng.random() < 0.1:  # a reader deeper in the list, now and then
            assert queries.soonest(under_way, now, 250) == expected[:250], now


@pytest.mark.django_db
def test_an_action_that_comes_and_goes_between_two_readers_leaves_the_list():
    """Between two readers an hour and a half apart, a half-hour action begins and ends while
    the action under way goes on for days: the second reader no longer sees it, nor counts it."""
    now = timezone.now().replace(second=0, microsecond=0)
    hour = timedelta(hours=1)
    rows = [
        _action("UTC", now - hour, 60 * 24 * 3, "", now),  # a camp, on for three days
        _action("UTC", now + hour / 2, 30, "", now),  # a half-hour vigil, soon
        _action("Europe/Berlin", now + 5 * hour, 60, "", now),
    ]
    Action.objects.bulk_create(rows)
    camp, vigil, later = (a.pk for a in Action.objects.order_by("starts_at"))
    actions = queries.public_actions()
    assert queries.soonest(actions.filter(last_ends_at__gte=now), now) == [camp, vigil, later]
    assert queries.count_upcoming(actions.filter(last_ends_at__gte=now), now) == 3

    now += 1.5 * hour
    assert queries.soonest(actions.filter(last_ends_at__gte=now), now) == [camp, later]
    assert queries.count_upcoming(actions.filter(last_ends_at__gte=now), now) == 2
