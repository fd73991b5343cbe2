"""`notify`: email a list the digest of what was published since its last digest, once.

The protocol, under the schedules folder's lock: the digest is noted as "sending" (the note
replaced atomically) before it is handed to the server, and as "sent" once the server has
answered 250 to its data. A run that finds a digest still "sending" was stopped between the
two: it may or may not have gone out, so nothing sends it again unless asked to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from calendar_gen.digest import (
    NOTE,
    Addresses,
    Delivery,
    Event,
    Last,
    Told,
    compose,
    note_text,
    published,
    read_note,
    refuse_address,
    refuse_unsubscribe,
)
from calendar_gen.errors import CalendarGenError
from calendar_gen.mailing import NotSent, Security, Server, deliver, loopback
from calendar_gen.model import Programme
from calendar_gen.output import ensure_folder, publish
from calendar_gen.reports import NotifyReport, Outcome
from calendar_gen.schedule import load_programme
from calendar_gen.usecases.shared import Waiting, not_half_written, writing


def notify(
    schedules: str | Path = "schedules",
    out: str | Path = "feeds",
    *,
    server: Server,
    addresses: Addresses,
    now: dt.datetime,
    login: tuple[str, str] | None = None,
    since: dt.date | None = None,
    resend_last: bool = False,
    mark_last_sent: bool = False,
    wait: float = 60.0,
    on_wait: Waiting | None = None,
) -> NotifyReport:
    """Send one email to `addresses.to` telling what the builds published since its last
    digest (`since` a day, for the first), and note it in `out`; NotSent if it did not go."""
    _refuse_settings(server, addresses, since, resend_last, mark_last_sent)
    not_half_written(schedules)
    with writing(schedules, wait, on_wait):
        folder = ensure_folder(out)
        lists = read_note(folder)
        key = addresses.to.lower()
        told = lists.get(key)
        if resend_last or mark_last_sent:
            return _settle(folder, lists, key, told, server, addresses, login, mark_last_sent)
        if told is not None and told.last and told.last.delivery is Delivery.SENDING:
            raise NotSent(_unsure(told.last, addresses.to, folder))
        if told is not None and since is not None:
            raise CalendarGenError(
                f"--since is for the first digest to {addresses.to}, and {folder / NOTE} "
                f"says it has had digests; leave --since out: each run sends what is new"
            )
        programme = load_programme(schedules)
        through, events = _published(programme)
        if told is None and since is None:  # the first run: the present is the start
            start = Told(through, {e.id: e.on for e in events if e.on >= through})
            _note(folder, {**lists, key: start})
            return NotifyReport(Outcome.STARTED, addresses.to, through=through)
        base = told or Told(since or through)
        untold = base.untold(events)
        if not untold:
            return NotifyReport(Outcome.NOTHING, addresses.to, through=through)
        message = compose(programme, untold, addresses, now)
        last = Last(Delivery.SENDING, str(message["Message-ID"]), through,
                    {e.id: e.on for e in untold}, message.as_bytes().decode("ascii"),
                    str(message["Date"]))  # fmt: skip
        _send(folder, lists, key, base, last, server, addresses, login)
        return NotifyReport(Outcome.SENT, addresses.to, through=through, last=last,
                            counts=_counts(untold), server=str(server))  # fmt: skip


def _refuse_settings(server: Server, addresses: Addresses, since: dt.date | None,
                     resend: bool, mark: bool) -> None:  # fmt: skip
    """Bad options, before anything is read: exit 2 with what to write instead."""
    problems = [refuse_address("--to", addresses.to), refuse_address("--from", addresses.sender),
                refuse_unsubscribe(addresses.unsubscribe)]  # fmt: skip
    if server.security is Security.NONE and not loopback(server.host):
        problems.append(f"--tls none sends in plain text, so only to a server on this machine "
                        f"(127.0.0.1, ::1, localhost), not {server.host}; use --tls starttls "
                        "or --tls tls")  # fmt: skip
    if resend and mark:
        problems.append("give --resend-last or --mark-last-sent, not both")
    if since is not None and (resend or mark):
        problems.append("--since starts a list's first digest; it does not go with "
                        "--resend-last or --mark-last-sent")  # fmt: skip
    if found := [p for p in problems if p]:
        raise CalendarGenError("\n".join(found))


def _published(programme: Programme) -> tuple[dt.date, list[Event]]:
    """The last build's day and every event it (or one before it) published."""
    from calendar_gen.releases import calendar

    builds = programme.builds
    if builds is None or not builds.events:
        raise CalendarGenError(
            f"{programme.record_path}: no build has published from this record yet, so there "
            "is nothing subscribers were shown to tell them of. Run calendar-gen build first"
        )
    return builds.last, published(programme, calendar(programme, builds.last))


def _note(folder: Path, lists: dict[str, Told]) -> None:
    """Replace the note atomically: a reader sees the old one or the new, never half."""
    publish([(folder / NOTE, note_text(lists))])


def _send(folder: Path, lists: dict[str, Told], key: str, told: Told, last: Last,
          server: Server, addresses: Addresses, login: tuple[str, str] | None) -> None:  # fmt: skip
    """Note `last` as sending, hand it over, then note it as sent; if the server did not
    take it, put the note back as it was, so the next run sends it."""
    _note(folder, {**lists, key: replace(told, last=last)})
    try:
        deliver(server, addresses.sender, addresses.to, last.message.encode("ascii"), login)
    except NotSent as error:
        _note(folder, {**lists, key: told})
        raise NotSent(f"{error}; the next run sends it") from None
    # Killed here, the note says "sending": the next run says so and sends nothing.
    _note(folder, {**lists, key: told.after(last)})


def _settle(
    folder: Path,
    lists: dict[str, Told],
    key: str,
    told: Told | None,
    server: Server,
    addresses: Addresses,
    login: tuple[str, str] | None,
    mark: bool,
) -> NotifyReport:
    """--resend-last or --mark-last-sent: what a person decided after looking at the
    list's archive."""
    last = told.last if told else None
    if told is None or last is None:
        raise CalendarGenError(f"{folder / NOTE} notes no digest to {addresses.to}: there is "
                               "no last digest to send again or mark as sent")  # fmt: skip
    if mark:
        if last.delivery is Delivery.SENDING:
            _note(folder, {**lists, key: told.after(last)})
        return NotifyReport(Outcome.MARKED, addresses.to, through=last.through, last=last)
    # Should this fail too, the note stays as it was: still sending, or sent.
    _send(folder, lists, key, told, replace(last, delivery=Delivery.SENDING), server,
          addresses, login)  # fmt: skip
    return NotifyReport(Outcome.RESENT, addresses.to, through=last.through, last=last,
                        server=str(server))  # fmt: skip


def _unsure(last: Last, to: str, folder: Path) -> str:
    told = len(last.events)
    return (
        f"{folder / NOTE}: the last digest to {to} ({last.message_id}, of {told} "
        f"event{'s' if told != 1 else ''}, dated {last.noted}) may or may not have gone "
        "out: the run sending it stopped before it noted the server's answer. Nothing was "
        "sent now, since a digest must never go out twice. Look for it in the list's archive: "
        "if it is not there, send it again with the same command and --resend-last; if it "
        "is, note that with --mark-last-sent. Then the next run sends what is new."
    )


def _counts(events: list[Event]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in events:
        counts[e.section.value] = counts.get(e.section.value, 0) + 1
    return counts
