"""A draft release practice policy, from programme.toml and the record alone: Markdown and HTML.

Every text a schedule gives (organisation, titles, reasons) is the producer's to write and may
be anything, so each renderer escapes every text it is given; only the renderers add markup.

Sources of the Code's words quoted here (Code of Practice for Statistics, edition 3.0):
- Standard 3, practices 3.1 and 3.2: the Office for Statistics Regulation's short guide to
  Standard 3, https://osr.statisticsauthority.gov.uk/guidance/short-guide-to-code-of-practice-standard-three-be-transparent/
- Practice 3.11, the practice that asks for this policy: its words were not found (the stored
  copy of the guide above ends at 3.5), so the policy gives its substance, not a quotation, and
  points to the Code itself, https://code.statisticsauthority.gov.uk/
- Alternative release times: OSR's policy for granting them,
  https://osr.statisticsauthority.gov.uk/publication/alternative-release-times-for-official-statistics-policy/pages/2/
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html import escape

from calendar_gen.domain.history import Action
from calendar_gen.domain.model import Precision, Programme, Publication
from calendar_gen.domain.texts import CONTROL, long_date, plural
from calendar_gen.publishing.assets import standalone
from calendar_gen.publishing.feeds import feed_bases, statistics_of
from calendar_gen.publishing.news import ATOM

MARKDOWN_FILE = "release-practice-policy.md"
HTML_FILE = "release-practice-policy.html"

STANDARD_THREE = (
    "https://osr.statisticsauthority.gov.uk/guidance/"
    "short-guide-to-code-of-practice-standard-three-be-transparent/"
)
ALTERNATIVE_TIMES = (
    "https://osr.statisticsauthority.gov.uk/publication/"
    "alternative-release-times-for-official-statistics-policy/pages/2/"
)


@dataclass(frozen=True)
class Quote:
    """The words of the Code (or of the regulator's policy) a statement answers, and where."""

    practice: str  # "Practice 3.1 of the Code of Practice for Statistics": as it is numbered
    words: str
    source: str
    verbatim: bool = True  # False: its substance, where the words themselves were not found


POLICY_PRACTICE = Quote(
    "Practice 3.11 of the Code of Practice for Statistics",
    "asks producers to be transparent about their approach to the orderly release of "
    "statistics, in a published release practice policy (check its words in the Code)",
    "https://code.statisticsauthority.gov.uk/",
    verbatim=False,
)
STANDARD = Quote(
    "Standard 3 of the Code of Practice for Statistics",
    "Producers must release the statistics in a transparent way, at a standard time (usually "
    "9.30am), and pre-announce the date and timing of the release \u2013 so that the public can "
    "have confidence in how and when the statistics are released",
    STANDARD_THREE,
)
CALENDAR = Quote(
    "Practice 3.1 of the Code of Practice for Statistics",
    "Pre-announce the release of statistics with the time and date in a 12-month release "
    "calendar. Give a specific release date and time four weeks ahead where possible",
    STANDARD_THREE,
)
CHANGES = Quote(
    "Practice 3.2 of the Code of Practice for Statistics",
    "Agree changes to pre-announced release dates or times with the Chief Statistician/Head "
    "of Profession for Statistics and announce promptly, explaining the reasons",
    STANDARD_THREE,
)
ALTERNATIVE = Quote(
    "The Office for Statistics Regulation's alternative release times policy",
    "Producers should make clear the timing of release in their statistics announcements.",
    ALTERNATIVE_TIMES,
)


@dataclass(frozen=True)
class Section:
    """One statement of the policy: plain text throughout, never markup."""

    heading: str
    paragraphs: tuple[str, ...]
    items: tuple[str, ...] = ()
    answers: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class Policy:
    title: str
    introduction: tuple[str, ...]
    sections: tuple[Section, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """Every address a quotation comes from, in the order first quoted."""
        quotes = [POLICY_PRACTICE, *(q for s in self.sections for q in s.answers)]
        return tuple(dict.fromkeys(q.source for q in quotes))


def draft(programme: Programme) -> Policy:
    """The policy the programme's settings and record give, statement by statement."""
    org = programme.organisation
    introduction = (
        f"This is a draft release practice policy for {statistics_of(org)}. calendar-gen "
        "wrote it from the programme's settings and its record of announcements: review it, "
        "add what the schedules cannot say (who agrees changes, pre-release access), and "
        "publish it beside the release calendar.",
    )
    sections = (
        _times(programme),
        _notice(programme),
        _changes(programme),
        _where(programme),
        _blackouts(programme),
    )
    return Policy(f"Release practice policy: {statistics_of(org)}", introduction, sections)


def _alternative(p: Publication) -> str:
    reason = p.time_reason or "no reason is stated yet (give one with time_reason)"
    ended = f" It ended on {long_date(p.ended.on)}." if p.ended else ""
    return f"{p.title}: released at {p.time:%H:%M}. Why: {reason.rstrip('.')}.{ended}"


def _times(programme: Programme) -> Section:
    standard = f"{programme.release_time:%H:%M}"
    others = [p for p in programme.publications if p.time != programme.release_time]
    paragraphs = [
        f"Statistics are released at {standard} UK time ({programme.timezone}) on a "
        "working day, unless named below. Each release's time is in its calendar entry."
    ]
    if standard != "09:30":
        paragraphs.append(f"The standard time here, {standard}, is not the Code's usual 9.30am.")
    paragraphs.append(
        f"{plural(len(others), 'publication')} released at another time:" if others
        else "Every publication is released at the standard time."
    )  # fmt: skip
    items = [_alternative(p) for p in others]
    items.append("A single release given another time is retimed, and its reason shown to "
                 "subscribers as for any other change.")  # fmt: skip
    return Section("When statistics are released", tuple(paragraphs), tuple(items),
                   (STANDARD, ALTERNATIVE))  # fmt: skip


def _notice(programme: Programme) -> Section:
    weeks = programme.notice_weeks
    broad = [p for p in programme.publications if p.precision is not Precision.EXACT]
    confirmed = sum(a.confirmed is not None for a in programme.announcements.values())
    ahead = (
        f"to the programme's end, {long_date(programme.ends)}"
        if programme.ends
        else "the twelve months ahead"
    )
    paragraphs = (
        f"The calendar covers the programme's period ({programme.period}) and, from each day "
        f"it is published, {ahead}. A release is shown as provisional until it is confirmed.",
        f"A release is to be confirmed, with its date and time, {plural(weeks, 'week')} before "
        "its day, by the build of the calendar that day, and the day it was confirmed is kept "
        f"in the record. The record holds {plural(confirmed, 'confirmed release')}; the "
        "compliance report (calendar-gen report) gives the notice each was given.",
        "Provisional dates are given to the day"
        + (", except these:" if broad else ", for every publication."),
    )
    items = tuple(f"{p.title}: to {_precision(p.precision)}" for p in broad)
    return Section("How far ahead release dates are announced", paragraphs, items, (CALENDAR,))


def _precision(precision: Precision) -> str:
    """How a provisional date is given, as GOV.UK words the two broad precisions."""
    return {Precision.MONTH: "the month (such as May 2027)",
            Precision.TWO_MONTHS: "two months (such as May to June 2027)"}.get(
                precision, "the day")  # fmt: skip


# What each command does to a release, in the order the record's kinds are listed.
_COMMANDS = {
    Action.MOVED: "calendar-gen move gives it another day",
    Action.CANCELLED: "calendar-gen cancel cancels it; it stays in the calendar, marked cancelled",
    Action.REINSTATED: "calendar-gen reinstate brings back a cancelled release",
    Action.RETIMED: "calendar-gen retime gives it another time on its day",
    Action.POSTPONED: "calendar-gen postpone postpones it until a new date is announced",
    Action.RELEASED: "calendar-gen released records that it came out, with a link",
}


def _changes(programme: Programme) -> Section:
    counts = Counter(c.action for a in programme.announcements.values() for c in a.changes)
    total = sum(counts.values())
    paragraphs = (
        "A pre-announced release is changed only through a command that records the change "
        "and the day it was made; every one but released records the reason too, in words "
        "for the public. The next publication of the calendar shows the change and its "
        f"reason in the calendar feeds, on the calendar page and in {ATOM}, its news feed.",
        f"The record holds {plural(total, 'change')} so far:",
    )
    items = tuple(f"{text}: {counts[action]}" for action, text in _COMMANDS.items())
    return Section("How changes are made, announced and explained", paragraphs, items, (CHANGES,))


def _where(programme: Programme) -> Section:
    if programme.feed_url:
        at = f"The calendar is published at {programme.feed_url}/index.html, with its feeds."
    else:
        at = (
            "The calendar page (index.html) and its feeds are published together, from the "
            "folder calendar-gen writes (set feed_url in programme.toml to give the address)."
        )
    base = f"{programme.feed_url}/" if programme.feed_url else ""
    paragraphs = (
        at,
        "Subscribe to a feed and your calendar follows every confirmation and change: in "
        "Outlook, Add calendar, Subscribe from web; in Google Calendar, Other calendars, From "
        "URL; in Apple Calendar, File, New Calendar Subscription; in Thunderbird, New "
        "Calendar, On the Network. The feeds:",
    )
    items = (
        *(f"{f.title}: {base}{f.name}" for f in feed_bases(programme)),
        f"News of every confirmation and change, for a news reader: {base}{ATOM}",
    )
    return Section("Where the calendar is, and how to follow it", paragraphs, items, (CALENDAR,))


def _blackouts(programme: Programme) -> Section:
    if not programme.blackouts:
        return Section(
            "When nothing is released",
            ("No blackout periods are set.",),
            answers=(STANDARD,),
        )
    items = tuple(
        f"{long_date(b.start)} to {long_date(b.end)}: {b.reason}" for b in programme.blackouts
    )
    paragraphs = (
        "Releases are not planned in these periods; one that falls in them is reported as a "
        "clash (calendar-gen clashes) for the Head of Profession to decide on:",
    )
    return Section("When nothing is released", paragraphs, items, (STANDARD,))


# --- rendering: every text escaped, as any of it may come from a schedule ----------------------

_LINE_BREAKS = re.compile(r"[\t\r\n\u0085\u2028\u2029]+")
# Markdown's inline syntax: code, emphasis, links and images, headings, table cells, strikes.
_MARKDOWN = re.compile(r"[\\`*_\[\]#|~]")
# What opens a block at a line's start, even after a list marker: a list item, a rule or a
# setext heading's line (a quote, `>`, is already an entity).
_BLOCK_START = re.compile(r"^(?:[-+=]|[0-9]{1,9}(?=[.)](?:\s|$)))")


def _plain(text: str) -> str:
    """One line of text: no control characters, each run of line breaks one space."""
    return _LINE_BREAKS.sub(" ", CONTROL.sub("", text)).strip()


def md(text: str) -> str:
    """Text as Markdown shows it literally: no markup, raw HTML or line of its own."""
    safe = _MARKDOWN.sub(r"\\\g<0>", escape(_plain(text), quote=False))
    return _BLOCK_START.sub(_escape_start, safe)


def _escape_start(found: re.Match[str]) -> str:
    """'\\-' for a list marker or rule; '1\\.' for a numbered item (its digits stay as
    they are, the full stop is escaped)."""
    mark = found.group()
    return "\\" + mark if not mark.isdigit() else mark + "\\"


def _md_quote(quote: Quote) -> str:
    words = f'"{md(quote.words)}"' if quote.verbatim else md(quote.words)
    return f"> {md(quote.practice)}: {words}\n> (source: <{quote.source}>)"


def markdown(policy: Policy) -> str:
    """The policy as Markdown (CommonMark)."""
    parts = [f"# {md(policy.title)}", *(md(p) for p in policy.introduction),
             _md_quote(POLICY_PRACTICE)]  # fmt: skip
    for s in policy.sections:
        parts += [f"## {md(s.heading)}", *(md(p) for p in s.paragraphs)]
        if s.items:
            parts.append("\n".join(f"- {md(item)}" for item in s.items))
        parts += [_md_quote(q) for q in s.answers]
    parts += ["## Sources", "\n".join(f"- <{source}>" for source in policy.sources)]
    return "\n\n".join(parts) + "\n"


def h(text: str) -> str:
    """Text as HTML shows it literally, on one line, without control characters."""
    return escape(_plain(text))


def _html_quote(quote: Quote) -> str:
    source = escape(quote.source)
    words = f"\u201c{escape(quote.words)}\u201d" if quote.verbatim else escape(quote.words)
    return (f'<blockquote cite="{source}"><p>{escape(quote.practice)}: {words}</p></blockquote>\n'
            f'<p class="source">Source: <a href="{source}">{source}</a></p>')  # fmt: skip


def _html_section(s: Section) -> str:
    parts = [f"<h2>{h(s.heading)}</h2>", *(f"<p>{h(p)}</p>" for p in s.paragraphs)]
    if s.items:
        parts.append("<ul>\n" + "\n".join(f"<li>{h(i)}</li>" for i in s.items) + "\n</ul>")
    return "\n".join(parts + [_html_quote(q) for q in s.answers])


_STYLE = """body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto;
  max-width: 45rem; padding: 1rem; color: #0b0c0c; background: #fff; }
blockquote { border-left: 4px solid #505a5f; margin: 0.5rem 0; padding-left: 1rem; }
a { color: #1d70b8; } a:focus { outline: 3px solid #fd0; }
.source { font-size: 0.9rem; }"""


def html(policy: Policy) -> str:
    """The policy as a standalone HTML page: nothing fetched from elsewhere, headings in order."""
    title = h(policy.title)
    sources = "\n".join(f'<li><a href="{escape(s)}">{escape(s)}</a></li>' for s in policy.sources)
    body = "\n".join([
        f"<h1>{title}</h1>", *(f"<p>{h(p)}</p>" for p in policy.introduction),
        _html_quote(POLICY_PRACTICE), *(_html_section(s) for s in policy.sections),
        f"<h2>Sources</h2>\n<ul>\n{sources}\n</ul>",
    ])  # fmt: skip
    return standalone(title, _STYLE, f"<main>\n{body}\n</main>")
