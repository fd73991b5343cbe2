"""The calendar-gen command: parses options, calls one use case, prints its report, exits."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

# The core is imported inside each command: `calendar-gen --help` must answer at once,
# without loading the holiday tables.
if TYPE_CHECKING:
    from calendar_gen.domain.model import Period, YearMonth
    from calendar_gen.reports import Report

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FOUND = 1  # the check ran and found something to put right
EXIT_INPUT = 2  # bad input or usage
EXIT_BUG = 70  # calendar-gen itself failed (EX_SOFTWARE in sysexits.h)


def _parsed(kind: str) -> Callable[[click.Context, click.Parameter, str | None], Any]:
    """A click callback reading a date, month, period, time or address as the model does, or
    saying why not."""

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
        from calendar_gen.domain.history import parse_time, parse_url
        from calendar_gen.domain.model import Period, YearMonth, parse_date

        read = {"date": parse_date, "month": YearMonth.read, "period": Period.parse,
                "time": parse_time, "url": parse_url}[kind]  # fmt: skip
        try:
            return None if value is None else read(value)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None

    return parse


_date, _period = _parsed("date"), _parsed("period")


def _folder(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A folder's name; an empty one would mean the folder the command runs in, unasked."""
    if not value.strip():
        raise click.BadParameter(f"{value!r} names no folder; write the folder's name, like "
                                 f"{param.opts[0]} {param.default}")  # fmt: skip
    return value


def _show(report: Report) -> NoReturn:
    """Print the report and exit: 1 when it found something to put right. A report that
    comes in pieces (a whole government's data) is written as it is made, never held twice.
    Text for people has its control characters shown; JSON and CSV are data, kept exact, JSON
    with each character a terminal would act on written as its escape."""
    from calendar_gen.reports import spell
    from calendar_gen.terminal import json_safe, terminal_safe

    shape = getattr(report, "format", "table")
    safe = terminal_safe if shape == "table" else json_safe if shape == "json" else str
    warnings = (f"warning: {terminal_safe(spell(finding))}\n" for finding in report.warnings)
    click.echo("".join(warnings), nl=False, err=True)
    try:
        sys.stdout.writelines(
            map(safe, getattr(report, "pieces", lambda: (f"{x}\n" for x in report.lines()))())
        )
        sys.stdout.flush()
    except BrokenPipeError:  # the reader has all it wanted (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(EXIT_FOUND if report.found else 0)


# fmt: off
schedules_option = click.option("--schedules", default="schedules", show_default=True,
    metavar="DIR", callback=_folder,
    help="Folder of schedule files: programme.toml and one .toml file per topic.")
out_option = click.option("--out", default="feeds", show_default=True, metavar="DIR",
                          callback=_folder, help="Feeds folder.")
period_option = click.option("--period", callback=_period, metavar="P", help="A financial "
    "year like 2014/15 or a year like 2015 (default: the programme's).")
as_of_option = click.option("--as-of", callback=_date, metavar="DATE", help="Treat DATE "
    "(YYYY-MM-DD) as today: releases within the notice period are confirmed.")
# A programme started afresh (init) or learnt from past dates (learn): its producer, its year.
organisation_option = click.option("--organisation", default="Example Statistics Office",
    show_default=True, help="The producer's name, shown in every feed.")
first_period_option = click.option("--period", callback=_period, metavar="P", help="A "
    "financial year like 2027/28 or a year like 2027 (default: the financial year holding today).")
reason_option = click.option("--reason", required=True,
    help="Why, in words for the public: it is shown to subscribers.")
reason_cy_option = click.option("--reason-cy", "reason_cy", default="",
    metavar="TEXT", help="Why, in Welsh: required when the programme is published in Welsh "
    "(organisation_cy in programme.toml).")
against_option = click.option("--against", multiple=True, metavar="[NAME=]FILE|URL",
    help="Another producer's calendar, a file or an http(s) or webcal address, with a name "
    "to show: a release on a day with one of its events clashes. govuk (or "
    "govuk:ORGANISATION, or a saved Search API answer, .json) is GOV.UK's announcements.")
format_option = click.option("--format", type=click.Choice(("table", "json", "csv")),
                             default="table", show_default=True)
report_format = click.option("--format", type=click.Choice(("table", "json")),
    default="table", show_default=True, help="json: the summary and every finding as data.")
past_option = click.option("--include-past", is_flag=True, help="Look before --as-of too.")
_between = [
    click.option("--from", "start", callback=_date, metavar="DATE", help="From this day on."),
    click.option("--until", "end", callback=_date, metavar="DATE", help="Up to this day."),
    click.option("--month", callback=_parsed("month"), metavar="YYYY-MM",
                 help="Only this month, like 2027-05.")]
_id_date = [click.argument("pub_id", metavar="ID"),
            click.argument("date", callback=_date, metavar="DATE")]
# fmt: on


def _all(decorators: list[Callable[[F], F]]) -> Callable[[F], F]:
    """Several click decorators as one, applied in the order written."""
    return lambda f: functools.reduce(lambda g, d: d(g), reversed(decorators), f)


between_options, id_date = _all(_between), _all(_id_date)
# What every change to a release asks: why, and in which schedules as of which day.
change_options = _all([reason_option, reason_cy_option, schedules_option, as_of_option])
new_programme_options = _all([organisation_option, first_period_option])


class _Guarded(click.Group):
    """Bad input exits 2 with its message; a bug exits 70 asking for a report."""

    def invoke(self, ctx: click.Context) -> Any:
        from calendar_gen.errors import CalendarGenError, error_lines
        from calendar_gen.terminal import terminal_safe

        try:
            return super().invoke(ctx)
        except CalendarGenError as error:
            for line in error_lines(error):
                click.echo(terminal_safe(line), err=True)
            ctx.exit(EXIT_INPUT)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # a bug, not bad input: say so plainly
            if ctx.params.get("debug"):
                click.echo(traceback.format_exc(), err=True)
            click.echo(f"calendar-gen: internal error: {error!r}. This is a bug in calendar-gen; "
                       "please report it with the command you ran (calendar-gen --debug ... "
                       "shows the details).", err=True)  # fmt: skip
            ctx.exit(EXIT_BUG)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="calendar-gen")
@click.option("--wait", default=60.0, show_default=True, type=click.FloatRange(0),
              metavar="SECONDS", help="How long a build or change waits for another one on "
              "the same schedules to finish.")  # fmt: skip
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


def _today(as_of: dt.date | None) -> dt.date:
    """--as-of, or the date in the UK: the only place the wall clock enters."""
    from calendar_gen.usecases import today_in_london

    return as_of or today_in_london()


def _writer() -> dict[str, Any]:
    """How a command that writes waits for another run on the same schedules, telling why."""
    wait = click.get_current_context().obj["wait"]
    return {"wait": wait, "on_wait": lambda message: click.echo(message, err=True)}


@cli.command()
@schedules_option
@out_option
@period_option
@as_of_option
@click.option("--published", metavar="FILE", help="The releases.json last published, to "
              "hold the build to (default: the one in --out).")  # fmt: skip
@report_format
def build(schedules: str, out: str, period: Period | None, as_of: dt.date | None,
          published: str | None, format: str) -> None:  # fmt: skip
    """Write one .ics feed per topic and all.ics: the programme's period through twelve
    months ahead, and every release announced before it.

    Example: calendar-gen build --schedules schedules --out feeds
    """
    from calendar_gen import usecases

    _show(usecases.build(schedules, out, as_of=_today(as_of), period=period,
                         published=published, format=format, **_writer()))  # fmt: skip


@cli.command("list")
@schedules_option
@period_option
@as_of_option
@between_options
@format_option
@click.option("--topic", metavar="SLUG", help="Only this topic's releases.")
@click.option("--wide", is_flag=True, help="Every column (topic and id too), however wide.")
@click.option(
    "--as-seen-on",
    "seen_on",
    callback=_date,
    metavar="DATE",
    help="The calendar as it was published on DATE, from the record: what subscribers were shown.",
)
def list_(schedules: str, period: Period | None, as_of: dt.date | None, start: dt.date | None,
          end: dt.date | None, month: YearMonth | None, format: str, topic: str | None,
          wide: bool, seen_on: dt.date | None) -> None:  # fmt: skip
    """Print the releases in date order: the programme's period, or those --from/--until two
    days or in one --month.

    Example: calendar-gen list --month 2014-05 --topic migration
    """
    from calendar_gen import usecases

    _show(usecases.list_releases(schedules, as_of=_today(as_of), period=period, topic=topic,
                                 start=start, end=end, month=month, format=format,
                                 wide=wide, seen_on=seen_on))  # fmt: skip


@cli.command()
@schedules_option
@period_option
@as_of_option
@past_option
@report_format
def check(schedules: str, period: Period | None, as_of: dt.date | None, include_past: bool,
          format: str) -> None:  # fmt: skip
    """Validate the schedules and summarise them; with --as-of, report Code of Practice
    problems from that day on (short-notice changes, unexplained release times), exit 1 if
    any.

    Example: calendar-gen check --schedules schedules --as-of 2014-06-01
    """
    from calendar_gen import usecases

    # Without --as-of, check validates only: the Code of Practice needs a day to look from.
    _show(usecases.check(schedules, as_of=as_of, period=period, include_past=include_past,
                         format=format))  # fmt: skip


@cli.command()
@schedules_option
@out_option
@period_option
@as_of_option
def report(schedules: str, out: str, period: Period | None, as_of: dt.date | None) -> None:
    """Write report-PERIOD.html and .json into the feeds folder: how the period's calendar
    was kept, from the record (notice given, releases as first confirmed, every change and
    its reason, late confirmations, alternative times, the year at a glance).

    Example: calendar-gen report --period 2014/15
    """
    from calendar_gen import usecases

    _show(usecases.report(schedules, out, as_of=_today(as_of), period=period, **_writer()))


@cli.command()
@id_date
@click.argument("new_date", callback=_date, metavar="NEW_DATE")
@change_options
def move(pub_id: str, date: dt.date, new_date: dt.date, reason: str, reason_cy: str,
         schedules: str, as_of: dt.date | None) -> None:  # fmt: skip
    """Move the release of ID now on DATE to NEW_DATE, recording why.

    Example: calendar-gen move immigration-statistics 2014-05-22 2014-05-29 --reason 'late data'
    """
    from calendar_gen import usecases

    _show(usecases.move(pub_id, date, new_date, reason, as_of=_today(as_of),
                        schedules=schedules, reason_cy=reason_cy, **_writer()))  # fmt: skip


@cli.command()
@id_date
@click.argument("time", callback=_parsed("time"), metavar="TIME")
@change_options
def retime(pub_id: str, date: dt.date, time: dt.time, reason: str, reason_cy: str, schedules: str,
           as_of: dt.date | None) -> None:  # fmt: skip
    """Release the release of ID on DATE at TIME (HH:MM, UK time) instead, recording why:
    the Code of Practice asks for the reason for an alternative time.

    Example: calendar-gen retime police-workforce 2014-07-17 10:00 --reason 'same time as ONS'
    """
    from calendar_gen import usecases

    _show(usecases.retime(pub_id, date, time, reason, as_of=_today(as_of),
                          schedules=schedules, reason_cy=reason_cy, **_writer()))  # fmt: skip


@cli.command()
@id_date
@change_options
def cancel(pub_id: str, date: dt.date, reason: str, reason_cy: str, schedules: str,
           as_of: dt.date | None) -> None:  # fmt: skip
    """Cancel the release of ID now on DATE, recording why: it stays in the feeds, cancelled.

    Example: calendar-gen cancel hate-crimes 2014-10-16 --reason 'data quality review'
    """
    from calendar_gen import usecases

    _show(usecases.cancel(pub_id, date, reason, as_of=_today(as_of), schedules=schedules,
                          reason_cy=reason_cy, **_writer()))  # fmt: skip


@cli.command()
@id_date
@change_options
def postpone(pub_id: str, date: dt.date, reason: str, reason_cy: str, schedules: str,
             as_of: dt.date | None) -> None:  # fmt: skip
    """Postpone the release of ID on DATE, its new date to be announced, recording why. It
    stays in the feeds, marked postponed, until a move gives it its new date.

    Example: calendar-gen postpone hate-crimes 2014-10-16 --reason 'awaiting police data',
    and once it has a day: calendar-gen move hate-crimes 2014-10-16 2014-11-13 --reason 'data in'
    """
    from calendar_gen import usecases

    _show(usecases.postpone(pub_id, date, reason, as_of=_today(as_of), schedules=schedules,
                            reason_cy=reason_cy, **_writer()))  # fmt: skip


@cli.command()
@id_date
@change_options
@click.option("--to", callback=_date, metavar="NEW_DATE",
              help="Reinstate it on another day (default: the day it had).")  # fmt: skip
def reinstate(pub_id: str, date: dt.date, reason: str, reason_cy: str, schedules: str,
              as_of: dt.date | None, to: dt.date | None) -> None:  # fmt: skip
    """Bring back the cancelled release of ID on DATE, recording why.

    Example: calendar-gen reinstate hate-crimes 2014-10-16 --to 2014-10-23 --reason 'data ready'
    """
    from calendar_gen import usecases

    _show(usecases.reinstate(pub_id, date, reason, as_of=_today(as_of), to=to,
                             schedules=schedules, reason_cy=reason_cy, **_writer()))  # fmt: skip


@cli.command()
@id_date
@click.option("--url", callback=_parsed("url"), metavar="URL",
              help="The address of the published statistics (http or https).")  # fmt: skip
@schedules_option
@as_of_option
def released(pub_id: str, date: dt.date, url: str | None, schedules: str,
             as_of: dt.date | None) -> None:  # fmt: skip
    """Record that the release of ID on DATE came out, with a link to the published
    statistics: shown in its feed event, on the page, in the data files and in changes.atom.

    Example: calendar-gen released hate-crimes 2014-10-16 --url https://www.gov.uk/...
    """
    from calendar_gen import usecases

    _show(usecases.released(pub_id, date, url, as_of=_today(as_of), schedules=schedules,
                            **_writer()))  # fmt: skip


@cli.command()
@schedules_option
@period_option
@as_of_option
@between_options
@against_option
@past_option
@click.option("--only", type=click.Choice(("external", "same-day", "blackout")),
              help="Only this kind of clash.")  # fmt: skip
@click.option("--with-own", is_flag=True, help="Keep the organisation's own announcements "
              "on GOV.UK among those checked against.")  # fmt: skip
@report_format
def clashes(schedules: str, period: Period | None, as_of: dt.date | None,
            start: dt.date | None, end: dt.date | None, month: YearMonth | None,
            against: tuple[str, ...], include_past: bool, only: str | None,
            with_own: bool, format: str) -> None:  # fmt: skip
    """Find releases from today on that clash: too many on one day, on another calendar's
    events, or in a blackout period. Exit 1 if there are any not accepted.

    Example: calendar-gen clashes --against ONS=webcal://example.org/ons.ics --only external
    """
    from calendar_gen import usecases

    _show(usecases.clashes(schedules, as_of=_today(as_of), period=period, start=start,
                           end=end, month=month, against=against, include_past=include_past,
                           only=only, format=format, with_own=with_own))  # fmt: skip


@cli.command()
@schedules_option
@as_of_option
@click.option("--govuk", "source", is_flag=False, flag_value="", default="",
              metavar="[FILE|URL]", help="Where to read the announcements: a saved Search API "
              "answer or an address (default: govuk_api in programme.toml).")  # fmt: skip
@click.option("--titles", metavar="FILE", help="Publication ids and their titles on GOV.UK "
              "(default: govuk-titles.toml in the schedules, when there).")  # fmt: skip
@click.option("--export", metavar="DIR", help="Write what to type into GOV.UK for each "
              "drift there: govuk-announcements.csv and .json.")  # fmt: skip
@report_format
def reconcile(schedules: str, as_of: dt.date | None, source: str, titles: str | None,
              export: str | None, format: str) -> None:  # fmt: skip
    """Line the record up with the organisation's statistics announcements on GOV.UK and
    report each drift: another day or time, another state, one missing on either side, one
    out here and still announced there. Exit 1 if there is any.

    Example: calendar-gen reconcile --govuk --export govuk
    """
    from calendar_gen import usecases

    _show(usecases.reconcile(schedules, as_of=_today(as_of), govuk=source, titles=titles,
                             export=export, format=format))  # fmt: skip


@cli.command("next-year")
@schedules_option
@out_option
@as_of_option
@against_option
@click.option("--avoid-clashes", is_flag=True, help="Move releases not yet announced off "
              "clashes, to the nearest clear day of their month.")  # fmt: skip
@click.option(
    "--to",
    callback=_period,
    metavar="P",
    help="Roll to P though the programme is ahead of today's period.",
)
@click.option("--dry-run", is_flag=True, help="Show the new period and every move; write nothing.")
@click.option("--strict", is_flag=True, help="Exit 1 when clashes are left after the roll.")
@click.option(
    "--early", is_flag=True, help="Roll though the period ends more than three months from today."
)
def next_year(schedules: str, out: str, as_of: dt.date | None, against: tuple[str, ...],
              avoid_clashes: bool, to: Period | None, dry_run: bool, strict: bool,
              early: bool) -> None:  # fmt: skip
    """Roll the programme to the next period, write its feeds and print it for review.

    Example: calendar-gen next-year --avoid-clashes --against ons.ics --dry-run
    """
    from calendar_gen import usecases

    _show(usecases.next_year(schedules, out, as_of=_today(as_of), against=against,
                             avoid_clashes=avoid_clashes, to=to, dry_run=dry_run,
                             strict=strict, early=early, **_writer()))  # fmt: skip


def _smtp_address(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, int]:
    """HOST:PORT, [IPv6]:PORT too."""
    host, _, port = value.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if (
        not host
        or not port.isdigit()
        or not 0 < int(port) < 65536
        or any(c.isspace() or c in "/@" for c in host)
    ):
        raise click.BadParameter(f"{value!r} is not HOST:PORT, like smtp.example.gov.uk:587")
    return host, int(port)


def _login() -> tuple[str, str] | None:
    """The server's login, from the environment only: an argument shows in `ps`."""
    user = os.environ.get("CALENDAR_GEN_SMTP_USER")
    password = os.environ.get("CALENDAR_GEN_SMTP_PASSWORD")
    if bool(user) != bool(password):
        raise click.UsageError("set both CALENDAR_GEN_SMTP_USER and CALENDAR_GEN_SMTP_PASSWORD "
                               "to log in to the server, or neither")  # fmt: skip
    return (user, password) if user and password else None


def _env(name: str) -> dict[str, Any]:
    """An option that may be set in the environment instead, as a daily job sets it."""
    return {"envvar": f"CALENDAR_GEN_{name}", "show_envvar": True}


# fmt: off
_notify_options = _all([
    click.option("--smtp", "smtp", required=True, callback=_smtp_address, metavar="HOST:PORT",
                 help="The mail server to hand the digest to, like smtp.example.gov.uk:587.",
                 **_env("SMTP")),
    click.option("--tls", type=click.Choice(("starttls", "tls", "none")), default="starttls",
                 show_default=True, help="STARTTLS (port 587), implicit TLS (port 465), or "
                 "none: plain text, to a server on this machine only.", **_env("SMTP_TLS")),
    click.option("--cafile", metavar="FILE", help="Trust the certificate authorities in FILE "
                 "(PEM) instead of the system's, for a server with a certificate of your own.",
                 **_env("SMTP_CAFILE")),
    click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, 600),
                 metavar="SECONDS", help="How long to wait on each step of talking to the "
                 "server."),
    click.option("--to", required=True, metavar="ADDRESS", help="The list's address, like "
                 "release-calendar@jiscmail.ac.uk.", **_env("LIST")),
    click.option("--from", "sender", required=True, metavar="ADDRESS",
                 help="The address the digest comes from: one the list lets post.",
                 **_env("FROM")),
    click.option("--unsubscribe", required=True, metavar="URL", help="How to leave the list, "
                 "for List-Unsubscribe: a mailto: or https: address the list server gives.",
                 **_env("UNSUBSCRIBE")),
    click.option("--since", callback=_date, metavar="DATE", help="On a list's first run: "
                 "send what was published from DATE on (default: send nothing, start now)."),
    click.option("--prepare", "step", flag_value="prepare", help="Work the digest out and "
                 "note it, sending nothing: commit and push the note, then --send-prepared."),
    click.option("--send-prepared", "step", flag_value="send-prepared",
                 help="Send the digest --prepare noted."),
    click.option("--resend-last", "step", flag_value="resend-last", help="Send the last "
                 "digest again, as it was: only after finding it is not in the list's archive."),
    click.option("--mark-last-sent", "step", flag_value="mark-last-sent",
                 help="Note the last digest as sent, having found it in the list's archive."),
])
# fmt: on


@cli.command()
@schedules_option
@out_option
@_notify_options
def notify(schedules: str, out: str, smtp: tuple[str, int], tls: str, cafile: str | None,
           timeout: float, to: str, sender: str, unsubscribe: str, since: dt.date | None,
           step: str | None) -> None:  # fmt: skip
    """Email the list one digest of what the builds published since the last one (each
    change with its reason, confirmations, releases), never the same change twice. Log in
    with CALENDAR_GEN_SMTP_USER and CALENDAR_GEN_SMTP_PASSWORD. Exit 1 when it did not go
    out, or may not have.

    Example: calendar-gen notify --smtp smtp.example.gov.uk:587 --to list@jiscmail.ac.uk ...
    """
    from calendar_gen import usecases
    from calendar_gen.publishing.digest import Addresses, NotifyStep
    from calendar_gen.publishing.mailing import NotSent, Security, Server
    from calendar_gen.terminal import terminal_safe

    server = Server(*smtp, Security(tls), cafile, timeout)
    chosen = NotifyStep(step or "all")
    try:
        report = usecases.notify(schedules, out, server=server, now=dt.datetime.now(dt.UTC),
                                 addresses=Addresses(to, sender, unsubscribe), login=_login(),
                                 since=since, step=chosen, **_writer())  # fmt: skip
    except NotSent as error:
        click.echo(terminal_safe(str(error)), err=True)
        sys.exit(EXIT_FOUND)
    _show(report)


@cli.command()
@schedules_option
@click.option("--out", default="feeds", show_default=True, metavar="DIR", callback=_folder,
              help="Folder to write the policy into; - prints the Markdown instead.")  # fmt: skip
def policy(schedules: str, out: str) -> None:
    """Write a draft release practice policy, release-practice-policy.md and .html, from
    programme.toml and the record: release times, notice, changes, feeds and blackouts, each
    with the Code of Practice words it answers.

    Example: calendar-gen policy --out feeds
    """
    from calendar_gen import usecases

    _show(usecases.policy(schedules, out, **_writer()))


@cli.command()
@click.argument("folder", default="schedules", metavar="[DIR]")
@new_programme_options
@as_of_option
def init(folder: str, organisation: str, period: Period | None, as_of: dt.date | None) -> None:
    """Start a new programme in DIR (default schedules): a commented programme.toml and one
    topic file that builds at once. Nothing is overwritten.

    Example: calendar-gen init schedules --organisation 'Office for Rail Statistics'
    """
    from calendar_gen import usecases

    _show(usecases.init(folder, as_of=_today(as_of), organisation=organisation,
                        period=period))  # fmt: skip


@cli.command()
@click.argument("past", metavar="PAST")
@click.argument("folder", default="schedules", metavar="[DIR]")
@new_programme_options
@click.option("--holidays", type=click.Choice(("england-and-wales", "scotland",
              "northern-ireland", "great-britain", "united-kingdom")),
              help="Whose bank holidays the past dates rolled off (default: the nation's "
              "that explain them best).")  # fmt: skip
@as_of_option
def learn(past: str, folder: str, organisation: str, period: Period | None, holidays: str | None,
          as_of: dt.date | None) -> None:  # fmt: skip
    """Start a new programme in DIR from past release dates: PAST is a CSV of id, title and
    date, saved GOV.UK Search API answers (.json), or a calendar (.ics file or address).
    Each series gets the rule that gives the most of its dates, with the dates it does not
    give. Nothing is overwritten.

    Example: calendar-gen learn past-releases.csv schedules --organisation 'Home Office'
    """
    from calendar_gen import usecases

    _show(usecases.learn(past, folder, as_of=_today(as_of), organisation=organisation,
                         period=period, holidays=holidays))  # fmt: skip


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
    from calendar_gen import usecases

    usecases.serve(out, host, port, log=click.echo, watch=schedules if watch else None,
                   today=usecases.today_in_london, wait=ctx.obj["wait"])  # fmt: skip


def main() -> None:
    """Entry point of the installed command and of python -m calendar_gen."""
    # A run makes a few hundred thousand objects that live until it ends, and next to no
    # reference cycles: looking for cycles as they grow took a quarter of a large build.
    gc.disable()
    cli.main(prog_name="calendar-gen")
