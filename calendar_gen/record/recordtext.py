"""The announcement record's text, read in the layout calendar-gen writes, without tomllib.

A whole government's record holds a hundred thousand entries, and tomllib takes seconds to
read one: longer than the rest of a build. Almost all of it is in the one layout the
commands write, so `scan` reads that layout (and the blank lines and comments people add)
an entry at a time, and gives up on anything else, leaving the file to tomllib. It never
reads a text differently from tomllib: the tests hold it to that on generated, hand-edited
and damaged records.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any, NamedTuple

Table = dict[str, Any]

_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# An entry as `calendar-gen build` writes it, with the blank lines after it, in one match
# (most of a record); a [[shown]] row as it writes it; failing those, one line of anything.
_SEAL = "[0-9a-f]{16}"
_SHOWING = rf'"[a-z0-9-]+ [0-9W-]+ {_DATE} [0-9]{{2}}:[0-9]{{2}}(?: month| two months)?"'
_PIECE = re.compile(
    rf'\[\[release\]\]\nid = "(?P<id>[a-z0-9-]+)"\nmonth = "(?P<month>[0-9]{{4}}-[0-9]{{2}})"\n'
    rf"date = (?P<day>{_DATE})\n(?:confirmed = (?P<confirmed>{_DATE})\n)?"
    rf'(?:seal = "(?P<seal>{_SEAL})"\n)?\n*'
    rf"|\[\[shown\]\]\n(?P<when>on|before) = (?P<on>{_DATE})\nreleases = \[\n"
    rf'(?P<showings>(?:    {_SHOWING},\n)*)\]\n(?:seal = "(?P<rowseal>{_SEAL})"\n)?\n*'
    r"|[^\n]*\n|[^\n]+"
)
# The lines it reads besides: blank, a comment, a table header, or a key with a one-line
# string or a date. Control characters are TOML's errors, left to tomllib to report.
_TEXT = r"[^\x00-\x08\x0a-\x1f\x7f]"
_STRING = rf'"(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\{_TEXT})*"'
_LINE = re.compile(
    r"[ \t]*(?:(?P<header>\[\[release(?P<change>\.change)?\]\])|(?P<published>\[published\])"
    rf"|(?P<key>[A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:(?P<string>{_STRING})|(?P<date>{_DATE})))?"
    rf"[ \t]*(?:#{_TEXT}*)?\n?"
)


class _Unusual(Exception):
    """The text is not in the layout `scan` reads: tomllib must."""


class _Dates(dict[str, dt.date]):
    """Dates by their text, each read once: a record holds a few hundred days."""

    def __missing__(self, text: str) -> dt.date:
        try:
            day = self[text] = dt.date.fromisoformat(text)
        except ValueError:  # a day that does not exist: tomllib words the error
            raise _Unusual from None
        return day


PUBLISHED = "published"  # the table of what the builds published
SHOWN = "shown"  # the rows of the days releases were shown as provisional


class Scanned(NamedTuple):
    """A record's tables as `scan` found them, with where they start in the text."""

    entries: list[tuple[int, Table]]  # each [[release]] and the offset of its header
    published: Table | None
    shown: list[Table]  # the [[shown]] rows, after every release
    shown_at: int | None  # the offset of the first


def scan(text: str) -> Scanned | None:
    """The record's tables as tomllib reads them; None when the text is laid out otherwise
    (or is not TOML)."""
    found = Scanned([], None, [], None)
    dates = _Dates()
    table: Table | None = None  # the table keys go into
    try:
        for piece in _PIECE.finditer(text):
            if piece["on"]:
                found = _shown_row(piece, found, dates)
                table = None
                continue
            if piece["id"] and found.shown_at is not None:
                raise _Unusual  # a release after the rows: tomllib reads it
            if piece["id"] is None and piece.group().lstrip(" \t").startswith("[published]"):
                if found.published is not None or _LINE.fullmatch(text, *piece.span()) is None:
                    raise _Unusual  # given twice: tomllib words the error
                table = {}
                found = found._replace(published=table)
            elif piece["id"] is None:
                table = _line(piece, table, found, dates)
            else:
                table = {"id": piece["id"], "month": piece["month"], "date": dates[piece["day"]]}
                if piece["confirmed"]:
                    table["confirmed"] = dates[piece["confirmed"]]
                if piece["seal"]:
                    table["seal"] = piece["seal"]
                found.entries.append((piece.start(), table))
    except _Unusual:
        return None
    return found


def _shown_row(piece: re.Match[str], found: Scanned, dates: _Dates) -> Scanned:
    """`found` with the [[shown]] row `piece` added."""
    showings = piece["showings"].split("\n")[:-1]
    row = {piece["when"]: dates[piece["on"]], "releases": [line[5:-2] for line in showings]}
    if piece["rowseal"]:
        row["seal"] = piece["rowseal"]
    found.shown.append(row)
    return found if found.shown_at is not None else found._replace(shown_at=piece.start())


def _line(piece: re.Match[str], table: Table | None, found: Scanned, dates: _Dates) -> Table | None:
    """Read one line into the entries; return the table that keys now go into."""
    line = _LINE.fullmatch(piece.string, piece.start(), piece.end())
    entries = found.entries
    if line is None or (line["header"] and found.shown_at is not None):
        raise _Unusual  # not a line it reads, or a release after the rows
    if line["header"] and not line["change"]:
        table = {}
        entries.append((piece.start(), table))
    elif line["header"]:
        if not entries or not isinstance(changes := entries[-1][1].setdefault("change", []), list):
            raise _Unusual  # a change outside a release, or a key called change before it
        table = {}
        changes.append(table)
    elif line["key"]:
        key = line["key"]
        if table is None or key in table:
            raise _Unusual  # a key outside the releases, or one given twice
        if line["date"]:
            table[key] = dates[line["date"]]
        elif "\\" in line["string"]:  # escapes: tomllib reads them, and words their errors
            try:
                table[key] = tomllib.loads(f"v = {line['string']}")["v"]
            except tomllib.TOMLDecodeError:
                raise _Unusual from None
        else:
            table[key] = line["string"][1:-1]
    return table


def read(text: str) -> dict[str, Any] | None:
    """What tomllib.loads(text) gives, for a record in the layout `scan` reads; else None."""
    scanned = scan(text)
    if scanned is None:
        return None
    tables: dict[str, Any] = {}
    if scanned.entries:
        tables["release"] = [table for _, table in scanned.entries]
    if scanned.published is not None:
        tables[PUBLISHED] = scanned.published
    if scanned.shown:
        tables[SHOWN] = scanned.shown
    return tables
