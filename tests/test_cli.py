"""The command end to end, through a real subprocess."""

import csv
import io
import json
import re
import subprocess

import click
import pytest
from helpers import MONTHLY, ROOT, published, run_cli, write_schedules
from interop import assert_parsers_agree
from test_golden import GOLDEN_FILES

from calendar_gen.cli import cli

# Every feed of the shipped programme, each in its variants (the golden list, pages aside).
SHIPPED_FEEDS = [name for name in GOLDEN_FILES if name.endswith(".ics")]
PAGES = [
    "index.html",
    "releases.csv",
    "releases.json",
    "releases.schema.json",
    "changes.atom",
    "feeds.json",
    "feeds.schema.json",
]


@pytest.fixture
def shipped(shipped_rules):
    """The folder of the shipped rules without their announcement record, so --as-of decides
    the status."""
    return shipped_rules.parent


@pytest.mark.interop
def test_build_writes_a_feed_per_topic_and_all(shipped):
    result = run_cli("build", "--as-of", "2014-04-01", cwd=shipped)
    assert result.returncode == 0, result.stderr
    assert "47 releases of 15 publications from April 2014 to March 2015" in result.stdout
    assert sorted(p.name for p in published(shipped / "feeds")) == sorted(SHIPPED_FEEDS + PAGES)
    text = (shipped / "feeds" / "migration.ics").read_bytes()
    assert text.count(b"BEGIN:VEVENT") == 28
    counts = {"all.ics": 47, "crime.ics": 8, "migration.ics": 28, "other.ics": 2, "policing.ics": 9}
    for name, count in counts.items():
        assert len(assert_parsers_agree((shipped / "feeds" / name).read_bytes())) == count
    assert b"UID:immigration-statistics-2014-05@home-office\r\n" in text


def test_rebuild_is_byte_identical_and_rewrites_nothing(shipped):
    args = ("build", "--as-of", "2014-04-01", "--out", "out")
    assert run_cli(*args, cwd=shipped).returncode == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in published(shipped / "out")}
    (shipped / "out" / "all.ics").unlink()
    result = run_cli(*args, cwd=shipped)
    assert "(1 file changed)" in result.stdout
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in published(shipped / "out")}
    assert {n: b for n, (b, _) in after.items()} == {n: b for n, (b, _) in before.items()}
    assert after["crime.ics"][1] == before["crime.ics"][1]


def test_unchanged_rebuild_skips_the_work_and_repeats_the_warnings(shipped):
    args = ("build", "--as-of", "2014-04-01")
    assert run_cli(*args, cwd=shipped).returncode == 0
    migration = shipped / "schedules" / "migration.toml"
    migration.write_text(migration.read_text().replace('"second tuesday"', '"third tuesday"'))
    first = run_cli(*args, cwd=shipped)
    assert "warning: asylum-statistics 2014-04: announced for Tuesday 8 April 2014" in first.stderr
    files = {p.name: p.stat().st_mtime_ns for p in (shipped / "feeds").iterdir()}
    again = run_cli(*args, cwd=shipped)
    assert again.returncode == 0
    assert again.stdout.endswith("(feeds/ unchanged)\n")
    assert again.stderr == first.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (shipped / "feeds").iterdir()} == files
    # Any change to the inputs, the options or the output brings a real build back, and so
    # does a day on which what is published changes: Asylum Statistics came out on Tuesday 8
    # April, so the page lists it as past from the 9th.
    assert "unchanged" not in run_cli("build", "--as-of", "2014-04-09", cwd=shipped).stdout
    (shipped / "feeds" / "crime.ics").write_text("edited by hand")
    rebuilt = run_cli("build", "--as-of", "2014-04-09", cwd=shipped)
    assert "(1 file changed)" in rebuilt.stdout
    assert (shipped / "feeds" / "crime.ics").read_text().startswith("BEGIN:VCALENDAR")


def test_refused_build_writes_nothing_and_keeps_feeds(tmp_path):
    folder = write_schedules(tmp_path / "schedules")
    assert run_cli("build", cwd=tmp_path).returncode == 0
    kept = (tmp_path / "feeds" / "test.ics").read_bytes()
    (folder / "test.toml").write_text(MONTHLY.replace('"monthly"', '"biweekly"'))
    (folder / "new.toml").write_text(MONTHLY.replace("monthly-bulletin", "new-one"))
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        "schedules/test.toml: publication 'monthly-bulletin': frequency \"biweekly\" is not one of "
    ) in result.stderr
    assert (tmp_path / "feeds" / "test.ics").read_bytes() == kept
    stems = ["all", "test", "designation-official-statistics", "nation-england-and-wales",
             "publication-monthly-bulletin"]  # fmt: skip
    feeds = [f"{stem}{ending}" for stem in stems for ending in (".ics", ".all-day.ics")]
    assert sorted(p.name for p in published(tmp_path / "feeds")) == sorted([*feeds, *PAGES])


def _statuses(cwd, *args):
    result = run_cli("list", "--format", "json", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return {r["date"]: r["status"] for r in json.loads(result.stdout)}


def test_list_calls_a_release_no_feed_has_not_announced(tmp_path):
    write_schedules(tmp_path / "schedules")  # second Tuesdays, from April 2014
    # Nothing built yet: 8 April and 13 May are past, so no build will publish them; 10 June
    # is within four weeks of 1 June, so the next build confirms it; 8 July is further.
    first = _statuses(tmp_path, "--as-of", "2014-06-01")
    assert [first[d] for d in ("2014-04-08", "2014-05-13", "2014-06-10", "2014-07-08")] == [
        "not announced", "not announced", "confirmed", "provisional"]  # fmt: skip
    # A period before the programme's is in no feed, even its release still to come
    # (Tuesday 11 March 2014).
    before = _statuses(tmp_path, "--as-of", "2014-03-01", "--period", "2013/14")
    assert before["2014-03-11"] == "not announced" and set(before.values()) == {"not announced"}


def test_list_gives_each_release_the_status_its_feed_gives_it(tmp_path):
    write_schedules(tmp_path / "schedules")
    assert run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0
    assert run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path).returncode == 0
    published = json.loads((tmp_path / "feeds" / "releases.json").read_text())
    listed = _statuses(tmp_path, "--as-of", "2014-06-01")  # the period, 2014/15
    fed = {r["date"]: r["status"] for r in published if r["date"] in listed}
    assert fed == listed and len(listed) == 12
    # Confirmed by the first build, 8 April stays so; 13 May, shown as provisional and
    # passed with no build in its notice period, stays as it was shown.
    assert (listed["2014-04-08"], listed["2014-05-13"]) == ("confirmed", "provisional")


def _seen(cwd, day):
    result = run_cli("list", "--format", "json", "--as-of", "2014-06-01", "--as-seen-on", day,
                     cwd=cwd)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {r["date"]: (r["status"], r["sequence"]) for r in json.loads(result.stdout)}


def test_list_as_seen_on_a_day_shows_what_was_published_then(tmp_path):
    write_schedules(tmp_path / "schedules")  # second Tuesdays, four weeks' notice
    steps = [
        ("build", "--as-of", "2014-04-15"),  # confirms Tuesday 13 May, four weeks ahead
        ("move", "monthly-bulletin", "2014-05-13", "2014-05-20", "--reason", "late data",
         "--as-of", "2014-05-01"),
        ("build", "--as-of", "2014-05-01"),
        # No build on 13 May, when 10 June came within four weeks: confirmed on the 16th.
        ("build", "--as-of", "2014-05-16"),
    ]  # fmt: skip
    for step in steps:
        assert run_cli(*step, cwd=tmp_path).returncode == 0, step
    april = _seen(tmp_path, "2014-04-20")
    assert "2014-04-08" not in april  # out before the first build: never shown
    # SEQUENCE counts the confirmation and each change.
    assert [april[d] for d in ("2014-05-13", "2014-06-10", "2014-07-08")] == [
        ("confirmed", 1), ("provisional", 0), ("provisional", 0)]  # fmt: skip
    moved = _seen(tmp_path, "2014-05-05")
    assert "2014-05-13" not in moved and moved["2014-05-20"] == ("confirmed", 2)
    # Four weeks before 10 June, but no build had confirmed it: it was shown as provisional.
    assert _seen(tmp_path, "2014-05-14")["2014-06-10"] == ("provisional", 0)
    assert _seen(tmp_path, "2014-05-16")["2014-06-10"] == ("confirmed", 1)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--as-seen-on", "2014-07-01"), "is after today (2014-06-01)"),
        (("--as-seen-on", "2014-05-01", "--period", "2014/15"), "not both"),
    ],
)
def test_list_as_seen_on_refuses_what_it_cannot_show(tmp_path, args, said):
    write_schedules(tmp_path / "schedules")
    result = run_cli("list", "--as-of", "2014-06-01", *args, cwd=tmp_path)
    assert result.returncode == 2 and said in result.stderr


def test_list_of_a_later_period_agrees_with_a_build_of_it(tmp_path):
    write_schedules(tmp_path / "schedules")
    built = run_cli("build", "--as-of", "2014-04-01", "--period", "2015/16", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    published = json.loads((tmp_path / "feeds" / "releases.json").read_text())
    listed = _statuses(tmp_path, "--as-of", "2014-04-01", "--period", "2015/16")
    assert len(listed) == 12 and set(listed.values()) == {"provisional"}
    assert {r["date"]: r["status"] for r in published if r["date"] in listed} == listed


def test_list_json_has_the_contract_fields(shipped):
    result = run_cli("list", "--format", "json", "--as-of", "2014-06-01", cwd=shipped)
    assert result.returncode == 0, result.stderr
    releases = json.loads(result.stdout)
    assert len(releases) == 47
    first = releases[0]
    assert first == first | {
        "id": "police-powers-and-procedures",
        "title": "Police Powers and Procedures, England and Wales",
        "topic": "policing",
        "topic_name": "Policing statistics",
        "frequency": "annual",
        "designation": "National Statistics",
        "date": "2014-04-03",
        "start": "2014-04-03T09:30:00+01:00",
        # Out on 3 April, before the first build: in no feed, so never a promise.
        "status": "not announced",
        "sequence": 0,
        "uid": "police-powers-and-procedures-2014-04@home-office",
    }
    assert [r["date"] for r in releases] == sorted(r["date"] for r in releases)
    # 1 June + 4 weeks = 29 June 2014: the asylum figures of Tuesday 10 June are confirmed,
    # those of Tuesday 8 July not yet.
    status = {(r["id"], r["date"]): r["status"] for r in releases}
    assert status[("asylum-statistics", "2014-06-10")] == "confirmed"
    assert status[("asylum-statistics", "2014-07-08")] == "provisional"


def test_list_topic_csv_and_table(shipped):
    result = run_cli("list", "--topic", "policing", "--format", "csv", cwd=shipped)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["topic"] for r in rows} == {"policing"}
    assert len(rows) == 9
    assert rows[0]["date"] == "2014-04-03"  # police powers, the first Thursday of April
    # Were the programme carried on past its end, 2015/16 would bring the animals statistics
    # on the second Thursday of July (1 July 2015 is a Wednesday), at ten, and no alcohol
    # licensing figures, whose collection for the year to March 2015 was dropped.
    programme = shipped / "schedules" / "programme.toml"
    programme.write_text(programme.read_text().replace("ends = 2015-03-31\n", ""))
    table = run_cli("list", "--topic", "other", "--period", "2015/16", "--as-of", "2015-03-01",
                    "--wide", cwd=shipped).stdout  # fmt: skip
    lines = table.splitlines()
    assert lines[0].split() == ["Date", "Time", "Status", "Topic", "Id", "Title"]
    assert lines[1].startswith("Thu 09 Jul 2015  10:00  provisional  other  scientific-")
    assert len(lines) == 2
    narrow = run_cli("list", "--topic", "other", "--period", "2015/16", "--as-of", "2015-03-01",
                     cwd=shipped).stdout  # fmt: skip
    assert narrow.splitlines()[0].split() == ["Date", "Time", "Status", "Title"]
    assert all(len(line) <= 80 for line in narrow.splitlines())


def test_list_refuses_an_unknown_topic(shipped):
    result = run_cli("list", "--topic", "weather", cwd=shipped)
    assert result.returncode == 2
    assert "--topic 'weather' is not a topic" in result.stderr
    assert "crime, migration, other, policing" in result.stderr


def test_check_summarises_and_reports_rolls(tmp_path):
    topic = MONTHLY.replace('day = "second tuesday"', 'day = "first monday"')
    write_schedules(tmp_path / "schedules", {"test": topic})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 topic, 1 publication, 12 releases in 2014/15" in result.stdout
    assert (
        "monthly-bulletin: first monday gives Mon 05 May 2014 (May Day); "
        "rolled following to Tue 06 May 2014"
    ) in result.stdout


def test_check_on_the_shipped_programme_reports_the_suspension(shipped):
    result = run_cli("check", "--period", "2015/16", cwd=shipped)
    assert result.returncode == 0
    assert "alcohol-licensing: suspended for 2015/16" in result.stdout
    assert "suspended" not in run_cli("check", cwd=shipped).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("build", "--period", "2014-15"), 'period "2014-15" is not a financial year'),
        (("list", "--as-of", "tomorrow"), "'tomorrow' is not a date like 2014-05-22"),
        (("list", "--format", "xml"), "'xml' is not one of"),
        (("build", "--schedules", "missing"), "missing: does not exist"),
        (("frobnicate",), "No such command 'frobnicate'"),
    ],
)
def test_bad_usage_exits_2_without_traceback(tmp_path, args, message):
    write_schedules(tmp_path / "schedules")
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_output_is_a_clear_error(tmp_path):
    write_schedules(tmp_path / "schedules")
    (tmp_path / "feeds").write_text("a file, not a folder")
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "feeds: cannot create the output folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_commands_with_examples():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "list", "check"):
        assert command in result.stdout
        assert "Example:" in run_cli(command, "--help").stdout


def _options(command: click.Command) -> set[str]:
    return {o for p in command.params for o in p.opts if o.startswith("--")} - {"--help"}


def test_readme_documents_every_command_and_option_and_only_real_ones():
    readme = (ROOT / "README.md").read_text()
    rows = dict(re.findall(r"\| `calendar-gen ([a-z][a-z-]*)([^`]*)`", readme))
    assert set(rows) == set(cli.commands)
    for name, command in cli.commands.items():
        assert set(re.findall(r"--[a-z-]+", rows[name])) == _options(command), name
    # The global options stand in the row of `calendar-gen [OPTIONS] COMMAND`.
    (row,) = re.findall(r"\| `calendar-gen \[([^`]*)\] COMMAND", readme)
    assert set(re.findall(r"--[a-z-]+", row)) == _options(cli)


def test_a_reason_in_the_record_is_shown_with_its_escapes_visible(tmp_path):
    write_schedules(tmp_path / "schedules")
    moved = run_cli("move", "monthly-bulletin", "2014-06-10", "2014-06-11", "--reason",
                    "late \x1b]0;owned\x07\x1b[2J\u202eatad", "--as-of", "2014-06-02",
                    cwd=tmp_path)  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    checked = run_cli("check", "--as-of", "2014-06-02", cwd=tmp_path)
    assert checked.returncode == 1
    assert "inside the 4-week notice period: late \\x1b]0;owned\\x07\\x1b[2J\\u202eatad" in (
        checked.stdout
    )
    for output in (moved.stdout, checked.stdout):
        assert not {"\x1b", "\x07", "\u202e"} & set(output)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain, tab\tand\nnewline", "plain, tab\tand\nnewline"),
        ("\x00\x08\x0b\x0c\r\x1b\x7f", "\\x00\\x08\\x0b\\x0c\\x0d\\x1b\\x7f"),
        ("\x80\x85\x9b\x9f\xa0é", "\\x80\\x85\\x9b\\x9f\xa0é"),
        ("\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"),
        ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),
        ("\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),
        ("Ŵyr 😀 عربي", "Ŵyr 😀 عربي"),
    ],
)  # fmt: skip
def test_terminal_safe_shows_controls_and_direction_overrides(text, shown):
    from calendar_gen.terminal import terminal_safe

    assert terminal_safe(text) == shown


def test_init_keeps_the_lock_and_temporary_files_out_of_git(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = run_cli("init", "rail", "--period", "2027/28", "--as-of", "2027-04-01", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote rail/.gitignore" in result.stdout.splitlines()
    build = run_cli("build", "--schedules", "rail", "--as-of", "2027-04-01", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "rail" / ".calendar-gen.lock").exists()  # what was once committed
    # What a run killed mid-write leaves behind.
    (tmp_path / "rail" / ".calendar-gen-programme.toml.x1y2.tmp").write_text("half")
    (tmp_path / "rail" / ".calendar-gen-journal.json").write_text("{}")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "rail"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert sorted(status.splitlines()) == [
        "?? rail/.gitignore",
        "?? rail/announcements.toml",
        "?? rail/programme.toml",
        "?? rail/statistics.toml",
    ]


def test_init_help_gives_the_period_it_really_defaults_to():
    text = run_cli("init", "--help").stdout
    assert "the financial year holding today" in " ".join(text.split())
    assert "programme's" not in text


@pytest.mark.parametrize(
    ("command", "option", "default"),
    [("build", "--out", "feeds"), ("report", "--out", "feeds"), ("policy", "--out", "feeds"),
     ("check", "--schedules", "schedules"), ("build", "--schedules", "schedules")],
)  # fmt: skip
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_folder_name_is_refused_not_taken_as_here(tmp_path, command, option, default,
                                                           value):  # fmt: skip
    write_schedules(tmp_path / "schedules")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_cli(command, option, value, cwd=tmp_path)
    assert result.returncode == 2
    assert f"{value!r} names no folder; write the folder's name, like {option} {default}" in (
        result.stderr
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written here
