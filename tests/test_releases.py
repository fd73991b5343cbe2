"""Expanding a programme into releases: counts, period boundaries, suspensions and UIDs."""

import datetime as dt

import pytest
from helpers import PROGRAMME, SHIPPED, write_schedules

from calendar_gen.domain.history import ReleaseKey
from calendar_gen.domain.model import Period, Precision, Status
from calendar_gen.domain.releases import calendar, expand, suspensions
from calendar_gen.programme.schedule import load_programme

D = dt.date


def publication(frequency: str, months: str, day: str, extra: str = "") -> str:
    return (
        f'topic = "T"\n[[publication]]\nid = "p"\ntitle = "P"\n'
        f'designation = "Official Statistics"\nfrequency = "{frequency}"\n{months}\n'
        f'day = "{day}"\n{extra}'
    )


@pytest.mark.parametrize(
    ("frequency", "months", "count"),
    [
        ("monthly", "", 12),
        ("monthly", "months = [1,2,3,4,5,6,7,8,9,10,11,12]", 12),
        ("quarterly", "months = [3, 6, 9, 12]", 4),
        ("bi-annual", "months = [1, 7]", 2),
        ("annual", "months = [10]", 1),
    ],
)
@pytest.mark.parametrize("period", ["2014/15", "2015"])
def test_each_frequency_gets_its_count_in_every_period(tmp_path, frequency, months, count, period):
    folder = write_schedules(tmp_path, {"t": publication(frequency, months, "15")})
    releases = expand(load_programme(folder), Period.parse(period))
    assert len(releases) == count
    assert len({r.uid for r in releases}) == count


def test_financial_year_runs_april_to_march(tmp_path):
    folder = write_schedules(tmp_path, {"t": publication("quarterly", "months = [3,6,9,12]", "1")})
    releases = expand(load_programme(folder))
    # 1 Jun 2014 is a Sunday; 1 Mar 2015 a Sunday too: both roll to Monday.
    assert [r.date for r in releases] == [
        D(2014, 6, 2),
        D(2014, 9, 1),
        D(2014, 12, 1),
        D(2015, 3, 2),
    ]
    assert [r.scheduled for r in releases] == [(2014, 6), (2014, 9), (2014, 12), (2015, 3)]


def test_release_belongs_to_the_period_of_its_scheduled_month(tmp_path):
    # Saturday 31 March 2018 rolls past Easter to Tuesday 3 April: still a 2017/18 release.
    folder = write_schedules(tmp_path, {"t": publication("annual", "months = [3]", "31")})
    programme = load_programme(folder)
    (release,) = expand(programme, Period.parse("2017/18"))
    assert (release.date, release.scheduled) == (D(2018, 4, 3), (2018, 3))
    assert release.uid == "p-2018-03@test-office"
    assert [r.scheduled for r in expand(programme, Period.parse("2018/19"))] == [(2019, 3)]


def test_calendar_year_period(tmp_path):
    folder = write_schedules(tmp_path, {"t": publication("bi-annual", "months = [1, 7]", "1")})
    releases = expand(load_programme(folder), Period.parse("2015"))
    # 1 January 2015 is a bank holiday (Thursday); 1 July 2015 a Wednesday.
    assert [r.date for r in releases] == [D(2015, 1, 2), D(2015, 7, 1)]


def test_start_is_the_release_time_in_uk_time(tmp_path):
    text = publication("bi-annual", "months = [1, 7]", "first working day", 'time = "07:00"')
    releases = expand(load_programme(write_schedules(tmp_path, {"t": text})))
    # 1 July 2014 (BST) and 2 January 2015 (GMT).
    assert [r.start.isoformat() for r in releases] == [
        "2014-07-01T07:00:00+01:00",
        "2015-01-02T07:00:00+00:00",
    ]


def test_status_follows_the_notice_period(tmp_path):
    folder = write_schedules(tmp_path, {"t": publication("monthly", "", "15")})
    releases = expand(load_programme(folder), as_of=D(2014, 5, 1))
    # Up to 29 May 2014 is confirmed: 15 April, 15 May; Sunday 15 June rolls to the 16th.
    assert [r.status for r in releases[:3]] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.PROVISIONAL,
    ]
    assert all(r.status == Status.PROVISIONAL for r in expand(load_programme(folder)))


def test_suspension_removes_only_its_period(tmp_path):
    text = publication(
        "annual", "months = [10]", "last thursday",
        '[[publication.suspended]]\nperiod = "2014/15"\nreason = "collection paused"\n',
    )  # fmt: skip
    programme = load_programme(write_schedules(tmp_path, {"t": text}))
    assert expand(programme) == []
    ((pub, suspension),) = suspensions(programme)
    assert (pub.id, suspension.reason) == ("p", "collection paused")
    # Thursdays of October 2015: 1, 8, 15, 22, 29.
    (release,) = expand(programme, Period.parse("2015/16"))
    assert release.date == D(2015, 10, 29)
    assert suspensions(programme, Period.parse("2015/16")) == []


def test_uid_depends_only_on_id_and_scheduled_month(tmp_path):
    first = write_schedules(tmp_path / "a", {"t": publication("annual", "months = [5]", "1")})
    moved = publication("annual", "months = [5]", "20").replace('title = "P"', 'title = "New"')
    second = write_schedules(tmp_path / "b", {"t": moved})
    (a,) = expand(load_programme(first))
    (b,) = expand(load_programme(second))
    assert a.date != b.date
    assert a.uid == b.uid == "p-2014-05@test-office"


def test_the_calendar_keeps_every_announced_release_and_no_unannounced_past(tmp_path):
    topic = publication("bi-annual", "months = [1, 7]", "1")
    programme = PROGRAMME.replace('"2014/15"', '"2016/17"')
    folder = write_schedules(tmp_path, {"t": topic}, programme)
    (folder / "announcements.toml").write_text(
        '[[release]]\nid = "p"\nmonth = "2014-07"\ndate = 2014-07-01\nconfirmed = 2014-06-03\n'
    )
    # From April 2016 to May 2017 (twelve months after 1 May 2016), and the one announced
    # in 2014. Sunday 1 January 2017 rolls past the Monday bank holiday to Tuesday the 3rd.
    releases = calendar(load_programme(folder), D(2016, 5, 1))
    assert [(r.uid, r.date) for r in releases] == [
        ("p-2014-07@test-office", D(2014, 7, 1)),
        ("p-2016-07@test-office", D(2016, 7, 1)),
        ("p-2017-01@test-office", D(2017, 1, 3)),
    ]


def test_uid_domain_can_be_set(tmp_path):
    programme = PROGRAMME + 'uid_domain = "stats.example.gov.uk"\n'
    folder = write_schedules(tmp_path, {"t": publication("annual", "months = [5]", "1")}, programme)
    assert expand(load_programme(folder))[0].uid == "p-2014-05@stats.example.gov.uk"


def test_releases_come_in_date_order(tmp_path):
    folder = write_schedules(tmp_path)
    releases = expand(load_programme(folder))
    assert [r.start for r in releases] == sorted(r.start for r in releases)


# The shipped programme, worked out by hand from each publication's rule, the one recorded
# move aside. First weekdays of 2014/15's months: 1 April 2014 a Tuesday, May Thursday, June
# Sunday, July Tuesday, August Friday, September Monday, October Wednesday, November
# Saturday, December Monday; 1 January 2015 a Thursday (New Year's Day, still counted),
# February Sunday, March Sunday. No date below falls on a bank holiday, so none rolls.
SHIPPED_2014_15 = {
    # Fourth Thursday of February, May, August and November.
    "immigration-statistics": [D(2014, 5, 22), D(2014, 8, 28), D(2014, 11, 27), D(2015, 2, 26)],
    # Second Tuesday of every month.
    "asylum-statistics": [
        D(2014, 4, 8), D(2014, 5, 13), D(2014, 6, 10), D(2014, 7, 8), D(2014, 8, 12),
        D(2014, 9, 9), D(2014, 10, 14), D(2014, 11, 11), D(2014, 12, 9), D(2015, 1, 13),
        D(2015, 2, 10), D(2015, 3, 10),
    ],
    # Second Wednesday of every month.
    "children-entering-detention": [
        D(2014, 4, 9), D(2014, 5, 14), D(2014, 6, 11), D(2014, 7, 9), D(2014, 8, 13),
        D(2014, 9, 10), D(2014, 10, 8), D(2014, 11, 12), D(2014, 12, 10), D(2015, 1, 14),
        D(2015, 2, 11), D(2015, 3, 11),
    ],
    "crime-outcomes": [D(2014, 7, 17)],  # third Thursday of July: 3, 10, 17
    "drug-misuse": [D(2014, 7, 24)],  # fourth Thursday of July (the last is the 31st)
    "crimes-against-businesses": [D(2014, 8, 7)],  # first Thursday of August
    "hate-crimes": [D(2014, 10, 16)],  # third Thursday of October: 2, 9, 16
    # Third Wednesday of January, April, July and October.
    "recorded-crime-open-data": [D(2014, 4, 16), D(2014, 7, 16), D(2014, 10, 15), D(2015, 1, 21)],
    "police-powers-and-procedures": [D(2014, 4, 3)],  # first Thursday of April
    "police-workforce": [D(2014, 7, 17), D(2015, 1, 15)],  # third Thursday of July, January
    "drug-seizures": [D(2014, 10, 30)],  # last Thursday of October, its fifth
    "firearm-certificates": [D(2014, 8, 21)],  # third Thursday of August: 7, 14, 21
    # First Thursday of March, June, September and December; the record moves September's,
    # Thursday 4 September 2014, to Thursday 28 August.
    "terrorism-act-quarterly": [D(2014, 6, 5), D(2014, 8, 28), D(2014, 12, 4), D(2015, 3, 5)],
    "scientific-procedures-on-animals": [D(2014, 7, 10)],  # second Thursday of July
    "alcohol-licensing": [D(2014, 12, 11)],  # second Thursday of December: 4, 11
}  # fmt: skip


def test_every_shipped_publication_is_worked_out():
    assert sorted(SHIPPED_2014_15) == sorted(p.id for p in load_programme(SHIPPED).publications)


@pytest.mark.parametrize(("pub_id", "dates"), SHIPPED_2014_15.items())
def test_shipped_programme_dates(pub_id, dates):
    releases = expand(load_programme(SHIPPED))
    assert [r.date for r in releases if r.publication.id == pub_id] == dates


def test_shipped_rules_alone_give_the_habit_and_the_record_the_move(shipped_rules):
    rules = {p: [r.date for r in expand(load_programme(shipped_rules)) if r.publication.id == p]
             for p in SHIPPED_2014_15}  # fmt: skip
    moved = [D(2014, 6, 5), D(2014, 9, 4), D(2014, 12, 4), D(2015, 3, 5)]
    assert rules == {**SHIPPED_2014_15, "terrorism-act-quarterly": moved}


def test_shipped_animals_statistics_come_out_at_ten():
    (release,) = [r for r in expand(load_programme(SHIPPED))
                  if r.publication.id == "scientific-procedures-on-animals"]  # fmt: skip
    assert release.start.isoformat() == "2014-07-10T10:00:00+01:00"
    assert "UK Statistics Authority" in release.publication.time_reason


def test_shipped_alcohol_licensing_skips_2015_16_and_comes_back_in_2016_17(shipped_schedules):
    # The collection dropped is the year to 31 March 2015, whose release would come in
    # December 2015; the next, December 2016: Thursday 1 December, so the second is the 8th.
    programme = shipped_schedules / "programme.toml"
    programme.write_text(programme.read_text().replace("ends = 2015-03-31\n", ""))
    loaded = load_programme(shipped_schedules)
    alcohol = {
        period: [r.date for r in expand(loaded, Period.parse(period))
                 if r.publication.id == "alcohol-licensing"]
        for period in ("2015/16", "2016/17")
    }  # fmt: skip
    assert alcohol == {"2015/16": [], "2016/17": [D(2016, 12, 8)]}
    ((pub, suspension),) = suspensions(loaded, Period.parse("2015/16"))
    assert pub.id == "alcohol-licensing"
    assert "year to 31 March 2015" in suspension.reason


def test_the_shipped_programme_ends_with_its_year():
    assert expand(load_programme(SHIPPED), Period.parse("2015/16")) == []


# The new habits, worked out by hand on the 2026-27 calendar. Bank holidays in England:
# Good Friday 26 March and Easter Monday 29 March 2027, early May Monday 3 May, spring
# Monday 31 May; Christmas 2026 on Friday 25 and Boxing Day moved to Monday 28 December.
WEEKLY = 'frequency = "weekly"\nday = "Monday"\n'
FORTNIGHTLY = 'frequency = "fortnightly"\nday = "thursday"\nfrom = 2026-12-17\n'
AD_HOC = 'frequency = "ad hoc"\ndates = [2027-05-03, 2027-11-04]\n'
NO_AUGUST = (
    'frequency = "monthly"\nday = "second tuesday"\nmonths = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12]\n'
)


def habit(tmp_path, lines: str, period: str = "2027") -> list:
    topic = (
        'topic = "T"\n[[publication]]\nid = "p"\ntitle = "P"\n'
        f'designation = "official statistics"\n{lines}'
    )
    programme = PROGRAMME.replace('"2014/15"', f'"{period}"')
    return expand(load_programme(write_schedules(tmp_path, {"t": topic}, programme)))


def test_weekly_across_bank_holidays_keeps_one_uid_a_week(tmp_path):
    releases = habit(tmp_path, WEEKLY)
    assert len(releases) == 52  # the Mondays of 2027: 4 January to 27 December
    spring = [(r.uid, r.date) for r in releases if D(2027, 3, 20) <= r.date <= D(2027, 6, 2)]
    # Mondays 22 March to 31 May; Easter, early May and spring bank holidays roll to Tuesday.
    assert spring == [
        ("p-2027-W12@test-office", D(2027, 3, 22)),
        ("p-2027-W13@test-office", D(2027, 3, 30)),
        ("p-2027-W14@test-office", D(2027, 4, 5)),
        ("p-2027-W15@test-office", D(2027, 4, 12)),
        ("p-2027-W16@test-office", D(2027, 4, 19)),
        ("p-2027-W17@test-office", D(2027, 4, 26)),
        ("p-2027-W18@test-office", D(2027, 5, 4)),
        ("p-2027-W19@test-office", D(2027, 5, 10)),
        ("p-2027-W20@test-office", D(2027, 5, 17)),
        ("p-2027-W21@test-office", D(2027, 5, 24)),
        ("p-2027-W22@test-office", D(2027, 6, 1)),
    ]


def test_fortnightly_across_the_year_end(tmp_path):
    releases = habit(tmp_path / "a", FORTNIGHTLY, "2026") + habit(tmp_path / "b", FORTNIGHTLY)
    around = [(r.uid, r.date) for r in releases if D(2026, 11, 30) <= r.date <= D(2027, 1, 31)]
    # Every other Thursday from 17 December (none before it): 17 and 31 December, 14 and 28
    # January; 31 December 2026 is in ISO week 53 of 2026.
    assert around == [
        ("p-2026-W51@test-office", D(2026, 12, 17)),
        ("p-2026-W53@test-office", D(2026, 12, 31)),
        ("p-2027-W02@test-office", D(2027, 1, 14)),
        ("p-2027-W04@test-office", D(2027, 1, 28)),
    ]


def test_ad_hoc_days_roll_like_any_other(tmp_path):
    releases = habit(tmp_path, AD_HOC)
    # Monday 3 May 2027 is the early May bank holiday: Tuesday the 4th.
    assert [(r.uid, r.date) for r in releases] == [
        ("p-2027-05-03@test-office", D(2027, 5, 4)),
        ("p-2027-11-04@test-office", D(2027, 11, 4)),
    ]


def test_monthly_without_august(tmp_path):
    releases = habit(tmp_path, NO_AUGUST)
    assert [r.date for r in releases] == [
        D(2027, 1, 12), D(2027, 2, 9), D(2027, 3, 9), D(2027, 4, 13), D(2027, 5, 11),
        D(2027, 6, 8), D(2027, 7, 13), D(2027, 9, 14), D(2027, 10, 12), D(2027, 11, 9),
        D(2027, 12, 14),
    ]  # fmt: skip


# Worked by hand: a month runs to its last day; two months are the day's month and the next.
PRECISIONS = [
    ("exact", D(2027, 5, 20), D(2027, 5, 20), D(2027, 5, 21), "Thursday 20 May 2027"),
    ("month", D(2027, 5, 20), D(2027, 5, 1), D(2027, 6, 1), "May 2027"),
    ("month", D(2028, 2, 29), D(2028, 2, 1), D(2028, 3, 1), "February 2028"),
    ("month", D(2027, 12, 31), D(2027, 12, 1), D(2028, 1, 1), "December 2027"),
    ("two months", D(2027, 5, 3), D(2027, 5, 1), D(2027, 7, 1), "May to June 2027"),
    ("two months", D(2027, 11, 30), D(2027, 11, 1), D(2028, 1, 1), "November to December 2027"),
    ("two months", D(2027, 12, 1), D(2027, 12, 1), D(2028, 2, 1),
     "December 2027 to January 2028"),
]  # fmt: skip


@pytest.mark.parametrize(("precision", "day", "first", "after", "said"), PRECISIONS)
def test_a_precision_announces_the_days_that_hold_the_release(precision, day, first, after, said):
    assert Precision(precision).span(day) == (first, after)
    assert Precision(precision).said(day) == said


def test_a_release_is_announced_to_the_month_only_until_it_is_confirmed(tmp_path):
    # As of 1 April 2014 the 15 May release is provisional and the 15 April one confirmed.
    topic = publication("monthly", "", "15", 'provisional = "month"\n')
    programme = load_programme(write_schedules(tmp_path, {"t": topic}))
    found = {r.date: r for r in calendar(programme, D(2014, 4, 1))}
    assert (found[D(2014, 4, 15)].status, found[D(2014, 4, 15)].precision) == (
        Status.CONFIRMED, Precision.EXACT)  # fmt: skip
    assert (found[D(2014, 5, 15)].status, found[D(2014, 5, 15)].precision) == (
        Status.PROVISIONAL, Precision.MONTH)  # fmt: skip
    assert found[D(2014, 5, 15)].announced == "May 2014"


@pytest.mark.parametrize("as_of", ["2014-04-01", "2014-09-30", "2015-03-01"])
@pytest.mark.parametrize("every", [1, 3, 7])
@pytest.mark.parametrize("folder", ["shipped_schedules", "shipped_rules"])
def test_a_calendar_of_some_keys_is_those_releases_of_the_whole(request, folder, as_of, every):
    programme = load_programme(request.getfixturevalue(folder))
    day = dt.date.fromisoformat(as_of)
    whole = calendar(programme, day)
    keys = {ReleaseKey(r.publication.id, r.scheduled) for r in whole[::every]}
    keys.add(ReleaseKey("no-such-publication", whole[0].scheduled))  # asks for nothing
    some = calendar(programme, day, only=keys)
    assert some == whole[::every]
    # From the record, and from the rules alone:
    assert any(r.announcement for r in some) is (folder == "shipped_schedules")
