"""Releases: a programme's rules and announcement record expanded into dated release records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from calendar_gen.record import Announcement, Change, long_date, month_text
from calendar_gen.schedule import Period, Programme, Publication, Suspension, Topic
from calendar_gen.workdays import roll

CONFIRMED, PROVISIONAL, CANCELLED = "confirmed", "provisional", "cancelled"
FIELDS = (
    "id", "title", "topic", "topic_name", "frequency", "designation", "date", "start",
    "status", "sequence", "uid", "scheduled_month", "description", "history",
)  # fmt: skip


@dataclass(frozen=True)
class Release:
    """One release of a publication: the month its rule schedules it in, and its date."""

    publication: Publication
    topic: Topic
    scheduled: tuple[int, int]  # (year, month) the rule places it in; part of its identity
    date: dt.date
    start: dt.datetime  # aware, in the programme's time zone
    status: str
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
                "action": c.action,
                "from": c.old.isoformat(),
                "to": c.new.isoformat() if c.new else None,
                "reason": c.reason,
            }
            for c in self.changes
        ]

    def as_dict(self) -> dict[str, object]:
        """The release as plain data, for JSON and CSV."""
        p = self.publication
        return {
            "id": p.id,
            "title": p.title,
            "topic": self.topic.slug,
            "topic_name": self.topic.name,
            "frequency": p.frequency,
            "designation": p.designation,
            "date": iso_text(self.date),
            "start": iso_text(self.start),
            "status": self.status,
            "sequence": self.sequence,
            "uid": self.uid,
            "scheduled_month": scheduled_text(self.scheduled),
            "description": p.description,
            "history": self.history(),
        }


# Thousands of releases share each date, start and month: their text is made once.
iso_text = cache(lambda moment: moment.isoformat())
scheduled_text = cache(month_text)


def release_uid(publication_id: str, year: int, month: int, domain: str) -> str:
    """A UID that survives rebuilds, retitling and date moves: id and scheduled month only."""
    return f"{publication_id}-{year:04d}-{month:02d}@{domain}"


# A whole government's publications share a few hundred dates, rules and times: each
# combination is worked out once.
@cache
def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), dt.UTC)


@cache
def _start(day: dt.date, time: dt.time, timezone: str) -> dt.datetime:
    return dt.datetime.combine(day, time, ZoneInfo(timezone))


def expand(
    programme: Programme, period: Period | None = None, *, as_of: dt.date | None = None
) -> list[Release]:
    """Every release scheduled in `period` (default: the programme's), in date order.

    An announced release takes its date from the record. Others follow the rules, and are
    confirmed when within the notice period of `as_of` (without `as_of`, provisional).
    """
    period = period or programme.period
    notice = dt.timedelta(weeks=programme.notice_weeks)
    releases = []
    for topic in programme.topics:
        for publication in topic.publications:
            rule = publication.rule
            for year, month in period.months:
                announced = programme.announcements.get((publication.id, (year, month)))
                in_rule = month in rule.months
                scheduled = in_rule and publication.suspension_in(year, month) is None
                if not (scheduled or announced):
                    continue
                nominal = rule.day.date_in(year, month, rule.region) if in_rule else None
                rule_date = roll(nominal, rule.roll, rule.region) if nominal and scheduled else None
                date = announced.date if announced else rule_date
                assert date is not None
                # A release is firm from `notice` before its date; nothing comes from the wall
                # clock, so rebuilding the same schedules gives the same bytes.
                firm_from = date - notice
                if announced and announced.cancelled:
                    status = CANCELLED
                elif (announced and announced.confirmed) or (as_of and firm_from <= as_of):
                    status = CONFIRMED
                else:
                    status = PROVISIONAL
                if announced and announced.changes:
                    revised = announced.changes[-1].on
                elif status == CONFIRMED:
                    revised = (
                        announced.confirmed if announced and announced.confirmed else firm_from
                    )
                else:
                    revised = min(period.start, firm_from)
                releases.append(
                    Release(
                        publication=publication,
                        topic=topic,
                        scheduled=(year, month),
                        date=date,
                        start=_start(date, publication.time, programme.timezone),
                        status=status,
                        sequence=len(announced.changes) if announced else 0,
                        uid=release_uid(publication.id, year, month, programme.uid_domain),
                        revised=_midnight(revised),
                        nominal=nominal,
                        rule_date=rule_date,
                        announcement=announced,
                    )
                )
    releases.sort(key=lambda r: (r.start, r.topic.slug, r.publication.id))
    return releases


def with_history(
    programme: Programme, period: Period, releases: list[Release], as_of: dt.date
) -> list[Release]:
    """`releases` after the announced releases of the period before, which stay in the feeds
    as history: rolling to a new year must not wipe last year from subscribers' calendars."""
    before = period.preceding()
    if before is None or not any(before.contains(*month) for _, month in programme.announcements):
        return releases
    return [r for r in expand(programme, before, as_of=as_of) if r.announcement] + releases


def to_announce(releases: list[Release], programme: Programme) -> list[Announcement]:
    """Confirmed releases the record does not hold as confirmed yet: what a build adds."""
    notice = dt.timedelta(weeks=programme.notice_weeks)
    found = []
    for r in releases:
        if r.status != CONFIRMED or (r.announcement and r.announcement.confirmed):
            continue
        if r.announcement:  # moved while provisional: now it is firm too
            found.append(Announcement(r.publication.id, r.scheduled, r.date, r.date - notice,
                                      r.announcement.changes))  # fmt: skip
        else:
            found.append(Announcement(r.publication.id, r.scheduled, r.date, r.date - notice))
    return found


def rule_conflicts(releases: list[Release]) -> list[str]:
    """Announced releases whose rule now says otherwise: the announced date stands."""
    messages = []
    for r in releases:
        if not r.announcement or r.status == CANCELLED:
            continue
        first = r.changes[0].old if r.changes else r.date
        where = f"{r.publication.id} {month_text(r.scheduled)}"
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
        for year, month in period.months:
            if month in publication.rule.months and (s := publication.suspension_in(year, month)):
                found.append((publication, s))
                break
    return found
