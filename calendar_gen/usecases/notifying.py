"""`notify`: email a list the digest of what was published since its last digest, once.

The protocol, under the schedules folder's lock: the digest is noted as "sending" (the note
replaced atomically) before it is handed to the server, and as "sent" once the server has
answered 250 to its data. A run that finds a digest still "sending" was stopped between the
two: it may or may not have gone out, so nothing sends it again unless asked to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import assert_never

from calendar_gen.domain.model import Programme
from calendar_gen.errors import CalendarGenError
from calendar_gen.programme.schedule import load_programme
from calendar_gen.publishing.digest import (
    FIX,
    NOTE,
    Addresses,
    Delivery,
    Event,
    Last,
    NotifyStep,
    Told,
    fitted,
    note_text,
    published,
    read_note,
    refuse_address,
    refuse_unsubscribe,
)
from calendar_gen.publishing.mailing import NotSent, Security, Server, context, deliver, loopback
from calendar_gen.reports import NotifyReport, Outcome
from calendar_gen.usecases.shared import Waiting, not_half_written, writing
from calendar_gen.workspace.output import publish
from calendar_gen.workspace.readback import ReadBackError


def notify(
    schedules: str | Path = "schedules",
    out: str | Path = "feeds",
    *,
    server: Server,
    addresses: Addresses,
    now: dt.datetime,
    login: tuple[str, str] | None = None,
    since: dt.date | None = None,
    step: NotifyStep = NotifyStep.ALL,
    wait: float = 60.0,
    on_wait: Waiting | None = None,
) -> NotifyReport:
    """Send one email to `addresses.to` telling what the builds published since its last
    digest (`since` a day, for the first), and note it in `out`; NotSent if it did not go."""
    _refuse_settings(server, addresses, since, step)
    not_half_written(schedules)
    with writing(schedules, wait, on_wait):
        folder = Path(out)
        if not (folder / "releases.json").is_file():
            raise CalendarGenError(
                f"{folder}/: no build has written it, so there is nothing subscribers were "
                f"shown to tell them of. Run calendar-gen build first (with --out {out})"
            )
        run = Run(folder, read_note(folder), addresses, server, login)
        match step:
            case NotifyStep.ALL | NotifyStep.PREPARE:
                return run.digest(schedules, since, now, step)
            case NotifyStep.SEND_PREPARED:
                return run.send_prepared()
            case NotifyStep.RESEND_LAST | NotifyStep.MARK_LAST_SENT:
                return run.settle(step is NotifyStep.MARK_LAST_SENT)
            case _:
                assert_never(step)


def _refuse_settings(server: Server, addresses: Addresses, since: dt.date | None,
                     step: NotifyStep) -> None:  # fmt: skip
    """Bad options, before anything is read: exit 2 with what to write instead."""
    problems = [refuse_address("--to", addresses.to), refuse_address("--from", addresses.sender),
                refuse_unsubscribe(addresses.unsubscribe)]  # fmt: skip
    if server.security is Security.NONE and not loopback(server.host):
        problems.append(f"--tls none sends in plain text, so only to a server on this machine "
                        f"(127.0.0.1, ::1, localhost), not {server.host}; use --tls starttls "
                        "or --tls tls")  # fmt: skip
    if server.security is Security.NONE and server.cafile:
        problems.append(f"--cafile {server.cafile}: --tls none sends in plain text, with no "
                        "certificate to check; leave --cafile (and CALENDAR_GEN_SMTP_CAFILE) "
                        "out, or use --tls starttls or tls")  # fmt: skip
    context(server)  # a --cafile that holds no certificate: before anything is noted
    if since is not None and step not in (NotifyStep.ALL, NotifyStep.PREPARE):
        problems.append(f"--since starts a list's first digest; it does not go with --{step}")
    if found := [p for p in problems if p]:
        raise CalendarGenError("\n".join(found))


@dataclass(frozen=True)
class Run:
    """One run of notify on one list, holding the note as it stands."""

    folder: Path
    lists: dict[str, Told]  # as the note now says: each step replaces its list's
    addresses: Addresses
    server: Server
    login: tuple[str, str] | None

    @property
    def key(self) -> str:
        return self.addresses.to.lower()

    @property
    def told(self) -> Told | None:
        return self.lists.get(self.key)

    def note(self, told: Told) -> None:
        """Replace the note atomically: a reader sees the old one or the new, never half."""
        self.lists[self.key] = told
        publish([(self.folder / NOTE, note_text(self.lists))])

    def refuse_unsure(self) -> None:
        """A digest prepared or being sent, found by a run that did not just prepare it, may
        have gone out: nothing sends it again but a person, who can look."""
        last = self.told.last if self.told else None
        if last is not None and last.delivery in (Delivery.PREPARED, Delivery.SENDING):
            raise NotSent(_unsure(last, self.addresses.to, self.folder))

    def refuse_after(self, since: dt.date | None, through: dt.date) -> None:
        """A start after the last build would hold back every change until that day."""
        told = self.told
        if since is not None and since > through:
            raise CalendarGenError(f"--since {since} is after the last build ({through}): "
                                   "give a day it or a build before it published")  # fmt: skip
        if told is not None and told.since > through:
            raise ReadBackError(
                f"{self.folder / NOTE}: says {self.addresses.to} was told of what was "
                f"published up to {told.since}, after this record's last build ({through}), "
                f"so it is not a note notify wrote from this record; {FIX}"
            )

    def digest(self, schedules: str | Path, since: dt.date | None, now: dt.datetime,
               step: NotifyStep) -> NotifyReport:  # fmt: skip
        """Work out what is new since the last digest, and send it or note it prepared."""
        self.refuse_unsure()
        told, to = self.told, self.addresses.to
        if told is not None and since is not None:
            raise CalendarGenError(
                f"--since is for the first digest to {to}, and {self.folder / NOTE} says it "
                "has had digests; leave --since out: each run sends what is new"
            )
        programme = load_programme(schedules)
        through, events = _published(programme)
        _refuse_another_build(self.folder, programme)
        self.refuse_after(since, through)
        if told is None and since is None:  # the first run: the present is the start
            self.note(Told(through, {e.id: e.on for e in events if e.on >= through}))
            return NotifyReport(Outcome.STARTED, to, through=through)
        base = told or Told(since or through)
        if not (untold := base.untold(events)):
            if told is None:  # the first, with --since: a later run goes on from that day
                self.note(base)
            return NotifyReport(Outcome.NOTHING, to, through=through)
        message, rest = fitted(programme, untold, self.addresses, now)
        left = {e.id for e in rest}
        told_now = [e for e in untold if e.id not in left]
        # What is left is untold from its first day on: the list's start stays there.
        start = min((e.on for e in rest), default=through)
        last = Last(Delivery.PREPARED, str(message["Message-ID"]), start,
                    {e.id: e.on for e in told_now}, message.as_bytes().decode("ascii"),
                    str(message["Date"]))  # fmt: skip
        counts, more = _counts(told_now), len(rest)
        if step is NotifyStep.PREPARE:
            self.note(replace(base, last=last))
            return NotifyReport(Outcome.PREPARED, to, through=through, last=last, counts=counts,
                                more=more)  # fmt: skip
        self.send(base, last)
        return NotifyReport(Outcome.SENT, to, through=through, last=last, counts=counts,
                            server=str(self.server), more=more)  # fmt: skip

    def send_prepared(self) -> NotifyReport:
        told = self.told
        last = told.last if told else None
        if told is None or last is None or last.delivery is not Delivery.PREPARED:
            self.refuse_unsure()
            through = told.since if told else dt.date.min
            return NotifyReport(Outcome.NONE_PREPARED, self.addresses.to, through=through)
        # Not taken, it goes back to no digest, and the next run works it out again.
        self.send(replace(told, last=None), last)
        return NotifyReport(Outcome.SENT, self.addresses.to, through=last.through, last=last,
                            server=str(self.server))  # fmt: skip

    def send(self, told: Told, last: Last) -> None:
        """Note `last` as sending, hand it over, then note it as sent; if the server did not
        take it, note `told` instead, so the next run sends it."""
        self.note(replace(told, last=replace(last, delivery=Delivery.SENDING)))
        a = self.addresses
        try:
            deliver(self.server, a.sender, a.to, last.message.encode("ascii"), self.login)
        except NotSent as error:
            self.note(told)
            raise NotSent(f"{error}; the next run sends it") from None
        # Killed here, the note says "sending": the next run says so and sends nothing.
        self.note(told.after(last))

    def settle(self, mark: bool) -> NotifyReport:
        """--resend-last or --mark-last-sent: what a person decided after looking at the
        list's archive."""
        told, to = self.told, self.addresses.to
        last = told.last if told else None
        if told is None or last is None:
            raise CalendarGenError(f"{self.folder / NOTE} notes no digest to {to}: there is "
                                   "no last digest to send again or mark as sent")  # fmt: skip
        if mark:
            if last.delivery is not Delivery.SENT:
                self.note(told.after(last))
            return NotifyReport(Outcome.MARKED, to, through=last.through, last=last)
        # Should this fail too, the note is left as it was.
        self.send(told, last)
        return NotifyReport(Outcome.RESENT, to, through=last.through, last=last,
                            server=str(self.server))  # fmt: skip


def _published(programme: Programme) -> tuple[dt.date, list[Event]]:
    """The last build's day and every event it (or one before it) published."""
    from calendar_gen.domain.releases import calendar

    builds = programme.builds
    if builds is None or not builds.events:
        raise CalendarGenError(
            f"{programme.record_path}: no build has published from this record yet, so there "
            "is nothing subscribers were shown to tell them of. Run calendar-gen build first"
        )
    return builds.last, published(programme, calendar(programme, builds.last))


def _refuse_another_build(folder: Path, programme: Programme) -> None:
    """The folder must hold what the last build wrote: one that wrote another (a preview)
    sealed events that subscribers of this one were never shown."""
    from calendar_gen.publishing.site import file_digest

    builds = programme.builds
    assert builds is not None
    if builds.releases and file_digest(folder / "releases.json") != builds.releases:
        raise CalendarGenError(
            f"{folder}/releases.json is not what the last build (as of {builds.last}) wrote, "
            f"as {programme.record_path} says: that build wrote another folder, or this one "
            "was changed since, so its subscribers were not shown what it published. Give "
            "--out the folder it wrote, or build into this one first (calendar-gen build "
            f"--out {folder} --published FILE, naming the releases.json it wrote)"
        )


def _unsure(last: Last, to: str, folder: Path) -> str:
    told = len(last.events)
    if last.delivery is Delivery.PREPARED:
        stage = "was prepared, and the job that prepared it stopped before it noted its sending"
    else:
        stage = "was handed to the server by a run that stopped before it noted the answer"
    return (
        f"{folder / NOTE}: the last digest to {to} ({last.message_id}, of {told} "
        f"event{'s' if told != 1 else ''}, dated {last.noted}) may or may not have gone "
        f"out: it {stage}. Nothing was sent now, since a digest must never go out twice. "
        "Look for it in the list's archive: if it is not there, send it again with the same "
        "command and --resend-last; if it is, note that with --mark-last-sent. Then the next "
        "run sends what is new."
    )


def _counts(events: list[Event]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in events:
        counts[e.section.value] = counts.get(e.section.value, 0) + 1
    return counts
