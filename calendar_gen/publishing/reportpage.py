"""The compliance report as a page: figures, two charts (SVG, each with a text alternative and
its data as a table) and the lists behind them. Every text from a schedule is escaped."""

from __future__ import annotations

from html import escape as html_escape

from calendar_gen.checks.compliance import ChangeMade, Compliance, Confirmation
from calendar_gen.domain.texts import CONTROL, long_date, plain_html, plural, short_date
from calendar_gen.publishing.assets import STYLE, standalone


def escape(text: str) -> str:
    """A text of the schedules or the record, as the page shows it: escaped, without control
    characters, and in its own direction, so a right-to-left override cannot turn the words
    around it ("exe.PDF")."""
    return f"<bdi>{html_escape(CONTROL.sub('', text))}</bdi>"


EXTRA_STYLE = """
.wide{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.95rem}
td{overflow-wrap:anywhere}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right}
.figures{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;padding:0}
.figures li{border:1px solid #bbb;padding:.5rem .75rem;min-width:11rem}
.figures strong{display:block;font-size:1.4rem}
svg{width:100%;max-width:40rem;height:auto}
svg text{font:14px system-ui,sans-serif;fill:#1b1b1b}
.bar{fill:#1d4f91}.late{fill:#a4000f}.late-key{color:#a4000f}
""".strip()

BAR_HEIGHT, CHART_WIDTH = 22, 640


def render_report(c: Compliance) -> str:
    """The whole page."""
    title = f"{plain_html(c.organisation)}: how the {c.period.name} release calendar was kept"
    heading = f"{escape(c.organisation)}: how the {c.period.name} release calendar was kept"
    return standalone(
        title,
        f"{STYLE}\n{EXTRA_STYLE}",
        f"""<header>
<h1>{heading}</h1>
<p>From the announcement record, as it stood at the end of {long_date(c.as_of)}: the
releases announced by then and dated in the period, the notice each was given, whether each
came out on the day and at the time it was confirmed for, and every change with its reason.
The Code of Practice for Statistics asks for a 12-month release calendar, a specific date and
time four weeks ahead where possible, release at a standard time (usually 9.30am) and every
change explained; this programme confirms each release {plural(c.notice_weeks, "week")} ahead
and releases at {c.standard_time:%H:%M} unless it says otherwise.</p>
</header>
<main>
{_figures(c)}
{_notice(c)}
{_changes(c)}
{_late(c)}
{_passed(c)}
{_times(c)}
{_weeks(c)}
</main>""",
    )


def _figures(c: Compliance) -> str:
    confirmed, due = len(c.confirmations), len(c.due)
    share = f"{100 * c.kept / due:.0f}%" if due else "none due yet"
    changed = c.plans_changed
    items = [
        (f"{c.releases:,}", f"{_noun(c.releases, 'release')} announced in the period"),
        (f"{confirmed:,}", "confirmed in the record"),
        (share, f"of those due, released on the day and at the time they were confirmed for "
                f"({c.kept} of {due})"),
        (f"{changed:,}", f"{_noun(changed, 'change')} of plan recorded, each with its reason"),
        (f"{len(c.late):,}", f"confirmed with less than {c.notice_weeks} weeks' notice"),
        (f"{len(c.passed):,}", "passed without confirmation"),
    ]  # fmt: skip
    cells = "".join(f"<li><strong>{n}</strong>{html_escape(t)}</li>" for n, t in items)
    return f'<h2 id="figures">In figures</h2>\n<ul class="figures">{cells}</ul>'


def _noun(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def _notice(c: Compliance) -> str:
    """A bar for each notice given, in days, with the same figures as a table."""
    counts = c.notice_counts()
    if not counts:
        return '<h2 id="notice">Notice given</h2>\n<p>No release of the period is confirmed.</p>'
    most = max(n for _, n in counts)
    limit = 7 * c.notice_weeks
    bars, rows = [], []
    for i, (days, n) in enumerate(counts):
        y, width = i * BAR_HEIGHT, max(1, round((CHART_WIDTH - 200) * n / most))
        kind = "late" if days < limit else "bar"
        bars.append(f'<text x="0" y="{y + 15}">{plural(days, "day")}</text>'
                    f'<rect class="{kind}" x="90" y="{y + 3}" width="{width}" height="16"/>'
                    f'<text x="{96 + width}" y="{y + 15}">{n}</text>')  # fmt: skip
        rows.append(f'<tr><td class="n">{days}</td><td class="n">{n}</td></tr>')
    summary = ", ".join(f"{n} with {plural(d, 'day')}" for d, n in counts)
    alt = (f"Releases by the days of notice given when confirmed: {summary}. Fewer than "
           f"{limit} days is short notice.")  # fmt: skip
    head = '<tr><th scope="col">Days of notice</th><th scope="col">Releases</th></tr>'
    chart = _chart("notice", "Notice given", alt, len(counts) * BAR_HEIGHT, "".join(bars), head,
                   "".join(rows))  # fmt: skip
    legend = (f'<p>Bars in red (<span class="late-key">\u25a0</span>) are fewer than {limit} days:'
              " short notice.</p>" if any(d < limit for d, _ in counts) else "")  # fmt: skip
    return chart + legend + _worked_out(sum(x.worked_out for x in c.confirmations))


def _worked_out(count: int) -> str:
    if not count:
        return ""
    return (
        f"<p>{plural(count, 'confirmation day')} of the record "
        f"{'was' if count == 1 else 'were'} worked out (the release day less the notice "
        "period) by a version of calendar-gen before the record kept the day of each: "
        "history, kept as it is.</p>"
    )


def _chart(key: str, heading: str, alt: str, height: int, marks: str, head: str, rows: str) -> str:
    """An SVG chart named by its heading and described by `alt`, and its data as a table."""
    return (
        f'<h2 id="{key}">{heading}</h2>\n'
        f'<svg role="img" aria-labelledby="{key}-title {key}-desc" viewBox="0 0 {CHART_WIDTH} '
        f'{height + 4}" width="{CHART_WIDTH}" height="{height + 4}"><title id="{key}-title">'
        f'{heading}</title><desc id="{key}-desc">{plain_html(alt)}</desc>{marks}</svg>\n'
        f'<details><summary>{heading}: the figures</summary><div class="wide"><table>'
        f"<caption>{heading}</caption><thead>{head}</thead><tbody>{rows}</tbody></table></div>"
        "</details>"
    )


def _changes(c: Compliance) -> str:
    if not c.changes:
        return '<h2 id="changes">Changes</h2>\n<p>No change was recorded.</p>'
    rows = "".join(_change_row(x) for x in c.changes)
    return (
        '<h2 id="changes">Changes</h2>\n<table><caption>Every change recorded, with the notice '
        'it gave and its reason</caption><thead><tr><th scope="col">Made on</th>'
        '<th scope="col">Release</th><th scope="col">Change</th><th scope="col">Notice</th>'
        f'<th scope="col">Reason</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _change_row(x: ChangeMade) -> str:
    what = f"{x.action.value} {short_date(x.old)}"
    if x.new is not None and x.new != x.old:
        what += f" to {short_date(x.new)}"
    if x.time is not None:
        what += f" to {x.time:%H:%M}"
    notice = plural(x.notice_days, "day") if x.notice_days is not None else "none to give"
    return (
        f"<tr><td>{short_date(x.on)}</td><td>{escape(x.title)} ({escape(x.month)})</td>"
        f"<td>{what}</td><td>{notice}</td><td>{escape(x.reason)}</td></tr>"
    )


def _late(c: Compliance) -> str:
    heading = f'<h2 id="late">Confirmed with less than {c.notice_weeks} weeks\' notice</h2>\n'
    if not c.late:
        worked = sum(x.worked_out for x in c.confirmations)
        caveat = f" ({worked} of them by days worked out, above)" if worked else ""
        return heading + f"<p>None: every release was confirmed with the full notice{caveat}.</p>"
    return heading + _confirmation_table(c.late)


def _confirmation_table(found: tuple[Confirmation, ...]) -> str:
    rows = "".join(
        f"<tr><td>{escape(x.title)} ({escape(x.month)})</td><td>{short_date(x.date)}</td>"
        f'<td>{short_date(x.confirmed)}</td><td class="n">{x.notice_days}</td></tr>'
        for x in found
    )
    return (
        '<div class="wide"><table><caption>Releases confirmed with less notice than the '
        'programme gives</caption><thead><tr><th scope="col">Release'
        '</th><th scope="col">Confirmed for</th><th scope="col">Confirmed on</th>'
        f'<th scope="col">Days of notice</th></tr></thead><tbody>{rows}</tbody></table></div>'
    )


def _listed(key: str, heading: str, items: list[str], none: str) -> str:
    """A section listing `items` (markup), or saying `none`."""
    listed = "".join(f"<li>{item}</li>" for item in items)
    return f'<h2 id="{key}">{heading}</h2>\n' + (
        f"<ul>{listed}</ul>" if items else f"<p>{none}</p>"
    )


def _passed(c: Compliance) -> str:
    since = ": recorded since as released"
    items = [f"{escape(x.title)} ({escape(x.month)}), {long_date(x.date)}"
             f"{since if x.released else ''}" for x in c.passed]  # fmt: skip
    return _listed("passed", "Passed without confirmation", items, "None.")


def _times(c: Compliance) -> str:
    items = [f"{escape(t.title)}, at {t.time:%H:%M}: "
             f"{escape(t.reason) if t.reason else '<strong>No reason is given.</strong>'}"
             for t in c.times]  # fmt: skip
    return _listed("times", "Alternative release times", items,
                   f"None: every release is at {c.standard_time:%H:%M}.")  # fmt: skip


def _weeks(c: Compliance) -> str:
    """A bar a week across the period, and the weeks as a table."""
    most = max((n for _, n in c.weeks), default=0) or 1
    step = CHART_WIDTH / max(len(c.weeks), 1)
    bars = "".join(
        f'<rect class="bar" x="{i * step:.1f}" y="{120 - round(100 * n / most)}" '
        f'width="{step * 0.8:.1f}" height="{round(100 * n / most)}"/>'
        for i, (_, n) in enumerate(c.weeks)
    )
    first, last = c.weeks[0][0], c.weeks[-1][0]
    axis = (
        f'<text x="0" y="136">{first:%d %b %Y}</text>'
        f'<text x="{CHART_WIDTH}" y="136" text-anchor="end">{last:%d %b %Y}</text>'
    )
    busiest = max(c.weeks, key=lambda w: (w[1], -w[0].toordinal()))
    quiet = sum(n == 0 for _, n in c.weeks)
    alt = (f"Releases a week, {len(c.weeks)} weeks from {first:%d %B %Y}: the busiest the week "
           f"of {busiest[0]:%d %B %Y}, with {busiest[1]}; {quiet} weeks with none.")  # fmt: skip
    rows = "".join(
        f'<tr><td>{monday:%d %b %Y}</td><td class="n">{n}</td></tr>' for monday, n in c.weeks
    )
    return _chart(
        "weeks",
        "The year at a glance",
        alt,
        136,
        bars + axis,
        '<tr><th scope="col">Week of</th><th scope="col">Releases</th></tr>',
        rows,
    )
