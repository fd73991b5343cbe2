"""The announcement record: every confirmed release date, and every change made to one since.

It lives beside the rules as `announcements.toml`. Once a release is in it, its date comes
from here and not from the rule, so a rule change can never silently move an announced date.
This module reads and checks it; `edits` writes it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from calendar_gen.domain.history import (
    CHANGE_KEYS,
    KINDS,
    WELSH_REASON,
    Action,
    State,
    Unreadable,
    lands_on,
    read_change,
)
from calendar_gen.domain.model import (
    NO_SEALS,
    Announcement,
    Builds,
    Change,
    Key,
    Precision,
    Seals,
    Showing,
    ShownRow,
    choose,
)
from calendar_gen.domain.slots import Slot, parse_slot
from calendar_gen.domain.workdays import FIRST_YEAR, LAST_YEAR
from calendar_gen.errors import Problem
from calendar_gen.errors import shown as written
from calendar_gen.programme.files import read_toml
from calendar_gen.record import recordtext
from calendar_gen.record.seals import SEAL, builds_seal, events_digest, sealed
from calendar_gen.record.seals import row_seals as seal_chain

RELEASE_KEYS = ("id", "month", "date", "confirmed", "change")  # what people write
ALLOWED_KEYS = frozenset((*RELEASE_KEYS, SEAL))  # and the seal a build writes
ACTIONS = tuple(Action)


MADE_BEFORE = 3 * 366  # days before its scheduled month a change to a release may be made


def plausible(day: dt.date, slot: Slot) -> bool:
    """A release date within a year of its scheduled month: anything further is a typo."""
    return abs((day - slot.first_day).days) <= 366


@dataclass(frozen=True)
class Record:
    """The record as read: every announced release, and what the builds published from it."""

    announcements: dict[Key, Announcement]
    builds: Builds | None
    shown: tuple[ShownRow, ...] = ()
    seals: Seals = NO_SEALS


def read_record(path: Path, shown: str, regions: Mapping[str, str]) -> tuple[Record, list[Problem]]:
    """Read and check the record; `regions` maps each publication id to its holiday region."""
    if not path.exists():
        return Record({}, None), []
    data, problem = read_toml(path, shown, usual=recordtext.read)
    if data is None:
        return Record({}, None), [problem] if problem else []
    problems: list[Problem] = []
    unknown = [k for k in data if k not in ("release", recordtext.PUBLISHED, recordtext.SHOWN)]
    if unknown:
        problems.append(Problem(shown, f"unknown key '{unknown[0]}'; the record holds "
                                       "[published], [[release]] and [[shown]]"))  # fmt: skip
    builds = _read_builds(data.get(recordtext.PUBLISHED), shown, problems)
    listed = data.get(recordtext.SHOWN, [])
    rows = _read_shown(listed, shown, problems)
    entries = data.get("release", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return Record({}, builds, rows), [
            Problem(shown, "release must be tables, written [[release]]")
        ]
    found: dict[Key, Announcement] = {}
    stored: dict[Key, tuple[Any, ...]] = {}  # the seals as written
    for index, entry in enumerate(entries):
        announcement, entry_problems = _read_entry(entry, index, shown, regions)
        problems += entry_problems
        if announcement is None:
            continue
        if announcement.key in found:
            message = f"month '{announcement.month}' has two entries; keep one"
            problems.append(Problem(shown, message, announcement.id))
        found[announcement.key] = announcement
        stored[announcement.key] = (
            entry.get(SEAL),
            *(c.get(SEAL) for c in entry.get("change", [])),
        )
    if problems:
        return Record(found, builds, rows), problems
    row_seals = [row.get(SEAL) for row in listed]
    seals = check_seals(found, stored, rows, row_seals, builds, Problems(shown, problems))
    return Record(found, builds, rows, seals), problems


def _read_shown(rows: Any, shown: str, problems: list[Problem]) -> tuple[ShownRow, ...]:
    """The [[shown]] rows calendar-gen writes, every mistake in them told."""
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        problems.append(Problem(shown, "shown must be tables, written [[shown]]"))
        return ()
    found = []
    for number, row in enumerate(rows, 1):
        where = f"[[shown]] row {number}"
        if unknown := [k for k in row if k not in SHOWN_KEYS]:
            key = _key(unknown[0], SHOWN_KEYS)
            problems.append(Problem(shown, f"unknown key {key} in {where}; allowed: on (or "
                                           "before), releases"))  # fmt: skip
        when = "before" if "before" in row else "on"
        day, listed = _date(row.get(when)), row.get("releases")
        if day is None or ("on" in row and "before" in row):
            problems.append(Problem(shown, f"{where} {_not_a_date('on', row.get(when))}"))
        if not isinstance(listed, list):
            problems.append(Problem(shown, f"{where} releases must be a list of releases"))
            continue
        showings = [_showing(text, where, shown, problems) for text in listed]
        if day is not None:
            found.append(ShownRow(day, tuple(s for s in showings if s), when == "before"))
    return tuple(found)


SHOWN_KEYS = ("on", "before", "releases", SEAL)
_SHOWING = re.compile(
    r"([a-z0-9-]+) (\S+) ([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}):([0-9]{2})(?: (month|two months))?"
)


def _showing(text: Any, where: str, shown: str, problems: list[Problem]) -> Showing | None:
    """One release of a [[shown]] row: "asylum-statistics 2015-05 2015-05-21 09:30"."""
    found = _SHOWING.fullmatch(text) if isinstance(text, str) else None
    slot = _parse_month(found[2]) if found else None
    day = _iso(found[3]) if found else None
    hour, minute = (int(found[4]), int(found[5])) if found else (99, 99)
    if found is None or slot is None or day is None or hour > 23 or minute > 59:
        problems.append(Problem(shown, f"{where}: {written(text)} is not a release as "
                                       'calendar-gen writes it, like "asylum-statistics '
                                       '2015-05 2015-05-21 09:30"'))  # fmt: skip
        return None
    precision = Precision(found[6]) if found[6] else Precision.EXACT
    return Showing(Key(found[1], slot), day, dt.time(hour, minute), precision)


@dataclass(frozen=True)
class Problems:
    """Where the problems of one record file go."""

    file: str
    found: list[Problem]

    def add(self, message: str, publication: str | None = None) -> None:
        self.found.append(Problem(self.file, message, publication))


def check_seals(
    found: Mapping[Key, Announcement],
    stored: Mapping[Key, tuple[Any, ...]],
    rows: Sequence[ShownRow],
    row_seals: Sequence[Any],
    builds: Builds | None,
    problems: Problems,
) -> Seals:
    """Refuse each event whose seal is not what it says, and, once builds seal the record
    (`[published] events`), each with none that no command could have written, and a record
    whose seals are not those the last build left."""
    last = builds.last if builds and builds.events else None
    kept: dict[Key, tuple[str, ...]] = {}
    unsealed = set()
    for key, a in found.items():
        given, seals = stored[key], sealed(a)
        if given == seals:  # every event sealed as it says: a whole government's, mostly
            kept[key] = seals
            continue
        for number, (want, got) in enumerate(zip(seals, given, strict=True)):
            if got is None:
                unsealed.add(key)
                if last and (why := _unsealed(a, number, last)):
                    problems.add(f"{_event(a, number)} has no seal, {why}", a.id)
            elif got != want:
                problems.add(f"{_event(a, number)} is not what the build that published it "
                             f"sealed: {EDITED.format(file=problems.file)}", a.id)  # fmt: skip
                break  # the seals after it are chained to it: they cannot match either
        if seals := tuple(g for g in given if isinstance(g, str)):
            kept[key] = seals
    chain = seal_chain(rows)
    for number, (want, got) in enumerate(zip(chain, row_seals, strict=True), 1):
        if got is not None and got != want:  # rows written before the seals have none
            problems.add(f"the {_ordinal(number)} [[shown]] row (the provisional dates shown "
                         f"on {rows[number - 1].on}) is not what the build that wrote it "
                         f"sealed: {EDITED.format(file=problems.file)}")  # fmt: skip
    taken_out = None
    if builds and builds.events and events_digest(kept, chain) != builds.events:
        taken_out = Problem(problems.file, TAKEN_OUT.format(file=problems.file))
    elif (kept or any(row_seals)) and not (builds and builds.events):
        problems.add(NO_EVENTS.format(file=problems.file))
    return Seals(frozenset(unsealed), chain[-1] if chain else "", kept, taken_out)


def _unsealed(a: Announcement, number: int, last: dt.date) -> str:
    """Why event `number` of a release (0: its entry) cannot be without a seal once builds
    seal the record, or "" if a command may have written it since the last build."""
    if number == 0:
        return CONFIRMED if a.confirmed else ""
    if a.changes[number - 1].on < last:
        return f"yet it is dated before the last build ({last}): {UNSEALED}"
    return ""


def _ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


EDITED = (
    "it was edited by hand. Put back what calendar-gen wrote (git diff {file} shows an "
    "edit not yet committed, git log -p {file} one that was); an announced release changes "
    "only with calendar-gen move, cancel, reinstate, retime, postpone or released, which "
    "keep the reason"
)
UNSEALED = (
    "no build published it. Put back what calendar-gen wrote, from version control; a change "
    "is dated the day it is made"
)
CONFIRMED = (
    "yet only a build confirms a release, and it seals the confirmation as it writes it: "
    "this one was written by hand. Take it out (the next build confirms the release when its "
    "notice begins), or put back what calendar-gen wrote, from version control"
)
TAKEN_OUT = (
    "its events are not those the last build sealed ([published] events): an event or its "
    "seal was taken out by hand. Put back what calendar-gen wrote (git log -p {file} shows "
    "each build's record); an announced release changes only with calendar-gen move, "
    "cancel, reinstate, retime, postpone or released"
)
NO_EVENTS = (
    "it holds seals, which builds write, but no [published] events, which they write with "
    "them: it was taken out by hand, with [published] or on its own. Put back what "
    "calendar-gen wrote (git log -p {file} shows each build's record)"
)


def _event(a: Announcement, number: int) -> str:
    """How people name event `number` of a release (0: its entry)."""
    if number:
        change = a.changes[number - 1]
        return f"the {change.action.value} change of {a.month}, made on {change.on},"
    confirmed = f", confirmed on {a.confirmed}" if a.confirmed else ""
    return (
        f"the entry for {a.month} (as it now reads: first announced for {a.first_date}{confirmed})"
    )


BUILDS_KEYS = ("first", "last", "releases", "events")


def _read_builds(table: Any, shown: str, problems: list[Problem]) -> Builds | None:
    """The [published] table calendar-gen writes, every mistake in it told."""
    if table is None:
        return None
    where = "[published]"
    if not isinstance(table, dict):
        problems.append(Problem(shown, f"{where} must be a table, as calendar-gen writes it"))
        return None
    before = len(problems)
    for key in table:
        if key not in BUILDS_KEYS and key != SEAL:
            problems.append(Problem(shown, f"unknown key {_key(key, BUILDS_KEYS)} in {where}; "
                                           f"allowed: {', '.join(BUILDS_KEYS)}"))  # fmt: skip
    first, last, digest = _date(table.get("first")), _date(table.get("last")), table.get("releases")
    for key, day in (("first", first), ("last", last)):
        if day is None:
            problems.append(Problem(shown, f"{where} {_not_a_date(key, table.get(key))}"))
    events = table.get("events", "")  # none in a record sealed by no build yet
    for key, value in (("releases", digest), ("events", events)):
        if not isinstance(value, str) or not _DIGEST.fullmatch(value):
            problems.append(Problem(shown, f"{where} {key} {written(value)} is not a digest "
                                           'like "sha256:" and 64 letters and digits'))  # fmt: skip
    if first and last and first > last:
        problems.append(Problem(shown, f"{where} first {first} is after last {last}"))
    if len(problems) > before or first is None or last is None:
        return None
    builds = Builds(first, last, str(digest), str(events))
    if builds.events and table.get(SEAL) != builds_seal(builds):
        problems.append(Problem(shown, PUBLISHED_EDITED.format(file=shown)))
    elif not builds.events and SEAL in table:  # no version wrote a seal here without events
        problems.append(Problem(shown, NO_EVENTS.format(file=shown)))
    return builds


PUBLISHED_EDITED = (
    "[published] is not what the last build wrote (its seal does not match): a day or a "
    "digest in it was edited by hand, or its seal taken out. Put back what calendar-gen wrote "
    "(git log -p {file} shows each build's record); no build may go back before the last"
)


_DIGEST = re.compile(r"(sha256:[0-9a-f]{64})?")


def _key(key: str, allowed: tuple[str, ...]) -> str:
    """'"confirmd" (did you mean "confirmed"?)': an unknown key and the closest allowed one."""
    close = difflib.get_close_matches(key, allowed, n=1)
    return f'"{key}"' + (f' (did you mean "{close[0]}"?)' if close else "")


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _month(value: Any) -> Slot | None:
    return _parse_month(value) if isinstance(value, str) else None


@lru_cache(maxsize=4096)  # a record names a few hundred months, each thousands of times
def _parse_month(text: str) -> Slot | None:
    slot = parse_slot(text)
    return slot if slot and FIRST_YEAR <= slot.year <= LAST_YEAR + 1 else None


def _read_entry(
    entry: dict[str, Any], index: int, shown: str, regions: Mapping[str, str]
) -> tuple[Announcement | None, list[Problem]]:
    pub_id = entry.get("id")
    label = pub_id if isinstance(pub_id, str) else f"#{index + 1}"
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(shown, message, label))

    if not entry.keys() <= ALLOWED_KEYS:
        for key in entry:
            if key not in ALLOWED_KEYS:
                problem(f"unknown key {_key(key, RELEASE_KEYS)} in a release; allowed: "
                        f"{', '.join(RELEASE_KEYS)}")  # fmt: skip
    if not isinstance(pub_id, str):
        problem(f'id {written(pub_id)} is not a publication id like "police-workforce"')
    elif pub_id not in regions:
        close = difflib.get_close_matches(pub_id, list(regions), n=1)
        problem(
            f'id "{pub_id}" is not a publication in the schedules'
            + (f' (did you mean "{close[0]}"?)' if close else "")
            + ", but its announced releases must stay in the feeds: if it was removed, put "
            "the publication back and mark it ended ([publication.ended] with on = the last "
            "day and reason = why)"
        )
    month = _month(entry.get("month"))
    if month is None:
        problem(
            f'month {written(entry.get("month"))} is not a scheduled month like "2014-05" (or '
            'a week like "2027-W02", or a day like "2027-05-06")'
        )
    date = _date(entry.get("date"))
    if date is None:
        problem(_not_a_date("date", entry.get("date")))
    confirmed = entry.get("confirmed")
    if confirmed is not None and _date(confirmed) is None:
        problem(_not_a_date("confirmed", confirmed))
    changes = _read_changes(entry["change"], problem) if "change" in entry else []
    if problems or month is None or date is None or changes is None:
        return None, problems
    assert isinstance(pub_id, str)
    announcement = Announcement(pub_id, month, date, _date(confirmed), tuple(changes))
    _check_history(announcement, regions[pub_id], problem)
    return (None if problems else announcement), problems


def _check_history(a: Announcement, region: str, problem: Callable[[str], None]) -> None:
    """Dates near their month, on working days, and each change starting where the last ended."""
    for message in _history_problems(a.month, a.date, a.confirmed, a.changes, region):
        problem(message)


# Thousands of entries share a month, a day and a region: each combination is checked once.
@lru_cache(maxsize=65536)
def _history_problems(
    month: Slot,
    date: dt.date,
    confirmed: dt.date | None,
    changes: tuple[Change, ...],
    region: str,
) -> tuple[str, ...]:
    problems: list[str] = []
    _check_dates(Announcement("", month, date, confirmed, changes), region, problems.append)
    return tuple(problems)


def _check_dates(a: Announcement, region: str, problem: Callable[[str], None]) -> None:
    days = (a.date, *(d for c in a.changes for d in (c.old, lands_on(c))))
    for day in days:
        if not plausible(day, a.month):
            problem(f"date {day} is more than a year from its scheduled month {a.month}")
            return
    # The days things were done: a change or a confirmation may come long before, as a
    # calendar a period ahead is worked on (next-year, then moves), but not years before.
    for day in (*(c.on for c in a.changes), *([a.confirmed] if a.confirmed else [])):
        if not -MADE_BEFORE <= (day - a.month.first_day).days <= 366:
            problem(f"date {day} is more than three years before, or a year after, its "
                    f"scheduled month {a.month}")  # fmt: skip
            return
    # A day that is not a working day is only a warning (releases.rule_conflicts): a bank
    # holiday declared after a date was announced must not stop the move that fixes it.
    if not a.cancelled and not a.changes and a.date.weekday() >= 5:
        problem(f"date {a.date} is a {a.date:%A}, not a working day")
    if a.confirmed and a.confirmed > a.date_on(a.confirmed):
        problem(f"confirmed {a.confirmed} is after the release date it confirmed")
    expected = a.date
    for change in reversed(a.changes):
        if lands_on(change) != expected:
            problem(
                f"change on {change.on} does not lead to date {a.date}: "
                "each change must start where the one before it ended"
            )
            return
        expected = change.old
    state = State(expected)
    for change in a.changes:
        _check_change(change, a.confirmed, state, problem)
        state = change.applied(state)


def _check_change(
    change: Change, confirmed: dt.date | None, state: State, problem: Callable[[str], None]
) -> None:
    """Whether the change is dated as its kind may be, and may follow `state`. (One made
    before the confirmation was made while the release was provisional.)"""
    if why := change.untimely(state):
        problem(why)
    if why := change.refusal(state):
        problem(f"change on {change.on}: {why}")


_MEANS = {"on": "the day the change was made", "from": "the date it had"}


def _not_a_date(key: str, value: Any) -> str:
    """What is wrong with a date as written, and how to write it."""
    text = value.strip() if isinstance(value, str) else ""
    if text and _date(_iso(text)):
        return (
            f"{key} {written(value)} is text, not a date; write it without quotes: {key} = {text}"
        )
    return f"{key} {written(value)} is not a date; write it like {key} = 2014-05-22"


def _iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _read_changes(value: Any, problem: Callable[[str], None]) -> list[Change] | None:
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        problem("change must be tables, written [[release.change]]")
        return None
    changes = [change for table in value if (change := _read_change(table, problem))]
    return changes if len(changes) == len(value) else None


def _read_change(table: dict[str, Any], problem: Callable[[str], None]) -> Change | None:
    """One [[release.change]] table as its kind of change, every mistake in it told."""
    for key in table:
        if key not in CHANGE_KEYS and key != SEAL:
            problem(f"unknown key {_key(key, CHANGE_KEYS)} in a change; allowed: "
                    f"{', '.join(CHANGE_KEYS)}")  # fmt: skip
    on, old, reason = _date(table.get("on")), _date(table.get("from")), table.get("reason")
    action = choose(table["action"], ACTIONS) if isinstance(table.get("action"), str) else None
    if action is None:
        problem(f"change action {written(table.get('action'))} is not one of "
                f"{', '.join(ACTIONS)}")  # fmt: skip
    for key, day in (("on", on), ("from", old)):
        if day is None:
            problem(_not_a_date(key, table.get(key)) if key in table else
                    f"a change needs the date '{key}' ({_MEANS[key]})")  # fmt: skip
    if "reason" not in table and any(k.startswith("reason") for k in table):
        pass  # a misspelt reason is reported once, as an unknown key
    elif reason is None and action and not KINDS[Action(action)].needs_reason:
        reason = ""
    elif not isinstance(reason, str) or not reason.strip():
        problem("a change needs a reason")
    if action is None:
        return None
    welsh = table.get(WELSH_REASON, "")
    if not isinstance(welsh, str) or (WELSH_REASON in table and not welsh.strip()):
        problem(f'{WELSH_REASON} {written(welsh)} is not the reason in Welsh; write it like '
                f'{WELSH_REASON} = "..."')  # fmt: skip
        return None
    try:
        change = read_change(Action(action), on or _NEVER, old or _NEVER, str(reason), table)
    except Unreadable as error:
        problem(error.message or _not_a_date(error.key, table[error.key]))
        return None
    if welsh:
        change = replace(change, reason_cy=welsh.strip())
    return change if on and old and isinstance(reason, str) else None


_NEVER = dt.date.min  # stands in for a date already reported missing
