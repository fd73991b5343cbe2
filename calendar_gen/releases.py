"""Releases: a programme's rules and announcement record expanded into dated release records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from calendar_gen.model import (
    Announcement,
    Change,
    Period,
    Programme,
    Publication,
    Status,
    Suspension,
    Topic,
    YearMonth,
)
from calendar_gen.texts import long_date
from calendar_gen.workdays import roll


@dataclass(frozen=True, slots=True)  # a whole government's calendar holds 100,000s
class Release:
    """One release of a publication: the month its rule schedules it in, and its date."""

    publication: Publication
    topic: Topic
    scheduled: YearMonth  # the month the rule places it in; part of its identity
    date: dt.date
    start: dt.datetime  # aware, in the programme's time zone
    status: Status
    sequence: int  # one more for every recorded change
    uid: str
    revised: dt.datetime  # when its details last changed (UTC): the feed's DTSTAMP
    nominal: dt.date | None  # the day the rule names, before rolling onto a working day
    rule_date: dt.date | None  # what the rule gives now; None when it no longer schedules it
    announcement: Announcement | None  # its entry in the record, once announced

    @property
    def changes(self) -> tuple[Change, ...]:
        return self.announcement.changes if self.announcement else ()

    def history(self) -> list[dict[str, str | None]]:
        """The recorded changes as plain data."""
        return [
            {
                "on": c.on.isoformat(),
                "action": c.action.value,
                "from": c.old.isoformat(),
                "to": c.new.isoformat() if c.new else None,
                "reason": c.reason,
            }
            for c in self.changes
        ]

    def as_dict(self) -> dict[str, object]:
        """The release as plain data, for JSON and CSV: the FIELDS, in order."""
        return {
            **publication_fields(self.publication, self.topic),
            **occurrence_fields(self),
            "description": self.publication.description,
            "history": self.history(),
        }


# The data files' columns, in order: those a publication's releases share, those of one
# release (plain words and numbers that never need quoting in CSV), then two texts.
PUBLICATION_FIELDS = ("id", "title", "topic", "topic_name", "frequency", "designation")
OCCURRENCE_FIELDS = ("date", "start", "status", "sequence", "uid", "scheduled_month")
FIELDS = (*PUBLICATION_FIELDS, *OCCURRENCE_FIELDS, "description", "history")


def publication_fields(p: Publication, topic: Topic) -> dict[str, str]:
    values = (p.id, p.title, topic.slug, topic.name, p.frequency.value, p.designation.value)
    return dict(zip(PUBLICATION_FIELDS, values, strict=True))


def occurrence_values(r: Release) -> tuple[str, str, str, int, str, str]:
    """The OCCURRENCE_FIELDS of a release, in order."""
    return (
        iso_text(r.date), iso_text(r.start), r.status.value, r.sequence, r.uid, str(r.scheduled),
    )  # fmt: skip


def occurrence_fields(r: Release) -> dict[str, str | int]:
    return dict(zip(OCCURRENCE_FIELDS, occurrence_values(r), strict=True))


# Thousands of releases share each date and start: their text is made once.
@lru_cache(maxsize=4096)
def iso_text(moment: dt.date) -> str:
    return moment.isoformat()


def release_uid(publication_id: str, month: YearMonth, domain: str) -> str:
    """A UID that survives rebuilds, retitling and date moves: id and scheduled month only."""
    return f"{publication_id}-{month}@{domain}"


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

    From the start of the programme's period (or of the period holding `as_of`, when that is
    earlier: rolling forward never drops the current year) through at least twelve months
    after `as_of`, the Code of Practice's 12-month calendar, and never past the programme's end.
    """
    period = programme.period
    first = min(period.first, period.holding(as_of).first)
    last = max(period.first.plus(11), YearMonth.of(as_of).plus(12))
    if through is not None:
        last = max(last, through.first.plus(11))
    if programme.ends is not None:
        last = min(last, YearMonth.of(programme.ends))
    return first, last


def calendar(programme: Programme, as_of: dt.date, through: Period | None = None) -> list[Release]:
    """What a build publishes: every release of the window, and every announced one besides."""
    first, last = window(programme, as_of, through)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [first.plus(n) for n in range(max(count, 0))]
    releases = _expand(programme, months, as_of, first.first_day)
    inside = set(months)
    where = {p.id: (t, p) for t in programme.topics for p in t.publications}
    for pub_id, month in sorted(k for k in programme.announcements if k[1] not in inside):
        topic, publication = where[pub_id]
        found = _releases(programme, topic, publication, [month], as_of, first.first_day)
        assert found  # the record holds it
        releases += found
    releases.sort(key=lambda r: (r.start, r.topic.slug, r.publication.id))
    return releases


def expand(
    programme: Programme, period: Period | None = None, *, as_of: dt.date | None = None
) -> list[Release]:
    """Every release scheduled in `period` (default: the programme's), in date order.

    An announced release takes its date from the record. Others follow the rules, and are
    confirmed when within the notice period of `as_of` (without `as_of`, provisional).
    """
    period = period or programme.period
    releases = _expand(programme, list(period.months), as_of, period.start)
    releases.sort(key=lambda r: (r.start, r.topic.slug, r.publication.id))
    return releases


def _expand(
    programme: Programme, months: list[YearMonth], as_of: dt.date | None, floor: dt.date
) -> list[Release]:
    releases = []
    for topic in programme.topics:
        for publication in topic.publications:
            releases += _releases(programme, topic, publication, months, as_of, floor)
    return releases


def _releases(
    programme: Programme,
    topic: Topic,
    publication: Publication,
    months: list[YearMonth],
    as_of: dt.date | None,
    floor: dt.date,
) -> list[Release]:
    """The releases of `publication` scheduled in `months` that the record or the rule has.

    `floor` is the earliest a provisional release may say it was last revised: nothing comes
    from the wall clock, so rebuilding the same schedules gives the same bytes.
    """
    rule, recorded, pub_id = publication.rule, programme.announcements, publication.id
    # Past the programme's end or the publication's, the rules give nothing new.
    ends = [d for d in (programme.ends, publication.ended and publication.ended.on) if d]
    end = min(ends, default=None)
    found = []
    for month in months:
        announced = recorded.get((pub_id, month))
        in_rule = month.month in rule.months
        scheduled = in_rule and publication.suspension_in(month) is None
        if not (scheduled or announced):
            continue
        nominal = rule.day.date_in(month.year, month.month, rule.region) if in_rule else None
        rule_date = roll(nominal, rule.roll, rule.region) if nominal and scheduled else None
        if rule_date and end and rule_date > end:
            if not announced:
                continue
            rule_date = None
        date = announced.date if announced else rule_date
        assert date is not None
        status, revised = _status(programme.firm_from(date), announced, as_of, floor)
        found.append(
            Release(
                publication=publication,
                topic=topic,
                scheduled=month,
                date=date,
                start=_start(date, publication.time, programme.timezone),
                status=status,
                sequence=len(announced.changes) if announced else 0,
                uid=release_uid(pub_id, month, programme.uid_domain),
                revised=_midnight(revised),
                nominal=nominal,
                rule_date=rule_date,
                announcement=announced,
            )
        )
    return found


def _status(
    firm_from: dt.date, announced: Announcement | None, as_of: dt.date | None, floor: dt.date
) -> tuple[Status, dt.date]:
    """A release's status, and the day its details last changed."""
    if announced and announced.cancelled:
        status = Status.CANCELLED
    elif (announced and announced.confirmed) or (as_of and firm_from <= as_of):
        status = Status.CONFIRMED
    else:
        status = Status.PROVISIONAL
    if announced and announced.changes:
        return status, announced.changes[-1].on
    if status is Status.CONFIRMED:
        return status, announced.confirmed if announced and announced.confirmed else firm_from
    return status, min(floor, firm_from)


def to_announce(releases: list[Release], programme: Programme) -> list[Announcement]:
    """Confirmed releases the record does not hold as confirmed yet: what a build adds.

    One moved while provisional is firm now too, and keeps its history.
    """
    return [
        Announcement(
            r.publication.id,
            r.scheduled,
            r.date,
            programme.firm_from(r.date),
            r.announcement.changes if r.announcement else (),
        )
        for r in releases
        if r.status is Status.CONFIRMED and not (r.announcement and r.announcement.confirmed)
    ]


def rule_conflicts(releases: list[Release]) -> list[str]:
    """Announced releases whose rule now says otherwise: the announced date stands."""
    messages = []
    for r in releases:
        if not r.announcement or r.status is Status.CANCELLED:
            continue
        first = r.changes[0].old if r.changes else r.date
        where = f"{r.publication.id} {r.scheduled}"
        if r.rule_date is None:
            messages.append(
                f"{where}: announced for {long_date(r.date)}, but the rules no longer schedule "
                f"it; it stays (to withdraw it: calendar-gen cancel {r.publication.id} "
                f"{r.date} --reason ...)"
            )
        elif r.rule_date not in (first, r.date):
            messages.append(
                f"{where}: announced for {long_date(r.date)}; the rule now gives "
                f"{long_date(r.rule_date)}. The announced date stands (to move it: "
                f"calendar-gen move {r.publication.id} {r.date} {r.rule_date} --reason ...)"
            )
    return messages


def suspensions(
    programme: Programme, period: Period | None = None
) -> list[tuple[Publication, Suspension]]:
    """The publications suspended for some or all of `period`, with the suspension."""
    period = period or programme.period
    found = []
    for publication in programme.publications:
        for month in period.months:
            if month.month in publication.rule.months and (s := publication.suspension_in(month)):
                found.append((publication, s))
                break
    return found
