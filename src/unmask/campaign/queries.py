"""What the campaign's public pages read: filtered public actions, their next occurrence, the
month calendar, and the pages of groups and calls."""

from __future__ import annotations

import calendar as pycalendar
import hashlib
import heapq
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import islice

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from unmask.campaign import times
from unmask.campaign.models import Action, ActionKind, ActionTarget, Call, LocalGroup
from unmask.record import version
from unmask.record.models import Organization, Product
from unmask.record.text import COUNTRY_CODE_PATTERN, PUBLIC_ID_PATTERN
from unmask.sql import aware, raw_rows
from unmask.urlcache import country_name


@dataclass
class ActionFilters:
    """?country=DE&city=Kassel&call=<public id>&group=<public id>&kind=vigil&org=<public id>
    &product=<public id>: `org` keeps the actions aimed at an organization or one of its sites,
    `product` those aimed at a product or program."""

    country: str = ""
    city: str = ""
    call: str = ""
    group: str = ""
    kind: str = ""
    org: str = ""
    product: str = ""

    @classmethod
    def from_params(cls, params, *, strict: bool = False) -> ActionFilters:
        """Unknown values are dropped, never an error; with `strict` (feeds and calendars, read
        by programs), a value the API would refuse raises InvalidFilter instead."""
        if strict:
            check_filters(params)
        kind = (params.get("kind") or "").strip()
        country = (params.get("country") or "").strip().upper()
        return cls(
            country=country if len(country) == 2 and country.isalpha() else "",
            city=" ".join((params.get("city") or "").split())[:200],
            call=_public_id(params.get("call")),
            group=_public_id(params.get("group")),
            kind=kind if kind in ActionKind.values else "",
            org=_public_id(params.get("org")),
            product=_public_id(params.get("product")),
        )

    def as_params(self) -> dict:
        return dict(sorted((k, v) for k, v in self.__dict__.items() if v))

    @property
    def active_filters(self) -> bool:
        return bool(self.as_params())

    def matches_city(self, city: str) -> bool:
        """The city compared in Python, for every script: SQLite's case-insensitive match
        knows ASCII only (apply() uses it, so "LULEÅ" finds "Luleå" on PostgreSQL only)."""
        return not self.city or city.casefold().strip() == self.city.casefold()

    def actions(self, now: datetime | None = None) -> QuerySet:
        """Public actions with a point, upcoming or running at `now`, in the filters but the
        city (see matches_city): what the map draws."""
        qs = Action.objects.public().filter(
            last_ends_at__gte=now or timezone.now(),
            latitude__isnull=False,
            longitude__isnull=False,
        )
        return replace(self, city="").apply(qs).order_by("starts_at", "pk")

    def apply(self, actions: QuerySet) -> QuerySet:
        if self.country:
            actions = actions.filter(country=self.country)
        if self.city:
            actions = actions.filter(city__iexact=self.city)
        if self.call:
            actions = actions.filter(call__public_id=self.call)
        if self.group:
            actions = actions.filter(group__public_id=self.group)
        if self.kind:
            actions = actions.filter(kind=self.kind)
        if self.org:
            org = Organization.objects.filter(public_id=self.org).values("pk")
            aimed = ActionTarget.objects.public().of_organization(org)
            actions = actions.filter(pk__in=aimed.values("action_id"))
        if self.product:
            aimed = ActionTarget.objects.public().filter(product__public_id=self.product)
            actions = actions.filter(pk__in=aimed.values("action_id"))
        return actions


class InvalidFilter(ValueError):
    """A filter's value is not one the API accepts: the message names the parameter."""


def check_filters(params) -> None:
    """The API's rules for the same parameters (record/text.py, campaign/api.py): a country
    code, an action kind, public ids. Empty values count as absent, as a form sends them."""
    rules = {
        "country": (COUNTRY_CODE_PATTERN, _("a two-letter country code, such as DE")),
        "kind": ("^(" + "|".join(ActionKind.values) + ")$", ", ".join(ActionKind.values)),
    }
    for name in ("call", "group", "org", "product"):
        rules[name] = (PUBLIC_ID_PATTERN, _("a public id"))
    for name, (pattern, expected) in rules.items():
        value = params.get(name) or ""
        if value and not re.fullmatch(pattern, value):
            raise InvalidFilter(
                _("Invalid value for “%(name)s”: expected %(expected)s.")
                % {"name": name, "expected": expected}
            )


def feeds_modified() -> datetime:
    """The Last-Modified of the campaign's feeds and calendars: its last change, or the start of
    today (UTC) if later: they are built once a day (the "day" of their cache keys) and drop
    what ended a month ago."""
    today = datetime.combine(timezone.now().date(), datetime.min.time(), UTC)
    return max(version.changed_at(version.CAMPAIGN) or today, today)


def _public_id(value) -> str:
    value = (value or "").strip()
    return value if re.fullmatch(PUBLIC_ID_PATTERN, value) else ""


def describe_filters(filters: ActionFilters) -> str:
    """The filters in words, for the names of calendars and feeds: "in Germany", "for the call
    'Days of action'", "aimed at Korvex Aerodynamics"... Empty when nothing is filtered."""
    parts = []
    if filters.call:
        call = public_calls().filter(public_id=filters.call).first()
        if call:
            parts.append(_("for the call “%(title)s”") % {"title": call.localized_title})
    if filters.org:
        org = Organization.objects.public().filter(public_id=filters.org).first()
        if org:
            parts.append(_("aimed at %(name)s") % {"name": org.name})
    if filters.product:
        product = Product.objects.public().filter(public_id=filters.product).first()
        if product:
            parts.append(_("aimed at %(name)s") % {"name": product.name})
    if filters.group:
        group = public_group(filters.group)
        if group:
            parts.append(_("by %(name)s") % {"name": group.name})
    if filters.kind:
        parts.append(str(ActionKind(filters.kind).label).lower())
    if filters.city:
        parts.append(_("in %(place)s") % {"place": filters.city})
    if filters.country:
        parts.append(_("in %(place)s") % {"place": country_name(filters.country)})
    return " ".join(parts)


def calendar_name(site_name: str, filters: ActionFilters) -> str:
    """ "unmask — actions in Germany", or "unmask — actions" when nothing is filtered."""
    described = describe_filters(filters)
    if described:
        return _("%(site)s — actions %(filters)s") % {"site": site_name, "filters": described}
    return _("%(site)s — actions") % {"site": site_name}


@dataclass
class Occurrence:
    action: Action
    starts: datetime  # local, in the action's zone
    ends: datetime

    @property
    def cancelled(self) -> bool:
        return self.action.status == "cancelled"


def public_actions() -> QuerySet:
    return Action.objects.public().select_related("call", "group")


def next_occurrence(action: Action, now: datetime) -> Occurrence | None:
    """The occurrence running now or coming next, in local time; None once all have ended."""
    for start, end in times.each_local_occurrence(
        action.starts_at, action.ends_at, action.timezone, action.recurrence, since=now
    ):
        if end >= now:
            return Occurrence(action, start, end)
    return None


def soonest(actions: QuerySet, now: datetime, limit: int | None = None) -> list[int]:
    """The pks of `actions` (running or upcoming at `now`) by the start of their next
    occurrence, then pk: the first `limit`, or all. Kept between readers (_Order)."""
    order = _Order.of(actions, now)
    if not order.holds(limit):
        order.work_out(actions, now, limit)
    return order.pks[:limit]


def count_upcoming(actions: QuerySet, now: datetime) -> int:
    """How many `actions` there are (running or upcoming at `now`): counted once in the time the
    order is kept for, in which no action can end or begin (_Order)."""
    order = _Order.of(actions, now)
    if not order.holds(0):
        order.work_out(actions, now, 0)  # for the time it holds
    if order.count is None:
        order.count = len(order.pks) if order.whole else actions.count()
        order.keep()
    return order.count


def _is(value, moment: datetime) -> bool:
    """Whether a query's parameter is `moment` (SQLite's are text, PostgreSQL's date-times)."""
    if isinstance(value, str):
        try:
            value = aware(value)
        except ValueError:
            return False
    return isinstance(value, datetime) and value == moment


ORDER_SECONDS = 24 * 3600  # at most; a new version of the campaign or the record makes new keys
ORDER_DEPTH = 200  # the first pks worked out at least: ten pages of twenty


@dataclass
class _Order:
    """The first pks of a list of running or upcoming actions in the order soonest() gives
    (all of them when `whole`), and how many there are once counted, true from `since` until
    `until`: the first moment an action under way ends an occurrence (its next one changes, or
    it ends) or an action not begun yet begins. Until then no action can leave or join the list
    and none can change its place, so readers of the same list (the same query, with its `now`
    in any moment of that time) share it, kept under the versions of the campaign and the
    record: at 10,000 actions, working it out reads hundreds of rows and the next occurrence of
    every repeating action under way; reading it back is a list of integers."""

    key: str
    since: datetime | None = None
    until: datetime | None = None
    pks: list[int] = field(default_factory=list)
    whole: bool = False
    count: int | None = None

    @classmethod
    def of(cls, actions: QuerySet, now: datetime) -> _Order:
        sql, params = actions.order_by().values_list("pk").query.sql_with_params()
        shape = repr((sql, ["now" if _is(value, now) else value for value in params]))
        versions = version.stamp(version.RECORD, version.CAMPAIGN)
        key = f"soonest:{versions}:{hashlib.sha256(shape.encode()).hexdigest()[:32]}"
        kept = cache.get(key)
        if kept is not None and kept.since <= now < kept.until:
            return kept
        return cls(key)

    def holds(self, limit: int | None) -> bool:
        """Whether the pks kept are enough for the first `limit` (None: all)."""
        if self.since is None:
            return False
        return self.whole or (limit is not None and limit <= len(self.pks))

    def work_out(self, actions: QuerySet, now: datetime, limit: int | None) -> None:
        """An action that has not begun yet (its first start is `now` or later) comes next at
        its first start, repeating or not: those are read in the database's order, by an
        index, as many as asked for (ORDER_DEPTH at least, twice the last depth kept when a
        reader goes deeper). The others have begun: running now, or repeating with occurrences
        still to come (hundreds in a big campaign); their next starts are worked out and the
        two sorted lists merged."""
        depth = None if limit is None else max(limit, ORDER_DEPTH, 2 * len(self.pks))
        ahead = actions.filter(starts_at__gte=now).order_by("starts_at", "pk")
        ahead = ahead.values_list("starts_at", "pk")
        rows = raw_rows(ahead if depth is None else ahead[:depth])
        until = aware(rows[0][0]) if rows else datetime.max.replace(tzinfo=UTC)
        begun_qs = actions.filter(starts_at__lt=now).order_by()
        begun_qs = begun_qs.values_list("pk", "starts_at", "ends_at", "timezone", "recurrence")
        begun: list[tuple[datetime, int]] = []
        for pk, starts, ends, zone, rule in raw_rows(begun_qs):
            starts, ends = aware(starts), aware(ends)
            if rule:
                found = times.each_occurrence(starts, ends, zone, rule, since=now)
                starts, ends = next(((b, f) for b, f in found if f >= now), (None, None))
            if starts is not None:
                begun.append((starts, pk))
                until = min(until, ends)
        begun.sort()
        merged = heapq.merge(begun, ((aware(t), pk) for t, pk in rows))
        self.whole = depth is None or len(rows) < depth
        self.pks = [pk for _starts, pk in (merged if self.whole else islice(merged, depth))]
        self.since, self.until = now, until
        if self.whole:
            self.count = len(self.pks)
        self.keep()

    def keep(self) -> None:
        cache.set(self.key, self, ORDER_SECONDS)


def upcoming(
    filters: ActionFilters, now: datetime | None = None, limit: int | None = None
) -> list[Occurrence]:
    """Upcoming and running public actions in the filters, soonest first, each at its next
    occurrence: the first `limit`, or all."""
    now = now or timezone.now()
    return occurrences_of(soonest(running_or_upcoming(filters, now), now, limit), now)


def running_or_upcoming(filters: ActionFilters, now: datetime) -> QuerySet:
    """The public actions in the filters whose last occurrence ends at `now` or later."""
    return filters.apply(public_actions().filter(last_ends_at__gte=now))


def occurrences_of(pks: list[int], now: datetime) -> list[Occurrence]:
    """The next occurrence of each action, in the order of `pks`."""
    by_pk = public_actions().in_bulk(pks)
    found = (next_occurrence(by_pk[pk], now) for pk in pks if pk in by_pk)
    return [occurrence for occurrence in found if occurrence is not None]


class UpcomingPages:
    """upcoming() for a Paginator: the count from the database, a page's occurrences worked
    out when it is asked for (a list of thousands is never built for its first page)."""

    def __init__(self, filters: ActionFilters, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.actions = running_or_upcoming(filters, self.now)

    def count(self) -> int:
        return count_upcoming(self.actions, self.now)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Occurrence]:
        if not isinstance(index, slice) or index.stop is None:
            raise TypeError("UpcomingPages is read a page (a bounded slice) at a time")
        pks = soonest(self.actions, self.now, index.stop)[index]
        return occurrences_of(pks, self.now)


def past(actions: QuerySet, now: datetime | None = None, limit: int = 50) -> QuerySet:
    now = now or timezone.now()
    return actions.filter(last_ends_at__lt=now).order_by("-last_ends_at", "-pk")[:limit]


DAY_SHOWN = 4  # actions a day of the month shows; the others behind "N more" (?day=)
# What an action in a day of the month shows ({% calendar_item %}), and in a list of actions
# ({% occurrence_row %}, with its group's name): only these are read for a month or a day.
CALENDAR_ITEM_FIELDS = ("public_id", "title", "status", "city")
ROW_FIELDS = (*CALENDAR_ITEM_FIELDS, "kind", "online", "country", "recurrence", "group")


@dataclass
class Day:
    day: date
    in_month: bool
    occurrences: list[Occurrence] = field(default_factory=list)  # the first DAY_SHOWN
    count: int = 0  # all the occurrences that start on the day
    starts: list[tuple] = field(default_factory=list, repr=False)  # all: _starting_on's rows

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()

    @property
    def more(self) -> int:
        return self.count - len(self.occurrences)


def month_grid(year: int, month: int, filters: ActionFilters) -> list[list[Day]]:
    """The weeks of a month, from the first day of the week of the reader's language (Monday in
    most, Saturday in Arabic, Sunday in some), each day with the first DAY_SHOWN occurrences
    that start on it, by the date where they happen, and how many there are: a busy month
    holds thousands, which day_occurrences() lists a day at a time, from what the month read."""
    first = (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7  # Django: 0 is Sunday
    weeks = pycalendar.Calendar(firstweekday=first).monthdatescalendar(year, month)
    days = {d: Day(d, d.month == month) for week in weeks for d in week}
    found = _starting_on_kept(filters, weeks[0][0], weeks[-1][-1])
    chosen = {day: rows[:DAY_SHOWN] for day, rows in found.items()}
    shown = Action.objects.only(*CALENDAR_ITEM_FIELDS)  # a few hundred in a busy month
    by_pk = shown.in_bulk({pk for rows in chosen.values() for *_times, pk in rows})
    for day, rows in found.items():
        days[day].count = len(rows)
        days[day].starts = rows
        days[day].occurrences = [
            Occurrence(by_pk[pk], starts, ends) for starts, ends, pk in chosen[day]
        ]
    return [[days[d] for d in week] for week in weeks]


def day_occurrences(rows: list[tuple]) -> list[Occurrence]:
    """The occurrences of `rows`, some of a Day's `starts` (month_grid(): those starting that
    day where they happen, by local time), with their actions read for a list."""
    listed = Action.objects.select_related("group").only(*ROW_FIELDS, "group__name")
    by_pk = listed.in_bulk({pk for *_times, pk in rows})
    return [Occurrence(by_pk[pk], starts, ends) for starts, ends, pk in rows]


def _starting_on_kept(filters: ActionFilters, first: date, last: date) -> dict[date, list]:
    """_starting_on(), kept under the versions of the campaign and the record (an action aimed
    at an organization that leaves the record leaves the filters' results): a busy month works
    out thousands of occurrences, which change only with an edit, not with the time of day."""
    params = {**filters.as_params(), "first": first.isoformat(), "last": last.isoformat()}
    build = partial(_starting_on, filters, first, last)
    return version.kept("month-starts", params, build, version.RECORD, version.CAMPAIGN)


def _starting_on(filters: ActionFilters, first: date, last: date) -> dict[date, list]:
    """(local start, local end, pk) of the occurrences starting from `first` to `last` (dates
    where they happen), by date, each date's by local time then pk: from the actions' times
    alone, without loading the actions."""
    # A day ahead and behind: a place's date can differ from UTC's.
    lo = datetime.combine(first - timedelta(days=1), datetime.min.time(), UTC)
    hi = datetime.combine(last + timedelta(days=2), datetime.min.time(), UTC)
    actions = filters.apply(public_actions().filter(last_ends_at__gte=lo, starts_at__lt=hi))
    rows = actions.order_by().values_list("pk", "starts_at", "ends_at", "timezone", "recurrence")
    found: dict[date, list] = {}
    for pk, starts_at, ends_at, zone, rule in raw_rows(rows):  # thousands in a busy month
        pairs = times.each_local_occurrence(
            aware(starts_at), aware(ends_at), zone, rule, since=lo, until=hi
        )
        for start, end in pairs:
            day = start.date()
            if first <= day <= last:
                found.setdefault(day, []).append((start, end, pk))
    for rows_of_day in found.values():
        rows_of_day.sort(key=lambda row: (row[0].time(), row[2]))
    return found


def action_countries(*, upcoming: bool = False) -> list[tuple[str, str]]:
    """(code, name) of the countries with public actions (with `upcoming`, only those still to
    come: an index range, not every action ever), by name, for the filters."""
    key = f"action-countries:{int(upcoming)}:{version.stamp(version.CAMPAIGN)}"
    codes = cache.get(key)  # every page of actions asks; the answer changes with the campaign
    if codes is None:
        actions = Action.objects.public()
        if upcoming:
            actions = actions.filter(last_ends_at__gte=timezone.now())
        codes = actions.exclude(country="").order_by().values_list("country", flat=True)
        codes = sorted(set(codes.distinct()))
        # The upcoming ones also change as actions end: kept a minute, as targets' counts.
        cache.set(key, codes, 60 if upcoming else None)
    return sorted(((c, country_name(c)) for c in codes), key=lambda item: item[1].casefold())


def public_calls() -> QuerySet:
    """Public calls (Call.objects.public()), each with its texts in other languages
    (Call.text()): what the pages show."""
    return Call.objects.public().prefetch_related("texts")


def public_group(public_id: str) -> LocalGroup | None:
    """A group with a page (LocalGroup.objects.public()), by its public id."""
    return LocalGroup.objects.public().filter(public_id=public_id).first()
