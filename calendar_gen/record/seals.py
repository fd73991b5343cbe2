"""Seals: each event a build has published carries a short digest of what it says and of the
event before it, so a hand edit of the record's past is found wherever a build runs.

A release's entry is sealed over what was first announced for it and its confirmation; its
changes are sealed in a chain, each over the one before; the [[shown]] rows in a chain of
their own. `[published] events` holds the digest of every seal, so an event taken out with
its seal is found too. The seals are no secret: they catch edits made by hand, not a forger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence

from calendar_gen.domain.history import WELSH_REASON, change_fields
from calendar_gen.domain.model import Announcement, Builds, Key, ShownRow

SEAL = "seal"  # the key each sealed table of the record carries


def _digest(before: str, text: str) -> str:
    return hashlib.blake2b(f"{before}\x1e{text}".encode(), digest_size=8).hexdigest()


def entry_seal(a: Announcement) -> str:
    """The seal of a release's entry: what was first announced for it, and its confirmation."""
    return _entry_seal(a, _start(a))


def _entry_seal(a: Announcement, start: str) -> str:
    return _digest(start, str(a.confirmed or ""))


def _start(a: Announcement) -> str:
    return _digest("", f"{a.id}\x1f{a.month}\x1f{a.first_date}")


def change_seals(a: Announcement) -> list[str]:
    """The seal of each of its changes, each over the one before (the first over what was
    first announced: a confirmation added later leaves them as they were)."""
    return _change_seals(a, _start(a))


def _change_seals(a: Announcement, before: str) -> list[str]:
    seals = []
    for change in a.changes:
        # Not the Welsh reason: a translation added to a change already published, as a
        # programme takes up Welsh, changes no date, status or reason of it.
        fields = [(k, v) for k, v in change_fields(change).items() if k != WELSH_REASON]
        before = _digest(before, "\x1f".join(f"{key}={value}" for key, value in fields))
        seals.append(before)
    return seals


def row_seals(rows: Iterable[ShownRow], before: str = "") -> list[str]:
    """The seal of each [[shown]] row, each over the one before (the first over `before`)."""
    seals = []
    for row in rows:
        before = row_seal(before, "before" if row.before else "on", row.on, map(str, row.releases))
        seals.append(before)
    return seals


def row_seal(before: str, kind: str, on: dt.date, releases: Iterable[str]) -> str:
    """The seal of one row (`kind` is "on" or "before"), as written, after the seal `before`."""
    return _digest(before, f"{kind}={on}\x1f" + "\x1f".join(releases))


def sealed(a: Announcement) -> tuple[str, ...]:
    """Every seal of a release's events once a build has sealed them: its entry's, then its
    changes'."""
    start = _start(a)  # once: a large record seals a hundred thousand of them
    return (_entry_seal(a, start), *_change_seals(a, start))


def builds_seal(builds: Builds) -> str:
    """The seal of the [published] table: its days, and the digests it keeps."""
    return _digest("", f"{builds.first}\x1f{builds.last}\x1f{builds.releases}\x1f{builds.events}")


def events_digest(seals: Mapping[Key, tuple[str, ...]], rows: Sequence[str]) -> str:
    """The digest of the record's seals, each release's and the rows': what `[published]
    events` keeps of the record a build left (and the page shows)."""
    digest = hashlib.sha256()
    # In the order of their keys, (publication, str(slot)): sorting the lines sorts them so,
    # as neither a publication id (a slug) nor a slot holds a space or anything before it.
    for line in sorted(f"{key[0]} {key[1]} {' '.join(chain)}\n" for key, chain in seals.items()):
        digest.update(line.encode())
    digest.update(f"rows {rows[-1] if rows else ''}".encode())
    return f"sha256:{digest.hexdigest()}"
