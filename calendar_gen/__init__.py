"""calendar-gen: working-day release dates and iCalendar feeds for official statistics.

The use cases are the public API: each does what the command of the same name does and
returns a report; bad input raises a CalendarGenError naming the file, publication and key.
"""

from calendar_gen.errors import (
    CalendarFileError,
    CalendarGenError,
    ChangeError,
    OutputError,
    Problem,
    ScheduleError,
)
from calendar_gen.model import (
    Action,
    Announcement,
    Change,
    Designation,
    Frequency,
    Period,
    Programme,
    Publication,
    Status,
    Topic,
    YearMonth,
)
from calendar_gen.releases import Release, expand
from calendar_gen.schedule import load_programme
from calendar_gen.usecases import (
    build,
    cancel,
    check,
    clashes,
    init,
    list_releases,
    move,
    next_year,
    reinstate,
    today_in_london,
)

__version__ = "0.1.0"
__all__ = [
    "Action",
    "Announcement",
    "CalendarFileError",
    "CalendarGenError",
    "Change",
    "ChangeError",
    "Designation",
    "Frequency",
    "OutputError",
    "Period",
    "Problem",
    "Programme",
    "Publication",
    "Release",
    "ScheduleError",
    "Status",
    "Topic",
    "YearMonth",
    "build",
    "cancel",
    "check",
    "clashes",
    "expand",
    "init",
    "list_releases",
    "load_programme",
    "move",
    "next_year",
    "reinstate",
    "today_in_london",
]
