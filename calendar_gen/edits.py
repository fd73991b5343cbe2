"""Edits to the files people keep (the record, programme.toml), keeping comments and layout."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from calendar_gen.model import PROGRAMME_FILE, Announcement, Change, Period

HEADER = """\
# Release dates announced to the public, kept by calendar-gen.
# `calendar-gen build` adds each release here when it is confirmed; from then on its date
# comes from this file, not from the rules. Change an announced date only with
# `calendar-gen move` or `calendar-gen cancel`, which record the reason.

"""


def render_updates(path: Path, announcements: Iterable[Announcement]) -> str:
    """The record's new text with `announcements` added or replaced, comments kept."""
    import tomlkit  # only the commands that write the record pay for it

    text = path.read_text("utf-8") if path.exists() else HEADER
    if text and not text.endswith("\n"):  # else tomlkit glues the next entry to the last line
        text += "\n"
    document = tomlkit.parse(text)
    tables = document.get("release")
    if tables is None:
        tables = tomlkit.aot()
        document.append("release", tables)
    index = {(t["id"], t["month"]): i for i, t in enumerate(tables)}
    for announcement in announcements:
        position = index.get((announcement.id, str(announcement.month)))
        if position is None:
            tables.append(_table(announcement))
        else:
            _update(tables[position], announcement)
    return _spaced(tomlkit.dumps(document))


def with_period(folder: str | Path, period: Period) -> str:
    """programme.toml's text with `period` set, its comments and layout kept."""
    import tomlkit

    path = Path(folder) / PROGRAMME_FILE
    document = tomlkit.parse(path.read_text("utf-8"))
    document["period"] = period.name
    return tomlkit.dumps(document)


def _spaced(text: str) -> str:
    """A blank line before each table header, as a person would write it."""
    out: list[str] = []
    for line in text.split("\n"):
        if line.startswith("[[release") and out and out[-1].strip():
            out.append("")
        out.append(line)
    return "\n".join(out)


def _table(announcement: Announcement) -> Any:
    import tomlkit

    table = tomlkit.table()
    table["id"] = announcement.id
    table["month"] = str(announcement.month)
    table["date"] = announcement.date
    if announcement.confirmed:
        table["confirmed"] = announcement.confirmed
    if announcement.changes:
        table["change"] = _changes(announcement.changes)
    return table


def _update(table: Any, announcement: Announcement) -> None:
    table["date"] = announcement.date
    if announcement.confirmed and "confirmed" not in table:
        table["confirmed"] = announcement.confirmed
    if len(announcement.changes) > len(table.get("change", [])):
        if "change" not in table:
            table["change"] = _changes(())
        for change in announcement.changes[len(table["change"]) :]:
            table["change"].append(_change(change))


def _changes(changes: Iterable[Change]) -> Any:
    import tomlkit

    tables = tomlkit.aot()
    for change in changes:
        tables.append(_change(change))
    return tables


def _change(change: Change) -> Any:
    import tomlkit

    table = tomlkit.table()
    table["on"] = change.on
    table["action"] = change.action.value
    table["from"] = change.old
    if change.new:
        table["to"] = change.new
    table["reason"] = change.reason
    return table
