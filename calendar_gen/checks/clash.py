"""Date clashes: too many releases on a day, another producer's events, blackout periods."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from calendar_gen.domain.model import Blackout, Programme
from calendar_gen.domain.releases import Release
from calendar_gen.domain.texts import one_line
from calendar_gen.domain.workdays import is_working_day
from calendar_gen.errors import CalendarFileError, shown


class ClashKind(StrEnum):
    SAME_DAY = "same-day"  # more releases on a day than the programme allows
    EXTERNAL = "external"  # on the day of another calendar's event
    BLACKOUT = "blackout"  # in a period nothing should be released


MAX_EVENT_DAYS = 366  # an all-day event longer than a year is a mistake, not a busy year


@dataclass(frozen=True)
class Clash:
    date: dt.date
    kind: ClashKind
    releases: tuple[Release, ...]
    events: tuple[str, ...] = ()  # the other calendar's summaries, for an external clash
    reason: str = ""  # the blackout's reason
    mover: Release | None = None  # the release that would give way
    suggestion: dt.date | None = None  # the nearest working day in its month that clears it

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "kind": self.kind.value,
            "releases": [r.publication.id for r in self.releases],
            "events": list(self.events),
            "reason": self.reason,
            "move": self.mover.publication.id if self.mover else None,
            "suggestion": self.suggestion.isoformat() if self.suggestion else None,
        }


@dataclass(frozen=True)
class Event:
    """Another calendar's event on one day: its title, local start time and calendar's name."""

    title: str
    time: dt.time | None  # None: all day, or a later day of a longer event
    calendar: str = ""

    @property
    def label(self) -> str:
        """'Labour market statistics (09:30, ONS)': how a clash names it."""
        when = f"{self.time:%H:%M}" if self.time else "all day"
        return f"{self.title} ({when}{', ' + self.calendar if self.calendar else ''})"


def read_calendar(
    path: str | Path,
    first: dt.date,
    last: dt.date,
    timezone: str,
    *,
    name: str = "",
    data: bytes | None = None,
) -> dict[dt.date, list[Event]]:
    """The days from `first` to `last` on which another calendar has events, with the events.

    All-day and timed events, zoned or floating, and recurring events expanded; a timed
    event counts on its local date in `timezone`. `data`, when given, is the calendar's
    content (fetched from `path`, an address); `name` is the calendar's, for the events.
    """
    import icalendar
    import recurring_ical_events

    from calendar_gen.web.calendars import read_file

    zone = ZoneInfo(timezone)
    # A day either side: a timed event's local date may differ from its UTC one.
    first, last = first - dt.timedelta(days=1), last + dt.timedelta(days=2)
    try:
        calendar = icalendar.Calendar.from_ical(read_file(str(path)) if data is None else data)
        _refuse_sub_daily(calendar, path)
        _refuse_too_many(calendar, last, path)
        return _busy(recurring_ical_events.of(calendar).between(first, last), zone, name)
    except CalendarFileError:
        raise
    except OSError as error:
        raise CalendarFileError(f"{path}: cannot be read: {error.strerror}") from None
    except (AttributeError, TypeError, KeyError, IndexError):  # a property not of its kind
        raise CalendarFileError(
            f"{path}: is not a readable iCalendar file: an event has a property given more "
            "times than RFC 5545 allows, or a value of the wrong kind"
        ) from None
    except Exception as error:  # icalendar and its recurrence engine raise many kinds
        raise CalendarFileError(
            f"{path}: is not a readable iCalendar file: {_why(error)}"
        ) from None


def _why(error: Exception) -> str:
    """icalendar's words, without the attribute its check of a broken property names."""
    broken = re.match(r"Cannot access '\w+' on broken property '([^']+)'", str(error))
    if broken and error.__cause__:
        return f"an event's {broken.group(1)} cannot be read: {error.__cause__}"
    return str(error) or type(error).__name__


def _busy(events: Iterable[Any], zone: ZoneInfo, name: str) -> dict[dt.date, list[Event]]:
    busy: dict[dt.date, list[Event]] = defaultdict(list)
    for event in events:
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        title = one_line(str(event.get("SUMMARY", "(untitled event)")))
        start = event.decoded("DTSTART")
        time = _local_time(start, zone)
        for n, day in enumerate(_days(event, zone)):
            busy[day].append(Event(title, time if n == 0 else None, name))
    return dict(busy)


# Expanding an event that recurs every second or minute over a year takes minutes and
# gigabytes from a 200-byte file; no release calendar has one.
SUB_DAILY = ("SECONDLY", "MINUTELY", "HOURLY")
SUB_DAILY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
# Occurrences a calendar may have from each event's start to the end of the days looked at.
# Expanding starts at the first occurrence, however long ago: a daily event since the year
# 1000 took a minute. A daily event over fifty years is within it; counting to it is quick.
MAX_OCCURRENCES = 20_000


def _all(event: Any, key: str) -> list[Any]:
    """Every value of a property that may be given more than once (RRULE, RDATE)."""
    value = event.get(key)
    return [] if value is None else value if isinstance(value, list) else [value]


def _refuse_sub_daily(calendar: Any, path: str | Path) -> None:
    for event in calendar.walk("VEVENT"):
        for rule in _all(event, "RRULE"):
            frequency = str(rule.get("FREQ", [""])[0]).upper()
            # BYHOUR, BYMINUTE or BYSECOND with many values make a daily rule sub-daily too.
            many = any(len(rule.get(k, [])) > 1 for k in SUB_DAILY_PARTS)
            if frequency in SUB_DAILY or many:
                title = str(event.get("SUMMARY", "(untitled event)"))
                raise CalendarFileError(
                    f"{path}: the event {shown(title)} recurs more often than daily (FREQ="
                    f"{frequency}), which no release calendar does: is it the calendar you meant?"
                )


def _refuse_too_many(calendar: Any, last: dt.date, path: str | Path) -> None:
    """Refuse a calendar with more than MAX_OCCURRENCES occurrences up to `last`, counting
    no further than one past the limit."""
    total = 0
    for event in calendar.walk("VEVENT"):
        total += 1 + sum(len(dates.dts) for dates in _all(event, "RDATE"))
        for rule in _all(event, "RRULE"):
            total += _occurrences(event, rule, last, MAX_OCCURRENCES + 1 - total)
        if total > MAX_OCCURRENCES:
            title = str(event.get("SUMMARY", "(untitled event)"))
            raise CalendarFileError(
                f"{path}: has more than {MAX_OCCURRENCES:,} events and repeats of events up to "
                f"{last:%d %b %Y} (the event {shown(title)} among them), more than a release "
                "calendar has: is it the calendar you meant?"
            )


def _naive(value: dt.date | dt.datetime) -> dt.datetime:
    """A date or time as a naive time: UTC for a zoned one."""
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _occurrences(event: Any, rule: Any, last: dt.date, budget: int) -> int:
    """How many times `rule` repeats `event` up to `last`, counting to `budget` at most."""
    from dateutil.rrule import rrulestr
    from icalendar import vRecur

    stop = dt.datetime.combine(last, dt.time.max)
    # Counted in naive times, UNTIL taken out and applied here: dateutil refuses a zoned UNTIL
    # with a floating start. A day's leeway keeps the count an upper bound.
    if until := rule.get("UNTIL"):
        stop = min(stop, _naive(until[0]) + dt.timedelta(days=1))
    parts = vRecur({k: v for k, v in rule.items() if k != "UNTIL"})
    text = parts.to_ical().decode()  # type: ignore[no-untyped-call]
    count = 0
    for when in rrulestr(text, dtstart=_naive(event.decoded("DTSTART"))):
        if when > stop or count >= budget:
            break
        count += 1
    return count


def _local_time(value: dt.date | dt.datetime, zone: ZoneInfo) -> dt.time | None:
    if isinstance(value, dt.datetime):
        return (value.astimezone(zone) if value.tzinfo else value).time()
    return None


def _local_date(value: dt.date | dt.datetime, zone: ZoneInfo) -> dt.date:
    if isinstance(value, dt.datetime):
        return (value.astimezone(zone) if value.tzinfo else value).date()
    return value


def _days(event: Any, zone: ZoneInfo) -> Iterable[dt.date]:
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if "DTEND" in event else None
    if end is None and "DURATION" in event:
        end = start + event.decoded("DURATION")
    first = _local_date(start, zone)
    if end is None:
        return [first]
    if isinstance(start, dt.datetime):
        # A timed event ending at midnight does not take the next day.
        last = _local_date(end - dt.timedelta(microseconds=1), zone) if end > start else first
    else:
        last = _local_date(end, zone) - dt.timedelta(days=1)  # DTEND of a date is exclusive
    count = min(max((last - first).days + 1, 1), MAX_EVENT_DAYS)
    return [first + dt.timedelta(days=i) for i in range(count)]


def priority(release: Release, order: dict[str, int]) -> tuple[int, int]:
    """Lower keeps its date: National Statistics first, then the earlier-declared."""
    return (not release.publication.designation.accredited, order[release.publication.id])


class Board:
    """Who is released on which day: the state clash detection and avoidance work on."""

    class _Groups:
        """A day's releases in groups: those declared as released together, with their partners'
        partners, are one group, and count as one release."""

        def __init__(self, releases: list[Release]) -> None:
            parent = {r.publication.id: r.publication.id for r in releases}

            def root(i: str) -> str:
                while parent[i] != i:
                    i = parent[i]
                return i

            # Who names each id as a partner: a release arriving joins their groups too.
            self.named_by: dict[str, list[str]] = defaultdict(list)
            for r in releases:
                for other in r.publication.released_with:
                    self.named_by[other].append(r.publication.id)
                    if other in parent:
                        parent[root(r.publication.id)] = root(other)
            self.root = {i: root(i) for i in parent}
            self.size: dict[str, int] = {}  # releases in each group, by its root
            for r in releases:
                group = self.root[r.publication.id]
                self.size[group] = self.size.get(group, 0) + 1
            self.count = len(self.size)

        def alone(self, release: Release) -> bool:
            """Is `release` the only release of its group?"""
            return self.size[self.root[release.publication.id]] == 1

        def count_with(self, release: Release) -> int:
            """The count once `release`, from another day, joins: it merges every group it is
            declared with, or that declares it, into one with its own."""
            pub = release.publication
            linked = [pub.id, *pub.released_with, *self.named_by.get(pub.id, ())]
            return self.count + 1 - len({self.root[i] for i in linked if i in self.root})

    def __init__(
        self,
        programme: Programme,
        releases: Iterable[Release],
        external: dict[dt.date, list[str]],
        not_before: dt.date | None = None,
    ) -> None:
        self.programme = programme
        self.external = external
        self.not_before = not_before  # today: no release is moved, or suggested, into the past
        self.order = {p.id: i for i, p in enumerate(programme.publications)}
        self.days: dict[dt.date, list[Release]] = defaultdict(list)
        for release in releases:
            if release.status.comes_out:
                self.days[release.date].append(release)
        # Each day's groups, worked out when first asked for and again after a move there:
        # a whole government has hundreds of releases a day, and the nearest clear day of
        # each mover is looked for on up to sixty of them.
        self._groups: dict[dt.date, Board._Groups] = {}

    def units(self, releases: list[Release]) -> int:
        """Releases on a day, counting those declared as released together as one."""
        if releases and releases is self.days.get(day := releases[0].date):
            return self._day(day).count
        return self._Groups(releases).count

    def blackout(self, day: dt.date) -> Blackout | None:
        return next((b for b in self.programme.blackouts if b.covers(day)), None)

    def clear_for(self, release: Release, day: dt.date) -> bool:
        """Would `release` clash with nothing on `day`?"""
        if self.not_before and day < self.not_before:
            return False
        if not is_working_day(day, release.publication.rule.region):
            return False
        if day in self.external or self.blackout(day):
            return False
        if day == release.date:  # it may be there already: count the day without it
            others = [r for r in self.days.get(day, []) if r is not release]
            groups = self._Groups([*others, release])
            return groups.count <= self.programme.max_releases_per_day
        return self._day(day).count_with(release) <= self.programme.max_releases_per_day

    def nearest_clear(self, release: Release) -> dt.date | None:
        """The nearest working day in the release's month that clears it; later wins a tie."""
        day = release.date
        for distance in range(1, 31):
            for candidate in (day + dt.timedelta(days=distance), day - dt.timedelta(days=distance)):
                if candidate.month == day.month and self.clear_for(release, candidate):
                    return candidate
        return None

    def move(self, release: Release, day: dt.date, moved: Release) -> None:
        self.days[release.date].remove(release)
        self.days[day].append(moved)
        self._groups.pop(release.date, None)
        self._groups.pop(day, None)

    def same_day_mover(self, releases: list[Release], movable: list[Release]) -> Release | None:
        """The lowest-priority movable release whose leaving reduces the day's count."""
        # Only a release alone in its group takes a unit with it; any other leaves its group.
        groups, here = self._Groups(releases), {id(r) for r in releases}
        candidates = [r for r in movable if id(r) in here and groups.alone(r)]
        return max(candidates, key=lambda r: priority(r, self.order), default=None)

    def _day(self, day: dt.date) -> Board._Groups:
        if day not in self._groups:
            self._groups[day] = self._Groups(self.days.get(day, []))
        return self._groups[day]

    def clashes(self) -> list[Clash]:
        found = []
        for day in sorted(self.days):
            releases = sorted(self.days[day], key=lambda r: priority(r, self.order))
            if not releases:
                continue
            if self.units(releases) > self.programme.max_releases_per_day:
                mover = self.same_day_mover(releases, releases)
                found.append(self._clash(day, ClashKind.SAME_DAY, releases, mover))
            if day in self.external:
                for r in releases:
                    found.append(
                        self._clash(day, ClashKind.EXTERNAL, [r], r, events=self.external[day])
                    )
            if blackout := self.blackout(day):
                for r in releases:
                    found.append(
                        self._clash(day, ClashKind.BLACKOUT, [r], r, reason=blackout.reason)
                    )
        return found

    def _clash(
        self,
        day: dt.date,
        kind: ClashKind,
        releases: list[Release],
        mover: Release | None,
        events: Iterable[str] = (),
        reason: str = "",
    ) -> Clash:
        return Clash(
            day,
            kind,
            tuple(releases),
            tuple(events),
            reason,
            mover,
            self.nearest_clear(mover) if mover else None,
        )


def find_clashes(
    programme: Programme,
    releases: list[Release],
    external: dict[dt.date, list[str]],
    not_before: dt.date | None = None,
) -> list[Clash]:
    """Every clash among `releases`, with a suggested day (not before `not_before`) for the
    release that would move; no two suggestions share a day."""
    board = Board(programme, releases, external, not_before)
    return spread_suggestions(board.clashes(), board.clear_for)


def spread_suggestions(
    clashes: list[Clash],
    clear: Callable[[Release, dt.date], bool],
    taken: Iterable[dt.date] = (),
) -> list[Clash]:
    """The clashes with suggestions that collide with nothing: each release that would move
    gets one day, clear for it, and no two get the same day, nor one in `taken`."""
    days = set(taken)
    chosen: dict[str, dt.date | None] = {}
    spread = []
    for c in clashes:
        mover = c.mover
        if mover is None:
            spread.append(c)
            continue
        if mover.uid not in chosen:
            day = nearest_day(mover.date, partial(_free, days, clear, mover))
            chosen[mover.uid] = day
            if day is not None:
                days.add(day)
        spread.append(replace(c, suggestion=chosen[mover.uid]))
    return spread


def _free(
    days: set[dt.date], clear: Callable[[Release, dt.date], bool], release: Release, day: dt.date
) -> bool:
    return day not in days and clear(release, day)


def nearest_day(day: dt.date, ok: Callable[[dt.date], bool]) -> dt.date | None:
    """The nearest other day of `day`'s month for which `ok` holds; the later wins a tie."""
    for distance in range(1, 31):
        for candidate in (day + dt.timedelta(days=distance), day - dt.timedelta(days=distance)):
            if candidate.month == day.month and ok(candidate):
                return candidate
    return None


@dataclass(frozen=True)
class Move:
    release: Release
    new_date: dt.date
    reason: str
    reason_cy: str = ""  # in Welsh, for a programme published in Welsh too


def avoid_clashes(
    programme: Programme,
    releases: list[Release],
    external: dict[dt.date, list[str]],
    not_before: dt.date | None = None,
) -> list[Move]:
    """Move releases not yet announced off every clash they can leave, within their month,
    never from or to a day before `not_before` (today): the past stays as it happened.

    National Statistics keep their date before Official Statistics; otherwise the later
    declared publication gives way. Announced releases never move.
    """
    board = Board(programme, releases, external, not_before)
    moves = []
    for day in sorted(board.days):
        stuck: list[Release] = []  # movable, but no clear day in their month
        while True:
            here = board.days[day]
            movable = [
                r
                for r in here
                if r.announcement is None
                and r not in stuck
                and (not_before is None or r.date >= not_before)
            ]
            mover, reason, welsh = _mover(board, day, here, movable, external)
            if mover is None:
                break
            target = board.nearest_clear(mover)
            if target is None:
                stuck.append(mover)
                continue
            board.move(mover, target, _on(mover, target))
            # The Welsh (composed, as docs/sources-welsh.md says) only for a Welsh programme.
            moves.append(Move(mover, target, reason, welsh if programme.welsh else ""))
    return moves


def _mover(
    board: Board, day: dt.date, here: list[Release], movable: list[Release],
    external: dict[dt.date, list[str]],
) -> tuple[Release | None, str, str]:  # fmt: skip
    """The release that gives way on `day`, if one must, and why, in English and Welsh."""
    if day in external and movable:
        events = "; ".join(external[day])
        return (max(movable, key=lambda r: priority(r, board.order)),
                f"to avoid {events} on the same day",
                f"i osgoi digwyddiad arall ar yr un diwrnod: {events}")  # fmt: skip
    if (blackout := board.blackout(day)) and movable:
        return (max(movable, key=lambda r: priority(r, board.order)),
                f"outside the blackout: {blackout.reason}",
                f"y tu allan i gyfnod heb ddatganiadau: {blackout.reason_cy}")  # fmt: skip
    if board.units(here) > board.programme.max_releases_per_day:
        mover = board.same_day_mover(here, movable)
        others = [r.publication for r in here if r is not mover]
        english, welsh = (", ".join(p.title for p in others),
                          ", ".join(p.title_cy for p in others))  # fmt: skip
        return (mover, f"to avoid a clash with {english} on the same day",
                f"i osgoi gwrthdaro ar yr un diwrnod: {welsh}")  # fmt: skip
    return None, "", ""


def _on(release: Release, day: dt.date) -> Release:
    return replace(release, date=day, start=dt.datetime.combine(day, release.start.timetz()))
