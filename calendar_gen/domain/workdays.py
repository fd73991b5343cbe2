"""Working days of the UK nations: Monday to Friday, less the region's bank holidays."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import threading
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from calendar_gen.domain.texts import Named

# The `holidays` package has no Easter Monday or August bank holiday for "GB" without a
# subdivision, so every region names its nations explicitly. Wales keeps England's bank
# holidays. A region's closed days are the union of its nations' bank holidays: a release
# for Great Britain must not fall on a Scottish bank holiday either.
REGIONS: dict[str, tuple[str, ...]] = {
    "england-and-wales": ("ENG",),
    "scotland": ("SCT",),
    "northern-ireland": ("NIR",),
    "great-britain": ("ENG", "SCT"),
    "united-kingdom": ("ENG", "SCT", "NIR"),
}


class Nation(Named):
    """A nation whose bank holidays a release may follow (Wales keeps England's): each has
    a feed of the releases whose region's holidays include its own (its slug, the region's)."""

    ENGLAND_AND_WALES = "England and Wales"
    SCOTLAND = "Scotland"
    NORTHERN_IRELAND = "Northern Ireland"

    @property
    def code(self) -> str:
        """Its subdivision in the `holidays` package."""
        return {"England and Wales": "ENG", "Scotland": "SCT", "Northern Ireland": "NIR"}[self]


@lru_cache(maxsize=16)
def nations(region: str) -> tuple[Nation, ...]:
    """The nations whose bank holidays close a day in `region`."""
    return tuple(n for n in Nation if n.code in REGIONS[region])


# The years a period may start in: the calendar's reach, and the feeds' VTIMEZONE's.
FIRST_YEAR, LAST_YEAR = 2000, 2098


class Roll(StrEnum):
    """What to do with a date that is not a working day (ISDA business-day conventions)."""

    FOLLOWING = "following"
    PRECEDING = "preceding"
    MODIFIED_FOLLOWING = "modified-following"
    MODIFIED_PRECEDING = "modified-preceding"


UK_MODULE = "holidays.countries.united_kingdom"
_LOADING = threading.Lock()


@lru_cache(maxsize=1)
def _united_kingdom() -> Any:
    """The `holidays` package's UK class, its module loaded alone: `holidays.country_holidays`
    (or any import of `holidays.countries`) first imports all 250 countries, about 140 ms of
    a check that needs one. Registered under its own name, so a later import of the whole
    package finds this module and the same class."""
    import holidays  # imported here, not at the top: --help and bad input need no tables

    # Held while the module runs: Python's import lock, which this loader goes around, would
    # make a second thread wait rather than read a module half made.
    with _LOADING:
        return _loaded(holidays)


def _loaded(holidays: Any) -> Any:
    if UK_MODULE in sys.modules:
        return sys.modules[UK_MODULE].UnitedKingdom
    path = Path(holidays.__file__).parent / "countries" / "united_kingdom.py"
    spec = importlib.util.spec_from_file_location(UK_MODULE, path)
    if spec is None or spec.loader is None or not path.is_file():  # laid out otherwise
        return getattr(holidays, "UnitedKingdom")  # noqa: B009 (a lazy loader, as documented)
    module = importlib.util.module_from_spec(spec)
    sys.modules[UK_MODULE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[UK_MODULE]
        raise
    return module.UnitedKingdom


@lru_cache(maxsize=512)  # nations x years; each region's year asks England's again
def nation_holidays(nation: str, year: int) -> Mapping[dt.date, str]:
    """A UK nation's bank holidays in `year` (`nation` its subdivision code, like "SCT"), as
    `holidays.country_holidays("GB", subdiv=nation, years=year)` gives them."""
    # A copy no caller can change, shared by every lookup of the year: the package's own
    # mapping adds any other year a lookup asks about.
    return MappingProxyType(dict(_united_kingdom()(subdiv=nation, years=year)))


@lru_cache(maxsize=1024)  # regions x years: bounded by the calendar's reach
def _bank_holidays(region: str, year: int) -> dict[dt.date, str]:
    closed: dict[dt.date, str] = {}
    for nation in REGIONS[region]:
        for day, name in nation_holidays(nation, year).items():
            closed.setdefault(day, name)
    return closed


def bank_holiday(day: dt.date, region: str) -> str | None:
    """The name of the bank holiday on `day` in `region`, or None."""
    return _bank_holidays(region, day.year).get(day)


def closed_reason(day: dt.date, region: str) -> str | None:
    """Why `day` is not a working day in `region` (a bank holiday's name, or a weekend)."""
    return bank_holiday(day, region) or ("a weekend" if day.weekday() >= 5 else None)


def is_working_day(day: dt.date, region: str) -> bool:
    return day.weekday() < 5 and bank_holiday(day, region) is None


def next_working_day(day: dt.date, region: str) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, region):
        day += dt.timedelta(days=1)
    return day


def previous_working_day(day: dt.date, region: str) -> dt.date:
    """`day` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day, region):
        day -= dt.timedelta(days=1)
    return day


@lru_cache(maxsize=8192)  # thousands of publications roll the same few hundred days
def roll(day: dt.date, convention: Roll, region: str) -> dt.date:
    """Move `day` onto a working day by `convention`; a working day stays where it is."""
    if convention is Roll.FOLLOWING:
        return next_working_day(day, region)
    if convention is Roll.PRECEDING:
        return previous_working_day(day, region)
    if convention is Roll.MODIFIED_FOLLOWING:
        later = next_working_day(day, region)
        return later if later.month == day.month else previous_working_day(day, region)
    earlier = previous_working_day(day, region)
    return earlier if earlier.month == day.month else next_working_day(day, region)


@lru_cache(maxsize=4096)
def working_days_in_month(year: int, month: int, region: str) -> tuple[dt.date, ...]:
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        if is_working_day(day, region):
            days.append(day)
        day += dt.timedelta(days=1)
    return tuple(days)
