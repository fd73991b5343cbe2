"""`build`: the pipeline that turns the rules and the record into every published file.

Plan the calendar, hold it to what was published last, render every file, then commit them
all at once: the record, the outputs, and the manifest that lets an unchanged rebuild skip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from calendar_gen.checks.practice import missed_builds, passed_unconfirmed, short_notice
from calendar_gen.domain.model import (
    RECORD_FILE,
    Announcement,
    Period,
    Programme,
    ShownRow,
    fold_shown,
)
from calendar_gen.domain.releases import Release, quiet_until, rule_conflicts, to_announce
from calendar_gen.domain.texts import plural
from calendar_gen.errors import CalendarGenError, ScheduleError
from calendar_gen.findings import Finding
from calendar_gen.programme.schedule import load_programme
from calendar_gen.reports import BuildReport, Format
from calendar_gen.usecases.shared import Waiting, chosen, writing
from calendar_gen.workspace.output import JOURNAL, Content, ensure_folder, publish, remove_leftovers


def build(
    schedules: str | Path = "schedules",
    out: str | Path = "feeds",
    *,
    as_of: dt.date,
    period: Period | None = None,
    published: str | Path | None = None,
    wait: float = 60.0,
    on_wait: Waiting | None = None,
    format: str = "table",
) -> BuildReport:
    """Record newly confirmed releases, then write every feed, the page and the data files.

    The feeds hold the programme's period through twelve months after `as_of` (through
    `period` too, when given) and every announced release. Nothing published as confirmed or
    cancelled may change without a recorded reason: `published` names the releases.json to
    hold the build to (default: the one in `out`).
    """
    from calendar_gen.publishing.site import fingerprint, previous_build

    shown = chosen("--format", format, (Format.TABLE, Format.JSON))
    with writing(schedules, wait, on_wait):
        # Nothing changed since the last build into `out`, and nothing changes by this day:
        # say what it said, touch nothing.
        if (
            published is None
            and Path(schedules).is_dir()
            and (note := previous_build(out, fingerprint(schedules, period), as_of))
        ):
            listed = note.get("warnings")
            said = [Finding.read(w) for w in listed] if isinstance(listed, list) else [None]
            later = as_of.isoformat() != note.get("as_of")
            if None not in said and (not later or _moved_on(Path(schedules), Path(out), note,
                                                            as_of)):  # fmt: skip
                # A later day says again how the calendar stands, not what was done then.
                warnings = tuple(w for w in said if w and not (later and w.kind.of_the_day))
                return BuildReport(str(note.get("summary")), Path(out), warnings=warnings,
                                   unchanged=True, format=shown)  # fmt: skip
        programme = load_programme(schedules, promises_first=True)
        if period is not None and period < programme.period:
            raise CalendarGenError(
                f"--period {period} is before the programme's period {programme.period}: a "
                "build publishes from the programme's period on, with every announced release "
                f"of earlier ones. To look at {period}: calendar-gen list --period {period}"
            )
        report = run(programme, out, as_of, through=period, published=published)
    return replace(report, format=shown)


def _moved_on(schedules: Path, out: Path, note: dict[str, Any], as_of: dt.date) -> bool:
    """On a later day that publishes just what the last build did, write only the day: the
    record's [published] last and the manifest's, so no change can be dated before a day
    subscribers were shown the calendar as it stood. False if the record cannot say it."""
    import json

    from calendar_gen.publishing.site import MANIFEST
    from calendar_gen.workspace.edits import kept_form, moved_on

    record = schedules / RECORD_FILE
    try:
        before = record.read_bytes()
        text = kept_form(record, lambda t: moved_on(t, as_of) or t)
    except OSError:
        return False
    if text.encode() == before:  # not as a build wrote it: the full build says why
        return False
    day = json.dumps({**note, "as_of": as_of.isoformat()}, indent=1) + "\n"
    publish([(record, text), (out / MANIFEST, day)], schedules / JOURNAL)
    return True


@dataclass(frozen=True)
class Held:
    """The calendar a build publishes, held to what it published last."""

    programme: Programme  # its record holding the releases kept as they were shown
    releases: list[Release]
    rows: list[str] | None  # releases.json's rows of them, made once; None: not needed
    shown: list[Announcement]  # provisional releases shown, now kept in the record
    since: dt.date | None  # the day the last build into the folder took as today
    showings: list[ShownRow]  # the record's new [[shown]] rows


def run(
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
    """Plan and hold the calendar, then render and commit it all at once.

    `extra` files (programme.toml, when rolling a year) are written last; `recorded` are the
    record entries the caller made (next-year's moves).
    """
    from calendar_gen.publishing.site import Output

    folder = Path(out)
    held = hold(programme, folder, as_of, through, published or folder / Output.RELEASES_JSON.value)
    programme, releases = held.programme, held.releases
    confirmed = to_announce(releases, programme)
    # Newly confirmed releases carry the changes just recorded for them, so they win.
    announce = [*{a.key: a for a in [*held.shown, *recorded, *confirmed]}.values()]
    warnings = [*missed_builds(programme, confirmed, held.since, as_of),
                *short_notice(programme, confirmed),
                *passed_unconfirmed(programme, held.shown, as_of),
                *rule_conflicts(releases, as_of)]  # fmt: skip
    report = BuildReport(_summary(programme, releases, as_of, through, out), folder,
                         announced=tuple(confirmed), warnings=tuple(warnings),
                         releases=tuple(releases), dry_run=dry_run)  # fmt: skip
    if dry_run:
        return report
    quiet = quiet_until(programme, releases, as_of)
    files = [*render(held, ensure_folder(out), as_of, announce), *extra]
    # Its rows go once releases.json is written, before the feeds: a whole government's
    # are 200 MB, and the events as many.
    del held
    changed = commit(programme, folder, files, [path for path, _ in extra], through, as_of,
                     report, quiet)  # fmt: skip
    return replace(report, changed=tuple(changed), record=programme.record_path)


def hold(
    programme: Programme, folder: Path, as_of: dt.date, through: Period | None,
    published: str | Path,
) -> Held:  # fmt: skip
    """The calendar to publish, after checking it keeps every promise `published` made; a
    release shown as provisional that the calendar would now leave out is kept as shown."""
    from calendar_gen.domain.releases import calendar, too_many
    from calendar_gen.publishing.pages import json_rows
    from calendar_gen.publishing.site import as_sealed, put_in_place
    from calendar_gen.record.promise import (
        check_promises,
        held_to_the_record,
        kept_as_shown,
        last_built,
        made_by_today,
        newly_shown,
        read_published,
    )
    from calendar_gen.workspace.readback import exists

    if why := too_many(programme, as_of, through):
        raise CalendarGenError(why)
    since = last_built(programme, folder, as_of)
    # Each sealed as the record will be before its row is made, so the rows are made once.
    releases = as_sealed(programme, calendar(programme, as_of, through))
    source = Path(published)
    # Made to leave out the rows published as they are; with nothing published (a first
    # build, a new folder) each is made as it is written, never all held at once.
    made = exists(source)
    rows = json_rows(releases) if made else None
    seen = read_published(source, set(rows or ()))  # first: it says best what is wrong with one
    held_to_the_record(programme, source)
    if shown := kept_as_shown(seen, releases, programme, as_of):
        programme = replace(programme, announcements={
            **programme.announcements, **{a.key: a for a in shown}})  # fmt: skip
        releases = as_sealed(programme, calendar(programme, as_of, through))
        rows = json_rows(releases) if made else None
    check_promises(seen, releases, source, since or as_of, as_of)
    if programme.seals.taken_out:  # with no release named by the promise check
        raise ScheduleError([programme.seals.taken_out])
    made_by_today(programme, as_of)
    # What it shows at a day (or time) it was not shown at before is in the record, and in
    # the releases' SEQUENCE and DTSTAMP.
    if showings := newly_shown(releases, seen, programme, as_of):
        programme = replace(programme, shown=fold_shown(showings, programme.shown))
        keys = {s.key for row in showings for s in row.releases}
        put_in_place(releases, rows, as_sealed(programme, calendar(programme, as_of, through,
                                                                   only=keys)))  # fmt: skip
    return Held(programme, releases, rows, shown, since, showings)


def render(
    held: Held, folder: Path, as_of: dt.date, announce: list[Announcement]
) -> list[tuple[Path, Content]]:
    """Every file of the build, the record's additions first: the large ones made as each is
    staged, and none renamed into place until all are."""
    from calendar_gen.publishing.site import Edition, outputs

    remove_leftovers(folder)
    programme = held.programme
    edition = Edition(programme, programme.period, held.releases, held.rows, as_of)
    return outputs(edition, folder, announce, held.showings)


def commit(
    programme: Programme,
    folder: Path,
    files: list[tuple[Path, Content]],
    inputs: list[Path],
    through: Period | None,
    as_of: dt.date,
    report: BuildReport,
    quiet: dt.date,
) -> list[Path]:
    """Write `files` all or nothing, then the manifest (with `quiet`, the last day a build
    publishes just the same); the outputs that changed, not the record or the `inputs`
    written with them."""
    from calendar_gen.publishing import site
    from calendar_gen.publishing.site import MANIFEST, fingerprint

    journal = Path(programme.folder) / JOURNAL  # a kill among the renames: the next run ends them
    kept = {programme.record_path, *inputs}
    names = [path.name for path, _ in files if path.parent == folder and path not in kept]
    # The last manifest, read once: what it noted but this build does not write goes.
    noted = site.noted_files(folder)
    stale = site.stale_files(folder, set(names), noted)
    changed = [path for path in publish(_handed_over(files), journal) if path not in kept]
    # A feed no longer built is taken away, not left frozen for its subscribers with no
    # further change; killed before the manifest is written, the next build takes it.
    for path in stale:
        path.unlink(missing_ok=True)
        changed.append(path)
    # Noted after the record is written: the next build, given the same, changes nothing.
    digest = fingerprint(programme.folder, through)
    said = {"summary": report.summary, "warnings": [w.as_dict() for w in report.warnings],
            "as_of": as_of.isoformat(), "quiet_until": quiet.isoformat()}  # fmt: skip
    publish([(folder / MANIFEST, site.note_build(folder, digest, names, said, noted))])
    return changed


def _handed_over(files: list[tuple[Path, Content]]) -> Iterator[tuple[Path, Content]]:
    """Each of `files`, taken out of the list as it is given: the record's pieces and each
    feed's events go once written, not at the end of the build."""
    files.reverse()
    while files:
        yield files.pop()


def _summary(
    programme: Programme,
    releases: list[Release],
    as_of: dt.date,
    through: Period | None,
    out: str | Path,
) -> str:
    """What a build publishes, in a line: the window's releases and the history kept."""
    from calendar_gen.domain.releases import window
    from calendar_gen.publishing.feeds import feed_bases

    first, last = window(programme, as_of, through)
    # By the day the rule gave it, not its slot's first day: a week can begin in March.
    history = sum((r.nominal or r.date) < first.first_day for r in releases)
    return (
        f"{plural(len(releases) - history, 'release')} of "
        f"{plural(len(programme.publications), 'publication')} from "
        f"{first.first_day:%B %Y} to {last.first_day:%B %Y}"
        + (f" and {history} announced before, kept as history" if history else "")
        + f": {len(feed_bases(programme))} feeds and index.html"
        + (" and each in Welsh" if programme.welsh else "")
        + f" in {out}/"
    )
