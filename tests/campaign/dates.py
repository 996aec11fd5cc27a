"""Dates the campaign tests use, always in the future: a calendar test that passes today must
pass next year. Berlin's summer time ends on the last Sunday of October (03:00 CEST becomes
02:00 CET) and starts on the last Sunday of March (02:00 CET becomes 03:00 CEST)."""

from __future__ import annotations

from datetime import date, timedelta


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


NEXT_YEAR = date.today().year + 1
SUMMER_TIME_ENDS = _last_sunday(NEXT_YEAR, 10)
SUMMER_TIME_STARTS = _last_sunday(NEXT_YEAR, 3)
SOON = date.today() + timedelta(days=10)


def days(n: int, after: date = SOON) -> date:
    return after + timedelta(days=n)
