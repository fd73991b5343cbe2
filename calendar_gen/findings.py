"""What a build, a check or a change finds to tell: data, not sentences with commands in.

Each finding has a kind (which owns its severity), the publication and release it is about,
a sentence for people and, where a command would put it right, that command as data: the
face spells it out (reports.spell), JSON carries it as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, assert_never

SCHEMA = "tag:calendar-gen,2026:schemas/findings/1"  # check's and build's JSON: schemas/
MAX_TEXT = 20_000  # characters of a finding read back: a reason is at most 2,000


class Severity(StrEnum):
    PROBLEM = "problem"  # a Code of Practice problem: `check` exits 1
    WARNING = "warning"  # for the producer to look at; the command goes on
    NOTE = "note"  # what the rules did: a roll off a holiday, a suspension


class FindingKind(StrEnum):
    LATE_CHANGE = "late-change"  # changed inside the notice period
    SHORT_NOTICE = "short-notice"  # confirmed with less than the notice period
    MISSED_BUILDS = "missed-builds"  # days with no build, when releases came due to confirm
    UNEXPLAINED_TIME = "unexplained-time"  # not 09:30, and no time_reason
    PASSED_UNCONFIRMED = "passed-unconfirmed"  # shown as provisional, its day gone by
    NOT_A_WORKING_DAY = "not-a-working-day"  # announced for a day now a bank holiday
    UNSCHEDULED = "unscheduled"  # announced, and the rules no longer schedule it
    RULE_DIFFERS = "rule-differs"  # announced, and the rule now gives another day
    CLASH = "clash"  # a change put a release on a day that clashes
    EMPTY_CALENDAR = "empty-calendar"  # an --against calendar with no events in the time
    ROLLED = "rolled"  # the rule's day was closed, so it rolled
    SUSPENDED = "suspended"  # a publication suspended for a period
    POSSIBLE_CLASH = "possible-clash"  # in the month of an announcement given to the month
    GOVUK_DATE = "govuk-date"  # GOV.UK announces another day or time
    GOVUK_STATE = "govuk-state"  # GOV.UK has it in another state (confirmed, cancelled)
    GOVUK_MISSING = "govuk-missing"  # announced here, not on GOV.UK
    GOVUK_UNKNOWN = "govuk-unknown"  # announced on GOV.UK, not here
    GOVUK_LIVE = "govuk-live"  # out, and its GOV.UK announcement still live
    GOVUK_STYLE = "govuk-style"  # breaks one of GOV.UK's rules for announcements' words

    @property
    def of_the_day(self) -> bool:
        """Whether it tells what a build did on its day (a late confirmation, days with no
        build), not how the calendar stands: a later build that writes nothing says it not."""
        match self:
            case FindingKind.SHORT_NOTICE | FindingKind.MISSED_BUILDS:
                return True
            case FindingKind.LATE_CHANGE | FindingKind.UNEXPLAINED_TIME:
                return False
            case FindingKind.PASSED_UNCONFIRMED | FindingKind.NOT_A_WORKING_DAY:
                return False
            case FindingKind.UNSCHEDULED | FindingKind.RULE_DIFFERS | FindingKind.CLASH:
                return False
            case FindingKind.EMPTY_CALENDAR | FindingKind.ROLLED | FindingKind.SUSPENDED:
                return False
            case FindingKind.POSSIBLE_CLASH | FindingKind.GOVUK_STYLE:
                return False
            case FindingKind.GOVUK_DATE | FindingKind.GOVUK_STATE | FindingKind.GOVUK_MISSING:
                return False
            case FindingKind.GOVUK_UNKNOWN | FindingKind.GOVUK_LIVE:
                return False
            case _:
                assert_never(self)

    @property
    def severity(self) -> Severity:
        match self:
            case FindingKind.LATE_CHANGE | FindingKind.SHORT_NOTICE | FindingKind.UNEXPLAINED_TIME:
                return Severity.PROBLEM
            case FindingKind.PASSED_UNCONFIRMED:
                return Severity.PROBLEM
            case FindingKind.NOT_A_WORKING_DAY | FindingKind.UNSCHEDULED | FindingKind.RULE_DIFFERS:
                return Severity.WARNING
            case FindingKind.MISSED_BUILDS:
                return Severity.WARNING
            case FindingKind.CLASH | FindingKind.EMPTY_CALENDAR:
                return Severity.WARNING
            case FindingKind.GOVUK_DATE | FindingKind.GOVUK_STATE | FindingKind.GOVUK_MISSING:
                return Severity.WARNING
            case FindingKind.GOVUK_UNKNOWN | FindingKind.GOVUK_LIVE | FindingKind.GOVUK_STYLE:
                return Severity.WARNING
            case FindingKind.ROLLED | FindingKind.SUSPENDED | FindingKind.POSSIBLE_CLASH:
                return Severity.NOTE
            case _:
                assert_never(self)


class Command(StrEnum):
    """The commands a finding may suggest."""

    MOVE = "move"
    CANCEL = "cancel"
    RELEASED = "released"


@dataclass(frozen=True)
class Remedy:
    """A command that would put a finding right: on the release of `publication` now on
    `date`, to `new_date` where the finding knows it."""

    command: Command
    publication: str
    date: dt.date
    new_date: dt.date | None = None

    def as_dict(self) -> dict[str, str]:
        new = {"new_date": self.new_date.isoformat()} if self.new_date else {}
        return {"command": self.command.value, "publication": self.publication,
                "date": self.date.isoformat(), **new}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One thing found: its kind, what it is about, a sentence, and the way to put it right."""

    kind: FindingKind
    text: str  # the sentence, naming its subject; no command in it
    publication: str | None = None
    slot: str | None = None  # the month (week, day) the release was scheduled in
    date: dt.date | None = None  # the release's day, when about one release
    remedy: Remedy | None = None

    @property
    def severity(self) -> Severity:
        return self.kind.severity

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON reads it (check --format json, build --format json)."""
        return {
            "kind": self.kind.value,
            "severity": self.severity.value,
            "publication": self.publication,
            "scheduled": self.slot,
            "date": self.date.isoformat() if self.date else None,
            "text": self.text,
            "remedy": self.remedy.as_dict() if self.remedy else None,
        }

    @classmethod
    def read(cls, data: Any) -> Finding | None:
        """A finding from its as_dict(), as the build's manifest keeps it; None if it is not
        one (a manifest of another version): then the build runs again."""
        if not isinstance(data, dict) or not _texts(data, "text", "publication", "scheduled"):
            return None
        if data["remedy"] is not None and not _texts(data["remedy"], "publication"):
            return None
        try:
            remedy = data["remedy"] and Remedy(
                Command(data["remedy"]["command"]),
                str(data["remedy"]["publication"]),
                dt.date.fromisoformat(data["remedy"]["date"]),
                _day(data["remedy"].get("new_date")),
            )
            kind, text, date = FindingKind(data["kind"]), str(data["text"]), _day(data["date"])
            return cls(kind, text, data["publication"], data["scheduled"], date, remedy)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def _texts(data: Any, *keys: str) -> bool:
    """Whether each of `keys` is a text of no great length (or None, but for `text`)."""
    return isinstance(data, dict) and all(
        (isinstance(v := data.get(k), str) and len(v) <= MAX_TEXT) or (v is None and k != "text")
        for k in keys
    )


def _day(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)
