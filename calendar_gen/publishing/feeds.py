"""iCalendar (RFC 5545) feeds of releases, written as text for speed and byte-stable output."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import TypeVar, assert_never
from zoneinfo import ZoneInfo

from calendar_gen.domain.history import Released, Status, ical_status, status_word
from calendar_gen.domain.language import FEED_WORDS, Language, releases_of
from calendar_gen.domain.model import (
    NATION_FEED,
    PUBLICATION_FEED,
    Designation,
    Period,
    Precision,
    Programme,
    Publication,
    Topic,
)
from calendar_gen.domain.releases import Release
from calendar_gen.domain.texts import CONTROL
from calendar_gen.domain.workdays import Nation, nations, previous_working_day


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


class Variant(Enum):
    """How a feed shows each release; every feed comes in each (the reminders only when
    programme.toml sets `reminder`)."""

    TIMED = "timed"  # at its time, for half an hour
    ALL_DAY = "all-day"  # as its day, the time in the title
    REMINDER = "reminder"  # at its time, with a reminder the working day before

    @property
    def ending(self) -> str:
        """The end of its feeds' file names: a dot never in a slug, so no name is two feeds'."""
        return ".ics" if self is Variant.TIMED else f".{self.value}.ics"

    def short(self, language: Language = Language.EN) -> str:
        """How a calendar's name calls it: "all day", "with reminders"."""
        return language.variant(self.value)


def event_title(
    release: Release, variant: Variant | None = None, language: Language = Language.EN
) -> str:
    """The title shown in calendars; the status is in it because some clients hide STATUS,
    and the month of a release announced to the month, as its event spans all of it. An
    all-day event names its time first ("09:30 Immigration Statistics")."""
    p = release.publication
    if language is Language.CY:
        return _welsh_title(release, variant)
    if release.precision is not Precision.EXACT and release.status is Status.PROVISIONAL:
        return f"{p.title} (provisional, {release.announced})"
    if variant is Variant.ALL_DAY and release.precision is Precision.EXACT:
        return status_word(release.status, f"{release.start:%H:%M} {p.title}")
    return status_word(release.status, p.title)


def _welsh_title(release: Release, variant: Variant | None) -> str:
    cy, p = Language.CY, release.publication
    if release.precision is not Precision.EXACT and release.status is Status.PROVISIONAL:
        return cy.provisional_title(p.title_cy, cy.announced(release.precision, release.date))
    if variant is Variant.ALL_DAY and release.precision is Precision.EXACT:
        return cy.event_title(release.status, f"{release.start:%H:%M} {p.title_cy}")
    return cy.event_title(release.status, p.title_cy)


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


def _details(release: Release, variant: Variant, language: Language) -> str:
    """The folded lines that depend on the publication, its status and its history; in
    Welsh, its texts say so with RFC 5545's LANGUAGE parameter (3.2.10)."""
    p = release.publication
    # The designation is one of a few plain names: no character in it needs care.
    categories = f"{category(release.topic, language)},{language.designation(p.designation)}"
    tag = _tag(language)
    title = escape_text(event_title(release, variant, language), multiline=False)
    return (
        fold(f"SUMMARY{tag}:{title}")
        + fold(f"DESCRIPTION{tag}:{escape_text(event_description(release, language))}")
        + fold(f"CATEGORIES{tag}:{categories}")
        + f"STATUS:{ical_status(release.status)}\r\n"
    )


def _tag(language: Language) -> str:
    """The LANGUAGE parameter of a text in `language`: none in English, as before Welsh."""
    return "" if language is Language.EN else f";LANGUAGE={language}"


def event_url(release: Release, page: str) -> str:
    """Where a subscriber reads more: the statistics once recorded as released with a link,
    else the release's entry on the page (`page`: the page's address)."""
    out = next((c.url for c in release.changes if isinstance(c, Released) and c.url), "")
    # The page's id of the release's row, as news.anchor makes it (news imports this module).
    return out or f"{page}#{release.publication.id}-{release.scheduled}"


def render_events(
    releases: Iterable[Release], tzid: str, variant: Variant = Variant.TIMED, *,
    page: str | None = None, reminder: dt.time | None = None,
    language: Language = Language.EN,
) -> list[str]:  # fmt: skip
    """Each release as one VEVENT of `variant`, folded and CRLF-terminated; with a URL when
    the page's address `page` is known, and a VALARM at `reminder` in the reminder variant."""
    return list(map("".join, event_pieces(releases, tzid, variant, page=page,
                                          reminder=reminder, language=language)))  # fmt: skip


END_EVENT = "END:VEVENT\r\n"


def event_pieces(
    releases: Iterable[Release], tzid: str, variant: Variant = Variant.TIMED, *,
    page: str | None = None, reminder: dt.time | None = None,
    language: Language = Language.EN,
) -> list[tuple[str, ...]]:  # fmt: skip
    """render_events' events, each as the pieces that make it up.

    Thousands of releases share a publication and a status, and hundreds a start or a
    revision day, so their lines are made once, and held once: a whole government's events
    of a variant, joined, would be 200 MB; the fixed lines never need folding.
    """
    details: dict[tuple[object, ...], str] = {}
    stamps: dict[dt.datetime, str] = {}
    starts: dict[tuple[dt.datetime, Precision], str] = {}
    triggers: dict[tuple[object, ...], str] = {}
    alarm_ends: dict[tuple[object, ...], str] = {}
    sequences: dict[int, str] = {}
    events: list[tuple[str, ...]] = []
    for r in releases:
        when = (r.start, r.precision)
        key = (id(r.publication), id(r.topic), r.status, r.changes, r.start.hour, r.start.minute,
               r.precision, r.announced if r.precision is not Precision.EXACT else "")  # fmt: skip
        if key not in details:
            details[key] = _details(r, variant, language)
        if r.revised not in stamps:
            stamp = _utc(r.revised)
            stamps[r.revised] = f"DTSTAMP:{stamp}\r\nLAST-MODIFIED:{stamp}\r\n"
        if when not in starts:
            starts[when] = _times(r, tzid, variant)
        if r.sequence not in sequences:
            sequences[r.sequence] = (
                f"SEQUENCE:{r.sequence}\r\nTRANSP:TRANSPARENT\r\nCLASS:PUBLIC\r\n"
            )
        url = fold(f"URL:{event_url(r, page)}") if page else ""
        alarm, end = "", END_EVENT  # the event's alarm before its end, in the reminder variant
        if variant is Variant.REMINDER and reminder and r.status.comes_out:
            # Its trigger is one of a few hundred, its text its publication's and status's.
            at = (r.date, r.start, r.precision, r.publication.rule.region)
            if at not in triggers:
                triggers[at] = _trigger(r, reminder, tzid)
            if key not in alarm_ends:
                alarm_ends[key] = _alarm_end(r, language)
            alarm, end = triggers[at], alarm_ends[key]
        events.append((f"BEGIN:VEVENT\r\n{fold(f'UID:{r.uid}')}", stamps[r.revised],
                       starts[when], details[key], sequences[r.sequence], url, alarm,
                       end))  # fmt: skip
    return events


def reminder_day(release: Release) -> dt.date:
    """The working day, in its region, before the first day the release is announced for:
    weekends and its nations' bank holidays skipped."""
    first = release.precision.span(release.date)[0]
    return previous_working_day(first - dt.timedelta(days=1), release.publication.rule.region)


def _trigger(release: Release, at: dt.time, tzid: str) -> str:
    """A VALARM's first lines, at `at` UK time on the reminder day, as a trigger before the
    event's start (RFC 5545 3.8.6.3), the form every client reads; a trigger at a moment is
    not."""
    day = reminder_day(release)
    if release.precision is Precision.EXACT:
        # An instant: exact hours and minutes (no days, whose length a clock change alters).
        moment = dt.datetime.combine(day, at, ZoneInfo(tzid)).astimezone(dt.UTC)
        before = release.start.astimezone(dt.UTC) - moment
        trigger = _duration(0, int(before.total_seconds()) // 60)
    else:  # a day's start (floating midnight): nominal days, then the time of day
        first = release.precision.span(release.date)[0]
        minutes = (first - day).days * 1440 - at.hour * 60 - at.minute
        trigger = _duration(*divmod(minutes, 1440))
    return f"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:{trigger}\r\n"


def _alarm_end(release: Release, language: Language) -> str:
    """The rest of a VALARM after its trigger, saying what comes out, and the event's end."""
    text = escape_text(event_title(release, language=language), multiline=False)
    return f"{fold(f'DESCRIPTION{_tag(language)}:{text}')}END:VALARM\r\n{END_EVENT}"


def _duration(days: int, minutes: int) -> str:
    """A negative RFC 5545 duration (3.3.6): "-P3DT8H", "-PT89H30M", "-P1D"."""
    hours, minutes = divmod(minutes, 60)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return f"-P{f'{days}D' if days else ''}{f'T{time}' if time else ''}"


def _times(release: Release, tzid: str, variant: Variant = Variant.TIMED) -> str:
    """When the event is: its half hour on its day (all day in the all-day variant); or,
    announced to the month, all-day events across the month or months (DTEND is the day
    after, RFC 5545 3.6.1), which is what was announced: calendars show a bar over them,
    not a day never promised."""
    start = release.start
    if release.precision is Precision.EXACT and variant is not Variant.ALL_DAY:
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
    about: tuple[str, str, str] | None = None, language: Language = Language.EN,
) -> list[str]:  # fmt: skip
    """A VCALENDAR as pieces to write one after another: its header, events and end.
    `about`: its RFC 7986 URL (the page), SOURCE (its own address) and COLOR."""
    header = calendar_header(name, description, timezone, about, language)
    return [header, *events, END_CALENDAR]


END_CALENDAR = "END:VCALENDAR\r\n"


def calendar_header(
    name: str, description: str, timezone: str, about: tuple[str, str, str] | None = None,
    language: Language = Language.EN,
) -> str:  # fmt: skip
    """The lines of a VCALENDAR before its events, folded."""
    tag = _tag(language)  # RFC 7986 5.1, 5.2
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
    ]
    if about:
        page, source, colour = about
        if page:
            header += [f"URL;VALUE=URI:{page}", f"SOURCE;VALUE=URI:{source}"]
        header.append(f"COLOR:{colour}")
    header += VTIMEZONES[timezone]
    return "".join(fold(line) for line in header)


def render_calendar(name: str, description: str, releases: Iterable[Release], timezone: str) -> str:
    """One VCALENDAR holding `releases`, with CRLF line ends and folded lines."""
    events = render_events(releases, timezone)
    return "".join(calendar_chunks(name, description, events, timezone))


Holds = Topic | Designation | Nation | Publication | None  # None: every release


def _kind(holds: Holds) -> tuple[str, str]:
    """The key and the colour of the feed that holds `holds`."""
    match holds:
        case None:
            return "all", "darkslateblue"
        case Topic():
            return f"topic:{holds.slug}", "teal"
        case Designation():
            return f"designation:{holds.slug}", "darkgreen"
        case Nation():
            return f"nation:{holds.slug}", "saddlebrown"
        case Publication():
            return f"publication:{holds.id}", "darkslategray"
        case _:
            assert_never(holds)


@dataclass(frozen=True)
class Feed:
    """One feed a build writes: its file, its title, the releases it holds (all of them, or
    one topic's, designation's, nation's or publication's) and how it shows them."""

    stem: str  # its file name without the variant's ending: "crime", "nation-scotland"
    title: str  # as the page lists it, in its language
    holds: Holds
    variant: Variant = Variant.TIMED
    language: Language = Language.EN

    @property
    def name(self) -> str:
        """Its file: "crime.all-day.ics", and in Welsh "crime.all-day.cy.ics"."""
        return self.language.file(self.stem + self.variant.ending)

    @property
    def key(self) -> str:
        """What it holds, as the page's script and feeds.json name it: "topic:crime"."""
        return _kind(self.holds)[0]

    @property
    def colour(self) -> str:
        """Its RFC 7986 COLOR, a CSS colour name: one a kind of feed, so they can be told apart."""
        return _kind(self.holds)[1]

    def pick(self, by: Mapping[str, list[T]], every: list[T]) -> list[T]:
        """Its share of what `by` groups under each feed's key (every item for all.ics):
        each release is sorted once, not once a feed."""
        return every if self.holds is None else by.get(self.key, [])


T = TypeVar("T")


def sorted_by_feed(
    releases: list[Release], items: list[T], publications: bool = True
) -> dict[str, list[T]]:
    """The item of each release (its event, or itself) under the key of each feed but all.ics
    that holds it: its topic's, designation's, nations' and (with `publications`) its own."""
    by: dict[str, list[T]] = defaultdict(list)
    for release, item in zip(releases, items, strict=True):
        p = release.publication
        held: list[Holds] = [release.topic, p.designation, *nations(p.rule.region)]
        for holds in [*held, p] if publications else held:
            by[_kind(holds)[0]].append(item)
    return by


def languages(programme: Programme) -> tuple[Language, ...]:
    """The languages its feeds and page are published in: English, and Welsh if it has it."""
    return (Language.EN, Language.CY) if programme.welsh else (Language.EN,)


def feed_bases(programme: Programme, language: Language = Language.EN) -> list[Feed]:
    """The feeds of a programme as filters: all releases, each topic's, each designation's
    and nation's it has, and each publication's unless publication_feeds is 0; in Welsh the
    same, with Welsh titles and .cy before .ics."""
    publications = programme.publications
    used = {p.designation for p in publications}
    followed = {n for p in publications for n in nations(p.rule.region)}
    own = publications if programme.publication_feeds else ()
    welsh, lang = language is Language.CY, language
    return [
        Feed("all", FEED_WORDS[language].everything, None, language=lang),
        *(Feed(t.slug, t.name_cy if welsh else t.name, t, language=lang)
          for t in programme.topics),
        *(Feed(d.feed.removesuffix(".ics"), language.designation(d), d, language=lang)
          for d in Designation if d in used),
        *(Feed(f"{NATION_FEED}{n.slug}", language.nation(n), n, language=lang)
          for n in Nation if n in followed),
        *(Feed(f"{PUBLICATION_FEED}{p.id}", p.title_cy if welsh else p.title, p, language=lang)
          for p in own),
    ]  # fmt: skip


def variants(programme: Programme) -> tuple[Variant, ...]:
    """The variants a programme's feeds come in: the reminders only when it sets a time."""
    return tuple(v for v in Variant if v is not Variant.REMINDER or programme.reminder)


def feed_list(programme: Programme, language: Language = Language.EN) -> list[Feed]:
    """Every feed a build writes in `language`, each filter followed by its variants."""
    return [
        replace(f, variant=v) for f in feed_bases(programme, language) for v in variants(programme)
    ]


def page_address(programme: Programme, language: Language = Language.EN) -> str | None:
    """The page's public address, known from feed_url; None without it (the feeds then
    carry no URL or SOURCE: RFC 5545 and 7986 take only whole addresses)."""
    return f"{programme.feed_url}/{language.file('index.html')}" if programme.feed_url else None


def calendar_name(programme: Programme, feed: Feed) -> str:
    """The name a calendar app gives the feed (its NAME), which Outlook's link gives too."""
    return _naming(programme, feed)[0]


def _naming(programme: Programme, feed: Feed, period: Period | None = None) -> tuple[str, str]:
    """The calendar's name and description, in the feed's language."""
    language = feed.language
    welsh, words = language is Language.CY, FEED_WORDS[language]
    org = programme.organisation_cy if welsh else programme.organisation
    match feed.holds:
        case None:
            name = words.all_name.format(org=org)
            what = org if welsh else f"all {statistics_of(org)}"
        case Topic() | Designation() | Nation() | Publication():
            name = f"{org}: {feed.title}"
            what = f"{org if welsh else statistics_of(org)}: {feed.title}"
        case _:
            assert_never(feed.holds)
    if feed.variant is not Variant.TIMED:
        short = feed.variant.short(language)
        name, what = f"{name} ({short})", f"{what} ({short})"
    period = period or programme.period
    description = words.about.format(what=what, of=releases_of(what), period=period)
    if programme.welsh:  # where the same calendar is in the other language
        base = f"{programme.feed_url}/" if programme.feed_url else ""
        other = replace(feed, language=language.other).name
        description += "\n\n" + words.also.format(address=base + other)
    return name, description


def feed_chunks(
    programme: Programme, releases: list[Release], period: Period
) -> list[tuple[str, Iterator[str]]]:
    """Every feed of a build as (file name, pieces), in each language and variant. The
    events of a language and variant are rendered when its first feed is written, shared by
    its feeds and let go after its last: one set is held at a time, and none beside what is
    written before the feeds."""
    feeds: list[tuple[str, Iterator[str]]] = []
    for language in languages(programme):
        bases = feed_bases(programme, language)
        for variant in variants(programme):
            feeds += _group(programme, releases, period, bases, variant)
    return feeds


EVENTS_A_WRITE = 256


def _group(
    programme: Programme, releases: list[Release], period: Period, bases: list[Feed],
    variant: Variant,
) -> list[tuple[str, Iterator[str]]]:  # fmt: skip
    """The feeds of one language and variant, each written from the events they share."""
    zone, publications = programme.timezone, bool(programme.publication_feeds)
    language = bases[0].language
    page = page_address(programme, language)
    held: list[tuple[list[tuple[str, ...]], dict[str, list[tuple[str, ...]]]]] = []

    def chunks(feed: Feed, last: bool) -> Iterator[str]:
        if not held:
            events = event_pieces(releases, zone, variant, page=page,
                                  reminder=programme.reminder, language=language)  # fmt: skip
            held.append((events, sorted_by_feed(releases, events, publications)))
        events, by_feed = held[0]
        if last:
            held.clear()
        name, description = _naming(programme, feed, period)
        source = f"{programme.feed_url}/{feed.name}" if programme.feed_url else ""
        yield calendar_header(name, description, zone, (page or "", source, feed.colour),
                              language)  # fmt: skip
        picked = feed.pick(by_feed, events)
        # Joined a few hundred at a time: one write each, and no feed's text held whole.
        for start in range(0, len(picked), EVENTS_A_WRITE):
            yield "".join([piece for e in picked[start : start + EVENTS_A_WRITE] for piece in e])
        yield END_CALENDAR

    feeds = [replace(base, variant=variant) for base in bases]
    return [(f.name, chunks(f, n == len(feeds) - 1)) for n, f in enumerate(feeds)]
