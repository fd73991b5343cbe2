"""learn: a programme proposed from past release dates, checked against rules worked out by
hand, then loaded and built like any other."""

import csv
import datetime as dt
import io

import pytest
from helpers import run_cli

from calendar_gen.domain.model import Frequency
from calendar_gen.domain.workdays import Roll
from calendar_gen.programme.learning import Series, propose

# The Home Office's quarterly immigration statistics, 2013 to 2015.
IMMIGRATION = ["2013-05-23", "2013-08-29", "2013-11-28", "2014-02-27", "2014-05-22",
               "2014-08-28", "2014-11-27", "2015-02-26", "2015-05-21", "2015-08-27"]  # fmt: skip


def _csv(path, dates, pub_id="series", title="A series"):
    path.write_text("id,title,date\n" + "".join(f"{pub_id},{title},{d}\n" for d in dates))
    return path


def test_the_immigration_dates_are_the_fourth_thursday_but_two(tmp_path):
    # Fourth Thursdays: 23 May 2013, 22 Aug 2013 (not the 29th, the fifth), 28 Nov, 27 Feb,
    # 22 May 2014, 28 Aug, 27 Nov, 26 Feb 2015, 28 May 2015 (not the 21st, the third), 27 Aug:
    # 8 of 10. The last Thursday gives 7 (not 23 May 2013, 22 May 2014 or 21 May 2015).
    _csv(tmp_path / "past.csv", IMMIGRATION, "immigration-statistics", "Immigration statistics")
    result = run_cli("learn", "past.csv", "--as-of", "2015-09-01", "--organisation",
                     "Home Office", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        'immigration-statistics: quarterly, "fourth thursday" in Feb, May, Aug, Nov: gives 8 '
        "of its 10 past dates"
    )
    topic = (tmp_path / "schedules" / "statistics.toml").read_text()
    assert (
        "#   Thursday 29 August 2013 (it gives Thursday 22 August 2013)\n"
        "#   Thursday 21 May 2015 (it gives Thursday 28 May 2015)\n"
    ) in topic
    assert 'months = [2, 5, 8, 11]\nday = "fourth thursday"\n' in topic
    # What it writes is a programme: checked, and built, at once.
    assert run_cli("check", cwd=tmp_path).returncode == 0
    built = run_cli("build", "--as-of", "2015-09-01", cwd=tmp_path)
    assert built.returncode == 0, built.stderr


def _series(*days):
    return Series("s", "S", tuple(sorted(dt.date.fromisoformat(d) for d in days)))


@pytest.mark.parametrize(
    ("days", "frequency", "day", "kept"),
    [
        # Last working days: 31 May 2014 is a Saturday, 31 August a Sunday.
        (("2014-04-30", "2014-05-30", "2014-06-30", "2014-07-31", "2014-08-29"),
         Frequency.MONTHLY, "last working day", 5),
        # The 15th, rolled on: 15 February and 15 March 2014 were Saturdays, 15 June a Sunday.
        (("2014-01-15", "2014-02-17", "2014-03-17", "2014-04-15", "2014-05-15", "2014-06-16"),
         Frequency.MONTHLY, "15", 6),
        # Once a year, in July, on the first Tuesday.
        (("2012-07-03", "2013-07-02", "2014-07-01"), Frequency.ANNUAL, "first tuesday", 3),
        # The third working day: Friday 3 October 2014; Tuesday 6 January 2015 (1 January a
        # holiday); Tuesday 7 April 2015 (Good Friday and Easter Monday); Friday 3 July 2015.
        # The 3rd, rolled on, and the first Friday give 3 of the 4.
        (("2014-10-03", "2015-01-06", "2015-04-07", "2015-07-03"),
         Frequency.QUARTERLY, "3rd working day", 4),
        # Thursdays, one week on the Friday (1 May 2014 a local-election day).
        (("2014-04-03", "2014-04-10", "2014-04-17", "2014-04-24", "2014-05-02", "2014-05-08"),
         Frequency.WEEKLY, "thursday", 5),
        (("2014-04-03", "2014-04-17", "2014-05-01", "2014-05-15"),
         Frequency.FORTNIGHTLY, "thursday", 4),
        # Nothing regular: two in one month.
        (("2014-01-06", "2014-01-20", "2014-03-11", "2014-07-30"), Frequency.AD_HOC, None, 4),
    ],
)  # fmt: skip
def test_each_rule_form_is_found_from_its_dates(days, frequency, day, kept):
    proposal = propose(_series(*days), "england-and-wales", Roll.FOLLOWING)
    assert (proposal.frequency, proposal.day, proposal.kept) == (frequency, day, kept)


def test_a_calendar_of_past_releases_is_grouped_by_title(tmp_path):
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{n}@x\r\nDTSTAMP:20150101T000000Z\r\nDTSTART;VALUE=DATE:{day}\r\n"
        f"SUMMARY:{title}\r\nEND:VEVENT\r\n"
        for n, (title, day) in enumerate(
            [("Crime", "20140424"), ("Crime", "20140724"), ("Crime", "20141023"),
             ("Crime", "20150122"), ("Police", "20140710"), ("Police", "20150115")]
        )
    )  # fmt: skip
    (tmp_path / "past.ics").write_text(
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{events}END:VCALENDAR\r\n"
    )
    result = run_cli("learn", "past.ics", "--as-of", "2015-03-01", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Fourth Thursdays of January, April, July, October.
    assert (
        lines[0]
        == 'crime: quarterly, "fourth thursday" in Jan, Apr, Jul, Oct: gives 4 of its 4 past dates'
    )
    assert lines[1] == "police: ad hoc: no rule fits its 2 past dates"
    assert run_cli("check", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("when,what\n2014-01-01,x\n", "write a CSV with a header line: id,title,date"),
        ("id,title,date\na,A,1 May 2014\n", "line 2: date '1 May 2014' is not a date"),
        ("id,title,date\n", "write a CSV with a header line"),
    ],
)
def test_past_dates_that_cannot_be_read_are_named(tmp_path, text, said):
    (tmp_path / "past.csv").write_text(text)
    result = run_cli("learn", "past.csv", "--as-of", "2015-03-01", cwd=tmp_path)
    assert result.returncode == 2 and said in result.stderr
    assert not (tmp_path / "schedules").exists()


def test_learn_never_writes_over_a_programme(tmp_path):
    _csv(tmp_path / "past.csv", IMMIGRATION)
    assert run_cli("init", "--as-of", "2015-03-01", cwd=tmp_path).returncode == 0
    before = (tmp_path / "schedules" / "statistics.toml").read_text()
    result = run_cli("learn", "past.csv", "--as-of", "2015-09-01", cwd=tmp_path)
    assert result.returncode == 2 and "already there" in result.stderr
    assert (tmp_path / "schedules" / "statistics.toml").read_text() == before


def test_more_dates_than_learn_reads_are_refused_not_dropped(tmp_path, monkeypatch):
    from calendar_gen.programme import learning

    monkeypatch.setattr(learning, "MAX_DATES", 3)
    _csv(tmp_path / "past.csv", IMMIGRATION[:4])
    result = run_cli("learn", "past.csv", "--as-of", "2015-09-01", cwd=tmp_path)
    assert result.returncode == 2
    assert "past.csv: 4 dates, more than the 3 learn reads from one file" in result.stderr


# The same dates as GOV.UK's Search API gives them: the Home Office's quarterly immigration
# statistics (their dates as in IMMIGRATION), half as published documents (public_timestamp)
# and half as announcements (release_timestamp). 09:30 in London is 08:30Z in summer time
# (May, August) and 09:30Z in winter (November, February).
QUARTERS = {5: "January to March", 8: "April to June", 11: "July to September",
            2: "October to December"}  # fmt: skip
STAMPS = ["2013-05-23T08:30:00.000Z", "2013-08-29T08:30:00.000Z", "2013-11-28T09:30:00.000Z",
          "2014-02-27T09:30:00.000Z", "2014-05-22T08:30:00.000Z", "2014-08-28T08:30:00.000Z",
          "2014-11-27T09:30:00.000Z", "2015-02-26T09:30:00.000Z", "2015-05-21T08:30:00.000Z",
          "2015-08-27T08:30:00.000Z"]  # fmt: skip


def _searched(stamp, n):
    year, month = int(stamp[:4]), int(stamp[5:7])
    title = f"Immigration statistics, {QUARTERS[month]} {year - (month == 2)}"
    if n % 2:
        return {"title": title, "link": "/government/statistics/x", "public_timestamp": stamp,
                "format": "official_statistics"}  # fmt: skip
    return {"title": title, "link": "/government/statistics/announcements/x",
            "release_timestamp": stamp, "statistics_announcement_state": "confirmed",
            "display_date": ""}  # fmt: skip


def test_learn_reads_saved_search_api_answers(tmp_path):
    import json

    results = [_searched(stamp, n) for n, stamp in enumerate(STAMPS)]
    # Neither a cancelled release nor one given only to the month names a day it came out.
    results += [
        {"title": "Immigration statistics, special release 2014", "link": "/x",
         "release_timestamp": "2014-06-12T08:30:00Z", "statistics_announcement_state": "cancelled"},
        {"title": "Immigration statistics, dropped 2014", "link": "/z",
         "statistics_announcement_state": "cancelled"},  # no day at all
        {"title": "Immigration statistics: July to September 2014", "link": "/y",
         "release_timestamp": "2014-11-01T09:30:00Z", "display_date": "November 2014",
         "statistics_announcement_state": "provisional"},
    ]  # fmt: skip
    pages = [{"results": results[:6], "total": 13, "start": 0},
             {"results": results[6:], "total": 13, "start": 6}]  # fmt: skip
    (tmp_path / "past.json").write_text(json.dumps(pages))
    result = run_cli("learn", "past.json", "--as-of", "2015-09-01", "--organisation",
                     "Home Office", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    # As from the CSV of the same dates: the title's period left out, the same series.
    assert result.stdout.splitlines()[0] == (
        'immigration-statistics: quarterly, "fourth thursday" in Feb, May, Aug, Nov: gives 8 '
        "of its 10 past dates"
    )
    assert run_cli("build", "--as-of", "2015-09-01", cwd=tmp_path).returncode == 0


def test_a_publication_revised_since_counts_on_the_day_it_first_came_out(tmp_path):
    import json

    # whitehall's public_timestamp is a later edition's major change (app/models/edition.rb,
    # set_public_timestamp); first_published_at, a Search API field, is the first day
    # (search-api config/schema/field_definitions.json). Each publication here was revised
    # on 3 March of the year after, a day no rule of the others gives.
    results = []
    for n, stamp in enumerate(STAMPS):
        item = _searched(stamp, n)
        if "public_timestamp" in item:
            item["first_published_at"] = stamp
            item["public_timestamp"] = f"{int(stamp[:4]) + 1}-03-03T12:00:00.000Z"
            item["release_timestamp"] = None  # asked for, and none: the others are read
        results.append(item)
    (tmp_path / "past.json").write_text(json.dumps({"results": results, "total": 10}))
    result = run_cli("learn", "past.json", "--as-of", "2017-01-01", "--organisation",
                     "Home Office", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        'immigration-statistics: quarterly, "fourth thursday" in Feb, May, Aug, Nov: gives 8 '
        "of its 10 past dates"
    )


def test_a_broken_search_api_answer_is_a_plain_error(tmp_path):
    (tmp_path / "past.json").write_text('{"results": [{"title": "X", "public_timestamp": "soon"}]}')
    result = run_cli("learn", "past.json", "--as-of", "2015-09-01", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("past.json: is not an answer of the GOV.UK Search API")
    assert 'has public_timestamp "soon", not a time with its offset' in result.stderr


# Without --holidays, learn tries every nation's bank holidays and every roll; a tie goes to
# England and Wales and "following", what programme.toml says when nothing is written.
@pytest.mark.parametrize(
    ("days", "day", "roll", "region", "kept"),
    [
        # First working days in Scotland, where 2 January is a bank holiday: Monday 5 January
        # 2015 (Thursday 1 and Friday 2 closed), Monday 2 February, Monday 2 March, Wednesday
        # 1 April, Friday 1 May, Monday 1 June, and Tuesday 5 January 2016 (2 January a
        # Saturday, so Monday 4 January closed in its stead). In England and Wales the first
        # working days of those Januaries are Friday 2 January 2015 and Monday 4 January
        # 2016: 5 of 7. Great Britain's holidays give all 7 too; Scotland's come first.
        (("2015-01-05", "2015-02-02", "2015-03-02", "2015-04-01", "2015-05-01", "2015-06-01",
          "2016-01-05"), "first working day", Roll.FOLLOWING, "scotland", 7),
        # The 15th, rolled back: Saturday 15 November 2014 to Friday 14 November, Sunday 15
        # February 2015 to Friday 13 February, Sunday 15 March 2015 to Friday 13 March.
        # Rolled on they would be Monday 17 November, 16 February and 16 March: 3 of 6.
        (("2014-11-14", "2014-12-15", "2015-01-15", "2015-02-13", "2015-03-13", "2015-04-15"),
         "15", Roll.PRECEDING, "england-and-wales", 6),
        # Nothing to choose between: the usual ones.
        (("2014-01-15", "2014-02-17", "2014-03-17", "2014-04-15", "2014-05-15", "2014-06-16"),
         "15", Roll.FOLLOWING, "england-and-wales", 6),
    ],
)  # fmt: skip
def test_the_roll_and_the_nation_that_explain_the_dates_best_are_found(days, day, roll, region,
                                                                        kept):  # fmt: skip
    proposal = propose(_series(*days))
    assert (proposal.day, proposal.roll, proposal.region, proposal.kept) == (day, roll, region,
                                                                              kept)  # fmt: skip


def test_a_learned_scottish_series_builds_on_the_days_it_came_out(tmp_path):
    days = ["2015-01-05", "2015-02-02", "2015-03-02", "2015-04-01", "2015-05-01",
            "2015-06-01", "2016-01-05"]  # fmt: skip
    _csv(tmp_path / "past.csv", days, "scottish-series", "A Scottish series")
    result = run_cli("learn", "past.csv", "--as-of", "2016-02-01", "--period", "2016",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        'scottish-series: monthly, "first working day" in Jan, Feb, Mar, Apr, May, Jun, '
        "scotland holidays: gives 7 of its 7 past dates"
    )
    topic = (tmp_path / "schedules" / "statistics.toml").read_text()
    assert 'day = "first working day"\nholidays = "scotland"\n' in topic
    # 2016 in Scotland: Tuesday 5 January (as above), Monday 1 February, Tuesday 1 March,
    # Friday 1 April, Tuesday 3 May (Sunday 1 May, and Monday 2 May the Early May bank
    # holiday), Wednesday 1 June.
    listed = run_cli("list", "--as-of", "2016-02-01", "--format", "csv", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [row["date"] for row in rows] == ["2016-01-05", "2016-02-01", "2016-03-01",
                                             "2016-04-01", "2016-05-03", "2016-06-01"]  # fmt: skip
