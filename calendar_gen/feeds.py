"""iCalendar (RFC 5545) feeds of releases, written as text for speed and byte-stable output."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

from calendar_gen.history import ical_status, status_word
from calendar_gen.model import Period, Programme, Topic
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
    """The title shown in calendars; the status is in it because some clients hide STATUS."""
    return status_word(release.status, release.publication.title)


def event_description(release: Release) -> str:
    """History first (what a subscriber most needs when a date moves), then the facts."""
    p = release.publication
    facts = (
        f"{p.designation}. {p.frequency.value.capitalize()} release, "
        f"{release.start:%H:%M} UK time, {release.status}."
    )
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
    starts: dict[dt.datetime, str] = {}
    events = []
    for r in releases:
        key = (id(r.publication), id(r.topic), r.status, r.changes, r.start.hour, r.start.minute)
        if key not in details:
            details[key] = _details(r)
        if r.revised not in stamps:
            stamp = _utc(r.revised)
            stamps[r.revised] = f"DTSTAMP:{stamp}\r\nLAST-MODIFIED:{stamp}\r\n"
        if (start := r.start) not in starts:
            starts[start] = (
                f"DTSTART;TZID={tzid}:{start.year:04d}{start.month:02d}{start.day:02d}"
                f"T{start.hour:02d}{start.minute:02d}00\r\nDURATION:{DURATION}\r\n"
            )
        events.append(
            f"BEGIN:VEVENT\r\n{fold(f'UID:{r.uid}')}{stamps[r.revised]}{starts[start]}"
            f"{details[key]}SEQUENCE:{r.sequence}\r\nTRANSP:TRANSPARENT\r\nCLASS:PUBLIC\r\n"
            "END:VEVENT\r\n"
        )
    return events


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


def feed_chunks(
    programme: Programme, releases: list[Release], period: Period
) -> Iterator[tuple[str, list[str]]]:
    """Every feed of a build as (file name, pieces): one per topic, and all.ics with every
    release. Each event is rendered once and shared by its topic's feed and all.ics."""
    org, zone = programme.organisation, programme.timezone
    events = render_events(releases, zone)
    by_topic: dict[str, list[str]] = {t.slug: [] for t in programme.topics}
    for release, event in zip(releases, events, strict=True):
        by_topic[release.topic.slug].append(event)
    for topic in programme.topics:
        yield (
            f"{topic.slug}.ics",
            calendar_chunks(
                f"{org}: {topic.name}",
                f"Pre-announced release dates of {statistics_of(org)}: {topic.name}, {period}.",
                by_topic[topic.slug],
                zone,
            ),
        )
    yield (
        "all.ics",
        calendar_chunks(
            f"{org}: all statistics releases",
            f"Pre-announced release dates of all {statistics_of(org)}, {period}.",
            events,
            zone,
        ),
    )
