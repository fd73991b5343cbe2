"""`init` and `learn`: a new programme that builds at once, from nothing or from past dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from calendar_gen.domain.model import Period
from calendar_gen.errors import CalendarGenError
from calendar_gen.reports import InitReport, LearnReport
from calendar_gen.workspace.output import ensure_folder, publish


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
    from calendar_gen.programme.starter import starter_files

    period = period or Period.parse("2000/01").holding(as_of)
    files = starter_files(organisation, period)
    return InitReport(_write_new(Path(folder), files), Path(folder))


def learn(
    past: str | Path,
    folder: str | Path = "schedules",
    *,
    as_of: dt.date,
    organisation: str = "Example Statistics Office",
    period: Period | None = None,
    holidays: str | None = None,
) -> LearnReport:
    """Start a programme from past release dates (`past`: a CSV of id, title and date, saved
    Search API answers, or a calendar file or address): a rule for each series that gives
    the most of its dates, with the roll and (unless `holidays` names them) the nation's
    bank holidays that explain them best."""
    from calendar_gen.programme.learning import propose, read_past, topic_text
    from calendar_gen.programme.starter import TOPIC_SLUG, starter_files

    series = [s for s in read_past(str(past), as_of) if s.dates]
    if not series:
        raise CalendarGenError(f"{past}: no past release dates in it to learn from")
    proposals = [propose(s, holidays) for s in series]
    period = period or Period.parse("2000/01").holding(as_of)
    files = starter_files(organisation, period)
    files[f"{TOPIC_SLUG}.toml"] = topic_text(proposals, str(past))
    return LearnReport(_write_new(Path(folder), files), Path(folder), tuple(proposals))


def _write_new(root: Path, texts: dict[str, str]) -> tuple[Path, ...]:
    """Write the files of a new programme into `root`, all or none, never over one."""
    files = {root / name: text for name, text in texts.items()}
    if existing := [str(path) for path in files if path.exists() or path.is_symlink()]:
        raise CalendarGenError(
            f"{', '.join(existing)}: already there; calendar-gen writes a new programme "
            "only into a folder without one, and never overwrites a file. Choose an empty "
            "folder for it"
        )
    ensure_folder(root)
    publish(files.items())
    return tuple(files)
