"""Times of public actions: wall-clock times in the place's time zone, stored as UTC instants.

An action at 18:00 Europe/Berlin is stored as the UTC instant of 18:00 there on that day (16:00
UTC in summer, 17:00 in winter) with the zone's name; its local time is read back from both. A
recurring action repeats its local wall-clock time, whatever the offset on each day: its rule
(RFC 5545 RRULE) is expanded in local time and each occurrence converted on its own.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from importlib import resources
from itertools import islice
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

MAX_OCCURRENCES = 200  # a weekly vigil for nearly four years
# The years an action may fall in: older ones are history, not announcements; nobody plans a
# decade ahead; and dates near year 1 or 9999 overflow once a time zone shifts them.
EARLIEST_YEAR = 1990
YEARS_AHEAD = 10


def latest_year() -> int:
    return date.today().year + YEARS_AHEAD


def check_day(day: date) -> None:
    if not EARLIEST_YEAR <= day.year <= latest_year():
        raise TimeError(
            _("Give a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": latest_year()}
        )


class TimeError(ValueError):
    """Bad input about time, with a message for the person who typed it."""


def zone(name: str) -> ZoneInfo:
    """The IANA time zone called `name` ("Europe/Berlin")."""
    if not name or name not in zone_names():
        raise TimeError(
            _("“%(name)s” is not a known time zone, such as Europe/Berlin.") % {"name": name}
        )
    try:
        return _loaded(name)
    except ZoneInfoNotFoundError as exc:  # listed but not loadable: same answer
        raise TimeError(_("“%(name)s” is not a known time zone.") % {"name": name}) from exc


@cache
def _loaded(name: str) -> ZoneInfo:
    """ZoneInfo(name), held: ZoneInfo keeps only the 8 zones used last, and lets the others be
    collected, so a calendar of actions in a dozen zones read each one's file again and again
    (a few hundred known names: a few MB at most)."""
    return ZoneInfo(name)


_names: set[str] | None = None


def zone_names() -> set[str]:
    global _names
    if _names is None:
        _names = available_timezones() - {"localtime", "Factory"}
    return _names


# --- the zone of a place ------------------------------------------------------------------------
# A point's zone comes from tzfpy: the time-zone boundaries compiled into the wheel, looked up
# offline (no service asked, nothing sent). A country alone gives a zone when all its zones keep
# the same time (Germany: Berlin and Büsingen), from tzdata's zone.tab; otherwise (Spain with the
# Canaries, the United States) the point or the person has to say.


def zone_at(latitude: float, longitude: float) -> str:
    """The IANA zone at a point on land ("Europe/Berlin"), or "" at sea and where the lookup
    answers with a nautical zone (Etc/GMT+2): those are not the zone of a place people meet."""
    from tzfpy import get_tz  # the boundaries load on the first lookup (about 0.1 s), not before

    name = get_tz(float(longitude), float(latitude)) or ""
    return name if name in zone_names() and not name.startswith("Etc/") else ""


def _zone_tab() -> str:
    try:
        return (resources.files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        for folder in TZPATH:
            path = Path(folder) / "zone.tab"
            if path.is_file():
                return path.read_text(encoding="utf-8")
    return ""


@cache
def _zones_by_country() -> dict[str, list[str]]:
    """Each ISO 3166 code with its zones, the principal one first (zone.tab's order)."""
    found: dict[str, list[str]] = {}
    for line in _zone_tab().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2] in zone_names():
            found.setdefault(parts[0].upper(), []).append(parts[2])
    return found


@cache
def _country_zone(code: str, year: int) -> str:
    names = _zones_by_country().get(code.upper(), [])
    if not names:
        return ""
    start = datetime(year, 1, 1, tzinfo=UTC)
    instants = [start + timedelta(days=d) for d in range(0, 730, 7)]  # two years, weekly
    clocks = {tuple(i.astimezone(_loaded(n)).utcoffset() for i in instants) for n in names}
    return names[0] if len(clocks) == 1 else ""


def zone_of_country(code: str) -> str:
    """The zone of a country whose clocks all show the same time (its principal zone), or ""."""
    return _country_zone(code, datetime.now(UTC).year) if code else ""


def zone_of_place(latitude: float | None, longitude: float | None, country: str = "") -> str:
    """The zone of a place: from its point when it has one, else from its country, else ""."""
    if latitude is not None and longitude is not None:
        found = zone_at(latitude, longitude)
        if found:
            return found
    return zone_of_country(country)


def to_utc(day: date, clock: time, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone. A time that does not exist there (skipped
    when clocks go forward) is refused; one that happens twice (when they go back) is the first.
    A day outside the years an action may fall in is refused (check_day)."""
    check_day(day)
    tz = zone(zone_name)
    local = datetime.combine(day, clock).replace(tzinfo=tz, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise TimeError(
            _("%(time)s does not exist on %(day)s in %(zone)s: the clocks go forward then.")
            % {"time": clock.strftime("%H:%M"), "day": day.isoformat(), "zone": zone_name}
        )
    return instant


def local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(zone(zone_name))


ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY"}


def check_rule(rule: str, first_start: datetime, zone_name: str) -> str:
    """Validate a recurrence rule ("FREQ=WEEKLY;COUNT=8" or "...;UNTIL=20261231"): daily,
    weekly or monthly, with an end (COUNT or UNTIL), at most MAX_OCCURRENCES times. Returns the
    rule in canonical form (upper case, no "RRULE:" prefix)."""
    text = rule.strip().upper().removeprefix("RRULE:")
    if not text:
        return ""
    if "COUNT=" not in text and "UNTIL=" not in text:
        raise TimeError(_("A repeating action needs an end: a number of times or a last date."))
    try:
        parsed = rrulestr(text, dtstart=local(first_start, zone_name).replace(tzinfo=None))
    except (ValueError, TypeError) as exc:
        raise TimeError(
            _("This repetition rule cannot be read: %(error)s") % {"error": exc}
        ) from exc
    frequency = re.search(r"(?:^|;)FREQ=([A-Z]+)", text)
    if not frequency or frequency[1] not in ALLOWED_FREQUENCIES:
        raise TimeError(_("An action can repeat daily, weekly or monthly."))
    if parsed.count() > MAX_OCCURRENCES:
        raise TimeError(
            _("An action can repeat at most %(n)d times; submit a new one after that.")
            % {"n": MAX_OCCURRENCES}
        )
    return text


def occurrences(
    start: datetime, end: datetime, zone_name: str, rule: str
) -> list[tuple[datetime, datetime]]:
    """Every (start, end) of the action as UTC instants, the local wall-clock time kept on each
    day: a weekly 18:00 vigil stays at 18:00 across a change of summer time."""
    return list(each_occurrence(start, end, zone_name, rule))


def each_occurrence(
    start: datetime, end: datetime, zone_name: str, rule: str, *, since: datetime | None = None
) -> Iterator[tuple[datetime, datetime]]:
    """occurrences(), one at a time: a reader looking for the next one stops there. With
    `since` (an aware instant), those that surely ended before it are skipped: the first ones
    given may still end before it (a day's margin for the place's offset), none after them."""
    if not rule:
        yield start, end
        return
    for begins, ends in each_local_occurrence(start, end, zone_name, rule, since=since):
        yield begins.astimezone(UTC), ends.astimezone(UTC)


def each_local_occurrence(
    start: datetime,
    end: datetime,
    zone_name: str,
    rule: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[tuple[datetime, datetime]]:
    """each_occurrence() in the place's time (aware, in its zone), as a calendar shows them.
    With `until` (an aware instant), those that surely start after it are left out: the last
    ones given may still start after it (a day's margin, as for `since`), none before it."""
    tz = zone(zone_name)
    if not rule:
        yield start.astimezone(tz), end.astimezone(tz)
        return
    first = start.astimezone(tz).replace(tzinfo=None)
    duration = end.astimezone(tz).replace(tzinfo=None) - first
    expanded = _expanded(rule, first, zone_name, duration)
    if expanded is None:  # longer than any rule an action may have: expanded as it is read
        for moment in rrulestr(rule, dtstart=first):
            yield _wall(moment, tz), _wall(moment + duration, tz)
        return
    moments, pairs = expanded
    skip, stop = 0, None
    if since is not None:
        local_since = since.astimezone(tz).replace(tzinfo=None)
        skip = bisect_left(moments, local_since - duration - _MARGIN)
    if until is not None:
        stop = bisect_left(moments, until.astimezone(tz).replace(tzinfo=None) + _MARGIN)
    yield from pairs[skip:stop]


_EXPANDED_AT_MOST = MAX_OCCURRENCES  # what check_rule allows; a longer rule stored earlier: as read
_MARGIN = timedelta(days=1)  # the most a place's date and time can differ from UTC's


def _wall(moment: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in a zone, aware, as the clocks there show it: one they skip (going
    forward) is the time it comes to, an hour later; one they show twice is the first."""
    return moment.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


@lru_cache(maxsize=2048)
def _expanded(
    rule: str, first: datetime, zone_name: str, duration: timedelta
) -> tuple[tuple[datetime, ...], tuple[tuple[datetime, datetime], ...]] | None:
    """A rule from its local first start, parsed and expanded once (a page of upcoming actions,
    a month or a calendar asks for the same repeating actions again and again): the local
    starts (naive, to search), and each occurrence's start and end in the zone; None for a rule
    longer than check_rule allows (_EXPANDED_AT_MOST), which is then expanded as it is read.
    About 200 bytes an occurrence: 2,048 rules of a dozen weeks hold 5 MB; of 200 occurrences
    each (the most check_rule allows), 80 MB."""
    moments = tuple(islice(rrulestr(rule, dtstart=first), _EXPANDED_AT_MOST + 1))
    if len(moments) > _EXPANDED_AT_MOST:
        return None
    tz = zone(zone_name)
    return moments, tuple((_wall(m, tz), _wall(m + duration, tz)) for m in moments)


def last_end(start: datetime, end: datetime, zone_name: str, rule: str) -> datetime:
    return occurrences(start, end, zone_name, rule)[-1][1]
