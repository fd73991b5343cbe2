"""The feeds folder's index page and data files, for people rather than calendar clients."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from html import escape

from calendar_gen.assets import SCRIPT, STYLE
from calendar_gen.feeds import statistics_of
from calendar_gen.glance import year_at_a_glance
from calendar_gen.model import Designation, Period, Precision, Programme, Status
from calendar_gen.news import ATOM, anchor, last_updated
from calendar_gen.releases import (
    FIELDS,
    OCCURRENCE_FIELDS,
    Release,
    occurrence_values,
    publication_fields,
)
from calendar_gen.structured import json_ld
from calendar_gen.subscribing import CANCELLATIONS, feed_groups
from calendar_gen.texts import long_date, plural
from calendar_gen.workdays import nations

# A page is for reading: a whole government's calendar lists the thousand releases from the
# day of the build on and the 250 before, and leaves the rest to releases.csv.
UPCOMING_ROWS, PAST_ROWS = 1000, 250


def _notes(release: Release) -> str:
    """The release's history and the reason for an unusual time; nothing when it has none."""
    notes = [c.text() for c in release.changes]
    if release.publication.time_reason:
        notes.append(f"Released at {release.start:%H:%M}: {release.publication.time_reason}")
    return "".join(f'\n<p class="note"><bdi>{escape(n)}</bdi></p>' for n in notes)


def _when(release: Release) -> str:
    """Its day and time; or, announced to the month, only the month or months."""
    if release.precision is Precision.EXACT:
        return (
            f'<time datetime="{release.start.isoformat()}">{release.date:%a %d %b %Y}</time> '
            f'<span class="time">{release.start:%H:%M}</span>'
        )
    return f'<time datetime="{release.date:%Y-%m}">{release.announced}</time>'


def _release_item(release: Release) -> str:
    """One release: when and its status, then the title, then topic and designation."""
    p = release.publication
    status = release.status.value
    # Announced to the month, it is to come until its last day: no day that was never
    # announced is in the page.
    day = release.date
    if release.precision is not Precision.EXACT:
        day = release.precision.span(day)[1] - dt.timedelta(days=1)
    data = (
        f'data-date="{day.isoformat()}" data-month="{release.date:%Y-%m}" '
        f'data-topic="{escape(release.topic.slug)}" '
        f'data-designation="{p.designation.slug}" data-status="{status}" '
        f'data-publication="{p.id}" data-nation="{_nations(p.rule.region)}"'
    )
    return (
        f'<li class="release {status}" id="{escape(anchor(release))}" {data}>\n'
        f'<p class="when">{_when(release)} <span class="status">{status}</span></p>\n'
        f'<div class="what"><p class="title"><bdi>{escape(p.title)}</bdi></p>{_notes(release)}'
        "</div>\n"
        f'<p class="meta"><span class="topic">{escape(release.topic.name)}</span>'
        f'<span class="designation">{escape(p.designation)}</span></p></li>'
    )


def _nations(region: str) -> str:
    """The nations whose holidays the release keeps, as the page's script reads them."""
    return " ".join(n.slug for n in nations(region))


def _option(value: str, label: str) -> str:
    return f'<option value="{escape(value)}">{escape(label)}</option>'


def _filters(programme: Programme, releases: list[Release]) -> str:
    """Topic, designation and month selectors, shown once the script can act on them."""
    months = sorted({(r.date.year, r.date.month) for r in releases}, reverse=True)
    choices = {
        "topic": ("Topic", "All topics", [(t.slug, t.name) for t in programme.topics]),
        "designation": ("Designation", "All designations",
                        [(d.slug, d.value) for d in Designation]),
        "month": ("Month", "All months",
                  [(f"{y}-{m:02d}", f"{dt.date(y, m, 1):%B %Y}") for y, m in months]),
    }  # fmt: skip
    fields = "".join(
        f'<div><label for="filter-{name}">{label}</label><select id="filter-{name}" name="{name}">'
        + _option("", everything)
        + "".join(_option(v, t) for v, t in options)
        + "</select></div>"
        for name, (label, everything, options) in choices.items()
    )
    return (
        f'<form class="filters" id="filters" aria-label="Filter the releases" hidden>{fields}'
        '<div><button type="reset">Show all</button></div></form>\n'
        '<p class="shown" id="shown" role="status" hidden></p>'
    )


def _shown(releases: list[Release], as_of: dt.date) -> list[Release]:
    """The releases the page lists, newest first: all of them, unless there are too many."""
    coming = [r for r in releases if r.date >= as_of][:UPCOMING_ROWS]
    before = [r for r in releases if r.date < as_of][-PAST_ROWS:]
    return [*reversed(coming), *reversed(before)]


def _release_lists(releases: list[Release], as_of: dt.date) -> str:
    """Every release newest first; the script moves those from today on into Upcoming."""
    shown = _shown(releases, as_of)
    rows = "\n".join(_release_item(r) for r in shown)
    more = (
        f'<p>And {len(releases) - len(shown):,} more: every release is in <a href="releases.csv">'
        "releases.csv</a>.</p>"
        if len(shown) < len(releases)
        else ""
    )
    return (
        '<section class="list" id="upcoming" aria-labelledby="upcoming-heading" hidden>\n'
        '<h3 id="upcoming-heading">Upcoming releases, soonest first</h3>\n'
        '<p class="empty" hidden>No upcoming releases.</p>\n'
        '<ol class="releases" id="upcoming-list"></ol></section>\n'
        '<section class="list" id="past" aria-labelledby="past-heading">\n'
        '<h3 id="past-heading" data-split="Past releases, newest first">'
        "All releases, newest first</h3>\n"
        f'<p class="empty"{"" if not shown else " hidden"}>No releases.</p>\n'
        f'<ol class="releases">\n{rows}\n</ol></section>{more}'
    )


def _paused(programme: Programme) -> str:
    """Publications suspended for a period or ended, each with the reason."""
    items = []
    for topic in programme.topics:
        for p in topic.publications:
            where = f"<strong>{escape(p.title)}</strong> ({escape(topic.name)})"
            items += [
                f"<li>{where}: suspended for {escape(s.period.name)}: {escape(s.reason)}</li>"
                for s in p.suspensions
            ]
            if p.ended:
                items.append(f"<li>{where}: ended on {long_date(p.ended.on)}: "
                             f"{escape(p.ended.reason)}</li>")  # fmt: skip
    if not items:
        return ""
    return (
        '<h2 id="paused">Suspended and ended publications</h2>\n'
        "<ul>\n" + "\n".join(items) + "\n</ul>\n"
    )


def _digest(digest: str, events: str) -> str:
    """The digests of releases.json and of the record's seals, as the record keeps them:
    anyone holding a copy of the record can see it is the one this page was published from."""
    if not digest:
        return ""
    code = '<code class="digest">{}</code>'.format
    sealed = (f" The record's events, as sealed by this build, have the digest "
              f"{code(escape(events))} ([published] events)." if events else "")  # fmt: skip
    return (f"\n<p>releases.json as published has the digest {code(escape(digest))}, which "
            f"the programme's record keeps ([published] releases).{sealed}</p>")  # fmt: skip


def _introduction(programme: Programme, releases: list[Release]) -> str:
    """What the calendar covers, its release time, what the status words mean, its date."""
    span = ""
    if releases:
        span = f" from {releases[0].date:%B %Y} to {releases[-1].date:%B %Y}"
    updated = last_updated(releases)
    stamp = (
        f' Last updated <time datetime="{updated.isoformat()}">{long_date(updated)}</time>.'
        if updated
        else ""
    )
    return (
        f"<p>Pre-announced release dates of {escape(statistics_of(programme.organisation))}{span}. "
        f"Statistics are released at {programme.release_time:%H:%M} UK time on working days "
        f"unless a release shows another time.{stamp}</p>\n"
        + _legend(plural(programme.notice_weeks, "week"))
    )


def _legend(notice: str) -> str:
    """What each status means, as the releases below show it."""
    said = (
        f"<strong>{s.value.capitalize()}</strong>: {escape(s.meaning(notice))}."
        for s in Status
        if s.published
    )
    return f"<p>{' '.join(said)}</p>"


def _reminders(programme: Programme) -> str:
    """What the reminder feeds do, when the programme has them."""
    if programme.reminder is None:
        return ""
    return (f", and with a reminder at {programme.reminder:%H:%M} on the working day\nbefore "
            "each release (the feeds without it carry none)")  # fmt: skip


def _head(programme: Programme, shown: list[Release], period: Period) -> str:
    """The page's head: its title, the news feed, the style and the structured data."""
    org = escape(programme.organisation)
    heading = escape(statistics_of(programme.organisation))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading} release calendar, {escape(period.name)}</title>
<link rel="alternate" type="application/atom+xml" href="{ATOM}"
 title="Changes to the {org} release calendar">
<style>
{STYLE}
</style>
{json_ld(programme, shown)}
</head>"""


def render_index(
    programme: Programme, releases: list[Release], period: Period, as_of: dt.date,
    digest: str = "", events: str = "",
) -> str:  # fmt: skip
    """index.html: every feed's address and links, the releases, and what is paused;
    `digest`, releases.json's, and `events`, the record's seals', which the record keeps too.

    `as_of` matters only for a calendar too long to list whole: the browser, not the build,
    works out which releases are upcoming, so rebuilding never changes the page.
    """
    heading = escape(statistics_of(programme.organisation))
    return f"""{_head(programme, _shown(releases, as_of), period)}
<body>
<a class="skip" href="#releases">Skip to the releases</a>
<header>
<h1>{heading} release calendar</h1>
{_introduction(programme, releases)}
</header>
<main>
<h2 id="subscribe">Subscribe</h2>
<p>Subscribe to a feed and your calendar follows every change. Open its link for your
calendar app, or copy its address, then: in Outlook, Add calendar, Subscribe from web; in
Google Calendar, Other calendars, From URL; in Apple Calendar, File, New Calendar
Subscription; in Thunderbird, New Calendar, On the Network. Each feed comes at the
releases' times, all day (the time in the title){_reminders(programme)}. News of every
confirmation, move and cancellation is in <a href="{ATOM}">{ATOM}</a>, for a news reader.</p>
<p id="cancellations">{CANCELLATIONS}</p>
{feed_groups(programme, releases)}
<p id="copied" class="vh" role="status"></p>
{year_at_a_glance(_shown(releases, as_of), period.first)}
<h2 id="releases" tabindex="-1">Releases</h2>
{_filters(programme, releases)}
{_release_lists(releases, as_of)}
{_paused(programme)}</main>
<footer>
<p>The same releases as data: <a href="releases.csv">releases.csv</a>,
<a href="releases.json">releases.json</a>.</p>{_digest(digest, events)}
</footer>
<script>
{SCRIPT}
</script>
</body>
</html>
"""


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets:
# `=HYPERLINK(...)` becomes a live link that can leak other cells. OWASP's CSV injection advice
# is to make such a cell text with a leading single quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """`text` as a CSV cell that a spreadsheet shows and never runs."""
    return "'" + text if text.startswith(FORMULA_START) else text


# Quoted: cells holding a delimiter, a quote or a line break. Written out rather than left to
# csv.QUOTE_MINIMAL, which quotes a bare line break on Python 3.13 but not on 3.11 or 3.12
# (it looks only at the line terminator given), so readers found more rows than releases.
_NEEDS_QUOTES = re.compile('[,"\r\n]')


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if _NEEDS_QUOTES.search(value) else value


def _csv_cells(values: list[str]) -> str:
    """One CSV line's cells, as RFC 4180 writes them; a lone empty cell is "" as csv writes it."""
    return '""' if values == [""] else ",".join(map(_csv_cell, values))


# A release's own cells and JSON members, in OCCURRENCE_FIELDS order: dates, a status, a
# number, a UID of slugs and a month, which never need quoting or escaping.
_OCCURRENCE_CSV = ",".join("{}" for _ in OCCURRENCE_FIELDS)
_OCCURRENCE_JSON = ", ".join(
    f'"{name}": {{}}' if name == "sequence" else f'"{name}": "{{}}"' for name in OCCURRENCE_FIELDS
)


def csv_lines(releases: list[Release], *, byte_order_mark: bool = False) -> Iterator[str]:
    """releases.csv line by line: the FIELDS of each release, its history as readable text.

    Each line is what csv.writer makes of the release's as_dict() values (a cell holding a comma,
    a quote or a line break quoted, on every Python), each passed through
    spreadsheet_cell (the tests hold it to that), built from the cells its publication's
    releases share, so a whole government's calendar is written in a fraction of the time.
    The occurrence fields are dates, numbers, words and UIDs starting with a slug: never a
    formula, never quoted. `byte_order_mark`: Excel reads UTF-8 as such only after one.
    """
    yield ("\ufeff" if byte_order_mark else "") + _csv_cells(list(FIELDS)) + "\n"
    shared: dict[tuple[int, int], tuple[str, str]] = {}
    for r in releases:
        p = r.publication
        if (key := (id(p), id(r.topic))) not in shared:
            head = _csv_cells(
                [spreadsheet_cell(v) for v in publication_fields(p, r.topic).values()]
            )
            text = _csv_cells([spreadsheet_cell(p.description)]) if p.description else ""
            shared[key] = (head, text)
        head, description = shared[key]
        history = "; ".join(c.text() for c in r.changes)
        history = _csv_cells([spreadsheet_cell(history)]) if history else ""
        middle = _OCCURRENCE_CSV.format(*occurrence_values(r))
        yield f"{head},{middle},{description},{history}\n"


def json_rows(releases: list[Release]) -> list[str]:
    """Each release's row of releases.json: json.dumps(release.as_dict()) exactly (the tests
    hold it to that), built from the parts its publication's releases share."""
    shared: dict[tuple[int, int], tuple[str, str]] = {}
    rows = []
    for r in releases:
        p = r.publication
        if (key := (id(p), id(r.topic))) not in shared:
            head = _json(publication_fields(p, r.topic))[:-1]
            shared[key] = (f"{head}, ", f', "description": {_json(p.description)}, "history": ')
        head, tail = shared[key]
        history = _json(r.history()) if r.changes else "[]"
        rows.append(f"{head}{_OCCURRENCE_JSON.format(*occurrence_values(r))}{tail}{history}}}")
    return rows


def json_lines(releases: list[Release], rows: list[str] | None = None) -> Iterator[str]:
    """releases.json piece by piece: a list with one release per line.

    `rows` are the releases' json_rows, when a build has made them already.
    """
    rows = json_rows(releases) if rows is None else rows
    if not rows:
        yield "[]\n"
        return
    yield "[\n"
    last = len(rows) - 1
    for number, row in enumerate(rows):
        yield f"  {row}\n" if number == last else f"  {row},\n"
    yield "]\n"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
