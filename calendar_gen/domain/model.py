"""The domain: periods, publications, the programme and the announcement record's entries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from functools import cached_property
from pathlib import Path
from typing import assert_never

from calendar_gen.domain.history import Action as Action  # the model's vocabulary, kept here too
from calendar_gen.domain.history import Announcement as Announcement
from calendar_gen.domain.history import Change as Change
from calendar_gen.domain.history import ReleaseKey, long_date
from calendar_gen.domain.history import Status as Status
from calendar_gen.domain.rules import AdHocRule, MonthlyRule, Rule, WeeklyRule
from calendar_gen.domain.slots import YearMonth as YearMonth  # part of the model's vocabulary
from calendar_gen.domain.texts import Named
from calendar_gen.domain.workdays import FIRST_YEAR, LAST_YEAR
from calendar_gen.errors import Problem

RECORD_FILE = "announcements.toml"
PROGRAMME_FILE = "programme.toml"


DESIGNATION_FEED = "designation-"  # designation-<slug>.ics: no topic file may be so named
# The other feeds of one filter each, so named: nation-<slug>.ics, publication-<id>.ics.
NATION_FEED, PUBLICATION_FEED = "nation-", "publication-"
FEED_PREFIXES = (DESIGNATION_FEED, NATION_FEED, PUBLICATION_FEED)
# A feed for each publication, up to this many publications: with more, the programme
# says how many it wants (programme.toml's publication_feeds), so a whole government's
# calendar never writes tens of thousands of files unasked.
PUBLICATION_FEEDS = 500


# GOV.UK's Search API (github.com/alphagov/search-api, docs/using-the-search-api.md).
GOVUK_API = "https://www.gov.uk/api/search.json"


class Designation(Named):
    """The statistics' designation under the Code of Practice, in its standard form.

    Since September 2023 "accredited official statistics" is the term for National Statistics
    and "official statistics in development" for experimental statistics; the older terms stay
    for programmes of those years. Sources: osr.statisticsauthority.gov.uk/accredited-official-
    statistics/ and osr.statisticsauthority.gov.uk/policies/official-and-national-statistics-
    policies/
    """

    ACCREDITED = "Accredited official statistics"
    OFFICIAL = "Official statistics"
    IN_DEVELOPMENT = "Official statistics in development"
    NATIONAL = "National Statistics"
    EXPERIMENTAL = "Experimental statistics"

    @property
    def feed(self) -> str:
        """The file name of the feed of its releases."""
        return f"{DESIGNATION_FEED}{self.slug}.ics"

    @property
    def accredited(self) -> bool:
        """Accredited by the regulator: the Code's checks treat both terms alike."""
        return self in (Designation.ACCREDITED, Designation.NATIONAL)


def choose(text: str, allowed: Iterable[str]) -> str | None:
    """The allowed value `text` means, ignoring case and surrounding or doubled spaces."""
    wanted = " ".join(text.split()).casefold()
    return next((a for a in allowed if a.casefold() == wanted), None)


class Shape(Enum):
    """How a frequency's rule is written: which keys it takes and what its slot is."""

    MONTHS = "months"  # `months` and a `day` in each; the slot is the month
    WEEKS = "weeks"  # a weekday every so many weeks (`day`, `from`); the slot is the ISO week
    DAYS = "days"  # `dates` named one by one; the slot is the day named


@dataclass(frozen=True)
class Cadence:
    """A frequency's entry in the registry: everything the schedule reader, `learn` and the
    checks need to know of it."""

    shape: Shape
    months: int | None  # how many months a year it names; None: any, all twelve by default
    example: str  # a `months` line for it, as error messages suggest
    weeks: int = 0  # for the WEEKS shape: every how many weeks

    @property
    def exact_only(self) -> bool:
        """Announced to the day even while provisional: a month would hold several of its
        releases, or (ad hoc) its UID names the day."""
        return self.shape is not Shape.MONTHS

    def fits(self, rule: Rule) -> bool:
        """Whether `rule` is one this frequency can have."""
        match rule:
            case MonthlyRule():
                wanted = self.months or len(rule.months)
                return self.shape is Shape.MONTHS and len(rule.months) == wanted
            case WeeklyRule():
                return self.shape is Shape.WEEKS and rule.every == self.weeks
            case AdHocRule():
                return self.shape is Shape.DAYS
            case _:
                assert_never(rule)


_ALL_BUT_AUGUST = "[1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12] (every month but August)"


class Frequency(StrEnum):
    """How often a publication comes out. A new frequency is a member here and its entry in
    `_CADENCES`; the rule shapes it can take are in rules.py."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    BI_ANNUAL = "bi-annual"
    ANNUAL = "annual"
    AD_HOC = "ad hoc"  # on days named one by one

    @property
    def cadence(self) -> Cadence:
        return _CADENCES[self]

    @property
    def months(self) -> int:
        """How many months it names: any up to 12 for weekly, fortnightly and monthly."""
        return self.cadence.months or 12

    @classmethod
    def naming(cls, months: int) -> Frequency:
        """The month-shaped frequency that names `months` months a year (else monthly)."""
        fixed = (f for f in cls if f.cadence.shape is Shape.MONTHS and f.cadence.months == months)
        return next(fixed, Frequency.MONTHLY)

    @classmethod
    def every(cls, weeks: int) -> Frequency | None:
        """The week-shaped frequency that comes every `weeks` weeks, if there is one."""
        return next((f for f in cls if f.cadence.weeks == weeks), None)


_CADENCES = {
    Frequency.WEEKLY: Cadence(Shape.WEEKS, None, _ALL_BUT_AUGUST, weeks=1),
    Frequency.FORTNIGHTLY: Cadence(Shape.WEEKS, None, _ALL_BUT_AUGUST, weeks=2),
    Frequency.MONTHLY: Cadence(Shape.MONTHS, None, _ALL_BUT_AUGUST),
    Frequency.QUARTERLY: Cadence(Shape.MONTHS, 4, "[2, 5, 8, 11]"),
    Frequency.BI_ANNUAL: Cadence(Shape.MONTHS, 2, "[5, 11]"),
    Frequency.ANNUAL: Cadence(Shape.MONTHS, 1, "[7]"),
    Frequency.AD_HOC: Cadence(Shape.DAYS, None, ""),
}


class Precision(StrEnum):
    """How exactly a provisional date is announced: GOV.UK's three precisions, "exact",
    "May 2027" and "May to June 2027" (github.com/alphagov/whitehall, app/models/
    statistics_announcement_date.rb and config/initializers/date_formats.rb). A confirmed
    date is always exact, as GOV.UK requires."""

    EXACT = "exact"
    MONTH = "month"
    TWO_MONTHS = "two months"

    def span(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The days announced for a release on `day`: the first, and the day after the last."""
        first = YearMonth.of(day)
        match self:
            case Precision.EXACT:
                return day, day + dt.timedelta(days=1)
            case Precision.MONTH:
                return first.first_day, first.plus(1).first_day
            case Precision.TWO_MONTHS:  # as GOV.UK: the month of the day, and the next
                return first.first_day, first.plus(2).first_day
            case _:
                assert_never(self)

    def said(self, day: dt.date) -> str:
        """'Thursday 20 May 2027', 'May 2027', 'May to June 2027', 'December 2027 to January
        2028'."""
        start, after = self.span(day)
        last = after - dt.timedelta(days=1)
        match self:
            case Precision.EXACT:
                return long_date(day)
            case Precision.MONTH:
                return f"{start:%B %Y}"
            case Precision.TWO_MONTHS:
                opening = f"{start:%B}" if start.year == last.year else f"{start:%B %Y}"
                return f"{opening} to {last:%B %Y}"
            case _:
                assert_never(self)


def parse_date(text: str) -> dt.date:
    """A date the user typed (2014-05-22) within the calendar's reach; ValueError if not."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date like 2014-05-22") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return day


@dataclass(frozen=True, order=True)
class Period:
    """A financial year ("2014/15": April 2014 to March 2015) or a calendar year ("2015")."""

    start: dt.date
    name: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period name; raise ValueError saying what is allowed."""
        allowed = (
            f'is not a financial year like "2014/15" or a calendar year like "2015" '
            f"between {FIRST_YEAR} and {LAST_YEAR}"
        )
        if m := re.fullmatch(r"([0-9]{4})/([0-9]{2})", text):
            year = int(m.group(1))
            if int(m.group(2)) != (year + 1) % 100 or not FIRST_YEAR <= year <= LAST_YEAR:
                raise ValueError(f'period "{text}" {allowed}')
            return cls(dt.date(year, 4, 1), text)
        if re.fullmatch(r"[0-9]{4}", text) and FIRST_YEAR <= int(text) <= LAST_YEAR:
            return cls(dt.date(int(text), 1, 1), text)
        raise ValueError(f'period "{text}" {allowed}')

    @property
    def financial(self) -> bool:
        return "/" in self.name

    @property
    def first(self) -> YearMonth:
        return YearMonth.of(self.start)

    @property
    def months(self) -> tuple[YearMonth, ...]:
        """The twelve months of the period, in order."""
        return tuple(self.first.plus(n) for n in range(12))

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        return self.first.plus(12).first_day - dt.timedelta(days=1)

    def contains(self, month: YearMonth) -> bool:
        return 0 <= (month.year - self.start.year) * 12 + month.month - self.start.month < 12

    def following(self) -> Period:
        return self._starting(self.start.year + 1)

    def preceding(self) -> Period | None:
        """The period before, or None before the first year the calendar reaches."""
        return self._starting(self.start.year - 1) if self.start.year > FIRST_YEAR else None

    def holding(self, day: dt.date) -> Period:
        """The period of the same kind (financial or calendar year) that holds `day`; the
        first the calendar reaches, for January to March 2000."""
        return self._starting(max(day.year - (self.financial and day.month < 4), FIRST_YEAR))

    def _starting(self, year: int) -> Period:
        return Period.parse(f"{year}/{(year + 1) % 100:02d}" if self.financial else str(year))

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Suspension:
    period: Period
    reason: str
    reason_cy: str = ""  # in Welsh, when the programme is published in Welsh too


@dataclass(frozen=True)
class Blackout:
    """Days on which nothing should be released (a pre-election period, a shutdown)."""

    start: dt.date
    end: dt.date  # inclusive
    reason: str
    reason_cy: str = ""  # in Welsh, when the programme is published in Welsh too

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Ending:
    """A publication that has stopped: nothing is generated after `on`; its past stays."""

    on: dt.date
    reason: str
    reason_cy: str = ""


@dataclass(frozen=True)
class AcceptedClash:
    """A clash that was looked at and accepted: listed as such, not counted."""

    date: dt.date
    ids: tuple[str, ...]  # the releases it covers; empty: every release that day
    reason: str

    def covers(self, day: dt.date, ids: Iterable[str]) -> bool:
        return day == self.date and (not self.ids or set(ids) <= set(self.ids))


@dataclass(frozen=True)
class Publication:
    id: str
    title: str
    designation: Designation
    frequency: Frequency
    description: str
    rule: Rule
    time: dt.time
    suspensions: tuple[Suspension, ...]
    released_with: tuple[str, ...]  # ids it is published together with, so no clash
    topic: str  # the slug of the topic file it is declared in
    file: str
    time_reason: str = ""  # why it is released at other than the standard time
    ended: Ending | None = None
    precision: Precision = Precision.EXACT  # how its provisional dates are announced
    # In Welsh, when the programme is published in Welsh too ("" when it is not).
    title_cy: str = ""
    description_cy: str = ""
    time_reason_cy: str = ""

    def __post_init__(self) -> None:
        # The reader gives only pairs that fit; any other is a bug, caught where it is made.
        if not self.frequency.cadence.fits(self.rule):
            raise ValueError(f"a {self.frequency} publication cannot have the rule {self.rule}")

    def suspension_in(self, month: YearMonth) -> Suspension | None:
        """The suspension, if any, covering a release the rule gives in `month`."""
        if not self.suspensions:
            return None
        return next((s for s in self.suspensions if s.period.contains(month)), None)


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    file: str
    publications: tuple[Publication, ...]
    name_cy: str = ""  # in Welsh, when the programme is published in Welsh too


Key = ReleaseKey  # publication id, scheduled month (week, day): a release's identity


@dataclass(frozen=True)
class Builds:
    """What the record says of the builds that published from it ([published]): it guards
    the past wherever a build runs, not only in the output folder it last wrote."""

    first: dt.date  # the first to record confirmations on their real day; before: worked out
    last: dt.date  # the day the last build took as today: no build may go back before it
    releases: str  # the digest of the releases.json it wrote ("sha256:..."), "" if none
    events: str = ""  # the digest of the record's seals it left; "": it sealed none


@dataclass(frozen=True, slots=True)  # a whole government's record shows 100,000s
class Showing:
    """A release as a build showed it while its rule gave its day: that day and the time."""

    key: Key
    date: dt.date
    time: dt.time
    precision: Precision = Precision.EXACT  # shown to the day, or only its month or months

    def __str__(self) -> str:
        """As a [[shown]] row writes it: "asylum-statistics 2015-05 2015-05-21 09:30", and
        " month" or " two months" after it for one shown only to the month."""
        shown = f"{self.key.publication} {self.key.slot} {self.date} {self.time:%H:%M}"
        return shown if self.precision is Precision.EXACT else f"{shown} {self.precision}"

    def looks(self) -> tuple[object, ...]:
        """What subscribers see of it: its day and time, or only the days of its months."""
        if self.precision is Precision.EXACT:
            return (self.date, self.time)
        return (self.precision, self.precision.span(self.date))


@dataclass(frozen=True, slots=True)
class ShownRow:
    """A [[shown]] row of the record: the releases a build showed as provisional for the
    first time, or at a new day or time the rules gave, on `on`; or, for a `before` row,
    the ones already shown on days the record did not keep, by the builds before it kept them."""

    on: dt.date
    releases: tuple[Showing, ...]
    before: bool = False


@dataclass(frozen=True, slots=True)  # a whole government's record shows 100,000s
class Shown:
    """What the record's rows say of one release while its rule gave its day."""

    first: dt.date | None  # the day it was first shown; None: before the record kept it
    revised: dt.date | None  # the day of its last row; None: a `before` row
    date: dt.date
    time: dt.time
    revisions: int  # how often it was shown at a new day or time: its SEQUENCE counts them
    precision: Precision = Precision.EXACT


def fold_shown(
    rows: Iterable[ShownRow], into: Mapping[Key, Shown] | None = None
) -> dict[Key, Shown]:
    """Each release's showings (`into`, with more rows), the rows taken in the order they
    were recorded."""
    found: dict[Key, Shown] = dict(into or {})
    for row in rows:
        on = None if row.before else row.on
        for s in row.releases:
            if (was := found.get(s.key)) is None:
                found[s.key] = Shown(on, on, s.date, s.time, 0, s.precision)
            else:
                found[s.key] = Shown(was.first, on or was.revised, s.date, s.time,
                                     was.revisions + 1, s.precision)  # fmt: skip
    return found


@dataclass(frozen=True)
class Seals:
    """What a build must seal of the record, and where the rows' chain has got to."""

    unsealed: frozenset[Key]  # releases with an event no build has sealed yet
    last_row: str  # the seal of the last [[shown]] row; "" before the first
    by_key: Mapping[Key, tuple[str, ...]] = field(default_factory=dict)  # as read, found good
    # An event or seal taken out since the last build: a build says so once the promise
    # check, which names a published release taken out, has had its say; the rest at once.
    taken_out: Problem | None = None


NO_SEALS = Seals(frozenset(), "")


# A whole government's calendar, 10,000 monthly publications over two years, is 240,000
# releases; 9,000 weekly ones typed by a slip would be a million, and 600 MB of feeds.
MAX_RELEASES = 500_000


@dataclass(frozen=True)
class Programme:
    organisation: str
    period: Period
    timezone: str
    release_time: dt.time
    uid_domain: str
    notice_weeks: int  # releases this close are confirmed, and then change only with a reason
    max_releases_per_day: int
    blackouts: tuple[Blackout, ...]
    feed_url: str | None  # where the feeds folder is published, for subscribe links
    topics: tuple[Topic, ...]
    folder: str
    announcements: Mapping[Key, Announcement]
    ends: dt.date | None = None  # the programme says it stops: nothing is generated after
    accepted: tuple[AcceptedClash, ...] = ()
    max_releases: int = MAX_RELEASES  # a build that would publish more is refused
    builds: Builds | None = None  # None: no build of this version has published from it
    shown: Mapping[Key, Shown] = field(default_factory=dict)  # by the record's [[shown]] rows
    seals: Seals = NO_SEALS
    govuk_api: str = GOVUK_API  # the Search API answering `--against govuk`
    govuk_organisation: str = ""  # its slug on GOV.UK; "" for a programme made in code
    organisation_cy: str = ""  # set: the programme is published in Welsh too

    @property
    def welsh(self) -> bool:
        """Whether its feeds and page are published in Welsh beside English."""
        return bool(self.organisation_cy)

    reminder: dt.time | None = None  # the reminder feeds' time on the working day before
    publication_feeds: int = PUBLICATION_FEEDS  # at most this many publications; 0: none

    @property
    def record_path(self) -> Path:
        return Path(self.folder) / RECORD_FILE

    @property
    def programme_path(self) -> Path:
        return Path(self.folder) / PROGRAMME_FILE

    @property
    def publications(self) -> tuple[Publication, ...]:
        return tuple(p for t in self.topics for p in t.publications)

    def topic(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)

    def firm_from(self, day: dt.date) -> dt.date:
        """The day a release on `day` is confirmed: the notice period before it."""
        return day - self._notice

    @cached_property
    def _notice(self) -> dt.timedelta:  # asked for some 400,000 times a whole-government build
        return dt.timedelta(weeks=self.notice_weeks)
