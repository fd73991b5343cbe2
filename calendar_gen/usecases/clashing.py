"""`clashes`: releases on too busy a day, on another producer's events, or in a blackout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from calendar_gen.checks import clash
from calendar_gen.checks.clash import ClashKind
from calendar_gen.domain.model import Period, YearMonth
from calendar_gen.domain.releases import expand
from calendar_gen.domain.texts import short_date
from calendar_gen.programme.schedule import load_programme
from calendar_gen.reports import ClashReport, Format
from calendar_gen.usecases.shared import accepted, between, chosen, external, releases_between


def clashes(
    schedules: str | Path = "schedules",
    *,
    as_of: dt.date,
    period: Period | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    month: YearMonth | None = None,
    against: Sequence[str | Path] = (),
    include_past: bool = False,
    only: str | None = None,
    format: str = "table",
    with_own: bool = False,
) -> ClashReport:
    """Releases that clash: too many on one day, on another calendar's events, in a blackout.

    From `as_of` on (all of them with `include_past`), over the published calendar or one
    `period`; `only` one kind of clash when given. Clashes accepted in programme.toml are
    listed apart and not counted. `against` holds files or http(s)/webcal addresses, each
    optionally `NAME=...`, or GOV.UK's announcements (`govuk`, `govuk:ORGANISATION`, a
    saved Search API answer), the programme's own left out unless `with_own`.
    """
    from calendar_gen.domain.releases import calendar

    shown = chosen("--format", format, (Format.TABLE, Format.JSON))
    kind = chosen("--only", only, list(ClashKind)) if only is not None else None
    programme = load_programme(schedules)
    if days := between(start, end, month, as_of):
        releases = releases_between(programme, *days, as_of=as_of)
        scope = f"from {short_date(days[0])} to {short_date(days[1])}"
    elif period is not None:
        releases, scope = expand(programme, period, as_of=as_of), f"in {period}"
    else:
        releases, scope = calendar(programme, as_of), f"from {short_date(as_of)}"
    if not include_past:
        releases = [r for r in releases if r.date >= as_of]
    if not releases:
        return ClashReport((), (), scope, shown)
    first, last = releases[0].date, releases[-1].date
    busy, warnings = external(against, first, last, programme, releases, with_own=with_own)
    found = clash.find_clashes(programme, releases, busy, as_of)
    found = [c for c in found if kind in (None, c.kind)]
    kept = [c for c in found if accepted(programme, c)]
    open_ = tuple(c for c in found if c not in kept)
    return ClashReport(open_, tuple(kept), scope, shown, tuple(warnings))
