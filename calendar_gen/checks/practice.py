"""Code of Practice checks: what a statistics producer must explain or put right."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from calendar_gen.domain.model import Announcement, Precision, Programme
from calendar_gen.domain.texts import long_date, plural
from calendar_gen.findings import Command, Finding, FindingKind, Remedy

STANDARD_TIME = dt.time(9, 30)


def practice_problems(
    programme: Programme, as_of: dt.date, include_past: bool = False
) -> list[Finding]:
    """Short-notice changes to releases from `as_of` on, and release times not explained.

    A 12-month calendar needs no check: every build publishes one (see releases.window).
    """
    problems: list[Finding] = []
    for announcement in programme.announcements.values():
        if announcement.date < as_of and not include_past:
            continue  # what is out is out: nothing left to put right
        problems += short_notice(programme, [announcement])
        for change in announcement.changes:
            if (days := _inside_notice(programme, change.on, change.old)) is not None:
                text = (
                    f"{announcement.id} {announcement.month}: {change.action} on "
                    f"{long_date(change.on)}, {plural(days, 'day')} before its confirmed date "
                    f"({long_date(change.old)}), inside the {programme.notice_weeks}-week "
                    f"notice period: {change.reason}"
                )
                problems.append(_about(announcement, FindingKind.LATE_CHANGE, text))
    problems += passed_unconfirmed(programme, programme.announcements.values(), as_of)
    problems += _unexplained_times(programme, as_of)
    return problems


def _inside_notice(programme: Programme, made: dt.date, day: dt.date) -> int | None:
    """How many days ahead of `day` a thing done on `made` was, if inside `day`'s notice
    period (after it was to be firm); None if in good time. The same rule for all."""
    return (day - made).days if made > programme.firm_from(day) else None


def _about(a: Announcement, kind: FindingKind, text: str, remedy: Remedy | None = None) -> Finding:
    return Finding(kind, text, a.id, str(a.month), a.date, remedy)


def passed_unconfirmed(
    programme: Programme, announced: Iterable[Announcement], as_of: dt.date
) -> list[Finding]:
    """Releases shown as provisional whose day passed before any build confirmed them: they
    stay in the feeds as shown, and what happened is for the producer to record."""
    precision = {p.id: p.precision for p in programme.publications}
    found = []
    for a in announced:
        state = a.state
        if a.confirmed or a.date >= as_of or state.cancelled or state.released or not state.dated:
            continue
        shown = precision.get(a.id, Precision.EXACT)
        when = long_date(a.date)
        if shown is not Precision.EXACT and not a.changes:
            when = f"{shown.said(a.date)} (by its rules, {when})"
        text = (
            f"{a.id} {a.month}: shown as provisional for {when}, which passed "
            "without confirmation (no build in its notice period); it stays in the feeds as "
            "shown. If it came out, record it"
        )
        remedy = Remedy(Command.RELEASED, a.id, a.date)
        found.append(_about(a, FindingKind.PASSED_UNCONFIRMED, text, remedy))
    return found


def short_notice(programme: Programme, confirmed: Iterable[Announcement]) -> list[Finding]:
    """Releases confirmed with less notice than `notice_weeks`, by the day they were."""
    found = []
    for a in confirmed:
        if a.confirmed is None:
            continue
        day = a.date_on(a.confirmed)
        if (days := _inside_notice(programme, a.confirmed, day)) is not None:
            ahead = f"{plural(days, 'day')} ahead" if days else "the same day"
            text = (
                f"{a.id} {a.month}: confirmed on {long_date(a.confirmed)} for "
                f"{long_date(day)}, {ahead}: less than the "
                f"{programme.notice_weeks} weeks' notice, which began on "
                f"{long_date(programme.firm_from(day))}"
            )
            found.append(_about(a, FindingKind.SHORT_NOTICE, text))
    return found


def missed_builds(
    programme: Programme, confirmed: Iterable[Announcement], since: dt.date | None, today: dt.date
) -> list[Finding]:
    """The days after the last build (`since`) and before `today` with no build, if releases
    came within their notice period on them: each was confirmed late, today."""
    if since is None or (today - since).days < 2:
        return []
    late = [(a, (today - programme.firm_from(a.date)).days) for a in confirmed
            if a.confirmed == today and since < programme.firm_from(a.date) < today]  # fmt: skip
    if not late:
        return []
    named = ", ".join(f"{a.id} {a.month} by {plural(days, 'day')}" for a, days in late)
    text = (
        f"no build ran from {long_date(since + dt.timedelta(days=1))} to "
        f"{long_date(today - dt.timedelta(days=1))}, when "
        f"{plural(len(late), 'release')} came within {programme.notice_weeks} weeks of "
        f"{'its day' if len(late) == 1 else 'their days'}; "
        f"confirmed today, late: {named}. Build every day (see How often to build)"
    )
    return [Finding(FindingKind.MISSED_BUILDS, text)]


def _unexplained_times(programme: Programme, as_of: dt.date) -> list[Finding]:
    problems = []
    for publication in programme.publications:
        ended = publication.ended and publication.ended.on < as_of
        if publication.time != STANDARD_TIME and not publication.time_reason and not ended:
            text = (
                f"{publication.id}: released at {publication.time:%H:%M}, not the standard "
                f"{STANDARD_TIME:%H:%M}; say why with time_reason (for example, an "
                "alternative time approved by the Office for Statistics Regulation)"
            )
            problems.append(Finding(FindingKind.UNEXPLAINED_TIME, text, publication.id))
    return problems
