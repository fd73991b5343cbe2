"""Releases: a programme's rules expanded into dated, identified release records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from calendar_gen.schedule import Period, Programme, Publication, Suspension, Topic
from calendar_gen.workdays import roll

CONFIRMED, PROVISIONAL, CANCELLED = "confirmed", "provisional", "cancelled"
FIELDS = (
    "id", "title", "topic", "topic_name", "frequency", "designation", "date", "start",
    "status", "sequence", "uid", "scheduled_month", "description",
)  # fmt: skip


@dataclass(frozen=True)
class Release:
    """One release of a publication: the month its rule schedules it in, and its date."""

    publication: Publication
    topic: Topic
    scheduled: tuple[int, int]  # (year, month) the rule places it in; part of its identity
    date: dt.date
    nominal: dt.date  # the day the rule names, before rolling onto a working day
    start: dt.datetime  # aware, in the programme's time zone
    status: str
    sequence: int
    uid: str
    revised: dt.datetime  # when this release's details last changed (UTC); the feed's DTSTAMP

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
            "date": self.date.isoformat(),
            "start": self.start.isoformat(),
            "status": self.status,
            "sequence": self.sequence,
            "uid": self.uid,
            "scheduled_month": f"{self.scheduled[0]:04d}-{self.scheduled[1]:02d}",
            "description": p.description,
        }


def release_uid(publication_id: str, year: int, month: int, domain: str) -> str:
    """A UID that survives rebuilds, retitling and date moves: id and scheduled month only."""
    return f"{publication_id}-{year:04d}-{month:02d}@{domain}"


def expand(
    programme: Programme, period: Period | None = None, *, as_of: dt.date | None = None,
    notice_weeks: int = 4,
) -> list[Release]:  # fmt: skip
    """Every release scheduled in `period` (default: the programme's), in date order.

    Releases up to `notice_weeks` after `as_of` are confirmed, later ones provisional; without
    `as_of` every release is provisional.
    """
    period = period or programme.period
    zone = ZoneInfo(programme.timezone)
    firm_until = as_of + dt.timedelta(weeks=notice_weeks) if as_of else None
    # Nothing may come from the wall clock: an unchanged release keeps the period's start.
    revised = dt.datetime.combine(period.start, dt.time(0, 0), dt.UTC)
    releases = []
    for topic in programme.topics:
        for publication in topic.publications:
            rule = publication.rule
            for year, month in period.months:
                if month not in rule.months or publication.suspension_in(year, month):
                    continue
                nominal = rule.day.date_in(year, month, rule.region)
                date = roll(nominal, rule.roll, rule.region)
                releases.append(
                    Release(
                        publication=publication,
                        topic=topic,
                        scheduled=(year, month),
                        date=date,
                        nominal=nominal,
                        start=dt.datetime.combine(date, publication.time, zone),
                        status=CONFIRMED if firm_until and date <= firm_until else PROVISIONAL,
                        sequence=0,
                        uid=release_uid(publication.id, year, month, programme.uid_domain),
                        revised=revised,
                    )
                )
    releases.sort(key=lambda r: (r.start, r.topic.slug, r.publication.id))
    return releases


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
