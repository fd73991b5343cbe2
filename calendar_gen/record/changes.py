"""Moving, cancelling, reinstating, retiming and postponing a release (the only ways an
announced date may change), and recording that it came out."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import replace

from calendar_gen.domain.history import Cancelled, Moved, Postponed, Reinstated, Released, Retimed
from calendar_gen.domain.model import Announcement, Programme, Status
from calendar_gen.domain.releases import Release, expand
from calendar_gen.domain.texts import long_date
from calendar_gen.domain.workdays import closed_reason
from calendar_gen.errors import ChangeError
from calendar_gen.programme.schedule import TEXT_LIMITS
from calendar_gen.record.announcements import plausible


def find_release(programme: Programme, pub_id: str, day: dt.date, as_of: dt.date) -> Release:
    """The release of `pub_id` whose current date is `day`."""
    ids = [p.id for p in programme.publications]
    if pub_id not in ids:
        close = difflib.get_close_matches(pub_id, ids, n=1)
        hint = f'; did you mean "{close[0]}"?' if close else f"; its publications: {', '.join(ids)}"
        raise ChangeError(f"'{pub_id}' is not a publication in {programme.folder}{hint}")
    # A release may roll out of its scheduled month, so look in the period before too.
    here = programme.period.holding(day)
    before = programme.period.holding(day - dt.timedelta(days=40))
    candidates = []
    for period in dict.fromkeys((programme.period, here, before)):
        candidates += [
            r for r in expand(programme, period, as_of=as_of) if r.publication.id == pub_id
        ]
    for release in candidates:
        if release.date == day:
            return release
    near = sorted({r.date for r in candidates if abs((r.date - day).days) <= 62})
    hint = f"; its releases near then: {', '.join(map(str, near))}" if near else ""
    raise ChangeError(f"'{pub_id}' has no release on {day}{hint}")


def _check_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ChangeError("--reason is required: say why, for the public record")
    # The limit a schedule's reasons have: every feed, page and news entry carries it.
    if len(reason) > (limit := TEXT_LIMITS["reason"]):
        raise ChangeError(f"--reason is {len(reason):,} characters long; at most {limit:,} are "
                          "allowed: say why in a sentence or two")  # fmt: skip
    return reason


def in_welsh(programme: Programme, announcement: Announcement, reason_cy: str) -> Announcement:
    """The announcement with its latest change given its reason in Welsh: a programme
    published in Welsh needs it (--reason-cy), and one that is not takes none."""
    reason_cy = " ".join(reason_cy.split())
    change = announcement.changes[-1]
    if not programme.welsh:
        if reason_cy:
            raise ChangeError("--reason-cy is for a programme published in Welsh, whose "
                              "programme.toml gives organisation_cy; leave it out")  # fmt: skip
        return announcement
    if not reason_cy and change.reason:
        raise ChangeError("--reason-cy is required: the programme is published in Welsh too "
                          "(organisation_cy), so say why in Welsh as well, for the public "
                          "record")  # fmt: skip
    if len(reason_cy) > (limit := TEXT_LIMITS["reason_cy"]):
        raise ChangeError(f"--reason-cy is {len(reason_cy):,} characters long; at most "
                          f"{limit:,} are allowed")  # fmt: skip
    welsh = replace(change, reason_cy=reason_cy)
    return replace(announcement, changes=(*announcement.changes[:-1], welsh))


def _entry(release: Release) -> Announcement:
    # One not confirmed by a build yet is pinned as it is; the next build confirms it, that day.
    if release.announcement:
        return release.announcement
    return Announcement(release.publication.id, release.scheduled, release.date, None)


def _check_when(release: Release, on: dt.date, new_date: dt.date | None = None) -> None:
    """The past stays as it happened: no change to a release already out, none onto a day
    already past, and none dated before the release was confirmed."""
    name = f"{release.publication.id} on {long_date(release.date)}"
    if release.date < on and release.status.dated:
        raise ChangeError(f"{name} is past (today is {on}); the past stays as it happened")
    if new_date is not None and new_date < on:
        raise ChangeError(f"{new_date} is past (today is {on}); choose a day from today on")
    confirmed = release.announcement.confirmed if release.announcement else None
    if confirmed and on < confirmed:
        raise ChangeError(
            f"{name} was confirmed on {confirmed}; a change to it cannot be dated {on}, before "
            "that (check --as-of)"
        )


def _check_day(release: Release, new_date: dt.date) -> None:
    if not plausible(new_date, release.scheduled):
        raise ChangeError(
            f"{new_date} is more than a year from the release's scheduled month "
            f"{release.scheduled}; check the date"
        )
    region = release.publication.rule.region
    if why := closed_reason(new_date, region):
        raise ChangeError(
            f"{new_date} ({long_date(new_date)}) is not a working day in {region}: {why}; "
            "choose a working day"
        )


def _refuse_if(release: Release, why: Mapping[Status, str]) -> None:
    """Refuse a change to `release` while it is in a status `why` names, saying why."""
    if (text := why.get(release.status)) is not None:
        raise ChangeError(f"{release.publication.id} on {release.date} {text}")


def move(
    programme: Programme, release: Release, new_date: dt.date, reason: str, on: dt.date
) -> Announcement:
    """The record entry of `release` moved to `new_date`, made on `on`, for `reason`."""
    reason = _check_reason(reason)
    _refuse_if(release, {Status.CANCELLED: (
        f"is cancelled; to bring it back: calendar-gen reinstate {release.publication.id} "
        f"{release.date} --to {new_date} --reason ..."
    )})  # fmt: skip
    if new_date == release.date and release.status is not Status.POSTPONED:
        raise ChangeError(f"{release.publication.id} is on {new_date} already")
    _check_when(release, on, new_date)
    _check_day(release, new_date)
    change = Moved(on, release.date, new_date, reason)
    return _entry(release).with_change(change)


def cancel(programme: Programme, release: Release, reason: str, on: dt.date) -> Announcement:
    """The record entry of `release` cancelled on `on`, for `reason`."""
    reason = _check_reason(reason)
    _refuse_if(release, {Status.CANCELLED: "is cancelled already"})
    _check_when(release, on)
    change = Cancelled(on, release.date, reason)
    return _entry(release).with_change(change)


def reinstate(
    programme: Programme, release: Release, reason: str, on: dt.date, to: dt.date | None = None
) -> Announcement:
    """The record entry of a cancelled `release` reinstated on its date, or on `to`."""
    reason = _check_reason(reason)
    if release.status is not Status.CANCELLED:
        raise ChangeError(
            f"{release.publication.id} on {release.date} is not cancelled; to change its "
            "date, use calendar-gen move"
        )
    new_date = to or release.date
    _check_when(release, on, new_date)
    _check_day(release, new_date)
    change = Reinstated(on, release.date, new_date, reason)
    return _entry(release).with_change(change)


def retime(
    programme: Programme, release: Release, time: dt.time, reason: str, on: dt.date
) -> Announcement:
    """The record entry of `release` released at `time` instead, changed on `on`, for `reason`."""
    reason = _check_reason(reason)
    _refuse_if(release, {Status.CANCELLED: "is cancelled"})
    if time == release.start.time():
        raise ChangeError(f"{release.publication.id} is released at {time:%H:%M} already")
    _check_when(release, on)
    return _entry(release).with_change(Retimed(on, release.date, time, reason))


def postpone(programme: Programme, release: Release, reason: str, on: dt.date) -> Announcement:
    """The record entry of `release` postponed on `on`, for `reason`: new date to be announced."""
    reason = _check_reason(reason)
    _refuse_if(release, {
        Status.CANCELLED: "is cancelled; a cancelled release can only be reinstated",
        Status.POSTPONED: "is postponed already; to give it its new date: calendar-gen move "
                          f"{release.publication.id} {release.date} NEW_DATE --reason ...",
    })  # fmt: skip
    _check_when(release, on)
    return _entry(release).with_change(Postponed(on, release.date, reason))


def released(programme: Programme, release: Release, url: str, on: dt.date) -> Announcement:
    """The record entry of `release` recorded on `on` as out on its day, linking `url`."""
    _refuse_if(release, {
        Status.CANCELLED: "is cancelled: it did not come out",
        Status.POSTPONED: "is postponed; first give it the day it came out: calendar-gen move "
                          f"{release.publication.id} {release.date} DATE --reason ...",
    })  # fmt: skip
    name = f"{release.publication.id} on {release.date}"
    if on < release.date:
        raise ChangeError(f"{name} is not out yet (today is {on}); record it from that day on")
    if release.announcement and release.announcement.state.released:
        raise ChangeError(f"{name} is recorded as released already")
    return _entry(release).with_change(Released(on, release.date, url))
