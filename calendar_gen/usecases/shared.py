"""What several use cases share: today's date, the writer's lock, the releases between two
days, other producers' calendars and the clashes a programme accepts."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Collection, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from calendar_gen.domain.model import Programme, YearMonth
from calendar_gen.domain.releases import Release, expand
from calendar_gen.domain.texts import short_date
from calendar_gen.errors import CalendarGenError
from calendar_gen.findings import Finding, FindingKind
from calendar_gen.workspace.output import JOURNAL, locked

if TYPE_CHECKING:  # the clash module loads icalendar, which a build never needs
    from calendar_gen.checks.clash import Clash

Waiting = Callable[[str], None]  # told when another run holds the schedules folder
UK = ZoneInfo("Europe/London")
Choice = TypeVar("Choice", bound=StrEnum)


def today_in_london(now: dt.datetime | None = None) -> dt.date:
    """Today's date in the UK, whatever the machine's time zone: the default for `as_of`."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(UK).date()


def chosen(option: str, value: str, allowed: Collection[Choice]) -> Choice:
    """`value` as one of the `allowed` members of its kind, or an error saying which are."""
    for member in allowed:
        if value == member.value:
            return member
    names = ", ".join(member.value for member in allowed)
    raise CalendarGenError(f"{option} '{value}' is not one of {names}; choose one of them")


@contextlib.contextmanager
def writing(schedules: str | Path, wait: float, on_wait: Waiting | None) -> Iterator[None]:
    """One writer at a time per schedules folder: builds and changes queue, then give up."""
    folder = Path(schedules)
    if not folder.is_dir():  # loading it will say what is wrong
        yield
        return
    with locked(folder, wait, on_wait or (lambda message: None)):
        yield


def not_half_written(schedules: str | Path) -> None:
    """Refuse to read a folder a run was stopped in among its renames: the record and the
    feeds would be half of one build and half of the other, until a writer finishes it."""
    journal = Path(schedules) / JOURNAL
    if journal.exists() or journal.is_symlink():
        raise CalendarGenError(
            f"{journal}: a build or roll was stopped before it had written every file, so the "
            "record and the feeds are not yet one build's. Run calendar-gen build (or the "
            "command that was stopped) again, which finishes it first; then check or list."
        )


def between(
    start: dt.date | None, end: dt.date | None, month: YearMonth | None, as_of: dt.date
) -> tuple[dt.date, dt.date] | None:
    """A month, or from `start` (default today) to `end` (default a year on), as two days."""
    if month is not None:
        if start or end:
            raise CalendarGenError("give --month, or --from and --until, not both")
        return month.first_day, month.last_day
    if start is None and end is None:
        return None
    first = start or as_of
    return first, end or first + dt.timedelta(days=365)


def releases_between(
    programme: Programme, first: dt.date, last: dt.date, *, as_of: dt.date
) -> list[Release]:
    """Every release dated from `first` to `last`, whichever periods schedule them."""
    if last < first:
        raise CalendarGenError(f"--until {last} is before --from {first}")
    # A release may roll a few days out of its scheduled month, and so out of its period.
    period = programme.period.holding(first - dt.timedelta(days=40))
    found: dict[str, Release] = {}
    while period.start <= last:
        for release in expand(programme, period, as_of=as_of):
            if first <= release.date <= last:
                found[release.uid] = release
        period = period.following()
    return sorted(found.values(), key=lambda r: (r.start, r.topic.slug, r.publication.id))


def external(
    against: Sequence[str | Path],
    first: dt.date,
    last: dt.date,
    programme: Programme,
    releases: Sequence[Release] = (),
    *,
    with_own: bool = False,
) -> tuple[dict[dt.date, list[str]], list[Finding]]:
    """Every other calendar's busy days from `first` to `last`, merged, each event named with
    its time and calendar; and a warning for each calendar with nothing in that time.

    GOV.UK's announcements (govuk.is_govuk) leave out the programme's own unless `with_own`;
    those given only to the month are no busy day but a note for each of `releases` in it."""
    from calendar_gen.checks.clash import read_calendar
    from calendar_gen.web import govuk
    from calendar_gen.web.calendars import open_source

    busy: dict[dt.date, list[str]] = {}
    warnings: list[Finding] = []
    for spec in map(str, against):
        if govuk.is_govuk(spec):
            answers = govuk.open_answers(spec, programme.govuk_api, first)
            kept = [n for n in answers.notices
                    if with_own or not govuk.ours(n, programme.govuk_organisation)]  # fmt: skip
            labelled = govuk.named(kept, answers.name)
            days = govuk.busy_days(labelled, first, last)
            warnings += govuk.possible_clashes(releases, labelled)
            name, where = answers.name, answers.where
            any_in = bool(days) or any(n.span[1] > first and n.span[0] <= last for n in kept)
        else:
            source = open_source(spec)
            events = read_calendar(source.where, first, last, programme.timezone,
                                   name=source.name, data=source.data)  # fmt: skip
            days = {day: [e.label for e in day_events] for day, day_events in events.items()}
            name, where = source.name, source.where
            any_in = any(first <= day <= last for day in days)
        if not any_in:
            text = (f"{name} ({where}) has no events from {short_date(first)} to "
                    f"{short_date(last)}: is it the calendar you meant?")  # fmt: skip
            warnings.append(Finding(FindingKind.EMPTY_CALENDAR, text))
        for day, labels in days.items():
            busy.setdefault(day, []).extend(labels)
    return busy, warnings


def accepted(programme: Programme, found: Clash) -> bool:
    """Whether programme.toml accepts this clash: listed apart, not counted."""
    ids = [r.publication.id for r in found.releases]
    return any(a.covers(found.date, ids) for a in programme.accepted)
