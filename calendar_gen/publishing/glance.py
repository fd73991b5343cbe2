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

from calendar_gen.domain.history import Action, Status
from calendar_gen.domain.language import WELSH_DAYS, WELSH_DAYS_SHORT, Language
from calendar_gen.domain.releases import Release
from calendar_gen.domain.slots import YearMonth
from calendar_gen.domain.texts import long_date, plain_html
from calendar_gen.publishing.news import anchor

MAX_MONTHS = 24  # the page's calendar reaches twelve months ahead of its period
NAMED = 3  # releases named in a day's link; the rest are counted
WEEKDAYS = (("Mon", "Monday"), ("Tue", "Tuesday"), ("Wed", "Wednesday"), ("Thu", "Thursday"),
            ("Fri", "Friday"), ("Sat", "Saturday"), ("Sun", "Sunday"))  # fmt: skip
WEEKDAYS_CY = tuple(zip(WELSH_DAYS_SHORT, WELSH_DAYS, strict=True))
# What marks a day, in the order the legend gives them: a symbol and its words.
MARKS = (("moved", "\u21bb", "a release moved to this day"),
         ("postponed", "\u2026", "a release postponed"),
         ("cancelled", "\u00d7", "a release cancelled"))  # fmt: skip
# In Welsh: "Gohiriwyd", "Canslwyd" as the ONS's Welsh release calendar says them.
MARKS_CY = (("moved", "\u21bb", "symudwyd datganiad i'r diwrnod hwn"),
            ("postponed", "\u2026", "gohiriwyd datganiad"),
            ("cancelled", "\u00d7", "canslwyd datganiad"))  # fmt: skip


def _words(lang: Language) -> tuple[tuple[tuple[str, str, str], ...], str, str, str]:
    """The marks, "and N more", the heading and the line under it, in `lang`."""
    if lang is Language.CY:
        return (MARKS_CY, "; a {n} arall", "Y flwyddyn yn gryno",
                "Mae pob diwrnod â datganiad yn arwain ato yn y rhestr isod.")  # fmt: skip
    return (MARKS, "; and {n} more", "The year at a glance",
            "Each day with a release links to it in the list below.")  # fmt: skip


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


def _day(day: dt.date, releases: list[Release], lang: Language = Language.EN) -> str:
    """A day's cell: its number, linked to its first release when it has any."""
    if not releases:
        return f"<td>{day.day}</td>"
    welsh = lang is Language.CY
    names = [r.publication.title_cy if welsh else r.publication.title for r in releases[:NAMED]]
    marked, and_more, _, _ = _words(lang)
    more = len(releases) - len(names)
    what = "; ".join(names) + (and_more.format(n=more) if more else "")
    marks = _marks(releases)
    said = "".join(f", {words}" for key, _, words in marked if key in marks)
    symbols = "".join(f'<span class="mark {key}" aria-hidden="true">{symbol}</span>'
                      for key, symbol, _ in marked if key in marks)  # fmt: skip
    label = plain_html(f"{lang.long_date(day) if welsh else long_date(day)}: {what}{said}")
    many = len(releases) > 1
    count = f'<span class="many" aria-hidden="true">({len(releases)})</span>' if many else ""
    kind = "on gone" if all(r.status is Status.CANCELLED for r in releases) else "on"
    return (f'<td class="{kind}"><a href="#{escape(anchor(releases[0]))}" aria-label="{label}" '
            f'title="{label}">{day.day}</a>{count}{symbols}</td>')  # fmt: skip


def _month(
    month: YearMonth, by_day: dict[dt.date, list[Release]], lang: Language = Language.EN
) -> str:
    weeks = calendar.Calendar().monthdatescalendar(month.year, month.month)
    days = WEEKDAYS_CY if lang is Language.CY else WEEKDAYS
    head = "".join(f'<th scope="col"><abbr title="{full}">{short}</abbr></th>'
                   for short, full in days)  # fmt: skip
    rows = "".join(
        "<tr>" + "".join(_day(d, by_day.get(d, []), lang) if d.month == month.month
                         else "<td></td>" for d in week) + "</tr>"
        for week in weeks
    )  # fmt: skip
    return (f"<table class=\"month\"><caption>{lang.month(month.first_day)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")  # fmt: skip


def year_at_a_glance(
    releases: list[Release], since: YearMonth, lang: Language = Language.EN
) -> str:
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
    months = "".join(_month(first.plus(n), by_day, lang) for n in range(count))
    marked, _, heading, line = _words(lang)
    legend = "".join(f'<li><span class="mark {key}" aria-hidden="true">{symbol}</span> {words}'
                     "</li>" for key, symbol, words in marked)  # fmt: skip
    return (
        f'<h2 id="glance">{heading}</h2>\n<p>{line}</p>\n'
        f'<ul class="legend">{legend}</ul>\n<div class="months">{months}</div>'
    )
