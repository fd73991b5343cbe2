"""Findings as data: what check and build find, in words and as JSON, and said again."""

import datetime as dt
import json

import pytest
from helpers import MONTHLY, run_cli, write_schedules

from calendar_gen.findings import Command, Finding, FindingKind, Remedy, Severity
from calendar_gen.reports import spell

D = dt.date


@pytest.mark.parametrize(
    ("kind", "severity"),
    [
        # What the Code of Practice asks to put right makes `check` exit 1 ...
        (FindingKind.LATE_CHANGE, Severity.PROBLEM),
        (FindingKind.SHORT_NOTICE, Severity.PROBLEM),
        (FindingKind.UNEXPLAINED_TIME, Severity.PROBLEM),
        (FindingKind.PASSED_UNCONFIRMED, Severity.PROBLEM),
        # ... what the producer should look at does not ...
        (FindingKind.NOT_A_WORKING_DAY, Severity.WARNING),
        (FindingKind.UNSCHEDULED, Severity.WARNING),
        (FindingKind.RULE_DIFFERS, Severity.WARNING),
        (FindingKind.CLASH, Severity.WARNING),
        (FindingKind.EMPTY_CALENDAR, Severity.WARNING),
        # ... and what the rules did is only said.
        (FindingKind.ROLLED, Severity.NOTE),
        (FindingKind.SUSPENDED, Severity.NOTE),
    ],
)
def test_each_kind_has_its_severity(kind, severity):
    assert Finding(kind, "x").severity is severity


@pytest.mark.parametrize(
    ("remedy", "spelt"),
    [
        (None, "it"),
        (Remedy(Command.MOVE, "a", D(2014, 5, 13)),
         "it: calendar-gen move a 2014-05-13 NEW_DATE --reason ..."),
        (Remedy(Command.MOVE, "a", D(2014, 5, 13), D(2014, 5, 20)),
         "it: calendar-gen move a 2014-05-13 2014-05-20 --reason ..."),
        (Remedy(Command.CANCEL, "a", D(2014, 5, 13)),
         "it: calendar-gen cancel a 2014-05-13 --reason ..."),
        (Remedy(Command.RELEASED, "a", D(2014, 5, 13)),
         "it: calendar-gen released a 2014-05-13 --url URL"),
    ],
)  # fmt: skip
def test_a_remedy_is_spelt_as_the_command_to_type(remedy, spelt):
    assert spell(Finding(FindingKind.RULE_DIFFERS, "it", remedy=remedy)) == spelt


@pytest.mark.parametrize(
    "data",
    [
        "an earlier version's sentence",
        {"kind": "no-such-kind", "text": "x", "publication": None, "scheduled": None,
         "date": None, "remedy": None},
        {"kind": "clash", "text": "x", "publication": None, "scheduled": None,
         "date": "13 May", "remedy": None},
        {"kind": "clash", "text": "x", "publication": "a", "scheduled": None, "date": None,
         "remedy": {"command": "delete", "publication": "a", "date": "2014-05-13"}},
        # Values of the wrong type or size, as a hand edit of the manifest could leave them.
        {"kind": "clash", "text": "x", "publication": 5, "scheduled": None, "date": None,
         "remedy": None},
        {"kind": "clash", "text": 12, "publication": None, "scheduled": None, "date": None,
         "remedy": None},
        {"kind": "clash", "text": "x" * 20_001, "publication": None, "scheduled": None,
         "date": None, "remedy": None},
        {"kind": "clash", "text": "x", "publication": None, "scheduled": ["2014-05"],
         "date": None, "remedy": None},
    ],
)  # fmt: skip
def test_what_is_not_a_finding_is_not_read_as_one(data):
    assert Finding.read(data) is None


def test_a_finding_reads_back_as_it_was():
    finding = Finding(FindingKind.RULE_DIFFERS, "moved by the rule", "a", "2014-05", D(2014, 5, 13),
                      Remedy(Command.MOVE, "a", D(2014, 5, 13), D(2014, 5, 20)))  # fmt: skip
    assert Finding.read(json.loads(json.dumps(finding.as_dict()))) == finding


def _json(*args, cwd):
    result = run_cli(*args, "--format", "json", cwd=cwd)
    return result.returncode, json.loads(result.stdout)


def test_check_as_json_counts_a_late_change_as_a_problem(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": MONTHLY})
    # 13 May (the second Tuesday) is confirmed on 15 April, four weeks ahead, in time;
    # moved on 1 May, 12 days before it, it is a change inside the notice period.
    assert run_cli("build", "--as-of", "2014-04-15", cwd=tmp_path).returncode == 0
    moved = run_cli("move", "monthly-bulletin", "2014-05-13", "2014-05-20", "--reason",
                    "late data", "--as-of", "2014-05-01", cwd=tmp_path)  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    code, data = _json("check", "--as-of", "2014-05-01", cwd=tmp_path)
    assert code == 1
    assert (data["period"], data["publications"], data["releases"]) == ("2014/15", 1, 12)
    assert (data["first"], data["last"], data["problems"]) == ("2014-04-08", "2015-03-10", 1)
    (late,) = [f for f in data["findings"] if f["kind"] == "late-change"]
    assert late == {
        "kind": "late-change",
        "severity": "problem",
        "publication": "monthly-bulletin",
        "scheduled": "2014-05",
        "date": "2014-05-20",
        "text": "monthly-bulletin 2014-05: moved on Thursday 1 May 2014, 12 days before its "
        "confirmed date (Tuesday 13 May 2014), inside the 4-week notice period: late data",
        "remedy": None,
    }


def test_build_as_json_carries_a_remedy_and_says_it_again_unchanged(tmp_path):
    schedules = write_schedules(tmp_path / "schedules", {"test": MONTHLY})
    assert run_cli("build", "--as-of", "2014-04-20", cwd=tmp_path).returncode == 0
    (schedules / "test.toml").write_text(MONTHLY.replace("second tuesday", "third tuesday"))
    code, built = _json("build", "--as-of", "2014-04-20", cwd=tmp_path)
    assert code == 0 and not built["unchanged"]
    (differs,) = built["warnings"]
    assert (differs["kind"], differs["date"]) == ("rule-differs", "2014-05-13")
    # The third Tuesday of May 2014 is the 20th.
    assert differs["remedy"] == {"command": "move", "publication": "monthly-bulletin",
                                 "date": "2014-05-13", "new_date": "2014-05-20"}  # fmt: skip
    code, again = _json("build", "--as-of", "2014-04-20", cwd=tmp_path)
    assert code == 0 and again["unchanged"] and again["warnings"] == built["warnings"]
    text = run_cli("build", "--as-of", "2014-04-20", cwd=tmp_path)
    assert text.stderr.endswith(
        "To move it: calendar-gen move monthly-bulletin 2014-05-13 2014-05-20 --reason ...\n"
    )


def test_a_manifest_whose_warnings_are_not_findings_builds_again(tmp_path):
    schedules = write_schedules(tmp_path / "schedules", {"test": MONTHLY})
    assert run_cli("build", "--as-of", "2014-04-20", cwd=tmp_path).returncode == 0
    (schedules / "test.toml").write_text(MONTHLY.replace("second tuesday", "third tuesday"))
    assert run_cli("build", "--as-of", "2014-04-20", cwd=tmp_path).returncode == 0
    manifest = tmp_path / "feeds" / ".calendar-gen-build.json"
    note = json.loads(manifest.read_text())
    assert len(note["warnings"]) == 1
    for warnings in (["a sentence, as 0.1 kept them"], None, {"0": note["warnings"][0]}):
        manifest.write_text(json.dumps({**note, "warnings": warnings}))
        code, built = _json("build", "--as-of", "2014-04-20", cwd=tmp_path)
        assert code == 0 and not built["unchanged"], warnings
        assert built["warnings"][0]["kind"] == "rule-differs"


def _built(tmp_path, day):
    code, built = _json("build", "--as-of", day, cwd=tmp_path)
    assert code == 0
    return [w for w in built["warnings"] if w["kind"] == "missed-builds"]


def test_a_build_after_days_without_one_says_which_releases_came_due_and_how_late(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": MONTHLY})
    assert _built(tmp_path, "2014-04-15") == []  # the first: nothing to have missed
    # 10 June came within four weeks on Tuesday 13 May, with no build till Friday 16 May.
    (missed,) = _built(tmp_path, "2014-05-16")
    assert missed["severity"] == "warning" and missed["text"] == (
        "no build ran from Wednesday 16 April 2014 to Thursday 15 May 2014, when 1 release "
        "came within 4 weeks of its day; confirmed today, late: monthly-bulletin 2014-06 by "
        "3 days. Build every day (see How often to build)"
    )


@pytest.mark.parametrize(
    "days",
    [
        # Gaps in which no release came due (10 June is due on 13 May), then the next day.
        ("2014-05-12", "2014-05-13"),
        # Built on the day 10 June came due; then a gap before 8 July comes due on 10 June.
        ("2014-05-13", "2014-05-20"),
    ],
)
def test_no_missed_builds_when_none_mattered(tmp_path, days):
    write_schedules(tmp_path / "schedules", {"test": MONTHLY})
    assert _built(tmp_path, "2014-04-15") == []
    assert [_built(tmp_path, day) for day in days] == [[], []]
