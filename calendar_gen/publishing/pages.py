"""The feeds folder's index page and data files, for people rather than calendar clients."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from html import escape

from calendar_gen.domain.language import PAGE_WORDS, Language, releases_of
from calendar_gen.domain.model import Designation, Period, Precision, Programme, Status
from calendar_gen.domain.releases import (
    FIELDS,
    OCCURRENCE_FIELDS,
    Release,
    occurrence_values,
    publication_fields,
)
from calendar_gen.domain.workdays import nations
from calendar_gen.publishing.assets import STYLE, opening, script
from calendar_gen.publishing.feeds import statistics_of
from calendar_gen.publishing.glance import year_at_a_glance
from calendar_gen.publishing.news import ATOM, anchor, last_updated
from calendar_gen.publishing.structured import json_ld
from calendar_gen.publishing.subscribing import cancellations, feed_group_pieces

# A page is for reading: a whole government's calendar lists the thousand releases from the
# day of the build on and the 250 before, and leaves the rest to releases.csv.
UPCOMING_ROWS, PAST_ROWS = 1000, 250


def _notes(release: Release, lang: Language = Language.EN) -> str:
    """The release's history and the reason for an unusual time; nothing when it has none."""
    p, welsh = release.publication, lang is Language.CY
    notes = [lang.change(c, c.reason_cy) for c in release.changes]
    if p.time_reason:
        reason = p.time_reason_cy if welsh else p.time_reason
        notes.append(PAGE_WORDS[lang].released_at.format(time=f"{release.start:%H:%M}",
                                                         reason=reason))  # fmt: skip
    return "".join(f'\n<p class="note"><bdi>{escape(n)}</bdi></p>' for n in notes)


def _when(release: Release, lang: Language = Language.EN) -> str:
    """Its day and time; or, announced to the month, only the month or months."""
    if release.precision is Precision.EXACT:
        return (
            f'<time datetime="{release.start.isoformat()}">{lang.short_date(release.date)}'
            f'</time> <span class="time">{release.start:%H:%M}</span>'
        )
    announced = lang.announced(release.precision, release.date)
    return f'<time datetime="{release.date:%Y-%m}">{announced}</time>'


def _release_item(release: Release, lang: Language = Language.EN) -> str:
    """One release: when and its status, then the title, then topic and designation."""
    p, welsh = release.publication, lang is Language.CY
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
        f'<p class="when">{_when(release, lang)} <span class="status">'
        f"{lang.status(release.status)}</span></p>\n"
        f'<div class="what"><p class="title"><bdi>{escape(p.title_cy if welsh else p.title)}'
        f"</bdi></p>{_notes(release, lang)}</div>\n"
        f'<p class="meta"><span class="topic">'
        f"{escape(release.topic.name_cy if welsh else release.topic.name)}</span>"
        f'<span class="designation">{escape(lang.designation(p.designation))}</span></p></li>'
    )


def _nations(region: str) -> str:
    """The nations whose holidays the release keeps, as the page's script reads them."""
    return " ".join(n.slug for n in nations(region))


def _option(value: str, label: str) -> str:
    return f'<option value="{escape(value)}">{escape(label)}</option>'


def _filters(programme: Programme, releases: list[Release], lang: Language = Language.EN) -> str:
    """Topic, designation and month selectors, shown once the script can act on them."""
    w, welsh = PAGE_WORDS[lang], lang is Language.CY
    months = sorted({(r.date.year, r.date.month) for r in releases}, reverse=True)
    choices = {
        "topic": (w.topic, w.all_topics,
                  [(t.slug, t.name_cy if welsh else t.name) for t in programme.topics]),
        "designation": (w.designation, w.all_designations,
                        [(d.slug, lang.designation(d)) for d in Designation]),
        "month": (w.month, w.all_months,
                  [(f"{y}-{m:02d}", lang.month(dt.date(y, m, 1))) for y, m in months]),
    }  # fmt: skip
    fields = "".join(
        f'<div><label for="filter-{name}">{label}</label><select id="filter-{name}" name="{name}">'
        + _option("", everything)
        + "".join(_option(v, t) for v, t in options)
        + "</select></div>"
        for name, (label, everything, options) in choices.items()
    )
    return (
        f'<form class="filters" id="filters" aria-label="{w.filter_label}" hidden>{fields}'
        f'<div><button type="reset">{w.show_all}</button></div></form>\n'
        '<p class="shown" id="shown" role="status" hidden></p>'
    )


def _shown(releases: list[Release], as_of: dt.date) -> list[Release]:
    """The releases the page lists, newest first: all of them, unless there are too many."""
    coming = [r for r in releases if r.date >= as_of][:UPCOMING_ROWS]
    before = [r for r in releases if r.date < as_of][-PAST_ROWS:]
    return [*reversed(coming), *reversed(before)]


def _release_lists(releases: list[Release], as_of: dt.date, lang: Language = Language.EN) -> str:
    """Every release newest first; the script moves those from today on into Upcoming."""
    w = PAGE_WORDS[lang]
    shown = _shown(releases, as_of)
    rows = "\n".join(_release_item(r, lang) for r in shown)
    csv = '<a href="releases.csv">releases.csv</a>'
    more = (
        f"<p>{w.more.format(n=f'{len(releases) - len(shown):,}', csv=csv)}</p>"
        if len(shown) < len(releases)
        else ""
    )
    return (
        '<section class="list" id="upcoming" aria-labelledby="upcoming-heading" hidden>\n'
        f'<h3 id="upcoming-heading">{w.upcoming}</h3>\n'
        f'<p class="empty" hidden>{w.no_upcoming}</p>\n'
        '<ol class="releases" id="upcoming-list"></ol></section>\n'
        '<section class="list" id="past" aria-labelledby="past-heading">\n'
        f'<h3 id="past-heading" data-split="{w.past}">'
        f"{w.every}</h3>\n"
        f'<p class="empty"{"" if not shown else " hidden"}>{w.none}</p>\n'
        f'<ol class="releases">\n{rows}\n</ol></section>{more}'
    )


def _paused(programme: Programme, lang: Language = Language.EN) -> str:
    """Publications suspended for a period or ended, each with the reason."""
    w, welsh, items = PAGE_WORDS[lang], lang is Language.CY, []
    for topic in programme.topics:
        for p in topic.publications:
            title, name = (p.title_cy, topic.name_cy) if welsh else (p.title, topic.name)
            where = f"<strong>{escape(title)}</strong> ({escape(name)})"
            items += [
                "<li>" + w.suspended.format(where=where, period=escape(s.period.name),
                                            reason=escape(s.reason_cy if welsh else s.reason))
                + "</li>"
                for s in p.suspensions
            ]  # fmt: skip
            if e := p.ended:
                reason = escape(e.reason_cy if welsh else e.reason)
                items.append("<li>" + w.ended.format(where=where, date=lang.long_date(e.on),
                                                     reason=reason) + "</li>")  # fmt: skip
    if not items:
        return ""
    return f'<h2 id="paused">{w.paused}</h2>\n<ul>\n' + "\n".join(items) + "\n</ul>\n"


def _digest(digest: str, events: str, lang: Language = Language.EN) -> str:
    """The digests of releases.json and of the record's seals, as the record keeps them:
    anyone holding a copy of the record can see it is the one this page was published from."""
    if not digest:
        return ""
    w, code = PAGE_WORDS[lang], '<code class="digest">{}</code>'.format
    sealed = w.sealed.format(code=code(escape(events))) if events else ""
    return f"\n<p>{w.digest.format(code=code(escape(digest)))}{sealed}</p>"


def _organisation(programme: Programme, lang: Language) -> str:
    return programme.organisation_cy if lang is Language.CY else programme.organisation


def _heading(programme: Programme, lang: Language) -> str:
    """'Home Office statistics release calendar', 'Calendr datganiadau Y Swyddfa Gartref'."""
    org = _organisation(programme, lang)
    heading = PAGE_WORDS[lang].heading
    return escape(heading.format(org=org, org_statistics=statistics_of(org), of=releases_of(org)))


def _introduction(programme: Programme, releases: list[Release], lang: Language) -> str:
    """What the calendar covers, its release time, what the status words mean, its date."""
    w, org = PAGE_WORDS[lang], _organisation(programme, lang)
    span = ""
    if releases:
        span = w.span.format(first=lang.month(releases[0].date), last=lang.month(releases[-1].date))
    updated = last_updated(releases)
    stamp = (
        w.updated.format(
            date=f'<time datetime="{updated.isoformat()}">{lang.long_date(updated)}</time>'
        )
        if updated
        else ""
    )
    what = org if lang is Language.CY else statistics_of(org)
    time = w.release_time.format(time=f"{programme.release_time:%H:%M}")
    intro = w.intro.format(what=escape(what), of=escape(releases_of(what)), span=span)
    return f"<p>{intro} {time}{stamp}</p>\n" + _legend(lang.weeks(programme.notice_weeks), lang)


def _legend(notice: str, lang: Language = Language.EN) -> str:
    """What each status means, as the releases below show it."""
    said = (
        f"<strong>{lang.status(s).capitalize()}</strong>: {escape(lang.meaning(s, notice))}."
        for s in Status
        if s.published
    )
    return f"<p>{' '.join(said)}</p>"


def _reminders(programme: Programme, lang: Language) -> str:
    """What the reminder feeds do, when the programme has them."""
    if programme.reminder is None:
        return ""
    return PAGE_WORDS[lang].reminders.format(time=f"{programme.reminder:%H:%M}")


def _languages(programme: Programme, lang: Language) -> tuple[str, str]:
    """The head's link to the page in the other language, and the header's; none for a
    programme in English only."""
    if not programme.welsh:
        return "", ""
    other = lang.other
    href = other.file("index.html")
    head = f'\n<link rel="alternate" hreflang="{other}" href="{href}">'
    link = (f'\n<p class="language"><a href="{href}" hreflang="{other}" lang="{other}">'
            f"{other.name_in_itself}</a></p>")  # fmt: skip
    return head, link


def _head(
    programme: Programme, shown: list[Release], period: Period, lang: Language = Language.EN
) -> str:
    """The page's head: its title, the news feed, the style and the structured data."""
    w, org = PAGE_WORDS[lang], escape(_organisation(programme, lang))
    title = w.title.format(heading=_heading(programme, lang), period=escape(period.name))
    news = f'<link rel="alternate" type="application/atom+xml" href="{lang.file(ATOM)}"'
    return f"""{opening(title, lang)}{news}
 title="{w.news_title.format(org=org, of=releases_of(org))}">{_languages(programme, lang)[0]}
<style>
{STYLE}
</style>
{json_ld(programme, shown, lang)}
</head>"""


def render_index(
    programme: Programme, releases: list[Release], period: Period, as_of: dt.date,
    digest: str = "", events: str = "", lang: Language = Language.EN,
) -> str:  # fmt: skip
    """index.html: every feed's address and links, the releases, and what is paused;
    `digest`, releases.json's, and `events`, the record's seals', which the record keeps too.

    `as_of` matters only for a calendar too long to list whole: the browser, not the build,
    works out which releases are upcoming, so rebuilding never changes the page.
    """
    return "".join(index_pieces(programme, releases, period, as_of, digest, events, lang))


def index_pieces(
    programme: Programme, releases: list[Release], period: Period, as_of: dt.date,
    digest: str = "", events: str = "", lang: Language = Language.EN,
) -> Iterator[str]:  # fmt: skip
    """render_index's text in pieces, made as they are written: a whole government's feed
    list is tens of megabytes, never held whole."""
    w = PAGE_WORDS[lang]
    atom = f'<a href="{lang.file(ATOM)}">{lang.file(ATOM)}</a>'
    yield f"""{_head(programme, _shown(releases, as_of), period, lang)}
<body>
<a class="skip" href="#releases">{w.skip}</a>
<header>{_languages(programme, lang)[1]}
<h1>{_heading(programme, lang)}</h1>
{_introduction(programme, releases, lang)}
</header>
<main>
<h2 id="subscribe">{w.subscribe}</h2>
<p>{w.subscribe_help.format(atom=atom, reminders=_reminders(programme, lang))}</p>
<p id="cancellations">{cancellations(lang)}</p>
"""
    yield from feed_group_pieces(programme, releases, lang)
    data = w.data.format(csv='<a href="releases.csv">releases.csv</a>',
                         json='<a href="releases.json">releases.json</a>')  # fmt: skip
    yield f"""
<p id="copied" class="vh" role="status"></p>
{year_at_a_glance(_shown(releases, as_of), period.first, lang)}
<h2 id="releases" tabindex="-1">{w.releases}</h2>
{_filters(programme, releases, lang)}
{_release_lists(releases, as_of, lang)}
{_paused(programme, lang)}</main>
<footer>
<p>{data}</p>{_digest(digest, events, lang)}
</footer>
<script>
{script(lang is Language.CY)}
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
    return list(each_json_row(releases))


def each_json_row(releases: list[Release]) -> Iterator[str]:
    """json_rows one at a time: a whole government's are 200 MB, not held unless needed."""
    shared: dict[tuple[int, int], tuple[str, str]] = {}
    for r in releases:
        p = r.publication
        if (key := (id(p), id(r.topic))) not in shared:
            head = _json(publication_fields(p, r.topic))[:-1]
            shared[key] = (f"{head}, ", f', "description": {_json(p.description)}, "history": ')
        head, tail = shared[key]
        history = _json(r.history()) if r.changes else "[]"
        yield f"{head}{_OCCURRENCE_JSON.format(*occurrence_values(r))}{tail}{history}}}"


def json_lines(releases: list[Release], rows: list[str] | None = None) -> Iterator[str]:
    """releases.json piece by piece: a list with one release per line.

    `rows` are the releases' json_rows, when a build has made them already; else each is
    made as it is written.
    """
    if not releases:
        yield "[]\n"
        return
    yield "[\n"
    last = len(releases) - 1
    for number, row in enumerate(each_json_row(releases) if rows is None else rows):
        yield f"  {row}\n" if number == last else f"  {row},\n"
    yield "]\n"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
