"""`init`: a new programme that builds at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from calendar_gen.errors import CalendarGenError
from calendar_gen.model import Period
from calendar_gen.output import ensure_folder, publish
from calendar_gen.reports import InitReport


def init(
    folder: str | Path = "schedules",
    *,
    as_of: dt.date,
    organisation: str = "Example Statistics Office",
    period: Period | None = None,
) -> InitReport:
    """Start a programme: a commented programme.toml and one topic that builds at once.

    The period defaults to the financial year holding `as_of`. Nothing is overwritten.
    """
    from calendar_gen.starter import starter_files

    root = Path(folder)
    period = period or Period.parse("2000/01").holding(as_of)
    files = {root / name: text for name, text in starter_files(organisation, period).items()}
    if existing := [str(path) for path in files if path.exists() or path.is_symlink()]:
        raise CalendarGenError(
            f"{', '.join(existing)}: already there; init writes a new programme and never "
            "overwrites one. Choose an empty folder: calendar-gen init FOLDER"
        )
    ensure_folder(root)
    publish(files.items())
    return InitReport(tuple(files), root)
