"""Reference writers: the plain, one-thing-at-a-time forms of what the package writes fast.

The package's writers share pieces between releases (a publication's cells, a status's
lines, a day's stamps) to write a whole government's calendar quickly. These write each
release on its own, from its fields, with none of those pieces: the differential tests in
test_feeds.py and test_pages.py hold the fast writers to them byte for byte. They use only
the package's text primitives (escape_text and fold, each checked against six parsers in
test_feeds.py; spreadsheet_cell and each change's text(), checked in test_pages.py and
test_messages.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from calendar_gen.domain.history import Change, Moved, Reinstated, Retimed
from calendar_gen.domain.model import Period, Programme, Status
from calendar_gen.domain.releases import Release
from calendar_gen.domain.rules import MonthlyRule
from calendar_gen.domain.slots import YearMonth
from calendar_gen.domain.workdays import roll
from calendar_gen.publishing.feeds import escape_text, feed_chunks, fold

# The data files' columns, in order, as the README documents them.
FIELDS = ("id", "title", "topic", "topic_name", "frequency", "designation", "date", "start",
          "status", "sequence", "uid", "scheduled_month", "confirmed_on", "confirmed_on_source",
          "first_shown_on", "precision", "seal", "description", "history")  # fmt: skip


def release_as_dict(release: Release) -> dict[str, object]:
    """A release as plain data, for JSON and CSV: the FIELDS, in order."""
    p, topic = release.publication, release.topic
    row: dict[str, object] = {
        "id": p.id,
        "title": p.title,
        "topic": topic.slug,
        "topic_name": topic.name,
        "frequency": p.frequency.value,
        "designation": p.designation.value,
        "date": release.date.isoformat(),
        "start": release.start.isoformat(),
        "status": release.status.value,
        "sequence": release.sequence,
        "uid": release.uid,
        "scheduled_month": str(release.scheduled),
        "confirmed_on": release.confirmed.isoformat() if release.confirmed else "",
        "confirmed_on_source": (
            "" if release.confirmed is None else "worked out" if release.worked_out else "recorded"
        ),
        "first_shown_on": release.first_shown.isoformat() if release.first_shown else "",
        # Shown to the publication's precision only until confirmed; never shown: no day.
        "precision": "exact"
        if release.confirmed
        or release.changes
        or release.status.value in ("confirmed", "not announced")
        else str(p.precision),
        "seal": release.seal,
        "description": p.description,
        "history": [_change_row(c) for c in release.changes],
    }
    assert tuple(row) == FIELDS
    return row


def _change_row(c: Change) -> dict[str, str | None]:
    row = {"on": c.on.isoformat(), "action": c.action.value, "from": c.old.isoformat(),
           "to": None, "reason": c.reason}  # fmt: skip
    match c:
        case Moved(new=new) | Reinstated(new=new):
            row["to"] = new.isoformat()
        case Retimed(time=time):
            row["time"] = f"{time.hour:02d}:{time.minute:02d}"
    return row


def render_feeds(programme: Programme, releases: list[Release], period: Period) -> dict[str, str]:
    """Every feed of a build, by file name, as whole texts (a build writes them in pieces)."""
    return {name: "".join(chunks) for name, chunks in feed_chunks(programme, releases, period)}


def _stamp(moment: dt.datetime) -> str:
    m = moment.astimezone(dt.UTC)
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"


def _months_only(release: Release) -> int | None:
    """How many months the event spans, for a release announced to the month and not yet
    confirmed; None for one announced to the day."""
    spans = {"month": 1, "two months": 2}.get(str(release.publication.precision))
    # A recorded change names its days: from then on the release is shown to the day.
    exact = release.confirmed or release.changes or release.status is Status.CONFIRMED
    return None if exact else spans


def _months_said(release: Release) -> str:
    months = _months_only(release)
    assert months is not None
    y, m = release.date.year, release.date.month
    if months == 1:
        return f"{calendar.month_name[m]} {y}"
    y2, m2 = (y, m + 1) if m < 12 else (y + 1, 1)
    opening = calendar.month_name[m] + ("" if y2 == y else f" {y}")
    return f"{opening} to {calendar.month_name[m2]} {y2}"


def _title(release: Release) -> str:
    title = release.publication.title
    if _months_only(release) and release.status is Status.PROVISIONAL:
        return f"{title} (provisional, {_months_said(release)})"
    return {
        Status.CONFIRMED: title,
        Status.PROVISIONAL: f"{title} (provisional)",
        Status.CANCELLED: f"Cancelled: {title}",
    }[release.status]


def _description(release: Release) -> str:
    p = release.publication
    history = "\n".join(c.text() for c in release.changes)
    if not _months_only(release):
        when = (
            f"{release.start.hour:02d}:{release.start.minute:02d} UK time, {release.status.value}"
        )
    elif release.status is Status.PROVISIONAL:
        when = (f"provisional: {_months_said(release)}, the day to be announced when it is "
                "confirmed")  # fmt: skip
    else:
        when = f"{release.status.value}, {_months_said(release)}"
    facts = f"{p.designation.value}. {p.frequency.value.capitalize()} release, {when}."
    return "\n\n".join(part for part in (history, p.description, facts) if part)


def _category(release: Release) -> str:
    # Every character a client splits or merges categories at, and white space: one space.
    name = re.sub(r'[,;:\\"\s\x00-\x1f\x7f]+', " ", release.topic.name).strip()
    return name or release.topic.slug


def event_as_first_written(release: Release, tzid: str) -> str:
    """A VEVENT written a property at a time from the release's fields, nothing shared."""
    stamp, start = _stamp(release.revised), release.start
    status = {Status.CONFIRMED: "CONFIRMED", Status.CANCELLED: "CANCELLED"}
    if (months := _months_only(release)) is None:
        when = (
            f"DTSTART;TZID={tzid}:{start.year:04d}{start.month:02d}{start.day:02d}"
            f"T{start.hour:02d}{start.minute:02d}00\r\nDURATION:PT30M\r\n"
        )
    else:
        y, m = release.date.year, release.date.month
        y2, m2 = (y, m + months) if m + months <= 12 else (y + 1, m + months - 12)
        when = f"DTSTART;VALUE=DATE:{y:04d}{m:02d}01\r\nDTEND;VALUE=DATE:{y2:04d}{m2:02d}01\r\n"
    return (
        "BEGIN:VEVENT\r\n"
        + fold(f"UID:{release.uid}")
        + f"DTSTAMP:{stamp}\r\nLAST-MODIFIED:{stamp}\r\n"
        + when
        + fold(f"SUMMARY:{escape_text(_title(release), multiline=False)}")
        + fold(f"DESCRIPTION:{escape_text(_description(release))}")
        + fold(f"CATEGORIES:{_category(release)},{release.publication.designation.value}")
        + f"STATUS:{status.get(release.status, 'TENTATIVE')}\r\n"
        + f"SEQUENCE:{release.sequence}\r\nTRANSP:TRANSPARENT\r\nCLASS:PUBLIC\r\nEND:VEVENT\r\n"
    )


def rule_date(rule: MonthlyRule, year: int, month: int) -> dt.date:
    """The release date a monthly rule gives the month, as a build works it out: the rule's
    day in that month, rolled onto a working day of its region."""
    nominal = rule.nominal(YearMonth(year, month))
    assert nominal is not None, f"the rule schedules nothing in {year}-{month:02d}"
    return roll(nominal, rule.roll, rule.region)
