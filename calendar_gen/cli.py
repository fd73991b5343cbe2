"""The calendar-gen command: parses options, calls the core, prints, and picks exit codes."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, NoReturn

import click

# The core is imported inside each command: `calendar-gen --help` must answer at once,
# without loading the holiday tables.
if TYPE_CHECKING:
    from calendar_gen.releases import Release
    from calendar_gen.schedule import Period

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
        return programme, period, expand(programme, period, as_of=as_of or dt.date.today())
    except CalendarGenError as error:
        _report(error)


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
def cli() -> None:
    """Turn a folder of publication habits into working-day release dates and iCalendar feeds.

    \b
    Example:
        calendar-gen check
        calendar-gen list --format table
        calendar-gen build --out feeds
    """


@cli.command()
@schedules_option
@click.option("--out", default="feeds", show_default=True, metavar="DIR", help="Feeds folder.")
@period_option
@as_of_option
def build(schedules: str, out: str, period: Period | None, as_of: dt.date | None) -> None:
    """Write one .ics feed per topic and all.ics with every release.

    Example: calendar-gen build --schedules schedules --out feeds
    """
    from calendar_gen.errors import CalendarGenError
    from calendar_gen.feeds import render_feeds
    from calendar_gen.output import write_files

    programme, period, releases = _load(schedules, period, as_of)
    feeds = render_feeds(programme, releases, period)
    try:
        changed = write_files(out, feeds)
    except CalendarGenError as error:
        _report(error)
    click.echo(
        f"{len(releases)} releases of {len(programme.publications)} publications in {period}: "
        f"{len(feeds)} feeds in {out}/ ({len(changed)} changed)"
    )


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
    if fmt == "json":
        import json

        click.echo(json.dumps([r.as_dict() for r in releases], indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(_csv(releases), nl=False)
    else:
        click.echo(_table(releases))


def _csv(releases: list[Release]) -> str:
    import csv
    import io

    from calendar_gen.releases import FIELDS

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(r.as_dict() for r in releases)
    return buffer.getvalue()


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
def check(schedules: str, period: Period | None) -> None:
    """Validate the schedules and summarise what they hold.

    Example: calendar-gen check --schedules schedules
    """
    from calendar_gen.releases import suspensions
    from calendar_gen.workdays import bank_holiday

    programme, period, releases = _load(schedules, period, None)
    click.echo(
        f"{schedules}: {programme.organisation}, {len(programme.topics)} topics, "
        f"{len(programme.publications)} publications, {len(releases)} releases in {period}"
    )
    if releases:
        click.echo(f"first release {releases[0].date}, last {releases[-1].date}")
    for r in releases:
        if r.nominal != r.date:
            why = bank_holiday(r.nominal, r.publication.rule.region) or "a weekend"
            click.echo(
                f"{r.publication.id}: {r.publication.rule.day} gives {r.nominal:%a %d %b %Y} "
                f"({why}); rolled {r.publication.rule.roll} to {r.date:%a %d %b %Y}"
            )
    for publication, suspension in suspensions(programme, period):
        click.echo(f"{publication.id}: suspended for {suspension.period}: {suspension.reason}")
    click.echo("OK")


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
