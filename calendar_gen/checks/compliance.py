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
from dataclasses import asdict, dataclass, replace

from calendar_gen.domain.history import Action, Announcement, ReleaseKey, Retimed, lands_on, replay
from calendar_gen.domain.model import Period, Programme
from calendar_gen.domain.releases import Release, expand

SCHEMA = "tag:calendar-gen,2026:schemas/report/1"


@dataclass(frozen=True)
class Confirmation:
    """A release as it was confirmed: for which day, on which, and the notice that gave."""

    id: str
    title: str
    month: str
    date: dt.date  # the day it was confirmed for, by the end of the day it was confirmed
    confirmed: dt.date
    notice_days: int
    worked_out: bool  # recorded by a version that worked the day out: history, as it is
    kept: bool  # it came out (or is to) on that day, at that time, as confirmed
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
    new: dt.date | None  # the new day of a move or reinstatement; None for the others
    time: dt.time | None  # the new time of a retime; None for the others
    notice_days: int | None  # from the change to the day it then had; None for a release
    reason: str  # "" for a release, which records what happened rather than a plan


@dataclass(frozen=True)
class AlternativeTime:
    """A publication released at another time than the standard, or one release retimed."""

    id: str
    title: str
    time: dt.time
    reason: str


@dataclass(frozen=True)
class Passed:
    """A release shown as provisional whose day passed with no confirmation."""

    id: str
    title: str
    month: str
    date: dt.date
    released: bool  # recorded since as out


@dataclass(frozen=True)
class Compliance:
    """A period's figures, each list in date order."""

    organisation: str
    period: Period
    as_of: dt.date
    notice_weeks: int
    standard_time: dt.time
    releases: int  # announced (shown or confirmed) by `as_of`, dated in the period
    confirmations: tuple[Confirmation, ...]
    changes: tuple[ChangeMade, ...]
    passed: tuple[Passed, ...]
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

    @property
    def plans_changed(self) -> int:
        """The changes of plan: every change but a record that a release came out."""
        return sum(c.action is not Action.RELEASED for c in self.changes)

    def notice_counts(self) -> list[tuple[int, int]]:
        """How many releases were confirmed how many days ahead, fewest days first."""
        return sorted(Counter(c.notice_days for c in self.confirmations).items())


def compliance(programme: Programme, period: Period, as_of: dt.date) -> Compliance:
    """The figures of `period` as the record stood at the end of `as_of`: the releases
    announced by then and dated in it, wherever their rules first placed them."""
    titles = {p.id: p.title for p in programme.publications}
    releases = _announced(programme, period, as_of)
    held = sorted((a for r in releases if (a := _then(r.announcement, as_of))),
                  key=lambda a: (a.date, a.id))  # fmt: skip
    confirmations = [_confirmation(a, titles, programme, as_of) for a in held if a.confirmed]
    changes = [_change(a, n, titles) for a in held for n in range(len(a.changes))]
    return Compliance(
        programme.organisation, period, as_of, programme.notice_weeks, programme.release_time,
        len(releases), tuple(sorted(confirmations, key=lambda c: (c.date, c.id))),
        tuple(sorted(changes, key=lambda c: (c.on, c.id))), _passed(releases, as_of, titles),
        _times(programme, releases, changes), _weeks(period, releases, as_of),
    )  # fmt: skip


def _announced(programme: Programme, period: Period, as_of: dt.date) -> list[Release]:
    """The releases a build had shown or confirmed by `as_of` whose day, as it stands, is in
    `period`: a release moved in from the next period counts here, one never shown nowhere."""
    found = {}
    try:
        following: Period | None = period.following()
    except ValueError:  # the last year the calendar reaches
        following = None
    for near in (period.preceding(), period, following):
        for r in expand(programme, near, as_of=as_of) if near else ():
            key = ReleaseKey(r.publication.id, r.scheduled)
            shown = programme.shown.get(key)
            a = _then(r.announcement, as_of)
            if a is None and not (shown and (shown.first is None or shown.first <= as_of)):
                continue
            if period.start <= (a.date if a else r.date) <= period.end:
                found[key] = r
    return sorted(found.values(), key=lambda r: (r.date, r.publication.id))


def _then(a: Announcement | None, as_of: dt.date) -> Announcement | None:
    """The record's entry as it stood at the end of `as_of`; None if it held nothing yet."""
    if a is None:
        return None
    made = tuple(c for c in a.changes if c.on <= as_of)
    confirmed = a.confirmed if a.confirmed and a.confirmed <= as_of else None
    if not made and not confirmed:
        return None
    return replace(a, date=replay(a.first_date, made).date, confirmed=confirmed, changes=made)


def _confirmation(
    a: Announcement, titles: dict[str, str], programme: Programme, as_of: dt.date
) -> Confirmation:
    times = {p.id: p.time for p in programme.publications}
    assert a.confirmed is not None
    # As `check` counts notice: the day it had at the end of the day it was confirmed.
    then = replay(a.first_date, tuple(c for c in a.changes if c.on <= a.confirmed))
    now, usual = a.state, times.get(a.id)
    kept = (not now.cancelled and not now.postponed and now.date == then.date
            and (now.time or usual) == (then.time or usual))  # fmt: skip
    worked_out = not programme.builds or a.confirmed < programme.builds.first
    return Confirmation(a.id, titles.get(a.id, a.id), str(a.month), then.date, a.confirmed,
                        (then.date - a.confirmed).days, worked_out, kept,
                        a.date <= as_of)  # fmt: skip


def _change(a: Announcement, number: int, titles: dict[str, str]) -> ChangeMade:
    change = a.changes[number]
    moves = change.action in (Action.MOVED, Action.REINSTATED)
    new = lands_on(change) if moves else None
    time = change.time if isinstance(change, Retimed) else None
    # A postponed release has no day until a move gives it one; a released one came out.
    dated = change.action not in (Action.POSTPONED, Action.RELEASED)
    notice = (lands_on(change) - change.on).days if dated else None
    return ChangeMade(a.id, titles.get(a.id, a.id), str(a.month), change.action, change.on,
                      change.old, new, time, notice, change.reason or "")  # fmt: skip


def _passed(releases: list[Release], as_of: dt.date, titles: dict[str, str]) -> tuple[Passed, ...]:
    found = []
    for r in releases:
        a = _then(r.announcement, as_of)
        state = a.state if a else None
        if (a and a.confirmed) or (state and (state.cancelled or state.postponed)):
            continue
        day = a.date if a else r.date
        if day < as_of:
            found.append(Passed(r.publication.id, titles.get(r.publication.id, r.publication.id),
                                str(r.scheduled), day, bool(state and state.released)))  # fmt: skip
    return tuple(found)


def _times(
    programme: Programme, releases: list[Release], changes: list[ChangeMade]
) -> tuple[AlternativeTime, ...]:
    """Each publication of the period at another time, and each release retimed."""
    used = {r.publication.id for r in releases}
    found = [AlternativeTime(p.id, p.title, p.time, p.time_reason) for p in programme.publications
             if p.id in used and p.time != programme.release_time]  # fmt: skip
    found += [AlternativeTime(c.id, f"{c.title} ({c.month})", c.time, c.reason)
              for c in changes if c.time is not None]  # fmt: skip
    return tuple(found)


def _weeks(
    period: Period, releases: Iterable[Release], as_of: dt.date
) -> tuple[tuple[dt.date, int], ...]:
    """Each Monday from the week holding the period's first day to its last's, with the
    releases of the period that week (not cancelled or postponed, as the record stood)."""
    first = period.start - dt.timedelta(days=period.start.weekday())
    counts: Counter[dt.date] = Counter()
    for r in releases:
        a = _then(r.announcement, as_of)
        state = a.state if a else None
        if state and (state.cancelled or state.postponed):
            continue
        day = a.date if a else r.date
        counts[day - dt.timedelta(days=day.weekday())] += 1
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
        "changed": c.plans_changed,
        "passed_unconfirmed": [asdict(x) for x in c.passed],
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
