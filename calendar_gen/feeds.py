"""iCalendar (RFC 5545) feeds of releases, written as text for speed and byte-stable output."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar, assert_never

from calendar_gen.history import Status, ical_status, status_word
from calendar_gen.model import Designation, Period, Precision, Programme, Topic
from calendar_gen.releases import Release
from calendar_gen.texts import CONTROL


def statistics_of(organisation: str) -> str:
    """'Test Office statistics', but 'Office for Rail Statistics' as it is: never 'statistics
    statistics'."""
    if organisation.rstrip().casefold().endswith("statistics"):
        return organisation
    return f"{organisation} statistics"


PRODID = "-//calendar-gen//Release calendar//EN"
REFRESH = "PT12H"  # subscribers pick up a moved date within half a day
DURATION = "PT30M"

# Europe/London as yearly rules (the EU rule, in force since 1996): Outlook ignores RDATE
# lists, so every client reads these two rules the same way.
VTIMEZONES = {
    "Europe/London": (
        "BEGIN:VTIMEZONE",
        "TZID:Europe/London",
        "X-LIC-LOCATION:Europe/London",
        "BEGIN:DAYLIGHT",
        "TZNAME:BST",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "DTSTART:19700329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZNAME:GMT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "DTSTART:19701025T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ),
}


# Line and paragraph separators and NEL end a line for JavaScript and str.splitlines(), so
# parsers that split lines that way cut or drop the property that holds one.
UNICODE_BREAKS = re.compile("[\u2028\u2029\x85]")
# What no CATEGORIES value may hold, though RFC 5545 (3.3.11, 3.8.1.2) allows it escaped:
# after a trailing backslash, ical.js (Thunderbird) and libical (Evolution, GNOME) merge two
# categories, and libical stops splitting the list after any escape or an unpaired quote; the
# `ical` package and several JavaScript parsers split at an escaped comma; icalendar before
# 7.3 drops the text before a colon. Runs of these and of spaces become one space.
NOT_IN_CATEGORY = re.compile(r'[,;:\\"\s\x00-\x1f\x7f]+')


def escape_text(value: str, *, multiline: bool = True) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11) so it cannot end its property or forge another.

    A Unicode line break becomes an escaped line feed, or a space where `multiline` is False.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = CONTROL.sub("", UNICODE_BREAKS.sub("\n" if multiline else " ", value))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def category(topic: Topic) -> str:
    """The topic's name as a category that every client reads alike, or else its slug."""
    return NOT_IN_CATEGORY.sub(" ", topic.name).strip() or topic.slug


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1
        # Keep an escape ("\n", "\,") on one line: some clients (Google, Outlook) misread
        # a fold between the backslash and its letter, though RFC 5545 allows it.
        chunk = data[start:end]
        if end < len(data) and (len(chunk) - len(chunk.rstrip(b"\\"))) % 2:
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines begin with a space
    return "\r\n ".join(parts) + "\r\n"


def _utc(moment: dt.datetime) -> str:
    # Not strftime: glibc writes the year 1 as "1", not "0001" (RFC 5545 3.3.5 needs four).
    m = moment.astimezone(dt.UTC)
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"


def event_title(release: Release) -> str:
    """The title shown in calendars; the status is in it because some clients hide STATUS,
    and the month of a release announced to the month, as its event spans all of it."""
    p = release.publication
    if release.precision is not Precision.EXACT and release.status is Status.PROVISIONAL:
        return f"{p.title} (provisional, {release.announced})"
    return status_word(release.status, p.title)


def _when(release: Release) -> str:
    if release.precision is Precision.EXACT:
        return f"{release.start:%H:%M} UK time, {release.status}"
    if release.status is Status.PROVISIONAL:
        return f"provisional: {release.announced}, the day to be announced when it is confirmed"
    return f"{release.status}, {release.announced}"


def event_description(release: Release) -> str:
    """History first (what a subscriber most needs when a date moves), then the facts."""
    p = release.publication
    facts = f"{p.designation}. {p.frequency.value.capitalize()} release, {_when(release)}."
    parts = ["\n".join(c.text() for c in release.changes), p.description, facts]
    return "\n\n".join(part for part in parts if part)


def _details(release: Release) -> str:
    """The folded lines that depend on the publication, its status and its history."""
    p = release.publication
    # The designation is one of two plain names: no character in it needs care.
    categories = f"{category(release.topic)},{p.designation}"
    return (
        fold(f"SUMMARY:{escape_text(event_title(release), multiline=False)}")
        + fold(f"DESCRIPTION:{escape_text(event_description(release))}")
        + fold(f"CATEGORIES:{categories}")
        + f"STATUS:{ical_status(release.status)}\r\n"
    )


def render_events(releases: Iterable[Release], tzid: str) -> list[str]:
    """Each release as one VEVENT, folded and CRLF-terminated.

    Thousands of releases share a publication and a status, and hundreds a start or a
    revision day, so their lines are made once; the fixed lines never need folding.
    """
    details: dict[tuple[object, ...], str] = {}
    stamps: dict[dt.datetime, str] = {}
    starts: dict[tuple[dt.datetime, Precision], str] = {}
    events = []
    for r in releases:
        when = (r.start, r.precision)
        key = (id(r.publication), id(r.topic), r.status, r.changes, r.start.hour, r.start.minute,
               r.precision, r.announced if r.precision is not Precision.EXACT else "")  # fmt: skip
        if key not in details:
            details[key] = _details(r)
        if r.revised not in stamps:
            stamp = _utc(r.revised)
            stamps[r.revised] = f"DTSTAMP:{stamp}\r\nLAST-MODIFIED:{stamp}\r\n"
        if when not in starts:
            starts[when] = _times(r, tzid)
        events.append(
            f"BEGIN:VEVENT\r\n{fold(f'UID:{r.uid}')}{stamps[r.revised]}{starts[when]}"
            f"{details[key]}SEQUENCE:{r.sequence}\r\nTRANSP:TRANSPARENT\r\nCLASS:PUBLIC\r\n"
            "END:VEVENT\r\n"
        )
    return events


def _times(release: Release, tzid: str) -> str:
    """When the event is: its half hour on its day; or, announced to the month, all-day
    events across the month or months (DTEND is the day after, RFC 5545 3.6.1), which is
    what was announced: calendars show a bar over them, not a day never promised."""
    start = release.start
    if release.precision is Precision.EXACT:
        return (
            f"DTSTART;TZID={tzid}:{start.year:04d}{start.month:02d}{start.day:02d}"
            f"T{start.hour:02d}{start.minute:02d}00\r\nDURATION:{DURATION}\r\n"
        )
    first, after = release.precision.span(release.date)
    return f"DTSTART;VALUE=DATE:{_day(first)}\r\nDTEND;VALUE=DATE:{_day(after)}\r\n"


def _day(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def calendar_chunks(name: str, description: str, events: list[str], timezone: str) -> list[str]:
    """A VCALENDAR as pieces to write one after another: its header, events and end."""
    header = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"NAME:{escape_text(name, multiline=False)}",
        f"X-WR-CALNAME:{escape_text(name, multiline=False)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"X-WR-CALDESC:{escape_text(description)}",
        f"X-WR-TIMEZONE:{timezone}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
        *VTIMEZONES[timezone],
    ]
    return ["".join(fold(line) for line in header), *events, "END:VCALENDAR\r\n"]


def render_calendar(name: str, description: str, releases: Iterable[Release], timezone: str) -> str:
    """One VCALENDAR holding `releases`, with CRLF line ends and folded lines."""
    events = render_events(releases, timezone)
    return "".join(calendar_chunks(name, description, events, timezone))


@dataclass(frozen=True)
class Feed:
    """One feed a build writes: its file, its title, and the releases it holds: all of
    them, one topic's, or those of one designation."""

    name: str
    title: str  # as the page lists it
    holds: Topic | Designation | None  # None: every release

    @property
    def key(self) -> str:
        """What it holds, as the page's script and feeds.json name it."""
        match self.holds:
            case None:
                return "all"
            case Topic():
                return f"topic:{self.holds.slug}"
            case Designation():
                return f"designation:{self.holds.slug}"
            case _:
                assert_never(self.holds)

    def pick(self, by: Mapping[str, list[T]], every: list[T]) -> list[T]:
        """Its share of what `by` groups under each feed's key (every item for all.ics):
        each release is sorted once, not once a feed."""
        return every if self.holds is None else by.get(self.key, [])


T = TypeVar("T")


def sorted_by_feed(releases: list[Release], items: list[T]) -> dict[str, list[T]]:
    """The item of each release (its event, or itself) under the key of each feed but all.ics
    that holds it: its topic's and its designation's."""
    by: dict[str, list[T]] = defaultdict(list)
    for release, item in zip(releases, items, strict=True):
        by[f"topic:{release.topic.slug}"].append(item)
        by[f"designation:{release.publication.designation.slug}"].append(item)
    return by


def feed_list(programme: Programme) -> list[Feed]:
    """The feeds of a programme: all releases, each topic's, each designation's it has."""
    used = {p.designation for p in programme.publications}
    return [
        Feed("all.ics", "All releases", None),
        *(Feed(f"{t.slug}.ics", t.name, t) for t in programme.topics),
        *(Feed(d.feed, d.value, d) for d in Designation if d in used),
    ]


def feed_chunks(
    programme: Programme, releases: list[Release], period: Period
) -> list[tuple[str, Iterator[str]]]:
    """Every feed of a build as (file name, pieces). Each event is rendered once, when the
    first feed is written, and shared by every feed that holds it; the events go once the
    last is written, so they are never held beside what is written before the feeds."""
    org, zone = programme.organisation, programme.timezone
    shared: list[tuple[list[str], dict[str, list[str]]]] = []

    def chunks(feed: Feed, name: str, about: str) -> Iterator[str]:
        if not shared:
            events = render_events(releases, zone)
            shared.append((events, sorted_by_feed(releases, events)))
        events, by_feed = shared[0]
        description = f"Pre-announced release dates of {about}, {period}."
        yield from calendar_chunks(name, description, feed.pick(by_feed, events), zone)

    feeds = []
    for feed in feed_list(programme):
        match feed.holds:
            case None:
                name, about = f"{org}: all statistics releases", f"all {statistics_of(org)}"
            case Topic() | Designation():
                name = f"{org}: {feed.title}"
                about = f"{statistics_of(org)}: {feed.title}"
            case _:
                assert_never(feed.holds)
        feeds.append((feed.name, chunks(feed, name, about)))
    return feeds
