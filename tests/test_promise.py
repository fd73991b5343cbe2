"""An announced date is a promise: nothing published as confirmed or cancelled changes, or
leaves the feeds, without a recorded change and its reason.

Dates worked out by hand: the second Tuesdays are 8 April, 13 May, 10 June, 8 July 2014 ...
13 January, 10 February, 10 March, 14 April 2015; a release is confirmed four weeks ahead.
"""

import contextlib
import datetime as dt
import json
import random
import shutil
import signal
import subprocess
import sys
import time

import icalendar
import pytest
from helpers import (
    GOLDEN_AS_OF,
    MONTHLY,
    PROGRAMME,
    SHIPPED,
    examples,
    published,
    run_cli,
    run_process,
    without_seals,
    write_schedules,
)
from hypothesis import event, given
from hypothesis import strategies as st
from interop import assert_parsers_agree

from calendar_gen.domain.releases import expand
from calendar_gen.errors import PromiseError
from calendar_gen.programme.schedule import load_programme
from calendar_gen.publishing.pages import json_lines, json_rows
from calendar_gen.record.promise import broken_promises, read_published
from calendar_gen.usecases import today_in_london

MAY, JUNE = "monthly-bulletin-2014-05@test-office", "monthly-bulletin-2014-06@test-office"


def ok(*args: str, cwd):
    result = run_cli(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result


def feed_events(folder) -> dict[str, icalendar.Event]:
    data = (folder / "feeds" / "all.ics").read_bytes()
    assert_parsers_agree(data)
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def snapshot(folder) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in published(folder / "feeds")}
    for path in (folder / "schedules").iterdir():
        if not path.name.startswith("."):  # the lock holds the last writer's pid
            files[f"schedules/{path.name}"] = path.read_bytes()
    return files


def record_without(folder, month: str) -> None:
    """Delete the record's entry for `month` by hand."""
    path = folder / "schedules" / "announcements.toml"
    entries = path.read_text().split("\n[[release]]\n")
    kept = [e for e in entries if f'month = "{month}"' not in e]
    assert len(kept) == len(entries) - 1
    path.write_text("\n[[release]]\n".join(kept))


@pytest.mark.parametrize(
    ("month", "published_as", "now"),
    [
        # Confirmed then moved: two revisions. Without its entry the build confirms it anew.
        ("2014-05", "confirmed for Thursday 15 May 2014 (sequence 2)",
         "confirmed for Tuesday 13 May 2014 (sequence 1)"),
        ("2014-06", "cancelled for Tuesday 10 June 2014 (sequence 1)",
         "provisional for Tuesday 10 June 2014 (sequence 0)"),
    ],
)  # fmt: skip
def test_a_hand_deleted_record_entry_is_refused_and_nothing_changes(
    announced, month, published_as, now
):
    record_without(announced, month)
    before = snapshot(announced)
    result = run_process("build", "--as-of", "2014-04-22", cwd=announced)
    assert result.returncode == 2
    assert (
        f"monthly-bulletin {month}: published as {published_as}; the record now makes it {now}"
    ) in result.stderr
    assert "1 announced release would change without a recorded reason" in result.stderr
    assert "calendar-gen move, cancel or reinstate" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(announced) == before


def test_a_deleted_change_cannot_lower_the_sequence(announced):
    without_seals(announced)  # with them, the record refuses it too (test_seals.py)
    path = announced / "schedules" / "announcements.toml"
    text = path.read_text()
    start = text.index('[[release.change]]\non = 2014-04-22\naction = "moved"')
    end = text.index('reason = "late data"\n') + len('reason = "late data"\n')
    path.write_text(text[:start] + text[end:])
    result = run_cli("build", "--as-of", "2014-04-22", cwd=announced)
    assert result.returncode == 2
    assert (
        "monthly-bulletin 2014-05: published as confirmed for Thursday 15 May 2014 (sequence 2); "
        "the record now makes it confirmed for Thursday 15 May 2014 (sequence 1)"
    ) in result.stderr


def test_a_restored_record_builds_again(announced):
    path = announced / "schedules" / "announcements.toml"
    kept = path.read_text()
    record_without(announced, "2014-05")
    assert run_cli("build", "--as-of", "2014-04-22", cwd=announced).returncode == 2
    path.write_text(kept)
    ok("build", "--as-of", "2014-04-22", cwd=announced)


def test_published_names_the_file_to_hold_the_build_to(announced, tmp_path):
    saved = tmp_path / "published.json"
    shutil.copy(announced / "feeds" / "releases.json", saved)
    shutil.rmtree(announced / "feeds")
    record_without(announced, "2014-05")
    result = run_cli("build", "--as-of", "2014-04-22", "--published", str(saved), cwd=announced)
    assert result.returncode == 2
    assert "monthly-bulletin 2014-05: published as confirmed" in result.stderr
    assert not (announced / "feeds").exists()


def test_build_of_an_earlier_period_is_refused_and_a_later_one_keeps_everything(
    shipped_site_copy,
):
    tmp_path = shipped_site_copy.root  # the shipped schedules, built
    before = snapshot(tmp_path)
    earlier = run_cli("build", "--period", "2013/14", cwd=tmp_path)
    assert earlier.returncode == 2
    assert "--period 2013/14 is before the programme's period 2014/15" in earlier.stderr
    assert snapshot(tmp_path) == before
    later = ok("build", "--period", "2015/16", "--as-of", GOLDEN_AS_OF, cwd=tmp_path)
    assert "47 releases of 15 publications" in later.stdout
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("move", "monthly-bulletin", "2014-05-15", "2014-05-20"),
         "monthly-bulletin on Thursday 15 May 2014 is past (today is 2014-05-20)"),
        (("cancel", "monthly-bulletin", "2014-05-15"),
         "monthly-bulletin on Thursday 15 May 2014 is past (today is 2014-05-20)"),
        (("move", "monthly-bulletin", "2014-07-08", "2014-05-19"),
         "2014-05-19 is past (today is 2014-05-20); choose a day from today on"),
    ],
)  # fmt: skip
def test_the_past_cannot_be_changed(announced, args, message):
    before = snapshot(announced)
    result = run_cli(*args, "--reason", "x", "--as-of", "2014-05-20", cwd=announced)
    assert result.returncode == 2
    assert message in result.stderr
    assert snapshot(announced) == before


def test_a_change_cannot_be_dated_before_the_release_was_confirmed(announced):
    # 8 July is confirmed from 10 June: a move dated 1 June would rewrite history. The
    # build that confirmed it is the last, and the record says so.
    ok("build", "--as-of", "2014-06-10", cwd=announced)
    message = refused_to(announced, "move", "monthly-bulletin", "2014-07-08", "2014-07-09",
                         "--reason", "x", "--as-of", "2014-06-01")  # fmt: skip
    assert "the last build ([published] last) was as of 2014-06-10" in message


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("confirmed = 2014-04-20", "confirmed = 1900-01-01"),
         "date 1900-01-01 is more than three years before, or a year after, its scheduled month "
         "2014-05"),
        (("on = 2014-04-22", "on = 9999-12-31"),
         "date 9999-12-31 is more than three years before, or a year after, its scheduled month "
         "2014-05"),
        (("on = 2014-04-22", "on = 2014-05-14"),
         "change on 2014-05-14 is dated after 2014-05-13: a release cannot be changed, or "
         "moved to a day, already past"),
        (("confirmed = 2014-04-20", "confirmed = 2014-05-16"),
         "confirmed 2014-05-16 is after the release date it confirmed"),
    ],
)  # fmt: skip
def test_hand_edits_that_rewrite_the_past_are_refused(announced, edit, message):
    path = announced / "schedules" / "announcements.toml"
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1))
    result = run_cli("build", "--as-of", "2014-04-22", cwd=announced)
    assert result.returncode == 2
    assert message in result.stderr, result.stderr


@pytest.mark.interop
def test_a_cancelled_release_is_reinstated_with_its_history(announced):
    result = ok("reinstate", "monthly-bulletin", "2014-06-10", "--to", "2014-06-17",
                "--reason", "data ready", "--as-of", "2014-04-25", cwd=announced)  # fmt: skip
    assert "Reinstated on Friday 25 April 2014 for Tuesday 17 June 2014: data ready" in (
        result.stdout
    )
    ok("build", "--as-of", "2014-04-25", cwd=announced)
    june = feed_events(announced)[JUNE]
    assert june.decoded("DTSTART").date() == dt.date(2014, 6, 17)
    assert str(june["STATUS"]) == "TENTATIVE"  # 17 June is more than four weeks away
    assert int(june["SEQUENCE"]) == 2
    description = str(june["DESCRIPTION"])
    # Every day of its history: cancelled from 10 June, reinstated for 17 June.
    assert (
        "Cancelled on Tuesday 22 April 2014 (it was due on Tuesday 10 June 2014): series under "
        "review\nReinstated on Friday 25 April 2014 for Tuesday 17 June 2014: data ready"
    ) in description
    again = run_cli("reinstate", "monthly-bulletin", "2014-06-17", "--reason", "x",
                    "--as-of", "2014-04-25", cwd=announced)  # fmt: skip
    assert again.returncode == 2 and "is not cancelled" in again.stderr


@pytest.mark.interop
def test_an_ended_publication_keeps_its_past_and_gets_nothing_new(announced):
    topic = announced / "schedules" / "test.toml"
    topic.write_text(MONTHLY + '\n[publication.ended]\non = 2014-09-30\nreason = "merged"\n')
    ok("build", "--as-of", "2014-04-22", cwd=announced)
    months = sorted(uid[17:24] for uid in feed_events(announced))
    # April's release was out before the first build, never announced: not in the feeds.
    assert months == ["2014-05", "2014-06", "2014-07", "2014-08", "2014-09"]


def test_removing_a_publication_with_announced_releases_says_to_end_it(announced):
    other = MONTHLY.replace("monthly-bulletin", "another")
    (announced / "schedules" / "test.toml").write_text(other)
    result = run_cli("build", "--as-of", "2014-04-22", cwd=announced)
    assert result.returncode == 2
    assert 'id "monthly-bulletin" is not a publication in the schedules' in result.stderr
    assert "mark it ended ([publication.ended]" in result.stderr


@pytest.mark.interop
def test_provisional_events_are_never_stamped_after_the_build(tmp_path):
    write_schedules(tmp_path / "schedules", programme=PROGRAMME.replace("2014/15", "2015/16"))
    ok("build", "--as-of", "2015-02-01", cwd=tmp_path)
    stamps = {e.decoded("DTSTAMP").date() for e in feed_events(tmp_path).values()}
    assert max(stamps) <= dt.date(2015, 2, 1)


@pytest.mark.parametrize(
    ("now", "today"),
    [
        (dt.datetime(2014, 6, 30, 23, 30, tzinfo=dt.UTC), dt.date(2014, 7, 1)),  # BST
        (dt.datetime(2014, 12, 31, 23, 30, tzinfo=dt.UTC), dt.date(2014, 12, 31)),  # GMT
        (dt.datetime(2014, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=10))),
         dt.date(2014, 7, 1)),  # 00:00 BST on 1 July, from Sydney's 09:00
    ],
)  # fmt: skip
def test_today_is_the_date_in_london(now, today):
    assert today_in_london(now) == today


# Rolling forward: a calendar-year programme rolled in spring, as the README suggests.
YEAR = PROGRAMME.replace('"2014/15"', '"2015"')


@pytest.mark.interop
def test_next_year_keeps_the_current_year_in_the_feeds(tmp_path):
    write_schedules(tmp_path / "schedules", programme=YEAR)
    ok("build", "--as-of", "2015-04-01", cwd=tmp_path)
    before = set(feed_events(tmp_path))
    ok("next-year", "--as-of", "2015-04-01", "--early", cwd=tmp_path)
    after = set(feed_events(tmp_path))
    assert before <= after
    # January to March 2015 were out before the first build: never announced, not in the feeds.
    assert (
        sorted(uid[17:24] for uid in after)
        == [f"{year}-{month:02d}" for year in (2015, 2016) for month in range(1, 13)][3:]
    )


def test_next_year_does_not_roll_twice_by_mistake(tmp_path):
    write_schedules(tmp_path / "schedules", programme=YEAR)
    ok("next-year", "--as-of", "2015-04-01", "--early", cwd=tmp_path)
    before = snapshot(tmp_path)
    again = run_cli("next-year", "--as-of", "2015-04-01", "--early", cwd=tmp_path)
    assert again.returncode == 2
    assert "the period is 2016 already, a period ahead of today's (2015)" in again.stderr
    assert "calendar-gen next-year --to 2017" in again.stderr
    assert snapshot(tmp_path) == before
    # Rolling on to 2017 in April 2015 is early too: --to alone does not say so.
    early = run_cli("next-year", "--as-of", "2015-04-01", "--to", "2017", cwd=tmp_path)
    assert early.returncode == 2
    assert early.stderr.rstrip().endswith("calendar-gen next-year --to 2017 --early")
    assert snapshot(tmp_path) == before
    ok("next-year", "--as-of", "2015-04-01", "--to", "2017", "--early", cwd=tmp_path)
    assert 'period = "2017"' in (tmp_path / "schedules" / "programme.toml").read_text()


def test_next_year_dry_run_shows_the_new_year_and_writes_nothing(tmp_path):
    write_schedules(tmp_path / "schedules", programme=YEAR)
    ok("build", "--as-of", "2015-04-01", cwd=tmp_path)
    before = snapshot(tmp_path)
    result = ok("next-year", "--as-of", "2015-04-01", "--dry-run", "--early", cwd=tmp_path)
    assert "Tue 12 Jan 2016" in result.stdout and "Tue 13 Dec 2016" in result.stdout
    assert "nothing was written (--dry-run)" in result.stdout
    assert snapshot(tmp_path) == before


ROLL = ["next-year", "--as-of", "2015-04-01", "--early"]


def rolled_once(tmp_path):
    """A calendar-year programme built on 1 April 2015, and what rolling it gives."""
    start = tmp_path / "start"
    write_schedules(start / "schedules", programme=YEAR)
    ok("build", "--as-of", "2015-04-01", cwd=start)
    done = tmp_path / "done"
    shutil.copytree(start, done)
    assert run_process(*ROLL, cwd=done).returncode == 0
    return start, snapshot(done)


def assert_completed_by_a_rerun(work, final) -> bool:
    """Whatever runs next finds the roll done, or not begun: a build does not publish a
    half-rolled calendar, and next-year then completes the roll or says it is done. The
    stop was a real process; what runs next runs in this one, as the other tests' commands
    do: a process started for each took most of the stopping tests' time."""
    rolled = 'period = "2016"' in (work / "schedules" / "programme.toml").read_text()
    built = run_cli("build", "--as-of", "2015-04-01", cwd=work)
    assert built.returncode == 0, built.stderr
    finished = "finished writing the" in built.stderr  # the lock finished the roll
    if finished or rolled:
        assert snapshot(work) == final
    again = run_cli(*ROLL, cwd=work)
    if again.returncode:
        assert "next-year has been run" in again.stderr, again.stderr
    assert snapshot(work) == final
    return finished and not rolled


# A real process that stops dead (os._exit: no cleanup, as a kill) at its k-th rename.
STOP_AT = """
import os, sys
replace, count, stop = os.replace, [0], int(sys.argv.pop(1))
def stopping(*args, **kwargs):
    count[0] += 1
    if count[0] == stop:
        os._exit(9)
    return replace(*args, **kwargs)
os.replace = stopping
from calendar_gen.cli import main
sys.argv[0] = "calendar-gen"
main()
"""


@pytest.mark.slow
def test_next_year_stopped_after_each_rename_is_completed_by_the_next_run(tmp_path):
    start, final = rolled_once(tmp_path)
    stops, finished = 0, False
    for k in range(1, 20):
        work = tmp_path / f"stop{k}"
        shutil.copytree(start, work)
        stopped = subprocess.run([sys.executable, "-c", STOP_AT, str(k), *ROLL], cwd=work,
                                 capture_output=True, text=True)  # fmt: skip
        if stopped.returncode == 0:  # fewer than k renames: every stop has been tried
            break
        assert stopped.returncode == 9  # it reached the fault
        stops += 1
        finished |= assert_completed_by_a_rerun(work, final)
    assert stops >= 8  # the journal, the record, seven site files and programme.toml
    assert finished  # some stops fell among the renames the journal noted


def test_check_and_list_refuse_a_folder_a_build_was_stopped_in_until_a_build_finishes_it(
    announced,
):
    (announced / "schedules" / "test.toml").write_text(MONTHLY.replace("second", "third"))
    build = ["build", "--as-of", "2014-04-25"]
    for k in range(2, 12):  # the first rename writes the journal; stop after the next one
        work = announced.parent / f"stop{k}"
        shutil.copytree(announced, work)
        stopped = subprocess.run([sys.executable, "-c", STOP_AT, str(k), *build], cwd=work,
                                 capture_output=True, text=True)  # fmt: skip
        assert stopped.returncode == 9, stopped.stderr  # it reached the fault
        if (work / "schedules" / ".calendar-gen-journal.json").exists():
            break
    else:
        pytest.fail("no stop left the journal")
    for command in ("check", "list"):
        result = run_cli(command, "--as-of", "2014-04-25", cwd=work)
        assert result.returncode == 2
        assert "a build or roll was stopped before it had written every file" in result.stderr
    assert "finished writing the" in run_process(*build, cwd=work).stderr
    assert run_cli("check", "--as-of", "2014-04-25", cwd=work).returncode in (0, 1)


@pytest.mark.slow
def test_next_year_killed_at_any_moment_is_all_or_nothing(tmp_path):
    start, final = rolled_once(tmp_path)
    roll = [sys.executable, "-m", "calendar_gen", *ROLL]
    chance = random.Random(20150401)
    for attempt in range(5):
        work = tmp_path / f"kill{attempt}"
        shutil.copytree(start, work)
        process = subprocess.Popen(roll, cwd=work, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(chance.uniform(0, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert_completed_by_a_rerun(work, final)


def test_an_accepted_clash_is_listed_and_not_counted(tmp_path):
    two = MONTHLY + MONTHLY.split("\n", 1)[1].replace("monthly-bulletin", "second")
    accept = '[[accept]]\ndate = 2014-05-13\nreason = "agreed with the press office"\n'
    write_schedules(tmp_path / "schedules", {"t": two}, PROGRAMME + accept)
    result = run_cli("clashes", "--period", "2014/15", "--as-of", "2014-05-01", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Tue 10 Jun 2014  same-day")
    assert any(line.startswith("Tue 13 May 2014  same-day") and line.endswith("(accepted)")
               for line in lines)  # fmt: skip
    assert "10 clashes in 2014/15" in result.stdout  # June 2014 to March 2015
    assert "1 accepted clash, not counted" in result.stdout


# --- reading only the rows that changed ----------------------------------------------------

SHIPPED_PROGRAMME = load_programme(SHIPPED)
EDITS = ("delete", "duplicate", "status", "sequence", "date", "join", "comma", "blank", "tail",
         "bom", "reindent")  # fmt: skip


def edited(lines: list[str], edit: str, at: int) -> list[str]:
    """releases.json's lines with one edit at line `at`: a hand edit, damage or another tool."""
    line, rest = lines[at], lines[at + 1 :]
    replaced = {
        "delete": [],
        "duplicate": [line, line],
        "status": [line.replace('"confirmed"', '"cancelled"').replace('"provisional"', '"x"')],
        "sequence": [line.replace('"sequence": 0', '"sequence": 2')],
        "date": [line.replace('"date": "2014-', '"date": "2013-')],
        "join": [line.rstrip("\n") + (rest.pop(0) if rest else "")],
        "comma": [line.replace("},\n", "}\n")],
        "blank": [line, "\n"],
        "tail": [line, "garbage"],
        "bom": ["\ufeff" + line],
    }
    if edit == "reindent":  # as another tool might write the same rows
        with contextlib.suppress(ValueError):
            return json.dumps(json.loads("".join(lines)), indent=1).splitlines(keepends=True)
    return [*lines[:at], *replaced.get(edit, [line]), *rest]


def outcome(path, releases, unchanged, as_of) -> list[str] | str:
    try:
        return broken_promises(read_published(path, unchanged), releases, as_of, as_of)
    except PromiseError as error:
        return str(error)


@examples(300)
@given(
    st.dates(dt.date(2014, 1, 1), dt.date(2015, 3, 31)),
    st.dates(dt.date(2014, 1, 1), dt.date(2015, 3, 31)),
    st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 60)), max_size=3),
)
def test_parsing_only_the_rows_that_changed_finds_what_parsing_all_of_them_did(
    tmp_path_factory, then, now, edits
):
    lines = list(json_lines(expand(SHIPPED_PROGRAMME, as_of=then)))
    for edit, at in edits:
        lines = edited(lines, edit, min(at, len(lines) - 1)) if lines else lines
    path = tmp_path_factory.mktemp("published") / "releases.json"
    path.write_text("".join(lines), "utf-8")
    releases = expand(SHIPPED_PROGRAMME, as_of=now)
    found = outcome(path, releases, set(json_rows(releases)), now)
    assert found == outcome(path, releases, (), now)
    event("unreadable" if isinstance(found, str) else "broken" if found else "kept")


def refused(folder, as_of: str = "2014-04-22") -> str:
    """The build's refusal, having checked it writes nothing."""
    return refused_to(folder, "build", "--as-of", as_of)


def refused_to(folder, *args: str) -> str:
    """The command's refusal, having checked it writes nothing."""
    before = snapshot(folder)
    result = run_cli(*args, cwd=folder)
    assert result.returncode == 2, result.stdout
    assert snapshot(folder) == before
    return result.stderr


def test_a_change_backdated_to_before_the_release_is_refused_once_it_is_out(announced):
    ok("build", "--as-of", "2014-06-20", cwd=announced)
    without_seals(announced)  # with them, the record refuses it too (test_seals.py)
    # Run on 20 June, claiming to be 14 May: the 15 May release was out by the last build.
    # The command refuses it; written into the record by hand, the build does.
    cancel = refused_to(announced, "cancel", "monthly-bulletin", "2014-05-15", "--reason", "x",
                        "--as-of", "2014-05-14")  # fmt: skip
    assert "the last build ([published] last) was as of 2014-06-20" in cancel
    record = announced / "schedules" / "announcements.toml"
    text = record.read_text()
    end = text.index("\n[[release]]", text.index('month = "2014-05"'))  # that entry's end
    record.write_text(text[:end] + (
        '\n[[release.change]]\non = 2014-05-14\naction = "cancelled"\nfrom = 2014-05-15\n'
        'reason = "x"\n') + text[end:])  # fmt: skip
    assert (
        "monthly-bulletin 2014-05: published as confirmed for Thursday 15 May 2014 (sequence 2); "
        "a change is dated 2014-05-14, before the build as of 2014-06-20 that published it as "
        "it was"
    ) in refused(announced, "2014-06-20")


def test_a_change_dated_after_today_is_refused(announced):
    ok("build", "--as-of", "2014-06-20", cwd=announced)  # confirms 8 July, that day
    without_seals(announced)  # with them, the record refuses it too (test_seals.py)
    record = announced / "schedules" / "announcements.toml"
    entry = 'month = "2014-07"\ndate = 2014-07-08\nconfirmed = 2014-06-20\n'
    assert entry in record.read_text()
    record.write_text(record.read_text().replace(entry, entry.replace("07-08", "07-09") + (
        '\n[[release.change]]\non = 2014-06-25\naction = "moved"\nfrom = 2014-07-08\n'
        'to = 2014-07-09\nreason = "x"\n'
    )))  # fmt: skip
    assert "a change is dated 2014-06-25, after today (2014-06-20)" in refused(
        announced, "2014-06-20"
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("announcements.toml", 'reason = "late data"', 'reason = "supplier delay"'),
         "monthly-bulletin 2014-05: published as confirmed for Thursday 15 May 2014 "
         "(sequence 2); the record now makes it confirmed for Thursday 15 May 2014 (sequence "
         "2), its history rewritten"),
        (("programme.toml", 'period = "2014/15"', 'period = "2014/15"\nrelease_time = "07:00"'),
         "monthly-bulletin 2014-05: published as confirmed for Thursday 15 May 2014 "
         "(sequence 2); the record now makes it confirmed for Thursday 15 May 2014 "
         "(sequence 2) at 07:00"),
        (("programme.toml", 'period = "2014/15"', 'period = "2014/15"\nuid_domain = "ons.gov.uk"'),
         "monthly-bulletin 2014-05: published as confirmed for Thursday 15 May 2014 "
         "(sequence 2), but nothing gives it now (its UID is now "
         "monthly-bulletin-2014-05@ons.gov.uk: put uid_domain back)"),
    ],
)  # fmt: skip
def test_what_subscribers_saw_cannot_be_rewritten(announced, edit, message):
    name, old, new = edit
    without_seals(announced)  # with them, the record refuses its edits too (test_seals.py)
    path = announced / "schedules" / name
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    assert message in refused(announced)


def test_a_publication_cannot_leave_its_topic_feed(announced):
    # Moved to a topic file of its own: the subscribers of test.ics would lose it.
    (announced / "schedules" / "test.toml").rename(announced / "schedules" / "other.toml")
    assert "it would leave test.ics for other.ics, whose subscribers never had it" in refused(
        announced
    )


@pytest.mark.parametrize("damage", ["deleted", "emptied", "cut"])
def test_a_missing_or_cut_releases_json_is_refused(announced, damage):
    path = announced / "feeds" / "releases.json"
    if damage == "deleted":
        path.unlink()
    elif damage == "emptied":
        path.write_text("[]\n")
    else:  # the May row, which a hand edit of the record would then move unseen
        path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                                if "-2014-05@" not in line))  # fmt: skip
    record_without(announced, "2014-05")
    message = refused(announced)
    assert "feeds/releases.json: cannot be read as the releases last published" in message
    assert ("it is missing, but all.ics is there" if damage == "deleted"
            else "it lists fewer releases than all.ics beside it") in message  # fmt: skip


def test_a_build_cannot_go_back_before_the_last(announced):
    ok("build", "--as-of", "2014-06-20", cwd=announced)
    message = refused(announced, "2014-06-19")
    assert ("schedules/announcements.toml says the last build ([published] last) was as of "
            "2014-06-20: a build as of 2014-06-19, before it") in message  # fmt: skip


@pytest.mark.parametrize("where", ["a fresh clone", "a second folder", "another published file"])
def test_the_record_holds_a_build_to_the_last_wherever_it_runs(announced, where):
    # The record, committed with the rules, keeps the last build's day: neither a clone
    # without the folder's build note, nor a preview into a second folder, nor another
    # releases.json may publish the past again.
    ok("build", "--as-of", "2014-06-20", cwd=announced)
    options = {"a fresh clone": [], "a second folder": ["--out", "preview"],
               "another published file": ["--published", "old.json"]}[where]  # fmt: skip
    if where == "a fresh clone":
        (announced / "feeds" / ".calendar-gen-build.json").unlink()
    (announced / "old.json").write_text("[]\n")
    before = snapshot(announced)
    result = run_cli("build", "--as-of", "2014-06-19", *options, cwd=announced)
    assert result.returncode == 2
    assert "says the last build ([published] last) was as of 2014-06-20" in result.stderr
    assert snapshot(announced) == before
    assert not (announced / "preview").exists()


def test_a_change_dated_before_the_last_build_is_refused(announced):
    # The build of 10 June confirmed 8 July, that of 20 June published it again; a move
    # claimed to have been made on 15 June, before that build, would hide a change at short
    # notice. The move is refused at once, rather than recorded for the next build to refuse.
    ok("build", "--as-of", "2014-06-10", cwd=announced)
    ok("build", "--as-of", "2014-06-20", cwd=announced)
    message = refused_to(announced, "move", "monthly-bulletin", "2014-07-08", "2014-07-09",
                         "--reason", "late", "--as-of", "2014-06-15")  # fmt: skip
    assert "last build ([published] last) was as of 2014-06-20" in message
    # Written by hand into the record, it is refused by the build.
    without_seals(announced)  # with them, the record refuses it too (test_seals.py)
    record = announced / "schedules" / "announcements.toml"
    entry = 'month = "2014-07"\ndate = 2014-07-08\nconfirmed = 2014-06-10\n'
    assert entry in record.read_text()
    record.write_text(record.read_text().replace(entry, entry.replace("07-08", "07-09") + (
        '\n[[release.change]]\non = 2014-06-15\naction = "moved"\nfrom = 2014-07-08\n'
        'to = 2014-07-09\nreason = "late"\n')))  # fmt: skip
    assert "a change is dated 2014-06-15, before the build as of 2014-06-20" in refused(
        announced, "2014-06-20"
    )


@pytest.mark.interop
def test_what_next_year_kept_is_never_confirmed_after_the_fact(tmp_path):
    write_schedules(tmp_path / "schedules")
    # On 1 October 2014: 14 October is confirmed; 11 November to 10 March are kept, provisional.
    ok("next-year", "--as-of", "2014-10-01", "--early", cwd=tmp_path)
    topic = tmp_path / "schedules" / "test.toml"
    topic.write_text(MONTHLY + '\n[publication.ended]\non = 2014-12-31\nreason = "merged"\n')
    built = ok("build", "--as-of", "2015-01-20", cwd=tmp_path)
    assert "newly confirmed" not in built.stdout
    events = feed_events(tmp_path)
    status = {uid[17:24]: str(e["STATUS"]) for uid, e in events.items()}
    # November and December went out never confirmed; from January, after the end, nothing.
    assert status == {"2014-10": "CONFIRMED", "2014-11": "TENTATIVE", "2014-12": "TENTATIVE"}


def test_the_page_and_the_record_name_the_digest_of_the_releases_json_published(announced):
    import hashlib
    import tomllib

    ok("build", "--as-of", "2014-06-20", cwd=announced)
    data = (announced / "feeds" / "releases.json").read_bytes()
    digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
    record = tomllib.loads((announced / "schedules" / "announcements.toml").read_text())
    assert record["published"]["releases"] == digest
    page = (announced / "feeds" / "index.html").read_text()
    assert f'<code class="digest">{digest}</code>' in page
