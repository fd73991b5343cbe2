"""The announcement record: every confirmed release date, and every change made to one since.

It lives beside the rules as `announcements.toml`. Once a release is in it, its date comes
from here and not from the rule, so a rule change can never silently move an announced date.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from calendar_gen.errors import Problem
from calendar_gen.workdays import FIRST_YEAR, LAST_YEAR, bank_holiday, is_working_day

RECORD_FILE = "announcements.toml"
MOVED, CANCELLED = "moved", "cancelled"
RELEASE_KEYS = ("id", "month", "date", "confirmed", "change")
CHANGE_KEYS = ("on", "action", "from", "to", "reason")
HEADER = """\
# Release dates announced to the public, kept by calendar-gen.
# `calendar-gen build` adds each release here when it is confirmed; from then on its date
# comes from this file, not from the rules. Change an announced date only with
# `calendar-gen move` or `calendar-gen cancel`, which record the reason.

"""

Key = tuple[str, tuple[int, int]]  # publication id, scheduled (year, month)


@dataclass(frozen=True)
class Change:
    """One change to an announced release, with the date it was made and why."""

    on: dt.date
    action: str  # MOVED or CANCELLED
    old: dt.date
    new: dt.date | None  # the new date of a move
    reason: str


@dataclass(frozen=True)
class Announcement:
    """A release as announced: its current date and its history."""

    id: str
    month: tuple[int, int]
    date: dt.date
    confirmed: dt.date | None  # None: pinned by a change while still provisional
    changes: tuple[Change, ...] = ()

    @property
    def key(self) -> Key:
        return (self.id, self.month)

    @property
    def cancelled(self) -> bool:
        return any(c.action == CANCELLED for c in self.changes)


def month_text(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def plausible(day: dt.date, month: tuple[int, int]) -> bool:
    """A release date within a year of its scheduled month: anything further is a typo."""
    return abs((day - dt.date(*month, 1)).days) <= 366


def describe(change: Change) -> str:
    """The history line subscribers read in the event's description."""
    if change.action == MOVED:
        return f"Moved from {long_date(change.old)}: {change.reason}"
    return f"Cancelled on {long_date(change.on)}: {change.reason}"


def read_record(
    path: Path, shown: str, regions: Mapping[str, str]
) -> tuple[dict[Key, Announcement], list[Problem]]:
    """Read and check the record; `regions` maps each publication id to its holiday region."""
    if not path.exists():
        return {}, []
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        return {}, [Problem(shown, f"is not UTF-8 text (byte {error.start})")]
    except tomllib.TOMLDecodeError as error:
        return {}, [Problem(shown, f"invalid TOML: {error}")]
    except (ValueError, RecursionError) as error:  # a 5,000-digit number, nesting 3,000 deep
        return {}, [Problem(shown, f"invalid TOML: {error or 'nested too deeply'}")]
    except OSError as error:
        return {}, [Problem(shown, f"cannot be read: {error.strerror}")]
    problems: list[Problem] = []
    unknown = [k for k in data if k != "release"]
    if unknown:
        problems.append(Problem(shown, f"unknown key '{unknown[0]}'; the record holds [[release]]"))
    entries = data.get("release", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return {}, [Problem(shown, "release must be tables, written [[release]]")]
    found: dict[Key, Announcement] = {}
    for index, entry in enumerate(entries):
        announcement, entry_problems = _read_entry(entry, index, shown, regions)
        problems += entry_problems
        if announcement is None:
            continue
        if announcement.key in found:
            problems.append(
                Problem(
                    shown,
                    f"month '{month_text(announcement.month)}' has two entries; keep one",
                    announcement.id,
                )
            )
        found[announcement.key] = announcement
    return found, problems


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _read_entry(
    entry: dict[str, Any], index: int, shown: str, regions: Mapping[str, str]
) -> tuple[Announcement | None, list[Problem]]:
    pub_id = entry.get("id")
    label = pub_id if isinstance(pub_id, str) else f"#{index + 1}"
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(shown, message, label))

    for key in entry:
        if key not in RELEASE_KEYS:
            problem(f"unknown key '{key}' in a release; allowed: {', '.join(RELEASE_KEYS)}")
    if not isinstance(pub_id, str) or pub_id not in regions:
        problem(f"id {pub_id!r} is not a publication in the schedules")
    month = entry.get("month")
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", month) if isinstance(month, str) else None
    if not match or not (
        1 <= int(match.group(2)) <= 12 and FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR + 1
    ):
        problem(f"month {month!r} is not a scheduled month like '2014-05'")
    date = _date(entry.get("date"))
    if date is None:
        problem(f"date {entry.get('date')!r} is not a date like 2014-05-22")
    confirmed = entry.get("confirmed")
    if confirmed is not None and _date(confirmed) is None:
        problem(f"confirmed {confirmed!r} is not a date like 2014-04-24")
    changes = _read_changes(entry.get("change", []), problem)
    if problems or not match or date is None or changes is None:
        return None, problems
    assert isinstance(pub_id, str)
    month_pair = (int(match.group(1)), int(match.group(2)))
    region = regions[pub_id]
    for day in (date, *(d for c in changes for d in (c.old, c.new) if d)):
        if not plausible(day, month_pair):
            problem(f"date {day} is more than a year from its scheduled month {month}")
            return None, problems
    cancelled = any(c.action == CANCELLED for c in changes)
    if not is_working_day(date, region) and not cancelled:
        why = bank_holiday(date, region) or "a weekend"
        problem(f"date {date} is not a working day in {region} ({why})")
    expected = date
    for change in reversed(changes):
        if (change.new or change.old) != expected:
            problem(
                f"change on {change.on} does not lead to date {date}: "
                "each change must start where the one before it ended"
            )
            break
        expected = change.old
    if any(c.action == CANCELLED for c in changes[:-1]):
        problem("a cancelled release cannot change again")
    if problems:
        return None, problems
    return Announcement(pub_id, month_pair, date, _date(confirmed), tuple(changes)), problems


def _read_changes(value: Any, problem) -> list[Change] | None:
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        problem("change must be tables, written [[release.change]]")
        return None
    changes = []
    for table in value:
        for key in table:
            if key not in CHANGE_KEYS:
                problem(f"unknown key '{key}' in a change; allowed: {', '.join(CHANGE_KEYS)}")
        on, old, new = _date(table.get("on")), _date(table.get("from")), _date(table.get("to"))
        action, reason = table.get("action"), table.get("reason")
        if action not in (MOVED, CANCELLED):
            problem(f"change action {action!r} is not one of {MOVED}, {CANCELLED}")
        if on is None or old is None:
            problem("a change needs the dates 'on' (when it was made) and 'from'")
        if action == MOVED and new is None:
            problem("a move needs 'to', the new date")
        if not isinstance(reason, str) or not reason.strip():
            problem("a change needs a reason")
        if on and old and action in (MOVED, CANCELLED) and isinstance(reason, str) and reason:
            changes.append(Change(on, action, old, new if action == MOVED else None, reason))
    return changes if len(changes) == len(value) else None


def with_change(announcement: Announcement, change: Change) -> Announcement:
    """The announcement after `change`."""
    date = change.new if change.action == MOVED and change.new else announcement.date
    return replace(announcement, date=date, changes=(*announcement.changes, change))


def render_updates(path: Path, announcements: Iterable[Announcement]) -> str:
    """The record's new text with `announcements` added or replaced, comments kept."""
    import tomlkit  # only the commands that write the record pay for it

    document = tomlkit.parse(path.read_text("utf-8")) if path.exists() else tomlkit.parse(HEADER)
    tables = document.get("release")
    if tables is None:
        tables = tomlkit.aot()
        document.append("release", tables)
    index = {(t["id"], t["month"]): i for i, t in enumerate(tables)}
    for announcement in announcements:
        table = _table(announcement)
        position = index.get((announcement.id, month_text(announcement.month)))
        if position is None:
            tables.append(table)
        else:
            _update(tables[position], announcement)
    return _spaced(tomlkit.dumps(document))


def _spaced(text: str) -> str:
    """A blank line before each table header, as a person would write it."""
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if line.startswith("[[release") and out and out[-1].strip():
            out.append("")
        out.append(line)
    return "\n".join(out)


def _table(announcement: Announcement):
    import tomlkit

    table = tomlkit.table()
    table["id"] = announcement.id
    table["month"] = month_text(announcement.month)
    table["date"] = announcement.date
    if announcement.confirmed:
        table["confirmed"] = announcement.confirmed
    if announcement.changes:
        table["change"] = _changes(announcement.changes)
    return table


def _update(table, announcement: Announcement) -> None:
    table["date"] = announcement.date
    if announcement.confirmed and "confirmed" not in table:
        table["confirmed"] = announcement.confirmed
    if len(announcement.changes) > len(table.get("change", [])):
        if "change" not in table:
            table["change"] = _changes(())
        for change in announcement.changes[len(table["change"]) :]:
            table["change"].append(_change(change))


def _changes(changes: Iterable[Change]):
    import tomlkit

    tables = tomlkit.aot()
    for change in changes:
        tables.append(_change(change))
    return tables


def _change(change: Change):
    import tomlkit

    table = tomlkit.table()
    table["on"] = change.on
    table["action"] = change.action
    table["from"] = change.old
    if change.new:
        table["to"] = change.new
    table["reason"] = change.reason
    return table
