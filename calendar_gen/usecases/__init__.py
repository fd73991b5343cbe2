"""What each command does, as plain functions that return reports: the public Python API.

They never print and never exit; bad input raises a CalendarGenError naming the file,
publication and key. "Today" is always passed in (`as_of`), so nothing hides a clock.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calendar_gen.usecases.building import build
    from calendar_gen.usecases.changing import cancel, move, postpone, reinstate, released, retime
    from calendar_gen.usecases.clashing import clashes
    from calendar_gen.usecases.drafting import policy
    from calendar_gen.usecases.looking import check, list_releases
    from calendar_gen.usecases.notifying import notify
    from calendar_gen.usecases.reconciling import reconcile
    from calendar_gen.usecases.reporting import report
    from calendar_gen.usecases.rolling import next_year
    from calendar_gen.usecases.serving import serve
    from calendar_gen.usecases.shared import releases_between, today_in_london
    from calendar_gen.usecases.starting import init, learn

# Where each use case lives: a command loads its own module only (a build, no calendar
# parser; --help, nothing).
_HOMES = {
    "build": "building", "cancel": "changing", "move": "changing", "postpone": "changing",
    "reinstate": "changing", "released": "changing", "retime": "changing",
    "clashes": "clashing", "check": "looking", "list_releases": "looking",
    "next_year": "rolling", "notify": "notifying", "policy": "drafting",
    "reconcile": "reconciling",
    "report": "reporting", "serve": "serving",
    "releases_between": "shared",
    "today_in_london": "shared", "init": "starting", "learn": "starting",
}  # fmt: skip

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
    "notify",
    "policy",
    "postpone",
    "reconcile",
    "reinstate",
    "released",
    "releases_between",
    "report",
    "retime",
    "serve",
    "today_in_london",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'calendar_gen.usecases' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"calendar_gen.usecases.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
