"""The pre-announcement lifecycle through the real command: provisional, confirmed, moved,
cancelled, and a rule change that must not move what was announced."""

import datetime as dt
import hashlib
import json
import re
import shutil
import tomllib
from zoneinfo import ZoneInfo

import icalendar
import pytest
from helpers import MONTHLY, published, run_cli, unsealed_text, write_schedules
from interop import assert_parsers_agree


def events(feed) -> dict[str, icalendar.Event]:
    """The feed's events, once every independent parser has read them the same way."""
    assert_parsers_agree(feed.read_bytes())
    calendar = icalendar.Calendar.from_ical(feed.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def listed(folder, as_of: str) -> dict[str, dict]:
    result = run_cli("list", "--format", "json", "--as-of", as_of, cwd=folder)
    assert result.returncode == 0, result.stderr
    return {r["scheduled_month"]: r for r in json.loads(result.stdout)}


def build(folder, as_of: str):
    result = run_cli("build", "--as-of", as_of, cwd=folder)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.interop
def test_lifecycle(tmp_path):
    schedules = write_schedules(tmp_path / "schedules")
    record = schedules / "announcements.toml"
    feed = tmp_path / "feeds" / "test.ics"
    may = "monthly-bulletin-2014-05@test-office"

    # 1 April + 4 weeks = 29 April: the second Tuesday of April (8th) is confirmed, May's
    # (13th) is provisional.
    build(tmp_path, "2014-04-01")
    assert record.read_text().count("[[release]]") == 1
    found = events(feed)
    # The feed reaches at least twelve months ahead: April 2014 to April 2015.
    assert len(found) == 13
    april = found["monthly-bulletin-2014-04@test-office"]
    assert (str(april["STATUS"]), str(april["SUMMARY"])) == ("CONFIRMED", "Monthly bulletin")
    assert (str(found[may]["STATUS"]), str(found[may]["SUMMARY"])) == (
        "TENTATIVE",
        "Monthly bulletin (provisional)",
    )
    rows = listed(tmp_path, "2014-04-01")
    assert (rows["2014-05"]["status"], rows["2014-05"]["title"]) == (
        "provisional",
        "Monthly bulletin",
    )

    # Time passes: by 20 April the 13 May release is inside the notice period.
    build(tmp_path, "2014-04-20")
    assert record.read_text().count("[[release]]") == 2
    assert str(events(feed)[may]["STATUS"]) == "CONFIRMED"

    # The rule changes to the third Tuesday. Announced dates stand, and the build says so;
    # provisional ones follow the rule (third Tuesday of June 2014: the 17th).
    topic = schedules / "test.toml"
    topic.write_text(MONTHLY.replace("second tuesday", "third tuesday"))
    result = build(tmp_path, "2014-04-20")
    assert (
        "monthly-bulletin 2014-05: announced for Tuesday 13 May 2014; the rule now gives "
        "Tuesday 20 May 2014. The announced date stands. To move it: calendar-gen move "
        "monthly-bulletin 2014-05-13 2014-05-20 --reason ..."
    ) in result.stderr
    rows = listed(tmp_path, "2014-04-20")
    assert [rows[m]["date"] for m in ("2014-04", "2014-05", "2014-06")] == [
        "2014-04-08",
        "2014-05-13",
        "2014-06-17",
    ]

    # Move the May release, with a reason: same UID, SEQUENCE 2 (its confirmation, then the
    # move), history in DESCRIPTION.
    moved = run_cli(
        "move", "monthly-bulletin", "2014-05-13", "2014-05-15",
        "--reason", "supplier delay", "--as-of", "2014-05-01", cwd=tmp_path,
    )  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    said = "Moved on Thursday 1 May 2014 from Tuesday 13 May 2014 to Thursday 15 May 2014"
    assert f"{said}: supplier delay" in moved.stdout
    build(tmp_path, "2014-05-01")
    event = events(feed)[may]
    assert event.decoded("DTSTART").isoformat() == "2014-05-15T09:30:00+01:00"
    assert int(event["SEQUENCE"]) == 2
    assert event.decoded("DTSTAMP").isoformat() == "2014-05-01T00:00:00+00:00"
    assert f"{said}: supplier delay" in str(event["DESCRIPTION"])
    assert len(events(feed)) == 14  # April 2014 to May 2015
    # Once the rule agrees with the moved date, there is nothing to warn about.
    topic.write_text(MONTHLY.replace("second tuesday", "15"))
    assert "warning: monthly-bulletin 2014-05" not in build(tmp_path, "2014-05-01").stderr
    topic.write_text(MONTHLY.replace("second tuesday", "third tuesday"))

    # Refusals change nothing.
    before = record.read_bytes()
    refusals = [
        (("move", "monthly-bulletin", "2014-05-15", "2014-05-20"), "Missing option '--reason'"),
        (("move", "monthly-bulletin", "2014-05-15", "2014-05-20", "--reason", " "),
         "--reason is required"),
        (("move", "monthly-bulletin", "2014-05-15", "2014-05-26", "--reason", "x"),
         "2014-05-26 (Monday 26 May 2014) is not a working day in england-and-wales: "
         "Spring Bank Holiday"),
        (("move", "monthly-bulletin", "2014-05-15", "2014-05-17", "--reason", "x"),
         "is not a working day in england-and-wales: a weekend"),
        (("move", "monthly-bulletin", "2014-05-13", "2014-05-20", "--reason", "x"),
         "'monthly-bulletin' has no release on 2014-05-13; its releases near then: "),
        (("cancel", "weather", "2014-05-15", "--reason", "x"), "'weather' is not a publication"),
        (("move", "monthly-bulletin", "2014-05-15", "2014-05-20", "--reason", "why " * 126),
         "--reason is 503 characters long; at most 500 are allowed"),
    ]  # fmt: skip
    for args, message in refusals:
        result = run_cli(*args, "--as-of", "2014-05-02", cwd=tmp_path)
        assert result.returncode == 2, args
        assert message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert record.read_bytes() == before

    # Cancel the June release: it stays in the feed, cancelled, with the reason.
    cancelled = run_cli(
        "cancel", "monthly-bulletin", "2014-06-17", "--reason", "series under review",
        "--as-of", "2014-05-02", cwd=tmp_path,
    )  # fmt: skip
    assert cancelled.returncode == 0, cancelled.stderr
    build(tmp_path, "2014-05-02")
    june = events(feed)["monthly-bulletin-2014-06@test-office"]
    assert str(june["STATUS"]) == "CANCELLED"
    assert str(june["SUMMARY"]) == "Cancelled: Monthly bulletin"
    # Shown on 10 June (the build of 1 April), 17 June (the third Tuesday, 20 April) and 16
    # June (the 15th, a Sunday, rolled on; 1 May): two new days, then the cancellation.
    assert int(june["SEQUENCE"]) == 3
    assert (
        "Cancelled on Friday 2 May 2014 (it was due on Tuesday 17 June 2014): series under review"
    ) in str(june["DESCRIPTION"])
    row = listed(tmp_path, "2014-05-02")["2014-06"]
    assert (row["status"], row["title"], row["sequence"]) == ("cancelled", "Monthly bulletin", 3)

    # The feeds rebuild byte for byte from the schedules folder alone.
    before = {p.name: p.read_bytes() for p in published(feed.parent)}
    shutil.rmtree(feed.parent)
    build(tmp_path, "2014-05-02")
    assert {p.name: p.read_bytes() for p in published(feed.parent)} == before

    # A corrupt record is refused with a clear error, and the feeds stay as they were.
    record.write_text(record.read_text().replace("2014-05-15", "2014-05-18", 1))
    result = run_cli("build", "--as-of", "2014-05-02", cwd=tmp_path)
    assert result.returncode == 2
    assert "announcements.toml: publication 'monthly-bulletin': " in result.stderr
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in published(feed.parent)} == before


def test_check_reports_code_of_practice_problems(tmp_path):
    topic = MONTHLY + (
        '\n[[publication]]\nid = "early"\ntitle = "Early"\ndesignation = "Official Statistics"\n'
        'frequency = "annual"\nmonths = [9]\nday = "first tuesday"\ntime = "07:00"\n'
    )
    write_schedules(tmp_path / "schedules", {"test": topic})
    build(tmp_path, "2014-04-20")
    # A move made 12 days before the confirmed 13 May date: inside the 4-week notice.
    run_cli("move", "monthly-bulletin", "2014-05-13", "2014-05-15", "--reason", "late data",
            "--as-of", "2014-05-01", cwd=tmp_path)  # fmt: skip
    result = run_cli("check", "--as-of", "2014-05-01", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "monthly-bulletin 2014-05: moved on Thursday 1 May 2014, 12 days before its confirmed "
        "date (Tuesday 13 May 2014), inside the 4-week notice period: late data"
    ) in result.stdout
    assert "early: released at 07:00, not the standard 09:30" in result.stdout
    # Once the moved release is out, there is nothing left to put right about it...
    later = run_cli("check", "--as-of", "2014-05-16", cwd=tmp_path)
    assert "monthly-bulletin 2014-05" not in later.stdout
    assert (
        "monthly-bulletin 2014-05"
        in run_cli("check", "--as-of", "2014-05-16", "--include-past", cwd=tmp_path).stdout
    )
    # ... and a release time with its reason stated passes, so the check can gate a pipeline.
    explained = topic.replace('time = "07:00"\n', 'time = "07:00"\ntime_reason = "approved"\n')
    (tmp_path / "schedules" / "test.toml").write_text(explained)
    passed = run_cli("check", "--as-of", "2014-05-16", cwd=tmp_path)
    assert passed.returncode == 0, passed.stdout
    assert passed.stdout.endswith("OK\n")
    assert run_cli("check", cwd=tmp_path).returncode == 0


@pytest.mark.interop
def test_a_weekly_release_keeps_its_uid_when_moved(tmp_path):
    weekly = MONTHLY.replace('frequency = "monthly"', 'frequency = "weekly"').replace(
        'day = "second tuesday"', 'day = "thursday"'
    )
    write_schedules(tmp_path / "schedules", {"test": weekly})
    build(tmp_path, "2014-04-01")
    # Thursday 10 April 2014 is in ISO week 15; it moves to the Friday.
    week = "monthly-bulletin-2014-W15@test-office"
    assert events(tmp_path / "feeds" / "test.ics")[week].decoded("DTSTART").day == 10
    moved = run_cli("move", "monthly-bulletin", "2014-04-10", "2014-04-11", "--reason", "late",
                    "--as-of", "2014-04-01", cwd=tmp_path)  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    build(tmp_path, "2014-04-01")
    event = events(tmp_path / "feeds" / "test.ics")[week]
    # Confirmed by the first build (its notice began 13 March), then moved.
    assert (event.decoded("DTSTART").day, int(event["SEQUENCE"])) == (11, 2)
    assert 'month = "2014-W15"' in (tmp_path / "schedules" / "announcements.toml").read_text()


def test_a_confirmation_is_recorded_on_the_day_the_build_ran(tmp_path):
    # The starter's bulletin comes out on the second Thursday: 11 March 2027, four weeks'
    # notice from 11 February. A build on Wednesday 10 March confirms it that day, not on
    # 11 February, when nothing was published.
    assert run_cli("init", "--as-of", "2027-03-01", cwd=tmp_path).returncode == 0
    build(tmp_path, "2027-03-10")
    record = (tmp_path / "schedules" / "announcements.toml").read_text()
    assert 'month = "2027-03"\ndate = 2027-03-11\nconfirmed = 2027-03-10\n' in record
    atom = (tmp_path / "feeds" / "changes.atom").read_text()
    assert "<updated>2027-03-10T00:00:00Z</updated>" in atom
    assert "2027-02-11" not in atom
    page = (tmp_path / "feeds" / "index.html").read_text()
    assert 'Last updated <time datetime="2027-03-10">Wednesday 10 March 2027</time>' in page


def test_a_move_made_while_provisional_never_locks_the_programme(tmp_path):
    assert run_cli("init", "--as-of", "2027-03-01", cwd=tmp_path).returncode == 0
    build(tmp_path, "2027-03-01")
    # Thursday 9 December 2027 is the second Thursday; moved a week while provisional.
    moved = run_cli("move", "example-bulletin", "2027-12-09", "2027-12-16", "--reason", "later",
                    "--as-of", "2027-03-01", cwd=tmp_path)  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    build(tmp_path, "2027-03-01")
    # 16 December less four weeks is 18 November: the build of Monday 22 November confirms it.
    build(tmp_path, "2027-11-22")
    record = (tmp_path / "schedules" / "announcements.toml").read_text()
    [entry] = [e for e in tomllib.loads(record)["release"] if e["month"] == "2027-12"]
    assert entry["date"] == dt.date(2027, 12, 16)
    assert entry["confirmed"] == dt.date(2027, 11, 22)
    for day in ("2027-11-29", "2027-12-06", "2027-12-13"):  # builds go on, week by week
        build(tmp_path, day)
    listed = run_cli("list", "--as-of", "2027-12-13", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    # No build ran from 18 November, when its notice began, to Monday 22 November: check
    # says so (exit 1, something to put right), and refuses nothing.
    checked = run_cli("check", "--as-of", "2027-12-13", cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr
    assert (
        "example-bulletin 2027-12: confirmed on Monday 22 November 2027 for Thursday 16 "
        "December 2027, 24 days ahead: less than the 4 weeks' notice, which began on Thursday "
        "18 November 2027"
    ) in checked.stdout
    again = run_cli("move", "example-bulletin", "2027-12-16", "2027-12-15", "--reason", "sooner",
                    "--as-of", "2027-12-13", cwd=tmp_path)  # fmt: skip
    assert again.returncode == 0, again.stderr
    build(tmp_path, "2027-12-13")


@pytest.mark.interop
def test_a_release_whose_day_passed_unconfirmed_stays_as_it_was_shown(tmp_path):
    weekly = MONTHLY.replace('frequency = "monthly"', 'frequency = "weekly"').replace(
        'day = "second tuesday"', 'day = "thursday"'
    )
    write_schedules(tmp_path / "schedules", {"test": weekly})
    # Built on Monday 3 March 2014, then not until Friday 4 April: Thursday 3 April 2014
    # (ISO week 14) came within four weeks and passed with no build to confirm it.
    build(tmp_path, "2014-03-03")
    week = "monthly-bulletin-2014-W14@test-office"
    assert str(events(tmp_path / "feeds" / "test.ics")[week]["STATUS"]) == "TENTATIVE"
    built = build(tmp_path, "2014-04-04")
    said = (
        "monthly-bulletin 2014-W14: shown as provisional for Thursday 3 April 2014, which "
        "passed without confirmation"
    )
    assert said in built.stderr
    event = events(tmp_path / "feeds" / "test.ics")[week]
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("TENTATIVE", 0)
    assert event.decoded("DTSTART").isoformat() == "2014-04-03T09:30:00+01:00"
    assert str(event["SUMMARY"]) == "Monthly bulletin (provisional)"
    checked = run_cli("check", "--as-of", "2014-04-07", cwd=tmp_path)
    assert checked.returncode == 1
    assert said in checked.stdout
    assert "calendar-gen released monthly-bulletin 2014-04-03 --url URL" in checked.stdout
    # Recording what happened puts it right; the next build takes it.
    done = run_cli("released", "monthly-bulletin", "2014-04-03", "--as-of", "2014-04-07",
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    build(tmp_path, "2014-04-07")
    assert said not in run_cli("check", "--as-of", "2014-04-07", cwd=tmp_path).stdout
    assert week in events(tmp_path / "feeds" / "test.ics")


def test_a_change_made_before_the_day_and_built_after_it_is_published(tmp_path):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")  # Tuesday 13 May 2014 confirmed
    cancelled = run_cli("cancel", "monthly-bulletin", "2014-05-13", "--reason", "no data",
                        "--as-of", "2014-05-12", cwd=tmp_path)  # fmt: skip
    assert cancelled.returncode == 0, cancelled.stderr
    build(tmp_path, "2014-05-20")  # the first build since, a week after the day
    row = listed(tmp_path, "2014-05-20")["2014-05"]
    assert (row["status"], row["sequence"], row["history"][0]["on"]) == (
        "cancelled",
        2,  # confirmed, then cancelled
        "2014-05-12",
    )


def test_confirmations_worked_out_by_an_earlier_version_are_marked_as_such(tmp_path):
    # A record written before calendar-gen kept true days: the second Tuesday, 13 May 2014,
    # "confirmed" on 15 April, four weeks before, as those versions worked it out. The first
    # build on 20 May keeps that day as the history it is, marked worked out, and confirms
    # 10 June on the day it runs; the next, on 20 June, confirms 8 July that day. Neither
    # changes what came before. April's day, 17 March, is no release day less four weeks
    # (that is 11 March): a build of that day recorded it.
    write_schedules(tmp_path / "schedules")
    (tmp_path / "schedules" / "announcements.toml").write_text(
        '[[release]]\nid = "monthly-bulletin"\nmonth = "2014-04"\ndate = 2014-04-08\n'
        "confirmed = 2014-03-17\n\n"
        '[[release]]\nid = "monthly-bulletin"\nmonth = "2014-05"\ndate = 2014-05-13\n'
        "confirmed = 2014-04-15\n"
    )
    expected = {"2014-04": ("2014-03-17", "recorded"), "2014-05": ("2014-04-15", "worked out"),
                "2014-06": ("2014-05-20", "recorded"), "2014-07": ("2014-06-20", "recorded"),
                "2014-08": ("", "")}  # fmt: skip
    for as_of, months in (("2014-05-20", 4), ("2014-06-20", 5)):
        build(tmp_path, as_of)
        rows = {r["scheduled_month"]: r for r in json.loads(
            (tmp_path / "feeds" / "releases.json").read_text())}  # fmt: skip
        found = {m: (rows[m]["confirmed_on"], rows[m]["confirmed_on_source"]) for m in expected}
        shown = dict(list(expected.items())[: months - 1]) | {"2014-08": ("", "")}
        assert {m: found[m] for m in shown} == shown
    record = (tmp_path / "schedules" / "announcements.toml").read_text()
    assert "[published]\nfirst = 2014-05-20\nlast = 2014-06-20\n" in record


SECOND_TUESDAYS = ("2014-05-13", "2014-06-10", "2014-07-08", "2014-08-12", "2014-09-09",
                   "2014-10-14", "2014-11-11", "2014-12-09", "2015-01-13", "2015-02-10",
                   "2015-03-10", "2015-04-14")  # fmt: skip
THIRD_TUESDAYS = ("2014-05-20", "2014-06-17", "2014-07-15", "2014-08-19", "2014-09-16",
                  "2014-10-21", "2014-11-18", "2014-12-16", "2015-01-20", "2015-02-17",
                  "2015-03-17", "2015-04-21")  # fmt: skip


def shown_row(when: str, day: str, dates: tuple[str, ...]) -> str:
    """A [[shown]] row of the record, written out by hand: monthly-bulletin on `dates`."""
    lines = "".join(f'    "monthly-bulletin {d[:7]} {d} 09:30",\n' for d in dates)
    return f"[[shown]]\n{when} = {day}\nreleases = [\n{lines}]\n"


JULY = "monthly-bulletin-2014-07@test-office"


def july(folder) -> tuple[str, int, str, str, str]:
    """July 2014's event as every parser reads it, and its first_shown_on in releases.json."""
    event = events(folder / "feeds" / "test.ics")[JULY]
    row = {r["uid"]: r for r in json.loads((folder / "feeds" / "releases.json").read_text())}
    return (event.decoded("DTSTART").date().isoformat(), int(event["SEQUENCE"]),
            event.decoded("DTSTAMP").isoformat()[:10], str(event["STATUS"]),
            row[JULY]["first_shown_on"])  # fmt: skip


@pytest.mark.interop
def test_a_provisional_day_the_rules_move_is_recorded_and_revises_the_event(tmp_path):
    # Second Tuesdays, four weeks' notice. The build of 1 April 2014 confirms 8 April and
    # shows May 2014 to April 2015 as provisional; the rule then becomes the third Tuesday.
    schedules = write_schedules(tmp_path / "schedules")
    record = schedules / "announcements.toml"
    build(tmp_path, "2014-04-01")
    assert unsealed_text(record.read_text()).endswith(
        shown_row("on", "2014-04-01", SECOND_TUESDAYS)
    )
    assert july(tmp_path) == ("2014-07-08", 0, "2014-04-01", "TENTATIVE", "2014-04-01")
    (schedules / "test.toml").write_text(MONTHLY.replace("second tuesday", "third tuesday"))
    build(tmp_path, "2014-04-10")
    # Subscribers see a new day: SEQUENCE and DTSTAMP say so, and the record keeps it.
    rows = shown_row("on", "2014-04-01", SECOND_TUESDAYS) + "\n"
    rows += shown_row("on", "2014-04-10", THIRD_TUESDAYS)
    assert unsealed_text(record.read_text()).endswith(rows)
    assert july(tmp_path) == ("2014-07-15", 1, "2014-04-10", "TENTATIVE", "2014-04-01")
    build(tmp_path, "2014-04-11")  # nothing new is shown: no row
    assert (
        unsealed_text(record.read_text()).endswith(rows)
        and record.read_text().count("\n[[shown]]\n") == 2
    )
    # 15 July less four weeks is 17 June: the build of 20 June confirms it, one more revision;
    # it shows May and June 2015 for the first time.
    build(tmp_path, "2014-06-20")
    assert july(tmp_path) == ("2014-07-15", 2, "2014-06-20", "CONFIRMED", "2014-04-01")
    assert unsealed_text(record.read_text()).endswith(
        shown_row("on", "2014-06-20", ("2015-05-19", "2015-06-16"))
    )


@pytest.mark.interop
def test_releases_shown_before_the_record_kept_the_days_are_not_given_one(tmp_path):
    # A record and releases.json as a version before [[shown]] wrote them: no rows, no
    # first_shown_on, the record holding the digest of that releases.json.
    schedules = write_schedules(tmp_path / "schedules")
    record, data = schedules / "announcements.toml", tmp_path / "feeds" / "releases.json"
    build(tmp_path, "2014-04-01")
    # Nor seals, which came after the rows.
    kept = unsealed_text(record.read_text())
    record.write_text(kept[: kept.index("\n[[shown]]\n") + 1])
    data.write_text(re.sub(r', "first_shown_on": "[^"]*"', "", data.read_text()))
    digest = "sha256:" + hashlib.sha256(data.read_bytes()).hexdigest()
    record.write_text(re.sub(r'releases = "sha256:[0-9a-f]+"', f'releases = "{digest}"',
                             record.read_text()))  # fmt: skip
    (schedules / "test.toml").write_text(MONTHLY.replace("second tuesday", "third tuesday"))
    build(tmp_path, "2014-04-10")
    # What was shown, on a day the record cannot name; then the new days, on the day shown.
    assert unsealed_text(record.read_text()).endswith(
        shown_row("before", "2014-04-10", SECOND_TUESDAYS) + "\n"
        + shown_row("on", "2014-04-10", THIRD_TUESDAYS)
    )  # fmt: skip
    assert july(tmp_path) == ("2014-07-15", 1, "2014-04-10", "TENTATIVE", "")


ANNOUNCED_TO_THE_MONTH = """\
topic = "Test topic"

[[publication]]
id = "quarterly-bulletin"
title = "Quarterly bulletin"
designation = "Official statistics"
frequency = "quarterly"
months = [5, 8, 11, 2]
day = "last thursday"
provisional = "month"

[[publication]]
id = "annual-report"
title = "Annual report"
designation = "Official statistics"
frequency = "annual"
months = [12]
day = "first tuesday"
provisional = "Two Months"
"""


def _rows(folder) -> dict[str, dict]:
    """releases.json's rows by UID."""
    return {r["uid"]: r for r in json.loads((folder / "feeds" / "releases.json").read_text())}


def _published_as(feed, uid: str) -> tuple:
    e = events(feed)[uid]
    return (e.decoded("DTSTART"), e.decoded("DTEND") if "DTEND" in e else e.decoded("DURATION"),
            str(e["STATUS"]), int(e["SEQUENCE"]), str(e["SUMMARY"]))  # fmt: skip


@pytest.mark.interop
def test_a_release_announced_to_the_month_is_shown_across_it_until_confirmed(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": ANNOUNCED_TO_THE_MONTH})
    feed, page = tmp_path / "feeds" / "test.ics", tmp_path / "feeds" / "index.html"
    may, december = "quarterly-bulletin-2014-05@test-office", "annual-report-2014-12@test-office"
    # As of 1 April 2014 the last Thursday of May (29 May: May 2014 began on a Thursday) is
    # eight weeks away, the first Tuesday of December (2 December: the 1st was a Monday) more.
    build(tmp_path, "2014-04-01")
    assert _published_as(feed, may) == (
        dt.date(2014, 5, 1), dt.date(2014, 6, 1), "TENTATIVE", 0,
        "Quarterly bulletin (provisional, May 2014)")  # fmt: skip
    assert _published_as(feed, december) == (
        dt.date(2014, 12, 1), dt.date(2015, 2, 1), "TENTATIVE", 0,
        "Annual report (provisional, December 2014 to January 2015)")  # fmt: skip
    html = page.read_text()
    assert '<time datetime="2014-05">May 2014</time>' in html
    assert '<time datetime="2014-12">December 2014 to January 2015</time>' in html
    assert "2014-05-29" not in html and "2014-12-02" not in html  # no day never announced
    rows = _rows(tmp_path)
    assert (rows[may]["date"], rows[may]["precision"]) == ("2014-05-29", "month")
    assert rows[december]["precision"] == "two months"
    table = run_cli("list", "--as-of", "2014-04-01", cwd=tmp_path).stdout.splitlines()
    assert "Thu 29 May 2014  09:30  provisional (month)       Quarterly bulletin" in table

    # 29 May less four weeks is 1 May: confirmed then, the same event moves to its day.
    build(tmp_path, "2014-05-01")
    start = dt.datetime(2014, 5, 29, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    assert _published_as(feed, may) == (
        start,
        dt.timedelta(minutes=30),
        "CONFIRMED",
        1,
        "Quarterly bulletin",
    )
    rows = _rows(tmp_path)
    assert (rows[may]["precision"], rows[may]["confirmed_on"]) == ("exact", "2014-05-01")
    html = page.read_text()
    assert '<time datetime="2014-05-29T09:30:00+01:00">Thu 29 May 2014</time>' in html
    # The last Thursday of August 2014 (the 28th: the 1st was a Friday) is still to the month.
    assert '<time datetime="2014-08">August 2014</time>' in html
    assert '"startDate":"2014-08"' in html


WEEKLY_AND_MONTHLY = (
    MONTHLY
    + """
[[publication]]
id = "weekly-count"
title = "Weekly count"
designation = "Official statistics"
frequency = "weekly"
day = "thursday"
months = [5]
"""
)


def _outputs(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in published(folder)}


@pytest.mark.slow
def test_a_build_skipped_as_quiet_publishes_what_a_full_build_that_day_would(tmp_path):
    """Built every day of April and May 2014 into one folder; each day, a full build of the
    same schedules into a new folder must write the very files the daily folder holds, so a
    day whose build is skipped as quiet (nothing to confirm, no release's day passing, no new
    month) is one on which nothing would change."""
    from calendar_gen import usecases

    schedules = write_schedules(tmp_path / "schedules", {"test": WEEKLY_AND_MONTHLY})
    quiet, day = [], dt.date(2014, 4, 1)
    while day <= dt.date(2014, 5, 31):
        copy = tmp_path / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(schedules, copy)  # as the day's build found them
        report = usecases.build(schedules, tmp_path / "daily", as_of=day)
        if report.unchanged:
            quiet.append(day)
        usecases.build(copy, tmp_path / f"full-{day}", as_of=day)
        assert _outputs(tmp_path / "daily") == _outputs(tmp_path / f"full-{day}"), day
        shutil.rmtree(tmp_path / f"full-{day}")
        day += dt.timedelta(days=1)
    # Worked by hand: the bulletin is out on the second Tuesday (8 April, 13 May, 10 June,
    # confirmed four weeks before: 11 March, 15 April, 13 May); the count on May's Thursdays
    # (1, 8, 15, 22, 29; confirmed 3, 10, 17, 24 April and 1 May). A build is needed on the
    # first day, each confirmation, the day after each release and the 1st of a month:
    # 1, 3, 9, 10, 15, 17, 24 April, 1, 2, 9, 13, 14, 16, 23, 30 May. The rest are quiet.
    needed = {dt.date(2014, 4, d) for d in (1, 3, 9, 10, 15, 17, 24)} | {
        dt.date(2014, 5, d) for d in (1, 2, 9, 13, 14, 16, 23, 30)}  # fmt: skip
    days = {dt.date(2014, 4, 1) + dt.timedelta(days=n) for n in range(61)}
    assert set(quiet) == days - needed


def _row_texts(folder) -> list[str]:
    record = tomllib.loads((folder / "schedules" / "announcements.toml").read_text())
    return [text for row in record.get("shown", []) for text in row["releases"]]


@pytest.mark.interop
def test_what_a_subscriber_sees_of_a_month_decides_its_sequence(tmp_path):
    topic = tmp_path / "schedules" / "test.toml"
    write_schedules(tmp_path / "schedules", {"test": ANNOUNCED_TO_THE_MONTH})
    feed, may = tmp_path / "feeds" / "test.ics", "quarterly-bulletin-2014-05@test-office"
    build(tmp_path, "2014-04-01")
    assert "quarterly-bulletin 2014-05 2014-05-29 09:30 month" in _row_texts(tmp_path)
    # A new day within May is not seen: no new row, the same event.
    topic.write_text(ANNOUNCED_TO_THE_MONTH.replace('"last thursday"', '"fourth thursday"'))
    build(tmp_path, "2014-04-02")  # the fourth Thursday of May 2014 is the 22nd
    assert not any("2014-05-22" in text for text in _row_texts(tmp_path))
    assert _published_as(feed, may)[2:4] == ("TENTATIVE", 0)
    # Shown to the day from now: its start changes, so SEQUENCE and DTSTAMP do.
    topic.write_text(topic.read_text().replace('provisional = "month"', 'provisional = "exact"'))
    build(tmp_path, "2014-04-03")
    assert "quarterly-bulletin 2014-05 2014-05-22 09:30" in _row_texts(tmp_path)
    start = dt.datetime(2014, 5, 22, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    assert _published_as(feed, may) == (
        start,
        dt.timedelta(minutes=30),
        "TENTATIVE",
        1,
        "Quarterly bulletin (provisional)",
    )
    assert events(feed)[may].decoded("DTSTAMP").date() == dt.date(2014, 4, 3)


@pytest.mark.interop
def test_a_change_to_a_release_announced_to_the_month_shows_it_to_the_day(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": ANNOUNCED_TO_THE_MONTH})
    feed, aug = tmp_path / "feeds" / "test.ics", "quarterly-bulletin-2014-08@test-office"
    build(tmp_path, "2014-04-01")
    # A move names the days it moves between, with its reason: from then on, to the day.
    moved = run_cli("move", "quarterly-bulletin", "2014-08-28", "2014-08-21", "--reason",
                    "earlier data", "--as-of", "2014-04-01", cwd=tmp_path)  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    build(tmp_path, "2014-04-01")
    start = dt.datetime(2014, 8, 21, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    assert _published_as(feed, aug) == (
        start,
        dt.timedelta(minutes=30),
        "TENTATIVE",
        1,
        "Quarterly bulletin (provisional)",
    )
    rows = _rows(tmp_path)
    assert rows[aug]["precision"] == "exact"
    assert rows["quarterly-bulletin-2014-11@test-office"]["precision"] == "month"


def test_a_month_release_that_passed_unconfirmed_is_reported_as_it_was_shown(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": ANNOUNCED_TO_THE_MONTH})
    build(tmp_path, "2014-04-01")
    # No build from 2 April to 30 May: 29 May passed with no build in its notice period.
    result = build(tmp_path, "2014-05-30")
    said = ("quarterly-bulletin 2014-05: shown as provisional for May 2014 (by its rules, "
            "Thursday 29 May 2014), which passed without confirmation")  # fmt: skip
    assert said in result.stderr


def test_a_quiet_days_build_moves_the_last_day_on_so_no_change_is_dated_before_it(tmp_path):
    write_schedules(tmp_path / "schedules")
    record = tmp_path / "schedules" / "announcements.toml"
    # 1 April 2014 confirms 8 April with 7 days' notice; the 2nd publishes just the same.
    first = build(tmp_path, "2014-04-01")
    assert "less than the 4 weeks' notice" in first.stderr
    quiet = build(tmp_path, "2014-04-02")
    assert quiet.stdout.endswith("(feeds/ unchanged)\n")
    assert quiet.stderr == ""  # the 1st's late confirmation is not said again as the 2nd's
    assert "last = 2014-04-02" in record.read_text()
    # Subscribers were shown the calendar as it stood on the 2nd: no change dated the 1st.
    moved = run_cli("move", "monthly-bulletin", "2014-04-08", "2014-04-09", "--reason", "x",
                    "--as-of", "2014-04-01", cwd=tmp_path)  # fmt: skip
    assert moved.returncode == 2
    assert "was as of 2014-04-02" in moved.stderr
    # And the next quiet day skips as well, the record's day moving on again.
    assert build(tmp_path, "2014-04-03").stdout.endswith("(feeds/ unchanged)\n")
    assert "last = 2014-04-03" in record.read_text()
    assert run_cli("check", "--as-of", "2014-04-03", cwd=tmp_path).returncode in (0, 1)


def test_a_hand_edited_published_table_is_never_sealed_again_by_a_quiet_day(tmp_path):
    write_schedules(tmp_path / "schedules")
    record = tmp_path / "schedules" / "announcements.toml"
    build(tmp_path, "2014-04-01")
    record.write_text(record.read_text().replace("first = 2014-04-01", "first = 2014-03-01"))
    result = run_cli("build", "--as-of", "2014-04-02", cwd=tmp_path)
    assert result.returncode == 2
    assert "[published] is not what the last build wrote" in result.stderr
