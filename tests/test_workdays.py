"""Working days and rolls, against bank holidays looked up by hand on the official lists."""

import datetime as dt
import subprocess
import sys

import pytest

from calendar_gen.domain.workdays import (
    Roll,
    bank_holiday,
    is_working_day,
    roll,
    working_days_in_month,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "region", "working"),
    [
        # England and Wales 2014: Good Friday, Easter Monday, early May, spring, summer.
        (D(2014, 4, 18), "england-and-wales", False),
        (D(2014, 4, 21), "england-and-wales", False),
        (D(2014, 5, 5), "england-and-wales", False),
        (D(2014, 5, 26), "england-and-wales", False),
        (D(2014, 8, 25), "england-and-wales", False),
        (D(2014, 12, 25), "england-and-wales", False),
        (D(2014, 12, 26), "england-and-wales", False),
        (D(2014, 12, 24), "england-and-wales", True),
        (D(2014, 4, 17), "england-and-wales", True),
        # Weekends are never working days.
        (D(2014, 5, 3), "england-and-wales", False),
        (D(2014, 5, 4), "united-kingdom", False),
        # Scotland: no Easter Monday, summer holiday on the first Monday of August,
        # 2 January, and St Andrew's Day (Sunday 30 Nov 2014) observed on Monday 1 Dec.
        (D(2014, 4, 21), "scotland", True),
        (D(2014, 8, 4), "scotland", False),
        (D(2014, 8, 25), "scotland", True),
        (D(2015, 1, 2), "scotland", False),
        (D(2015, 1, 2), "england-and-wales", True),
        (D(2014, 12, 1), "scotland", False),
        (D(2014, 12, 1), "england-and-wales", True),
        # Northern Ireland: St Patrick's Day; the Boyne (Saturday 12 July 2014) on Monday 14th.
        (D(2014, 3, 17), "northern-ireland", False),
        (D(2014, 7, 14), "northern-ireland", False),
        (D(2014, 7, 14), "great-britain", True),
        # Great Britain closes on England's and Scotland's days; the UK on all three nations'.
        (D(2014, 8, 4), "great-britain", False),
        (D(2014, 8, 25), "great-britain", False),
        (D(2014, 4, 21), "great-britain", False),
        (D(2014, 3, 17), "great-britain", True),
        (D(2014, 3, 17), "united-kingdom", False),
        (D(2014, 12, 1), "united-kingdom", False),
        # One-off bank holidays.
        (D(2020, 5, 8), "england-and-wales", False),  # VE Day: early May holiday moved
        (D(2020, 5, 4), "england-and-wales", True),  # ... off its usual first Monday
        (D(2022, 6, 2), "scotland", False),  # spring holiday moved to Thursday
        (D(2022, 6, 3), "northern-ireland", False),  # Platinum Jubilee
        (D(2022, 5, 30), "england-and-wales", True),  # no last-Monday holiday in 2022
        (D(2022, 9, 19), "england-and-wales", False),  # State Funeral of Elizabeth II
        (D(2022, 9, 19), "scotland", False),
        (D(2022, 9, 19), "northern-ireland", False),
        (D(2023, 5, 8), "united-kingdom", False),  # Coronation of Charles III
        (D(2023, 5, 8), "great-britain", False),
    ],
)
def test_working_day(day, region, working):
    assert is_working_day(day, region) is working


def test_bank_holiday_names_the_day():
    assert (
        bank_holiday(D(2022, 9, 19), "england-and-wales") == "State Funeral of Queen Elizabeth II"
    )
    assert bank_holiday(D(2022, 9, 20), "england-and-wales") is None


@pytest.mark.parametrize(
    ("day", "convention", "region", "expected"),
    [
        # A working day never moves.
        (D(2014, 5, 22), Roll.PRECEDING, "england-and-wales", D(2014, 5, 22)),
        (D(2014, 5, 22), Roll.MODIFIED_FOLLOWING, "england-and-wales", D(2014, 5, 22)),
        # Easter 2014: Good Friday 18th, Easter Monday 21st.
        (D(2014, 4, 19), Roll.FOLLOWING, "england-and-wales", D(2014, 4, 22)),
        (D(2014, 4, 21), Roll.PRECEDING, "england-and-wales", D(2014, 4, 17)),
        (D(2014, 4, 19), Roll.FOLLOWING, "scotland", D(2014, 4, 21)),
        # Saturday 31 May 2014: following leaves the month, modified-following does not.
        (D(2014, 5, 31), Roll.FOLLOWING, "england-and-wales", D(2014, 6, 2)),
        (D(2014, 5, 31), Roll.MODIFIED_FOLLOWING, "england-and-wales", D(2014, 5, 30)),
        # Saturday 1 March 2014: preceding leaves the month, modified-preceding does not.
        (D(2014, 3, 1), Roll.PRECEDING, "england-and-wales", D(2014, 2, 28)),
        (D(2014, 3, 1), Roll.MODIFIED_PRECEDING, "england-and-wales", D(2014, 3, 3)),
        # Christmas 2014 (Thu, Fri, then a weekend).
        (D(2014, 12, 25), Roll.FOLLOWING, "england-and-wales", D(2014, 12, 29)),
        (D(2014, 12, 26), Roll.PRECEDING, "england-and-wales", D(2014, 12, 24)),
        # Monday 31 August 2020, late summer holiday in England but not Scotland.
        (D(2020, 8, 31), Roll.FOLLOWING, "england-and-wales", D(2020, 9, 1)),
        (D(2020, 8, 31), Roll.MODIFIED_FOLLOWING, "england-and-wales", D(2020, 8, 28)),
        (D(2020, 8, 31), Roll.MODIFIED_FOLLOWING, "scotland", D(2020, 8, 31)),
        # Friday 1 January 2021; Scotland also closes Monday 4th (2 January observed).
        (D(2021, 1, 1), Roll.PRECEDING, "england-and-wales", D(2020, 12, 31)),
        (D(2021, 1, 1), Roll.MODIFIED_PRECEDING, "england-and-wales", D(2021, 1, 4)),
        (D(2021, 1, 1), Roll.MODIFIED_PRECEDING, "scotland", D(2021, 1, 5)),
        # One-off days.
        (D(2020, 5, 8), Roll.FOLLOWING, "england-and-wales", D(2020, 5, 11)),
        (D(2020, 5, 8), Roll.PRECEDING, "england-and-wales", D(2020, 5, 7)),
        (D(2022, 6, 2), Roll.FOLLOWING, "england-and-wales", D(2022, 6, 6)),
        (D(2022, 6, 3), Roll.PRECEDING, "england-and-wales", D(2022, 6, 1)),
        (D(2022, 9, 19), Roll.FOLLOWING, "united-kingdom", D(2022, 9, 20)),
        (D(2023, 5, 8), Roll.FOLLOWING, "great-britain", D(2023, 5, 9)),
        (D(2023, 5, 8), Roll.PRECEDING, "great-britain", D(2023, 5, 5)),
    ],
)
def test_roll(day, convention, region, expected):
    assert roll(day, convention, region) == expected


def test_working_days_in_month_skips_weekends_and_holidays():
    # May 2014 in England: 22 weekdays less 5th and 26th.
    days = working_days_in_month(2014, 5, "england-and-wales")
    assert len(days) == 20
    assert days[:3] == (D(2014, 5, 1), D(2014, 5, 2), D(2014, 5, 6))
    assert D(2014, 5, 26) not in days
    assert days[-1] == D(2014, 5, 30)


# Every UK nation's bank holidays over the calendar's reach, printed one a line.
EVERY_HOLIDAY = (
    "import sys\n{load}\n"
    "for nation in ('ENG', 'SCT', 'NIR', 'WLS'):\n"
    "    for year in range(1990, 2111):\n"
    "        for day, name in sorted(holidays_of(nation, year).items()):\n"
    "            print(nation, day, name)\n"
    "print(' '.join(sorted(m for m in sys.modules if m.startswith('holidays.countries'))))"
)


def _every_holiday(load: str) -> list[str]:
    script = EVERY_HOLIDAY.format(load=load)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_uk_module_loaded_alone_gives_what_the_whole_package_gives():
    # Each in a fresh process, so neither finds the other's module already loaded.
    *ours, modules = _every_holiday(
        "from calendar_gen.domain.workdays import nation_holidays as holidays_of"
    )
    *theirs, everything = _every_holiday(
        "import holidays\n"
        "def holidays_of(nation, year):\n"
        "    return holidays.country_holidays('GB', subdiv=nation, years=year)"
    )
    assert ours == theirs
    assert "ENG 2022-09-19 State Funeral of Queen Elizabeth II" in ours  # a one-off, by hand
    assert modules == "holidays.countries.united_kingdom"
    assert len(everything.split()) > 200  # the package's own way loads every country


FIRST_LOOKUPS_AT_ONCE = """
import threading
from calendar_gen.domain.workdays import nation_holidays
start, found, failed = threading.Barrier(8), [], []
def look():
    start.wait()
    try:
        found.append(dict(nation_holidays("ENG", 2026)))
    except Exception as error:
        failed.append(repr(error))
threads = [threading.Thread(target=look) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(found), failed[:1])
print(sorted(map(str, found[0])))
"""


def test_first_lookups_in_several_threads_at_once_each_get_the_tables():
    # The Python API may be called from threads: the UK module is loaded by hand, outside
    # Python's import lock, so eight first lookups together must each wait for it to be made.
    # (Without the loader's own lock, six or seven of the eight raised AttributeError.)
    result = subprocess.run([sys.executable, "-c", FIRST_LOOKUPS_AT_ONCE],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    counted, days = result.stdout.splitlines()
    assert counted == "8 []"
    # England's 2026 bank holidays, from GOV.UK's list: New Year's Day, Good Friday 3 April,
    # Easter Monday 6 April, 4 and 25 May, 31 August, Christmas Day, and Boxing Day, a
    # Saturday (the 26th, a weekend day anyway) with its substitute on Monday the 28th.
    assert days == str(["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25",
                        "2026-08-31", "2026-12-25", "2026-12-26", "2026-12-28"])  # fmt: skip


def test_a_year_of_bank_holidays_cannot_be_changed_by_its_caller():
    from calendar_gen.domain.workdays import nation_holidays

    with pytest.raises(TypeError):
        nation_holidays("SCT", 2015)[dt.date(2015, 1, 5)] = "a holiday of my own"  # type: ignore[index]
    assert dt.date(2015, 1, 5) not in nation_holidays("SCT", 2015)


# The weekdays each region is closed on in 2027/28, the year a programme made now plans,
# worked out by hand from the rules every list has followed: Easter Sunday 28 March 2027
# (Good Friday 26th, Easter Monday 29th, not in Scotland); the first and last Mondays of May
# (3rd, 31st); the summer holiday on the last Monday of August (30th), in Scotland the first
# (2nd); Christmas Day and Boxing Day on a Saturday and Sunday, so Monday 27 and Tuesday
# 28 December instead; New Year's Day 2028 a Saturday, so Monday 3 January, and Scotland's
# 2 January a Sunday, so Tuesday 4th (in 2027 a Saturday, so Monday 4th). Northern Ireland:
# St Patrick's Day (Wednesday 17 March 2027, Friday 17 March 2028) and the Boyne (Monday 12
# July); Scotland: St Andrew's Day (Tuesday 30 November). GOV.UK's list for 2027 and 2028
# was not found among the stored pages (alphagov/calendars' copy ends before 2027), and
# none of the proclamations for a one-off day in these years was either.
ENGLAND_2027 = ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31",
                "2027-08-30", "2027-12-27", "2027-12-28", "2028-01-03"]  # fmt: skip
SCOTLAND_2027 = ["2027-01-01", "2027-01-04", "2027-03-26", "2027-05-03", "2027-05-31",
                 "2027-08-02", "2027-11-30", "2027-12-27", "2027-12-28", "2028-01-03",
                 "2028-01-04"]  # fmt: skip
NORTHERN_IRELAND_2027 = ["2027-01-01", "2027-03-17", "2027-03-26", "2027-03-29", "2027-05-03",
                         "2027-05-31", "2027-07-12", "2027-08-30", "2027-12-27", "2027-12-28",
                         "2028-01-03", "2028-03-17"]  # fmt: skip


@pytest.mark.parametrize(
    ("region", "closed"),
    [
        ("england-and-wales", ENGLAND_2027),
        ("scotland", SCOTLAND_2027),
        ("northern-ireland", NORTHERN_IRELAND_2027),
        ("great-britain", sorted({*ENGLAND_2027, *SCOTLAND_2027})),
        ("united-kingdom", sorted({*ENGLAND_2027, *SCOTLAND_2027, *NORTHERN_IRELAND_2027})),
    ],
)
def test_the_weekdays_closed_in_the_year_ahead_are_the_bank_holidays_by_hand(region, closed):
    days = (D(2027, 4, 1) + dt.timedelta(n) for n in range(366))  # 2027/28: to 31 March 2028
    found = [d.isoformat() for d in days if d.weekday() < 5 and not is_working_day(d, region)]
    assert found == [d for d in closed if d >= "2027-04-01"]
    # and the first quarter of 2027, the end of the year now running
    early = [d.isoformat() for d in (D(2027, 1, 1) + dt.timedelta(n) for n in range(90))
             if d.weekday() < 5 and not is_working_day(d, region)]  # fmt: skip
    assert early == [d for d in closed if d < "2027-04-01"]
