"""Every rule form and roll, against dates worked out by hand from the calendar."""

import datetime as dt

import pytest
from reference import rule_date

from calendar_gen.domain.rules import (
    MonthDay,
    MonthlyRule,
    OrdinalWeekday,
    RuleError,
    WorkingDay,
    parse_day,
)
from calendar_gen.domain.workdays import Roll

D = dt.date
MON, TUE, WED, THU, FRI = range(5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("first monday", OrdinalWeekday(1, MON)),
        ("1st Monday", OrdinalWeekday(1, MON)),
        ("second tuesday", OrdinalWeekday(2, TUE)),
        ("2nd tuesday", OrdinalWeekday(2, TUE)),
        ("third wednesday", OrdinalWeekday(3, WED)),
        ("3rd wednesday", OrdinalWeekday(3, WED)),
        ("fourth thursday", OrdinalWeekday(4, THU)),
        ("4th thursday", OrdinalWeekday(4, THU)),
        ("  Last   Friday ", OrdinalWeekday(-1, FRI)),
        ("15", MonthDay(15)),
        (15, MonthDay(15)),
        (31, MonthDay(31)),
        ("first working day", WorkingDay(1)),
        ("last working day", WorkingDay(-1)),
        ("2nd working day", WorkingDay(2)),
        ("5th working day", WorkingDay(5)),
        ("11th working day", WorkingDay(11)),
        ("20th working day", WorkingDay(20)),
    ],
)
def test_parse_day(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    "text",
    [0, 32, "0", "32", -1, True, 1.5, [], "", "fifth monday", "last weekday", "first", "²",
     "1" * 5000, "015", "\u0661\u0665", "\u0661st working day",
     "1th working day", "21st working day", "0th working day", "monday", "second funday"],
)  # fmt: skip
def test_parse_day_refuses_with_the_allowed_forms(text):
    with pytest.raises(RuleError, match="day"):
        parse_day(text)


def test_parse_day_message_lists_the_forms():
    with pytest.raises(RuleError) as error:
        parse_day("fortnightly")
    assert 'day "fortnightly" is not' in str(error.value)  # as written, not Python's repr
    assert "last working day" in str(error.value)


@pytest.mark.parametrize(
    "text",
    ["first monday", "last thursday", "15", "first working day", "last working day",
     "2nd working day", "3rd working day", "5th working day", "11th working day"],
)  # fmt: skip
def test_day_reads_back_from_its_own_text(text):
    assert str(parse_day(text)) == text


def rule(day: str, roll: Roll = Roll.FOLLOWING, region: str = "england-and-wales") -> MonthlyRule:
    return MonthlyRule(tuple(range(1, 13)), parse_day(day), roll, region)


@pytest.mark.parametrize(
    ("day", "roll", "region", "year", "month", "expected"),
    [
        # Thursdays of May 2014: 1, 8, 15, 22, 29.
        ("fourth thursday", Roll.FOLLOWING, "england-and-wales", 2014, 5, D(2014, 5, 22)),
        ("last thursday", Roll.FOLLOWING, "england-and-wales", 2014, 5, D(2014, 5, 29)),
        ("first thursday", Roll.FOLLOWING, "england-and-wales", 2014, 5, D(2014, 5, 1)),
        # Ordinal weekdays count calendar weekdays: Mondays of May 2014 are 5 (bank
        # holiday), 12, 19, 26 (bank holiday); the second is the 12th, not the 19th.
        ("second monday", Roll.FOLLOWING, "england-and-wales", 2014, 5, D(2014, 5, 12)),
        ("first monday", Roll.FOLLOWING, "england-and-wales", 2014, 5, D(2014, 5, 6)),
        ("first monday", Roll.PRECEDING, "england-and-wales", 2014, 5, D(2014, 5, 2)),
        ("last monday", Roll.FOLLOWING, "england-and-wales", 2014, 5, D(2014, 5, 27)),
        ("last monday", Roll.MODIFIED_PRECEDING, "england-and-wales", 2014, 5, D(2014, 5, 23)),
        # August 2014: England's holiday is the last Monday, Scotland's the first.
        ("last monday", Roll.FOLLOWING, "england-and-wales", 2014, 8, D(2014, 8, 26)),
        ("last monday", Roll.FOLLOWING, "scotland", 2014, 8, D(2014, 8, 25)),
        ("first monday", Roll.FOLLOWING, "scotland", 2014, 8, D(2014, 8, 5)),
        ("first monday", Roll.FOLLOWING, "england-and-wales", 2014, 8, D(2014, 8, 4)),
        ("first monday", Roll.FOLLOWING, "great-britain", 2014, 8, D(2014, 8, 5)),
        # Northern Ireland: St Patrick's Day 2014 and the Boyne observed Monday 14 July.
        ("third monday", Roll.FOLLOWING, "northern-ireland", 2014, 3, D(2014, 3, 18)),
        ("third monday", Roll.FOLLOWING, "england-and-wales", 2014, 3, D(2014, 3, 17)),
        ("second monday", Roll.FOLLOWING, "northern-ireland", 2014, 7, D(2014, 7, 15)),
        ("second monday", Roll.FOLLOWING, "united-kingdom", 2014, 7, D(2014, 7, 15)),
        # Day of the month; beyond the month's end it is the last day (Sat 28 Feb 2015).
        ("30", Roll.FOLLOWING, "england-and-wales", 2014, 4, D(2014, 4, 30)),
        ("31", Roll.FOLLOWING, "england-and-wales", 2015, 2, D(2015, 3, 2)),
        ("31", Roll.MODIFIED_FOLLOWING, "england-and-wales", 2015, 2, D(2015, 2, 27)),
        ("31", Roll.FOLLOWING, "england-and-wales", 2016, 2, D(2016, 2, 29)),
        ("25", Roll.FOLLOWING, "england-and-wales", 2014, 12, D(2014, 12, 29)),
        ("25", Roll.PRECEDING, "england-and-wales", 2014, 12, D(2014, 12, 24)),
        ("1", Roll.MODIFIED_PRECEDING, "england-and-wales", 2021, 1, D(2021, 1, 4)),
        ("1", Roll.MODIFIED_PRECEDING, "scotland", 2021, 1, D(2021, 1, 5)),
        # Sat 31 Mar 2018, then Easter Sunday and Monday; Good Friday was 30 March.
        ("31", Roll.FOLLOWING, "england-and-wales", 2018, 3, D(2018, 4, 3)),
        ("31", Roll.MODIFIED_FOLLOWING, "england-and-wales", 2018, 3, D(2018, 3, 29)),
        ("31", Roll.MODIFIED_FOLLOWING, "scotland", 2018, 3, D(2018, 3, 29)),
        # Working days, which need no roll.
        ("first working day", Roll.FOLLOWING, "england-and-wales", 2015, 1, D(2015, 1, 2)),
        ("first working day", Roll.FOLLOWING, "scotland", 2015, 1, D(2015, 1, 5)),
        ("first working day", Roll.FOLLOWING, "england-and-wales", 2014, 9, D(2014, 9, 1)),
        ("last working day", Roll.FOLLOWING, "england-and-wales", 2014, 12, D(2014, 12, 31)),
        ("last working day", Roll.FOLLOWING, "england-and-wales", 2014, 5, D(2014, 5, 30)),
        ("last working day", Roll.FOLLOWING, "england-and-wales", 2020, 8, D(2020, 8, 28)),
        ("last working day", Roll.FOLLOWING, "scotland", 2020, 8, D(2020, 8, 31)),
        # May 2014: 1, 2, (5 holiday), 6, 7, 8.
        ("5th working day", Roll.FOLLOWING, "england-and-wales", 2014, 5, D(2014, 5, 8)),
        ("5th working day", Roll.FOLLOWING, "england-and-wales", 2014, 4, D(2014, 4, 7)),
        # February 2015 has exactly 20 working days, the last on Friday the 27th.
        ("20th working day", Roll.FOLLOWING, "england-and-wales", 2015, 2, D(2015, 2, 27)),
        # December 2018 has 19 (Christmas on Tuesday and Wednesday); April 2000 has 18
        # (Easter inside it, starting on a Saturday): past the last, the last working day.
        ("19th working day", Roll.FOLLOWING, "england-and-wales", 2018, 12, D(2018, 12, 31)),
        ("20th working day", Roll.FOLLOWING, "england-and-wales", 2018, 12, D(2018, 12, 31)),
        ("18th working day", Roll.FOLLOWING, "england-and-wales", 2000, 4, D(2000, 4, 28)),
        ("20th working day", Roll.FOLLOWING, "england-and-wales", 2000, 4, D(2000, 4, 28)),
        # One-off bank holidays. VE Day 2020 moved the early May holiday to Friday 8th.
        ("second friday", Roll.FOLLOWING, "england-and-wales", 2020, 5, D(2020, 5, 11)),
        ("first monday", Roll.FOLLOWING, "england-and-wales", 2020, 5, D(2020, 5, 4)),
        ("3rd working day", Roll.FOLLOWING, "england-and-wales", 2020, 5, D(2020, 5, 5)),
        # Platinum Jubilee 2022: Thursday 2 and Friday 3 June.
        ("first thursday", Roll.FOLLOWING, "england-and-wales", 2022, 6, D(2022, 6, 6)),
        ("first working day", Roll.FOLLOWING, "england-and-wales", 2022, 6, D(2022, 6, 1)),
        ("2nd working day", Roll.FOLLOWING, "england-and-wales", 2022, 6, D(2022, 6, 6)),
        # State Funeral, Monday 19 September 2022, in every nation.
        ("third monday", Roll.FOLLOWING, "england-and-wales", 2022, 9, D(2022, 9, 20)),
        ("third monday", Roll.PRECEDING, "northern-ireland", 2022, 9, D(2022, 9, 16)),
        ("13th working day", Roll.FOLLOWING, "scotland", 2022, 9, D(2022, 9, 20)),
        # Coronation, Monday 8 May 2023, after the early May holiday on the 1st.
        ("second monday", Roll.FOLLOWING, "england-and-wales", 2023, 5, D(2023, 5, 9)),
        ("first monday", Roll.FOLLOWING, "england-and-wales", 2023, 5, D(2023, 5, 2)),
        ("3rd working day", Roll.FOLLOWING, "great-britain", 2023, 5, D(2023, 5, 4)),
    ],
)
def test_rule_date(day, roll, region, year, month, expected):
    assert rule_date(rule(day, roll, region), year, month) == expected
