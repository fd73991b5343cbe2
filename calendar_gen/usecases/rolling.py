"""`next-year`: roll the programme to its next period, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from calendar_gen.checks import clash
from calendar_gen.domain.history import Moved
from calendar_gen.domain.model import Announcement, Period, Programme, YearMonth
from calendar_gen.domain.releases import expand
from calendar_gen.errors import CalendarGenError
from calendar_gen.findings import Finding, FindingKind
from calendar_gen.programme.schedule import load_programme
from calendar_gen.reports import NextYearReport, clash_lines
from calendar_gen.usecases.building import run
from calendar_gen.usecases.shared import Waiting, external, writing


def next_year(
    schedules: str | Path = "schedules",
    out: str | Path = "feeds",
    *,
    as_of: dt.date,
    against: Sequence[str | Path] = (),
    avoid_clashes: bool = False,
    to: Period | None = None,
    dry_run: bool = False,
    strict: bool = False,
    early: bool = False,
    wait: float = 60.0,
    on_wait: Waiting | None = None,
) -> NextYearReport:
    """Roll the programme to its next period, moving new releases off clashes if asked.

    All or nothing: the record, the feeds and programme.toml (last) are written together,
    and the current period's releases stay in the feeds. A programme already a period ahead
    of today's is rolled again only when `to` names the period to roll to, and one more than
    three months before its period ends only when `early`.
    """
    from calendar_gen.workspace.edits import with_period

    with writing(schedules, wait, on_wait):
        programme = load_programme(schedules)
        period = _period_to_roll_to(programme, as_of, to, early)
        # A release may roll a few days past its period's end.
        last = period.end + dt.timedelta(days=40)
        busy, unseen = external(against, period.start, last, programme)
        # The new period's releases as the rules give them, not held through the build.
        moves = (clash.avoid_clashes(programme, expand(programme, period, as_of=as_of), busy,
                                     as_of) if avoid_clashes else [])  # fmt: skip
        rest = _rest_of(programme, as_of)
        entries = [
            Announcement(m.release.publication.id, m.release.scheduled, m.new_date, None,
                         (Moved(as_of, m.release.date, m.new_date, m.reason, m.reason_cy),))
            for m in moves
        ] + rest  # fmt: skip
        announcements = {**programme.announcements, **{e.key: e for e in entries}}
        rolled = replace(programme, period=period, announcements=announcements)
        text = with_period(schedules, period)
        built = run(rolled, out, as_of, recorded=entries, dry_run=dry_run,
                    extra=[(programme.programme_path, text)])  # fmt: skip
    releases = expand(rolled, period, as_of=as_of)
    upcoming = [r for r in releases if r.date >= as_of]  # what is out can no longer be helped
    remaining = clash.find_clashes(rolled, upcoming, busy, as_of)
    clashing = [Finding(FindingKind.CLASH, line) for line in clash_lines(remaining)]
    return NextYearReport(rolled, period, tuple(moves), tuple(releases), built,
                          tuple(remaining), len(rest), (*unseen, *built.warnings, *clashing),
                          strict=strict)  # fmt: skip


def _rest_of(programme: Programme, as_of: dt.date) -> list[Announcement]:
    """What is left of the current period, not yet announced, pinned in the record on the
    days the rules give: the feeds start from the new period, and must keep these."""
    from calendar_gen.domain.releases import calendar

    return [
        Announcement(r.publication.id, r.scheduled, r.date, None)
        for r in calendar(programme, as_of)
        if not r.announcement and programme.period.contains(YearMonth.of(r.nominal or r.date))
    ]


def _period_to_roll_to(
    programme: Programme, as_of: dt.date, to: Period | None, early: bool
) -> Period:
    """The period after the programme's, unless that would roll a second time by mistake."""
    try:
        following = programme.period.following()
    except ValueError:
        raise CalendarGenError(
            f"{programme.period} is the last period calendar-gen reaches: no next year"
        ) from None
    today = programme.period.holding(as_of)
    path = programme.programme_path
    if programme.ends is not None and programme.ends < following.start:
        raise CalendarGenError(
            f"{path}: the programme ends on {programme.ends}, so it has no period after "
            f"{programme.period}. To carry it on, set ends to a later day or remove it."
        )
    if to is not None and to != following:
        done = " (it has been rolled already)" if to == programme.period else ""
        raise CalendarGenError(
            f"--to {to}: {path} is at {programme.period}, and next-year rolls one period at a "
            f"time, to {following}{done}"
        )
    if to is None and programme.period > today:
        raise CalendarGenError(
            f"{path}: the period is {programme.period} already, a period ahead of today's "
            f"({today}), so next-year has been run. To roll on to {following} anyway: "
            f"calendar-gen next-year --to {following}"
        )
    if not early and as_of < (soonest := following.first.plus(-3).first_day):
        raise CalendarGenError(
            f"{path}: {programme.period} runs to {programme.period.end}, more than three months "
            f"after today ({as_of}). The feeds already show the twelve months ahead; rolling "
            f"now would pin the rest of {programme.period} in the record on the days its rules "
            "give, so later edits to the rules would no longer move them. Roll from "
            f"{soonest} on, or now anyway: calendar-gen next-year"
            + (f" --to {to}" if to else "")
            + " --early"
        )
    return following
