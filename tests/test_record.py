"""The announcement record: reading, checking and editing it by hand or by command."""

import datetime as dt

import pytest
from helpers import (
    MONTHLY,
    PROGRAMME,
    record_change,
    record_entry,
    run_cli,
    write_schedules,
)

from calendar_gen.domain.history import Moved
from calendar_gen.domain.model import Announcement, Shown, YearMonth
from calendar_gen.errors import ScheduleError
from calendar_gen.programme.schedule import load_programme
from calendar_gen.workspace.edits import render_updates

D, T = dt.date, dt.time
ENTRY = record_entry("monthly-bulletin", "2014-05", "2014-05-13", confirmed="2014-04-15")
PUBLISHED = (
    f'[published]\nfirst = 2014-04-01\nlast = 2014-04-20\nreleases = "sha256:{"a" * 64}"\n\n'
)
SHOWN = (
    "\n[[shown]]\non = 2014-04-01\nreleases = [\n"
    '    "monthly-bulletin 2014-06 2014-06-10 09:30",\n]\n'
)
MOVE = record_change("2014-05-01", "moved", "2014-05-13", "2014-05-15", "late data")


def load_with_record(tmp_path, record: str):
    folder = write_schedules(tmp_path)
    (folder / "announcements.toml").write_text(record)
    return load_programme(folder)


def record_problems(tmp_path, record: str) -> list[str]:
    with pytest.raises(ScheduleError) as error:
        load_with_record(tmp_path, record)
    return [str(p) for p in error.value.problems]


def test_record_is_read(tmp_path):
    programme = load_with_record(tmp_path, ENTRY.replace("2014-05-13", "2014-05-15") + MOVE)
    announcement = programme.announcements[("monthly-bulletin", YearMonth(2014, 5))]
    assert announcement.date == D(2014, 5, 15)
    assert announcement.confirmed == D(2014, 4, 15)
    assert announcement.changes == (
        Moved(D(2014, 5, 1), D(2014, 5, 13), D(2014, 5, 15), "late data"),
    )


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (ENTRY.replace("monthly-bulletin", "weather"),
         "publication 'weather': id \"weather\" is not a publication in the schedules"),
        (ENTRY + "\n" + ENTRY,
         "publication 'monthly-bulletin': month '2014-05' has two entries; keep one"),
        (ENTRY.replace("2014-05-13", "2014-05-17"),  # a Saturday
         "date 2014-05-17 is a Saturday, not a working day"),
        (ENTRY.replace('"2014-05"', '"May 2014"'),
         'month "May 2014" is not a scheduled month like "2014-05"'),
        (ENTRY.replace("date = 2014-05-13", 'date = "13 May"'),
         'date "13 May" is not a date; write it like date = 2014-05-22'),
        (ENTRY.replace("date = 2014-05-13", 'date = "2014-05-13"'),
         'date "2014-05-13" is text, not a date; write it without quotes: date = 2014-05-13'),
        (ENTRY.replace("confirmed", "confirmd"),
         'unknown key "confirmd" (did you mean "confirmed"?) in a release'),
        (ENTRY + MOVE, "change on 2014-05-01 does not lead to date 2014-05-13"),
        (ENTRY.replace("2014-05-13", "2014-05-15") + MOVE.replace("late data", ""),
         "a change needs a reason"),
        (ENTRY.replace("2014-05-13", "2014-05-15") + MOVE.replace('"moved"', '"delayed"'),
         'change action "delayed" is not one of moved, cancelled, reinstated, retimed, '
         "postponed"),
        ("release = 5\n", "release must be tables, written [[release]]"),
        (ENTRY.replace('month = "2014-05"', 'month = "2014-05'), "invalid TOML"),
        (PUBLISHED.replace("last = 2014-04-20", 'last = "2014-04-20"') + ENTRY,
         '[published] last "2014-04-20" is text, not a date; write it without quotes: '
         "last = 2014-04-20"),
        (PUBLISHED.replace("last =", "lasst =") + ENTRY,
         'unknown key "lasst" (did you mean "last"?) in [published]'),
        (PUBLISHED.replace("first = 2014-04-01", "first = 2014-05-01") + ENTRY,
         "[published] first 2014-05-01 is after last 2014-04-20"),
        (PUBLISHED.replace('"sha256:', '"md5:') + ENTRY,
         '[published] releases "md5:'),
        ("published = 5\n", "[published] must be a table"),
        (ENTRY + SHOWN.replace("on = 2014-04-01", 'on = "1 April"'),
         '[[shown]] row 1 on "1 April" is not a date; write it like on = 2014-05-22'),
        (ENTRY + SHOWN.replace("on =", "onn ="),
         'unknown key "onn" (did you mean "on"?) in [[shown]] row 1'),
        (ENTRY + SHOWN.replace("2014-06-10 09:30", "2014-06-10 9.30"),
         '[[shown]] row 1: "monthly-bulletin 2014-06 2014-06-10 9.30" is not a release as '
         'calendar-gen writes it, like "asylum-statistics 2015-05 2015-05-21 09:30"'),
        (ENTRY + SHOWN.replace("2014-06 2014-06-10", "June 2014-06-31"), "is not a release as"),
        (ENTRY + '[[shown]]\non = 2014-04-01\nreleases = "monthly-bulletin"\n',
         "[[shown]] row 1 releases must be a list of releases"),
        ("shown = 5\n", "shown must be tables, written [[shown]]"),
    ],
)  # fmt: skip
def test_bad_record_is_refused_naming_file_publication_and_key(tmp_path, record, message):
    found = record_problems(tmp_path, record)
    assert any(p.startswith(f"{tmp_path}/announcements.toml: ") and message in p for p in found), (
        found
    )


def test_what_the_builds_published_is_read(tmp_path):
    builds = load_with_record(tmp_path, PUBLISHED + ENTRY).builds
    assert builds is not None
    assert (builds.first, builds.last, builds.releases) == (
        D(2014, 4, 1), D(2014, 4, 20), "sha256:" + "a" * 64)  # fmt: skip


def test_the_days_releases_were_shown_are_read_in_the_order_recorded(tmp_path):
    later = SHOWN.replace("2014-04-01", "2014-04-10").replace("06-10", "06-17")
    before = SHOWN.replace("on =", "before =")
    programme = load_with_record(tmp_path, ENTRY + before + later + SHOWN.replace("06", "07"))
    june, july = (("monthly-bulletin", YearMonth(2014, m)) for m in (6, 7))
    # Shown before the record kept the day, then on a new day on 10 April: one revision.
    assert programme.shown[june] == Shown(None, D(2014, 4, 10), D(2014, 6, 17), T(9, 30), 1)
    assert programme.shown[july] == Shown(D(2014, 4, 1), D(2014, 4, 1), D(2014, 7, 10), T(9, 30), 0)


def test_record_problems_come_with_schedule_problems_fixed_first(tmp_path):
    folder = write_schedules(tmp_path, {"test": MONTHLY.replace('"monthly"', '"weekly"')})
    (folder / "announcements.toml").write_text(ENTRY.replace("monthly-bulletin", "weather"))
    with pytest.raises(ScheduleError) as error:
        load_programme(folder)
    # Ids in the record cannot be judged against schedules that did not load.
    assert [p.file for p in error.value.problems] == [f"{folder}/test.toml"]


def test_updates_keep_comments_and_layout(tmp_path):
    path = tmp_path / "announcements.toml"
    path.write_text("# Kept by the statistics unit.\n\n" + ENTRY.replace(
        'month = "2014-05"', 'month = "2014-05"  # checked with the team'
    ))  # fmt: skip
    moved = Announcement(
        "monthly-bulletin", YearMonth(2014, 5), D(2014, 5, 15), D(2014, 4, 15),
        (Moved(D(2014, 5, 1), D(2014, 5, 13), D(2014, 5, 15), "late data"),),
    )  # fmt: skip
    added = Announcement("monthly-bulletin", YearMonth(2014, 6), D(2014, 6, 10), D(2014, 5, 13))
    text = render_updates(path, [moved, added])
    assert text.startswith("# Kept by the statistics unit.\n\n[[release]]\n")
    assert 'month = "2014-05"  # checked with the team\ndate = 2014-05-15\n' in text
    assert MOVE.strip() in text
    assert text.endswith(
        '\n\n[[release]]\nid = "monthly-bulletin"\nmonth = "2014-06"\ndate = 2014-06-10\n'
        "confirmed = 2014-05-13\n"
    )


def test_new_record_explains_itself(tmp_path):
    text = render_updates(
        tmp_path / "none.toml", [Announcement("a", YearMonth(2014, 5), D(2014, 5, 13), None)]
    )
    assert text.startswith("# Release dates announced to the public")
    assert '[[release]]\nid = "a"\nmonth = "2014-05"\ndate = 2014-05-13\n' in text


def test_an_entry_added_to_a_record_without_a_final_newline_starts_on_its_own_line(tmp_path):
    path = tmp_path / "announcements.toml"
    june = '[[release]]\nid = "monthly-bulletin"\nmonth = "2014-06"\ndate = 2014-06-10\n'
    added = Announcement("monthly-bulletin", YearMonth(2014, 6), D(2014, 6, 10), None)
    for end in ("", "  # the last one"):
        path.write_text(ENTRY.rstrip("\n") + end)
        assert render_updates(path, [added]) == ENTRY.rstrip("\n") + end + "\n\n" + june


def test_an_announced_day_that_became_a_bank_holiday_is_a_warning_and_can_be_moved(tmp_path):
    # Spring bank holiday 2014 is Monday 26 May: as if it had been declared after the
    # release was announced, as the 2022 State Funeral was.
    folder = write_schedules(tmp_path / "schedules")
    (folder / "announcements.toml").write_text(ENTRY.replace("2014-05-13", "2014-05-26"))
    checked = run_cli("check", "--as-of", "2014-05-01", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert (
        "warning: monthly-bulletin 2014-05: announced for Monday 26 May 2014, which is not a "
        "working day (Spring Bank Holiday); move it: calendar-gen move monthly-bulletin "
        "2014-05-26 NEW_DATE --reason ..."
    ) in checked.stdout
    moved = run_cli("move", "monthly-bulletin", "2014-05-26", "2014-05-27", "--reason",
                    "a new bank holiday", "--as-of", "2014-05-01", cwd=tmp_path)  # fmt: skip
    assert moved.returncode == 0, moved.stderr


def test_a_change_made_over_a_year_before_a_release_a_period_ahead_is_accepted(tmp_path):
    # next-year --avoid-clashes run on Monday 22 December 2014 moved the release of ISO week
    # 2015-W53 (Thursday 31 December 2015) to the Wednesday: 371 days before its week began.
    weekly = MONTHLY.replace('"monthly"', '"weekly"').replace('"second tuesday"', '"thursday"')
    folder = write_schedules(tmp_path, {"test": weekly}, PROGRAMME.replace("2014/15", "2015/16"))
    (folder / "announcements.toml").write_text(
        '[[release]]\nid = "monthly-bulletin"\nmonth = "2015-W53"\ndate = 2015-12-30\n\n'
        '[[release.change]]\non = 2014-12-22\naction = "moved"\nfrom = 2015-12-31\n'
        'to = 2015-12-30\nreason = "to avoid a clash"\n'
    )
    assert load_programme(folder).announcements
