"""iCalendar (RFC 5545) feeds of releases, written as text for speed and byte-stable output."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar, assert_never

from calendar_gen.history import Status, ical_status, status_word
from calendar_gen.language import FEED_WORDS, Language, releases_of
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


def category(topic: Topic, language: Language = Language.EN) -> str:
    """The topic's name as a category that every client reads alike, or else its slug."""
    name = topic.name_cy if language is Language.CY else topic.name
    return NOT_IN_CATEGORY.sub(" ", name).strip() or topic.slug


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


def event_title(release: Release, language: Language = Language.EN) -> str:
    """The title shown in calendars; the status is in it because some clients hide STATUS,
    and the month of a release announced to the month, as its event spans all of it."""
    p = release.publication
    if language is Language.CY:
        announced = language.announced(release.precision, release.date)
        if release.precision is not Precision.EXACT and release.status is Status.PROVISIONAL:
            return language.provisional_title(p.title_cy, announced)
        return language.event_title(release.status, p.title_cy)
    if release.precision is not Precision.EXACT and release.status is Status.PROVISIONAL:
        return f"{p.title} (provisional, {release.announced})"
    return status_word(release.status, p.title)


def _when(release: Release) -> str:
    if release.precision is Precision.EXACT:
        return f"{release.start:%H:%M} UK time, {release.status}"
    if release.status is Status.PROVISIONAL:
        return f"provisional: {release.announced}, the day to be announced when it is confirmed"
    return f"{release.status}, {release.announced}"


def _welsh_when(release: Release) -> str:
    """When, in Welsh: each fact after its label, the ONS's words where they have one."""
    cy = Language.CY
    status = cy.status(release.status)
    if release.precision is Precision.EXACT:
        return f"Amser: {release.start:%H:%M} (amser y DU). Statws: {status}."
    announced = cy.announced(release.precision, release.date)
    if release.status is Status.PROVISIONAL:
        return (f"Dyddiad dros dro'r datganiad: {announced}; cyhoeddir y dyddiad pan gaiff ei "
                "gadarnhau.")  # fmt: skip
    return f"Dyddiad y datganiad: {announced}. Statws: {status}."


def event_description(release: Release, language: Language = Language.EN) -> str:
    """History first (what a subscriber most needs when a date moves), then the facts."""
    p = release.publication
    if language is Language.CY:
        history = "\n".join(language.change(c, c.reason_cy) for c in release.changes)
        facts = f"{language.designation(p.designation)}. {_welsh_when(release)}"
        parts = [history, p.description_cy, facts]
    else:
        facts = f"{p.designation}. {p.frequency.value.capitalize()} release, {_when(release)}."
        parts = ["\n".join(c.text() for c in release.changes), p.description, facts]
    return "\n\n".join(part for part in parts if part)


def _details(release: Release, language: Language = Language.EN) -> str:
    """The folded lines that depend on the publication, its status and its history; in
    Welsh, its texts say so with RFC 5545's LANGUAGE parameter (3.2.10)."""
    p = release.publication
    # The designation is one of a few plain names: no character in it needs care.
    designation = language.designation(p.designation)
    categories = f"{category(release.topic, language)},{designation}"
    tag = "" if language is Language.EN else f";LANGUAGE={language}"
    title = escape_text(event_title(release, language), multiline=False)
    return (
        fold(f"SUMMARY{tag}:{title}")
        + fold(f"DESCRIPTION{tag}:{escape_text(event_description(release, language))}")
        + fold(f"CATEGORIES{tag}:{categories}")
        + f"STATUS:{ical_status(release.status)}\r\n"
    )


def render_events(
    releases: Iterable[Release], tzid: str, language: Language = Language.EN
) -> list[str]:
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
            details[key] = _details(r, language)
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


def calendar_chunks(
    name: str, description: str, events: list[str], timezone: str,
    language: Language = Language.EN,
) -> list[str]:  # fmt: skip
    """A VCALENDAR as pieces to write one after another: its header, events and end."""
    tag = "" if language is Language.EN else f";LANGUAGE={language}"  # RFC 7986 5.1, 5.2
    header = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"NAME{tag}:{escape_text(name, multiline=False)}",
        f"X-WR-CALNAME:{escape_text(name, multiline=False)}",
        f"DESCRIPTION{tag}:{escape_text(description)}",
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


def languages(programme: Programme) -> tuple[Language, ...]:
    """The languages its feeds and page are published in: English, and Welsh if it has it."""
    return (Language.EN, Language.CY) if programme.welsh else (Language.EN,)


def feed_list(programme: Programme, language: Language = Language.EN) -> list[Feed]:
    """The feeds of a programme: all releases, each topic's, each designation's it has; in
    Welsh the same, each named with .cy before .ics."""
    used = {p.designation for p in programme.publications}
    welsh = language is Language.CY
    return [
        Feed(language.file("all.ics"), FEED_WORDS[language].everything, None),
        *(Feed(language.file(f"{t.slug}.ics"), t.name_cy if welsh else t.name, t)
          for t in programme.topics),
        *(Feed(language.file(d.feed), language.designation(d), d) for d in Designation
          if d in used),
    ]  # fmt: skip


def feed_chunks(
    programme: Programme, releases: list[Release], period: Period
) -> Iterator[tuple[str, list[str]]]:
    """Every feed of a build as (file name, pieces), in each of its languages. Each event is
    rendered once a language and shared by every feed that holds it."""
    for language in languages(programme):
        yield from _feeds_in(programme, releases, period, language)


def _feeds_in(
    programme: Programme, releases: list[Release], period: Period, language: Language
) -> Iterator[tuple[str, list[str]]]:
    welsh = language is Language.CY
    org = programme.organisation_cy if welsh else programme.organisation
    zone, words = programme.timezone, FEED_WORDS[language]
    events = render_events(releases, zone, language)
    by_feed = sorted_by_feed(releases, events)
    others = feed_list(programme, language.other) if programme.welsh else []
    for n, feed in enumerate(feed_list(programme, language)):
        match feed.holds:
            case None:
                name = words.all_name.format(org=org)
                what = org if welsh else f"all {statistics_of(org)}"
            case Topic() | Designation():
                name = f"{org}: {feed.title}"
                what = f"{org if welsh else statistics_of(org)}: {feed.title}"
            case _:
                assert_never(feed.holds)
        held = feed.pick(by_feed, events)
        description = words.about.format(what=what, of=releases_of(what), period=period)
        if others:  # where the same calendar is in the other language
            base = f"{programme.feed_url}/" if programme.feed_url else ""
            description += "\n\n" + words.also.format(address=base + others[n].name)
        yield feed.name, calendar_chunks(name, description, held, zone, language)
