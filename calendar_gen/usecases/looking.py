"""The use cases that only read the schedules: `list` and `check`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from calendar_gen.checks.practice import practice_problems
from calendar_gen.domain.history import Status
from calendar_gen.domain.model import Period, Programme, YearMonth
from calendar_gen.domain.releases import Release, expand, rule_conflicts, suspensions, too_many
from calendar_gen.domain.texts import short_date
from calendar_gen.domain.workdays import closed_reason
from calendar_gen.errors import CalendarGenError
from calendar_gen.findings import Finding, FindingKind
from calendar_gen.programme.schedule import load_programme
from calendar_gen.reports import CheckReport, Format, ListReport
from calendar_gen.usecases.shared import between, chosen, not_half_written, releases_between


def list_releases(
    schedules: str | Path = "schedules",
    *,
    as_of: dt.date,
    period: Period | None = None,
    topic: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    month: YearMonth | None = None,
    format: str = "table",
    wide: bool = False,
    seen_on: dt.date | None = None,
) -> ListReport:
    """The releases in date order: of the programme's period (or `period`), or those dated
    from `start` to `end` or in `month`, of one topic or all; with `seen_on`, of the
    calendar as it was published on that day."""
    shown = chosen("--format", format, list(Format))
    not_half_written(schedules)
    programme = load_programme(schedules)
    days = between(start, end, month, as_of)
    if seen_on is not None:
        releases = _seen_on(programme, seen_on, as_of, period)
        releases = [r for r in releases if not days or days[0] <= r.date <= days[1]]
    elif days is not None:
        releases = releases_between(programme, *days, as_of=as_of)
    else:
        releases = expand(programme, period, as_of=as_of)
    if topic is not None:
        if programme.topic(topic) is None:
            slugs = ", ".join(t.slug for t in programme.topics)
            raise CalendarGenError(
                f"--topic '{topic}' is not a topic of {programme.folder}; topics: {slugs}"
            )
        releases = [r for r in releases if r.topic.slug == topic]
    if seen_on is None:
        releases = _as_published(programme, releases, as_of, period)
    return ListReport(tuple(releases), shown, wide=wide)


def _seen_on(
    programme: Programme, day: dt.date, as_of: dt.date, period: Period | None
) -> list[Release]:
    from calendar_gen.domain.releases import as_seen_on

    if period is not None:
        raise CalendarGenError(
            "give --as-seen-on or --period, not both: --as-seen-on lists the whole calendar "
            "published that day (narrow it with --from and --until, or --month)"
        )
    if day > as_of:
        raise CalendarGenError(
            f"--as-seen-on {day} is after today ({as_of}): nothing has been published on it "
            "yet. What the next build will publish is what list shows without --as-seen-on."
        )
    return as_seen_on(programme, day)


def _as_published(
    programme: Programme, releases: list[Release], as_of: dt.date, period: Period | None
) -> list[Release]:
    """Each release with the status the feeds give it after a build on `as_of` (through
    `period`, as `build --period` publishes), or, if that build would not publish it (past
    and never announced, or outside its months), "not announced": no feed, no promise."""
    from calendar_gen.domain.releases import calendar

    through = period if period and period >= programme.period else None
    published = {r.uid: r for r in calendar(programme, as_of, through)}
    return [
        published.get(r.uid) or replace(r, status=Status.NOT_ANNOUNCED, sequence=0, confirmed=None)
        for r in releases
    ]


def check(
    schedules: str | Path = "schedules",
    *,
    as_of: dt.date | None = None,
    period: Period | None = None,
    include_past: bool = False,
    format: str = "table",
) -> CheckReport:
    """Validate the schedules and summarise them; with `as_of`, Code of Practice problems too."""
    shown = chosen("--format", format, (Format.TABLE, Format.JSON))
    not_half_written(schedules)
    programme = load_programme(schedules)
    period = period or programme.period
    if why := too_many(programme, as_of or period.start, period):
        raise CalendarGenError(why)  # what build would refuse, check refuses too
    releases = expand(programme, period, as_of=as_of)
    found = []
    for r in releases:
        rule = r.publication.rule
        if r.nominal and r.rule_date and r.nominal != r.rule_date:
            text = (
                f"{r.publication.id}: {rule.day_text} gives {short_date(r.nominal)} "
                f"({closed_reason(r.nominal, rule.region)}); rolled {rule.roll} "
                f"to {short_date(r.rule_date)}"
            )
            found.append(
                Finding(FindingKind.ROLLED, text, r.publication.id, str(r.scheduled), r.date)
            )
    for publication, suspension in suspensions(programme, period):
        text = f"{publication.id}: suspended for {suspension.period}: {suspension.reason}"
        found.append(Finding(FindingKind.SUSPENDED, text, publication.id))
    found += rule_conflicts(releases, as_of)
    found += practice_problems(programme, as_of, include_past) if as_of else []
    return CheckReport(programme, period, tuple(releases), tuple(found), as_of, shown)
