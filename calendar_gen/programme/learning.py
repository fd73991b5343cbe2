"""Proposing a programme's rules from its past release dates, for `calendar-gen learn`.

Each series of past dates gets the frequency its gaps and months show and, of every `day`
form that gives one of its dates, the one that reproduces the most of them once rolled onto
a working day; what it does not reproduce is listed, never hidden.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from calendar_gen.domain.model import Frequency
from calendar_gen.domain.rules import (
    MAX_WORKING_DAY,
    WEEKDAYS,
    DaySpec,
    MonthDay,
    OrdinalWeekday,
    WorkingDay,
)
from calendar_gen.domain.texts import long_date
from calendar_gen.domain.workdays import REGIONS, Roll, roll, working_days_in_month
from calendar_gen.errors import CalendarGenError, shown
from calendar_gen.programme.schedule import REGIONS_DEFAULT

MAX_DATES = 100_000  # past dates read from one file


@dataclass(frozen=True)
class Series:
    """One publication's past release dates."""

    id: str
    title: str
    dates: tuple[dt.date, ...]  # sorted, each once


@dataclass(frozen=True)
class Proposal:
    """The rule proposed for a series, and the past dates it does not give."""

    series: Series
    frequency: Frequency
    months: tuple[int, ...]
    day: str | None  # a `day` form; None for ad hoc (its dates are listed)
    start: dt.date | None  # a fortnightly series' `from`
    misses: tuple[tuple[dt.date, dt.date | None], ...]  # a past date, and the rule's day then
    roll: Roll = Roll.FOLLOWING  # how its days off working days rolled
    region: str = REGIONS_DEFAULT  # whose bank holidays they rolled off

    @property
    def kept(self) -> int:
        return len(self.series.dates) - len(self.misses)


def read_csv(text: str, where: str) -> list[Series]:
    """Series from a CSV with the columns id (or title), title and date (YYYY-MM-DD)."""
    from calendar_gen.programme.schedule import slugify

    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "date" not in rows[0] or not {"id", "title"} & set(rows[0]):
        raise CalendarGenError(f"{where}: write a CSV with a header line: id,title,date")
    found: dict[str, tuple[str, set[dt.date]]] = {}
    if len(rows) > MAX_DATES:
        raise CalendarGenError(
            f"{where}: {len(rows):,} dates, more than the {MAX_DATES:,} learn reads from one "
            "file; split it by publication"
        )
    for number, row in enumerate(rows, 2):
        try:
            day = dt.date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            raise CalendarGenError(
                f"{where}: line {number}: date {row.get('date')!r} is not a date like 2014-05-22"
            ) from None
        title = (row.get("title") or row.get("id") or "").strip()
        key = slugify(row.get("id") or title)
        found.setdefault(key, (title or key, set()))[1].add(day)
    return [Series(key, title, tuple(sorted(days))) for key, (title, days) in found.items()]


def _day_forms(day: dt.date, region: str) -> list[DaySpec]:
    """Every `day` form that names `day` in its month, the simplest first."""
    forms: list[DaySpec] = []
    if (n := (day.day - 1) // 7 + 1) <= 4:
        forms.append(OrdinalWeekday(n, day.weekday()))
    if (day + dt.timedelta(days=7)).month != day.month:
        forms.append(OrdinalWeekday(-1, day.weekday()))
    forms.append(MonthDay(day.day))
    working = working_days_in_month(day.year, day.month, region)
    if day in working:
        if (n := working.index(day) + 1) <= MAX_WORKING_DAY:
            forms.append(WorkingDay(n))
        if day == working[-1]:
            forms.append(WorkingDay(-1))
    return forms


def _gives(form: DaySpec, year: int, month: int, region: str, convention: Roll) -> dt.date:
    return roll(form.date_in(year, month, region), convention, region)


def _best_monthly(series: Series, regions: tuple[str, ...], rolls: tuple[Roll, ...]) -> Proposal:
    """Of every nation's holidays and roll asked about, the monthly rule giving the most of
    its dates; on a tie the first asked, so the usual ones win unless others do better."""
    best: Proposal | None = None
    for region, convention in itertools.product(regions, rolls):
        proposal = _monthly(series, region, convention)
        if best is None or proposal.kept > best.kept:
            best = proposal
        if best.kept == len(series.dates):  # none can do better: most series stop at once
            break
    assert best is not None  # a region and a roll at the least
    return best


def _monthly(series: Series, region: str, convention: Roll) -> Proposal:
    """The months it comes out in, and the day form that gives the most of its dates."""
    months = tuple(sorted({d.month for d in series.dates}))
    forms = list(dict.fromkeys(f for d in series.dates for f in _day_forms(d, region)))

    def score(form: DaySpec) -> int:
        return sum(_gives(form, d.year, d.month, region, convention) == d for d in series.dates)

    best = max(forms, key=score)  # the first of the best: the simplest form
    misses = tuple(
        (d, given)
        for d in series.dates
        if (given := _gives(best, d.year, d.month, region, convention)) != d
    )
    return Proposal(series, Frequency.naming(len(months)), months, str(best), None, misses,
                    convention, region)  # fmt: skip


def _weekly(series: Series, every: int) -> Proposal:
    """The weekday most of its dates fall on, every week or every other week."""
    weekday = Counter(d.weekday() for d in series.dates).most_common(1)[0][0]
    start = next(d for d in series.dates if d.weekday() == weekday)
    misses = tuple(
        (d, None)
        for d in series.dates
        if d.weekday() != weekday or (every == 2 and (d - start).days % 14)
    )
    frequency = Frequency.every(every)
    assert frequency is not None  # asked only for the weeks a frequency has
    months = tuple(sorted({d.month for d in series.dates}))
    return Proposal(series, frequency, months, WEEKDAYS[weekday], start if every == 2 else None,
                    misses)  # fmt: skip


def propose(series: Series, region: str | None = None, convention: Roll | None = None) -> Proposal:
    """The rule that best explains `series`: weekly or fortnightly by its gaps, by month if
    it comes at most once a month, or ad hoc when nothing regular fits. Without a `region`
    or a `convention`, the nation's holidays and the roll that explain it best."""
    dates = series.dates
    if len(dates) < 3:
        return Proposal(series, Frequency.AD_HOC, (), None, None, ())
    gap = statistics.median((b - a).days for a, b in itertools.pairwise(dates))
    if gap <= 10:
        return _weekly(series, 1)
    if gap <= 20:
        return _weekly(series, 2)
    by_month = Counter((d.year, d.month) for d in dates)
    if max(by_month.values()) > 1:
        return Proposal(series, Frequency.AD_HOC, (), None, None, ())
    regions = (region,) if region else tuple(REGIONS)  # England and Wales's first
    proposal = _best_monthly(series, regions, (convention,) if convention else tuple(Roll))
    if proposal.kept * 2 < len(dates):  # no rule gives even half of them
        return Proposal(series, Frequency.AD_HOC, (), None, None, ())
    return proposal


def read_past(spec: str, today: dt.date, timezone: str = "Europe/London") -> list[Series]:
    """The past release dates in `spec`: a CSV of id, title and date, saved GOV.UK Search API
    answers (.json), or a calendar (a file or a web address, read within --against's
    limits), its events grouped by title."""
    from calendar_gen.checks.clash import read_calendar
    from calendar_gen.programme.files import Refused, read_regular
    from calendar_gen.programme.schedule import FILE_LIMIT, slugify
    from calendar_gen.web.calendars import open_source, web_address

    if spec.lower().endswith(".csv") and web_address(spec) is None:
        try:
            text = read_regular(Path(spec), 16 * FILE_LIMIT).decode("utf-8-sig")
        except (Refused, OSError, UnicodeDecodeError) as error:
            raise CalendarGenError(f"{spec}: {error}") from None
        return read_csv(text, spec)
    if spec.lower().endswith(".json"):
        return _searched(spec, today)
    source = open_source(spec)
    days = read_calendar(source.where, dt.date(2000, 1, 1), today, timezone, data=source.data)
    found: dict[str, tuple[str, set[dt.date]]] = {}
    for day, events in days.items():
        for event in events:
            found.setdefault(slugify(event.title), (event.title, set()))[1].add(day)
    return [Series(key, title, tuple(sorted(d))) for key, (title, d) in sorted(found.items())]


def _searched(spec: str, today: dt.date) -> list[Series]:
    """Saved Search API answers, grouped by the title each release's period is taken from."""
    from calendar_gen.programme.schedule import slugify
    from calendar_gen.web.calendars import fetch, read_file, web_address
    from calendar_gen.web.govuk import past_dates

    url = web_address(spec)
    found: dict[str, tuple[str, set[dt.date]]] = {}
    for title, day in past_dates(read_file(spec) if url is None else fetch(url), spec):
        if day <= today:
            found.setdefault(slugify(title), (title, set()))[1].add(day)
    return [Series(key, title, tuple(sorted(d))) for key, (title, d) in sorted(found.items())]


def topic_text(proposals: list[Proposal], source: str) -> str:
    """A topic file of the proposals, each with what it reproduces and what it does not."""
    count = sum(len(p.series.dates) for p in proposals)
    lines = [
        f"# Proposed by calendar-gen learn from {count} past dates in {shown(source)}.",
        "# Check each rule, and each designation and description, before you build from it.",
        'topic = "Learned from past dates"',
    ]
    for p in proposals:
        lines += ["", *_said(p), "[[publication]]", f"id = {shown(p.series.id)}",
                  f"title = {shown(p.series.title[:200])}",
                  'designation = "Official statistics"  # not in the past dates: check it',
                  f"frequency = {shown(p.frequency.value)}", *_rule_lines(p)]  # fmt: skip
    return "\n".join(lines) + "\n"


def _said(p: Proposal) -> list[str]:
    n = len(p.series.dates)
    if p.day is None:
        return [f"# No rule fits its {n} past dates: list its next days in `dates`."]
    said = [f'# "{p.day}" gives {p.kept} of its {n} past dates.']
    if p.misses:
        said.append("# It does not give:")
        said += [
            f"#   {long_date(day)}" + (f" (it gives {long_date(given)})" if given else "")
            for day, given in p.misses
        ]
    return said


def _rule_lines(p: Proposal) -> list[str]:
    if p.day is None:
        return ["dates = [" + ", ".join(d.isoformat() for d in p.series.dates) + "]"]
    lines = [f"day = {shown(p.day)}"]
    if p.frequency is not Frequency.WEEKLY or len(p.months) < 12:
        lines.insert(0, "months = [" + ", ".join(str(m) for m in p.months) + "]")
    if p.start is not None:
        lines.append(f"from = {p.start.isoformat()}")
    if p.roll is not Roll.FOLLOWING:  # the programme's own default roll
        lines.append(f"roll = {shown(p.roll.value)}")
    if p.region != REGIONS_DEFAULT:
        lines.append(f"holidays = {shown(p.region)}")
    return lines
