"""The email digest: which published events subscribers have not been told of, the one
message that tells them, and the note of what each list was told, kept beside the feeds.

An event is a release's confirmation or one of its recorded changes, known by the record's
identity (publication id, slot, index: 0 the confirmation, n its nth change) and sealed by
the build that published it: an event no build has sealed is not published, so not told.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, assert_never

from calendar_gen.domain import history
from calendar_gen.domain.history import replay
from calendar_gen.domain.model import Programme
from calendar_gen.domain.releases import Release
from calendar_gen.domain.texts import BIDI, CONTROL, long_date, plain_html, plural
from calendar_gen.errors import shown
from calendar_gen.publishing.feeds import statistics_of
from calendar_gen.publishing.news import News, anchor, news
from calendar_gen.workspace.readback import NOTE_LIMIT, ReadBackError, loads, read_back

NOTE = ".calendar-gen-notify.json"  # in the output folder: what each list was told
NOTE_FORMAT = 1
# An address as a list server takes it: ASCII dot-atom local part and domain, nothing that
# could end a header or open a comment.
ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                     r"@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")  # fmt: skip
UNSUBSCRIBE = re.compile(
    r"(mailto:[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+(\?[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?"
    r"|https://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][A-Za-z0-9\-._~%!$&'()*+,;=:@/?#]*)?)"
)
MAX_UNSUBSCRIBE = 900  # the header stays within SMTP's 998-octet line
MAX_SUBJECT = 200
# A digest is at most this many bytes, the rest of what is new left to the next: well under
# Postfix's default message_size_limit of 10,240,000 bytes
# (https://www.postfix.org/postconf.5.html#message_size_limit), and a note that holds it
# stays well within NOTE_LIMIT, so notify can always read back what it wrote.
MAX_MESSAGE = 2_000_000
# Characters that end a line somewhere (NEL, the Unicode separators), and those a phrase
# may not hold unquoted (RFC 5322 specials).
BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]+')


class Delivery(StrEnum):
    """Where the last digest stands."""

    PREPARED = "prepared"  # noted to be sent by the next step (notify --send-prepared)
    SENDING = "sending"  # handed to the server, its answer not yet noted
    SENT = "sent"  # taken by the server: 250 to the end of its data


class NotifyStep(StrEnum):
    """What a run of notify does. A CI runner's disk does not outlast the job, so there
    PREPARE's note is pushed before SEND_PREPARED hands the digest over."""

    ALL = "all"  # work the digest out, note it as sending, send it, note it as sent
    PREPARE = "prepare"  # work it out and note it as prepared; send nothing
    SEND_PREPARED = "send-prepared"  # send the digest just prepared
    RESEND_LAST = "resend-last"  # send the last digest again, as it was
    MARK_LAST_SENT = "mark-last-sent"  # note the last digest as sent, sending nothing


class Section(StrEnum):
    """The parts of a digest, in the order it gives them: changes of plan first."""

    CHANGED = "Changes of plan"
    CONFIRMED = "Newly confirmed"
    RELEASED = "Recorded as released"

    def counted(self, n: int) -> str:
        """How many, as the Subject says it: "2 changes of plan", "1 newly confirmed"."""
        match self:
            case Section.CHANGED:
                return f"{plural(n, 'change')} of plan"
            case Section.CONFIRMED:
                return f"{n} newly confirmed"
            case Section.RELEASED:
                return f"{n} released"
            case _:
                assert_never(self)


@dataclass(frozen=True)
class Event:
    """A published event: its identity in the record, the day it happened and its seal."""

    id: str  # "publication slot index"
    on: dt.date
    seal: str
    item: News

    @property
    def section(self) -> Section:
        c = self.item.change
        if c is None:
            return Section.CONFIRMED
        return Section.RELEASED if isinstance(c, history.Released) else Section.CHANGED


@dataclass(frozen=True)
class Last:
    """The last digest to a list: the message as handed over, byte for byte, to send again
    only when asked."""

    delivery: Delivery
    message_id: str
    through: dt.date  # the day of the last build it told of
    events: Mapping[str, dt.date]  # what it told, by identity
    message: str  # the whole message, ASCII (RFC 2047 headers, quoted-printable parts)
    noted: str  # when it was handed over, as its Date header says


@dataclass(frozen=True)
class Told:
    """What a list has been told: every event before `since`, and those in `told`."""

    since: dt.date
    told: Mapping[str, dt.date] = field(default_factory=dict)
    last: Last | None = None

    def untold(self, events: Iterable[Event]) -> list[Event]:
        """The events not yet told: no event a later build publishes is dated before the
        last build, which `since` is, so those before it were all there to be told."""
        return [e for e in events if e.on >= self.since and e.id not in self.told]

    def after(self, last: Last) -> Told:
        """What the list knows once `last` was accepted."""
        told = {**self.told, **last.events}
        kept = {k: on for k, on in told.items() if on >= last.through}
        return Told(max(self.since, last.through), kept, replace(last, delivery=Delivery.SENT))


# --- the events -----------------------------------------------------------------------------


def published(programme: Programme, releases: Iterable[Release]) -> list[Event]:
    """Every confirmation and change a build has sealed, in a stable order."""
    sealed = programme.seals.by_key
    events = []
    for item in news(r for r in releases if r.announcement is not None):
        a = item.release.announcement
        assert a is not None
        seals = sealed.get(a.key, ())
        if item.index >= len(seals) or (item.change is None and a.confirmed is None):
            continue  # recorded since the last build: not published yet
        events.append(Event(f"{a.id} {a.month} {item.index}", item.on, seals[item.index], item))
    return events


def message_id(to: str, events: Iterable[Event], domain: str) -> str:
    """A Message-ID from what the message tells and to whom: the same digest always has
    the same one, so a server that has it already can drop a second copy."""
    text = "\n".join([to.lower(), *sorted(f"{e.id} {e.seal}" for e in events)])
    return f"<digest.{hashlib.sha256(text.encode()).hexdigest()[:32]}@{domain}>"


# --- the message ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Addresses:
    """Where a digest goes, who it is from, and how a subscriber leaves the list."""

    to: str
    sender: str
    unsubscribe: str


def header_text(text: str, limit: int = MAX_SUBJECT) -> str:
    """Schedule text fit for a header: one line, no controls or direction overrides, and
    no RFC 2047 encoded word, which setting the header would decode into a line break."""
    return line_text(text, limit).replace("=?", "=\u200b?")


def line_text(text: str, limit: int = 10_000) -> str:
    """Schedule text for one line of the plain part."""
    one = " ".join(BIDI.sub("", CONTROL.sub(" ", BREAKS.sub(" ", text))).split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def _calendar_name(programme: Programme) -> str:
    return f"{statistics_of(programme.organisation)} release calendar"


def subject(programme: Programme, events: list[Event]) -> str:
    if len(events) == 1:
        item = events[0].item
        what = "Confirmed" if item.change is None else item.change.headline
        told = f"{what}: {item.release.publication.title}"
    else:
        counts = {s: sum(e.section is s for e in events) for s in Section}
        told = ", ".join(s.counted(n) for s, n in counts.items() if n)
    return header_text(f"{_calendar_name(programme)}: {told}")


def what_happened(item: News) -> str:
    """The change, or the confirmation, in a sentence, its reason left to be said first."""
    c: history.Change | None = item.change
    if c is None:
        return f"Confirmed for {long_date(item.day)} at {item.release.start:%H:%M} UK time."
    if isinstance(c, history.Retimed):  # the time it had, which its history does not say
        was = f"{_time_before(item):%H:%M}"
        day = long_date(c.old)
        return f"Retimed on {long_date(c.on)} from {was} to {c.time:%H:%M} UK time, on {day}."
    return f"{c.said()}."


def _told_as(e: Event, changed: set[str]) -> str:
    """What happened; a confirmation whose release this digest also moves or cancels says
    so, lest the day it was confirmed for be read as its day."""
    since = e.item.change is None and e.item.release.uid in changed
    return what_happened(e.item) + (" It has changed since: see Changes of plan above."
                                    if since else "")  # fmt: skip


def _changed(events: list[Event]) -> set[str]:
    return {e.item.release.uid for e in events if e.section is Section.CHANGED}


def _time_before(item: News) -> dt.time:
    """The release time the item's change replaced: the record keeps only the new one."""
    r = item.release
    return replay(r.changes[0].old, r.changes[: item.index - 1]).time or r.publication.time


def _reason(item: News) -> str | None:
    c = item.change
    return c.reason if c is not None and c.needs_reason else None


def _link(programme: Programme, item: News) -> str | None:
    base = programme.feed_url
    return f"{base}/index.html#{anchor(item.release)}" if base else None


def _ordered(events: list[Event]) -> dict[Section, list[Event]]:
    """Each section by the day its release's first told event left it, and a release's
    events in the order they were made: by each one's own day, a move and a move back
    would be told back to front."""
    by = {s: [e for e in events if e.section is s] for s in Section}
    return {s: _in_order(es) for s, es in by.items() if es}


def _in_order(events: list[Event]) -> list[Event]:
    first: dict[str, dt.date] = {}
    for e in sorted(events, key=lambda e: e.item.index):
        first.setdefault(e.item.release.uid, e.item.day)
    return sorted(events, key=lambda e: (first[e.item.release.uid], e.item.release.uid,
                                         e.item.index))  # fmt: skip


def _more(n: int) -> str:
    return f"{n:,} more to tell, too many for one message: the next digest tells them."


def plain_part(programme: Programme, events: list[Event], unsubscribe: str,
               more: int = 0) -> str:  # fmt: skip
    lines = [f"{line_text(_calendar_name(programme))}: what has changed.", ""]
    changed = _changed(events)
    for section, items in _ordered(events).items():
        lines += [f"{section.value}:", ""]
        for e in items:
            r = e.item.release
            lines.append(f"* {line_text(r.publication.title)} ({line_text(r.topic.name)})")
            if (reason := _reason(e.item)) is not None:
                lines.append(f"  Reason: {line_text(reason)}")
            lines.append(f"  {_told_as(e, changed)}")
            if link := _link(programme, e.item):
                lines.append(f"  {link}")
            lines.append("")
    if more:
        lines += [_more(more), ""]
    if programme.feed_url:
        lines.append(f"Every release, and the feeds: {programme.feed_url}/index.html")
    lines.append(f"To leave this list: {unsubscribe}")
    return "\n".join(lines) + "\n"


def _shown(text: str) -> str:
    """Schedule text in the HTML part: escaped, held to its own direction."""
    return f"<bdi>{plain_html(BREAKS.sub(' ', text))}</bdi>"


def html_part(programme: Programme, events: list[Event], unsubscribe: str,
              more: int = 0) -> str:  # fmt: skip
    name = plain_html(line_text(_calendar_name(programme)))
    body, changed = [f"<h1>{name}: what has changed</h1>"], _changed(events)
    for section, items in _ordered(events).items():
        body.append(f"<h2>{section.value}</h2>\n<ul>")
        for e in items:
            r = e.item.release
            parts = [f"<strong>{_shown(r.publication.title)}</strong> ({_shown(r.topic.name)})"]
            if (reason := _reason(e.item)) is not None:
                parts.append(f"Reason: {_shown(reason)}")
            parts.append(plain_html(_told_as(e, changed)))
            if link := _link(programme, e.item):
                parts.append(f'<a href="{plain_html(link)}">On the release calendar</a>')
            body.append("<li>" + "<br>\n".join(parts) + "</li>")
        body.append("</ul>")
    if more:
        body.append(f"<p>{_more(more)}</p>")
    if programme.feed_url:
        page = plain_html(f"{programme.feed_url}/index.html")
        body.append(f'<p><a href="{page}">Every release, and the feeds</a></p>')
    body.append(f'<p><a href="{plain_html(unsubscribe)}">Leave this list</a></p>')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{name}</title></head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def list_id(programme: Programme, to: str) -> str:
    """List-Id (RFC 2919): a phrase, and the list's address as a dotted identifier."""
    local, _, domain = to.partition("@")
    phrase = " ".join(SPECIALS.sub(" ", header_text(_calendar_name(programme))).split())
    return f"{phrase} <{local.lower()}.{domain.lower()}>"


def fitted(programme: Programme, events: list[Event], to: Addresses,
           now: dt.datetime) -> tuple[EmailMessage, list[Event]]:  # fmt: skip
    """The digest of as many of `events`, in the order it tells them, as MAX_MESSAGE
    holds, and the events left for the next."""
    ordered = [e for es in _ordered(events).values() for e in es]
    n = len(ordered)
    while True:
        message = compose(programme, ordered[:n], to, now, more=len(ordered) - n)
        size = len(message.as_bytes())
        if size <= MAX_MESSAGE or n == 1:  # one event is a few kilobytes at most
            return message, ordered[n:]
        n = max(1, min(n - 1, n * MAX_MESSAGE // size * 9 // 10))


def compose(programme: Programme, events: list[Event], to: Addresses,
            now: dt.datetime, more: int = 0) -> EmailMessage:  # fmt: skip
    """The digest as one message, plain text and HTML (RFC 2046), with the list headers of
    RFC 2369 and 2919; the SMTP policy refuses a line break in a header, encodes the rest."""
    message = EmailMessage(policy=SMTP)
    name = header_text(statistics_of(programme.organisation))
    message["From"] = Address(display_name=name, addr_spec=to.sender)
    message["To"] = to.to
    message["Subject"] = subject(programme, events)
    message["Date"] = format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = message_id(to.to, events, programme.uid_domain)
    # https://www.rfc-editor.org/rfc/rfc2919 and https://www.rfc-editor.org/rfc/rfc2369
    message["List-Id"] = list_id(programme, to.to)
    message["List-Unsubscribe"] = f"<{to.unsubscribe}>"
    # https://www.rfc-editor.org/rfc/rfc3834#section-5: no vacation replies to it
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(plain_part(programme, events, to.unsubscribe, more),
                        cte="quoted-printable")  # fmt: skip
    message.add_alternative(html_part(programme, events, to.unsubscribe, more), subtype="html",
                            cte="quoted-printable")  # fmt: skip
    return message


# --- the note -------------------------------------------------------------------------------

FIX = (
    f"put back the {NOTE} calendar-gen wrote (git log -p shows it), or remove it: the next "
    "run then starts afresh, sending nothing already published (with --since DATE, what was "
    "published from DATE on: the day of the latest change the last digest told)"
)


def read_note(folder: Path) -> dict[str, Told]:
    """What each list was told, by its address in lower case; empty when none was."""
    path = folder / NOTE
    try:
        data = loads(read_back(path, NOTE_LIMIT, FIX))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ReadBackError(f"{path}: cannot be read ({error}); {FIX}") from None
    try:
        if data.get("format") != NOTE_FORMAT:
            raise ValueError("format")
        return {to: _told(value) for to, value in data["lists"].items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ReadBackError(f"{path}: is not a note calendar-gen wrote; {FIX}") from None


def _days(value: Any) -> dict[str, dt.date]:
    return {str(k): dt.date.fromisoformat(v) for k, v in dict(value).items()}


def _ascii(value: Any) -> str:
    """A text as notify wrote it: the message goes to the server as it is, in ASCII."""
    if not isinstance(value, str) or not value.isascii():
        raise ValueError("not ASCII text")
    return value


def _told(value: Any) -> Told:
    last = value.get("last")
    if last is not None:
        last = Last(Delivery(last["delivery"]), _ascii(last["message_id"]),
                    dt.date.fromisoformat(last["through"]), _days(last["events"]),
                    _ascii(last["message"]), _ascii(last["noted"]))  # fmt: skip
    return Told(dt.date.fromisoformat(value["since"]), _days(value["told"]), last)


def note_text(lists: Mapping[str, Told]) -> str:
    def days(d: Mapping[str, dt.date]) -> dict[str, str]:
        return {k: v.isoformat() for k, v in sorted(d.items())}

    def last(x: Last | None) -> dict[str, Any] | None:
        return None if x is None else {
            "delivery": x.delivery.value, "message_id": x.message_id,
            "through": x.through.isoformat(), "events": days(x.events),
            "noted": x.noted, "message": x.message}  # fmt: skip

    data = {"format": NOTE_FORMAT, "lists": {
        to: {"since": t.since.isoformat(), "told": days(t.told), "last": last(t.last)}
        for to, t in sorted(lists.items())}}  # fmt: skip
    return json.dumps(data, indent=1, ensure_ascii=True) + "\n"


def refuse_address(option: str, value: str) -> str | None:
    """Why an address given as `option` cannot be used; None when it can."""
    if not ADDRESS.fullmatch(value) or len(value) > 254:
        return (f"{option} {shown(value)} is not an email address: write it like "
                "calendar@example.gov.uk (ASCII, one @, no spaces or display name)")  # fmt: skip
    return None


def refuse_unsubscribe(value: str) -> str | None:
    """Why a List-Unsubscribe address cannot be used; None when it can."""
    if not UNSUBSCRIBE.fullmatch(value) or len(value) > MAX_UNSUBSCRIBE:
        return (f"--unsubscribe {shown(value)} is not a mailto: or https: address of at most "
                f"{MAX_UNSUBSCRIBE} characters, like mailto:listserv@example.ac.uk?body=SIGNOFF"
                "%20MYLIST or https://example.gov.uk/leave")  # fmt: skip
    return None
