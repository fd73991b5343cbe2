"""The calendar-gen command: parses options, calls one use case, prints its report, exits."""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import traceback
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

import click

# The core is imported inside each command: `calendar-gen --help` must answer at once,
# without loading the holiday tables.
if TYPE_CHECKING:
    from calendar_gen.model import Period

EXIT_FOUND = 1  # the check ran and found something to put right
EXIT_INPUT = 2  # bad input or usage
EXIT_BUG = 70  # calendar-gen itself failed (EX_SOFTWARE in sysexits.h)


class Report(Protocol):
    @property
    def warnings(self) -> tuple[str, ...]: ...

    @property
    def found(self) -> bool: ...

    def lines(self) -> list[str]: ...


def _period(ctx: click.Context, param: click.Parameter, value: str | None) -> Period | None:
    if value is None:
        return None
    from calendar_gen.model import Period

    try:
        return Period.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    from calendar_gen.workdays import FIRST_YEAR, LAST_YEAR

    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2014-05-22") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise click.BadParameter(f"{value} is outside {FIRST_YEAR} to {LAST_YEAR}")
    return day


def _today(as_of: dt.date | None) -> dt.date:
    """The only place the wall clock enters: the default for --as-of, the date in the UK."""
    from calendar_gen.usecases import today_in_london

    return as_of or today_in_london()


def _show(report: Report, pieces: Iterable[str] | None = None) -> NoReturn:
    """Print the report and exit: 1 when it found something to put right.

    `pieces`, when given, are the report's text as it is made, written instead of its lines
    so that a whole government's data is never held twice.
    """
    for message in report.warnings:
        click.echo(f"warning: {message}", err=True)
    if pieces is None:
        for line in report.lines():
            click.echo(line)
    else:
        try:
            sys.stdout.writelines(pieces)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader has all it wanted (| head): not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(EXIT_FOUND if report.found else 0)


def _waiting(message: str) -> None:
    click.echo(message, err=True)


def _writer(ctx: click.Context) -> dict[str, Any]:
    """The options every command that writes passes on: how long to wait for the lock."""
    return {"wait": ctx.obj["wait"], "on_wait": _waiting}


schedules_option = click.option(
    "--schedules",
    default="schedules",
    show_default=True,
    metavar="DIR",
    help="Folder of schedule files: programme.toml and one .toml file per topic.",
)
out_option = click.option(
    "--out", default="feeds", show_default=True, metavar="DIR", help="Feeds folder."
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
reason_option = click.option(
    "--reason", required=True, help="Why, in words for the public: it is shown to subscribers."
)
against_option = click.option(
    "--against",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE.ics",
    help="Another producer's calendar: a release on a day with one of its events clashes.",
)


class _Guarded(click.Group):
    """Bad input exits 2 with its message; a bug exits 70 asking for a report."""

    def invoke(self, ctx: click.Context) -> Any:
        from calendar_gen.errors import CalendarGenError, error_lines

        try:
            return super().invoke(ctx)
        except CalendarGenError as error:
            for line in error_lines(error):
                click.echo(line, err=True)
            ctx.exit(EXIT_INPUT)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # a bug, not bad input: say so plainly
            if ctx.params.get("debug"):
                click.echo(traceback.format_exc(), err=True)
            click.echo(
                f"calendar-gen: internal error: {error!r}. This is a bug in calendar-gen; "
                "please report it with the command you ran (calendar-gen --debug ... shows "
                "the details).",
                err=True,
            )
            ctx.exit(EXIT_BUG)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="calendar-gen")
@click.option(
    "--wait",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0),
    metavar="SECONDS",
    help="How long a build or change waits for another one on the same schedules to finish.",
)
@click.option("--debug", is_flag=True, help="Show the traceback when calendar-gen itself fails.")
@click.pass_context
def cli(ctx: click.Context, wait: float, debug: bool) -> None:
    """Turn a folder of publication habits into working-day release dates and iCalendar feeds.

    \b
    Example:
        calendar-gen check
        calendar-gen list --format table
        calendar-gen build --out feeds
    """
    ctx.obj = {"wait": wait, "debug": debug}


@cli.command()
@schedules_option
@out_option
@period_option
@as_of_option
@click.option("--published", metavar="FILE", help="The releases.json last published, to hold "
              "the build to (default: the one in --out).")  # fmt: skip
@click.pass_context
def build(ctx: click.Context, schedules: str, out: str, period: Period | None,
          as_of: dt.date | None, published: str | None) -> None:  # fmt: skip
    """Write one .ics feed per topic and all.ics: the programme's period through twelve months
    ahead, and every release announced before it.

    Example: calendar-gen build --schedules schedules --out feeds
    """
    from calendar_gen import usecases

    _show(usecases.build(schedules, out, as_of=_today(as_of), period=period,
                         published=published, **_writer(ctx)))  # fmt: skip


@cli.command(name="list")
@schedules_option
@period_option
@as_of_option
@click.option("--topic", metavar="SLUG", help="Only this topic's releases.")
@click.option("--format", "fmt", type=click.Choice(("table", "json", "csv")), default="table",
              show_default=True)  # fmt: skip
def list_releases(schedules: str, period: Period | None, as_of: dt.date | None,
                  topic: str | None, fmt: str) -> None:  # fmt: skip
    """Print the releases in date order.

    Example: calendar-gen list --topic migration --format json
    """
    from calendar_gen import usecases

    report = usecases.list_releases(schedules, as_of=_today(as_of), period=period, topic=topic,
                                    format=fmt)  # fmt: skip
    _show(report, report.pieces())


@cli.command()
@schedules_option
@period_option
@as_of_option
@click.option("--include-past", is_flag=True, help="With --as-of, look before it too.")
def check(schedules: str, period: Period | None, as_of: dt.date | None,
          include_past: bool) -> None:  # fmt: skip
    """Validate the schedules and summarise what they hold.

    With --as-of, also report Code of Practice problems from that day on (short-notice
    changes, releases not at 09:30 without a time_reason) and exit 1 if there are any.

    Example: calendar-gen check --schedules schedules --as-of 2014-06-01
    """
    from calendar_gen import usecases

    _show(usecases.check(schedules, as_of=as_of, period=period, include_past=include_past))


@cli.command()
@click.argument("pub_id", metavar="ID")
@click.argument("date", callback=_date, metavar="DATE")
@click.argument("new_date", callback=_date, metavar="NEW_DATE")
@reason_option
@schedules_option
@as_of_option
@click.pass_context
def move(ctx: click.Context, pub_id: str, date: dt.date, new_date: dt.date, reason: str,
         schedules: str, as_of: dt.date | None) -> None:  # fmt: skip
    """Move the release of ID now on DATE to NEW_DATE, recording why.

    Example: calendar-gen move immigration-statistics 2014-05-22 2014-05-29 --reason "late data"
    """
    from calendar_gen import usecases

    _show(usecases.move(pub_id, date, new_date, reason, schedules=schedules,
                        as_of=_today(as_of), **_writer(ctx)))  # fmt: skip


@cli.command()
@click.argument("pub_id", metavar="ID")
@click.argument("date", callback=_date, metavar="DATE")
@reason_option
@schedules_option
@as_of_option
@click.pass_context
def cancel(ctx: click.Context, pub_id: str, date: dt.date, reason: str, schedules: str,
           as_of: dt.date | None) -> None:  # fmt: skip
    """Cancel the release of ID now on DATE, recording why; it stays in the feeds as cancelled.

    Example: calendar-gen cancel hate-crimes 2014-10-16 --reason "data quality review"
    """
    from calendar_gen import usecases

    _show(usecases.cancel(pub_id, date, reason, schedules=schedules, as_of=_today(as_of),
                          **_writer(ctx)))  # fmt: skip


@cli.command()
@click.argument("pub_id", metavar="ID")
@click.argument("date", callback=_date, metavar="DATE")
@click.option("--to", "to", callback=_date, metavar="NEW_DATE",
              help="Reinstate it on another day (default: the day it had).")  # fmt: skip
@reason_option
@schedules_option
@as_of_option
@click.pass_context
def reinstate(ctx: click.Context, pub_id: str, date: dt.date, to: dt.date | None, reason: str,
              schedules: str, as_of: dt.date | None) -> None:  # fmt: skip
    """Bring back the cancelled release of ID on DATE, recording why.

    Example: calendar-gen reinstate hate-crimes 2014-10-16 --to 2014-10-23 --reason "data ready"
    """
    from calendar_gen import usecases

    _show(usecases.reinstate(pub_id, date, reason, to=to, schedules=schedules,
                             as_of=_today(as_of), **_writer(ctx)))  # fmt: skip


@cli.command()
@schedules_option
@period_option
@as_of_option
@against_option
@click.option("--include-past", is_flag=True, help="Look at releases before today too.")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table")
def clashes(schedules: str, period: Period | None, as_of: dt.date | None,
            against: tuple[str, ...], include_past: bool, fmt: str) -> None:  # fmt: skip
    """Find releases from today on that clash: too many on one day, on another calendar's
    events, or in a blackout period. Exit 1 if there are any not accepted.

    Example: calendar-gen clashes --against ons.ics --format json
    """
    from calendar_gen import usecases

    _show(usecases.clashes(schedules, as_of=_today(as_of), period=period, against=against,
                           include_past=include_past, format=fmt))  # fmt: skip


@cli.command(name="next-year")
@schedules_option
@out_option
@as_of_option
@against_option
@click.option(
    "--avoid-clashes",
    is_flag=True,
    help="Move releases not yet announced off clashes, to the nearest clear day of their month.",
)
@click.option("--to", "to", callback=_period, metavar="P",
              help="Roll to P though the programme is ahead of today.s period.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Show the new period and every move; write nothing.")
@click.pass_context
def next_year(ctx: click.Context, schedules: str, out: str, as_of: dt.date | None,
              against: tuple[str, ...], avoid_clashes: bool, to: Period | None,
              dry_run: bool) -> None:  # fmt: skip
    """Roll the programme to the next period, write its feeds and print it for review.

    Example: calendar-gen next-year --avoid-clashes --against ons.ics --dry-run
    """
    from calendar_gen import usecases

    _show(usecases.next_year(schedules, out, as_of=_today(as_of), against=against,
                             avoid_clashes=avoid_clashes, to=to, dry_run=dry_run,
                             **_writer(ctx)))  # fmt: skip


@cli.command()
@out_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--watch", is_flag=True, help="Rebuild when a schedule file changes.")
@schedules_option
@click.pass_context
def serve(ctx: click.Context, out: str, host: str, port: int, watch: bool, schedules: str) -> None:
    """Serve the feeds folder for preview, as subscribers will fetch it. Stop with Ctrl-C.

    Example: calendar-gen serve --watch
    """
    import signal

    from calendar_gen import usecases

    gc.enable()  # it runs on, rebuilding: what it leaves behind must be collected
    # Ctrl-C, or a service manager's TERM, stops it cleanly even when started in the background.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    usecases.serve(out, host, port, log=click.echo, watch=schedules if watch else None,
                   today=lambda: _today(None), wait=ctx.obj["wait"])  # fmt: skip
    click.echo("stopped")


def main() -> None:
    """Entry point of the installed command and of python -m calendar_gen."""
    # A run makes a few hundred thousand objects that live until it ends, and next to no
    # reference cycles: looking for cycles as they grow took a quarter of a large build.
    gc.disable()
    cli.main(prog_name="calendar-gen")
