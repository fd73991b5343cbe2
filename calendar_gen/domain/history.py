"""What can happen to an announced release: each kind of change is a closed type that owns
how it applies, how the record reads and writes it, and how people read it.

A new kind is one class here, added to `Change`; mypy then names every `match` that must
handle it. The record, the feeds, the page, changes.atom and releases.json all go through
these methods, so none of them knows the kinds by name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Self, assert_never

from calendar_gen.domain.slots import Slot
from calendar_gen.errors import shown


class Status(StrEnum):
    """A release's status, as the feeds, page and data files show it."""

    CONFIRMED = "confirmed"
    PROVISIONAL = "provisional"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"  # new date to be announced
    # In no feed: what `list` says of a release a build has not published and would not
    # (already past, or outside the calendar's months), so it never reads as a promise.
    NOT_ANNOUNCED = "not announced"

    @property
    def published(self) -> bool:
        """Whether a feed may carry it."""
        return self is not Status.NOT_ANNOUNCED

    @property
    def promised(self) -> bool:
        """Whether publishing it is a promise: it changes only by a recorded change."""
        match self:
            case Status.PROVISIONAL | Status.NOT_ANNOUNCED:
                return False
            case Status.CONFIRMED | Status.CANCELLED | Status.POSTPONED:
                return True
            case _:
                assert_never(self)

    @property
    def dated(self) -> bool:
        """Whether its date is the day it comes (or came, or would have come) out: once that
        day is past, the release is past, and the past stays as it happened."""
        match self:
            case Status.CONFIRMED | Status.PROVISIONAL | Status.CANCELLED | Status.NOT_ANNOUNCED:
                return True
            case Status.POSTPONED:  # it keeps the date it had only until it is given another
                return False
            case _:
                assert_never(self)

    @property
    def comes_out(self) -> bool:
        """Whether it is to come out on the date shown: what clashes and counts go by."""
        match self:
            case Status.CONFIRMED | Status.PROVISIONAL:
                return True
            case Status.CANCELLED | Status.POSTPONED | Status.NOT_ANNOUNCED:
                return False
            case _:
                assert_never(self)

    def meaning(self, notice: str) -> str:
        """What the page says of a release with this status; `notice`: like "4 weeks"."""
        match self:
            case Status.PROVISIONAL:
                return f"its date may still change, until {notice} before it"
            case Status.CONFIRMED:
                return "its date changes only for a reason, shown with the release"
            case Status.CANCELLED:
                return "it will not come out; it stays listed with its reason"
            case Status.POSTPONED:
                return (
                    "a new date is to be announced; until then it stays listed on the date it had"
                )
            case Status.NOT_ANNOUNCED:
                return "it was never announced: no feed has it"
            case _:
                assert_never(self)


class Action(StrEnum):
    """The kinds of change, by the name the record writes."""

    MOVED = "moved"
    CANCELLED = "cancelled"
    REINSTATED = "reinstated"
    RETIMED = "retimed"
    POSTPONED = "postponed"
    RELEASED = "released"


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class State:
    """What subscribers are shown of an announced release, as its changes leave it."""

    date: dt.date
    time: dt.time | None = None  # None: the publication's release time
    cancelled: bool = False
    postponed: bool = False  # a new date is to be announced; `date` is the one it had
    released: bool = False  # recorded as out, on `date`

    def status(self, firm: bool) -> Status:
        """The status shown; `firm`: confirmed by the record, or inside its notice period."""
        if self.cancelled:
            return Status.CANCELLED
        if self.postponed:
            return Status.POSTPONED
        return Status.CONFIRMED if firm else Status.PROVISIONAL

    @property
    def dated(self) -> bool:
        """Whether `date` is a day it is to come out on, not only the one it had."""
        return self.status(True).dated

    def said(self) -> str:
        """Where it stands, as a change command reports it: "on Thursday 5 June 2014"."""
        if self.cancelled:
            return "cancelled"
        if self.postponed:
            return "postponed, its new date to be announced"
        if self.released:
            return f"released, on {long_date(self.date)}"
        return f"on {long_date(self.date)}" + (f" at {self.time:%H:%M}" if self.time else "")


Fields = dict[str, dt.date | str]  # a change's keys as the record and releases.json write them


@dataclass(frozen=True, slots=True)
class _Kind:
    """What every kind of change holds, and what it does unless its kind says otherwise: a
    change of plan, made with a reason before the day it changes, none once it is cancelled."""

    on: dt.date  # the day the change was made
    old: dt.date  # the date it had
    keys: ClassVar[tuple[str, ...]] = ()  # its keys besides COMMON_KEYS
    needs_reason: ClassVar[bool] = True  # the Code asks for the reason for every change
    once_out: ClassVar[bool] = False  # whether it may be recorded once the release is out

    def refusal(self, state: State) -> str | None:
        """Why the change cannot follow `state`; None when it can."""
        return "a cancelled release can only be reinstated" if state.cancelled else None

    def untimely(self, state: State) -> str | None:
        """Why the change cannot be dated as it is, following `state`; None when it can."""
        # The past stays as it happened: a change is made before the day it changes, and
        # before a day it moves the release to. A postponed one is past once it has a date.
        landing = self.applied(State(self.old)).date
        days = {self.old, landing} if state.dated else {landing} - {self.old}
        if days and self.on > (latest := min(days)):
            return (
                f"change on {self.on} is dated after {latest}: a release cannot be changed, "
                "or moved to a day, already past"
            )
        return None

    @abstractmethod  # mypy then refuses a kind that does not say; no ABCMeta, no cost
    def applied(self, state: State) -> State:
        """The state the change leaves a release in that was in `state`: each kind says."""

    @abstractmethod
    def said(self) -> str:
        """What was done, in a sentence without its reason: "Moved on ... from ... to ..."."""

    def text(self) -> str:
        """The change as its release's history says it: what was done, then why."""
        return f"{self.said()}: {self.reason}" if self.reason else self.said()

    if TYPE_CHECKING:  # each kind holds its reason, a field after its own keys

        @property
        def reason(self) -> str: ...


@dataclass(frozen=True, slots=True)
class _ReasonOnly(_Kind):
    """A kind that holds nothing but its reason, so writes no key of its own."""

    reason: str
    reason_cy: str = ""  # the reason in Welsh, for a programme published in Welsh

    def fields(self) -> Fields:
        return {}

    @classmethod
    def read(cls, on: dt.date, old: dt.date, reason: str, table: Mapping[str, Any]) -> Self:
        return cls(on, old, reason)


@dataclass(frozen=True, slots=True)
class _ToDay(_Kind):
    """A kind that gives the release a day, `new`, written 'to'."""

    new: dt.date
    reason: str
    reason_cy: str = ""  # the reason in Welsh, for a programme published in Welsh

    def fields(self) -> Fields:
        return {"to": self.new}


@dataclass(frozen=True, slots=True)
class Moved(_ToDay):
    """A new date for the release."""

    action: ClassVar[Action] = Action.MOVED
    headline: ClassVar[str] = "Moved"
    headline_cy: ClassVar[str] = "Symudwyd"  # not found (docs/sources-welsh.md)

    def applied(self, state: State) -> State:
        return replace(state, date=self.new, postponed=False)  # a postponed one's new date

    def said(self) -> str:
        return f"Moved on {long_date(self.on)} from {long_date(self.old)} to {long_date(self.new)}"

    @classmethod
    def read(cls, on: dt.date, old: dt.date, reason: str, table: Mapping[str, Any]) -> Moved:
        return cls(on, old, _date(table, "to", "a move needs 'to', the new date"), reason)


@dataclass(frozen=True, slots=True)
class Cancelled(_ReasonOnly):
    """The release will not happen; it stays in the feeds as cancelled."""

    action: ClassVar[Action] = Action.CANCELLED
    headline: ClassVar[str] = "Cancelled"
    headline_cy: ClassVar[str] = "Canslwyd"  # the ONS's Welsh release calendar

    def applied(self, state: State) -> State:
        return replace(state, cancelled=True)

    def said(self) -> str:
        return f"Cancelled on {long_date(self.on)} (it was due on {long_date(self.old)})"


@dataclass(frozen=True, slots=True)
class Reinstated(_ToDay):
    """A cancelled release brought back, on its date or another."""

    action: ClassVar[Action] = Action.REINSTATED
    headline: ClassVar[str] = "Reinstated"
    headline_cy: ClassVar[str] = "Adferwyd"  # not found (docs/sources-welsh.md)

    def refusal(self, state: State) -> str | None:
        return None if state.cancelled else "only a cancelled release can be reinstated"

    def applied(self, state: State) -> State:
        return replace(state, date=self.new, cancelled=False)

    def said(self) -> str:
        return f"Reinstated on {long_date(self.on)} for {long_date(self.new)}"

    @classmethod
    def read(cls, on: dt.date, old: dt.date, reason: str, table: Mapping[str, Any]) -> Reinstated:
        # One back on the day it had needs no 'to'.
        return cls(on, old, _date(table, "to", "") if "to" in table else old, reason)


@dataclass(frozen=True, slots=True)
class Retimed(_Kind):
    """A new release time on the same day, as the Code asks: published with its reason."""

    time: dt.time
    reason: str
    reason_cy: str = ""  # the reason in Welsh, for a programme published in Welsh
    action: ClassVar[Action] = Action.RETIMED
    headline: ClassVar[str] = "Retimed"
    headline_cy: ClassVar[str] = "Amser newydd"  # not found (docs/sources-welsh.md)
    keys: ClassVar[tuple[str, ...]] = ("time",)

    def applied(self, state: State) -> State:
        return replace(state, time=self.time)

    def said(self) -> str:
        return f"Release time changed to {self.time:%H:%M} on {long_date(self.on)}"

    def fields(self) -> Fields:
        return {"time": f"{self.time:%H:%M}"}

    @classmethod
    def read(cls, on: dt.date, old: dt.date, reason: str, table: Mapping[str, Any]) -> Retimed:
        if "time" not in table:
            raise Unreadable("time", 'a retime needs the new time, written time = "10:00"')
        return cls(on, old, _time(table["time"]), reason)


@dataclass(frozen=True, slots=True)
class Postponed(_ReasonOnly):
    """Not on its date; a new one is to be announced (by a move). It stays in the feeds."""

    action: ClassVar[Action] = Action.POSTPONED
    headline: ClassVar[str] = "Postponed"
    headline_cy: ClassVar[str] = "Gohiriwyd"  # the ONS's Welsh release calendar

    def refusal(self, state: State) -> str | None:
        if state.cancelled:
            return "a cancelled release can only be reinstated"
        return "it is postponed already; a move gives it its new date" if state.postponed else None

    def applied(self, state: State) -> State:
        return replace(state, postponed=True)

    def said(self) -> str:
        due = long_date(self.old)
        return f"Postponed on {long_date(self.on)} (it was due on {due}), new date to be announced"


@dataclass(frozen=True, slots=True)
class Released(_Kind):
    """It came out, on its date: recorded after the day, with a link to the statistics as
    GOV.UK and ONS link an announcement to what was published. `old` is the day it came out."""

    url: str  # "" when none is given
    reason: str = ""
    reason_cy: str = ""  # the reason in Welsh, for a programme published in Welsh
    action: ClassVar[Action] = Action.RELEASED
    headline: ClassVar[str] = "Released"
    headline_cy: ClassVar[str] = "Rhyddhawyd"  # the ONS's Welsh release calendar
    keys: ClassVar[tuple[str, ...]] = ("url",)
    needs_reason: ClassVar[bool] = False  # it says what happened, not a change of plan
    once_out: ClassVar[bool] = True

    def refusal(self, state: State) -> str | None:
        if state.cancelled:
            return "a cancelled release did not come out"
        if state.postponed:
            return "a postponed release has no day to have come out on; a move gives it one"
        return "it is recorded as released already" if state.released else None

    def untimely(self, state: State) -> str | None:
        if self.on < self.old:
            return f"change on {self.on} records as out a release due on {self.old}, before then"
        return None

    def applied(self, state: State) -> State:
        return replace(state, released=True)

    def said(self) -> str:
        link = f"; the statistics: {self.url}" if self.url else ""
        return f"Released on {long_date(self.old)}{link}"

    def text(self) -> str:
        return self.said()  # a reason written by hand is kept in the record, not shown

    def fields(self) -> Fields:
        return {"url": self.url} if self.url else {}

    @classmethod
    def read(cls, on: dt.date, old: dt.date, reason: str, table: Mapping[str, Any]) -> Released:
        url = table.get("url", "")
        try:
            return cls(on, old, parse_url(url) if url else "", reason)
        except ValueError as error:
            raise Unreadable("url", f"url {shown(url)}: {error}") from None


def parse_url(text: object) -> str:
    """A link to published statistics as typed; ValueError saying what to write if not one."""
    if isinstance(text, str) and len(text) > MAX_URL:
        raise ValueError(f"an address of at most {MAX_URL} characters")
    if not isinstance(text, str) or not URL.fullmatch(text):
        raise ValueError("write the whole address of the statistics, like https://www.gov.uk/...")
    return text


# An absolute http(s) address of RFC 3986 characters only: nothing that could end a line,
# a quoted value or a tag wherever it is shown.
URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][A-Za-z0-9\-._~%!$&'()*+,;=:@/?#]*)?")
MAX_URL = 2000


def parse_time(text: str) -> dt.time:
    """A time the user typed ("10:00"); ValueError saying what to write if it is not one."""
    if re.fullmatch(r"[0-2][0-9]:[0-5][0-9]", text.strip()):
        with contextlib.suppress(ValueError):
            return dt.time.fromisoformat(text.strip())
    raise ValueError(f"'{text}' is not a time like 10:00")


def _time(value: object) -> dt.time:
    if isinstance(value, dt.time) and value.second == value.microsecond == 0:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return parse_time(value)
    raise Unreadable("time", f'time {shown(value)} is not a time; write it like time = "10:00"')


Change = Moved | Cancelled | Reinstated | Retimed | Postponed | Released
KINDS: dict[Action, type[Change]] = {
    kind.action: kind for kind in (Moved, Cancelled, Reinstated, Retimed, Postponed, Released)
}
COMMON_KEYS = ("on", "action", "from", "to", "reason")  # every row of releases.json has them
WELSH_REASON = "reason_cy"  # the reason in Welsh: kept beside it, and not sealed
CHANGE_KEYS = (*COMMON_KEYS, *(key for kind in KINDS.values() for key in kind.keys), WELSH_REASON)


class Unreadable(ValueError):
    """A change's key that does not fit its kind: `message` says why, or is empty when the
    key holds something that is not a date."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(key, message)
        self.key, self.message = key, message


def _date(table: Mapping[str, Any], key: str, missing: str) -> dt.date:
    value = table.get(key)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise Unreadable(key, missing if key not in table else "")


def read_change(action: Action, on: dt.date, old: dt.date, reason: str,
                table: Mapping[str, Any]) -> Change:  # fmt: skip
    """The change of kind `action` that a record's table holds; Unreadable if it is not one."""
    return KINDS[action].read(on, old, reason, table)


def change_fields(change: Change) -> Fields:
    """Every key of the change, in the order the record writes them."""
    reason = {"reason": change.reason} if change.reason or change.needs_reason else {}
    welsh = {WELSH_REASON: change.reason_cy} if change.reason_cy else {}
    return {"on": change.on, "action": change.action.value, "from": change.old,
            **change.fields(), **reason, **welsh}  # fmt: skip


def change_row(change: Change) -> dict[str, str | None]:
    """The change as releases.json writes it: each of COMMON_KEYS (None where the kind has
    none, so every row has the same columns), then any key of its own."""
    fields = change_fields(change).items()
    return {**dict.fromkeys(COMMON_KEYS), **{k: _text(v) for k, v in fields}}


def _text(value: dt.date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def lands_on(change: Change) -> dt.date:
    """The release's date as `change` left it."""
    return change.applied(State(change.old)).date


def replay(date: dt.date, changes: tuple[Change, ...]) -> State:
    """The state that `changes` leave a release in that was first announced for `date`."""
    state = State(changes[0].old if changes else date)
    for change in changes:
        state = change.applied(state)
    return state


def status_word(status: Status, title: str) -> str:
    """The title calendars show: the status is in it because some clients hide STATUS."""
    match status:
        case Status.CANCELLED:
            return f"Cancelled: {title}"
        case Status.CONFIRMED:
            return title
        case Status.PROVISIONAL:
            return f"{title} (provisional)"
        case Status.POSTPONED:
            return f"Postponed: {title} (new date to be announced)"
        case Status.NOT_ANNOUNCED:
            return f"{title} (not announced)"
        case _:
            assert_never(status)


def ical_status(status: Status) -> str:
    """STATUS as RFC 5545 allows it for an event: only three values."""
    match status:
        case Status.CANCELLED:
            return "CANCELLED"
        case Status.CONFIRMED:
            return "CONFIRMED"
        case Status.PROVISIONAL | Status.POSTPONED:
            # Not CANCELLED for a postponed one, which is still to come: Google Calendar
            # drops a subscribed event marked CANCELLED (github.com/hackgvl/hackgreenville-com
            # /pull/498) and Apple Calendar strikes it out (github.com/sabre-io/dav/issues/969).
            return "TENTATIVE"
        case Status.NOT_ANNOUNCED:
            raise ValueError("a release never announced is in no feed")
        case _:
            assert_never(status)


@dataclass(frozen=True, slots=True)  # a whole government's record holds 100,000s
class Announcement:
    """A release as announced: its current date and its history."""

    id: str
    month: Slot  # the month (or week, or day) the rule scheduled it in
    date: dt.date
    confirmed: dt.date | None  # None: pinned by a change while still provisional
    changes: tuple[Change, ...] = ()

    @property
    def key(self) -> ReleaseKey:
        return ReleaseKey(self.id, self.month)

    @property
    def state(self) -> State:
        return replay(self.date, self.changes)

    @property
    def cancelled(self) -> bool:
        return self.state.cancelled

    def date_on(self, day: dt.date) -> dt.date:
        """The date it had at the end of `day`, by the changes made by then."""
        made = tuple(c for c in self.changes if c.on <= day)
        return replay(self.date, made).date if made else self.first_date

    @property
    def first_date(self) -> dt.date:
        """The date it was first announced for."""
        return self.changes[0].old if self.changes else self.date

    def with_change(self, change: Change) -> Announcement:
        """The announcement after `change`."""
        date = change.applied(State(self.date)).date
        return replace(self, date=date, changes=(*self.changes, change))


class ReleaseKey(tuple[str, Slot]):
    """A release's identity: its publication's id and the slot its rule scheduled it in."""

    __slots__ = ()

    def __new__(cls, publication: str, slot: Slot) -> ReleaseKey:
        return super().__new__(cls, (publication, slot))

    @property
    def publication(self) -> str:
        return self[0]

    @property
    def slot(self) -> Slot:
        return self[1]
