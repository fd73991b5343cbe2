"""calendar-gen: working-day release dates and iCalendar feeds for official statistics.

The use cases are the public API: each does what the command of the same name does and
returns a report; bad input raises a CalendarGenError naming the file, publication and key.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calendar_gen.domain.history import (
        Action,
        Announcement,
        Cancelled,
        Change,
        Moved,
        Postponed,
        Reinstated,
        Released,
        ReleaseKey,
        Retimed,
        State,
        Status,
    )
    from calendar_gen.domain.model import (
        Designation,
        Frequency,
        Period,
        Programme,
        Publication,
        Topic,
        YearMonth,
    )
    from calendar_gen.domain.releases import Release, expand
    from calendar_gen.errors import (
        CalendarFileError,
        CalendarGenError,
        ChangeError,
        OutputError,
        Problem,
        PromiseError,
        ScheduleError,
    )
    from calendar_gen.findings import Finding, FindingKind, Remedy, Severity
    from calendar_gen.programme.schedule import load_programme
    from calendar_gen.publishing.digest import Addresses, NotifyStep
    from calendar_gen.publishing.mailing import NotSent, Security, Server
    from calendar_gen.reports import Format
    from calendar_gen.usecases import (
        build,
        cancel,
        check,
        clashes,
        init,
        learn,
        list_releases,
        move,
        next_year,
        notify,
        policy,
        postpone,
        reconcile,
        reinstate,
        released,
        report,
        retime,
        serve,
        today_in_london,
    )

__version__ = "0.1.0"
# By what they are, for a reader to find their way in, rather than in one alphabet.
__all__ = [  # noqa: RUF022
    # the use cases, each a command's (usecases)
    "build", "cancel", "check", "clashes", "init", "learn", "list_releases", "move", "next_year",
    "notify", "policy", "postpone", "reconcile", "reinstate", "released", "report", "retime",
    "serve", "today_in_london",
    # the programme and its releases (domain.model, domain.releases, programme.schedule)
    "Designation", "Frequency", "Period", "Programme", "Publication", "Topic", "YearMonth",
    "Release", "expand", "load_programme",
    # the record: what happened to each announced release (domain.history)
    "Action", "Announcement", "Change", "Cancelled", "Moved", "Postponed", "Reinstated",
    "Released", "Retimed", "ReleaseKey", "State", "Status",
    # what a check finds, and what goes wrong (findings, errors)
    "Finding", "FindingKind", "Remedy", "Severity", "CalendarFileError", "CalendarGenError",
    "ChangeError", "OutputError", "Problem", "PromiseError", "ScheduleError",
    # formats and mail (reports, publishing)
    "Format", "Addresses", "NotifyStep", "NotSent", "Security", "Server",
]  # fmt: skip

# The modules the names above come from. A name is imported when first used: the command
# imports this package for `calendar-gen --help` too, which must not wait for the holiday
# tables.
_MODULES = (
    "errors",
    "findings",
    "domain.history",
    "domain.model",
    "domain.releases",
    "reports",
    "programme.schedule",
    "usecases",
    "publishing.digest",
    "publishing.mailing",
)


def __getattr__(name: str) -> Any:
    for module in _MODULES if name in __all__ else ():
        value = getattr(importlib.import_module(f"calendar_gen.{module}"), name, None)
        if value is not None:
            globals()[name] = value
            return value
    raise AttributeError(f"module 'calendar_gen' has no attribute {name!r}")
