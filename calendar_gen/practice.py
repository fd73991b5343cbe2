"""Code of Practice checks: what a statistics producer must explain or put right."""

from __future__ import annotations

import datetime as dt

from calendar_gen.model import Programme, Status
from calendar_gen.releases import Release, expand
from calendar_gen.texts import long_date

STANDARD_TIME = dt.time(9, 30)
AHEAD = dt.timedelta(days=365)


def practice_problems(programme: Programme, as_of: dt.date) -> list[str]:
    """Short-notice changes, non-standard release times, and gaps in the year ahead."""
    problems = []
    for announcement in programme.announcements.values():
        for change in announcement.changes:
            if change.on > programme.firm_from(change.old):
                days = (change.old - change.on).days
                problems.append(
                    f"{announcement.id} {announcement.month}: {change.action} on "
                    f"{long_date(change.on)}, {days} days before its confirmed date "
                    f"({long_date(change.old)}), inside the {programme.notice_weeks}-week "
                    f"notice period: {change.reason}"
                )
    for publication in programme.publications:
        if publication.time != STANDARD_TIME:
            problems.append(
                f"{publication.id}: released at {publication.time:%H:%M}, not the standard "
                f"{STANDARD_TIME:%H:%M}; say why in its description"
            )
    problems += _gaps(programme, as_of)
    return problems


def _gaps(programme: Programme, as_of: dt.date) -> list[str]:
    """Publications whose rules expect a release in the next year but none is announced."""

    def upcoming(releases: list[Release]) -> dict[str, list[Release]]:
        found: dict[str, list[Release]] = {}
        for r in releases:
            if as_of < r.date <= as_of + AHEAD and r.status is not Status.CANCELLED:
                found.setdefault(r.publication.id, []).append(r)
        return found

    announced = upcoming(expand(programme, as_of=as_of))
    # What the rules would give over the year ahead, whatever period is announced so far.
    here = programme.period.holding(as_of)
    expected = upcoming(expand(programme, here) + expand(programme, here.following()))
    problems = []
    for publication in programme.publications:
        if publication.id in expected and publication.id not in announced:
            first = expected[publication.id][0].date
            problems.append(
                f"{publication.id}: no release announced in the next twelve months, though its "
                f"rule gives one on {long_date(first)}; announce the next period "
                "(set period in programme.toml)"
            )
    return problems
