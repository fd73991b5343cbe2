"""The one family of errors calendar-gen raises for bad input or an unusable folder."""

from __future__ import annotations

from dataclasses import dataclass


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
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(CalendarGenError):
    """The feeds could not be written."""


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
