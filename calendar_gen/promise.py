"""The promise: a release published as confirmed or cancelled keeps its date and status, and
its SEQUENCE never goes down, unless the record holds a new change with a reason.

A build holds what it is about to publish against what was published last (the previous
releases.json) and refuses, naming each release, when a promise would be broken.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calendar_gen.errors import CalendarGenError
from calendar_gen.model import RECORD_FILE, Status
from calendar_gen.releases import Release
from calendar_gen.texts import long_date

KEPT = (Status.CONFIRMED.value, Status.CANCELLED.value)  # the statuses that are a promise


class PromiseError(CalendarGenError):
    """Publishing would silently break a promise made to subscribers."""


@dataclass(frozen=True)
class Published:
    """One release as it was last published."""

    uid: str
    id: str
    month: str
    date: dt.date
    status: str
    sequence: int

    def __str__(self) -> str:
        return f"{self.status} for {long_date(self.date)} (sequence {self.sequence})"


def read_published(path: Path, unchanged: Collection[str] = ()) -> list[Published]:
    """The releases in a releases.json that a build wrote; none when there is no such file.

    Releases whose row is in `unchanged`, rows the build is about to write again, are left
    out: they keep every promise. Only the rows that differ are parsed, when the file is laid
    out as a build writes it, one row a line; otherwise all of it.
    """
    if not path.exists():
        return []
    try:
        with path.open(encoding="utf-8", newline="\n") as lines:
            rows = _changed_rows(lines, unchanged)
    except (OSError, ValueError):  # read again whole below, to say what is wrong
        rows = None
    try:
        if rows is None:
            rows = json.loads(path.read_text("utf-8"))
        return [_published(row) for row in rows]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise PromiseError(
            f"{path}: cannot be read as the releases last published ({error}); it is how a "
            "build checks that no announced date changes silently. Restore it from the "
            "published site, or name a good copy with --published FILE."
        ) from None


def _changed_rows(lines: Iterable[str], unchanged: Collection[str]) -> list[Any] | None:
    """The rows not in `unchanged`, parsed, from a file laid out as pages.json_lines writes
    it: "[", one row a line, each but the last followed by a comma, "]". None for any
    other layout, or a line that is not one row, which json.loads then reads whole."""
    found: list[Any] = []
    lines = iter(lines)
    if next(lines, None) != "[\n":
        return None
    comma = True  # whether the row before ended with one
    for line in lines:
        if line == "]\n":
            return found if not comma and next(lines, None) is None else None
        if not comma or not line.startswith("  ") or not line.endswith("\n"):
            return None
        row = line[2:-1]
        comma = row.endswith(",")
        row = row[:-1] if comma else row
        if row not in unchanged:
            try:
                found.append(json.loads(row))
            except ValueError:
                return None
    return None


def _published(row: dict[str, object]) -> Published:
    sequence = row["sequence"]
    if not isinstance(sequence, int):
        raise ValueError(f"sequence {sequence!r} is not a number")
    date = dt.date.fromisoformat(str(row["date"]))
    uid, pub_id, month, status = (str(row[k]) for k in ("uid", "id", "scheduled_month", "status"))
    return Published(uid, pub_id, month, date, status, sequence)


def broken_promises(published: list[Published], releases: list[Release]) -> list[str]:
    """Each release published as confirmed or cancelled that `releases` would change silently."""
    now = {r.uid: r for r in releases}
    found = []
    for old in published:
        if old.status not in KEPT:
            continue
        new = now.get(old.uid)
        where = f"{old.id} {old.month}"
        if new is None:
            found.append(f"{where}: published as {old}, but nothing gives it now")
        elif new.sequence < old.sequence or (
            new.sequence == old.sequence and (new.date, new.status.value) != (old.date, old.status)
        ):
            then = f"{new.status} for {long_date(new.date)} (sequence {new.sequence})"
            found.append(f"{where}: published as {old}; the record now makes it {then}")
    return found


def check_promises(published: list[Published], releases: list[Release], source: Path) -> None:
    """Raise PromiseError listing every promise that publishing `releases` would break."""
    broken = broken_promises(published, releases)
    if broken:
        raise PromiseError(
            "\n".join(broken)
            + f"\n{len(broken)} announced release{'s' if len(broken) != 1 else ''} would change "
            f"without a recorded reason (compared with {source}); nothing was written. Put "
            f"back what {RECORD_FILE} held for them (from version control), then record the "
            "change with calendar-gen move, cancel or reinstate, which keep the reason."
        )
