"""The feeds folder's index page and data files, for people rather than calendar clients."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterator
from html import escape

from calendar_gen.model import Period, Programme, Status
from calendar_gen.releases import (
    FIELDS,
    OCCURRENCE_FIELDS,
    Release,
    occurrence_values,
    publication_fields,
)
from calendar_gen.texts import describe

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem}
a{color:#1d4f91}a:focus{outline:3px solid #fd0;outline-offset:2px}
.feeds{list-style:none;padding:0}.feeds li{border-top:1px solid #ccc;padding:.6rem 0}
.feeds a{margin-right:1rem;white-space:nowrap}
table{border-collapse:collapse;width:100%}caption{text-align:left;font-weight:bold}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid #ddd}
td:first-child{white-space:nowrap}
.cancelled td{color:#666}.cancelled td:nth-child(3){text-decoration:line-through}
@media (max-width:40rem){thead{display:none}tr{display:block;border-bottom:2px solid #ccc;
padding:.5rem 0}td{display:block;border:0;padding:.1rem 0}
td::before{content:attr(data-label) ": ";font-weight:bold}}
""".strip()

# Without feed_url the page links relatively; this turns those links into webcal:// ones
# for wherever the page is served from. Nothing else on the page runs.
WEBCAL_SCRIPT = """
for (const a of document.querySelectorAll("a.subscribe[data-relative]")) {
  a.href = new URL(a.getAttribute("href"), location.href).href.replace(/^https?:/, "webcal:");
}
""".strip()

COLUMNS = ("Date", "Time", "Publication", "Topic", "Designation", "Status", "Changes")
# A page is for reading: a whole government's calendar lists its next thousand releases and
# leaves the rest to releases.csv.
UPCOMING_ROWS, PAST_ROWS = 1000, 250


def _links(programme: Programme, name: str) -> tuple[str, str]:
    """The (subscribe, download) addresses of one feed."""
    if programme.feed_url:
        download = f"{programme.feed_url}/{name}"
        return "webcal:" + download.split(":", 1)[1], download
    return name, name


def _feed_item(programme: Programme, name: str, label: str, upcoming: int) -> str:
    subscribe, download = _links(programme, name)
    relative = "" if programme.feed_url else " data-relative"
    return (
        f"<li><strong>{escape(label)}</strong>: {upcoming} upcoming "
        f"release{'s' if upcoming != 1 else ''}<br>"
        f'<a class="subscribe" href="{escape(subscribe)}"{relative}>Subscribe</a>'
        f'<a class="download" href="{escape(download)}">Download {escape(name)}</a></li>'
    )


def _row(release: Release) -> str:
    p = release.publication
    changes = "; ".join(describe(c) for c in release.changes)
    cells = (
        f'<time datetime="{release.start.isoformat()}">{release.date:%a %d %b %Y}</time>',
        f"{release.start:%H:%M}",
        escape(p.title),
        escape(release.topic.name),
        escape(p.designation),
        release.status,
        escape(changes),
    )
    css = ' class="cancelled"' if release.status is Status.CANCELLED else ""
    tds = "".join(f'<td data-label="{c}">{v}</td>' for c, v in zip(COLUMNS, cells, strict=True))
    return f"<tr{css}>{tds}</tr>"


def _table(caption: str, releases: list[Release], limit: int) -> str:
    if not releases:
        return f"<p>No {escape(caption.lower())}.</p>"
    head = "".join(f'<th scope="col">{c}</th>' for c in COLUMNS)
    rows = "\n".join(_row(r) for r in releases[:limit])
    more = (
        f'<p>And {len(releases) - limit:,} more: every release is in <a href="releases.csv">'
        "releases.csv</a>.</p>"
        if len(releases) > limit
        else ""
    )
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table>{more}"
    )


def render_index(
    programme: Programme, releases: list[Release], period: Period, as_of: dt.date
) -> str:
    """index.html: subscribe links for every feed and the releases, upcoming first."""
    upcoming = [r for r in releases if r.date >= as_of and r.status is not Status.CANCELLED]
    later = [r for r in releases if r.date >= as_of]
    past = [r for r in reversed(releases) if r.date < as_of]
    org = escape(programme.organisation)
    counts = Counter(r.topic.slug for r in upcoming)
    items = [_feed_item(programme, "all.ics", "All releases", len(upcoming))]
    for topic in programme.topics:
        items.append(_feed_item(programme, f"{topic.slug}.ics", topic.name, counts[topic.slug]))
    feeds = "\n".join(items)
    script = f"\n<script>\n{WEBCAL_SCRIPT}\n</script>" if not programme.feed_url else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{org} statistics release calendar, {escape(period.name)}</title>
<style>
{STYLE}
</style>
</head>
<body>
<header>
<h1>{org} statistics release calendar</h1>
<p>Pre-announced release dates for {escape(period.name)}. Statistics are released at
09:30 UK time on working days; confirmed dates change only for a stated reason.</p>
</header>
<main>
<h2 id="subscribe">Subscribe</h2>
<p>Subscribe to a feed and your calendar follows every change. In Outlook choose
Add calendar, Subscribe from web; in Google Calendar, Other calendars, From URL; in Apple
Calendar or Thunderbird, open the Subscribe link.</p>
<ul class="feeds">
{feeds}
</ul>
<h2 id="releases">Releases</h2>
{_table("Upcoming releases", later, UPCOMING_ROWS)}
{_table("Past releases", past, PAST_ROWS)}
</main>
<footer>
<p>The same releases as data: <a href="releases.csv">releases.csv</a>,
<a href="releases.json">releases.json</a>.</p>
</footer>{script}
</body>
</html>
"""


def _csv_cells(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


# A release's own cells and JSON members, in OCCURRENCE_FIELDS order: dates, a status, a
# number, a UID of slugs and a month, which never need quoting or escaping.
_OCCURRENCE_CSV = ",".join("{}" for _ in OCCURRENCE_FIELDS)
_OCCURRENCE_JSON = ", ".join(
    f'"{name}": {{}}' if name == "sequence" else f'"{name}": "{{}}"' for name in OCCURRENCE_FIELDS
)


def csv_lines(releases: list[Release]) -> Iterator[str]:
    """releases.csv line by line: the FIELDS of each release, its history as readable text.

    Each line is what csv.writer makes of the release's as_dict() values (the tests hold it
    to that), built from the cells its publication's releases share, so a whole government's
    calendar is written in a fraction of the time.
    """
    yield _csv_cells(list(FIELDS)) + "\n"
    shared: dict[tuple[int, int], tuple[str, str]] = {}
    for r in releases:
        p = r.publication
        if (key := (id(p), id(r.topic))) not in shared:
            head = _csv_cells(list(publication_fields(p, r.topic).values()))
            shared[key] = (head, _csv_cells([p.description]) if p.description else "")
        head, description = shared[key]
        history = _csv_cells(["; ".join(describe(c) for c in r.changes)]) if r.changes else ""
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
