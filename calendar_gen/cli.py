"""The calendar-gen command: parses options, calls the core, prints, and picks exit codes."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

# The core is imported inside each command: `calendar-gen --help` must answer at once,
# without loading the holiday tables.
if TYPE_CHECKING:
    from calendar_gen.releases import Release
    from calendar_gen.schedule import Period, Programme

EXIT_FOUND = 1  # the check ran and found something to put right
EXIT_INPUT = 2


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(EXIT_INPUT)


def _period(ctx: click.Context, param: click.Parameter, value: str | None) -> Period | None:
    if value is None:
        return None
    from calendar_gen.schedule import Period

    try:
        return Period.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2014-05-22") from None


schedules_option = click.option(
    "--schedules",
    default="schedules",
    show_default=True,
    metavar="DIR",
    help="Folder of schedule files: programme.toml and one .toml file per topic.",
)
period_option = click.option(
    "--period",
    callback=_period,
    metavar="P",
    help="Period to expand: a financial year like 2014/15 or a year like 2015 "
    "(default: the programme's).",
)
as_of_option = click.option(
    "--as-of",
    callback=_date,
    metavar="DATE",
    help="Treat DATE (YYYY-MM-DD) as today: releases within the notice period are confirmed.",
)


def _load(schedules: str, period: Period | None, as_of: dt.date | None):
    from calendar_gen.errors import CalendarGenError
    from calendar_gen.releases import expand
    from calendar_gen.schedule import load_programme

    try:
        programme = load_programme(schedules)
        period = period or programme.period
        return programme, period, expand(programme, period, as_of=as_of or _today())
    except CalendarGenError as error:
        _report(error)


def _today() -> dt.date:
    """The only place the wall clock enters: the default for --as-of."""
    return dt.date.today()


def _report(error: Exception) -> NoReturn:
    from calendar_gen.errors import ScheduleError

    if isinstance(error, ScheduleError):
        for problem in error.problems:
            click.echo(str(problem), err=True)
        count = len(error.problems)
        _fail(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
    _fail(str(error))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="calendar-gen")
@click.option(
    "--wait",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0),
    metavar="SECONDS",
    help="How long a build or change waits for another one on the same schedules to finish.",
)
@click.pass_context
def cli(ctx: click.Context, wait: float) -> None:
    """Turn a folder of publication habits into working-day release dates and iCalendar feeds.

    \b
    Example:
        calendar-gen check
        calendar-gen list --format table
        calendar-gen build --out feeds
    """
    ctx.obj = {"wait": wait}


@contextlib.contextmanager
def _writing(schedules: str) -> Iterator[None]:
    """One writer at a time per schedules folder: builds and changes queue, then give up."""
    from calendar_gen.errors import CalendarGenError
    from calendar_gen.output import locked

    folder = Path(schedules)
    if not folder.is_dir():  # loading it will say what is wrong
        yield
        return
    wait = click.get_current_context().obj["wait"]
    try:
        with locked(folder, wait, lambda message: click.echo(message, err=True)):
            yield
    except CalendarGenError as error:
        _report(error)


@cli.command()
@schedules_option
@click.option("--out", default="feeds", show_default=True, metavar="DIR", help="Feeds folder.")
@period_option
@as_of_option
def build(schedules: str, out: str, period: Period | None, as_of: dt.date | None) -> None:
    """Write one .ics feed per topic and all.ics with every release.

    Example: calendar-gen build --schedules schedules --out feeds
    """
    from calendar_gen.build import fingerprint, previous_build

    today = as_of or _today()
    with _writing(schedules):
        # Nothing changed since the last build into `out`: say what it said, touch nothing.
        if Path(schedules).is_dir() and (
            note := previous_build(out, fingerprint(schedules, period, today))
        ):
            for message in note.get("warnings", []):
                click.echo(f"warning: {message}", err=True)
            click.echo(f"{note.get('summary')} ({out}/ unchanged)")
            return
        programme, resolved, releases = _load(schedules, period, today)
        _publish(programme, resolved, releases, out, today, requested=period)


def _publish(
    programme: Programme,
    period: Period,
    releases: list[Release],
    out: str,
    as_of: dt.date,
    requested: Period | None = None,
) -> None:
    """Record newly confirmed releases, then write the feeds and page, and say what was done.

    `requested` is the --period asked for (None: the programme's), for the build's note.
    """
    from calendar_gen.build import MANIFEST, file_names, fingerprint, note_build, outputs
    from calendar_gen.errors import CalendarGenError
    from calendar_gen.output import ensure_folder, publish, remove_leftovers
    from calendar_gen.releases import rule_conflicts, to_announce, with_history

    announce = to_announce(releases, programme)
    warnings = rule_conflicts(releases)
    published = with_history(programme, period, releases, as_of)
    kept = len(published) - len(releases)
    summary = (
        f"{len(releases)} releases of {len(programme.publications)} publications in {period}"
        + (f" and {kept} announced before it, kept as history" if kept else "")
        + f": {len(programme.topics) + 1} feeds and index.html in {out}/"
    )
    try:
        folder = ensure_folder(out)
        remove_leftovers(folder)
        files = outputs(programme, period, published, as_of, folder, announce)
        changed = [p for p in publish(files) if p != programme.record_path]
        # Noted after the record is written: the next build, given the same, changes nothing.
        digest = fingerprint(programme.folder, requested, as_of)
        said = {"summary": summary, "warnings": warnings}
        publish([(folder / MANIFEST, note_build(folder, digest, file_names(programme), said))])
    except CalendarGenError as error:
        _report(error)
    for message in warnings:
        click.echo(f"warning: {message}", err=True)
    if announce:
        click.echo(f"{len(announce)} newly confirmed releases added to {programme.record_path}")
    click.echo(f"{summary} ({len(changed)} file{'s' if len(changed) != 1 else ''} changed)")


FORMATS = ("table", "json", "csv")


@cli.command(name="list")
@schedules_option
@period_option
@as_of_option
@click.option("--topic", metavar="SLUG", help="Only this topic's releases.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_releases(
    schedules: str, period: Period | None, as_of: dt.date | None, topic: str | None, fmt: str
) -> None:
    """Print the releases in date order.

    Example: calendar-gen list --topic migration --format json
    """
    programme, period, releases = _load(schedules, period, as_of)
    if topic is not None:
        if programme.topic(topic) is None:
            slugs = ", ".join(t.slug for t in programme.topics)
            _fail(f"--topic '{topic}' is not a topic of {schedules}; topics: {slugs}")
        releases = [r for r in releases if r.topic.slug == topic]
    from calendar_gen.pages import csv_lines, json_lines

    if fmt == "json":
        click.echo("".join(json_lines(releases)), nl=False)
    elif fmt == "csv":
        click.echo("".join(csv_lines(releases)), nl=False)
    else:
        click.echo(_table(releases))


def _table(releases: list[Release]) -> str:
    rows = [("Date", "Time", "Status", "Topic", "Id", "Title")]
    rows += [
        (
            f"{r.date:%a %d %b %Y}",
            f"{r.start:%H:%M}",
            r.status,
            r.topic.slug,
            r.publication.id,
            r.publication.title,
        )
        for r in releases
    ]
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    lines = ("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


@cli.command()
@schedules_option
@period_option
@as_of_option
def check(schedules: str, period: Period | None, as_of: dt.date | None) -> None:
    """Validate the schedules and summarise what they hold.

    With --as-of, also report Code of Practice problems (short-notice changes, releases
    not at 09:30, no releases announced for the year ahead) and exit 1 if there are any.

    Example: calendar-gen check --schedules schedules --as-of 2014-06-01
    """
    from calendar_gen.practice import practice_problems
    from calendar_gen.releases import rule_conflicts, suspensions
    from calendar_gen.workdays import bank_holiday

    programme, period, releases = _load(schedules, period, as_of)
    click.echo(
        f"{schedules}: {programme.organisation}, {len(programme.topics)} topics, "
        f"{len(programme.publications)} publications, {len(releases)} releases in {period}"
    )
    if releases:
        click.echo(f"first release {releases[0].date}, last {releases[-1].date}")
    for r in releases:
        if r.nominal and r.rule_date and r.nominal != r.rule_date:
            why = bank_holiday(r.nominal, r.publication.rule.region) or "a weekend"
            click.echo(
                f"{r.publication.id}: {r.publication.rule.day} gives {r.nominal:%a %d %b %Y} "
                f"({why}); rolled {r.publication.rule.roll} to {r.rule_date:%a %d %b %Y}"
            )
    for publication, suspension in suspensions(programme, period):
        click.echo(f"{publication.id}: suspended for {suspension.period}: {suspension.reason}")
    for message in rule_conflicts(releases):
        click.echo(f"warning: {message}")
    problems = practice_problems(programme, as_of) if as_of else []
    for message in problems:
        click.echo(f"code of practice: {message}")
    if problems:
        click.echo(f"{len(problems)} Code of Practice problem(s) as of {as_of}")
        sys.exit(EXIT_FOUND)
    click.echo("OK")


def _change(schedules: str, as_of: dt.date | None, make) -> None:
    """Load, apply one change to the record atomically, and say what changed."""
    from calendar_gen.errors import CalendarGenError
    from calendar_gen.output import publish
    from calendar_gen.record import describe, render_updates
    from calendar_gen.schedule import load_programme

    with _writing(schedules):
        try:
            programme = load_programme(schedules)
            announcement = make(programme, as_of or _today())
            record = programme.record_path
            publish([(record, render_updates(record, [announcement]))])
        except CalendarGenError as error:
            _report(error)
    click.echo(f"{announcement.id}: {describe(announcement.changes[-1])}")
    click.echo(f"recorded in {record}; run calendar-gen build to publish the change")


reason_option = click.option(
    "--reason", required=True, help="Why, in words for the public: it is shown to subscribers."
)


@cli.command()
@click.argument("pub_id", metavar="ID")
@click.argument("date", callback=_date, metavar="DATE")
@click.argument("new_date", callback=_date, metavar="NEW_DATE")
@reason_option
@schedules_option
@as_of_option
def move(
    pub_id: str,
    date: dt.date,
    new_date: dt.date,
    reason: str,
    schedules: str,
    as_of: dt.date | None,
) -> None:
    """Move the release of ID now on DATE to NEW_DATE, recording why.

    Example: calendar-gen move immigration-statistics 2014-05-22 2014-05-29 --reason "late data"
    """
    from calendar_gen.changes import find_release
    from calendar_gen.changes import move as move_release

    def make(programme, today):
        release = find_release(programme, pub_id, date, today)
        return move_release(programme, release, new_date, reason, today)

    _change(schedules, as_of, make)


@cli.command()
@click.argument("pub_id", metavar="ID")
@click.argument("date", callback=_date, metavar="DATE")
@reason_option
@schedules_option
@as_of_option
def cancel(pub_id: str, date: dt.date, reason: str, schedules: str, as_of: dt.date | None) -> None:
    """Cancel the release of ID now on DATE, recording why; it stays in the feeds as cancelled.

    Example: calendar-gen cancel hate-crimes 2014-10-16 --reason "data quality review"
    """
    from calendar_gen.changes import cancel as cancel_release
    from calendar_gen.changes import find_release

    def make(programme, today):
        release = find_release(programme, pub_id, date, today)
        return cancel_release(programme, release, reason, today)

    _change(schedules, as_of, make)


def _external(against: tuple[str, ...], period: Period, programme: Programme):
    """Every --against calendar's busy days, merged."""
    from calendar_gen.clashes import read_calendar

    busy: dict[dt.date, list[str]] = {}
    for path in against:
        for day, summaries in read_calendar(path, period, programme.timezone).items():
            busy.setdefault(day, []).extend(summaries)
    return busy


def _clash_table(clashes) -> str:
    lines = []
    for c in clashes:
        ids = ", ".join(r.publication.id for r in c.releases)
        what = {
            "same-day": f"{len(c.releases)} releases on one day: {ids}",
            "external": f"{ids} on the day of: {'; '.join(c.events)}",
            "blackout": f"{ids} in a blackout: {c.reason}",
        }[c.kind]
        line = f"{c.date:%a %d %b %Y}  {c.kind:<8}  {what}"
        if c.mover and c.suggestion:
            line += f"; suggest moving {c.mover.publication.id} to {c.suggestion:%a %d %b %Y}"
        elif c.mover:
            line += f"; no clear working day in {c.date:%B} for {c.mover.publication.id}"
        lines.append(line)
    return "\n".join(lines)


against_option = click.option(
    "--against",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE.ics",
    help="Another producer's calendar: a release on a day with one of its events clashes.",
)


@cli.command()
@schedules_option
@period_option
@as_of_option
@against_option
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table")
def clashes(
    schedules: str,
    period: Period | None,
    as_of: dt.date | None,
    against: tuple[str, ...],
    fmt: str,
) -> None:
    """Find releases that clash: too many on one day, on another calendar's events, or in a
    blackout period. Exit 1 if there are any.

    Example: calendar-gen clashes --against ons.ics --format json
    """
    from calendar_gen.clashes import find_clashes
    from calendar_gen.errors import CalendarGenError

    programme, period, releases = _load(schedules, period, as_of)
    try:
        found = find_clashes(programme, releases, _external(against, period, programme))
    except CalendarGenError as error:
        _report(error)
    if fmt == "json":
        import json

        click.echo(json.dumps([c.as_dict() for c in found], indent=2, ensure_ascii=False))
    elif found:
        click.echo(_clash_table(found))
        click.echo(f"{len(found)} clash{'es' if len(found) != 1 else ''} in {period}")
    else:
        click.echo(f"no clashes in {period}")
    if found:
        sys.exit(EXIT_FOUND)


@cli.command(name="next-year")
@schedules_option
@click.option("--out", default="feeds", show_default=True, metavar="DIR", help="Feeds folder.")
@as_of_option
@against_option
@click.option(
    "--avoid-clashes",
    is_flag=True,
    help="Move releases not yet announced off clashes, to the nearest clear day of their month.",
)
def next_year(
    schedules: str, out: str, as_of: dt.date | None, against: tuple[str, ...], avoid_clashes: bool
) -> None:
    """Roll the programme to the next period, write its feeds and print it for review.

    Example: calendar-gen next-year --avoid-clashes --against ons.ics
    """
    from calendar_gen import clashes as clash
    from calendar_gen.errors import CalendarGenError
    from calendar_gen.output import publish
    from calendar_gen.record import MOVED, Announcement, Change, long_date, render_updates
    from calendar_gen.releases import expand
    from calendar_gen.schedule import PROGRAMME_FILE, load_programme, with_period

    today = as_of or _today()
    with _writing(schedules):
        programme, _, _ = _load(schedules, None, today)
        period = programme.period.following()
        try:
            external = _external(against, period, programme)
            releases = expand(programme, period, as_of=today)
            moves = clash.avoid_clashes(programme, releases, external) if avoid_clashes else []
            record = programme.record_path
            if moves:
                entries = [
                    Announcement(m.release.publication.id, m.release.scheduled, m.new_date, None,
                                 (Change(today, MOVED, m.release.date, m.new_date, m.reason),))
                    for m in moves
                ]  # fmt: skip
                files = {record: render_updates(record, entries)}
            else:
                files = {}
            files[Path(schedules) / PROGRAMME_FILE] = with_period(schedules, period)
            publish(files.items())
            programme = load_programme(schedules)
            releases = expand(programme, period, as_of=today)
            remaining = clash.find_clashes(programme, releases, external)
        except CalendarGenError as error:
            _report(error)
        click.echo(f"{schedules}/{PROGRAMME_FILE}: period is now {period}")
        for m in moves:
            click.echo(
                f"moved {m.release.publication.id} from {long_date(m.release.date)} to "
                f"{long_date(m.new_date)}: {m.reason}"
            )
        click.echo(_table(releases))
        _publish(programme, period, releases, out, today)
    if remaining:
        click.echo(_clash_table(remaining))
        click.echo(f"{len(remaining)} clash{'es' if len(remaining) != 1 else ''} left in {period}")
        sys.exit(EXIT_FOUND)


@cli.command()
@click.option("--out", default="feeds", show_default=True, metavar="DIR", help="Feeds folder.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--watch", is_flag=True, help="Rebuild when a schedule file changes.")
@schedules_option
def serve(out: str, host: str, port: int, watch: bool, schedules: str) -> None:
    """Serve the feeds folder for preview, as subscribers will fetch it. Stop with Ctrl-C.

    Example: calendar-gen serve --watch
    """
    import signal
    import threading

    from calendar_gen.server import FeedServer
    from calendar_gen.server import watch as watch_folder

    root = Path(out)
    if not root.is_dir():
        _fail(f"{out}: is not a folder; run calendar-gen build first")
    try:
        server = FeedServer(root, host, port, log=lambda line: click.echo(line))
    except OSError as error:
        _fail(f"cannot listen on {host}:{port}: {error.strerror}")
    # Ctrl-C, or a service manager's TERM, stops it cleanly even when started in the background.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    stop = threading.Event()
    if watch:

        def rebuild() -> None:
            click.echo(f"{schedules} changed: rebuilding")
            result = _rebuild(schedules, out)
            click.echo(result)

        watch_folder(Path(schedules), rebuild, stop)
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"serving {out}/ at http://{bound_host!s}:{bound_port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    click.echo("stopped")


def _rebuild(schedules: str, out: str) -> str:
    """Run a build for --watch, returning what it said rather than exiting on bad input."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "calendar_gen", "build", "--schedules", schedules, "--out", out],
        capture_output=True,
        text=True,
    )
    return (done.stdout + done.stderr).strip()


def main() -> None:
    """Entry point: run the command, with any unexpected error shown without a traceback."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    try:
        cli.main(prog_name="calendar-gen")
    except Exception as error:  # a bug, not bad input: say so plainly
        if debug:
            raise
        _fail(f"calendar-gen: internal error: {error!r} (run with --debug for details)")
