"""What each command does, as plain functions that return reports: the public Python API.

They never print and never exit; bad input raises a CalendarGenError naming the file,
publication and key. "Today" is always passed in (`as_of`), so nothing hides a clock.
"""

from calendar_gen.usecases.building import build
from calendar_gen.usecases.changing import cancel, move, postpone, reinstate, released, retime
from calendar_gen.usecases.clashing import clashes
from calendar_gen.usecases.looking import check, list_releases
from calendar_gen.usecases.rolling import next_year
from calendar_gen.usecases.serving import serve
from calendar_gen.usecases.shared import releases_between, today_in_london
from calendar_gen.usecases.starting import init, learn

__all__ = [
    "build",
    "cancel",
    "check",
    "clashes",
    "init",
    "learn",
    "list_releases",
    "move",
    "next_year",
    "postpone",
    "reinstate",
    "released",
    "releases_between",
    "retime",
    "serve",
    "today_in_london",
]
