"""Each build seals the events it publishes in the record, so a hand edit of the past is found
wherever a build runs: in a fresh clone, with no feeds to compare with, too.

The record below is May 2014 confirmed on Sunday 20 April for Tuesday the 13th and moved to
Thursday the 15th on the 22nd, June (Tuesday the 10th) cancelled while provisional that day.
"""

import datetime as dt
import hashlib
import json
import re
import shutil
import tomllib
from dataclasses import replace

import pytest
from helpers import SHIPPED, run_cli, unsealed_text, write_schedules

from calendar_gen.domain.history import Announcement, Moved
from calendar_gen.domain.model import Key, Showing, ShownRow
from calendar_gen.domain.slots import IsoWeek, OnDay, YearMonth
from calendar_gen.record.seals import change_seals, entry_seal, events_digest, row_seals

D = dt.date


def ok(*args: str, cwd) -> None:
    result = run_cli(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def sealed(announced):
    """The record as the builds of 20 and 22 April left it, in a clone with no feeds folder."""
    shutil.rmtree(announced / "feeds")
    return announced


def record(folder) -> str:
    return (folder / "schedules" / "announcements.toml").read_text()


def test_every_event_a_build_publishes_carries_a_seal(sealed):
    data = tomllib.loads(record(sealed))
    tables = [*data["release"], *(c for e in data["release"] for c in e["change"]), *data["shown"]]
    assert len(tables) == 5  # two entries, their two changes, the row of 20 April
    assert all(re.fullmatch("[0-9a-f]{16}", t["seal"]) for t in tables)
    assert re.fullmatch("sha256:[0-9a-f]{64}", data["published"]["events"])


def test_each_release_in_releases_json_carries_the_seal_of_its_latest_event(announced):
    data = tomllib.loads(record(announced))
    latest = {(e["id"], e["month"]): [e, *e.get("change", [])][-1]["seal"] for e in data["release"]}
    rows = json.loads((announced / "feeds" / "releases.json").read_text())
    found = {(r["id"], r["scheduled_month"]): r["seal"] for r in rows}
    # May's move and June's cancellation (April's release was out before the first build);
    # the rest are provisional.
    assert {k: v for k, v in found.items() if v} == latest
    assert set(latest) == {("monthly-bulletin", "2014-05"), ("monthly-bulletin", "2014-06")}

    # A change the next build publishes moves the row on to its seal; the others stay.
    ok("move", "monthly-bulletin", "2014-05-15", "2014-05-16", "--reason", "later still",
       "--as-of", "2014-04-23", cwd=announced)  # fmt: skip
    ok("build", "--as-of", "2014-04-23", cwd=announced)
    after = {(r["id"], r["scheduled_month"]): r["seal"]
             for r in json.loads((announced / "feeds" / "releases.json").read_text())}  # fmt: skip
    may = ("monthly-bulletin", "2014-05")
    entry = next(e for e in tomllib.loads(record(announced))["release"] if e["month"] == may[1])
    assert after[may] == entry["change"][-1]["seal"]
    assert after[may] != found[may]
    assert {k: v for k, v in after.items() if k != may} == {
        k: v for k, v in found.items() if k != may
    }


def test_the_calendar_as_seen_on_a_past_day_carries_no_seal_of_later_events(announced):
    # On 21 April nothing of May's move or June's cancellation (both of the 22nd) was made.
    result = run_cli("list", "--format", "json", "--as-seen-on", "2014-04-21", cwd=announced)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(r["seal"] == "" for r in rows)


def _cut(text: str, start: str, end: str) -> str:
    """`text` without the part from `start` up to (not including) `end`."""
    begin = text.index(start)
    return text[:begin] + text[text.index(end, begin + len(start)) :]


def _without_event_seals(text: str) -> str:
    """`text` with the seals of its events taken out, and [published]'s own kept."""
    head, rest = text.split("\n[[release]]", 1)
    return head + "\n[[release]]" + re.sub(r'^seal = "[^"]*"\n', "", rest, flags=re.M)


BACKDATED = (
    '\n[[release.change]]\non = 2014-04-21\naction = "moved"\nfrom = 2014-05-15\n'
    'to = 2014-05-16\nreason = "x"\n'
)
JUNE = '\n[[release]]\nid = "monthly-bulletin"\nmonth = "2014-06"'
PUBLISHED_EDITED = "[published] is not what the last build wrote (its seal does not match)"
NO_EVENTS = "it holds seals, which builds write, but no [published] events"
HAND_CONFIRMED = (
    '\n[[release]]\nid = "monthly-bulletin"\nmonth = "2014-07"\ndate = 2014-07-08\n'
    "confirmed = 2014-04-22\n"
)
TAKEN_OUT = (
    "its events are not those the last build sealed ([published] events): "
    "an event or its seal was taken out by hand"
)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("confirmed = 2014-04-20", "confirmed = 2014-04-14"),
         "the entry for 2014-05 (as it now reads: first announced for 2014-05-13, confirmed on "
         "2014-04-14) is not what the build that published it sealed: it was edited by hand"),
        (lambda t: t.replace('reason = "late data"', 'reason = "supplier delay"'),
         "the moved change of 2014-05, made on 2014-04-22, is not what the build that "
         "published it sealed"),
        (lambda t: t.replace("on = 2014-04-22\naction = \"cancelled\"",
                             "on = 2014-04-21\naction = \"cancelled\""),
         "the cancelled change of 2014-06, made on 2014-04-21, is not what the build"),
        (lambda t: t.replace(JUNE, BACKDATED + JUNE).replace("date = 2014-05-15",
                                                              "date = 2014-05-16"),
         "the moved change of 2014-05, made on 2014-04-21, has no seal, yet it is dated before "
         "the last build (2014-04-22)"),
        (lambda t: t.replace("2014-07-08 09:30", "2014-07-09 09:30"),
         "the 1st [[shown]] row (the provisional dates shown on 2014-04-20) is not what the "
         "build that wrote it sealed"),
        (lambda t: _cut(t, '\n[[release.change]]\non = 2014-04-22\naction = "cancelled"',
                        "\n[[shown]]"),
         TAKEN_OUT),
        (lambda t: _cut(t, JUNE, "\n[[shown]]"),
         TAKEN_OUT),
        (lambda t: t[: t.index("\n[[shown]]")], TAKEN_OUT),
        (lambda t: re.sub(r'(confirmed = 2014-04-20\n)seal = "[0-9a-f]+"\n', r"\1", t),
         "the entry for 2014-05 (as it now reads: first announced for 2014-05-13, confirmed on "
         "2014-04-20) has no seal, yet only a build confirms a release"),
        (lambda t: re.sub(r'(date = 2014-06-10\n)seal = "[0-9a-f]+"\n', r"\1", t), TAKEN_OUT),
        (lambda t: t.replace("last = 2014-04-22", "last = 2014-04-21"), PUBLISHED_EDITED),
        (lambda t: t.replace("first = 2014-04-20", "first = 2014-04-01"), PUBLISHED_EDITED),
        (lambda t: re.sub(r'(\[published\]\n(?:.*\n){4})seal = "[0-9a-f]+"\n', r"\1", t),
         PUBLISHED_EDITED),
        (lambda t: re.sub(r'^events = "[^"]*"\n', "", t, flags=re.M), NO_EVENTS),
        (lambda t: _cut(t, "[published]", "[[release]]"), NO_EVENTS),
        (lambda t: t.replace("\n[[shown]]", HAND_CONFIRMED + "\n[[shown]]"),
         "the entry for 2014-07 (as it now reads: first announced for 2014-07-08, confirmed on "
         "2014-04-22) has no seal, yet only a build confirms a release"),
        (lambda t: re.sub(r'^events = "[^"]*"\n', "", _without_event_seals(t), flags=re.M),
         NO_EVENTS),
    ],
    ids=["confirmation", "reason", "change-day", "backdated", "row", "change-deleted",
         "entry-deleted", "row-deleted", "seal-deleted", "undated-seal-deleted",
         "last-backdated", "first-edited", "published-seal-deleted", "events-deleted",
         "published-deleted", "confirmed-by-hand", "only-published-seal-kept"],
)  # fmt: skip
def test_a_hand_edit_of_the_past_is_refused_without_feeds_and_nothing_is_written(
    sealed, edit, message
):
    path = sealed / "schedules" / "announcements.toml"
    path.write_text(edit(path.read_text()))
    edited = path.read_bytes()
    result = run_cli("build", "--as-of", "2014-04-23", cwd=sealed)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert "put back what calendar-gen wrote" in result.stderr.lower()
    assert path.read_bytes() == edited
    assert not (sealed / "feeds").exists()


def test_only_the_first_event_edited_is_named_not_those_chained_to_it(sealed):
    ok("reinstate", "monthly-bulletin", "2014-06-10", "--reason", "review done",
       "--as-of", "2014-04-23", cwd=sealed)  # fmt: skip
    ok("build", "--as-of", "2014-04-23", cwd=sealed)
    path = sealed / "schedules" / "announcements.toml"
    path.write_text(path.read_text().replace("series under review", "series reviewed"))
    result = run_cli("check", cwd=sealed)
    assert result.returncode == 2
    assert "the cancelled change of 2014-06, made on 2014-04-22, is not what" in result.stderr
    assert "reinstated change" not in result.stderr and "1 problem found" in result.stderr


def test_a_change_dated_after_the_builds_today_is_not_published(sealed):
    path = sealed / "schedules" / "announcements.toml"
    later = BACKDATED.replace("2014-04-21", "2014-04-25")
    path.write_text(
        path.read_text()
        .replace(JUNE, later + JUNE)
        .replace("date = 2014-05-15", "date = 2014-05-16")
    )
    edited = path.read_bytes()
    result = run_cli("build", "--as-of", "2014-04-23", cwd=sealed)
    assert result.returncode == 2
    assert ("the moved change of 2014-05 is dated 2014-04-25, after today (2014-04-23): a "
            "change is dated the day it is made") in result.stderr  # fmt: skip
    assert path.read_bytes() == edited and not (sealed / "feeds").exists()


def test_a_record_a_build_sealed_is_accepted_by_the_next_however_early(tmp_path):
    # The shipped record holds changes made up to February 2015; built as of 1 April 2014,
    # the first build seals them all. A second build that day, and check, accept them.
    shutil.copytree(SHIPPED, tmp_path / "schedules")
    for out in ("feeds", "preview"):
        ok("build", "--as-of", "2014-04-01", "--out", out, cwd=tmp_path)
    assert "events = " in record(tmp_path)
    checked = run_cli("check", "--as-of", "2014-04-01", cwd=tmp_path)
    # It reads the record (exit 1: the shipped year's short notice, a Code of Practice matter).
    assert (checked.returncode, checked.stderr) == (1, ""), checked.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("list",),
        ("move", "monthly-bulletin", "2014-05-15", "2014-05-16", "--reason", "x"),
    ],
)
def test_every_command_refuses_a_record_an_event_was_taken_out_of(sealed, command):
    path = sealed / "schedules" / "announcements.toml"
    path.write_text(_cut(path.read_text(), JUNE, "\n[[shown]]"))
    edited = path.read_bytes()
    result = run_cli(*command, "--as-of", "2014-04-23", cwd=sealed)
    assert result.returncode == 2 and TAKEN_OUT in result.stderr
    assert path.read_bytes() == edited


def test_a_record_with_rows_from_before_seals_is_accepted_and_its_new_rows_sealed(sealed):
    path = sealed / "schedules" / "announcements.toml"
    path.write_text(
        unsealed_text(path.read_text())
    )  # as the version before seals wrote it, rows and all
    (sealed / "schedules" / "test.toml").write_text(
        (sealed / "schedules" / "test.toml").read_text().replace("second tuesday", "third tuesday")
    )  # the rule moves the provisional days: the build adds a row
    ok("build", "--as-of", "2014-04-23", cwd=sealed)
    rows = tomllib.loads(record(sealed))["shown"]
    assert ["seal" in row for row in rows] == [False, True]
    ok("build", "--as-of", "2014-04-24", cwd=sealed)
    checked = run_cli("check", "--as-of", "2014-04-24", cwd=sealed)
    assert checked.returncode == 1 and checked.stderr == ""  # the May move's short notice


def test_change_commands_after_a_build_are_sealed_by_the_next(sealed):
    ok("move", "monthly-bulletin", "2014-05-15", "2014-05-20", "--reason", "more checks",
       "--as-of", "2014-04-25", cwd=sealed)  # fmt: skip
    unsealed = tomllib.loads(record(sealed))["release"][0]["change"][-1]
    assert unsealed["reason"] == "more checks" and "seal" not in unsealed
    ok("build", "--as-of", "2014-04-25", cwd=sealed)
    assert "seal" in tomllib.loads(record(sealed))["release"][0]["change"][-1]
    ok("build", "--as-of", "2014-04-26", cwd=sealed)  # and the record is accepted as sealed


def test_a_record_from_before_seals_is_sealed_by_its_next_build(sealed):
    path = sealed / "schedules" / "announcements.toml"
    old = unsealed_text(path.read_text())
    old = old[: old.index("\n[[shown]]")]  # and its rows, which came with the seals
    path.write_text(old)
    ok("build", "--as-of", "2014-04-23", cwd=sealed)
    assert record(sealed).count("\nseal = ") == 6  # the four events, the new row, [published]
    path.write_text(record(sealed).replace('"late data"', '"supplier delay"'))
    assert run_cli("build", "--as-of", "2014-04-24", cwd=sealed).returncode == 2


MAY = Announcement("monthly-bulletin", YearMonth(2014, 5), D(2014, 5, 13), D(2014, 4, 15))
MOVE = Moved(D(2014, 4, 22), D(2014, 5, 13), "late data", D(2014, 5, 15))


@pytest.mark.parametrize(
    "other",
    [
        replace(MAY, id="monthly-bulletin-2"),
        replace(MAY, month=YearMonth(2014, 6)),
        replace(MAY, date=D(2014, 5, 14)),
        replace(MAY, confirmed=D(2014, 4, 16)),
        replace(MAY, confirmed=None),
    ],
)
def test_an_entry_seal_is_its_own(other):
    assert entry_seal(other) != entry_seal(MAY)


def test_change_seals_chain_and_a_later_confirmation_leaves_them():
    moved = replace(MAY, date=D(2014, 5, 15), changes=(MOVE,))
    twice = replace(moved, changes=(MOVE, replace(MOVE, old=D(2014, 5, 15), new=D(2014, 5, 20))))
    assert change_seals(twice)[0] == change_seals(moved)[0]
    assert change_seals(replace(moved, confirmed=None)) == change_seals(moved)
    reworded = replace(twice, changes=(replace(MOVE, reason="late"), twice.changes[1]))
    assert all(a != b for a, b in zip(change_seals(reworded), change_seals(twice), strict=True))


def test_row_seals_chain():
    key = Key("monthly-bulletin", YearMonth(2014, 6))
    rows = [
        ShownRow(D(2014, 4, d), (Showing(key, D(2014, 6, 10), dt.time(9, 30)),)) for d in (1, 2)
    ]
    first, second = row_seals(rows)
    assert row_seals(rows[1:], before=first) == [second]
    assert row_seals(rows[1:]) != [second]
    assert row_seals([replace(rows[0], before=True)])[0] != first


def test_the_record_and_the_page_keep_the_digest_of_every_seal(tmp_path):
    write_schedules(tmp_path / "schedules")
    ok("build", "--as-of", "2014-04-20", cwd=tmp_path)
    ok("move", "monthly-bulletin", "2014-05-13", "2014-05-15", "--reason", "late data",
       "--as-of", "2014-04-22", cwd=tmp_path)  # fmt: skip
    ok("build", "--as-of", "2014-04-22", cwd=tmp_path)
    data = tomllib.loads(record(tmp_path))
    # Each release's seals in the record's order, by publication and month; then the last row's.
    lines = sorted(
        (e["id"], e["month"], " ".join([e["seal"], *(c["seal"] for c in e.get("change", []))]))
        for e in data["release"]
    )
    text = "".join(f"{pub} {month} {seals}\n" for pub, month, seals in lines)
    digest = hashlib.sha256(f"{text}rows {data['shown'][-1]['seal']}".encode()).hexdigest()
    assert data["published"]["events"] == f"sha256:{digest}"
    page = (tmp_path / "feeds" / "index.html").read_text()
    assert f'<code class="digest">sha256:{digest}</code> ([published] events)' in page


def test_sealing_a_record_entry_by_entry_as_text_is_what_tomlkit_writes():
    # A record's first sealing build adds a seal to every entry; it does so as text, not
    # with one tomlkit edit an entry, and must write what tomlkit would.
    from calendar_gen.programme.schedule import load_programme
    from calendar_gen.workspace.edits import render_document, render_updates

    programme = load_programme(SHIPPED)
    entries = list(programme.announcements.values())
    path = SHIPPED / "announcements.toml"
    by_text = render_updates(path, entries, None, (), programme.seals)
    assert by_text == render_document(path.read_text(), entries, seals=programme.seals)
    assert by_text.count("\nseal = ") == len(entries) + sum(len(a.changes) for a in entries)


def test_the_digest_of_the_seals_takes_them_in_the_order_of_their_keys():
    # By (publication, slot text), as tuples sort, where one id or slot begins another:
    # "crime" before "crime-2" before "crime2"; "2015-03" before "2015-03-05" and "2015-W10".
    ids = ("crime2", "crime-2", "crime", "c")
    slots = (YearMonth(2015, 3), OnDay(2015, 3, 5), IsoWeek(2015, 10), YearMonth(2014, 12))
    seals = {Key(i, s): (f"{n:016x}",) * (n % 3 + 1) for n, (i, s) in
             enumerate((i, s) for i in ids for s in slots)}  # fmt: skip
    keys = sorted(seals, key=lambda k: (k.publication, str(k.slot)))
    assert [k.publication for k in keys[:5]] == ["c", "c", "c", "c", "crime"]
    assert [str(k.slot) for k in keys[:4]] == ["2014-12", "2015-03", "2015-03-05", "2015-W10"]
    text = "".join(f"{k.publication} {k.slot} {' '.join(seals[k])}\n" for k in keys)
    expected = hashlib.sha256(f"{text}rows last".encode()).hexdigest()
    assert events_digest(seals, ["first", "last"]) == f"sha256:{expected}"
