"""What identifies a release besides its publication: the month, ISO week or day its rule
schedules it in. The identity is part of the release's UID, so it never depends on the date
the release finally has (a move keeps it)."""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple, TypeVar


class YearMonth(NamedTuple):
    """A calendar month: the month a rule schedules a release in, part of its identity."""

    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> YearMonth:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> YearMonth | None:
        """'2014-05' as a YearMonth, or None when it is not one."""
        m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
        return cls(int(m.group(1)), int(m.group(2))) if m and 1 <= int(m.group(2)) <= 12 else None

    @classmethod
    def read(cls, text: str) -> YearMonth:
        """A month the user typed; ValueError saying what to write if it is not one."""
        if (month := cls.parse(text)) is None:
            raise ValueError(f"'{text}' is not a month like 2027-05")
        return month

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.plus(1).first_day - dt.timedelta(days=1)

    def plus(self, months: int) -> YearMonth:
        n = self.year * 12 + self.month - 1 + months
        return YearMonth(n // 12, n % 12 + 1)

    def __str__(self) -> str:
        return _MONTHS.get(self) or _made(_MONTHS, self, "{0:04d}-{1:02d}")


# Each slot's text, made once: a whole government's build writes each month's a million times
# (UIDs, data rows, seals). A slot equals a plain tuple, so each kind has its own.
_MONTHS: dict[YearMonth, str] = {}
_S = TypeVar("_S", bound=tuple[int, ...])


def _made(texts: dict[_S, str], slot: _S, form: str) -> str:
    """The slot's text, written by `form` from its numbers, kept in `texts` for next time."""
    text = texts[slot] = form.format(*slot)
    return text


class IsoWeek(NamedTuple):
    """An ISO 8601 week: the slot of a weekly or fortnightly release ("2027-W02")."""

    year: int
    week: int

    @classmethod
    def of(cls, day: dt.date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def first_day(self) -> dt.date:
        """Its Monday."""
        return dt.date.fromisocalendar(self.year, self.week, 1)

    def __str__(self) -> str:
        return _WEEKS.get(self) or _made(_WEEKS, self, "{0:04d}-W{1:02d}")


_WEEKS: dict[IsoWeek, str] = {}


class OnDay(NamedTuple):
    """A day named in an ad hoc publication's `dates` ("2027-05-06")."""

    year: int
    month: int
    day: int

    @classmethod
    def of(cls, day: dt.date) -> OnDay:
        return cls(day.year, day.month, day.day)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, self.day)

    def __str__(self) -> str:
        return self.first_day.isoformat()


Slot = YearMonth | IsoWeek | OnDay


def parse_slot(text: str) -> Slot | None:
    """'2014-05', '2027-W02' or '2027-05-06' as a slot, or None when it is none of them."""
    if m := re.fullmatch(r"([0-9]{4})-W([0-9]{2})", text):
        try:
            return IsoWeek.of(dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
        except ValueError:
            return None
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return OnDay.of(dt.date.fromisoformat(text))
        except ValueError:
            return None
    return YearMonth.parse(text)
