"""The one family of errors calendar-gen raises for bad input or an unusable folder."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\\u0085\u2028\u2029]')
_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT.get(char, f"\\u{ord(char):04X}")


def shown(value: object) -> str:
    """A value as the user wrote it in TOML ("biannual", 2027, [1, 1], 2027-05-03), not repr.

    Text is quoted and escaped as TOML does, so no control character reaches a terminal.
    """
    if isinstance(value, str):
        return '"' + _ESCAPE.sub(_escaped, value) + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, int) and value.bit_length() > 256:
        # TOML's hexadecimal integers have no size limit, and Python writes no integer of
        # over 4,300 digits: a number this long was never meant, so it is told by its size.
        return f"(a number of about {int(value.bit_length() * 0.30103):,} digits)"
    return str(value)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located by file, publication and key."""

    file: str
    message: str
    publication: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: "
        if self.publication is not None:
            where += f"publication '{self.publication}': "
        return where + self.message


class CalendarGenError(Exception):
    """Base of every error the command line reports without a traceback."""


class ScheduleError(CalendarGenError):
    """The schedules folder is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(dict.fromkeys(problems))  # the same line twice says nothing more
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(CalendarGenError):
    """The feeds could not be written."""


class PromiseError(CalendarGenError):
    """Publishing would silently break a promise made to subscribers."""


class ChangeError(CalendarGenError):
    """A move, cancellation or reinstatement that cannot be made; the message says why."""


class CalendarFileError(CalendarGenError):
    """An --against calendar that cannot be read."""


def error_lines(error: CalendarGenError) -> list[str]:
    """What to tell the user: every problem, then what became of their files."""
    if isinstance(error, ScheduleError):
        count = len(error.problems)
        total = f"{count} problem{'s' if count != 1 else ''} found; nothing was written."
        return [*(str(p) for p in error.problems), total]
    return [str(error)]
