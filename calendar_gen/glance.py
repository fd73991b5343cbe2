"""The page's year at a glance: a month-by-month calendar of the releases it lists.

Each month is a table a screen reader reads as a calendar (a caption, the days of the week as
column headers); each day with releases links to the first of them in the list, its name
saying what comes out, and a mark beside it says, in text and not only in colour, that one was
moved, postponed or cancelled.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from html import escape

from calendar_gen.history import Action, Status
from calendar_gen.news import anchor
from calendar_gen.releases import Release
from calendar_gen.slots import YearMonth
from calendar_gen.texts import long_date, plain_html

MAX_MONTHS = 24  # the page's calendar reaches twelve months ahead of its period
NAMED = 3  # releases named in a day's link; the rest are counted
WEEKDAYS = (("Mon", "Monday"), ("Tue", "Tuesday"), ("Wed", "Wednesday"), ("Thu", "Thursday"),
            ("Fri", "Friday"), ("Sat", "Saturday"), ("Sun", "Sunday"))  # fmt: skip
# What marks a day, in the order the legend gives them: a symbol and its words.
MARKS = (("moved", "\u21bb", "a release moved to this day"),
         ("postponed", "\u2026", "a release postponed"),
         ("cancelled", "\u00d7", "a release cancelled"))  # fmt: skip


def _marks(releases: list[Release]) -> list[str]:
    """The marks a day's releases give it."""
    found = set()
    for r in releases:
        if any(c.action is Action.MOVED for c in r.changes):
            found.add("moved")
        if r.status is Status.POSTPONED:
            found.add("postponed")
        if r.status is Status.CANCELLED:
            found.add("cancelled")
    return [key for key, _, _ in MARKS if key in found]


def _day(day: dt.date, releases: list[Release]) -> str:
    """A day's cell: its number, linked to its first release when it has any."""
    if not releases:
        return f"<td>{day.day}</td>"
    names = [r.publication.title for r in releases[:NAMED]]
    more = len(releases) - len(names)
    what = "; ".join(names) + (f"; and {more} more" if more else "")
    marks = _marks(releases)
    said = "".join(f", {words}" for key, _, words in MARKS if key in marks)
    symbols = "".join(f'<span class="mark {key}" aria-hidden="true">{symbol}</span>'
                      for key, symbol, _ in MARKS if key in marks)  # fmt: skip
    label = plain_html(f"{long_date(day)}: {what}{said}")
    many = len(releases) > 1
    count = f'<span class="many" aria-hidden="true">({len(releases)})</span>' if many else ""
    kind = "on gone" if all(r.status is Status.CANCELLED for r in releases) else "on"
    return (f'<td class="{kind}"><a href="#{escape(anchor(releases[0]))}" aria-label="{label}" '
            f'title="{label}">{day.day}</a>{count}{symbols}</td>')  # fmt: skip


def _month(month: YearMonth, by_day: dict[dt.date, list[Release]]) -> str:
    weeks = calendar.Calendar().monthdatescalendar(month.year, month.month)
    head = "".join(f'<th scope="col"><abbr title="{full}">{short}</abbr></th>'
                   for short, full in WEEKDAYS)  # fmt: skip
    rows = "".join(
        "<tr>" + "".join(_day(d, by_day.get(d, [])) if d.month == month.month else "<td></td>"
                         for d in week) + "</tr>"
        for week in weeks
    )  # fmt: skip
    return (f"<table class=\"month\"><caption>{month.first_day:%B %Y}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")  # fmt: skip


def year_at_a_glance(releases: list[Release], since: YearMonth) -> str:
    """The section: a table for each month from the first release listed (but none before
    `since`, the period's first: the years before are history) to the last."""
    by_day: dict[dt.date, list[Release]] = defaultdict(list)
    for r in sorted(releases, key=lambda r: (r.start, r.publication.id)):
        if r.date >= since.first_day:
            by_day[r.date].append(r)
    if not by_day:
        return ""
    first, last = YearMonth.of(min(by_day)), YearMonth.of(max(by_day))
    count = min((last.year - first.year) * 12 + last.month - first.month + 1, MAX_MONTHS)
    months = "".join(_month(first.plus(n), by_day) for n in range(count))
    legend = "".join(f'<li><span class="mark {key}" aria-hidden="true">{symbol}</span> {words}'
                     "</li>" for key, symbol, words in MARKS)  # fmt: skip
    return (
        '<h2 id="glance">The year at a glance</h2>\n<p>Each day with a release links to it in '
        "the list below.</p>\n"
        f'<ul class="legend">{legend}</ul>\n<div class="months">{months}</div>'
    )
