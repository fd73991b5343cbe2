"""Code of Practice checks: what a statistics producer must explain or put right."""

from __future__ import annotations

import datetime as dt

from calendar_gen.model import Programme
from calendar_gen.texts import long_date, plural

STANDARD_TIME = dt.time(9, 30)


def practice_problems(
    programme: Programme, as_of: dt.date, include_past: bool = False
) -> list[str]:
    """Short-notice changes to releases from `as_of` on, and release times not explained.

    A 12-month calendar needs no check: every build publishes one (see releases.window).
    """
    problems = []
    for announcement in programme.announcements.values():
        if announcement.date < as_of and not include_past:
            continue  # what is out is out: nothing left to put right
        for change in announcement.changes:
            if change.on > programme.firm_from(change.old):
                days = (change.old - change.on).days
                problems.append(
                    f"{announcement.id} {announcement.month}: {change.action} on "
                    f"{long_date(change.on)}, {plural(days, 'day')} before its confirmed date "
                    f"({long_date(change.old)}), inside the {programme.notice_weeks}-week "
                    f"notice period: {change.reason}"
                )
    for publication in programme.publications:
        ended = publication.ended and publication.ended.on < as_of
        if publication.time != STANDARD_TIME and not publication.time_reason and not ended:
            problems.append(
                f"{publication.id}: released at {publication.time:%H:%M}, not the standard "
                f"{STANDARD_TIME:%H:%M}; say why with time_reason (for example, an "
                "alternative time approved by the Office for Statistics Regulation)"
            )
    return problems
