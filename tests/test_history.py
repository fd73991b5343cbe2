"""The kinds of change, through the real command: each applies, reads, writes and shows."""

import json

import pytest
from helpers import MONTHLY, run_cli, write_schedules
from test_lifecycle import build, events

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
    assert 'time = "10:00"' in (tmp_path / "schedules" / "announcements.toml").read_text()
    build(tmp_path, "2014-05-01")
    event = events(tmp_path / "feeds" / "all.ics")[MAY]
    assert event.decoded("DTSTART").isoformat() == "2014-05-13T10:00:00+01:00"  # BST
    assert int(event["SEQUENCE"]) == 1
    assert said in str(event["DESCRIPTION"])
    row = rows(tmp_path)[MAY]
    assert (row["start"], row["sequence"]) == ("2014-05-13T10:00:00+01:00", 1)
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
    assert int(event["SEQUENCE"]) == 2
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
    ]:
        change(tmp_path, *args, "--reason", f"step {as_of}", as_of=as_of)
        build(tmp_path, as_of)
    row = rows(tmp_path)[MAY]
    assert [h["action"] for h in row["history"]] == ["retimed", "moved", "cancelled", "reinstated"]
    # Reinstated on Friday 16 May 2014, at the time the retime gave it.
    assert (row["start"], row["status"], row["sequence"]) == (
        "2014-05-16T11:00:00+01:00", "confirmed", 4,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "now"),
    [
        (("move", "monthly-bulletin", "2014-05-13", "2014-05-15"), "on Thursday 15 May 2014"),
        (("retime", "monthly-bulletin", "2014-05-13", "10:00"), "on Tuesday 13 May 2014 at 10:00"),
        (("cancel", "monthly-bulletin", "2014-05-13"), "cancelled"),
    ],
)
def test_every_change_command_says_the_day_before_and_after(tmp_path, args, now):
    write_schedules(tmp_path / "schedules")
    build(tmp_path, "2014-04-20")
    done = change(tmp_path, *args, "--reason", "why", as_of="2014-04-22")
    said = done.stdout.splitlines()
    assert said[0].endswith(": why")
    assert said[1] == f"monthly-bulletin 2014-05 was on Tuesday 13 May 2014; it is now {now}"
