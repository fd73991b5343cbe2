"""The promise: a release published as confirmed or cancelled keeps its date, time, status,
topic and history, and its SEQUENCE never goes down, unless the record holds a new change
with a reason, made before the release was out and dated no later than today.

A build holds what it is about to publish against what was published last (the previous
releases.json, or all.ics when that is missing or holds less) and refuses, naming each
release, when a promise would be broken. It refuses too a build dated before the last one,
a releases.json other than the one the record says the last build wrote, and a change dated
after the build's today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from io import TextIOWrapper
from pathlib import Path
from typing import Any

from calendar_gen.domain.model import (
    RECORD_FILE,
    Announcement,
    Key,
    Precision,
    Programme,
    Showing,
    ShownRow,
    Status,
    YearMonth,
)
from calendar_gen.domain.releases import Release
from calendar_gen.domain.slots import parse_slot
from calendar_gen.domain.texts import long_date
from calendar_gen.errors import CalendarGenError, Problem, PromiseError, ScheduleError
from calendar_gen.workspace.readback import DATA_LIMIT, exists, loads, opened, read_back

KEPT = tuple(s.value for s in Status if s.promised)  # the statuses that are a promise


@dataclass(frozen=True)
class Published:
    """One release as releases.json last published it."""

    uid: str
    id: str
    month: str
    date: dt.date
    status: str
    sequence: int
    time: str  # "09:30"
    topic: str
    history: tuple[tuple[str, ...], ...]
    precision: Precision = Precision.EXACT

    def __str__(self) -> str:
        return f"{self.status} for {long_date(self.date)} (sequence {self.sequence})"


def read_published(path: Path, unchanged: Collection[str] = ()) -> list[Published]:
    """The releases in a releases.json that a build wrote; none when there is no such file
    and no all.ics beside it (a first build). One missing, or cut, beside an all.ics is
    refused: the check would hold the build to nothing.

    Releases whose row is in `unchanged`, rows the build is about to write again, are left
    out: they keep every promise. Only the rows that differ are parsed, when the file is laid
    out as a build writes it, one row a line; otherwise all of it.
    """
    events = path.parent / "all.ics"
    if not exists(path):
        if exists(events):
            raise _unreadable(path, "it is missing, but all.ics is there")
        return []
    try:
        with (
            opened(path, DATA_LIMIT, FIX) as file,
            TextIOWrapper(file, "utf-8", newline="\n") as lines,
        ):
            rows = _changed_rows(lines, unchanged)
    except (OSError, ValueError):  # read again whole below, to say what is wrong
        rows = None
    try:
        if rows is None:
            rows = loads(read_back(path, DATA_LIMIT, FIX))
        if _count(events, b"BEGIN:VEVENT") > _count(path, b'  {"'):
            raise _unreadable(path, "it lists fewer releases than all.ics beside it")
        return [_published(row) for row in rows]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        why = f"a release has no {error.args[0]!s}" if isinstance(error, KeyError) else error
        raise _unreadable(path, str(why)) from None


FIX = "restore it from the published site, or name a good copy with --published FILE"


def _unreadable(path: Path, why: str) -> PromiseError:
    return PromiseError(
        f"{path}: cannot be read as the releases last published ({why}); it is how a build "
        f"checks that no announced date changes silently. {FIX[0].upper()}{FIX[1:]}."
    )


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
                found.append(loads(row))
            except ValueError:
                return None
    return None


def _published(row: dict[str, object]) -> Published:
    sequence, history = row["sequence"], row["history"]
    if not isinstance(sequence, int) or not isinstance(history, list):
        raise ValueError(f"sequence {sequence!r} or history is not what a build writes")
    date = dt.date.fromisoformat(str(row["date"]))
    uid, pub_id, month, status = (str(row[k]) for k in ("uid", "id", "scheduled_month", "status"))
    time, topic = str(row["start"])[11:16], str(row["topic"])
    # Written since provisional dates could be shown to the month; before, always exact.
    precision = Precision(str(row.get("precision", Precision.EXACT.value)))
    return Published(uid, pub_id, month, date, status, sequence, time, topic, _steps(history),
                     precision)  # fmt: skip


def _steps(history: list[Any]) -> tuple[tuple[str, ...], ...]:
    """A release's changes, each as the texts of its fields, to compare."""
    fields = ("on", "action", "from", "to", "reason")
    return tuple(tuple(str(change.get(k)) for k in fields) for change in history)


def _count(path: Path, start: bytes) -> int:
    """How many lines of the file start with `start`, read a block at a time: a line may be
    as long as the file."""
    count, tail, mark = 0, b"\n", b"\n" + start
    try:
        with opened(path, DATA_LIMIT, f"remove it and build again, or {FIX}") as file:
            while block := file.read(2**20):
                count += (tail + block).count(mark)
                tail = (tail + block)[-len(start) :]  # too short to hold a whole mark
    except FileNotFoundError:
        return 0
    return count


def kept_as_shown(
    published: list[Published], releases: list[Release], programme: Programme, as_of: dt.date
) -> list[Announcement]:
    """Record entries for the releases published as provisional that `releases` leave out,
    as they were shown: one whose day passed with no build in its notice period, or whose
    rule now gives it a day already past. What was shown stays shown."""
    now = {r.uid for r in releases}
    where = {p.id: p for p in programme.publications}
    kept = []
    for old in published:
        publication, slot = where.get(old.id), parse_slot(old.month)
        if old.uid in now or old.status != Status.PROVISIONAL.value or not publication or not slot:
            continue
        nominal = publication.rule.nominal(slot)
        still = nominal is not None and not publication.suspension_in(YearMonth.of(nominal))
        if old.date < as_of or still:  # otherwise the rules no longer schedule it at all
            kept.append(Announcement(old.id, slot, old.date, None))
    return kept


def newly_shown(
    releases: list[Release], seen: list[Published], programme: Programme, as_of: dt.date
) -> list[ShownRow]:
    """The [[shown]] rows a build adds: the provisional releases no recorded change gave a
    day (the rules did, or next-year kept what they gave), shown for the first time or at a
    new day or time, and (a `before` row) those the last build showed (`seen`: the rows that
    differ) before the record kept the days."""
    published = {p.uid: p for p in seen if p.status == Status.PROVISIONAL.value}
    before, now = [], []
    for release in releases:
        if release.status is not Status.PROVISIONAL or release.changes:
            continue
        key = Key(release.publication.id, release.scheduled)
        showing = Showing(key, release.date, release.start.time(), release.precision)
        shown, old = programme.shown.get(key), published.get(release.uid)
        last: Showing | None = None
        if shown is None and old:
            last = Showing(key, old.date, dt.time.fromisoformat(old.time), old.precision)
            before.append(last)
        elif shown:
            last = Showing(key, shown.date, shown.time, shown.precision)
        # A new row only when what subscribers see changed: within a month shown as such,
        # a new day the rules give is not seen.
        if last is None or last.looks() != showing.looks():
            now.append(showing)
    made = [ShownRow(as_of, tuple(before), before=True), ShownRow(as_of, tuple(now))]
    return [row for row in made if row.releases]


def broken_promises(
    published: list[Published], releases: list[Release], since: dt.date, as_of: dt.date
) -> list[str]:
    """Each release published as confirmed or cancelled (by a build as of `since`) that
    `releases` (as of `as_of`) would change silently, or change after it was out."""
    if not published:  # a first build: a whole government's releases are not indexed
        return []
    now = {r.uid: r for r in releases}
    by_slot: dict[tuple[str, str], Release] = {}  # made only if a UID is missing
    found = []
    for old in published:
        if old.status not in KEPT:
            continue
        where, new = f"{old.id} {old.month}", now.get(old.uid)
        if new is None:
            by_slot = by_slot or {(r.publication.id, str(r.scheduled)): r for r in releases}
            other = by_slot.get((old.id, old.month))
            hint = f" (its UID is now {other.uid}: put uid_domain back)" if other else ""
            found.append(f"{where}: published as {old}, but nothing gives it now{hint}")
        elif problem := _changed(old, new, since, as_of):
            found.append(f"{where}: published as {old}; {problem}")
    return found


def _changed(old: Published, new: Release, since: dt.date, as_of: dt.date) -> str | None:
    """What is wrong with `new` as the next version of `old`, published as of `since`."""
    then = f"{new.status} for {long_date(new.date)} (sequence {new.sequence})"
    if new.topic.slug != old.topic:
        return (
            f"it would leave {old.topic}.ics for {new.topic.slug}.ics, whose subscribers never "
            f"had it: keep the publication in {old.topic}.toml"
        )
    kept = _steps(new.history())[: len(old.history)] == old.history
    if new.sequence < old.sequence or not kept:
        return f"the record now makes it {then}, its history rewritten"
    same = (new.date, new.status.value, f"{new.start:%H:%M}") == (old.date, old.status, old.time)
    added = new.changes[len(old.history) :]
    if not added:
        return None if same else f"the record now makes it {then} at {new.start:%H:%M}"
    # A change made before the day and published by a build after it is what happened.
    after = [c for c in added if c.on > old.date and not c.once_out]
    if old.date < as_of and Status(old.status).dated and after:
        return f"it was out on {long_date(old.date)}, and the past stays as it happened"
    if late := [c for c in added if c.on > as_of]:
        return f"a change is dated {late[0].on}, after today ({as_of})"
    if early := [c for c in added if c.on < since]:
        return (
            f"a change is dated {early[0].on}, before the build as of {since} that published it "
            "as it was: a change is dated the day it is made"
        )
    return None


def check_promises(
    published: list[Published],
    releases: list[Release],
    source: Path,
    since: dt.date,
    as_of: dt.date,
) -> None:
    """Raise PromiseError listing every promise that publishing `releases` would break."""
    broken = broken_promises(published, releases, since, as_of)
    if broken:
        raise PromiseError(
            "\n".join(broken)
            + f"\n{len(broken)} announced release{'s' if len(broken) != 1 else ''} would change "
            f"without a recorded reason (compared with {source}); nothing was written. Put "
            f"back what {RECORD_FILE} held for them (from version control), then record the "
            "change with calendar-gen move, cancel or reinstate, which keep the reason."
        )


def last_built(programme: Programme, folder: Path, as_of: dt.date) -> dt.date | None:
    """The day the last build took as today, by the record and by the folder; refused if
    `as_of` is before it: a build then could change what subscribers have already seen."""
    from calendar_gen.publishing.site import last_as_of

    recorded = programme.builds.last if programme.builds else None
    built = last_as_of(folder)
    says = (
        (recorded, f"{programme.record_path} says the last build ([published] last) was"),
        (built, f"{folder}/ was last built"),
    )
    for since, where in says:
        if since and as_of < since:
            raise CalendarGenError(
                f"{where} as of {since}: a build as of {as_of}, before it, could change what "
                f"subscribers have already seen. The past stays as it happened: build as of "
                f"{since} or later."
            )
    return max((d for d in (recorded, built) if d), default=None)


def held_to_the_record(programme: Programme, source: Path) -> None:
    """Refuse to hold the build to a releases.json other than the one the record says the
    last build wrote: a stale or edited copy would let a promise be broken unseen."""
    from calendar_gen.publishing.site import file_digest

    builds = programme.builds
    if builds is None or not builds.releases or not exists(source):
        return
    if (found := file_digest(source)) is not None and found != builds.releases:
        raise PromiseError(
            f"{source} is not the releases.json the last build (as of {builds.last}) wrote: "
            f"{programme.record_path} keeps its digest ({builds.releases[:15]}...), and this "
            f"file's is {found[:15]}.... Hold the build to the one it wrote: build into the "
            "folder it wrote, or name that file with --published FILE (it is also on the "
            "published site)."
        )


def made_by_today(programme: Programme, as_of: dt.date) -> None:
    """Refuse to seal a change dated after the build's today: it is dated the day it is made.
    (A record no build has sealed, such as the shipped one, holds a whole year's history,
    and what a build sealed of it stays accepted: a build never refuses what one wrote.)"""
    shown = str(programme.record_path)
    if not (programme.builds and programme.builds.events):
        return
    sealed = programme.seals.by_key  # the entry's seal, then its changes', in order
    if late := [(a, c) for a in programme.announcements.values()
                for n, c in enumerate(a.changes, 2)
                if c.on > as_of and len(sealed.get(a.key, ())) < n]:  # fmt: skip
        raise ScheduleError([
            Problem(shown, f"the {c.action.value} change of {a.month} is dated {c.on}, after "
                           f"today ({as_of}): a change is dated the day it is made. Build as of "
                           f"{c.on} or later, or put back what calendar-gen wrote", a.id)
            for a, c in late[:10]
        ])  # fmt: skip
