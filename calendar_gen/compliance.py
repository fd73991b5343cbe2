"""The compliance report: how a period's calendar was kept, from the record alone.

What a Head of Profession sends the regulator: the notice each release was given, the share
released on the day and time first confirmed, every change with its notice and reason, late
confirmations, releases that passed unconfirmed, alternative release times and how crowded
each week was. Figures come from the record; the rules give titles and times.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from calendar_gen.findings import Finding
from calendar_gen.history import Action, Announcement, lands_on, replay
from calendar_gen.model import Period, Programme
from calendar_gen.practice import passed_unconfirmed
from calendar_gen.releases import Release, expand

SCHEMA = "tag:calendar-gen,2026:schemas/report/1"


@dataclass(frozen=True)
class Confirmation:
    """A release as it was confirmed: for which day, on which, and the notice that gave."""

    id: str
    title: str
    month: str
    date: dt.date  # the day it was confirmed for (before any change made that day)
    confirmed: dt.date
    notice_days: int
    worked_out: bool  # recorded by a version that worked the day out: history, as it is
    kept: bool  # came out on that day, at that time: nothing moved, retimed or cancelled it
    due: bool  # its day, as it stands, is no later than the report's: it is out, or was to be


@dataclass(frozen=True)
class ChangeMade:
    """One recorded change, the notice it gave and its reason."""

    id: str
    title: str
    month: str
    action: Action
    on: dt.date
    old: dt.date
    new: dt.date | None  # the day it then had; None when it had none (postponed)
    notice_days: int | None  # from the change to the day it then had
    reason: str


@dataclass(frozen=True)
class AlternativeTime:
    id: str
    title: str
    time: dt.time
    reason: str


@dataclass(frozen=True)
class Compliance:
    """A period's figures, each list in date order."""

    organisation: str
    period: Period
    as_of: dt.date
    notice_weeks: int
    standard_time: dt.time
    releases: int  # in the period's calendar as it stands
    confirmations: tuple[Confirmation, ...]
    changes: tuple[ChangeMade, ...]
    passed: tuple[Finding, ...]
    times: tuple[AlternativeTime, ...]
    weeks: tuple[tuple[dt.date, int], ...]  # each Monday of the period and its releases

    @property
    def due(self) -> tuple[Confirmation, ...]:
        """The confirmed releases whose day has come: those punctuality is counted over."""
        return tuple(c for c in self.confirmations if c.due)

    @property
    def kept(self) -> int:
        return sum(c.kept for c in self.due)

    @property
    def late(self) -> tuple[Confirmation, ...]:
        """Confirmed with less than the notice period."""
        return tuple(c for c in self.confirmations if c.notice_days < 7 * self.notice_weeks)

    def notice_counts(self) -> list[tuple[int, int]]:
        """How many releases were confirmed how many days ahead, fewest days first."""
        return sorted(Counter(c.notice_days for c in self.confirmations).items())


def compliance(programme: Programme, period: Period, as_of: dt.date) -> Compliance:
    """The figures of `period`, its releases as the record and the rules have them."""
    titles = {p.id: p.title for p in programme.publications}
    held = [a for a in programme.announcements.values()
            if period.start <= a.first_date <= period.end]  # fmt: skip
    held.sort(key=lambda a: (a.first_date, a.id))
    releases = expand(programme, period, as_of=as_of)
    confirmations = [_confirmation(a, titles, programme, as_of) for a in held if a.confirmed]
    changes = [_change(a, n, titles) for a in held for n in range(len(a.changes))]
    times = [
        AlternativeTime(p.id, p.title, p.time, p.time_reason)
        for p in programme.publications
        if p.time != programme.release_time and any(r.publication is p for r in releases)
    ]
    return Compliance(
        programme.organisation, period, as_of, programme.notice_weeks, programme.release_time,
        len(releases), tuple(sorted(confirmations, key=lambda c: (c.date, c.id))),
        tuple(sorted(changes, key=lambda c: (c.on, c.id))),
        tuple(passed_unconfirmed(programme, held, as_of)), tuple(times), _weeks(period, releases),
    )  # fmt: skip


def _confirmation(
    a: Announcement, titles: dict[str, str], programme: Programme, as_of: dt.date
) -> Confirmation:
    assert a.confirmed is not None
    # Confirmed first, then changed: a move made the day it was confirmed came after it.
    before = tuple(c for c in a.changes if c.on < a.confirmed)
    day = replay(a.first_date, before).date if before else a.first_date
    after = [c for c in a.changes if c.on >= a.confirmed and c.action is not Action.RELEASED]
    worked_out = not programme.builds or a.confirmed < programme.builds.first
    return Confirmation(a.id, titles.get(a.id, a.id), str(a.month), day, a.confirmed,
                        (day - a.confirmed).days, worked_out, not after,
                        a.date <= as_of)  # fmt: skip


def _change(a: Announcement, number: int, titles: dict[str, str]) -> ChangeMade:
    change = a.changes[number]
    # A postponed release has no day until a move gives it one; a released one came out.
    dated = change.action not in (Action.POSTPONED, Action.RELEASED)
    new = lands_on(change) if change.action is not Action.POSTPONED else None
    notice = (lands_on(change) - change.on).days if dated else None
    return ChangeMade(a.id, titles.get(a.id, a.id), str(a.month), change.action, change.on,
                      change.old, new, notice, change.reason or "")  # fmt: skip


def _weeks(period: Period, releases: Iterable[Release]) -> tuple[tuple[dt.date, int], ...]:
    """Each Monday from the week holding the period's first day to its last's, with the
    releases (not cancelled) of the period in that week."""
    first = period.start - dt.timedelta(days=period.start.weekday())
    counts = Counter(
        r.date - dt.timedelta(days=r.date.weekday())
        for r in releases
        if period.start <= r.date <= period.end and r.status.comes_out
    )
    weeks = ((period.end - first).days // 7) + 1
    return tuple(
        (first + dt.timedelta(weeks=n), counts[first + dt.timedelta(weeks=n)]) for n in range(weeks)
    )


def report_json(c: Compliance) -> str:
    """The figures as JSON, dates as ISO 8601, with the schema they follow."""
    data = {
        "schema": SCHEMA,
        "organisation": c.organisation,
        "period": c.period.name,
        "as_of": c.as_of.isoformat(),
        "notice_weeks": c.notice_weeks,
        "standard_time": f"{c.standard_time:%H:%M}",
        "releases": c.releases,
        "confirmed": len(c.confirmations),
        "due": len(c.due),
        "kept": c.kept,
        "late": len(c.late),
        "notice": [{"days": days, "releases": n} for days, n in c.notice_counts()],
        "confirmations": [asdict(x) for x in c.confirmations],
        "changes": [asdict(x) for x in c.changes],
        "passed_unconfirmed": [f.as_dict() for f in c.passed],
        "alternative_times": [asdict(t) for t in c.times],
        "weeks": [{"week_of": monday.isoformat(), "releases": n} for monday, n in c.weeks],
    }
    return json.dumps(data, indent=1, ensure_ascii=False, default=_plain) + "\n"


def _plain(value: object) -> str:
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, dt.date | Action):
        return str(value) if isinstance(value, Action) else value.isoformat()
    raise TypeError(f"{type(value).__name__} is not written in a report")
