"""Releases: a programme's rules and announcement record expanded into dated release records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from dataclasses import dataclass, replace
from functools import lru_cache
from zoneinfo import ZoneInfo

from calendar_gen.domain.history import ReleaseKey, State, change_row, replay
from calendar_gen.domain.model import (
    NO_SEALS,
    Announcement,
    Change,
    Period,
    Precision,
    Programme,
    Publication,
    Shown,
    Status,
    Suspension,
    Topic,
    YearMonth,
)
from calendar_gen.domain.slots import Slot
from calendar_gen.domain.texts import long_date
from calendar_gen.domain.workdays import closed_reason, roll
from calendar_gen.findings import Command, Finding, FindingKind, Remedy


@dataclass(frozen=True, slots=True)  # a whole government's calendar holds 100,000s
class Release:
    """One release of a publication: the month its rule schedules it in, and its date."""

    publication: Publication
    topic: Topic
    scheduled: Slot  # the month (week, day) the rule places it in; part of its identity
    date: dt.date
    start: dt.datetime  # aware, in the programme's time zone
    status: Status
    sequence: int  # one more for each new day its rule gave, its confirmation, each change
    uid: str
    revised: dt.datetime  # when its details last changed (UTC): the feed's DTSTAMP
    confirmed: dt.date | None  # the day it was confirmed, or is as of this build; None: not
    nominal: dt.date | None  # the day the rule names, before rolling onto a working day
    rule_date: dt.date | None  # what the rule gives now; None when it no longer schedules it
    announcement: Announcement | None  # its entry in the record, once announced
    # Its confirmation day was worked out backwards (the release day less the notice) by a
    # version of calendar-gen before the record kept true days: history, kept as it is.
    worked_out: bool = False
    first_shown: dt.date | None = None  # the day a build first showed it, by the record
    seal: str = ""  # the seal of its latest event in the record; "": the record seals none

    @property
    def changes(self) -> tuple[Change, ...]:
        return self.announcement.changes if self.announcement else ()

    @property
    def precision(self) -> Precision:
        """How exactly its day is announced: to its publication's precision until it is
        confirmed or a change is recorded for it (a change names its days, and its reason is
        given against them), then exact; exact for one never announced."""
        if (
            self.confirmed
            or self.changes
            or self.status in (Status.CONFIRMED, Status.NOT_ANNOUNCED)
        ):
            return Precision.EXACT
        return self.publication.precision

    @property
    def announced(self) -> str:
        """Its day as announced: "Thursday 20 May 2027", or "May 2027" before it is
        confirmed to the day."""
        return self.precision.said(self.date)

    def history(self) -> list[dict[str, str | None]]:
        """The recorded changes as plain data."""
        return [change_row(c) for c in self.changes]


# The data files' columns, in order: those a publication's releases share, those of one
# release (plain words and numbers that never need quoting in CSV), then two texts.
PUBLICATION_FIELDS = ("id", "title", "topic", "topic_name", "frequency", "designation")
OCCURRENCE_FIELDS = ("date", "start", "status", "sequence", "uid", "scheduled_month",
                     "confirmed_on", "confirmed_on_source", "first_shown_on",
                     "precision", "seal")  # fmt: skip
FIELDS = (*PUBLICATION_FIELDS, *OCCURRENCE_FIELDS, "description", "history")


def publication_fields(p: Publication, topic: Topic) -> dict[str, str]:
    values = (p.id, p.title, topic.slug, topic.name, p.frequency.value, p.designation.value)
    return dict(zip(PUBLICATION_FIELDS, values, strict=True))


Occurrence = tuple[str, str, str, int, str, str, str, str, str, str, str]


def occurrence_values(r: Release) -> Occurrence:
    """The OCCURRENCE_FIELDS of a release, in order."""
    return (
        iso_text(r.date), iso_text(r.start), r.status.value, r.sequence, r.uid, str(r.scheduled),
        iso_text(r.confirmed) if r.confirmed else "", _source(r),
        iso_text(r.first_shown) if r.first_shown else "", r.precision.value, r.seal,
    )  # fmt: skip


def _source(r: Release) -> str:
    """How its confirmation day is known: recorded on the day, or worked out backwards."""
    if r.confirmed is None:
        return ""
    return "worked out" if r.worked_out else "recorded"


# Thousands of releases share each date and start: their text is made once.
@lru_cache(maxsize=4096)
def iso_text(moment: dt.date) -> str:
    return moment.isoformat()


def release_uid(publication_id: str, slot: Slot, domain: str) -> str:
    """A UID that survives rebuilds, retitling and date moves: the id and the scheduled month
    (week, or day) only."""
    return f"{publication_id}-{slot}@{domain}"


# A whole government's publications share a few hundred dates, rules and times: each
# combination is worked out once.
@lru_cache(maxsize=4096)
def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), dt.UTC)


@lru_cache(maxsize=8192)
def _start(day: dt.date, time: dt.time, timezone: str) -> dt.datetime:
    return dt.datetime.combine(day, time, ZoneInfo(timezone))


def window(
    programme: Programme, as_of: dt.date, through: Period | None = None
) -> tuple[YearMonth, YearMonth]:
    """The first and last scheduled months a build publishes.

    From the start of the programme's period through at least twelve months after `as_of`,
    the Code of Practice's 12-month calendar, and never past the programme's end. (Rolling
    forward keeps the year before: next-year records what is left of it.)
    """
    period = programme.period
    first = period.first
    last = max(period.first.plus(11), YearMonth.of(as_of).plus(12))
    if through is not None:
        last = max(last, through.first.plus(11))
    if programme.ends is not None:
        last = min(last, YearMonth.of(programme.ends))
    return first, last


def quiet_until(programme: Programme, releases: list[Release], as_of: dt.date) -> dt.date:
    """The last day from `as_of` on that a build publishes just what one on `as_of` does:
    before a provisional release comes within its notice, a release's day passes (the page
    then lists it as past), or a new month brings one more into the calendar's window."""
    days = [YearMonth.of(as_of).plus(1).first_day - dt.timedelta(days=1)]
    for r in releases:
        if r.date >= as_of:
            days.append(r.date)
        if r.status is Status.PROVISIONAL and (firm := programme.firm_from(r.date)) > as_of:
            days.append(firm - dt.timedelta(days=1))
    return min(days)


def too_many(programme: Programme, as_of: dt.date, through: Period | None = None) -> str | None:
    """Why a build of more than `max_releases` releases is refused, before any is made: most
    often a slip (weekly for monthly, a file pasted twice) that would write hundreds of MB."""
    first, last = window(programme, as_of, through)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [first.plus(n) for n in range(max(count, 0))]
    sizes = sorted(((_slots(p, months), p.id) for p in programme.publications), reverse=True)
    total = sum(size for size, _ in sizes)
    if total <= programme.max_releases:
        return None
    largest = ", ".join(f"{pub_id} ({size:,})" for size, pub_id in sizes[:3])
    return (
        f"{programme.programme_path}: the rules give up to {total:,} releases from "
        f"{first.first_day:%B %Y} to {last.first_day:%B %Y}, more than max_releases = "
        f"{programme.max_releases:,}; the most from {largest}. If a frequency or day is wrong, "
        "put it right; if the calendar is meant to be this large, raise max_releases in "
        "programme.toml"
    )


def _slots(publication: Publication, months: list[YearMonth]) -> int:
    """How many releases its rule gives in `months`, while it is neither suspended nor
    ended: counted from the slots alone, without working out a day."""
    ended = publication.ended.on if publication.ended else None
    return sum(
        len(publication.rule.slots_in(month))
        for month in months
        if not (ended and month.first_day > ended) and not publication.suspension_in(month)
    )


def calendar(
    programme: Programme,
    as_of: dt.date,
    through: Period | None = None,
    *,
    only: Set[ReleaseKey] | None = None,
) -> list[Release]:
    """What a build publishes: every release of the window from `as_of` on, and every
    announced one (`only`: those of them with these keys). A release already past that was
    never announced is left out: the past is only what was announced, and a new programme
    does not claim last spring's releases."""
    first, last = window(programme, as_of, through)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [first.plus(n) for n in range(max(count, 0))]
    # A provisional release was last revised no later than today, and the same all year.
    floor = min(first.first_day, programme.period.holding(as_of).start)
    releases = [
        r
        for r in _collect(programme, months, as_of, floor, every_announced=True, only=only)
        if r.announcement or r.date >= as_of
    ]
    releases.sort(key=lambda r: (r.start, r.topic.slug, r.publication.id))
    return releases


def as_seen_on(programme: Programme, day: dt.date) -> list[Release]:
    """The calendar as a build on `day` published it, from the record alone: what was
    announced by then, as it stood then; the rest as the rules give it now, and provisional,
    since no build had confirmed it by then."""
    record = {}
    for key, a in programme.announcements.items():
        made = tuple(c for c in a.changes if c.on <= day)
        confirmed = a.confirmed if a.confirmed and a.confirmed <= day else None
        if a.confirmed and not confirmed and not made:
            continue  # confirmed later, unchanged by then: it stood as its rule gave it
        date = replay(a.date, made).date if made else a.first_date
        record[key] = replace(a, date=date, confirmed=confirmed, changes=made)
    # A period rolled to since, when today was in an earlier one, had not begun.
    period = min(programme.period, programme.period.holding(day))
    # The seals are of the record as it is now, not as it was then: none is given.
    then = replace(programme, period=period, announcements=record, seals=NO_SEALS)
    return [
        r if r.status is not Status.CONFIRMED or (r.announcement and r.announcement.confirmed)
        else replace(r, status=Status.PROVISIONAL, confirmed=None, sequence=r.sequence - 1)
        for r in calendar(then, day)
    ]  # fmt: skip


def expand(
    programme: Programme, period: Period | None = None, *, as_of: dt.date | None = None
) -> list[Release]:
    """Every release scheduled in `period` (default: the programme's), in date order.

    An announced release takes its date from the record. Others follow the rules, and are
    confirmed when within the notice period of `as_of` (without `as_of`, provisional).
    """
    period = period or programme.period
    releases = _collect(programme, list(period.months), as_of, period.start, every_announced=False)
    releases.sort(key=lambda r: (r.start, r.topic.slug, r.publication.id))
    return releases


def _collect(
    programme: Programme,
    months: list[YearMonth],
    as_of: dt.date | None,
    floor: dt.date,
    *,
    every_announced: bool,
    only: Set[ReleaseKey] | None = None,
) -> list[Release]:
    """The releases the rules schedule in `months`, and those the record holds: in those
    months, or every one of them with `every_announced`; `only`: those with these keys."""
    releases: list[Release] = []
    ids = None if only is None else {key.publication for key in only}
    for topic in programme.topics:
        for publication in topic.publications:
            if ids is not None and publication.id not in ids:
                continue
            slots: list[tuple[Slot, dt.date | None]] = [
                found for month in months for found in publication.rule.slots_in(month)
                if only is None or ReleaseKey(publication.id, found[0]) in only
            ]  # fmt: skip
            releases += _releases(programme, topic, publication, slots, as_of, floor)
    seen = {(r.publication.id, r.scheduled) for r in releases}
    inside = set(months)
    where = {p.id: (t, p) for t in programme.topics for p in t.publications}
    for key in programme.announcements:  # in the record's order, `only` or not: ties stay
        if key in seen or not (every_announced or YearMonth.of(key[1].first_day) in inside):
            continue
        if only is not None and key not in only:
            continue
        topic, publication = where[key[0]]
        slot = [(key[1], publication.rule.nominal(key[1]))]
        releases += _releases(programme, topic, publication, slot, as_of, floor)
    return releases


def _releases(
    programme: Programme,
    topic: Topic,
    publication: Publication,
    slots: list[tuple[Slot, dt.date | None]],
    as_of: dt.date | None,
    floor: dt.date,
) -> list[Release]:
    """The releases of `publication` in `slots`, each with the day (before rolling) the rule
    gives it, if the record or the rule has one.

    `floor` is the earliest a provisional release may say it was last revised: nothing comes
    from the wall clock, so rebuilding the same schedules gives the same bytes.
    """
    rule, recorded, pub_id = publication.rule, programme.announcements, publication.id
    # Confirmations recorded before the first build that kept true days were worked out.
    first = programme.builds.first if programme.builds else as_of
    # Past the programme's end or the publication's, the rules give nothing new.
    ends = [d for d in (programme.ends, publication.ended and publication.ended.on) if d]
    end = min(ends, default=None)
    found = []
    for slot, nominal in slots:
        key = ReleaseKey(pub_id, slot)
        announced = recorded.get(key)
        scheduled = nominal is not None and not publication.suspension_in(YearMonth.of(nominal))
        if not (scheduled or announced):
            continue
        rule_date = roll(nominal, rule.roll, rule.region) if nominal and scheduled else None
        if end and (rule_date or (announced and announced.date) or end) > end:
            # Only what was announced firmly stays: a kept-but-provisional entry goes too.
            if not announced or not (announced.confirmed or announced.changes):
                continue
            rule_date = None
        found.append(_release(programme, topic, publication, slot, nominal, rule_date,
                              announced, (as_of, floor, first)))  # fmt: skip
    return found


def _release(
    programme: Programme, topic: Topic, publication: Publication, slot: Slot,
    nominal: dt.date | None, rule_date: dt.date | None, announced: Announcement | None,
    days: tuple[dt.date | None, dt.date, dt.date | None],
) -> Release:  # fmt: skip
    """One release, from its record entry or its rule's day. `days`: the build's today,
    the floor of its revision days, and the first build that kept true confirmation days."""
    as_of, floor, first = days
    key = ReleaseKey(publication.id, slot)
    date = announced.date if announced else rule_date
    assert date is not None
    state = announced.state if announced else State(date)
    status, confirmed = _status(state, programme.firm_from(date), announced, as_of)
    shown = programme.shown.get(key)
    revised = _revised(status, confirmed, announced, shown, programme.firm_from(date), floor)
    # SEQUENCE counts each new day or time the rules gave it while it was shown, its
    # confirmation and each change (RFC 5545 3.8.7.4), so clients take every one.
    revisions = (shown.revisions if shown else 0) + (confirmed is not None)
    return Release(
        publication=publication,
        topic=topic,
        scheduled=slot,
        date=date,
        start=_start(date, state.time or publication.time, programme.timezone),
        status=status,
        sequence=revisions + (len(announced.changes) if announced else 0),
        uid=release_uid(publication.id, slot, programme.uid_domain),
        revised=_midnight(revised),
        confirmed=confirmed,
        nominal=nominal,
        rule_date=rule_date,
        announcement=announced,
        worked_out=_worked_out(programme, announced, first),
        first_shown=shown.first if shown else None,
        seal=(programme.seals.by_key.get(key) or ("",))[-1],
    )


def _worked_out(programme: Programme, a: Announcement | None, first: dt.date | None) -> bool:
    """Whether its confirmation day is one the versions before the record kept true days
    wrote: recorded before the first build that kept them, and a release day (as it was,
    or as it became) less the notice period, as they worked it out."""
    if not (a and a.confirmed and first and a.confirmed < first):
        return False
    return a.confirmed == programme.firm_from(a.date) or any(
        a.confirmed == programme.firm_from(c.old) for c in a.changes
    )


def _status(
    state: State,
    firm_from: dt.date,
    announced: Announcement | None,
    as_of: dt.date | None,
) -> tuple[Status, dt.date | None]:
    """A release's status, and the day it was confirmed: as the record holds it, or today
    (`as_of`) for one this build confirms, never a day worked out backwards.

    One the record holds but never confirmed (moved while provisional, or kept by next-year)
    and already out stays provisional: it cannot be confirmed after the fact.
    """
    if announced and announced.confirmed:
        return state.status(True), announced.confirmed
    unconfirmed_past = announced and as_of and state.date < as_of
    if as_of and firm_from <= as_of and not unconfirmed_past:
        status = state.status(True)
        return status, as_of if status is Status.CONFIRMED else None
    return state.status(False), None


def _revised(
    status: Status,
    confirmed: dt.date | None,
    announced: Announcement | None,
    shown: Shown | None,
    firm_from: dt.date,
    floor: dt.date,
) -> dt.date:
    """The day a release's details last changed: its last change, its confirmation, or the
    day a build last showed it at a new day or time."""
    days = [c.on for c in announced.changes] if announced else []
    if shown and shown.revised:
        days.append(shown.revised)
    if confirmed and status is not Status.PROVISIONAL:
        days.append(confirmed)
    return max(days) if days else min(floor, firm_from)


def to_announce(releases: list[Release], programme: Programme) -> list[Announcement]:
    """Confirmed releases the record does not hold as confirmed yet: what a build adds.

    One moved while provisional is firm now too, and keeps its history.
    """
    return [
        Announcement(
            r.publication.id,
            r.scheduled,
            r.date,
            r.confirmed,
            r.announcement.changes if r.announcement else (),
        )
        for r in releases
        if r.confirmed and not (r.announcement and r.announcement.confirmed)
    ]


def rule_conflicts(releases: list[Release], as_of: dt.date | None = None) -> list[Finding]:
    """Announced releases still to come (from `as_of`) whose rule now says otherwise, or whose
    day has since become a bank holiday (a one-off, like the 2022 State Funeral): the
    announced date stands until it is moved."""
    found = []
    for r in releases:
        if not r.announcement or r.status is Status.CANCELLED or (as_of and r.date < as_of):
            continue
        first = r.changes[0].old if r.changes else r.date
        where, pub_id = f"{r.publication.id} {r.scheduled}", r.publication.id
        said = f"{where}: announced for {long_date(r.date)}"
        if why := closed_reason(r.date, r.publication.rule.region):
            kind, text = (
                FindingKind.NOT_A_WORKING_DAY,
                f"{said}, which is not a working day ({why})",
            )
            remedy, text = Remedy(Command.MOVE, pub_id, r.date), f"{text}; move it"
        elif r.rule_date is None:
            kind = FindingKind.UNSCHEDULED
            text = f"{said}, but the rules no longer schedule it; it stays. To withdraw it"
            remedy = Remedy(Command.CANCEL, pub_id, r.date)
        elif r.rule_date not in (first, r.date):
            kind = FindingKind.RULE_DIFFERS
            text = (f"{said}; the rule now gives {long_date(r.rule_date)}. The announced date "
                    "stands. To move it")  # fmt: skip
            remedy = Remedy(Command.MOVE, pub_id, r.date, r.rule_date)
        else:
            continue
        found.append(Finding(kind, text, pub_id, str(r.scheduled), r.date, remedy))
    return found


def suspensions(
    programme: Programme, period: Period | None = None
) -> list[tuple[Publication, Suspension]]:
    """The publications suspended for some or all of `period`, with the suspension."""
    period = period or programme.period
    found = []
    for publication in programme.publications:
        for month in period.months:
            if publication.rule.slots_in(month) and (s := publication.suspension_in(month)):
                found.append((publication, s))
                break
    return found
