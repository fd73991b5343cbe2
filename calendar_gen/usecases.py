"""What each command does, as plain functions that return reports: the public Python API.

They never print and never exit; bad input raises a CalendarGenError naming the file,
publication and key. "Today" is always passed in (`as_of`), so nothing hides a clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

from calendar_gen import changes, clash
from calendar_gen.errors import CalendarGenError, error_lines
from calendar_gen.history import Moved, lands_on
from calendar_gen.model import Announcement, Period, Programme, YearMonth
from calendar_gen.output import JOURNAL, ensure_folder, locked, publish, remove_leftovers
from calendar_gen.practice import passed_unconfirmed, practice_problems, short_notice
from calendar_gen.releases import (
    Release,
    expand,
    release_uid,
    rule_conflicts,
    suspensions,
    to_announce,
)
from calendar_gen.reports import (
    BuildReport,
    ChangeReport,
    CheckReport,
    ClashReport,
    InitReport,
    ListReport,
    NextYearReport,
    clash_lines,
)
from calendar_gen.schedule import load_programme
from calendar_gen.texts import plural, short_date
from calendar_gen.workdays import closed_reason

Waiting = Callable[[str], None]  # told when another run holds the schedules folder
UK = ZoneInfo("Europe/London")


def today_in_london(now: dt.datetime | None = None) -> dt.date:
    """Today's date in the UK, whatever the machine's time zone: the default for `as_of`."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(UK).date()


@contextlib.contextmanager
def _writing(schedules: str | Path, wait: float, on_wait: Waiting | None) -> Iterator[None]:
    """One writer at a time per schedules folder: builds and changes queue, then give up."""
    folder = Path(schedules)
    if not folder.is_dir():  # loading it will say what is wrong
        yield
        return
    with locked(folder, wait, on_wait or (lambda message: None)):
        yield


def _load(
    schedules: str | Path, period: Period | None, as_of: dt.date | None
) -> tuple[Programme, Period, list[Release]]:
    programme = load_programme(schedules)
    period = period or programme.period
    return programme, period, expand(programme, period, as_of=as_of)


def build(
    schedules: str | Path = "schedules",
    out: str | Path = "feeds",
    *,
    as_of: dt.date,
    period: Period | None = None,
    published: str | Path | None = None,
    wait: float = 60.0,
    on_wait: Waiting | None = None,
) -> BuildReport:
    """Record newly confirmed releases, then write every feed, the page and the data files.

    The feeds hold the programme's period through twelve months after `as_of` (through
    `period` too, when given) and every announced release. Nothing published as confirmed or
    cancelled may change without a recorded reason: `published` names the releases.json to
    hold the build to (default: the one in `out`).
    """
    from calendar_gen.site import fingerprint, previous_build

    with _writing(schedules, wait, on_wait):
        # Nothing changed since the last build into `out`: say what it said, touch nothing.
        if (
            published is None
            and Path(schedules).is_dir()
            and (note := previous_build(out, fingerprint(schedules, period, as_of)))
        ):
            warnings = tuple(str(w) for w in note.get("warnings", []))
            return BuildReport(str(note.get("summary")), Path(out), warnings=warnings,
                               unchanged=True)  # fmt: skip
        programme = load_programme(schedules)
        if period is not None and period < programme.period:
            raise CalendarGenError(
                f"--period {period} is before the programme's period {programme.period}: a "
                "build publishes from the programme's period on, with every announced release "
                f"of earlier ones. To look at {period}: calendar-gen list --period {period}"
            )
        return _publish(programme, out, as_of, through=period, published=published)


def _publish(
    programme: Programme,
    out: str | Path,
    as_of: dt.date,
    *,
    through: Period | None = None,
    published: str | Path | None = None,
    extra: Sequence[tuple[Path, str]] = (),
    recorded: Sequence[Announcement] = (),
    dry_run: bool = False,
) -> BuildReport:
    """Hold the calendar to what was published, then record and write it all at once.

    `extra` files (programme.toml, when rolling a year) are written last; the renames are
    noted in a journal first, so a run killed among them is finished by the next.
    """
    from calendar_gen.pages import json_rows
    from calendar_gen.promise import check_promises, kept_as_shown, read_published
    from calendar_gen.releases import calendar
    from calendar_gen.site import (
        MANIFEST,
        PAGES,
        file_names,
        fingerprint,
        last_as_of,
        note_build,
        outputs,
    )

    releases = calendar(programme, as_of, through)
    folder = Path(out)
    source = Path(published) if published else folder / PAGES[2]
    # Made once: releases.json's rows, and what the releases published before are held to.
    rows = json_rows(releases)
    since = last_as_of(folder)
    if since and as_of < since:
        raise CalendarGenError(
            f"{folder}/ was last built as of {since}: a build as of {as_of}, before it, could "
            "change what subscribers have already seen. The past stays as it happened: build "
            f"as of {since} or later."
        )
    seen = read_published(source, set(rows))
    if shown := kept_as_shown(seen, releases, programme, as_of):
        programme = replace(programme, announcements={
            **programme.announcements, **{a.key: a for a in shown}})  # fmt: skip
        releases = calendar(programme, as_of, through)
        rows = json_rows(releases)
    check_promises(seen, releases, source, since or as_of, as_of)
    confirmed = to_announce(releases, programme)
    # Newly confirmed releases carry the changes just recorded for them, so they win.
    announce = [*{a.key: a for a in [*shown, *recorded, *confirmed]}.values()]
    warnings = [*short_notice(programme, confirmed), *passed_unconfirmed(shown, as_of),
                *rule_conflicts(releases, as_of)]  # fmt: skip
    summary = _summary(programme, releases, as_of, through, out)
    if dry_run:
        return BuildReport(summary, folder, announced=tuple(confirmed), warnings=tuple(warnings),
                           releases=tuple(releases), dry_run=True)  # fmt: skip
    folder = ensure_folder(out)
    remove_leftovers(folder)
    files = outputs(programme, programme.period, releases, rows, as_of, folder, announce)
    files += extra
    kept = {programme.record_path, *(path for path, _ in extra)}
    journal = Path(programme.folder) / JOURNAL  # a kill among the renames: the next run ends them
    changed = [path for path in publish(files, journal) if path not in kept]
    # Noted after the record is written: the next build, given the same, changes nothing.
    digest = fingerprint(programme.folder, through, as_of)
    said = {"summary": summary, "warnings": warnings, "as_of": as_of.isoformat()}
    publish([(folder / MANIFEST, note_build(folder, digest, file_names(programme), said))])
    return BuildReport(
        summary,
        folder,
        changed=tuple(changed),
        announced=tuple(confirmed),
        record=programme.record_path,
        warnings=tuple(warnings),
        releases=tuple(releases),
    )


def _summary(
    programme: Programme,
    releases: list[Release],
    as_of: dt.date,
    through: Period | None,
    out: str | Path,
) -> str:
    """What a build publishes, in a line: the window's releases and the history kept."""
    from calendar_gen.releases import window

    first, last = window(programme, as_of, through)
    history = sum(r.scheduled.first_day < first.first_day for r in releases)
    return (
        f"{plural(len(releases) - history, 'release')} of "
        f"{plural(len(programme.publications), 'publication')} from "
        f"{first.first_day:%B %Y} to {last.first_day:%B %Y}"
        + (f" and {history} announced before, kept as history" if history else "")
        + f": {len(programme.topics) + 1} feeds and index.html in {out}/"
    )


def list_releases(
    schedules: str | Path = "schedules",
    *,
    as_of: dt.date,
    period: Period | None = None,
    topic: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    month: YearMonth | None = None,
    format: str = "table",
    wide: bool = False,
) -> ListReport:
    """The releases in date order: of the programme's period (or `period`), or those dated
    from `start` to `end` or in `month`, of one topic or all."""
    programme = load_programme(schedules)
    between = _between(start, end, month, as_of)
    if between is not None:
        releases = releases_between(programme, *between, as_of=as_of)
    else:
        releases = expand(programme, period, as_of=as_of)
    if topic is not None:
        if programme.topic(topic) is None:
            slugs = ", ".join(t.slug for t in programme.topics)
            raise CalendarGenError(
                f"--topic '{topic}' is not a topic of {programme.folder}; topics: {slugs}"
            )
        releases = [r for r in releases if r.topic.slug == topic]
    return ListReport(tuple(releases), format, wide=wide)


def _between(
    start: dt.date | None, end: dt.date | None, month: YearMonth | None, as_of: dt.date
) -> tuple[dt.date, dt.date] | None:
    """A month, or from `start` (default today) to `end` (default a year on), as two days."""
    if month is not None:
        if start or end:
            raise CalendarGenError("give --month, or --from and --until, not both")
        return month.first_day, month.last_day
    if start is None and end is None:
        return None
    first = start or as_of
    return first, end or first + dt.timedelta(days=365)


def releases_between(
    programme: Programme, first: dt.date, last: dt.date, *, as_of: dt.date
) -> list[Release]:
    """Every release dated from `first` to `last`, whichever periods schedule them."""
    if last < first:
        raise CalendarGenError(f"--until {last} is before --from {first}")
    # A release may roll a few days out of its scheduled month, and so out of its period.
    period = programme.period.holding(first - dt.timedelta(days=40))
    found: dict[str, Release] = {}
    while period.start <= last:
        for release in expand(programme, period, as_of=as_of):
            if first <= release.date <= last:
                found[release.uid] = release
        period = period.following()
    return sorted(found.values(), key=lambda r: (r.start, r.topic.slug, r.publication.id))


def check(
    schedules: str | Path = "schedules",
    *,
    as_of: dt.date | None = None,
    period: Period | None = None,
    include_past: bool = False,
) -> CheckReport:
    """Validate the schedules and summarise them; with `as_of`, Code of Practice problems too."""
    programme, period, releases = _load(schedules, period, as_of)
    heading = [
        f"{programme.folder}: {programme.organisation}, {plural(len(programme.topics), 'topic')}, "
        f"{plural(len(programme.publications), 'publication')}, "
        f"{plural(len(releases), 'release')} in {period}"
    ]
    if releases:
        heading.append(f"first release {releases[0].date}, last {releases[-1].date}")
    notes = []
    for r in releases:
        rule = r.publication.rule
        if r.nominal and r.rule_date and r.nominal != r.rule_date:
            notes.append(
                f"{r.publication.id}: {rule.day_text} gives {short_date(r.nominal)} "
                f"({closed_reason(r.nominal, rule.region)}); rolled {rule.roll} "
                f"to {short_date(r.rule_date)}"
            )
    for publication, suspension in suspensions(programme, period):
        notes.append(f"{publication.id}: suspended for {suspension.period}: {suspension.reason}")
    notes += [f"warning: {message}" for message in rule_conflicts(releases, as_of)]
    problems = practice_problems(programme, as_of, include_past) if as_of else []
    return CheckReport(heading, notes, problems, as_of)


def _change(
    schedules: str | Path,
    pub_id: str,
    date: dt.date,
    as_of: dt.date,
    apply: Callable[[Programme, Release], Announcement],
    wait: float,
    on_wait: Waiting | None,
) -> ChangeReport:
    """Find the release of `pub_id` on `date`, record one change to it atomically, report it."""
    from calendar_gen.edits import render_updates

    with _writing(schedules, wait, on_wait):
        programme = load_programme(schedules)
        announcement = apply(programme, changes.find_release(programme, pub_id, date, as_of))
        record = programme.record_path
        publish([(record, render_updates(record, [announcement]))])
    return ChangeReport(announcement, record, _lands_on_a_clash(programme, announcement, as_of))


def _lands_on_a_clash(
    programme: Programme, announcement: Announcement, as_of: dt.date
) -> tuple[str, ...]:
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
        if any(r.uid == moved for r in c.releases) and not _accepted(after, c)
    ]  # fmt: skip
    return tuple(f"{announcement.id} now clashes: {line}" for line in clash_lines(found))


def move(pub_id: str, date: dt.date, new_date: dt.date, reason: str, *, as_of: dt.date,
         schedules: str | Path = "schedules", wait: float = 60.0,
         on_wait: Waiting | None = None) -> ChangeReport:  # fmt: skip
    """Move the release of `pub_id` now on `date` to `new_date`, recording why."""

    def apply(programme: Programme, release: Release) -> Announcement:
        return changes.move(programme, release, new_date, reason, as_of)

    return _change(schedules, pub_id, date, as_of, apply, wait, on_wait)


def cancel(pub_id: str, date: dt.date, reason: str, *, as_of: dt.date,
           schedules: str | Path = "schedules", wait: float = 60.0,
           on_wait: Waiting | None = None) -> ChangeReport:  # fmt: skip
    """Cancel the release of `pub_id` now on `date`, recording why; it stays as cancelled."""

    def apply(programme: Programme, release: Release) -> Announcement:
        return changes.cancel(programme, release, reason, as_of)

    return _change(schedules, pub_id, date, as_of, apply, wait, on_wait)


def reinstate(pub_id: str, date: dt.date, reason: str, *, as_of: dt.date,
              to: dt.date | None = None, schedules: str | Path = "schedules",
              wait: float = 60.0, on_wait: Waiting | None = None) -> ChangeReport:  # fmt: skip
    """Bring back the cancelled release of `pub_id` on `date` (or on `to`), recording why."""

    def apply(programme: Programme, release: Release) -> Announcement:
        return changes.reinstate(programme, release, reason, as_of, to)

    return _change(schedules, pub_id, date, as_of, apply, wait, on_wait)


def retime(pub_id: str, date: dt.date, time: dt.time, reason: str, *, as_of: dt.date,
           schedules: str | Path = "schedules", wait: float = 60.0,
           on_wait: Waiting | None = None) -> ChangeReport:  # fmt: skip
    """Release the release of `pub_id` on `date` at `time` instead, recording why."""

    def apply(programme: Programme, release: Release) -> Announcement:
        return changes.retime(programme, release, time, reason, as_of)

    return _change(schedules, pub_id, date, as_of, apply, wait, on_wait)


def postpone(pub_id: str, date: dt.date, reason: str, *, as_of: dt.date,
             schedules: str | Path = "schedules", wait: float = 60.0,
             on_wait: Waiting | None = None) -> ChangeReport:  # fmt: skip
    """Postpone the release of `pub_id` on `date`, new date to be announced, recording why."""

    def apply(programme: Programme, release: Release) -> Announcement:
        return changes.postpone(programme, release, reason, as_of)

    return _change(schedules, pub_id, date, as_of, apply, wait, on_wait)


def released(pub_id: str, date: dt.date, url: str | None = None, *, as_of: dt.date,
             schedules: str | Path = "schedules", wait: float = 60.0,
             on_wait: Waiting | None = None) -> ChangeReport:  # fmt: skip
    """Record that the release of `pub_id` on `date` came out, with a link to it if given."""

    def apply(programme: Programme, release: Release) -> Announcement:
        return changes.released(programme, release, url or "", as_of)

    return _change(schedules, pub_id, date, as_of, apply, wait, on_wait)


def _external(
    against: Sequence[str | Path], first: dt.date, last: dt.date, programme: Programme
) -> tuple[dict[dt.date, list[str]], list[str]]:
    """Every other calendar's busy days from `first` to `last`, merged, each event named with
    its time and calendar; and a warning for each calendar with nothing in that time."""
    from calendar_gen.calendars import open_source

    busy: dict[dt.date, list[str]] = {}
    warnings = []
    for spec in against:
        source = open_source(str(spec))
        days = clash.read_calendar(source.where, first, last, programme.timezone,
                                   name=source.name, data=source.data)  # fmt: skip
        if not any(first <= day <= last for day in days):
            warnings.append(
                f"{source.name} ({source.where}) has no events from {short_date(first)} to "
                f"{short_date(last)}: is it the calendar you meant?"
            )
        for day, events in days.items():
            busy.setdefault(day, []).extend(event.label for event in events)
    return busy, warnings


def clashes(
    schedules: str | Path = "schedules",
    *,
    as_of: dt.date,
    period: Period | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    month: YearMonth | None = None,
    against: Sequence[str | Path] = (),
    include_past: bool = False,
    only: str | None = None,
    format: str = "table",
) -> ClashReport:
    """Releases that clash: too many on one day, on another calendar's events, in a blackout.

    From `as_of` on (all of them with `include_past`), over the published calendar or one
    `period`; `only` one kind of clash when given. Clashes accepted in programme.toml are
    listed apart and not counted. `against` holds files or http(s)/webcal addresses, each
    optionally `NAME=...`.
    """
    from calendar_gen.releases import calendar

    programme = load_programme(schedules)
    if between := _between(start, end, month, as_of):
        releases = releases_between(programme, *between, as_of=as_of)
        scope = f"from {short_date(between[0])} to {short_date(between[1])}"
    elif period is not None:
        releases, scope = expand(programme, period, as_of=as_of), f"in {period}"
    else:
        releases, scope = calendar(programme, as_of), f"from {short_date(as_of)}"
    if not include_past:
        releases = [r for r in releases if r.date >= as_of]
    if not releases:
        return ClashReport((), (), scope, format)
    busy, warnings = _external(against, releases[0].date, releases[-1].date, programme)
    found = clash.find_clashes(programme, releases, busy, as_of)
    found = [c for c in found if only in (None, c.kind)]
    accepted = [c for c in found if _accepted(programme, c)]
    open_ = tuple(c for c in found if c not in accepted)
    return ClashReport(open_, tuple(accepted), scope, format, tuple(warnings))


def _accepted(programme: Programme, found: clash.Clash) -> bool:
    ids = [r.publication.id for r in found.releases]
    return any(a.covers(found.date, ids) for a in programme.accepted)


def next_year(
    schedules: str | Path = "schedules",
    out: str | Path = "feeds",
    *,
    as_of: dt.date,
    against: Sequence[str | Path] = (),
    avoid_clashes: bool = False,
    to: Period | None = None,
    dry_run: bool = False,
    strict: bool = False,
    wait: float = 60.0,
    on_wait: Waiting | None = None,
) -> NextYearReport:
    """Roll the programme to its next period, moving new releases off clashes if asked.

    All or nothing: the record, the feeds and programme.toml (last) are written together,
    and the current period's releases stay in the feeds. A programme already a period ahead
    of today's is rolled again only when `to` names the period to roll to.
    """
    from calendar_gen.edits import with_period

    with _writing(schedules, wait, on_wait):
        programme = load_programme(schedules)
        period = _period_to_roll_to(programme, as_of, to)
        # A release may roll a few days past its period's end.
        last = period.end + dt.timedelta(days=40)
        external, unseen = _external(against, period.start, last, programme)
        releases = expand(programme, period, as_of=as_of)
        moves = clash.avoid_clashes(programme, releases, external, as_of) if avoid_clashes else []
        rest = _rest_of(programme, as_of)
        entries = [
            Announcement(m.release.publication.id, m.release.scheduled, m.new_date, None,
                         (Moved(as_of, m.release.date, m.new_date, m.reason),))
            for m in moves
        ] + rest  # fmt: skip
        announcements = {**programme.announcements, **{e.key: e for e in entries}}
        rolled = replace(programme, period=period, announcements=announcements)
        text = with_period(schedules, period)
        built = _publish(rolled, out, as_of, recorded=entries, dry_run=dry_run,
                         extra=[(programme.programme_path, text)])  # fmt: skip
    releases = expand(rolled, period, as_of=as_of)
    upcoming = [r for r in releases if r.date >= as_of]  # what is out can no longer be helped
    remaining = clash.find_clashes(rolled, upcoming, external, as_of)
    return NextYearReport(rolled, period, tuple(moves), tuple(releases), built,
                          tuple(remaining), len(rest), (*unseen, *built.warnings),
                          strict=strict)  # fmt: skip


def _rest_of(programme: Programme, as_of: dt.date) -> list[Announcement]:
    """What is left of the current period, not yet announced, pinned in the record on the
    days the rules give: the feeds start from the new period, and must keep these."""
    from calendar_gen.releases import calendar

    return [
        Announcement(r.publication.id, r.scheduled, r.date, None)
        for r in calendar(programme, as_of)
        if not r.announcement and programme.period.contains(YearMonth.of(r.nominal or r.date))
    ]


def _period_to_roll_to(programme: Programme, as_of: dt.date, to: Period | None) -> Period:
    """The period after the programme's, unless that would roll a second time by mistake."""
    try:
        following = programme.period.following()
    except ValueError:
        raise CalendarGenError(
            f"{programme.period} is the last period calendar-gen reaches: no next year"
        ) from None
    today = programme.period.holding(as_of)
    path = programme.programme_path
    if programme.ends is not None and programme.ends < following.start:
        raise CalendarGenError(
            f"{path}: the programme ends on {programme.ends}, so it has no period after "
            f"{programme.period}. To carry it on, set ends to a later day or remove it."
        )
    if to is not None and to != following:
        done = " (it has been rolled already)" if to == programme.period else ""
        raise CalendarGenError(
            f"--to {to}: {path} is at {programme.period}, and next-year rolls one period at a "
            f"time, to {following}{done}"
        )
    if to is None and programme.period > today:
        raise CalendarGenError(
            f"{path}: the period is {programme.period} already, a period ahead of today's "
            f"({today}), so next-year has been run. To roll on to {following} anyway: "
            f"calendar-gen next-year --to {following}"
        )
    return following


def init(
    folder: str | Path = "schedules",
    *,
    as_of: dt.date,
    organisation: str = "Example Statistics Office",
    period: Period | None = None,
) -> InitReport:
    """Start a programme: a commented programme.toml and one topic that builds at once.

    The period defaults to the financial year holding `as_of`. Nothing is overwritten.
    """
    from calendar_gen.starter import starter_files

    root = Path(folder)
    period = period or Period.parse("2000/01").holding(as_of)
    files = {root / name: text for name, text in starter_files(organisation, period).items()}
    if existing := [str(path) for path in files if path.exists() or path.is_symlink()]:
        raise CalendarGenError(
            f"{', '.join(existing)}: already there; init writes a new programme and never "
            "overwrites one. Choose an empty folder: calendar-gen init FOLDER"
        )
    ensure_folder(root)
    publish(files.items())
    return InitReport(tuple(files), root)


def serve(
    out: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    log: Callable[[str], None],
    watch: str | Path | None = None,
    today: Callable[[], dt.date] = today_in_london,
    wait: float = 60.0,
) -> None:
    """Serve the feeds folder until interrupted; with `watch`, rebuild when its files change."""
    import gc
    import signal
    import threading

    from calendar_gen.server import FeedServer
    from calendar_gen.server import watch as watch_folder

    root = Path(out)
    if not root.is_dir():
        raise CalendarGenError(f"{out}: is not a folder; run calendar-gen build first")
    gc.enable()  # it runs on, rebuilding: what it leaves behind must be collected
    try:
        server = FeedServer(root, host, port, log=log)
    except OSError as error:
        raise CalendarGenError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    stop = threading.Event()
    if watch is not None:
        schedules = watch

        def rebuild() -> None:
            log(f"{schedules} changed: rebuilding")
            try:
                report = build(schedules, out, as_of=today(), wait=wait)
                lines = [f"warning: {w}" for w in report.warnings] + report.lines()
            except CalendarGenError as error:  # shown, and the last good build stays served
                lines = error_lines(error)
            for line in lines:
                log(line)

        watch_folder(Path(schedules), rebuild, stop)
    # Ctrl-C, or a service manager's TERM, stops it cleanly even in the background; set
    # before the address is told, so a stop sent as soon as it is known is heard.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    bound_host, bound_port = server.server_address[:2]
    log(f"serving {out}/ at http://{bound_host!s}:{bound_port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    log("stopped")
