"""Publication rules ("the fourth Thursday of May") and their expansion to working days."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass

from calendar_gen.domain.slots import IsoWeek, OnDay, Slot, YearMonth
from calendar_gen.domain.workdays import Roll, working_days_in_month
from calendar_gen.errors import shown

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "last": -1,
}  # fmt: skip
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_NTH = re.compile(r"([0-9]{1,2})(st|nd|rd|th)")
# A month has 18 to 23 working days (an April holding Easter and starting on a Saturday has
# 18). Like a day past the month's end, an Nth working day past the month's last working day
# means that last one.
MAX_WORKING_DAY = 20

DAY_FORMS = (
    "an ordinal weekday ('first|second|third|fourth|last <weekday>', also '1st'..'4th'), "
    "a day of the month (1..31), 'first working day', 'last working day' "
    f"or 'Nth working day' (1st..{MAX_WORKING_DAY}th)"
)


class RuleError(ValueError):
    """A rule that cannot be read; the message says what is allowed."""


def _ordinal_suffix(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


@dataclass(frozen=True)
class OrdinalWeekday:
    """The Nth (or last) given weekday of the month, counted on the calendar."""

    n: int  # 1..4, or -1 for the last
    weekday: int  # 0 = Monday

    def date_in(self, year: int, month: int, region: str) -> dt.date:
        if self.n > 0:
            first = dt.date(year, month, 1)
            return first + dt.timedelta(
                days=(self.weekday - first.weekday()) % 7 + 7 * (self.n - 1)
            )
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return last - dt.timedelta(days=(last.weekday() - self.weekday) % 7)

    def __str__(self) -> str:
        return f"{_ORDINAL_WORDS[self.n]} {WEEKDAYS[self.weekday]}"


@dataclass(frozen=True)
class MonthDay:
    """A fixed day of the month; beyond the month's end it means the month's last day."""

    day: int

    def date_in(self, year: int, month: int, region: str) -> dt.date:
        return dt.date(year, month, min(self.day, calendar.monthrange(year, month)[1]))

    def __str__(self) -> str:
        return str(self.day)


@dataclass(frozen=True)
class WorkingDay:
    """The Nth (or last) working day of the month in the publication's region."""

    n: int  # 1..MAX_WORKING_DAY, or -1 for the last

    def date_in(self, year: int, month: int, region: str) -> dt.date:
        days = working_days_in_month(year, month, region)
        return days[min(self.n, len(days)) - 1] if self.n > 0 else days[-1]

    def __str__(self) -> str:
        if self.n == 1:
            return "first working day"
        if self.n == -1:
            return "last working day"
        return f"{self.n}{_ordinal_suffix(self.n)} working day"


DaySpec = OrdinalWeekday | MonthDay | WorkingDay


def parse_day(value: object) -> DaySpec:
    """Read a schedule's `day` value; raise RuleError naming the allowed forms, and the form
    meant when one word is misspelt ("last thrusday")."""
    try:
        return _parse_day(value)
    except RuleError as error:
        guess = _guess(value)
        raise RuleError(f'{error}; did you mean "{guess}"?' if guess else str(error)) from None


def _guess(value: object) -> str | None:
    """The day form closest to `value`, correcting each word against the words allowed."""
    if not isinstance(value, str):
        return None
    words = value.lower().split()
    vocabulary = [*_ORDINALS, *WEEKDAYS, "working", "day"]
    # A close match only: "fifth" is not a misspelt "first".
    fixed = [
        next(iter(difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.75)), w) for w in words
    ]
    try:
        _parse_day(" ".join(fixed))
    except RuleError:
        return None
    return " ".join(fixed) if fixed != words else None


def _parse_day(value: object) -> DaySpec:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RuleError(f"day {shown(value)} is not {DAY_FORMS}")
    text = " ".join(str(value).lower().split())
    if re.fullmatch(r"[0-9]+", text):
        if len(text) <= 2 and 1 <= int(text) <= 31:
            return MonthDay(int(text))
        raise RuleError(f"day {shown(value)} is not a day of the month; write 1 to 31")
    if text == "first working day":
        return WorkingDay(1)
    if text == "last working day":
        return WorkingDay(-1)
    words = text.split(" ")
    if len(words) == 3 and words[1:] == ["working", "day"] and (m := _NTH.fullmatch(words[0])):
        n = int(m.group(1))
        if m.group(2) != _ordinal_suffix(n) or not 1 <= n <= MAX_WORKING_DAY:
            raise RuleError(
                f"day {shown(value)} is not a working day from 1st to {MAX_WORKING_DAY}th"
            )
        return WorkingDay(n)
    if len(words) == 2 and words[0] in _ORDINALS and words[1] in WEEKDAYS:
        return OrdinalWeekday(_ORDINALS[words[0]], WEEKDAYS.index(words[1]))
    raise RuleError(f"day {shown(value)} is not {DAY_FORMS}")


@dataclass(frozen=True)
class MonthlyRule:
    """A release in some months of the year: which months, which day, how to roll, whose
    holidays. Its slot is the month."""

    months: tuple[int, ...]
    day: DaySpec
    roll: Roll
    region: str

    def slots_in(self, month: YearMonth) -> list[tuple[Slot, dt.date]]:
        """The slots whose day (before rolling) falls in `month`, with that day."""
        if month.month not in self.months:
            return []
        return [(month, self.day.date_in(month.year, month.month, self.region))]

    def nominal(self, slot: Slot) -> dt.date | None:
        """The day (before rolling) the rule gives `slot`, or None if it gives it none."""
        if not isinstance(slot, YearMonth) or slot.month not in self.months:
            return None
        return self.day.date_in(slot.year, slot.month, self.region)

    @property
    def day_text(self) -> str:
        return str(self.day)


@dataclass(frozen=True)
class WeeklyRule:
    """Every week, or every other week, on one weekday. Its slot is the ISO week, so a
    release keeps its UID when it moves to another day of the week."""

    weekday: int  # 0 = Monday
    every: int  # 1: weekly; 2: fortnightly
    anchor: dt.date  # a day it falls on: which weeks a fortnightly series takes
    months: tuple[int, ...]
    roll: Roll
    region: str

    def slots_in(self, month: YearMonth) -> list[tuple[Slot, dt.date]]:
        if month.month not in self.months:
            return []
        first = month.first_day + dt.timedelta(days=(self.weekday - month.first_day.weekday()) % 7)
        days = [first + dt.timedelta(weeks=n) for n in range(6)]
        return [(IsoWeek.of(d), d) for d in days if d.month == month.month and self._takes(d)]

    def nominal(self, slot: Slot) -> dt.date | None:
        if not isinstance(slot, IsoWeek):
            return None
        day = dt.date.fromisocalendar(slot.year, slot.week, self.weekday + 1)
        return day if day.month in self.months and self._takes(day) else None

    @property
    def day_text(self) -> str:
        return ("every " if self.every == 1 else "every other ") + WEEKDAYS[self.weekday]

    def _takes(self, day: dt.date) -> bool:
        """Whether the series falls on `day`: a fortnightly one from its `from` day on."""
        if self.every > 1 and day < self.anchor:
            return False
        return (day - self.anchor).days % (7 * self.every) == 0


@dataclass(frozen=True)
class AdHocRule:
    """Releases on days named one by one (each still rolled onto a working day). Its slot is
    the day named, so the UID is stable for as long as that day stays in the list."""

    dates: tuple[dt.date, ...]
    roll: Roll
    region: str

    @property
    def months(self) -> tuple[int, ...]:
        return tuple(sorted({d.month for d in self.dates}))

    @property
    def day_text(self) -> str:
        return "the day listed"

    def slots_in(self, month: YearMonth) -> list[tuple[Slot, dt.date]]:
        return [(OnDay.of(d), d) for d in self.dates if YearMonth.of(d) == month]

    def nominal(self, slot: Slot) -> dt.date | None:
        day = slot.first_day if isinstance(slot, OnDay) else None
        return day if day in self.dates else None


Rule = MonthlyRule | WeeklyRule | AdHocRule


def parse_weekday(value: object) -> int:
    """A weekday's number (0 = Monday) from its name, whatever the case; RuleError if not."""
    text = " ".join(str(value).lower().split()) if isinstance(value, str) else ""
    if text in WEEKDAYS:
        return WEEKDAYS.index(text)
    close = difflib.get_close_matches(text, WEEKDAYS, n=1, cutoff=0.75)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    raise RuleError(f'day {shown(value)} is not a day of the week, like "thursday"{hint}')
