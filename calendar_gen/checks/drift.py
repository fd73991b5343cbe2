"""The record lined up with the producer's announcements on GOV.UK, for `reconcile`; and the
fields a publisher types into GOV.UK to put each drift right.

An announcement on GOV.UK is a publication's when its title is the publication's title (or
the title govuk-titles.toml gives for it), alone or followed by its period after a colon,
comma, semicolon, full stop, dash or bracket ("Immigration statistics: October to December
2014"), case, punctuation and spacing aside; or, for a slug govuk-titles.toml gives, when its
address's slug is that slug, alone or followed by more words
("immigration-statistics-october-to-december-2014"); the longest such title wins. A
publication's releases and its announcements are then paired nearest day first, never more
than MAX_APART days apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, assert_never

from calendar_gen.domain.history import Cancelled, Moved, Postponed, Released, Retimed, Status
from calendar_gen.domain.model import Precision, Programme
from calendar_gen.domain.releases import Release
from calendar_gen.domain.texts import long_date
from calendar_gen.errors import Problem, ScheduleError, shown
from calendar_gen.findings import Finding, FindingKind
from calendar_gen.web.govuk import Notice, State, said

SCHEMA = "tag:calendar-gen,2026:schemas/reconcile/1"
TITLES_FILE = "govuk-titles.toml"
MAX_APART = 45  # days: a monthly release is paired with its own month's announcement
DRIFTS = (FindingKind.GOVUK_DATE, FindingKind.GOVUK_STATE, FindingKind.GOVUK_MISSING,
          FindingKind.GOVUK_UNKNOWN, FindingKind.GOVUK_LIVE)  # fmt: skip
# What ends a title before its period: a colon, comma, semicolon or full stop, or a dash (en
# and em dashes too) or bracket after a space.
_SEPARATOR = re.compile(r"[:,;.]|\s[-\u2013\u2014(]")


@dataclass(frozen=True)
class Drift:
    """One way the record and GOV.UK disagree: the finding, and each side as it stands."""

    finding: Finding
    release: Release | None
    notice: Notice | None

    def as_dict(self) -> dict[str, Any]:
        here = self.release and {
            "publication": self.release.publication.id,
            "title": self.release.publication.title,
            "date": self.release.date.isoformat(),
            "time": f"{self.release.start:%H:%M}",
            "status": self.release.status.value,
        }
        return {**self.finding.as_dict(), "here": here,
                "govuk": self.notice.as_dict() if self.notice else None}  # fmt: skip


def _key(text: str) -> str:
    """Its words, case and punctuation aside: "Hate crime, England and Wales" is
    "hate crime england and wales"."""
    return " ".join(re.findall(r"\w+", text.casefold()))


@dataclass(frozen=True)
class _Name:
    """A publication's title on GOV.UK as a key, or the slug of its announcements' address."""

    key: str
    publication: str
    slug: bool  # given in govuk-titles.toml as one word: matched to the address too


def read_titles(path: Path, programme: Programme) -> dict[str, str]:
    """govuk-titles.toml: each publication id = its title on GOV.UK, or its slug there."""
    from calendar_gen.domain.texts import CONTROL_OR_NEWLINE
    from calendar_gen.programme.files import read_toml_text
    from calendar_gen.programme.schedule import FILE_LIMIT
    from calendar_gen.web.govuk import MAX_TEXT

    # Read as a schedule is: a byte-order mark, Windows line ends and Word's quotes are met.
    data, text, problem = read_toml_text(path, str(path), FILE_LIMIT)
    if data is None:
        raise ScheduleError([problem or Problem(str(path), "cannot be read")])
    ids, problems = sorted(p.id for p in programme.publications), []
    like = f'{ids[0] if ids else "its-id"} = "Its title on GOV.UK"'
    for pub_id, value in data.items():
        at = _line_of(text, pub_id)
        if pub_id not in ids:
            problems.append(Problem(str(path), f"{at}{shown(pub_id)} is no publication of the "
                                    f"programme: write one of its ids, like {like}"))  # fmt: skip
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(str(path), f"{at}{pub_id} = {shown(value)}: write its "
                                    "title on GOV.UK, or the last part of its announcements' "
                                    "address, as text", pub_id))  # fmt: skip
        elif CONTROL_OR_NEWLINE.search(value) or len(value) > MAX_TEXT:
            problems.append(Problem(str(path), f"{at}{pub_id} = {shown(value[:MAX_TEXT])}: "
                                    f"keep it to one line of at most {MAX_TEXT} characters, "
                                    "without control characters, as GOV.UK's titles are",
                                    pub_id))  # fmt: skip
    if not problems:
        problems = _shared(str(path), text, programme, {k: str(v) for k, v in data.items()})
    if problems:
        raise ScheduleError(problems)
    return {k: str(v) for k, v in data.items()}


def _shared(path: str, text: str, programme: Programme, titles: dict[str, str]) -> list[Problem]:
    """A title given here that another publication has too: an announcement with it could be
    either's, and would be paired with one alone, the other's told missing."""
    owners: dict[str, list[str]] = {}
    for name in _names(programme, titles):
        owners.setdefault(name.key, []).append(name.publication)
    return [Problem(path, f"{_line_of(text, pub_id)}{pub_id} = {shown(titles[pub_id])}: "
                    f"{' and '.join(sorted(set(ids) - {pub_id}))} has that title on GOV.UK "
                    "too, so an announcement could be either's: give each its own title",
                    pub_id)
            for ids in owners.values() if len(ids) > 1
            for pub_id in sorted(ids) if pub_id in titles]  # fmt: skip


def _line_of(text: str, key: str) -> str:
    """Where `key` is given, bare or quoted ("line 3: "), or "" when it is not found."""
    written = re.compile(rf"\s*(?:{re.escape(key)}|[\"']{re.escape(key)}[\"'])\s*=")
    lines = text.splitlines()
    return next((f"line {n}: " for n, line in enumerate(lines, 1) if written.match(line)), "")


def _names(programme: Programme, titles: dict[str, str]) -> list[_Name]:
    """Each publication's title on GOV.UK as a key, longest first."""
    names = []
    for p in programme.publications:
        given = titles.get(p.id, p.title)
        slug = p.id in titles and len(given.split()) == 1
        names.append(_Name(given.strip().casefold() if slug else _key(given), p.id, slug))
    return sorted(names, key=lambda n: -len(n.key))


def _owner(notice: Notice, names: Sequence[_Name]) -> str | None:
    """The publication whose title (or slug) the announcement has: names longest first."""
    title = notice.title
    heads = {_key(title), *(_key(title[: m.start()]) for m in _SEPARATOR.finditer(title))}
    for name in names:
        if name.slug and f"{notice.slug}-".startswith(f"{name.key}-"):
            return name.publication
        if name.key in heads:
            return name.publication
    return None


def _pairs(
    releases: Sequence[Release], notices: Sequence[Notice]
) -> tuple[list[tuple[Release, Notice]], list[Release], list[Notice]]:
    """Releases and announcements paired nearest day first, and those left over."""
    near = sorted(
        ((abs((r.date - n.day).days), i, j) for i, r in enumerate(releases)
         for j, n in enumerate(notices) if abs((r.date - n.day).days) <= MAX_APART),
    )  # fmt: skip
    left_r, left_n, pairs = set(range(len(releases))), set(range(len(notices))), []
    for _, i, j in near:
        if i in left_r and j in left_n:
            pairs.append((releases[i], notices[j]))
            left_r.discard(i)
            left_n.discard(j)
    return pairs, [releases[i] for i in sorted(left_r)], [notices[j] for j in sorted(left_n)]


def out(release: Release, as_of: dt.date) -> bool:
    """Whether it came out: recorded as released, or its day passed with it due."""
    recorded = any(isinstance(c, Released) for c in release.changes)
    return recorded or (release.status.comes_out and release.date < as_of)


def drifts(
    programme: Programme,
    releases: Iterable[Release],
    notices: Iterable[Notice],
    titles: dict[str, str],
    as_of: dt.date,
) -> tuple[list[Drift], int]:
    """Every drift between the releases and the announcements, and how many were paired."""
    keys = _names(programme, titles)
    theirs: dict[str, list[Notice]] = {}
    found: list[Drift] = []
    for n in notices:
        if (pub_id := _owner(n, keys)) is not None:
            theirs.setdefault(pub_id, []).append(n)
        elif n.state is not State.CANCELLED:
            found.append(_unknown(n))
    ours: dict[str, list[Release]] = {}
    for r in releases:
        if r.status.published:
            ours.setdefault(r.publication.id, []).append(r)
    paired = 0
    for p in programme.publications:
        pairs, lone_r, lone_n = _pairs(ours.get(p.id, []), theirs.get(p.id, []))
        paired += len(pairs)
        for r, n in pairs:
            found += _compared(r, n, as_of)
        found += [_missing(r) for r in lone_r if _due_there(r, as_of)]
        found += [_unknown(n) for n in lone_n if n.state is not State.CANCELLED]
    found.sort(key=lambda d: (_day(d), d.finding.kind.value, d.finding.text))
    return found, paired


def _day(d: Drift) -> dt.date:
    return d.release.date if d.release else d.notice.day if d.notice else dt.date.min


def _due_there(release: Release, as_of: dt.date) -> bool:
    """Whether GOV.UK should announce it: provisional or confirmed, not yet out."""
    return release.status in (Status.PROVISIONAL, Status.CONFIRMED) and not out(release, as_of)


def _finding(kind: FindingKind, text: str, r: Release | None, n: Notice | None) -> Drift:
    where = (r.publication.id, str(r.scheduled), r.date) if r else (None, None, None)
    return Drift(Finding(kind, text, *where), r, n)


def _unknown(n: Notice) -> Drift:
    text = (f"GOV.UK announces {shown(n.title)} for {n.display_date} ({n.state.value}, "
            f"{n.link}), which is no release in the record")  # fmt: skip
    return _finding(FindingKind.GOVUK_UNKNOWN, text, None, n)


def _missing(r: Release) -> Drift:
    text = (f"{r.publication.title} on {long_date(r.date)} ({r.status.value}) is not "
            "announced on GOV.UK")  # fmt: skip
    return _finding(FindingKind.GOVUK_MISSING, text, r, None)


def _state_there(status: Status) -> State:
    """What GOV.UK should say of a release in the record: it has no postponed state."""
    match status:
        case Status.CONFIRMED:
            return State.CONFIRMED
        case Status.CANCELLED:
            return State.CANCELLED
        case Status.PROVISIONAL | Status.POSTPONED | Status.NOT_ANNOUNCED:
            return State.PROVISIONAL
        case _:
            assert_never(status)


def _compared(r: Release, n: Notice, as_of: dt.date) -> list[Drift]:
    title = r.publication.title
    if out(r, as_of):
        if n.state is State.CANCELLED:
            return []
        text = (f"{title} came out on {long_date(r.date)}, yet its announcement on GOV.UK "
                f"({n.link}) is still live")  # fmt: skip
        return [_finding(FindingKind.GOVUK_LIVE, text, r, n)]
    found = []
    if _state_there(r.status) is not n.state:
        text = (f"{title} on {long_date(r.date)} is {r.status.value} here, {n.state.value} "
                "on GOV.UK")  # fmt: skip
        found.append(_finding(FindingKind.GOVUK_STATE, text, r, n))
    # A cancelled release has no day to agree on; a postponed one's is to be announced.
    if r.status not in (Status.CANCELLED, Status.POSTPONED) and not _same_days(r, n):
        here = said(r.start, r.precision)
        text = f"{title} is announced here for {here}, on GOV.UK for {n.display_date}"
        found.append(_finding(FindingKind.GOVUK_DATE, text, r, n))
    return found


def _same_days(r: Release, n: Notice) -> bool:
    """Exact on both sides: the same day and time; else each day within the other's span."""
    if r.precision is Precision.EXACT and n.precision is Precision.EXACT:
        return r.start.replace(tzinfo=None) == n.start.replace(tzinfo=None)
    first, after = r.precision.span(r.date)
    their_first, their_after = n.span
    return first <= n.day < after and their_first <= r.date < their_after


# --- what a publisher types into GOV.UK ---------------------------------------------------


class Action(StrEnum):
    """What the publisher does on GOV.UK for a release."""

    ANNOUNCE = "announce"  # a new statistics announcement
    CHANGE_DATE = "change date"  # a date change, with its change note when it was confirmed
    CONFIRM = "confirm"  # a date change to the exact, confirmed day
    CANCEL = "cancel"  # cancel it, with the reason
    UNPUBLISH = "unpublish"  # it came out: link the announcement to the statistics


# GOV.UK has two statistics types (whitehall app/models/publication_type.rb: Official
# Statistics, id 5, and National Statistics, id 15, shown as "Accredited Official Statistics").
ACCREDITED_TYPE, OFFICIAL_TYPE = "Accredited Official Statistics", "Official Statistics"
# GOV.UK's rules for a statistics announcement's words: titles "under 65 characters" and
# "not include the word statistics", summaries "under 160 characters (including spaces)". The
# GOV.UK page was not found in the sources searched; the text is GDS's guidance as quoted at
# govwire.co.uk/news/government-digital-service/statistics-102980. Whitehall does not check
# them (app/models/statistics_announcement.rb checks only that title and summary are given).
MAX_TITLE, MAX_SUMMARY = 65, 160
STATISTICS = re.compile(r"\bstatistics?\b", re.IGNORECASE)
FIELDS = ("action", "publication", "title", "summary", "organisation", "type", "release_date",
          "release_time", "precision", "display_date", "state", "change_note",
          "cancellation_reason", "govuk_link", "published_url")  # fmt: skip


@dataclass(frozen=True)
class Entry:
    """The fields to type into GOV.UK for one release, in FIELDS order."""

    action: Action
    release: Release
    title: str
    organisation: str
    change_note: str
    cancellation_reason: str
    govuk_link: str
    published_url: str

    def row(self) -> dict[str, str]:
        r = self.release
        accredited = r.publication.designation.accredited
        return dict(zip(FIELDS, (
            self.action.value, r.publication.id, self.title, r.publication.description,
            self.organisation, ACCREDITED_TYPE if accredited else OFFICIAL_TYPE,
            r.date.isoformat(), f"{r.start:%H:%M}", _precision_word(r.precision),
            said(r.start, r.precision), _state_there(r.status).value, self.change_note,
            self.cancellation_reason, self.govuk_link, self.published_url,
        ), strict=True))  # fmt: skip


def _precision_word(precision: Precision) -> str:
    """Whitehall's names (app/models/statistics_announcement_date.rb, PRECISION)."""
    match precision:
        case Precision.EXACT:
            return "exact"
        case Precision.MONTH:
            return "one_month"
        case Precision.TWO_MONTHS:
            return "two_month"
        case _:
            assert_never(precision)


def _action(found: Sequence[Drift]) -> Action | None:
    kinds = {d.finding.kind for d in found}
    release = found[0].release
    if release is None or FindingKind.GOVUK_UNKNOWN in kinds:
        return None
    if FindingKind.GOVUK_LIVE in kinds:
        return Action.UNPUBLISH
    if FindingKind.GOVUK_MISSING in kinds:
        return Action.ANNOUNCE
    if FindingKind.GOVUK_DATE in kinds and release.status is not Status.CANCELLED:
        return Action.CHANGE_DATE
    match release.status:  # the state differs, on the same day
        case Status.CANCELLED:
            return Action.CANCEL
        case Status.CONFIRMED:
            return Action.CONFIRM
        case Status.PROVISIONAL:  # confirmed there on its day: a build confirms it here
            return None
        case Status.POSTPONED | Status.NOT_ANNOUNCED:
            return Action.CHANGE_DATE
        case _:
            assert_never(release.status)


def _reason(release: Release, kinds: tuple[type, ...]) -> str:
    return next((c.reason for c in reversed(release.changes) if isinstance(c, kinds)), "")


def entries(
    found: Sequence[Drift], programme: Programme, titles: dict[str, str]
) -> tuple[list[Entry], list[Finding]]:
    """An entry for each release a drift asks to announce or change on GOV.UK, and a warning
    for each of GOV.UK's editorial rules an entry breaks."""
    by_release: dict[str, list[Drift]] = {}
    for d in found:
        if d.release is not None:
            by_release.setdefault(d.release.uid, []).append(d)
    made, warnings = [], []
    for group in by_release.values():
        if (action := _action(group)) is None:
            continue
        r, notice = group[0].release, next((d.notice for d in group if d.notice), None)
        assert r is not None
        title = titles.get(r.publication.id, r.publication.title)
        title = r.publication.title if " " not in title.strip() else title  # a slug: not typed
        released = next((c.url for c in r.changes if isinstance(c, Released)), "")
        note = _reason(r, (Moved, Retimed, Postponed)) if action is Action.CHANGE_DATE else ""
        reason = _reason(r, (Cancelled,)) if action is Action.CANCEL else ""
        entry = Entry(action, r, title, programme.organisation, note, reason,
                      notice.link if notice else "", released)  # fmt: skip
        made.append(entry)
        warnings += _style(entry, notice)
    return made, warnings


def _style(entry: Entry, notice: Notice | None) -> list[Finding]:
    """GOV.UK's rules for an announcement's words, and what whitehall requires."""
    r, summary = entry.release, entry.release.publication.description
    said_of = f"{entry.title} ({r.publication.id})"
    rules = [
        (len(entry.title) >= MAX_TITLE,
         f"{said_of}: its title is {len(entry.title)} characters; GOV.UK's statistics titles "
         f"are under {MAX_TITLE}"),
        (bool(STATISTICS.search(entry.title)),
         f"{said_of}: its title has the word statistics, which GOV.UK leaves out (the page "
         "says it already)"),
        (not summary.strip(),
         f"{said_of}: it has no description, and GOV.UK requires a summary"),
        (len(summary) >= MAX_SUMMARY,
         f"{said_of}: its description is {len(summary)} characters; GOV.UK's summaries are "
         f"under {MAX_SUMMARY}"),
        # whitehall app/models/statistics_announcement_date_change.rb: a change of a
        # confirmed date requires a change note.
        (entry.action is Action.CHANGE_DATE and not entry.change_note
         and notice is not None and notice.state is State.CONFIRMED,
         f"{said_of}: GOV.UK requires a change note to change a confirmed date, and the "
         "record has no reason for the change"),
    ]  # fmt: skip
    return [Finding(FindingKind.GOVUK_STYLE, text, r.publication.id, str(r.scheduled), r.date)
            for broken, text in rules if broken]  # fmt: skip


def entries_csv(made: Sequence[Entry]) -> str:
    """The entries as CSV, a header line first; no cell a spreadsheet would run."""
    import csv
    import io

    from calendar_gen.publishing.pages import spreadsheet_cell

    text = io.StringIO()
    # Every cell quoted: Python 3.11 leaves a bare line break in a cell unquoted otherwise.
    writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(FIELDS)
    for entry in made:
        writer.writerow([spreadsheet_cell(v) for v in entry.row().values()])
    return text.getvalue()


def entries_json(made: Sequence[Entry], warnings: Sequence[Finding]) -> str:
    import json

    data = {"schema": SCHEMA, "entries": [e.row() for e in made],
            "warnings": [w.as_dict() for w in warnings]}  # fmt: skip
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
