"""Partial dates: a year (`2019`), a month (`2019-05`) or a day (`2019-05-17`).

Sources rarely give exact days; the record keeps exactly as much as the evidence says. The text
form is stored, so values sort correctly as text and read the same in exports.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


class PartialDateError(ValueError):
    """The value is not a partial date; `reason` says why in words for the editor."""

    def __init__(self, value: str, reason: str):
        super().__init__(reason)
        self.value = value
        self.reason = reason


@dataclass(frozen=True, order=False)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: str) -> PartialDate:
        text = (value or "").strip()
        match = _PATTERN.match(text)
        if not match:
            raise PartialDateError(
                value,
                str(
                    _(
                        "“%(value)s” is not a date: use a year (2019), a month (2019-05) or a day (2019-05-17)."
                    )
                    % {"value": value}
                ),
            )
        year = int(match["y"])
        month = int(match["m"]) if match["m"] else None
        day = int(match["d"]) if match["d"] else None
        if year < 1800 or year > 2200:
            raise PartialDateError(
                value, str(_("the year %(year)s is out of range (1800–2200).") % {"year": year})
            )
        if month is not None and not 1 <= month <= 12:
            raise PartialDateError(
                value, str(_("there is no month %(month)02d.") % {"month": month})
            )
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise PartialDateError(
                    value,
                    str(
                        _("%(year)s-%(month)02d has no day %(day)02d.")
                        % {"year": year, "month": month, "day": day}
                    ),
                )
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


def end_before_start(start: str | None, end: str | None) -> bool:
    """True when `end` lies wholly before `start`. `2019` to `2019-03` is fine: they overlap."""
    if not start or not end:
        return False
    return PartialDate.parse(end).latest() < PartialDate.parse(start).earliest()
