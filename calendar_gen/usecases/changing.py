"""The changes to an announced release: move, cancel, reinstate, retime, postpone, released.

Each finds the release, lets `record/changes.py` check and make the change, and records it at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypedDict, Unpack

from calendar_gen.checks import clash
from calendar_gen.domain.history import lands_on
from calendar_gen.domain.model import Announcement, Programme
from calendar_gen.domain.releases import Release, release_uid
from calendar_gen.errors import CalendarGenError
from calendar_gen.findings import Finding, FindingKind
from calendar_gen.programme.schedule import load_programme
from calendar_gen.record import changes
from calendar_gen.reports import ChangeReport, clash_lines
from calendar_gen.usecases.shared import Waiting, accepted, releases_between, writing
from calendar_gen.workspace.output import publish


def _change(
    pub_id: str,
    date: dt.date,
    as_of: dt.date,
    where: Where,
    reason_cy: str,
    apply: Callable[[Programme, Release], Announcement],
) -> ChangeReport:
    """Find the release of `pub_id` on `date`, record one change to it atomically, report it."""
    from calendar_gen.workspace.edits import render_updates

    schedules = where.get("schedules", "schedules")
    with writing(schedules, where.get("wait", 60.0), where.get("on_wait")):
        programme = load_programme(schedules)
        _after_the_last_build(programme, as_of)
        release = changes.find_release(programme, pub_id, date, as_of)
        announcement = changes.in_welsh(programme, apply(programme, release), reason_cy)
        record = programme.record_path
        publish([(record, render_updates(record, [announcement]))])
    clashing = _lands_on_a_clash(programme, announcement, as_of)
    return ChangeReport(announcement, record, clashing, was_at=release.start.time())


def _after_the_last_build(programme: Programme, as_of: dt.date) -> None:
    """Refuse a change dated before the last build: that build published the release as it
    was, so a change claimed to come before it never reached subscribers then."""
    if programme.builds and as_of < (last := programme.builds.last):
        raise CalendarGenError(
            f"{programme.record_path} says the last build ([published] last) was as of "
            f"{last}, and it published the calendar as it stood: a change is dated the day it "
            f"is made, {last} or later (--as-of)."
        )


def _lands_on_a_clash(
    programme: Programme, announcement: Announcement, as_of: dt.date
) -> tuple[Finding, ...]:
    """The clashes of the programme's own (same day, blackout) that a change moving a release
    to a new day makes there, unless accepted: said at once, not at the next `clashes`."""
    change, state = announcement.changes[-1], announcement.state
    if lands_on(change) == change.old or not state.status(True).comes_out:
        return ()
    after = replace(programme, announcements={**programme.announcements,
                                              announcement.key: announcement})  # fmt: skip
    releases = releases_between(after, state.date, state.date, as_of=as_of)
    moved = release_uid(announcement.id, announcement.month, programme.uid_domain)
    found = [
        c for c in clash.find_clashes(after, releases, {}, as_of)
        if any(r.uid == moved for r in c.releases) and not accepted(after, c)
    ]  # fmt: skip
    a, kind = announcement, FindingKind.CLASH
    return tuple(Finding(kind, f"{a.id} now clashes: {line}", a.id, str(a.month), state.date)
                 for line in clash_lines(found))  # fmt: skip


class Where(TypedDict, total=False):
    """Every change's own options: the schedules folder ("schedules"), how long to wait for
    another run (60 s) and what to call while waiting."""

    schedules: str | Path
    wait: float
    on_wait: Waiting | None


def move(pub_id: str, date: dt.date, new_date: dt.date, reason: str, *, as_of: dt.date,
         reason_cy: str = "", **where: Unpack[Where]) -> ChangeReport:  # fmt: skip
    """Move the release of `pub_id` now on `date` to `new_date`, recording why."""
    return _change(pub_id, date, as_of, where, reason_cy,
                   lambda p, r: changes.move(p, r, new_date, reason, as_of))  # fmt: skip


def retime(pub_id: str, date: dt.date, time: dt.time, reason: str, *, as_of: dt.date,
           reason_cy: str = "", **where: Unpack[Where]) -> ChangeReport:  # fmt: skip
    """Release the release of `pub_id` on `date` at `time` instead, recording why."""
    return _change(pub_id, date, as_of, where, reason_cy,
                   lambda p, r: changes.retime(p, r, time, reason, as_of))  # fmt: skip


def cancel(pub_id: str, date: dt.date, reason: str, *, as_of: dt.date, reason_cy: str = "",
           **where: Unpack[Where]) -> ChangeReport:  # fmt: skip
    """Cancel the release of `pub_id` now on `date`, recording why; it stays as cancelled."""
    return _change(pub_id, date, as_of, where, reason_cy,
                   lambda p, r: changes.cancel(p, r, reason, as_of))  # fmt: skip


def postpone(pub_id: str, date: dt.date, reason: str, *, as_of: dt.date, reason_cy: str = "",
             **where: Unpack[Where]) -> ChangeReport:  # fmt: skip
    """Postpone the release of `pub_id` on `date`, new date to be announced, recording why."""
    return _change(pub_id, date, as_of, where, reason_cy,
                   lambda p, r: changes.postpone(p, r, reason, as_of))  # fmt: skip


def reinstate(pub_id: str, date: dt.date, reason: str, *, as_of: dt.date,
              to: dt.date | None = None, reason_cy: str = "",
              **where: Unpack[Where]) -> ChangeReport:  # fmt: skip
    """Bring back the cancelled release of `pub_id` on `date` (or on `to`), recording why."""
    return _change(pub_id, date, as_of, where, reason_cy,
                   lambda p, r: changes.reinstate(p, r, reason, as_of, to))  # fmt: skip


def released(pub_id: str, date: dt.date, url: str | None = None, *, as_of: dt.date,
             **where: Unpack[Where]) -> ChangeReport:  # fmt: skip
    """Record that the release of `pub_id` on `date` came out, with a link to it if given."""
    return _change(pub_id, date, as_of, where, "",
                   lambda p, r: changes.released(p, r, url or "", as_of))  # fmt: skip
