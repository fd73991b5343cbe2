"""The iCalendar feeds: escaping, folding, properties, the time zone, and what parsers read."""

import calendar
import dataclasses
import datetime as dt
import json
import os
import re
from operator import attrgetter
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from helpers import PROGRAMME, examples, generated_releases, run_cli, write_schedules
from hypothesis import given
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from icalendar.parser import Contentline, Contentlines
from interop import assert_alarms_agree, assert_parsers_agree, parse_all, read_libical
from reference import event_as_first_written, render_feeds

from calendar_gen.domain.history import Released
from calendar_gen.domain.language import Language
from calendar_gen.domain.model import FIRST_YEAR, LAST_YEAR, Announcement, Period, Precision, Status
from calendar_gen.domain.releases import expand
from calendar_gen.programme.schedule import load_programme
from calendar_gen.publishing.feeds import (
    PRODID,
    VTIMEZONES,
    Variant,
    escape_text,
    fold,
    reminder_day,
    render_calendar,
    render_events,
)
from calendar_gen.publishing.news import anchor
from calendar_gen.publishing.pages import render_index
from calendar_gen.publishing.site import MANIFEST, note_build, previous_build

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
SHIPPED = Path(__file__).resolve().parents[1] / "schedules"
AS_OF = dt.date(2014, 4, 1)

HATE_CRIMES = """\
topic = "Crime statistics"

[[publication]]
id = "hate-crimes"
title = "Hate Crimes, England and Wales"
designation = "Official Statistics"
frequency = "annual"
description = "Hate crimes recorded by the police."
months = [10]
day = "fourth friday"
"""
# Fridays in October 2014: 3, 10, 17, 24, 31. British Summer Time until Sunday 26 October,
# so 09:30 on Friday 24 October is 08:30 UTC.
HATE_CRIMES_UID = "hate-crimes-2014-10@test-office"
HATE_CRIMES_START = dt.datetime(2014, 10, 24, 8, 30, tzinfo=UTC)
FACTS = "Official statistics. Annual release, 09:30 UK time, confirmed."


@pytest.fixture
def programme(tmp_path):
    return load_programme(write_schedules(tmp_path / "schedules", {"crime": HATE_CRIMES}))


@pytest.fixture
def release(programme):
    (only,) = expand(programme)
    return dataclasses.replace(only, status=Status.CONFIRMED)


def edited(release, *, title=None, description=None, topic=None):
    """`release` with its publication's title or description, or its topic's name, replaced."""
    publication, topic_ = release.publication, release.topic
    if title is not None:
        publication = dataclasses.replace(publication, title=title)
    if description is not None:
        publication = dataclasses.replace(publication, description=description)
    if topic is not None:
        topic_ = dataclasses.replace(topic_, name=topic)
    return dataclasses.replace(release, publication=publication, topic=topic_)


def feed(*releases) -> str:
    return render_calendar("Test", "A test feed.", releases, "Europe/London")


def content_lines(text: str) -> list[str]:
    """Unfolded content lines (RFC 5545 3.1: remove every CRLF followed by one space)."""
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def names(lines: list[str]) -> list[str]:
    return [re.split("[:;]", line, maxsplit=1)[0] for line in lines]


EVENT_PROPERTIES = [
    "BEGIN", "UID", "DTSTAMP", "LAST-MODIFIED", "DTSTART", "DURATION", "SUMMARY",
    "DESCRIPTION", "CATEGORIES", "STATUS", "SEQUENCE", "TRANSP", "CLASS", "END",
]  # fmt: skip


# --- Escaping ---------------------------------------------------------------------------------

# (text, as escaped in the feed, as every parser reads it back)
ESCAPES = [
    ("Police Workforce", "Police Workforce", "Police Workforce"),
    ("Crime, policing", "Crime\\, policing", "Crime, policing"),
    ("Arrests; outcomes", "Arrests\\; outcomes", "Arrests; outcomes"),
    ("C:\\New", "C:\\\\New", "C:\\New"),  # backslash first: "\N" stays text, not a line break
    ("\\n is two characters", "\\\\n is two characters", "\\n is two characters"),
    ("x\\;y,z", "x\\\\\\;y\\,z", "x\\;y,z"),
    ("one\ntwo", "one\\ntwo", "one\ntwo"),
    ("one\r\ntwo", "one\\ntwo", "one\ntwo"),
    ("one\rtwo", "one\\ntwo", "one\ntwo"),
    ("one\r\n\r\ntwo\n", "one\\n\\ntwo\\n", "one\n\ntwo\n"),
    (
        "nul\x00 bel\x07 vt\x0b ff\x0c esc\x1b us\x1f del\x7f",
        "nul bel vt ff esc us del",
        "nul bel vt ff esc us del",
    ),
    ("tab\tstays", "tab\tstays", "tab\tstays"),
    ('Colon: "quoted"', 'Colon: "quoted"', 'Colon: "quoted"'),
    ("Ystadegau: ŵ ŷ 🎉", "Ystadegau: ŵ ŷ 🎉", "Ystadegau: ŵ ŷ 🎉"),
]


@pytest.mark.parametrize(("text", "escaped", "read"), ESCAPES)
def test_escape_text(text, escaped, read):
    assert escape_text(text) == escaped


@pytest.mark.parametrize(("text", "escaped", "read"), ESCAPES)
def test_icalendar_reads_back_what_was_escaped(text, escaped, read):
    line = fold(f"SUMMARY:{escape_text(text)}")
    event = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\n{line}END:VEVENT\r\n")
    assert str(event["SUMMARY"]) == read


# icalendar escapes the same way, except that it keeps control characters and turns a
# literal "\N" into a line break; those rows are left out.
@pytest.mark.parametrize(
    ("text", "escaped", "read"),
    [row for row in ESCAPES if not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\\N", row[0])],
)
def test_escaping_matches_icalendar_vtext(text, escaped, read):
    assert escape_text(text) == icalendar.vText(text).to_ical().decode()


@pytest.mark.interop
def test_every_parser_reads_escaped_text_back(release):
    releases = [
        dataclasses.replace(edited(release, title=text), uid=f"escape-{i}@test")
        for i, (text, _, _) in enumerate(ESCAPES)
    ]
    events = assert_parsers_agree(feed(*releases))
    assert [e.summary for e in events] == [read for _, _, read in ESCAPES]


# --- Folding ----------------------------------------------------------------------------------

# (content line, its physical lines): 75 octets at most, a continuation line being a space
# and at most 74 octets; "ŵ" and "ŷ" are 2 octets in UTF-8, "🎉" 4.
FOLDS = [
    ("SUMMARY:short", ["SUMMARY:short"]),
    ("X" * 75, ["X" * 75]),
    ("X" * 76, ["X" * 75, " X"]),
    ("X" * 149, ["X" * 75, " " + "X" * 74]),
    ("X" * 150, ["X" * 75, " " + "X" * 74, " X"]),
    ("S:" + "a" * 71 + "ŵ", ["S:" + "a" * 71 + "ŵ"]),  # exactly 75 octets
    ("S:" + "a" * 72 + "ŵ ŷ", ["S:" + "a" * 72, " ŵ ŷ"]),  # ŵ would be octets 75-76
    ("S:" + "a" * 71 + "🎉!", ["S:" + "a" * 71, " 🎉!"]),  # 🎉 would be octets 74-77
    ("S:" + "🎉" * 40, ["S:" + "🎉" * 18, " " + "🎉" * 18, " " + "🎉" * 4]),
    ("S:" + "ŵŷ" * 40, ["S:" + "ŵŷ" * 18, " " + "ŵŷ" * 18 + "ŵ", " ŷ" + "ŵŷ" * 3]),
]
LONG_LINES = [
    "DESCRIPTION:" + "Ystadegau swyddogol, ŵ ŷ 🎉 " * 12,
    "SUMMARY:" + "x" * 66 + "\\n" + "y" * 80,  # the fold lands inside the escape "\n"
    "X:" + "é" * 300,
    "X:" + "a" + "€" * 100,  # 3 octets each
]


@pytest.mark.parametrize(("line", "physical"), FOLDS)
def test_fold(line, physical):
    assert fold(line) == "\r\n".join(physical) + "\r\n"


@pytest.mark.parametrize("line", [line for line, _ in FOLDS] + LONG_LINES)
def test_fold_keeps_lines_short_and_characters_whole(line):
    folded = fold(line).encode()
    physical = folded.split(b"\r\n")
    assert physical.pop() == b""
    for i, octets in enumerate(physical):
        assert len(octets) <= 75
        octets.decode("utf-8")  # strict: a split character would not decode
        assert octets.startswith(b" ") == (i > 0)
        if i < len(physical) - 1:  # full, but for a character that did not fit
            assert len(octets) >= 72
    assert folded.decode().replace("\r\n ", "") == line + "\r\n"


@pytest.mark.parametrize("line", [line for line, _ in FOLDS] + LONG_LINES)
def test_fold_reads_back_like_icalendar_folding(line):
    ours = fold(line)
    theirs = Contentline(line).to_ical().decode() + "\r\n"
    assert Contentlines.from_ical(ours) == Contentlines.from_ical(theirs) == [line, ""]
    # icalendar folds at 74 octets where we fold at 75: identical below that, never more lines.
    if len(line.encode()) < 75:
        assert ours == theirs
    assert ours.count("\r\n") <= theirs.count("\r\n")


@pytest.mark.interop
def test_every_parser_unfolds_text_folded_mid_character_or_escape(release):
    # "SUMMARY:" and 66 letters fill 74 octets, so the fold falls between the backslash and
    # the "n" of the escaped line break (allowed: RFC 5545 unfolds before unescaping).
    titles = ["x" * 66 + "\nline two", "ŵ" * 50 + "🎉" * 20, "x" * 66 + " " * 20 + "end"]
    releases = [
        dataclasses.replace(edited(release, title=title), uid=f"fold-{i}@test")
        for i, title in enumerate(titles)
    ]
    assert [e.summary for e in assert_parsers_agree(feed(*releases))] == titles


# --- Text that tries to break out of its property ----------------------------------------------

HOSTILE = [
    "Crime\nEND:VEVENT\nBEGIN:VEVENT\nUID:forged",
    "Crime\r\nUID:x",
    "Crime\rSTATUS:CANCELLED",
    "Crime\r\n DTSTART:20000101T000000Z",  # CRLF and a space: a fold, were it written raw
    "Crime\u2028UID:x\u2029END:VEVENT\x85SEQUENCE:9",  # Unicode line separators
    "Crime;UID=x:y,z\\nEND:VEVENT",
]


def read_as(text: str, line_break: str = "\n") -> str:
    """How a parser reads hostile text back: every line break is a line feed, and a Unicode
    line or paragraph separator or NEL is `line_break`."""
    return re.sub("[\u2028\u2029\x85]", line_break, text.replace("\r\n", "\n").replace("\r", "\n"))


@pytest.mark.interop
@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("field", ["title", "description", "topic"])
def test_hostile_text_cannot_forge_an_event_or_property(release, field, text):
    rendered = feed(edited(release, **{field: text}))
    lines = content_lines(rendered)
    event = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT") + 1]
    assert names(event) == EVENT_PROPERTIES
    assert names(lines).count("BEGIN") == 5  # VCALENDAR, VTIMEZONE, DAYLIGHT, STANDARD, VEVENT
    (read,) = assert_parsers_agree(rendered)
    assert (read.uid, read.start, read.status, read.sequence) == (
        HATE_CRIMES_UID,
        HATE_CRIMES_START,
        "CONFIRMED",
        0,
    )
    if field == "title":
        assert read.summary == read_as(text, " ")
    elif field == "description":
        assert read.description == f"{read_as(text)}\n\n{FACTS}"
    else:
        assert read.categories == (simplified(text), "Official statistics")


def simplified(name: str) -> str:
    """A topic's name as its category: no character that any client misreads, one space at
    most between words."""
    return " ".join(re.split(r'[,;:\\"\s\x00-\x1f\x7f]+', name)).strip()


# (a topic's name, its category) and the clients that misread the name as written.
CATEGORIES = [
    ("Crime statistics", "Crime statistics"),
    ("Crime\\", "Crime"),  # libical and ical.js: merged with the next category
    ("Crime \\ justice", "Crime justice"),
    ("Crime, justice", "Crime justice"),  # ical, and JavaScript parsers: split in two
    ("Crime; justice", "Crime justice"),  # libical: merged with the next category
    ("Crime: England", "Crime England"),  # icalendar before 7.3: "Crime" dropped
    ('Crime "recorded', "Crime recorded"),  # libical: an unpaired quote merges the rest
    ("Crime\tand\u2028justice\x85now", "Crime and justice now"),
    ("  Ystadegau   ŵyr  ", "Ystadegau ŵyr"),
    ("Crime & <b>justice</b> / policing", "Crime & <b>justice</b> / policing"),
    (",;:\\", "crime"),  # nothing left: the topic's slug
]


@pytest.mark.interop
@pytest.mark.parametrize(("name", "category"), CATEGORIES)
def test_categories_are_what_every_client_reads_alike(release, name, category):
    assert simplified(name) in (category, "")
    (read,) = assert_parsers_agree(feed(edited(release, topic=name)))
    assert read.categories == (category, "Official statistics")


@pytest.mark.interop
def test_the_topic_keeps_its_name_outside_categories(programme, release):
    name = 'Crime, justice; and: "more" \\'
    topic = dataclasses.replace(programme.topics[0], name=name)
    renamed = dataclasses.replace(programme, topics=(topic,))
    text = render_feeds(renamed, [edited(release, topic=name)], programme.period)["crime.ics"]
    (read,) = assert_parsers_agree(text)
    assert read.categories == ("Crime justice and more", "Official statistics")
    calendar = vobject.readOne(text)
    assert calendar.contents["name"][0].value == f"Test Office: {name}"
    assert calendar.contents["x-wr-calname"][0].value == f"Test Office: {name}"
    assert f"statistics: {name}, 2014/15." in calendar.contents["description"][0].value


# Text a schedule lets through (stripped, with no line breaks or control characters but tab),
# rich in what clients stumble on.
SCHEDULE_TEXT = (
    st.text(
        st.characters(exclude_categories=("Cs", "Cc"), include_characters='\t,;:\\"\u2028\x85'),
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@pytest.mark.interop
@examples(20)
@given(st.lists(st.tuples(SCHEDULE_TEXT, SCHEDULE_TEXT), min_size=1, max_size=25))
def test_every_parser_reads_any_schedule_text_alike(texts):
    release = expand(load_programme(SHIPPED))[0]
    releases = [
        dataclasses.replace(edited(release, title=a, description=b, topic=a), uid=f"t-{i}@test")
        for i, (a, b) in enumerate(texts)
    ]
    events = assert_parsers_agree(feed(*releases))
    for event, (a, _) in zip(events, texts, strict=True):
        assert event.categories == (
            simplified(a) or release.topic.slug,
            release.publication.designation,
        )


@pytest.mark.interop
@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_are_written_as_every_parser_keeps_them(release, separator):
    # Parsers that split lines as JavaScript or str.splitlines() does end the content line at
    # these, and drop or cut the property.
    text = f"Crime{separator}statistics"
    edited_release = edited(release, title=text, description=text, topic=text)
    rendered = render_calendar(text, f"All{separator}releases.", [edited_release], "Europe/London")
    assert separator not in rendered
    (read,) = assert_parsers_agree(rendered)
    assert read.summary == "Crime statistics"
    assert read.description == f"Crime\nstatistics\n\n{FACTS}"
    assert read.categories == ("Crime statistics", "Official statistics")
    calendar = vobject.readOne(rendered)
    assert calendar.contents["x-wr-calname"][0].value == "Crime statistics"
    assert calendar.contents["x-wr-caldesc"][0].value == "All\nreleases."


@pytest.mark.interop
def test_hostile_names_stay_inside_calendar_properties(programme, release):
    organisation = "Test, Office\r\nMETHOD:PUBLISH"
    topic = dataclasses.replace(programme.topics[0], name="Crime;\nX-WR-CALNAME:forged")
    hostile = dataclasses.replace(programme, organisation=organisation, topics=(topic,))
    text = render_feeds(hostile, [release], programme.period)["crime.ics"]
    lines = content_lines(text)
    assert "METHOD" not in names(lines)
    assert names(lines).count("X-WR-CALNAME") == 1
    name = "Test, Office\nMETHOD:PUBLISH: Crime;\nX-WR-CALNAME:forged"
    assert IcsCalendarStream.calendar_from_ics(text).name == [name]
    calendar = vobject.readOne(text)
    assert calendar.contents["name"][0].value == name
    assert calendar.contents["x-wr-calname"][0].value == name
    assert str(icalendar.Calendar.from_ical(text)["DESCRIPTION"]) == (
        f"Pre-announced release dates of {read_as(organisation)} statistics: "
        "Crime;\nX-WR-CALNAME:forged, 2014/15."
    )
    assert len(assert_parsers_agree(text)) == 1


def test_every_line_ends_in_crlf(release):
    text = feed(*(edited(release, title=t, description=t) for t in HOSTILE))
    assert text.endswith("END:VCALENDAR\r\n")
    assert re.search("\r(?!\n)|(?<!\r)\n", text) is None


# --- Properties -------------------------------------------------------------------------------


def test_calendar_properties(programme, release):
    feeds = render_feeds(programme, [release], programme.period)
    # Each filter, then each again as all-day events (no reminder time is set: no reminders).
    filters = ["all", "crime", "designation-official-statistics", "nation-england-and-wales",
               "publication-hate-crimes"]  # fmt: skip
    assert list(feeds) == [f"{f}.ics" for f in filters] + [f"{f}.all-day.ics" for f in filters]
    lines = content_lines(feeds["crime.ics"])
    assert lines[: lines.index("BEGIN:VTIMEZONE")] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//calendar-gen//Release calendar//EN",
        "CALSCALE:GREGORIAN",
        "NAME:Test Office: Crime statistics",
        "X-WR-CALNAME:Test Office: Crime statistics",
        "DESCRIPTION:Pre-announced release dates of Test Office statistics: Crime statistics\\, "
        "2014/15.",
        "X-WR-CALDESC:Pre-announced release dates of Test Office statistics: Crime statistics\\, "
        "2014/15.",
        "X-WR-TIMEZONE:Europe/London",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
        "COLOR:teal",  # RFC 7986; without feed_url, no URL or SOURCE: they must be whole
    ]
    assert lines[-1] == "END:VCALENDAR"
    assert "METHOD" not in names(lines)  # a feed, not an invitation (RFC 5546)
    strict = IcsCalendarStream.calendar_from_ics(feeds["crime.ics"])
    assert (strict.prodid, strict.version, strict.calscale, strict.method) == (
        PRODID,
        "2.0",
        "GREGORIAN",
        None,
    )
    assert strict.name == ["Test Office: Crime statistics"]
    assert strict.x_wr_timezone == "Europe/London"
    assert strict.refresh_interval == dt.timedelta(hours=12)
    parsed = icalendar.Calendar.from_ical(feeds["crime.ics"])
    assert parsed["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert "NAME:Test Office: all statistics releases" in content_lines(feeds["all.ics"])


@pytest.mark.interop
def test_event_properties(release):
    stamped = dataclasses.replace(
        release, sequence=2, revised=dt.datetime(2014, 10, 1, 12, 0, tzinfo=UTC)
    )
    lines = content_lines(feed(stamped))
    assert lines[lines.index("BEGIN:VEVENT") :] == [
        "BEGIN:VEVENT",
        "UID:hate-crimes-2014-10@test-office",
        "DTSTAMP:20141001T120000Z",
        "LAST-MODIFIED:20141001T120000Z",
        "DTSTART;TZID=Europe/London:20141024T093000",
        "DURATION:PT30M",
        "SUMMARY:Hate Crimes\\, England and Wales",
        "DESCRIPTION:Hate crimes recorded by the police.\\n\\nOfficial statistics. Annual "
        "release\\, 09:30 UK time\\, confirmed.",
        "CATEGORIES:Crime statistics,Official statistics",
        "STATUS:CONFIRMED",
        "SEQUENCE:2",
        "TRANSP:TRANSPARENT",
        "CLASS:PUBLIC",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    (read,) = assert_parsers_agree(feed(stamped))
    assert read == (
        HATE_CRIMES_UID,
        HATE_CRIMES_START,
        HATE_CRIMES_START + dt.timedelta(minutes=30),
        "CONFIRMED",
        2,
        "Hate Crimes, England and Wales",
        f"Hate crimes recorded by the police.\n\n{FACTS}",
        ("Crime statistics", "Official statistics"),
        None,  # no URL: the page's address is not known without feed_url
    )
    (event,) = icalendar.Calendar.from_ical(feed(stamped)).events
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTSTAMP"].dt == dt.datetime(2014, 10, 1, 12, 0, tzinfo=UTC)
    assert (event["TRANSP"], event["CLASS"]) == ("TRANSPARENT", "PUBLIC")


def test_stamps_have_four_digit_years(release):
    # A record may say a release was confirmed in year 1; strftime writes that year as "1".
    early = dataclasses.replace(release, revised=dt.datetime(1, 1, 2, tzinfo=UTC))
    lines = content_lines(feed(early))
    assert "DTSTAMP:00010102T000000Z" in lines
    assert "LAST-MODIFIED:00010102T000000Z" in lines


@pytest.mark.interop
@pytest.mark.parametrize(
    ("status", "ical_status", "summary"),
    [
        (Status.CONFIRMED, "CONFIRMED", "Hate Crimes, England and Wales"),
        (Status.PROVISIONAL, "TENTATIVE", "Hate Crimes, England and Wales (provisional)"),
        (Status.CANCELLED, "CANCELLED", "Cancelled: Hate Crimes, England and Wales"),
    ],
)
def test_status_is_in_status_and_title(release, status, ical_status, summary):
    (read,) = assert_parsers_agree(feed(dataclasses.replace(release, status=status)))
    assert (read.status, read.summary) == (ical_status, summary)
    assert read.description.endswith(f"Annual release, 09:30 UK time, {status}.")


# --- The time zone ----------------------------------------------------------------------------


def annual(pub_id: str, month: int, day: str) -> str:
    return (
        f'[[publication]]\nid = "{pub_id}"\ntitle = "{pub_id}"\n'
        f'designation = "Official Statistics"\nfrequency = "annual"\n'
        f'months = [{month}]\nday = "{day}"\n'
    )


@pytest.mark.interop
def test_vtimezone_gives_the_instant_zoneinfo_gives_either_side_of_clock_changes(tmp_path):
    # In 2014 British Summer Time ran from Sunday 30 March to Sunday 26 October (01:00 UTC).
    clocks = "\n".join(
        [
            'topic = "Clock changes"',
            annual("spring-gmt", 3, "last thursday"),  # Thursday 27 March: GMT
            annual("spring-bst", 3, "last working day"),  # Monday 31 March: BST
            annual("autumn-bst", 10, "fourth friday"),  # Friday 24 October: BST
            annual("autumn-gmt", 10, "last monday"),  # Monday 27 October: GMT
        ]
    )
    programme = load_programme(write_schedules(tmp_path, {"clocks": clocks}))
    releases = expand(programme, Period.parse("2014"))
    text = render_feeds(programme, releases, Period.parse("2014"))["clocks.ics"]
    assert [line for line in content_lines(text) if line.startswith("DTSTART;")] == [
        "DTSTART;TZID=Europe/London:20140327T093000",
        "DTSTART;TZID=Europe/London:20140331T093000",
        "DTSTART;TZID=Europe/London:20141024T093000",
        "DTSTART;TZID=Europe/London:20141027T093000",
    ]
    expected = {
        "spring-gmt-2014-03@test-office": dt.datetime(2014, 3, 27, 9, 30, tzinfo=UTC),
        "spring-bst-2014-03@test-office": dt.datetime(2014, 3, 31, 8, 30, tzinfo=UTC),
        "autumn-bst-2014-10@test-office": dt.datetime(2014, 10, 24, 8, 30, tzinfo=UTC),
        "autumn-gmt-2014-10@test-office": dt.datetime(2014, 10, 27, 9, 30, tzinfo=UTC),
    }
    # vobject and ical.js place the times with the feed's VTIMEZONE; icalendar and ical with
    # their own zoneinfo, so agreeing means the VTIMEZONE says what zoneinfo says.
    assert {e.uid: e.start for e in assert_parsers_agree(text)} == expected
    assert {r.uid: r.start.astimezone(UTC) for r in releases} == expected


def _last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


def test_vtimezone_rules_match_zoneinfo_in_every_supported_year():
    text = "".join(
        fold(line)
        for line in ("BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}")
        + VTIMEZONES["Europe/London"]
        + ("END:VCALENDAR",)
    )
    (vtimezone,) = icalendar.Calendar.from_ical(text).timezones
    rules = vtimezone.to_tz(lookup_tzid=False)  # from the VTIMEZONE, not the tz database
    checked = 0
    years = range(FIRST_YEAR, LAST_YEAR + 2)  # a period of LAST_YEAR ends the year after
    for year in years:
        for change in (_last_sunday(year, 3), _last_sunday(year, 10)):
            for day in (change - dt.timedelta(days=1), change, change + dt.timedelta(days=1)):
                for hour in range(24):
                    if day == change and change.month == 3 and hour == 1:
                        continue  # 01:00-02:00 does not exist that day
                    local = dt.datetime.combine(day, dt.time(hour, 30))
                    ours = local.replace(tzinfo=rules).astimezone(UTC)
                    assert ours == local.replace(tzinfo=LONDON).astimezone(UTC), local
                    checked += 1
        for mid in (dt.date(year, 1, 15), dt.date(year, 7, 15)):
            local = dt.datetime.combine(mid, dt.time(9, 30))
            assert local.replace(tzinfo=rules).utcoffset() == LONDON.utcoffset(local)
    assert checked == len(years) * (6 * 24 - 1)


# --- Whole builds -----------------------------------------------------------------------------


def build_shipped() -> tuple[list, dict[str, str]]:
    programme = load_programme(SHIPPED)
    releases = expand(programme, as_of=AS_OF)
    return releases, render_feeds(programme, releases, programme.period)


@pytest.fixture(scope="module")
def shipped():
    return build_shipped()


@pytest.fixture(scope="module")
def shipped_read(shipped):
    """The shipped feeds' events as every parser reads them, by feed."""
    _, feeds = shipped
    return {name: assert_parsers_agree(text) for name, text in feeds.items()}


def test_rerender_is_byte_identical(shipped):
    _, feeds = shipped
    _, again = build_shipped()
    assert {n: t.encode() for n, t in again.items()} == {n: t.encode() for n, t in feeds.items()}


@pytest.mark.interop
def test_shipped_feeds_agree_across_parsers(shipped, shipped_read):
    (releases, feeds), read = shipped, shipped_read
    assert len(releases) == 47
    counts = {name: len(events) for name, events in read.items()
              if not name.startswith("publication-")}  # fmt: skip
    expected = {
        "crime": 8,
        "migration": 28,
        "other": 2,
        "policing": 9,
        "all": 47,
        # 13 of the 47 National Statistics, 34 official statistics.
        "designation-national-statistics": 13,
        "designation-official-statistics": 34,
        # Every region keeps England's bank holidays; the migration series (28) keep the
        # whole UK's, so Scotland's and Northern Ireland's too; the animals statistics (1)
        # and the quarterly Terrorism Act figures (4) keep Great Britain's, Scotland's too.
        "nation-england-and-wales": 47,
        "nation-scotland": 28 + 1 + 4,
        "nation-northern-ireland": 28,
    }
    assert counts == {f"{stem}{ending}": n for stem, n in expected.items()
                      for ending in (".ics", ".all-day.ics", ".reminder.ics")}  # fmt: skip
    # One feed a publication: 15, holding the 47 between them; quarterly immigration, 4.
    own = {name: len(events) for name, events in read.items() if name.endswith(".reminder.ics")
           and name.startswith("publication-")}  # fmt: skip
    assert len(own) == 15 and sum(own.values()) == 47
    assert own["publication-immigration-statistics.reminder.ics"] == 4
    for text in feeds.values():
        for octets in text.encode().split(b"\r\n"):
            assert len(octets) <= 75


@pytest.mark.interop
def test_all_feed_is_the_union_of_the_topic_feeds(shipped_read):
    read = {name: events for name, events in shipped_read.items() if name.count(".") == 1}
    order = attrgetter("start", "uid")
    kinds = ("designation-", "publication-")  # each splits the releases among its feeds
    for prefix in ("", *kinds):  # the topics' feeds, the designations', the publications'
        shares = [e for name, events in read.items() if name != "all.ics"
                  and not name.startswith("nation-")
                  and (name.startswith(prefix) if prefix else not name.startswith(kinds))
                  for e in events]  # fmt: skip
        assert sorted(read["all.ics"], key=order) == sorted(shares, key=order)
    assert read["nation-england-and-wales.ics"] == read["all.ics"]
    assert len({e.uid for e in read["all.ics"]}) == 47


@pytest.mark.interop
def test_shipped_events_at_their_instants_and_status(shipped, shipped_read):
    (releases, _), read = shipped, shipped_read
    events = {e.uid: e for e in read["all.ics"]}
    starts = {
        "immigration-statistics-2014-05@home-office": dt.datetime(2014, 5, 22, 8, 30, tzinfo=UTC),
        "hate-crimes-2014-10@home-office": dt.datetime(2014, 10, 16, 8, 30, tzinfo=UTC),
        "immigration-statistics-2014-11@home-office": dt.datetime(2014, 11, 27, 9, 30, tzinfo=UTC),
        "terrorism-act-quarterly-2015-03@home-office": dt.datetime(2015, 3, 5, 9, 30, tzinfo=UTC),
        # At ten, the time approved for the animals statistics: 09:00 UTC in summer time.
        "scientific-procedures-on-animals-2014-07@home-office": dt.datetime(
            2014, 7, 10, 9, 0, tzinfo=UTC
        ),
    }
    assert {uid: events[uid].start for uid in starts} == starts
    # Which releases are confirmed is the record's business (schedules/announcements.toml);
    # the feed must say what each release says, in STATUS and in the title.
    status = {
        Status.CONFIRMED: "CONFIRMED",
        Status.PROVISIONAL: "TENTATIVE",
        Status.CANCELLED: "CANCELLED",
    }
    assert {e.uid: e.status for e in events.values()} == {r.uid: status[r.status] for r in releases}
    for r in releases:
        title = r.publication.title
        summary = {Status.CONFIRMED: title, Status.PROVISIONAL: f"{title} (provisional)"}.get(
            r.status
        )
        assert events[r.uid].summary == (summary or f"Cancelled: {title}")
        assert events[r.uid].sequence == r.sequence


# --- The interop helper itself ----------------------------------------------------------------


@pytest.mark.interop
def test_helper_reports_a_parser_that_reads_differently(release):
    # A VTIMEZONE claiming summer time is UTC+3: vobject (and ical.js) follow the feed's
    # VTIMEZONE, icalendar follows the tz database, so they must disagree on the start.
    wrong = feed(release).replace("TZOFFSETTO:+0100", "TZOFFSETTO:+0300")
    with pytest.raises(AssertionError) as failure:
        assert_parsers_agree(wrong)
    message = str(failure.value)
    assert "+++ vobject" in message
    assert "-event 0 start: 2014-10-24T08:30:00+00:00" in message
    assert "+event 0 start: 2014-10-24T06:30:00+00:00" in message
    assert "+++ ical.js" in message
    assert "+++ libical" in message


@pytest.mark.interop
def test_every_parser_takes_part(release):
    # A missing ical.js or libical fails here (make test-tools installs them), never skips.
    read = parse_all(feed(release))
    assert list(read) == [
        "icalendar", "ical", "vobject", "recurring-ical-events", "ical.js", "libical",
    ]  # fmt: skip
    for events in read.values():
        assert events == read["icalendar"]
        assert events[0].categories == ("Crime statistics", "Official statistics")


@pytest.mark.interop
def test_libical_reports_what_it_cannot_parse(release):
    # libical keeps going past a broken property, noting it as X-LIC-ERROR: that must fail.
    broken = feed(release).replace("London:20141024T", "London:2014xx24T")
    with pytest.raises(AssertionError, match="libical could not parse"):
        read_libical(broken)


@examples(60)
@given(st.data())
def test_generated_events_are_what_the_first_writer_wrote(tmp_path_factory, data):
    releases = generated_releases(data.draw, tmp_path_factory.mktemp("schedules"))
    expected = [event_as_first_written(r, "Europe/London") for r in releases]
    assert render_events(releases, "Europe/London") == expected


def test_each_designation_has_a_feed_of_its_releases_listed_in_feeds_json(shipped_site):
    folder = shipped_site.feeds
    rows = json.loads((folder / "releases.json").read_text())
    listed = json.loads((folder / "feeds.json").read_text())
    by_name = {f["name"]: f for f in listed}
    # The 2014/15 programme's two designations, in the terms of that year.
    for name, designation in [
        ("designation-national-statistics.ics", "National Statistics"),
        ("designation-official-statistics.ics", "Official statistics"),
    ]:
        text = (folder / name).read_text()
        uids = {line[4:] for line in text.splitlines() if line.startswith("UID:")}
        assert uids == {r["uid"] for r in rows if r["designation"] == designation}
        assert f"X-WR-CALNAME:Home Office: {designation}" in text
        assert by_name[name]["holds"] == "designation:" + "-".join(designation.lower().split())
    # Each filter, with its variants after it.
    assert [f["name"] for f in listed][:4] == [
        "all.ics", "all.all-day.ics", "all.reminder.ics", "crime.ics"]  # fmt: skip
    assert {f["name"] for f in listed} == {p.name for p in folder.glob("*.ics")}
    assert all(f["address"] == f["name"] for f in listed)  # no feed_url: relative


def test_the_page_lists_each_designation_feed_with_its_count(shipped_site):
    page = (shipped_site.feeds / "index.html").read_text()
    rows = json.loads((shipped_site.feeds / "releases.json").read_text())
    national = sum(r["designation"] == "National Statistics" for r in rows)
    assert (
        '<li><h3>National Statistics</h3>: <span class="count" '
        f'data-holds="designation:national-statistics">{national} releases</span>'
    ) in page
    assert 'href="designation-national-statistics.ics">Download' in page


# --- Variants: all day, and with a reminder the working day before ------------------------

REMINDED = """\
topic = "Reminded"

[[publication]]
id = "after-spring-holiday"
title = "After the spring holiday"
designation = "Official Statistics"
frequency = "ad hoc"
dates = [2014-05-27, 2015-03-30]

[[publication]]
id = "scottish-new-year"
title = "Scottish new year"
designation = "Official Statistics"
frequency = "ad hoc"
holidays = "scotland"
dates = [2015-01-05]

[[publication]]
id = "english-new-year"
title = "English new year"
designation = "Official Statistics"
frequency = "ad hoc"
dates = [2015-01-05]
"""
URL_SETTINGS = 'feed_url = "https://stats.example.gov.uk/feeds"\nreminder = "16:00"\n'


@pytest.fixture
def reminded(tmp_path):
    """The REMINDED releases, confirmed, with the feeds they make, by file name."""
    folder = write_schedules(tmp_path / "schedules", {"reminded": REMINDED},
                             PROGRAMME + URL_SETTINGS)  # fmt: skip
    programme = load_programme(folder)
    releases = [dataclasses.replace(r, status=Status.CONFIRMED) for r in expand(programme)]
    return programme, releases, render_feeds(programme, releases, programme.period)


@pytest.mark.interop
def test_a_reminder_on_the_working_day_before_skips_weekends_and_the_nations_holidays(reminded):
    _, _, feeds = reminded
    text = feeds["reminded.reminder.ics"]
    events = {e.uid: e for e in assert_parsers_agree(text)}
    alarms = dict(zip(events, assert_alarms_agree(text), strict=True))
    hours = 3600
    # Tuesday 27 May 2014 09:30 BST (08:30 UTC), after the Spring bank holiday on Monday 26
    # May: the reminder is on Friday 23 May at 16:00 BST (15:00 UTC), 3 days 17.5 hours before.
    assert alarms["after-spring-holiday-2014-05-27@test-office"] == [
        ("DISPLAY", -(3 * 24 + 17.5) * hours)]  # fmt: skip
    # Monday 30 March 2015 09:30 BST (08:30 UTC), the day after the clocks went forward: the
    # reminder is on Friday 27 March at 16:00 GMT (16:00 UTC), 2 days 16.5 hours before.
    assert alarms["after-spring-holiday-2015-03-30@test-office"] == [
        ("DISPLAY", -(2 * 24 + 16.5) * hours)]  # fmt: skip
    # Monday 5 January 2015 09:30 GMT. In England and Wales the working day before is Friday
    # 2 January; in Scotland, 2 January is a bank holiday and 1 January too, so it is
    # Wednesday 31 December 2014 at 16:00, 4 days 17.5 hours before.
    assert alarms["english-new-year-2015-01-05@test-office"] == [
        ("DISPLAY", -(2 * 24 + 17.5) * hours)]  # fmt: skip
    assert alarms["scottish-new-year-2015-01-05@test-office"] == [
        ("DISPLAY", -(4 * 24 + 17.5) * hours)]  # fmt: skip
    assert "TRIGGER:-PT89H30M" in text  # exact hours: the length of a day is no question
    # The reminder feed's events are the timed feed's, with the alarm: the same reading.
    assert list(events.values()) == assert_parsers_agree(feeds["reminded.ics"])


@pytest.mark.interop
def test_the_feeds_without_reminders_carry_no_alarm(reminded):
    _, _, feeds = reminded
    for name, text in feeds.items():
        if not name.endswith(".reminder.ics"):
            assert "VALARM" not in text, name
            assert all(a == [] for a in assert_alarms_agree(text))


def test_a_cancelled_release_has_no_reminder_and_a_month_one_before_its_month(programme):
    (release,) = expand(programme)  # Friday 24 October 2014
    cancelled = dataclasses.replace(release, status=Status.CANCELLED)
    month = dataclasses.replace(release, status=Status.PROVISIONAL, publication=dataclasses.replace(
        release.publication, precision=Precision.MONTH))  # fmt: skip
    cancelled_text, month_text = (
        "".join(render_events([r], "Europe/London", Variant.REMINDER, reminder=dt.time(16)))
        for r in (cancelled, month)
    )
    assert "VALARM" not in cancelled_text  # it will not come out: nothing to remind of
    # Announced for October 2014 (all day from Wednesday 1 October): the working day before
    # is Tuesday 30 September, 16:00 there is 8 hours before the month's first midnight.
    assert reminder_day(month) == dt.date(2014, 9, 30)
    assert "DTSTART;VALUE=DATE:20141001\r\n" in month_text
    assert "TRIGGER:-PT8H\r\n" in month_text


@pytest.mark.interop
@pytest.mark.parametrize(
    ("status", "summary"),
    [
        (Status.CONFIRMED, "09:30 Hate Crimes, England and Wales"),
        (Status.PROVISIONAL, "09:30 Hate Crimes, England and Wales (provisional)"),
        (Status.CANCELLED, "Cancelled: 09:30 Hate Crimes, England and Wales"),
    ],
)
def test_the_all_day_variant_is_the_day_with_the_time_in_the_title(release, status, summary):
    changed = dataclasses.replace(release, status=status)
    events = render_events([changed], "Europe/London", Variant.ALL_DAY)
    (read,) = assert_parsers_agree(render_calendar("T", "T.", [changed], "Europe/London")
                                   .replace(render_events([changed], "Europe/London")[0],
                                            events[0]))  # fmt: skip
    # Friday 24 October 2014, as a day: DTEND is the day after (RFC 5545 3.6.1).
    assert (read.start, read.end) == (dt.date(2014, 10, 24), dt.date(2014, 10, 25))
    assert read.summary == summary and read.uid == HATE_CRIMES_UID


def test_a_release_announced_to_the_month_is_the_same_in_both_variants(release):
    month = dataclasses.replace(release, status=Status.PROVISIONAL, publication=dataclasses.replace(
        release.publication, precision=Precision.MONTH))  # fmt: skip
    timed, all_day = (render_events([month], "Europe/London", v)[0]
                      for v in (Variant.TIMED, Variant.ALL_DAY))  # fmt: skip
    assert timed == all_day
    assert "DTSTART;VALUE=DATE:20141001\r\nDTEND;VALUE=DATE:20141101\r\n" in timed
    assert "SUMMARY:Hate Crimes\\, England and Wales (provisional\\, October 2014)" in timed


@pytest.mark.interop
def test_each_event_links_its_entry_on_the_page_then_the_statistics(reminded, tmp_path):
    programme, releases, feeds = reminded
    out = "https://www.gov.uk/government/statistics/after-the-spring-holiday"
    released = Released(dt.date(2014, 5, 27), dt.date(2014, 5, 27), out)
    first = releases[0]
    entry = Announcement(first.publication.id, first.scheduled, first.date, dt.date(2014, 4, 1),
                         (released,))  # fmt: skip
    releases[0] = dataclasses.replace(first, announcement=entry)
    events = assert_parsers_agree(render_feeds(programme, releases, programme.period)["all.ics"])
    page = "https://stats.example.gov.uk/feeds/index.html"
    assert [e.url for e in events] == [out, *(f"{page}#{anchor(r)}" for r in releases[1:])]
    html = render_index(programme, releases, programme.period, dt.date(2014, 4, 1))
    ids = re.findall(r' id="([^"]+)"', html)
    assert all(anchor(r) in ids for r in releases)  # each anchor is on the page
    calendar = IcsCalendarStream.calendar_from_ics(feeds["nation-scotland.all-day.ics"])
    assert calendar.url == page
    assert calendar.source == "https://stats.example.gov.uk/feeds/nation-scotland.all-day.ics"
    assert calendar.color == "saddlebrown"
    assert calendar.name == ["Test Office: Scotland (all day)"]


def test_a_feed_for_each_publication_up_to_the_setting(tmp_path):
    two = REMINDED.split('[[publication]]\nid = "english-new-year"')[0]
    limited = PROGRAMME + "publication_feeds = 1\n"
    write_schedules(tmp_path / "schedules", {"reminded": two}, limited)
    result = run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path)
    assert result.returncode == 2 and not (tmp_path / "feeds").exists()
    assert (
        "schedules/programme.toml: publication_feeds = 1: the schedules have 2 publications, "
        "and a feed for each would be 4 files (each feed has 2 versions); write "
        "publication_feeds = 2 or more to have them, or publication_feeds = 0 for none"
    ) in result.stderr
    (tmp_path / "schedules" / "programme.toml").write_text(PROGRAMME + "publication_feeds = 0\n")
    assert run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0
    names = {p.name for p in (tmp_path / "feeds").glob("*.ics")}
    assert names == {f"{stem}{ending}" for ending in (".ics", ".all-day.ics") for stem in
                     ("all", "reminded", "designation-official-statistics",
                      "nation-england-and-wales", "nation-scotland")}  # fmt: skip


@pytest.mark.interop
@pytest.mark.parametrize("variant", [Variant.ALL_DAY, Variant.REMINDER])
def test_hostile_text_stays_inside_each_variant(release, variant):
    releases = [
        dataclasses.replace(edited(release, title=text, description=text), uid=f"hostile-{i}@t")
        for i, text in enumerate(HOSTILE)
    ]
    page = "https://stats.example.gov.uk/feeds/index.html"
    events = "".join(
        render_events(releases, "Europe/London", variant, reminder=dt.time(16), page=page)
    )
    timed = "".join(render_events(releases, "Europe/London"))
    text = feed(*releases).replace(timed, events)
    read = assert_parsers_agree(text)
    assert [e.uid for e in read] == [f"hostile-{i}@t" for i in range(len(HOSTILE))]
    prefix = "09:30 " if variant is Variant.ALL_DAY else ""
    assert [e.summary for e in read] == [prefix + read_as(t, " ") for t in HOSTILE]
    lines = content_lines(text)
    assert names(lines).count("BEGIN") == 4 + len(HOSTILE) * (1 + (variant is Variant.REMINDER))
    if variant is Variant.REMINDER:
        # Friday 24 October 2014 09:30 BST; Thursday 23 at 16:00 BST: 17.5 hours before.
        assert assert_alarms_agree(text) == [[("DISPLAY", -63000)]] * len(HOSTILE)
        descriptions = [str(a["DESCRIPTION"]) for e in icalendar.Calendar.from_ical(text).events
                        for a in e.walk("VALARM")]  # fmt: skip
        assert descriptions == [read_as(t, " ") for t in HOSTILE]


@pytest.mark.parametrize(
    "written",
    [
        "javascript:alert(1)",
        'https://x.example.gov.uk/feeds\\" onclick=\\"alert(1)',  # quotes, TOML-escaped
        "https://x.example.gov.uk/my feeds",
        "https://x.example.gov.uk/feeds?page=1",  # "?page=1/all.ics": the file in the query
        "https://x.example.gov.uk/feeds#top",  # "#top/index.html#row": two fragments
        "https://x.example.gov.uk/\\u0007feeds",  # a control character, as TOML escapes it
        "https://x.example.gov.uk/\\u202efeeds",  # a direction override
        "https://x.example.gov.uk/f\\u00fcr",  # non-ASCII, which a URI writes as %C3%BC
        "https://x.example.gov.uk/a\\\\b",
        "https://x.example.gov.uk/{feeds}",
        "https:///feeds",  # no host
        "https://x.example.gov.uk/100%",  # "%" begins an escape
    ],
)
def test_a_feed_url_that_no_feed_or_page_may_carry_is_refused(tmp_path, written):
    programme = PROGRAMME + f'feed_url = "{written}"\n'
    write_schedules(tmp_path / "schedules", {"crime": HATE_CRIMES}, programme)
    result = run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path)
    assert result.returncode == 2 and not (tmp_path / "feeds").exists()
    assert "schedules/programme.toml: feed_url " in result.stderr
    assert 'write it like feed_url = "https://example.gov.uk/feeds"' in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "written",
    ["https://stats.example.gov.uk/feeds/", "http://127.0.0.1:8000",
     "https://example.gov.uk/a-b_c.d~e/%C3%BCber/feeds"],
)  # fmt: skip
def test_a_folders_address_is_taken(tmp_path, written):
    programme = PROGRAMME + f'feed_url = "{written}"\n'
    write_schedules(tmp_path / "schedules", {"crime": HATE_CRIMES}, programme)
    assert load_programme(tmp_path / "schedules").feed_url == written.rstrip("/")


def on(release, day: dt.date, region: str = "england-and-wales"):
    """`release` moved to 09:30 UK time on `day`, following `region`'s bank holidays."""
    publication = release.publication
    rule = dataclasses.replace(publication.rule, region=region)
    start = dt.datetime.combine(day, dt.time(9, 30), LONDON)
    return dataclasses.replace(release, date=day, start=start,
                               publication=dataclasses.replace(publication, rule=rule))  # fmt: skip


@pytest.mark.parametrize(
    ("release_day", "region", "reminder"),
    [
        # Easter 2015: Good Friday 3 April, Easter Monday 6 April (not a bank holiday in
        # Scotland). Tuesday 7 April: Thursday 2 April in England and Wales and Northern
        # Ireland, Monday 6 April in Scotland.
        (dt.date(2015, 4, 7), "england-and-wales", dt.date(2015, 4, 2)),
        (dt.date(2015, 4, 7), "northern-ireland", dt.date(2015, 4, 2)),
        (dt.date(2015, 4, 7), "scotland", dt.date(2015, 4, 6)),
        (dt.date(2015, 4, 7), "united-kingdom", dt.date(2015, 4, 2)),
        # Christmas Day Thursday 25 and Boxing Day Friday 26 December 2014: Monday 29
        # December's is Wednesday 24. New Year's Day Thursday 1 January 2015: Friday 2
        # January's is Wednesday 31 December.
        (dt.date(2014, 12, 29), "england-and-wales", dt.date(2014, 12, 24)),
        (dt.date(2015, 1, 2), "england-and-wales", dt.date(2014, 12, 31)),
        # The early May bank holiday of 2020 moved to Friday 8 May for VE Day: Monday 11 May's
        # is Thursday 7; Monday 4 May was a working day, so Tuesday 5 May's is Monday 4.
        (dt.date(2020, 5, 11), "england-and-wales", dt.date(2020, 5, 7)),
        (dt.date(2020, 5, 5), "england-and-wales", dt.date(2020, 5, 4)),
        # The Platinum Jubilee, Friday 3 June 2022, after the spring bank holiday moved to
        # Thursday 2 June: Monday 6 June's is Wednesday 1 June; Monday 30 May was a working
        # day, so Tuesday 31 May's is Monday 30 May.
        (dt.date(2022, 6, 6), "scotland", dt.date(2022, 6, 1)),
        (dt.date(2022, 5, 31), "england-and-wales", dt.date(2022, 5, 30)),
        # The State Funeral of Queen Elizabeth II, Monday 19 September 2022: Tuesday 20's
        # is Friday 16 September, in every nation.
        (dt.date(2022, 9, 20), "northern-ireland", dt.date(2022, 9, 16)),
        # The Coronation of King Charles III, Monday 8 May 2023: Tuesday 9's is Friday 5.
        (dt.date(2023, 5, 9), "great-britain", dt.date(2023, 5, 5)),
    ],
)
def test_a_reminder_skips_each_bank_holiday_the_releases_nations_keep(
    release, release_day, region, reminder
):
    assert reminder_day(on(release, release_day, region)) == reminder


@pytest.mark.interop
def test_the_easter_reminder_in_each_nation_is_read_alike(release):
    english, scottish = (
        dataclasses.replace(on(release, dt.date(2015, 4, 7), region), uid=f"{region}@t")
        for region in ("england-and-wales", "scotland")
    )
    text = feed(english, scottish).replace(
        "".join(render_events([english, scottish], "Europe/London")),
        "".join(render_events([english, scottish], "Europe/London", Variant.REMINDER,
                              reminder=dt.time(16))),
    )  # fmt: skip
    # Tuesday 7 April 2015 09:30 BST. In England and Wales, Thursday 2 April 16:00 BST: 4
    # days and 17.5 hours before, 113.5 hours; in Scotland Monday 6 April 16:00, 17.5 hours.
    assert "TRIGGER:-PT113H30M\r\n" in text and "TRIGGER:-PT17H30M\r\n" in text
    assert assert_alarms_agree(text) == [[("DISPLAY", -113.5 * 3600)], [("DISPLAY", -17.5 * 3600)]]


# What a build of REMINDED's schedules writes once it has neither reminders nor a feed a
# publication: each feed, timed and all-day.
UNREMINDED_FEEDS = {f"{stem}{ending}" for ending in (".ics", ".all-day.ics") for stem in
                    ("all", "reminded", "designation-official-statistics",
                     "nation-england-and-wales", "nation-scotland")}  # fmt: skip


def test_a_feed_no_longer_built_is_taken_away_but_no_file_anyone_else_wrote_or_touched(tmp_path):
    two = REMINDED.split('[[publication]]\nid = "english-new-year"')[0]
    write_schedules(tmp_path / "schedules", {"reminded": two}, PROGRAMME + 'reminder = "16:00"\n')
    assert run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0
    feeds = tmp_path / "feeds"
    assert (feeds / "publication-scottish-new-year.reminder.ics").is_file()
    (feeds / "mine.ics").write_text("not calendar-gen's")
    with (feeds / "publication-after-spring-holiday.ics").open("a") as edited:
        edited.write("edited by hand\n")
    (feeds / "link.ics").symlink_to("all.ics")
    # No reminders and no feed a publication: their 3 + 2 x 3 files are no longer built.
    (tmp_path / "schedules" / "programme.toml").write_text(PROGRAMME + "publication_feeds = 0\n")
    built = run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    names = {p.name for p in feeds.glob("*.ics")}
    # The one edited since the build wrote it stays, as do a file and a link of another's.
    others = {"mine.ics", "link.ics", "publication-after-spring-holiday.ics"}
    assert names == UNREMINDED_FEEDS | others
    assert (feeds / "mine.ics").read_text() == "not calendar-gen's"
    assert {p["name"] for p in json.loads((feeds / "feeds.json").read_text())} == UNREMINDED_FEEDS


def test_after_a_checkout_a_feed_no_longer_built_is_still_taken_away(tmp_path):
    """A checkout (or a copy) gives every file a new time: the manifest's digests still
    tell the build's own files, and one edited since, its size kept, from them."""
    two = REMINDED.split('[[publication]]\nid = "english-new-year"')[0]
    write_schedules(tmp_path / "schedules", {"reminded": two}, PROGRAMME + 'reminder = "16:00"\n')
    assert run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0
    feeds = tmp_path / "feeds"
    for path in feeds.iterdir():
        os.utime(path, ns=(10**18, 10**18))  # as a checkout would, later than any build
    # Rebuilt on the same day after the checkout: nothing to do, and nothing done.
    again = run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout.endswith("(feeds/ unchanged)\n"), again.stdout
    edited = feeds / "publication-after-spring-holiday.ics"
    edited.write_text(edited.read_text().replace("SUMMARY:", "SUMMARx:", 1))
    (tmp_path / "schedules" / "programme.toml").write_text(PROGRAMME + "publication_feeds = 0\n")
    for path in feeds.iterdir():
        os.utime(path, ns=(2 * 10**18, 2 * 10**18))
    built = run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    names = {p.name for p in feeds.glob("*.ics")}
    assert names == UNREMINDED_FEEDS | {edited.name}


def test_at_501_publications_the_default_bound_names_its_setting(tmp_path):
    many = 'topic = "Many"\n' + "".join(
        f'\n[[publication]]\nid = "series-{n}"\ntitle = "Series {n}"\n'
        'designation = "Official Statistics"\nfrequency = "ad hoc"\ndates = [2014-05-27]\n'
        for n in range(501)
    )
    write_schedules(tmp_path / "schedules", {"many": many}, PROGRAMME + 'reminder = "16:00"\n')
    result = run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path)
    assert result.returncode == 2 and not (tmp_path / "feeds").exists()
    # 501 publications, each feed at its time, all day and with reminders: 1,503 files.
    assert (
        "schedules/programme.toml: publication_feeds = 500 (the default): the schedules have "
        "501 publications, and a feed for each would be 1,503 files (each feed has 3 "
        "versions); write publication_feeds = 501 or more to have them, or "
        "publication_feeds = 0 for none"
    ) in " ".join(result.stderr.split())


def test_a_moved_and_retimed_release_has_its_alarm_moved_and_one_sequence_everywhere(release):
    moved = dataclasses.replace(release, uid="moved@t", sequence=3, date=dt.date(2014, 10, 28),
                                start=dt.datetime(2014, 10, 28, 10, tzinfo=LONDON))  # fmt: skip
    same_time = dataclasses.replace(on(release, dt.date(2014, 10, 31)), uid="later@t")
    rendered = {
        (variant, language): render_events([release, moved, same_time], "Europe/London",
                                           variant, reminder=dt.time(16), language=language)
        for variant in Variant for language in Language
    }  # fmt: skip
    for events in rendered.values():
        assert [re.findall(r"SEQUENCE:(\d+)", e) for e in events] == [
            [str(release.sequence)], ["3"], [str(release.sequence)]]  # fmt: skip
    for language in Language:
        first, second, third = rendered[(Variant.REMINDER, language)]
        # Friday 24 October 2014 09:30 BST, reminded of on Thursday 23 at 16:00 BST: 17.5 hours.
        assert "TRIGGER:-PT17H30M\r\n" in first
        # Moved to Tuesday 28 October at 10:00 GMT, after the clocks went back on Sunday 26:
        # Monday 27 October at 16:00 GMT, 18 hours before.
        assert "TRIGGER:-PT18H\r\n" in second
        # Friday 31 October 09:30 GMT, the same time of day a week on: Thursday 30 at 16:00.
        assert "TRIGGER:-PT17H30M\r\n" in third


def test_a_manifest_of_files_that_cannot_be_looked_at_lets_no_build_be_skipped(tmp_path):
    (tmp_path / "all.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    said = {"as_of": "2014-04-01", "quiet_until": "2014-04-30"}
    # Gone between being written and being noted: the note says nothing of the files.
    text = note_build(tmp_path, "inputs", ["all.ics", "gone.ics"], said)
    assert json.loads(text)["files"] is None
    (tmp_path / MANIFEST).write_text(text)
    assert previous_build(tmp_path, "inputs", dt.date(2014, 4, 2)) is None
    (tmp_path / MANIFEST).write_text(note_build(tmp_path, "inputs", ["all.ics"], said))
    assert previous_build(tmp_path, "inputs", dt.date(2014, 4, 2)) is not None
