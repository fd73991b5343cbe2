"""The compliance report: its figures, worked out by hand from the records, and its files."""

import datetime as dt
import json
import shutil
from html.parser import HTMLParser

import pytest
from helpers import MONTHLY, SHIPPED, run_cli, valid, write_schedules

from calendar_gen.checks.compliance import compliance
from calendar_gen.domain.history import Action
from calendar_gen.domain.model import Period
from calendar_gen.programme.schedule import load_programme

D = dt.date


@pytest.fixture(scope="module")
def shipped_figures():
    programme = load_programme(SHIPPED)
    return compliance(programme, Period.parse("2014/15"), D(2015, 4, 1))


def test_the_shipped_year_as_kept(shipped_figures):
    c = shipped_figures
    # 47 entries in the record, all confirmed and all out by 1 April 2015, each on the day
    # and at the time it was confirmed for.
    assert (c.releases, len(c.confirmations), len(c.due), c.kept) == (47, 47, 47, 47)
    # The record's confirmations were worked out as the release day less 28 days. The
    # Terrorism Act release, confirmed on 7 August for 4 September, was moved that day to
    # 28 August: by the end of the day it was confirmed for 28 August, 21 days ahead, as
    # `check` counts it.
    assert c.notice_counts() == [(21, 1), (28, 46)]
    (late,) = c.late
    assert (late.id, late.date, late.confirmed) == (
        "terrorism-act-quarterly",
        D(2014, 8, 28),
        D(2014, 8, 7),
    )
    assert c.passed == () and all(x.worked_out for x in c.confirmations)


def test_the_shipped_years_one_change_and_its_notice(shipped_figures):
    (change,) = shipped_figures.changes
    # Moved on Thursday 7 August 2014 to Thursday 28 August: three weeks' notice.
    assert (change.id, change.action, change.on, change.old, change.new) == (
        "terrorism-act-quarterly",
        Action.MOVED,
        D(2014, 8, 7),
        D(2014, 9, 4),
        D(2014, 8, 28),
    )
    assert (change.notice_days, change.reason) == (21, "reason not published")


def test_the_shipped_years_alternative_time_and_its_reason(shipped_figures):
    (time,) = shipped_figures.times
    assert (time.id, time.time) == ("scientific-procedures-on-animals", dt.time(10, 0))
    assert "laid before Parliament" in time.reason


def test_the_shipped_year_week_by_week(shipped_figures):
    weeks = dict(shipped_figures.weeks)
    # Monday 31 March 2014 (the week of 1 April) to Monday 30 March 2015: 53 weeks.
    assert (min(weeks), max(weeks), len(weeks)) == (D(2014, 3, 31), D(2015, 3, 30), 53)
    assert sum(weeks.values()) == 47
    # 8, 9 and 10 July 2014: asylum, children in detention, the animals statistics; then
    # 16 and 17 July: recorded crime open data, crime outcomes, police workforce.
    assert (weeks[D(2014, 7, 7)], weeks[D(2014, 7, 14)], weeks[D(2014, 7, 28)]) == (3, 3, 0)


def _ok(*args, cwd):
    result = run_cli(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result


def test_late_confirmations_passed_releases_and_changes_as_they_happened(tmp_path):
    write_schedules(tmp_path / "schedules")  # the second Tuesday of each month
    # 1 April: 8 April is confirmed, with 7 days' notice.
    _ok("build", "--as-of", "2014-04-01", cwd=tmp_path)
    # No build until 20 May: 13 May passed unconfirmed; 10 June is confirmed with 21 days.
    _ok("build", "--as-of", "2014-05-20", cwd=tmp_path)
    _ok("cancel", "monthly-bulletin", "2014-07-08", "--reason", "survey <paused>\nfor now",
        "--as-of", "2014-05-20", cwd=tmp_path)  # fmt: skip
    result = _ok("report", "--as-of", "2014-05-20", cwd=tmp_path)
    data = json.loads((tmp_path / "feeds" / "report-2014-15.json").read_text())
    valid(data, "report")
    confirmed = [(c["date"], c["confirmed"], c["notice_days"]) for c in data["confirmations"]]
    assert confirmed == [("2014-04-08", "2014-04-01", 7), ("2014-06-10", "2014-05-20", 21)]
    assert (data["late"], data["due"], data["kept"]) == (2, 1, 1)
    assert not any(c["worked_out"] for c in data["confirmations"])
    (passed,) = data["passed_unconfirmed"]
    assert (passed["month"], passed["date"], passed["released"]) == ("2014-05", "2014-05-13", False)
    (cancelled,) = data["changes"]
    # Cancelled on 20 May, 49 days before 8 July; the reason as the record keeps it.
    assert (cancelled["action"], cancelled["notice_days"]) == ("cancelled", 49)
    assert cancelled["reason"] == "survey <paused> for now"
    assert result.stdout.splitlines()[0] == (
        "2014/15: 12 releases, 2 confirmed; of the 1 due, 100% released on the day and time "
        "first confirmed; 1 change of plan recorded; 2 confirmed late; 1 passed without "
        "confirmation"
    )
    page = (tmp_path / "feeds" / "report-2014-15.html").read_text()
    assert "survey &lt;paused&gt; for now" in page and "<paused>" not in page


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3"):
            self.headings.append(int(tag[1]))


def test_hostile_text_stays_text_in_the_report(tmp_path):
    hostile = MONTHLY.replace(
        'title = "Monthly bulletin"',
        'title = "<script>alert(1)</script><img src=x onerror=alert(2)>"',
    )
    write_schedules(tmp_path / "schedules", {"test": hostile})
    _ok("build", "--as-of", "2014-04-01", cwd=tmp_path)
    reason = "</td></tr></table><script>x()</script>"
    _ok("move", "monthly-bulletin", "2014-04-08", "2014-04-09", "--reason", reason,
        "--as-of", "2014-04-01", cwd=tmp_path)  # fmt: skip
    _ok("report", "--as-of", "2014-04-01", cwd=tmp_path)
    page = (tmp_path / "feeds" / "report-2014-15.html").read_text()
    outline = _Outline()
    outline.feed(page)
    assert "script" not in outline.tags and "img" not in outline.tags
    assert outline.headings[0] == 1 and all(h <= 2 for h in outline.headings)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_bad_schedules_are_refused_and_nothing_is_written(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": MONTHLY.replace('"monthly"', '"montly"')})
    result = run_cli("report", "--as-of", "2014-04-01", cwd=tmp_path)
    assert result.returncode == 2
    assert 'frequency "montly" is not one of' in result.stderr
    assert not (tmp_path / "feeds").exists()


def test_a_report_of_another_period_covers_that_period(tmp_path):
    shutil.copytree(SHIPPED, tmp_path / "schedules")
    _ok("report", "--period", "2015/16", "--as-of", "2015-04-01", cwd=tmp_path)
    data = json.loads((tmp_path / "feeds" / "report-2015-16.json").read_text())
    # The record holds nothing of 2015/16: no confirmation, no change, the rules' calendar.
    assert (data["period"], data["confirmed"], data["changes"]) == ("2015/16", 0, [])
    assert data["weeks"][0]["week_of"] == "2015-03-30"


def _report(tmp_path, *args) -> dict:
    _ok("report", *args, cwd=tmp_path)
    name = "report-" + (args[args.index("--period") + 1].replace("/", "-")
                        if "--period" in args else "2014-15")  # fmt: skip
    data = json.loads((tmp_path / "feeds" / f"{name}.json").read_text())
    valid(data, "report")
    return data


def test_a_release_put_back_as_it_was_confirmed_came_out_as_confirmed(tmp_path):
    write_schedules(tmp_path / "schedules")
    _ok("build", "--as-of", "2014-04-01", cwd=tmp_path)  # 8 April confirmed
    for args in (("move", "monthly-bulletin", "2014-04-08", "2014-04-09"),
                 ("move", "monthly-bulletin", "2014-04-09", "2014-04-08"),
                 ("retime", "monthly-bulletin", "2014-04-08", "10:00"),
                 ("retime", "monthly-bulletin", "2014-04-08", "09:30")):  # fmt: skip
        _ok(*args, "--reason", "back and forth", "--as-of", "2014-04-02", cwd=tmp_path)
    data = _report(tmp_path, "--as-of", "2014-04-09")
    assert (data["due"], data["kept"], data["changed"]) == (1, 1, 4)
    retimes = [c for c in data["changes"] if c["action"] == "retimed"]
    assert [(c["time"], c["new"]) for c in retimes] == [("10:00", None), ("09:30", None)]
    # Each retime is an alternative time of one release, with its reason.
    assert [t["time"] for t in data["alternative_times"]] == ["10:00", "09:30"]


def test_a_release_moved_into_the_next_period_is_counted_in_it(tmp_path):
    write_schedules(tmp_path / "schedules")
    _ok("build", "--as-of", "2015-03-01", cwd=tmp_path)  # 10 March 2015 is confirmed
    _ok("move", "monthly-bulletin", "2015-03-10", "2015-04-02", "--reason", "late data",
        "--as-of", "2015-03-01", cwd=tmp_path)  # fmt: skip
    before, after = _report(tmp_path, "--as-of", "2015-03-01"), _report(
        tmp_path, "--period", "2015/16", "--as-of", "2015-03-01")  # fmt: skip
    # First built on 1 March 2015: March's release was the only one shown of 2014/15, and
    # it now falls on Thursday 2 April, in 2015/16, with April 2015 to March 2016's.
    assert (before["releases"], sum(w["releases"] for w in before["weeks"])) == (0, 0)
    assert after["releases"] == 13
    week = next(w for w in after["weeks"] if w["week_of"] == "2015-03-30")
    assert week["releases"] == 1
    assert [c["action"] for c in after["changes"]] == ["moved"]


def test_the_report_as_of_an_earlier_day_is_the_record_as_it_stood_then(tmp_path):
    write_schedules(tmp_path / "schedules")
    _ok("build", "--as-of", "2014-04-01", cwd=tmp_path)
    _ok("build", "--as-of", "2014-04-15", cwd=tmp_path)  # 13 May confirmed
    _ok("cancel", "monthly-bulletin", "2014-05-13", "--reason", "dropped", "--as-of",
        "2014-04-20", cwd=tmp_path)  # fmt: skip
    then = _report(tmp_path, "--as-of", "2014-04-10")
    assert ([c["date"] for c in then["confirmations"]], then["changes"]) == (["2014-04-08"], [])
    now = _report(tmp_path, "--as-of", "2014-04-20")
    assert [c["action"] for c in now["changes"]] == ["cancelled"]
    assert now["weeks"][6]["releases"] == 0  # the week of 12 May: cancelled


def test_a_release_recorded_as_out_after_its_day_passed_unconfirmed_is_still_reported(tmp_path):
    write_schedules(tmp_path / "schedules")
    _ok("build", "--as-of", "2014-04-01", cwd=tmp_path)
    _ok("build", "--as-of", "2014-05-20", cwd=tmp_path)  # 13 May passed unconfirmed
    _ok("released", "monthly-bulletin", "2014-05-13", "--url", "https://example.org/may",
        "--as-of", "2014-05-20", cwd=tmp_path)  # fmt: skip
    data = _report(tmp_path, "--as-of", "2014-05-20")
    (passed,) = data["passed_unconfirmed"]
    assert (passed["date"], passed["released"]) == ("2014-05-13", True)
    assert (len(data["changes"]), data["changed"]) == (1, 0)  # a record of what happened


def test_bidirectional_overrides_and_control_characters_cannot_turn_the_report_around(tmp_path):
    hostile = MONTHLY.replace('title = "Monthly bulletin"', 'title = "Report \\u202efdp.exe"')
    write_schedules(tmp_path / "schedules", {"test": hostile})
    _ok("build", "--as-of", "2014-04-01", cwd=tmp_path)
    _ok("move", "monthly-bulletin", "2014-04-08", "2014-04-09", "--reason", "bell\x07 esc\x1b[2J",
        "--as-of", "2014-04-01", cwd=tmp_path)  # fmt: skip
    page = _ok("report", "--as-of", "2014-04-01", cwd=tmp_path) and (
        tmp_path / "feeds" / "report-2014-15.html").read_text()  # fmt: skip
    assert "<bdi>Report \u202efdp.exe</bdi>" in page  # its direction kept to itself
    assert "\x07" not in page and "\x1b" not in page


def test_a_report_of_the_last_year_the_calendar_reaches(tmp_path):
    # 2098/99 has no following period (the calendar reaches 2098): it is no internal error.
    shutil.copytree(SHIPPED, tmp_path / "schedules")
    data = _report(tmp_path, "--period", "2098/99", "--as-of", "2015-04-01")
    assert (data["releases"], data["weeks"][0]["week_of"]) == (0, "2098-03-31")
