"""The kinds of change, through the real command: each applies, reads, writes and shows."""

import json
import xml.etree.ElementTree as ET

import pytest
from helpers import MONTHLY, run_cli, write_schedules
from test_lifecycle import build, events
from test_news import validate

ATOM = "{http://www.w3.org/2005/Atom}"

# The May 2014 release of MONTHLY: second Tuesday, 13 May 2014; its UID in the feed.
MAY = "monthly-bulletin-2014-05@test-office"


def change(folder, *args: str, as_of: str):
    result = run_cli(*args, "--as-of", as_of, cwd=folder)
    assert result.returncode == 0, result.stderr
    return result


def rows(folder) -> dict[str, dict]:
    data = json.loads((folder / "feeds" / "releases.json").read_text())
    return {r["uid"]: r for r in data}


@pytest.mark.interop  # every parser reads the retimed event
def test_a_retimed_release_keeps_its_day_and_uid_and_says_why(tmp_path):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")  # May is inside its four weeks' notice: confirmed
    done = change(tmp_path, "retime", "monthly-bulletin", "2014-05-13", "10:00",
                  "--reason", "same time as ONS", as_of="2014-05-01")  # fmt: skip
    # 1 May 2014 was a Thursday.
    said = "Release time changed to 10:00 on Thursday 1 May 2014: same time as ONS"
    assert said in done.stdout
    assert (
        "monthly-bulletin 2014-05 was on Tuesday 13 May 2014 at 09:30; it is now on Tuesday "
        "13 May 2014 at 10:00"
    ) in done.stdout
    assert 'time = "10:00"' in (tmp_path / "schedules" / "announcements.toml").read_text()
    build(tmp_path, "2014-05-01")
    event = events(tmp_path / "feeds" / "all.ics")[MAY]
    assert event.decoded("DTSTART").isoformat() == "2014-05-13T10:00:00+01:00"  # BST
    assert int(event["SEQUENCE"]) == 2  # its confirmation, then the retime
    assert said in str(event["DESCRIPTION"])
    row = rows(tmp_path)[MAY]
    assert (row["start"], row["sequence"]) == ("2014-05-13T10:00:00+01:00", 2)
    assert row["history"] == [
        {"on": "2014-05-01", "action": "retimed", "from": "2014-05-13", "to": None,
         "reason": "same time as ONS", "time": "10:00"},
    ]  # fmt: skip
    # A move afterwards keeps the new time; and the next build is accepted.
    change(tmp_path, "move", "monthly-bulletin", "2014-05-13", "2014-05-15",
           "--reason", "late data", as_of="2014-05-02")  # fmt: skip
    build(tmp_path, "2014-05-02")
    event = events(tmp_path / "feeds" / "all.ics")[MAY]
    assert event.decoded("DTSTART").isoformat() == "2014-05-15T10:00:00+01:00"
    assert int(event["SEQUENCE"]) == 3  # confirmed, retimed, moved
    build(tmp_path, "2014-05-09")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2014-05-13", "09:30"), "monthly-bulletin is released at 09:30 already"),
        (("2014-05-13", "25:00"), "'25:00' is not a time like 10:00"),
        (("2014-05-13", "10"), "'10' is not a time like 10:00"),
        (("2014-04-08", "10:00"), "is past (today is 2014-05-01)"),
    ],
)
def test_a_retime_that_cannot_be_made_changes_nothing(tmp_path, args, message):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")
    record = tmp_path / "schedules" / "announcements.toml"
    before = record.read_bytes()
    result = run_cli("retime", "monthly-bulletin", *args, "--reason", "x",
                     "--as-of", "2014-05-01", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr
    assert record.read_bytes() == before


@pytest.mark.parametrize(
    ("time", "message"),
    [
        ('"9.30"', 'time "9.30" is not a time; write it like time = "10:00"'),
        ("10:00:30", 'time 10:00:30 is not a time; write it like time = "10:00"'),
        (None, 'a retime needs the new time, written time = "10:00"'),
    ],
)
def test_a_hand_written_retime_with_a_bad_time_is_named(tmp_path, time, message):
    schedules = write_schedules(tmp_path / "schedules")
    (schedules / "announcements.toml").write_text(
        '[[release]]\nid = "monthly-bulletin"\nmonth = "2014-05"\ndate = 2014-05-13\n'
        "confirmed = 2014-04-15\n\n[[release.change]]\non = 2014-05-01\n"
        'action = "retimed"\nfrom = 2014-05-13\n'
        + (f"time = {time}\n" if time else "")
        + 'reason = "x"\n'
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_every_kind_is_read_back_as_it_was_written(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": MONTHLY})
    build(tmp_path, "2014-04-20")
    for args, as_of in [
        (("retime", "monthly-bulletin", "2014-05-13", "11:00"), "2014-04-21"),
        (("move", "monthly-bulletin", "2014-05-13", "2014-05-14"), "2014-04-22"),
        (("cancel", "monthly-bulletin", "2014-05-14"), "2014-04-23"),
        (("reinstate", "monthly-bulletin", "2014-05-14", "--to", "2014-05-16"), "2014-04-24"),
        (("postpone", "monthly-bulletin", "2014-05-16"), "2014-04-25"),
        (("move", "monthly-bulletin", "2014-05-16", "2014-05-19"), "2014-04-28"),
    ]:
        change(tmp_path, *args, "--reason", f"step {as_of}", as_of=as_of)
        build(tmp_path, as_of)
    row = rows(tmp_path)[MAY]
    assert [h["action"] for h in row["history"]] == [
        "retimed", "moved", "cancelled", "reinstated", "postponed", "moved",
    ]  # fmt: skip
    # Given its new date, Monday 19 May 2014, at the time the retime gave it; SEQUENCE counts
    # its confirmation and the six changes.
    assert (row["start"], row["status"], row["sequence"]) == (
        "2014-05-19T11:00:00+01:00", "confirmed", 7,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "was", "now"),
    [
        (("move", "monthly-bulletin", "2014-05-13", "2014-05-15"), "", "on Thursday 15 May 2014"),
        (("retime", "monthly-bulletin", "2014-05-13", "10:00"), " at 09:30",
         "on Tuesday 13 May 2014 at 10:00"),
        (("cancel", "monthly-bulletin", "2014-05-13"), "", "cancelled"),
        (("postpone", "monthly-bulletin", "2014-05-13"), "",
         "postponed, its new date to be announced"),
    ],
)  # fmt: skip
def test_every_change_command_says_the_day_before_and_after(tmp_path, args, was, now):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")
    done = change(tmp_path, *args, "--reason", "why", as_of="2014-04-22")
    said = done.stdout.splitlines()
    assert said[0].endswith(": why")
    assert said[1] == f"monthly-bulletin 2014-05 was on Tuesday 13 May 2014{was}; it is now {now}"


@pytest.mark.interop  # every parser reads the postponed event
def test_a_postponed_release_stays_shown_until_a_move_gives_it_a_day(tmp_path):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")  # May's, Tuesday 13 May 2014, confirmed
    done = change(tmp_path, "postpone", "monthly-bulletin", "2014-05-13",
                  "--reason", "awaiting police data", as_of="2014-05-01")  # fmt: skip
    said = (
        "Postponed on Thursday 1 May 2014 (it was due on Tuesday 13 May 2014), new date to be "
        "announced: awaiting police data"
    )
    assert said in done.stdout
    # Built on and after the day it had: it stays, postponed, where it was.
    for as_of in ("2014-05-01", "2014-05-20"):
        build(tmp_path, as_of)
        event = events(tmp_path / "feeds" / "all.ics")[MAY]
        assert event.decoded("DTSTART").isoformat() == "2014-05-13T09:30:00+01:00"
        # Confirmed by the build of 20 April, then postponed: two revisions.
        assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("TENTATIVE", 2)
        assert str(event["SUMMARY"]) == "Postponed: Monthly bulletin (new date to be announced)"
        assert said in str(event["DESCRIPTION"])
        assert rows(tmp_path)[MAY]["status"] == "postponed"
    atom = tmp_path / "feeds" / "changes.atom"
    validate(atom)
    titles = [e.findtext(f"{ATOM}title") for e in ET.parse(atom).getroot().iter(f"{ATOM}entry")]
    assert "Postponed: Monthly bulletin, Tuesday 13 May 2014" in titles
    assert "<strong>Postponed</strong>" in (tmp_path / "feeds" / "index.html").read_text()
    # Its new date, announced after the old one passed, is a firm date at once.
    done = change(tmp_path, "move", "monthly-bulletin", "2014-05-13", "2014-06-03",
                  "--reason", "police data in", as_of="2014-05-21")  # fmt: skip
    assert "it is now on Tuesday 3 June 2014" in done.stdout
    build(tmp_path, "2014-05-21")
    event = events(tmp_path / "feeds" / "all.ics")[MAY]
    assert event.decoded("DTSTART").isoformat() == "2014-06-03T09:30:00+01:00"
    # Confirmed, postponed, then moved.
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CONFIRMED", 3)
    assert str(event["SUMMARY"]) == "Monthly bulletin"
    build(tmp_path, "2014-05-22")


@pytest.mark.parametrize(
    ("first", "args", "message"),
    [
        (("postpone", "2014-05-13"), ("2014-05-13",),
         "monthly-bulletin on 2014-05-13 is postponed already; to give it its new date: "
         "calendar-gen move monthly-bulletin 2014-05-13 NEW_DATE"),
        (("cancel", "2014-05-13"), ("2014-05-13",),
         "is cancelled; a cancelled release can only be reinstated"),
        (None, ("2014-04-08",), "is past (today is 2014-05-01)"),
    ],
)  # fmt: skip
def test_a_postponement_that_cannot_be_made_changes_nothing(tmp_path, first, args, message):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")
    if first:
        change(tmp_path, first[0], "monthly-bulletin", *first[1:], "--reason", "x",
               as_of="2014-04-30")  # fmt: skip
    record = tmp_path / "schedules" / "announcements.toml"
    before = record.read_bytes()
    result = run_cli("postpone", "monthly-bulletin", *args, "--reason", "y",
                     "--as-of", "2014-05-01", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr
    assert record.read_bytes() == before


def test_a_postponed_release_can_be_cancelled_after_the_day_it_had(tmp_path):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")
    change(tmp_path, "postpone", "monthly-bulletin", "2014-05-13", "--reason", "x",
           as_of="2014-05-01")  # fmt: skip
    build(tmp_path, "2014-05-01")
    build(tmp_path, "2014-05-13")  # June's notice begins: confirmed in time
    change(tmp_path, "cancel", "monthly-bulletin", "2014-05-13", "--reason", "not to be",
           as_of="2014-05-20")  # fmt: skip
    build(tmp_path, "2014-05-20")
    row = rows(tmp_path)[MAY]
    # Confirmed, postponed, cancelled.
    assert (row["date"], row["status"], row["sequence"]) == ("2014-05-13", "cancelled", 3)
    assert run_cli("check", "--as-of", "2014-05-21", cwd=tmp_path).returncode == 0


GOV_UK = "https://www.gov.uk/government/statistics/monthly-bulletin-may-2014"


@pytest.mark.interop  # every parser reads the released event
def test_a_release_recorded_as_out_links_the_statistics_everywhere(tmp_path):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")
    build(tmp_path, "2014-05-13")
    done = change(tmp_path, "released", "monthly-bulletin", "2014-05-13", "--url", GOV_UK,
                  as_of="2014-05-14")  # fmt: skip
    said = f"Released on Tuesday 13 May 2014; the statistics: {GOV_UK}"
    assert said in done.stdout
    assert "it is now released, on Tuesday 13 May 2014" in done.stdout
    record = (tmp_path / "schedules" / "announcements.toml").read_text()
    assert f'action = "released"\nfrom = 2014-05-13\nurl = "{GOV_UK}"\n' in record
    build(tmp_path, "2014-05-14")  # the promise check takes it: it says what happened
    event = events(tmp_path / "feeds" / "all.ics")[MAY]
    assert event.decoded("DTSTART").isoformat() == "2014-05-13T09:30:00+01:00"
    # Its confirmation, then the release.
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CONFIRMED", 2)
    assert str(event["DESCRIPTION"]).startswith(said)
    assert rows(tmp_path)[MAY]["history"] == [
        {"on": "2014-05-14", "action": "released", "from": "2014-05-13", "to": None,
         "reason": None, "url": GOV_UK},
    ]  # fmt: skip
    atom = tmp_path / "feeds" / "changes.atom"
    validate(atom)
    entries = {e.findtext(f"{ATOM}title"): e for e in ET.parse(atom).getroot().iter(f"{ATOM}entry")}
    assert (
        entries["Released: Monthly bulletin, Tuesday 13 May 2014"].findtext(f"{ATOM}summary")
        == said
    )
    assert said in (tmp_path / "feeds" / "index.html").read_text()
    build(tmp_path, "2014-05-20")
    moved = run_cli("move", "monthly-bulletin", "2014-05-13", "2014-05-22", "--reason", "x",
                    "--as-of", "2014-05-20", cwd=tmp_path)  # fmt: skip
    assert moved.returncode == 2 and "the past stays as it happened" in moved.stderr


@pytest.mark.parametrize(
    ("args", "as_of", "message"),
    [
        ((), "2014-05-12", "monthly-bulletin on 2014-05-13 is not out yet (today is 2014-05-12)"),
        (("--url", "javascript:alert(1)"), "2014-05-14",
         "write the whole address of the statistics, like https://www.gov.uk/..."),
        (("--url", 'https://example.org/"><script>'), "2014-05-14", "write the whole address"),
        (("--url", "https://example.org/a b"), "2014-05-14", "write the whole address"),
        (("--url", "https://example.org/" + "a" * 2000), "2014-05-14",
         "an address of at most 2000 characters"),
    ],
)  # fmt: skip
def test_a_release_that_cannot_be_recorded_as_out_changes_nothing(tmp_path, args, as_of, message):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")
    record = tmp_path / "schedules" / "announcements.toml"
    before = record.read_bytes()
    result = run_cli("released", "monthly-bulletin", "2014-05-13", *args, "--as-of", as_of,
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr
    assert record.read_bytes() == before


@pytest.mark.parametrize(
    ("first", "message"),
    [
        ("released", "is recorded as released already"),
        ("cancel", "is cancelled: it did not come out"),
        ("postpone", "is postponed; first give it the day it came out"),
    ],
)
def test_only_a_release_that_came_out_once_is_recorded_as_out(tmp_path, first, message):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")
    before_day = first in ("cancel", "postpone")
    reason = ("--reason", "x") if first != "released" else ()
    change(tmp_path, first, "monthly-bulletin", "2014-05-13", *reason,
           as_of="2014-05-01" if before_day else "2014-05-13")  # fmt: skip
    result = run_cli("released", "monthly-bulletin", "2014-05-13", "--as-of", "2014-05-14",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("url", "on", "message"),
    [
        ('"ftp://example.org/x"', "2014-05-14", 'url "ftp://example.org/x": write the whole'),
        ("5", "2014-05-14", "url 5: write the whole address"),
        ('"https://www.gov.uk/x"', "2014-05-12",
         "change on 2014-05-12 records as out a release due on 2014-05-13, before then"),
    ],
)  # fmt: skip
def test_a_hand_written_release_record_is_checked(tmp_path, url, on, message):
    schedules = write_schedules(tmp_path / "schedules")
    (schedules / "announcements.toml").write_text(
        '[[release]]\nid = "monthly-bulletin"\nmonth = "2014-05"\ndate = 2014-05-13\n'
        f'confirmed = 2014-04-15\n\n[[release.change]]\non = {on}\naction = "released"\n'
        f"from = 2014-05-13\nurl = {url}\n"
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (("move", "monthly-bulletin", "2014-05-13", "2014-05-15"),
         "monthly-bulletin on 2014-05-13 is cancelled; to bring it back: calendar-gen reinstate "
         "monthly-bulletin 2014-05-13 --to 2014-05-15 --reason ..."),
        (("cancel", "monthly-bulletin", "2014-05-13"),
         "monthly-bulletin on 2014-05-13 is cancelled already"),
        (("retime", "monthly-bulletin", "2014-05-13", "10:00"),
         "monthly-bulletin on 2014-05-13 is cancelled"),
    ],
)  # fmt: skip
def test_a_cancelled_release_refuses_what_only_a_release_to_come_can_take(tmp_path, command,
                                                                           message):  # fmt: skip
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")
    change(tmp_path, "cancel", "monthly-bulletin", "2014-05-13", "--reason", "x",
           as_of="2014-04-30")  # fmt: skip
    record = tmp_path / "schedules" / "announcements.toml"
    before = record.read_bytes()
    result = run_cli(*command, "--reason", "y", "--as-of", "2014-05-01", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert f"{message}\n" in result.stderr and "Traceback" not in result.stderr
    assert record.read_bytes() == before
