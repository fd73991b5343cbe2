"""Edits to the files people keep (the record, programme.toml), keeping comments and layout."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from calendar_gen.domain.history import change_fields
from calendar_gen.domain.model import (
    PROGRAMME_FILE,
    Announcement,
    Builds,
    Change,
    Period,
    Seals,
    ShownRow,
)
from calendar_gen.programme.files import BOM, decoded
from calendar_gen.record import recordtext
from calendar_gen.record.seals import SEAL, builds_seal, change_seals, entry_seal, row_seals

HEADER = """\
# Release dates announced to the public, kept by calendar-gen.
# `calendar-gen build` adds each release here when it is confirmed; from then on its date
# comes from this file, not from the rules. Change an announced date only with
# `calendar-gen move` or `calendar-gen cancel`, which record the reason. The [[shown]] rows
# at the end say on which day a build first showed each release as provisional, or at a new
# day or time the rules gave it. Each `seal` is written by the build that published the
# event: an event edited by hand no longer matches its seal, and is refused.

"""


def render_updates(
    path: Path,
    announcements: Iterable[Announcement],
    builds: Builds | None = None,
    shown: Sequence[ShownRow] = (),
    seals: Seals | None = None,
) -> str:
    """The record's new text with `announcements` added or replaced, what the builds
    published set to `builds` when given, and the `shown` rows added, comments kept. With
    `seals` (a build's), the announcements and rows are written sealed: the rows' chain
    goes on from `seals.last_row`.

    New entries are written as text after the last, and an entry that changes is edited
    with tomlkit on its own, so a whole government's record is never parsed by tomlkit,
    which takes a minute and gigabytes over one. The text is what tomlkit makes of the
    whole record (the tests hold it to that); a record laid out otherwise is edited whole.
    """
    return "".join(record_pieces(path, announcements, builds, shown, seals))


def record_pieces(
    path: Path,
    announcements: Iterable[Announcement],
    builds: Builds | None = None,
    shown: Sequence[ShownRow] = (),
    seals: Seals | None = None,
) -> list[str]:
    """render_updates' text in pieces, written one after another: a whole government's
    record is not copied once more into one string."""
    changes = Changes(tuple(announcements), builds, tuple(shown), seals)
    if not path.exists():
        return _updated(HEADER, changes)
    return _kept_pieces(path, lambda text: _updated(text, changes))


@dataclass(frozen=True)
class Changes:
    """What a command writes into the record."""

    announcements: tuple[Announcement, ...]
    builds: Builds | None
    shown: tuple[ShownRow, ...]
    seals: Seals | None  # a build's: it writes them sealed

    @property
    def row_seals(self) -> list[str]:
        return row_seals(self.shown, self.seals.last_row) if self.seals else [""] * len(self.shown)


def _updated(text: str, changes: Changes) -> list[str]:
    if text and not text.endswith("\n"):  # else the next entry is glued to the last line
        text += "\n"
    scanned = recordtext.scan(text)
    if scanned is None:
        return [render_document(text, changes.announcements, builds=changes.builds,
                                shown=changes.shown, seals=changes.seals)]  # fmt: skip
    present, rows_at = scanned.published is not None, scanned.shown_at
    rows_at = len(text) if rows_at is None else rows_at
    bounds = [start for start, _ in scanned.entries] + [rows_at]
    index = {(t.get("id"), t.get("month")): i for i, (_, t) in enumerate(scanned.entries)}
    del scanned  # a table for each of a whole government's entries: not held while writing
    added: list[str] = []
    rewritten: dict[int, str] = {}  # the entries that change, by their place; the rest kept
    sealed = changes.seals is not None
    for announcement in changes.announcements:
        position = index.get((announcement.id, str(announcement.month)))
        if position is None:
            added.append(_entry_text(announcement, sealed))
        else:
            block = rewritten.get(position, text[bounds[position] : bounds[position + 1]])
            rewritten[position] = _rewritten(block, announcement, changes.seals)
    pieces, at = [], 0
    for position in sorted(rewritten):
        pieces += [text[at : bounds[position]], rewritten[position]]
        at = bounds[position + 1]
    pieces.append(text[at:rows_at])
    rows = [text[rows_at:], *map(_row_text, changes.shown, changes.row_seals)]
    return _joined([*pieces, *added, *rows], changes.builds, present)


def _rewritten(block: str, a: Announcement, seals: Seals | None) -> str:
    """An entry's text with `a` written over it: as text when it is the entry as written by
    calendar-gen, as it was or sealed (a record's first sealing build seals every entry: one
    tomlkit edit each took a minute a hundred thousand); otherwise through tomlkit."""
    body = block.rstrip("\n")
    new = _entry_text(a, seals is not None)
    if body + "\n" in (_entry_text(a, False), new):
        return new[:-1] + block[len(body) :]
    return render_document(block, [a], spaced=False, seals=seals)


def _row_text(row: ShownRow, seal: str) -> str:
    """A new [[shown]] row, as tomlkit writes it."""
    lines = "".join(f'    "{showing}",\n' for showing in row.releases)
    sealed = f'seal = "{seal}"\n' if seal else ""
    kind = "before" if row.before else "on"
    return f"[[shown]]\n{kind} = {row.on}\nreleases = [\n{lines}]\n{sealed}"


PUBLISHED_NOTE = """\
# What the builds published from this record, kept by calendar-gen: `first`, the first build
# that recorded each confirmation on the day it was made; `last`, the day the last one took as
# today (no build may go back before it); `releases`, the digest of the releases.json it wrote;
# `events`, the digest of every seal it left, so an event taken out by hand is found; `seal`,
# this table's own.
"""
# The table as `_published_text` writes it: replaced whole; anything else goes to tomlkit.
_PUBLISHED = re.compile(
    r'^\[published\]\nfirst = [0-9-]{10}\nlast = [0-9-]{10}\nreleases = "[a-z0-9:]*"\n'
    r'(?:events = "[a-z0-9:]*"\n(?:seal = "[0-9a-f]*"\n)?)?',
    re.M,
)


def moved_on(text: str, as_of: dt.date) -> str | None:
    """The record's text with [published] last moved on to `as_of` and sealed again, for a
    build that publishes just what the last one did; None when its table is not as a build
    wrote it (the full build then says what is wrong)."""
    found = _PUBLISHED.search(text)
    fields = dict(re.findall(r'^(\w+) = "?([^"\n]*)"?$', found.group(0), re.M)) if found else {}
    try:
        builds = Builds(dt.date.fromisoformat(fields["first"]), dt.date.fromisoformat(
            fields["last"]), fields["releases"], fields.get("events", ""))  # fmt: skip
    except (KeyError, ValueError):
        return None
    if found is None or not builds.events or fields.get(SEAL) != builds_seal(builds):
        return None
    if as_of <= builds.last:
        return None
    return (
        text[: found.start()] + _published_text(replace(builds, last=as_of)) + text[found.end() :]
    )


# _PUBLISHED on the record's bytes: the pattern is ASCII, which no UTF-8 character holds.
_PUBLISHED_BYTES = re.compile(_PUBLISHED.pattern.encode(), re.M)


def published_masked_pieces(data: bytes) -> list[bytes | memoryview]:
    """The record's bytes with its [published] last day and seal left out, in pieces of
    them: what a build's fingerprint reads, so a day with nothing to publish leaves the next
    one to skip too. A whole government's record is read for every build: never copied."""
    found = _PUBLISHED_BYTES.search(data)
    if found is None:
        return [data]
    table = re.sub(rb"^(last|seal) = .*$", rb"\1 = ?", found.group(0), flags=re.M)
    view = memoryview(data)
    return [view[: found.start()], table, view[found.end() :]]


def _published_fields(builds: Builds) -> list[tuple[str, Any]]:
    fields = [("first", builds.first), ("last", builds.last), ("releases", builds.releases)]
    return fields + (
        [("events", builds.events), (SEAL, builds_seal(builds))] if builds.events else []
    )


def _published_text(builds: Builds) -> str:
    lines = [f"{key} = {_string(v) if isinstance(v, str) else v}\n"
             for key, v in _published_fields(builds)]  # fmt: skip
    return "[published]\n" + "".join(lines)


_FIRST_TABLE = re.compile(r"^\[\[(?:release|shown)\]\]", re.M)  # where a new [published] goes


def _marked(text: str, builds: Builds | None, present: bool) -> str:
    """`text`, a record in the layout `recordtext.scan` reads, with its [published] table
    (`present`: it has one) saying `builds`. A new one goes at the top, before the first
    release, where a person reading the record sees it first."""
    if builds is None:
        return text
    if not present:
        first = _FIRST_TABLE.search(text)
        at = first.start() if first else len(text)
        gap = "" if at == 0 or text[:at].endswith("\n\n") else "\n"
        return f"{text[:at]}{gap}{PUBLISHED_NOTE}{_published_text(builds)}\n{text[at:]}"
    if found := _PUBLISHED.search(text):
        return text[: found.start()] + _published_text(builds) + text[found.end() :]
    return render_document(text, (), spaced=False, builds=builds)  # laid out by hand


def render_document(
    text: str, announcements: Iterable[Announcement], spaced: bool = True,
    builds: Builds | None = None, shown: Sequence[ShownRow] = (), seals: Seals | None = None,
) -> str:  # fmt: skip
    """`text`, a record, with `announcements` added or replaced (its [published] table
    saying `builds`, when given, and the `shown` rows added; sealed, with a build's `seals`),
    through tomlkit's document."""
    import tomlkit  # only the commands that change a recorded entry pay for it

    document = tomlkit.parse(text)
    tables = document.get("release")
    if tables is None:
        tables = tomlkit.aot()
        document.append("release", tables)
    index = {(t["id"], t["month"]): i for i, t in enumerate(tables)}
    for announcement in announcements:
        position = index.get((announcement.id, str(announcement.month)))
        if position is None:
            tables.append(_table(announcement, seals is not None))
        else:
            _update(tables[position], announcement, seals is not None)
    if builds is not None:
        table = document.setdefault(recordtext.PUBLISHED, tomlkit.table())
        for key, value in _published_fields(builds):
            table[key] = value
    if shown:
        rows = document.setdefault(recordtext.SHOWN, tomlkit.aot())
        chain = row_seals(shown, seals.last_row) if seals else [""] * len(shown)
        for row, seal in zip(shown, chain, strict=True):
            rows.append(_row(row, seal))
    rendered = tomlkit.dumps(document)
    return _spaced(rendered) if spaced else rendered


def with_period(folder: str | Path, period: Period) -> str:
    """programme.toml's text with `period` set, its comments and layout kept."""
    import tomlkit

    def edit(text: str) -> str:
        document = tomlkit.parse(text)
        document["period"] = period.name
        return str(tomlkit.dumps(document))

    return kept_form(Path(folder) / PROGRAMME_FILE, edit)


def kept_form(path: Path, edit: Callable[[str], str]) -> str:
    """`edit` applied to the file's text, keeping its line ends (CRLF from Windows editors)
    and byte-order mark as they were."""
    return "".join(_kept_pieces(path, lambda text: [edit(text)]))


def _kept_pieces(path: Path, edit: Callable[[str], list[str]]) -> list[str]:
    """kept_form for an `edit` that gives its text in pieces, each but the last ending a
    line (so no CRLF is split between two)."""
    data = path.read_bytes()
    text, mark = decoded(data), "\ufeff" if data.startswith(BOM) else ""
    del data  # a whole government's record: not held while it is edited
    crlf = "\r\n" in text
    edited = edit(text.replace("\r\n", "\n") if crlf else text)
    del text
    if crlf:
        edited = [piece.replace("\r\n", "\n").replace("\n", "\r\n") for piece in edited]
    return [mark, *edited] if mark else edited


# Each line followed by a [[release]], [[release.change]] or [[shown]] header.
_BEFORE_HEADER = re.compile(r"^([^\n]*)\n(?=\[\[(?:release|shown))", re.MULTILINE)


_HEADERS = ("[[release", "[[shown")


def _joined(pieces: list[str], builds: Builds | None, present: bool) -> list[str]:
    """_marked(_spaced("".join(pieces)), builds, present) in pieces: each spaced on its own
    (the record's text is, but for what a command adds), then each join, and [published]
    written in the piece it goes in, so a whole government's record is never copied whole.
    One piece if one does not end its last line."""
    pieces = [piece for piece in pieces if piece]
    if any(not piece.endswith("\n") for piece in pieces[:-1]):
        return [_marked(_spaced("".join(pieces)), builds, present)]
    spaced = []
    for before, piece in zip(["", *pieces], pieces, strict=False):
        if piece.startswith(_HEADERS) and before[:-1].rpartition("\n")[2].strip():
            spaced.append("\n")  # a blank line after the last line of the piece before
        spaced.append(_spaced(piece))
    table = _published_text(builds) if builds else ""
    for number, piece in enumerate(spaced if builds else ()):
        if present and (found := _PUBLISHED.search(piece)):
            spaced[number] = piece[: found.start()] + table + piece[found.end() :]
            return spaced
        if not present and (found := _FIRST_TABLE.search(piece)):
            at, tail = found.start(), "".join(spaced[max(number - 2, 0) : number])
            gap = "" if (at == 0 and not tail) or (tail + piece[:at]).endswith("\n\n") else "\n"
            spaced[number] = f"{piece[:at]}{gap}{PUBLISHED_NOTE}{table}\n{piece[at:]}"
            return spaced
    if builds is None:
        return spaced
    return [_marked("".join(spaced), builds, present)]  # no such table: the whole text says


def _spaced(text: str) -> str:
    """A blank line before each table header, as a person would write it."""
    # Each header already after a blank line, as a record is but for what was just added:
    # counted by str, a whole government's record in a fraction of the time a regex takes.
    if all(text.count(f"\n{header}") == text.count(f"\n\n{header}") for header in _HEADERS):
        return text
    return _BEFORE_HEADER.sub(lambda m: f"{m[1]}\n\n" if m[1].strip() else m[0], text)


# TOML's escapes in a one-line string, as tomlkit writes them.
_ESCAPES = {
    **{c: f"\\u{c:04x}" for c in (*range(0x20), 0x7F)},
    **{ord(c): f"\\{e}" for c, e in zip('\b\t\n\f\r"\\', 'btnfr"\\', strict=True)},
}


def _string(value: str) -> str:
    return f'"{value.translate(_ESCAPES)}"'


def _entry_text(a: Announcement, sealed: bool) -> str:
    """A new [[release]] table, as tomlkit writes it and `_spaced` spaces it."""
    lines = ["[[release]]", f"id = {_string(a.id)}", f'month = "{a.month}"', f"date = {a.date}"]
    if a.confirmed:
        lines.append(f"confirmed = {a.confirmed}")
    if sealed:
        lines.append(f'{SEAL} = "{entry_seal(a)}"')
    for c, seal in zip(a.changes, _seals(a, sealed), strict=True):
        lines += ["", "[[release.change]]"]
        lines += [f"{k} = {_string(v) if isinstance(v, str) else v}"
                  for k, v in change_fields(c).items()]  # fmt: skip
        lines += [f'{SEAL} = "{seal}"'] if seal else []
    return "\n".join(lines) + "\n"


def _seals(a: Announcement, sealed: bool) -> list[str]:
    """The seals its changes are written with: none when not `sealed`."""
    return change_seals(a) if sealed else [""] * len(a.changes)


def _table(announcement: Announcement, sealed: bool) -> Any:
    import tomlkit

    table = tomlkit.table()
    table["id"] = announcement.id
    table["month"] = str(announcement.month)
    table["date"] = announcement.date
    if announcement.confirmed:
        table["confirmed"] = announcement.confirmed
    if sealed:
        table[SEAL] = entry_seal(announcement)
    if announcement.changes:
        table["change"] = tomlkit.aot()
        for change, seal in zip(announcement.changes, _seals(announcement, sealed), strict=True):
            table["change"].append(_change(change, seal))
    return table


def _row(row: ShownRow, seal: str) -> Any:
    import tomlkit

    table = tomlkit.table()
    table["before" if row.before else "on"] = row.on
    table["releases"] = tomlkit.array().multiline(True)
    table["releases"].extend(str(showing) for showing in row.releases)
    if seal:
        table[SEAL] = seal
    return table


def _update(table: Any, announcement: Announcement, sealed: bool) -> None:
    """A recorded entry brought up to `announcement`; with `sealed`, every event sealed."""
    table["date"] = announcement.date
    if announcement.confirmed and "confirmed" not in table:
        table["confirmed"] = announcement.confirmed
    if sealed:
        if SEAL in table:  # after the confirmation, as a new entry has it
            del table[SEAL]
        table[SEAL] = entry_seal(announcement)
    seals = _seals(announcement, sealed)
    if len(announcement.changes) > len(table.get("change", [])) and "change" not in table:
        table["change"] = _changes_aot()
    for number, change in enumerate(announcement.changes):
        if number >= len(table["change"]):
            table["change"].append(_change(change, seals[number]))
        elif sealed:
            table["change"][number][SEAL] = seals[number]


def _changes_aot() -> Any:
    import tomlkit

    return tomlkit.aot()


def _change(change: Change, seal: str) -> Any:
    import tomlkit

    table = tomlkit.table()
    for key, value in change_fields(change).items():
        table[key] = value
    if seal:
        table[SEAL] = seal
    return table
