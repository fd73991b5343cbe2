"""Properties of rule expansion, checked on random rules, regions, rolls and periods.

Every expected value here is worked out from the calendar and `is_working_day` alone, not
from the code under test: the weekday and count of an ordinal weekday, the position of a
working day in its month, and where each roll convention may land.
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from helpers import examples
from hypothesis import given
from hypothesis import strategies as st
from reference import render_feeds

from calendar_gen.domain.model import (
    Designation,
    Frequency,
    Period,
    Programme,
    Publication,
    Shape,
    Status,
    Topic,
)
from calendar_gen.domain.releases import expand
from calendar_gen.domain.rules import MAX_WORKING_DAY, WEEKDAYS, MonthlyRule, parse_day
from calendar_gen.domain.workdays import REGIONS, Roll, is_working_day, roll

ONE_DAY = dt.timedelta(days=1)
LONDON = ZoneInfo("Europe/London")
DOMAIN = "test-office"
NOTICE_WEEKS = 4
# Repeatable (conftest.py's profiles): the same examples on every run, no database to replay.
PROPERTY = examples(250)

ORDINAL_WORDS = {1: ("first", "1st"), 2: ("second", "2nd"), 3: ("third", "3rd"),
                 4: ("fourth", "4th"), -1: ("last",)}  # fmt: skip
SUFFIX = {1: "st", 2: "nd", 3: "rd"}  # 4th..20th, 11th, 12th and 13th included, end in "th"


# --- strategies --------------------------------------------------------------------------


@st.composite
def ordinal_days(draw):
    n = draw(st.sampled_from([1, 2, 3, 4, -1]))
    weekday = draw(st.integers(0, 6))
    word = draw(st.sampled_from(ORDINAL_WORDS[n]))
    text = f"{word} {WEEKDAYS[weekday]}"
    text = draw(
        st.sampled_from([text, text.title(), text.upper(), f"  {word}   {text[len(word) :]}"])
    )
    return text, ("ordinal", n, weekday)


@st.composite
def month_days(draw):
    day = draw(st.integers(1, 31))
    return draw(st.sampled_from([day, str(day)])), ("month-day", day)


@st.composite
def working_days(draw):
    n = draw(st.sampled_from([1, -1]) | st.integers(1, MAX_WORKING_DAY))
    if n == -1:
        return "last working day", ("working", -1)
    forms = [f"{n}{SUFFIX.get(n, 'th')} working day"] + (["first working day"] if n == 1 else [])
    return draw(st.sampled_from(forms)), ("working", n)


# A `day` value as a schedule file would hold it, with what it means worked out separately.
days = st.one_of(ordinal_days(), month_days(), working_days())
regions = st.sampled_from(tuple(REGIONS))
rolls = st.sampled_from(tuple(Roll))
periods = st.integers(2000, 2040).flatmap(
    lambda year: st.sampled_from([f"{year}/{(year + 1) % 100:02d}", str(year)])
)


@st.composite
def publications(draw, index: int, topic: str):
    # A month rule: a weekly or ad hoc frequency cannot have one (Publication refuses it).
    frequency = draw(st.sampled_from([f for f in Frequency if f.cadence.shape is Shape.MONTHS]))
    months = draw(st.sets(st.integers(1, 12), min_size=frequency.months, max_size=frequency.months))
    day_value, meaning = draw(days)
    rule = MonthlyRule(tuple(sorted(months)), parse_day(day_value), draw(rolls), draw(regions))
    publication = Publication(
        id=f"publication-{index}",
        title=f"Publication {index}",
        designation=draw(st.sampled_from(tuple(Designation))),
        frequency=frequency,
        description="",
        rule=rule,
        time=dt.time(9, 30),
        suspensions=(),
        released_with=(),
        topic=topic,
        file=f"schedules/{topic}.toml",
    )
    return publication, meaning


@st.composite
def programmes(draw):
    """A programme of one to five publications in one or two topics, and their day meanings."""
    count = draw(st.integers(1, 5))
    slugs = ("first-topic", "second-topic")[: draw(st.integers(1, 2))]
    drawn = [draw(publications(i, slugs[i % len(slugs)])) for i in range(count)]
    topics = tuple(
        Topic(
            slug=slug,
            name=f"Topic {slug}",
            file=f"schedules/{slug}.toml",
            publications=tuple(p for p, _ in drawn if p.topic == slug),
        )
        for slug in slugs
    )
    programme = Programme(
        organisation="Test Office",
        period=Period.parse(draw(periods)),
        timezone="Europe/London",
        release_time=dt.time(9, 30),
        uid_domain=DOMAIN,
        notice_weeks=NOTICE_WEEKS,
        max_releases_per_day=1,
        blackouts=(),
        feed_url=None,
        topics=topics,
        folder="schedules",
        announcements={},
    )
    return programme, {p.id: meaning for p, meaning in drawn}


# --- oracles: from the calendar and is_working_day only -------------------------------------


def days_from(start: dt.date, end: dt.date):
    """The days from `start` to `end`, both included, in either direction."""
    step = ONE_DAY if end >= start else -ONE_DAY
    day = start
    while True:
        yield day
        if day == end:
            return
        day += step


def month_dates(year: int, month: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def assert_nominal(nominal: dt.date, meaning: tuple, year: int, month: int, region: str) -> None:
    """The day the rule names, before any roll, is where `day` says in that month."""
    assert (nominal.year, nominal.month) == (year, month)
    length = calendar.monthrange(year, month)[1]
    kind = meaning[0]
    if kind == "ordinal":
        _, n, weekday = meaning
        assert nominal.weekday() == weekday, (nominal, meaning)
        if n > 0:  # counted on the calendar, holidays or not
            assert (nominal.day - 1) // 7 + 1 == n, (nominal, meaning)
        else:
            assert nominal.day + 7 > length, (nominal, meaning)
    elif kind == "month-day":
        assert nominal.day == min(meaning[1], length), (nominal, meaning)
    else:
        n = meaning[1]
        working = [d for d in month_dates(year, month) if is_working_day(d, region)]
        assert nominal in working, (nominal, meaning, region)
        # A month with fewer working days than asked for gives its last one, as a day of
        # the month past the month's end gives the last day.
        position = len(working) if n == -1 else min(n, len(working))
        assert working.index(nominal) + 1 == position, (nominal, meaning, region)


def assert_rolled(nominal: dt.date, date: dt.date, convention: Roll, region: str) -> None:
    """`date` is where `convention` takes `nominal`, judged by is_working_day alone."""

    def working(day: dt.date) -> bool:
        return is_working_day(day, region)

    assert working(date), (nominal, date, convention, region)
    if working(nominal):
        assert date == nominal, (nominal, date, convention)
        return
    # Which way the date may move: modified conventions turn back rather than leave the
    # month, when the month has a working day the other way.
    month_dates_ahead = [d for d in month_dates(nominal.year, nominal.month) if d > nominal]
    month_dates_behind = [d for d in month_dates(nominal.year, nominal.month) if d < nominal]
    if convention is Roll.FOLLOWING:
        forward = True
    elif convention is Roll.PRECEDING:
        forward = False
    elif convention is Roll.MODIFIED_FOLLOWING:
        forward = any(map(working, month_dates_ahead))
    else:
        forward = not any(map(working, month_dates_behind))
    if forward:
        assert date > nominal, (nominal, date, convention, region)
    else:
        assert date < nominal, (nominal, date, convention, region)
    # No working day is skipped on the way.
    assert not any(working(d) for d in days_from(nominal, date) if d != date), (nominal, date)
    if convention in (Roll.MODIFIED_FOLLOWING, Roll.MODIFIED_PRECEDING):
        assert (date.year, date.month) == (nominal.year, nominal.month), (nominal, date)


# --- properties ----------------------------------------------------------------------------


@PROPERTY
@given(programmes(), st.none() | st.dates(dt.date(1999, 1, 1), dt.date(2042, 12, 31)))
def test_every_release_is_where_its_rule_and_roll_put_it(drawn, as_of):
    programme, meanings = drawn
    period = programme.period
    releases = expand(programme, as_of=as_of)
    for r in releases:
        rule = r.publication.rule
        year, month = r.scheduled
        assert period.contains(r.scheduled)
        assert month in rule.months
        assert r.nominal is not None and r.rule_date == r.date
        assert_nominal(r.nominal, meanings[r.publication.id], year, month, rule.region)
        assert_rolled(r.nominal, r.date, rule.roll, rule.region)
        assert r.start == dt.datetime.combine(r.date, dt.time(9, 30), LONDON)
        assert r.uid == f"{r.publication.id}-{year:04d}-{month:02d}@{DOMAIN}"
        assert r.announcement is None
        if as_of is None:
            assert (r.status, r.sequence) == (Status.PROVISIONAL, 0)
        else:  # firm from four weeks before the date; its confirmation is a revision
            firm = r.date - dt.timedelta(weeks=NOTICE_WEEKS) <= as_of
            assert r.status == (Status.CONFIRMED if firm else Status.PROVISIONAL), (r.date, as_of)
            assert r.sequence == firm


@PROPERTY
@given(programmes())
def test_each_publication_gets_its_frequency_once_a_month_of_its_rule(drawn):
    programme, _ = drawn
    releases = expand(programme)
    for publication in programme.publications:
        own = [r for r in releases if r.publication.id == publication.id]
        assert len(own) == publication.frequency.months
        expected = {(y, m) for y, m in programme.period.months if m in publication.rule.months}
        assert sorted(r.scheduled for r in own) == sorted(expected)
    assert len(releases) == sum(p.frequency.months for p in programme.publications)
    uids = [r.uid for r in releases]
    assert len(set(uids)) == len(uids)
    starts = [r.start for r in releases]
    assert starts == sorted(starts)


@PROPERTY
@given(programmes(), st.dates(dt.date(1999, 1, 1), dt.date(2042, 12, 31)))
def test_expansion_and_feeds_are_deterministic(drawn, as_of):
    programme, _ = drawn
    first = expand(programme, as_of=as_of)
    second = expand(programme, as_of=as_of)
    assert first == second
    feeds = render_feeds(programme, first, programme.period)
    assert feeds == render_feeds(programme, second, programme.period)
    designations = {p.designation for p in programme.publications}
    # The nations whose bank holidays each region keeps.
    kept = {"england-and-wales": {"england-and-wales"}, "scotland": {"scotland"},
            "northern-ireland": {"northern-ireland"},
            "great-britain": {"england-and-wales", "scotland"},
            "united-kingdom": {"england-and-wales", "scotland", "northern-ireland"}}  # fmt: skip
    nations = {n for p in programme.publications for n in kept[p.rule.region]}
    stems = ({t.slug for t in programme.topics} | {"all"}
             | {d.feed.removesuffix(".ics") for d in designations}
             | {f"nation-{n}" for n in nations}
             | {f"publication-{p.id}" for p in programme.publications})  # fmt: skip
    assert set(feeds) == {s + ending for s in stems for ending in (".ics", ".all-day.ics")}
    assert feeds["all.ics"].count("BEGIN:VEVENT") == len(first)
    for r in first:
        assert f"UID:{r.uid}\r\n" in feeds["all.ics"]
        assert f"UID:{r.uid}\r\n" in feeds[f"{r.topic.slug}.ics"]
        assert f"UID:{r.uid}\r\n" in feeds[r.publication.designation.feed]
        assert f"UID:{r.uid}\r\n" in feeds[f"publication-{r.publication.id}.all-day.ics"]
        for nation in kept[r.publication.rule.region]:
            assert f"UID:{r.uid}\r\n" in feeds[f"nation-{nation}.ics"]


@PROPERTY
@given(days)
def test_a_day_reads_back_from_its_own_text(drawn):
    value, _ = drawn
    spec = parse_day(value)
    assert parse_day(str(spec)) == spec


@examples(300)
@given(st.dates(dt.date(2000, 1, 1), dt.date(2041, 12, 31)), rolls, regions)
def test_roll_lands_on_the_working_day_its_convention_names(day, convention, region):
    assert_rolled(day, roll(day, convention, region), convention, region)
